"""Durations and lags as planners write them: ``5wd`` working days, ``5d`` calendar days.

``工作日``/``个工作日`` and ``天`` work too (``5个工作日``, ``3天``). Lags may be negative
(``-1wd``: a lead). Amounts are capped at :data:`MAX_DAYS` so no date computation
walks further than about ten years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planforge.messages import msg

#: The largest duration or lag, in working or calendar days.
MAX_DAYS = 3660

_SPAN = re.compile(r"\s*([+-]?)\s*([0-9]+)\s*(wd|d|工作日|个工作日|天)\s*", re.IGNORECASE)
_WORKING = {"wd", "工作日", "个工作日"}


@dataclass(frozen=True)
class Span:
    """A number of working days (``working``) or calendar days."""

    days: int
    working: bool

    def __str__(self) -> str:
        return f"{self.days}{'wd' if self.working else 'd'}"


def parse_span(text: object, *, what: str = "duration", negative: bool = False) -> Span:
    """``'5wd'`` -> Span(5, True); ValueError with a planner's explanation otherwise."""
    what = msg("lag") if what == "lag" else msg("duration")  # type: ignore[assignment]
    if not isinstance(text, str):
        raise ValueError(
            msg(
                "a {what} is written with its unit: `5wd` (working days) or `5d` (calendar days)",
                what=what,
            )
        )
    m = _SPAN.fullmatch(text)
    if not m:
        raise ValueError(
            msg(
                "`{text}` is not a {what}: write `5wd` for five working days or `5d` for five"
                " calendar days",
                text=text[:40],
                what=what,
            )
        )
    sign, digits, unit = m.groups()
    if len(digits) > 6 or int(digits) > MAX_DAYS:
        raise ValueError(
            msg(
                "`{text}` is too long a {what}: at most {limit} days",
                text=text[:40],
                what=what,
                limit=MAX_DAYS,
            )
        )
    days = -int(digits) if sign == "-" else int(digits)
    if days < 0 and not negative:
        raise ValueError(
            msg("`{text}` is negative; a {what} is at least `1wd` or `1d`", text=text, what=what)
        )
    if days == 0 and not negative:
        raise ValueError(
            msg(
                "`{text}` is no time at all; for a one-date event write `milestone: true`"
                " instead of a duration",
                text=text,
            )
        )
    return Span(days, unit.lower() in _WORKING)
