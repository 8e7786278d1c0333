"""Values, targets and thresholds the way planners write them: ``65%``, ``>= 70%``, ``4.0..4.5``.

A :class:`Quantity` is a Decimal plus whether it is a percentage, so that a
percentage is never compared with a plain number by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from planforge.bounds import read_number
from planforge.messages import msg
from planforge.scalars import is_number

_NUM = r"-?[0-9]+(?:\.[0-9]+)?"
_PCT = "[%％]"
_QTY = re.compile(rf"\s*({_NUM})\s*({_PCT})?\s*")
_OPS = {">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<", "=": "=", "==": "="}
_COMPARISON = re.compile(rf"\s*(>=|<=|==|=|>|<|≥|≤)\s*({_NUM}\s*{_PCT}?)\s*")
_RANGE = re.compile(rf"\s*({_NUM}\s*{_PCT}?)\s*\.\.\s*({_NUM}\s*{_PCT}?)\s*")

MET, EXCEEDED, NOT_MET, PENDING = "met", "exceeded", "not_met", "pending"


@dataclass(frozen=True)
class Quantity:
    """A number, or a percentage (``value`` is then in percent: 65 for 65%)."""

    value: Decimal
    percent: bool = False

    def __str__(self) -> str:
        return f"{self.value}%" if self.percent else str(self.value)

    @property
    def kind(self) -> str:
        return msg("a percentage") if self.percent else msg("a plain number")


def parse_quantity(raw: object) -> Quantity:
    """``65%`` -> percent 65; ``4.3`` (number or text) -> 4.3. Raises ValueError."""
    if is_number(raw):
        return Quantity(Decimal(raw))  # type: ignore[arg-type]
    if isinstance(raw, str):
        m = _QTY.fullmatch(raw)
        if m:
            return Quantity(read_number(m.group(1)), m.group(2) is not None)
    raise ValueError(msg("`{raw}` is not a number like 4.3 or a percentage like 65%", raw=raw))


@dataclass(frozen=True)
class Target:
    """A comparison (``>= 70%``) or an inclusive range (``4.0..4.5``)."""

    op: str  # one of >= > <= < = range
    value: Quantity
    high: Quantity | None = None

    @property
    def percent(self) -> bool:
        return self.value.percent

    def __str__(self) -> str:
        if self.op == "range":
            return f"{self.value}..{self.high}"
        return f"{self.op} {self.value}"

    def satisfied_by(self, actual: Quantity) -> bool:
        """Whether ``actual`` meets the comparison (kinds must already agree)."""
        a, t = actual.value, self.value.value
        if self.op == "range":
            assert self.high is not None
            return t <= a <= self.high.value
        return {
            ">=": a >= t,
            ">": a > t,
            "<=": a <= t,
            "<": a < t,
            "=": a == t,
        }[self.op]

    def status(self, actual: Quantity | None, margin: Decimal) -> str:
        """``met``, ``exceeded``, ``not_met`` or ``pending`` for ``actual``.

        ``exceeded`` means the target is beaten by more than ``margin`` (a fraction,
        0.10 for 10%) relative to the target value; ranges and ``=`` are only met or not.
        """
        if actual is None:
            return PENDING
        if not self.satisfied_by(actual):
            return NOT_MET
        t = self.value.value
        if self.op in ("range", "=") or t == 0:
            return MET
        beat = actual.value - t if self.op in (">=", ">") else t - actual.value
        return EXCEEDED if beat / abs(t) > margin else MET


def _describe(text: str) -> str:
    return msg(
        "`{text}` is not a target planforge understands: write a comparison such as"
        " `>= 70%` or `<= 50` (≥ and ≤ work too), or a range such as `4.0..4.5`",
        text=text,
    )


def parse_target(text: object) -> Target:
    """Parse a KPI target. Raises ValueError with a planner-readable message."""
    if not isinstance(text, str):
        raise ValueError(
            msg(
                '`{text}` is not a target: write the comparison in quotes, e.g. ">= {text}"',
                text=text,
            )
        )
    m = _COMPARISON.fullmatch(text)
    if m:
        return Target(_OPS[m.group(1)], parse_quantity(m.group(2)))
    m = _RANGE.fullmatch(text)
    if m:
        low, high = parse_quantity(m.group(1)), parse_quantity(m.group(2))
        if low.percent != high.percent:
            raise ValueError(
                msg("the range `{text}` mixes a percentage and a plain number", text=text)
            )
        if low.value > high.value:
            raise ValueError(
                msg("the range `{text}` runs backwards: write the lower bound first", text=text)
            )
        return Target("range", low, high)
    raise ValueError(_describe(text))


def parse_threshold(text: object) -> Target:
    """Parse a monitoring threshold such as ``< 60%`` (a comparison, no range)."""
    target = parse_target(text)
    if target.op == "range":
        raise ValueError(
            msg("`{text}` is a range; a threshold is one comparison, e.g. `< 60%`", text=text)
        )
    return target


#: A response time: a number and a unit of hours, days or weeks (``48h``, ``2 days``, ``2天``).
DURATION = re.compile(
    r"\s*([0-9]+(?:\.[0-9]+)?)\s*"
    r"(h|hrs?|hours?|d|days?|w|wks?|weeks?|小时|个小时|钟头|个钟头|天|周|个?星期|个?礼拜)\s*",
    re.IGNORECASE,
)
#: The unit (h, d or w) a Chinese unit stands for, by its last character; an English
#: unit stands for its first letter.
_UNIT = {"时": "h", "头": "h", "天": "d", "周": "w", "期": "w", "拜": "w"}
_HOURS = {"h": 1, "d": 24, "w": 168}


def split_duration(text: object) -> tuple[str, str] | None:
    """``'2 days'`` -> (``'2'``, ``'d'``): a response time's amount as written and its unit
    (h, d or w); None when ``text`` is not a response time."""
    m = DURATION.fullmatch(text) if isinstance(text, str) else None
    if not m:
        return None
    unit = m.group(2).lower()
    return m.group(1), _UNIT.get(unit[-1], unit[0])


def parse_duration_hours(text: object) -> Decimal:
    """``48h``, ``48 hours`` -> 48; ``2d``, ``2 days``, ``2天`` -> 48; ``1w``, ``1 week`` -> 168.

    Raises ValueError.
    """
    parts = split_duration(text)
    if parts is None:
        raise ValueError(
            msg(
                "`{text}` is not a response time: write hours, days or weeks, e.g. `48h`, `2d`, `1w`",
                text=text,
            )
        )
    amount, unit = parts
    return read_number(amount) * _HOURS[unit]
