"""Calendar dates from plan text, with reasons a planner understands when they are impossible."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from planforge.bounds import date_in_range, date_problem

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_date(text: object) -> dt.date | None:
    """``'2024-04-01'`` -> date; None unless a real YYYY-MM-DD date within the plan bounds."""
    day = real_date(text)
    return day if day is not None and date_in_range(day) else None


def real_date(text: object) -> dt.date | None:
    """``'2024-04-01'`` -> date; None for anything that is not a real YYYY-MM-DD date."""
    if not isinstance(text, str):
        return None
    m = _ISO.fullmatch(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def why_not_a_date(text: str) -> str:
    """Explain why ``text`` is not a real date (``2024-02-30``: February 2024 has 29 days)."""
    day = real_date(text)
    if day is not None:
        return date_problem(day)
    m = _ISO.fullmatch(text)
    if not m:
        return f"`{text}` is not a date: write it YYYY-MM-DD, e.g. 2024-04-01"
    year, month, _day = (int(g) for g in m.groups())
    if year < 1:
        return f"`{text}` has no year 0"
    if not 1 <= month <= 12:
        return f"`{text}` is not a real date: there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    return f"`{text}` is not a real date: {calendar.month_name[month]} {year} has {last} days"


def span_days(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end``, both included."""
    return (end - start).days + 1
