"""The bounds of what a plan may hold, and the one decimal context planforge computes in.

Every bound is checked where the value is read (the loader for numbers and text,
the schema check for dates, the parsers for formulas and quantities), so no later
stage ever sees a value it cannot compute with:

* numbers: less than 10^15 in magnitude, at most :data:`MAX_DECIMALS` decimals;
* dates: :data:`MIN_DATE` to :data:`MAX_DATE`, so every date planforge derives
  (the day after a phase, a review deadline, a working-day count) stays a real date;
* text: any single value or key at most :data:`MAX_TEXT` characters (free-text
  fields are held to 2,000 by the schema);
* size: at most :data:`MAX_VALUES` values in a plan (and 16 MB, in the loader);
* formulas: at most :data:`MAX_FORMULA` characters and :data:`MAX_NESTING` levels.

With these bounds every sum, product and rounding of plan numbers is exact in
:data:`CONTEXT` (60 significant digits); only a formula's division can round.
The context traps overflow, underflow, invalid operations and division by zero;
:func:`computed` turns a trap into ``None`` so that callers report it as a
diagnostic instead of raising.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    Underflow,
    localcontext,
)
from typing import TypeVar

from planforge.messages import msg

T = TypeVar("T")

#: Numbers are smaller than this in magnitude (the schema holds money to 10^12).
MAX_MAGNITUDE = Decimal(10) ** 15
#: Decimal places a number may be written with (``0.0000000001``).
MAX_DECIMALS = 10
#: Characters a number may be written with (digits, sign, point, exponent).
MAX_NUMBER_TEXT = 100
#: A number with an exponent beyond this (``1e-99999999999999999999``) is judged from its
#: text, never converted: none is within the bounds, and Decimal cannot hold one of 10^18.
MAX_EXPONENT = 400
#: Values (numbers, texts, lists, blocks; keys not counted) in one plan: a 5,000-task plan
#: holds about 54,000. Bounding the count bounds the time of every check after loading.
MAX_VALUES = 60_000
#: Characters in any one value or key of a plan.
MAX_TEXT = 10_000
#: Characters in a formula, a target or a threshold.
MAX_FORMULA = 500
#: Parentheses and signs a formula may nest.
MAX_NESTING = 32
#: The range of dates a plan may use.
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)

#: The one arithmetic context: exact for every sum and product of bounded numbers.
CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_UP,
    Emin=-99,
    Emax=99,
    traps=[InvalidOperation, DivisionByZero, Overflow, Underflow],
)


def arithmetic() -> localcontext:  # type: ignore[valid-type]
    """``with arithmetic():`` runs a block in :data:`CONTEXT`."""
    return localcontext(CONTEXT)


def computed(func: Callable[[], T]) -> T | None:
    """``func()`` in :data:`CONTEXT`; None when a trap fires or a date leaves the calendar."""
    with localcontext(CONTEXT):
        try:
            return func()
        except (DecimalException, OverflowError):
            return None


class NumberOutOfBounds(ValueError):
    """A number too large, too precise or too long to compute with."""


def number_problem(value: Decimal) -> str | None:
    """Why ``value`` is out of bounds (in a planner's words), or None when it is fine."""
    if not value.is_finite():
        return None  # the schema says `.nan`/`.inf` is not a real amount
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if value and value.adjusted() >= 15:
        return _too_large()
    if not value and exponent > MAX_EXPONENT:
        return _zero_exponent(exponent)  # as :func:`exponent_problem` judges it from the text
    if -exponent > MAX_DECIMALS:
        return _too_precise(-exponent)
    return None


def _too_large() -> str:
    return msg("is too large: planforge works with numbers below 1,000,000,000,000,000")


def _too_precise(places: int) -> str:
    return msg(
        "has {places} decimal places; planforge keeps at most {limit}:"
        " round it, or count in a smaller unit",
        places=places,
        limit=MAX_DECIMALS,
    )


def exponent_problem(mantissa: str, exponent: int) -> str | None:
    """Why ``<mantissa>e<exponent>`` is refused, judged from its text when the exponent is
    beyond :data:`MAX_EXPONENT` (Decimal cannot convert ``1e9999999999999999999``);
    None when the number can be converted and checked as usual."""
    if abs(exponent) <= MAX_EXPONENT:
        return None
    value = Decimal(mantissa)
    if exponent < 0:
        written = value.as_tuple().exponent
        assert isinstance(written, int)
        return _too_precise(max(-exponent - written, 0))
    return _too_large() if value else _zero_exponent(exponent)


def _zero_exponent(exponent: int) -> str:
    return msg("has the exponent {exponent}: write the number without one", exponent=exponent)


def read_number(text: str) -> Decimal:
    """A bounded Decimal from number text; :class:`NumberOutOfBounds` says why not."""
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberOutOfBounds(msg("`{text}...` is too long for a number", text=text[:20]))
    value = Decimal(text)
    problem = number_problem(value)
    if problem:
        raise NumberOutOfBounds(msg("`{text}` {problem}", text=text, problem=problem))
    return value


def date_in_range(day: dt.date) -> bool:
    """True when ``day`` lies within the dates a plan may use."""
    return MIN_DATE <= day <= MAX_DATE


def date_problem(day: dt.date) -> str:
    """Why a real date is refused."""
    return msg(
        "`{day}` is outside the dates planforge plans with ({first} to {last})",
        day=day.isoformat(),
        first=MIN_DATE.isoformat(),
        last=MAX_DATE.isoformat(),
    )


def shift(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days`` calendar days; None past the ends of the calendar."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None
