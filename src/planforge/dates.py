"""Calendar dates from plan text, with reasons a planner understands when they are impossible."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from planforge.bounds import date_in_range, date_problem, shift

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


def add_working_days(start: dt.date, days: int) -> dt.date | None:
    """The date ``days`` working days (Monday to Friday) after ``start``.

    Constant time (whole weeks first); None when the result would leave the calendar.
    """
    if days <= 0:
        return start
    weeks, rest = divmod(days, 5)
    current = start
    # Step to the last working day on or before start, so whole weeks land on working days.
    back = max(current.weekday() - 4, 0)
    current = shift(current, -back)
    if current is None:
        return None
    current = shift(current, 7 * weeks)
    while current is not None and rest > 0:
        current = shift(current, 1)
        if current is not None and current.weekday() < 5:
            rest -= 1
    return current


def span_days(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end``, both included."""
    return (end - start).days + 1
