"""YAML 1.2 core-schema meaning for plain scalars, with numbers as exact ``Decimal``.

PyYAML implements YAML 1.1, where ``no`` is False, ``0755`` is octal and
``2024-04-01`` becomes a date object. Plans use the YAML 1.2 core schema instead:
only ``true``/``false`` are booleans, numbers are read from their source text
into :class:`~decimal.Decimal` (never through a float), and dates stay text until
the checks parse them, so that an impossible date is a located error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from planforge.bounds import (
    MAX_NUMBER_TEXT,
    NumberOutOfBounds,
    exponent_problem,
    number_problem,
)
from planforge.messages import msg

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+")
#: A number that is within bounds by its shape: at most 15 digits before the point
#: (leading zeros aside) and at most 10 after it, no exponent.
_PLAIN = re.compile(r"[-+]?0*[0-9]{1,15}(\.[0-9]{0,10})?")
_OCT = re.compile(r"0o([0-7]+)")
_HEX = re.compile(r"0x([0-9a-fA-F]+)")
_FLOAT = re.compile(r"([-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))(?:[eE]([-+]?[0-9]+))?")
_INF = re.compile(r"([-+]?)\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
#: Every number form above, in one expression: text it does not match is no number
#: (dates, phone numbers and ids start with a digit too, and need only this one match).
_ANY_NUMBER = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
#: The characters every number form above starts with (a sign, a point or a digit).
NUMBER_STARTS = frozenset("+-.0123456789")

Scalar = str | Decimal | bool | None

WORDS: dict[str, Scalar] = {
    **dict.fromkeys(_NULL),
    **dict.fromkeys(_TRUE, True),
    **dict.fromkeys(_FALSE, False),
}


def plain_scalar(text: str) -> Scalar:
    """The value of an untagged plain (unquoted) scalar under the YAML 1.2 core schema."""
    if text in WORDS:
        return WORDS[text]
    if text[:1] not in NUMBER_STARTS:  # most values: text
        return text
    number = parse_number(text)
    return text if number is None else number


def parse_number(text: str) -> Decimal | None:
    """``text`` as a core-schema number, or None when it is not one.

    Raises :class:`NumberOutOfBounds` for a number beyond planforge's bounds, before
    converting it when its text alone is too long.
    """
    if text[:1] not in NUMBER_STARTS:  # most text: no number form starts this way
        return None
    if len(text) <= MAX_NUMBER_TEXT and _PLAIN.fullmatch(text):  # common, bounded by shape
        return Decimal(text)
    if not _ANY_NUMBER.fullmatch(text):
        return None
    if _INT.fullmatch(text):
        return _bounded(text, lambda: Decimal(text))
    m = _FLOAT.fullmatch(text)
    if m:
        return _bounded(text, lambda: Decimal(text), m.group(1), m.group(2) or "0")
    m = _OCT.fullmatch(text)
    if m:
        return _bounded(text, lambda: Decimal(int(m.group(1), 8)))
    m = _HEX.fullmatch(text)
    if m:
        return _bounded(text, lambda: Decimal(int(m.group(1), 16)))
    m = _INF.fullmatch(text)
    if m:
        return Decimal(f"{m.group(1)}Infinity")
    if _NAN.fullmatch(text):
        return Decimal("NaN")
    return None


def _bounded(
    text: str, convert: Callable[[], Decimal], mantissa: str = "0", exponent: str = "0"
) -> Decimal:
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberOutOfBounds(
            msg("is {length} characters long, too long for a number", length=f"{len(text):,}")
        )
    problem = exponent_problem(mantissa, int(exponent))  # both at most 100 characters
    if problem:
        raise NumberOutOfBounds(problem)
    value = convert()
    problem = number_problem(value)
    if problem:
        raise NumberOutOfBounds(problem)
    return value


def is_number(value: object) -> bool:
    """A usable number: a finite Decimal or an int, and not a boolean."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)
