"""Recurring tasks: ``every: month`` with ``count: 3`` or ``until: 2024-06-30``.

Occurrences are dated from the task's start by the rhythm: weeks add seven days,
months keep the day of the month (clamped to the month's last day: 01-31, 02-29,
03-31). An occurrence that falls on a day off moves to the next working day; that
is done by the scheduler, which knows the calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from planforge.messages import msg

#: The most occurrences a task may have.
MAX_OCCURRENCES = 1000

_EN = re.compile(r"\s*(?:([0-9]+)\s*)?(week|month|quarter)s?\s*", re.IGNORECASE)
_ZH = re.compile(r"\s*每\s*(?:([0-9]+)\s*)?(周|个?月|季度?)\s*")
_UNITS = {"week": (0, 7), "month": (1, 0), "quarter": (3, 0), "周": (0, 7), "季": (3, 0)}


@dataclass(frozen=True)
class Rhythm:
    """Every ``months`` months or ``days`` days (one of them is 0)."""

    months: int
    days: int

    def nth(self, start: dt.date, n: int) -> dt.date | None:
        """The ``n``-th date from ``start`` (0: ``start`` itself); None past 9999-12-31."""
        if self.days:
            ordinal = start.toordinal() + n * self.days
            return dt.date.fromordinal(ordinal) if ordinal <= dt.date.max.toordinal() else None
        index = start.year * 12 + start.month - 1 + n * self.months
        year, month = divmod(index, 12)
        if year > 9999:
            return None
        last = calendar.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(start.day, last))


def parse_every(text: object) -> Rhythm:
    """``'2 weeks'`` -> Rhythm(0, 14); ValueError with a planner's explanation otherwise."""
    m = (_EN.fullmatch(text) or _ZH.fullmatch(text)) if isinstance(text, str) else None
    if not m:
        raise ValueError(
            msg(
                "`{text}` is not a rhythm: write `week`, `2 weeks`, `month` or `quarter`"
                " (or 每周, 每2周, 每月, 每季度)",
                text=str(text)[:40],
            )
        )
    count_text, unit = m.groups()
    if count_text is not None and (len(count_text) > 4 or not 1 <= int(count_text) <= 520):
        raise ValueError(
            msg("`{text}`: repeat at most every 520 weeks or months, at least every 1", text=text)
        )
    count = int(count_text) if count_text else 1
    months, days = _UNITS.get(unit.lower(), (1, 0) if "月" in unit else (3, 0))
    return Rhythm(months * count, days * count)


def nominal_dates(
    start: dt.date, rhythm: Rhythm, count: int | None, until: dt.date | None
) -> list[dt.date]:
    """The rhythm's dates from ``start``: ``count`` of them, or those on or before ``until``.

    ValueError when there would be more than :data:`MAX_OCCURRENCES`.
    """
    out: list[dt.date] = []
    limit = count if count is not None else MAX_OCCURRENCES + 1
    for n in range(min(limit, MAX_OCCURRENCES + 1)):
        day = rhythm.nth(start, n)
        if day is None or (until is not None and day > until):
            break
        out.append(day)
    if len(out) > MAX_OCCURRENCES:
        raise ValueError(
            msg(
                "more than {limit} occurrences; repeat less often or stop sooner",
                limit=MAX_OCCURRENCES,
            )
        )
    return out
