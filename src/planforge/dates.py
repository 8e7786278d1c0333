"""Calendar dates from plan text, with reasons a planner understands when they are impossible."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from planforge.bounds import date_in_range, date_problem
from planforge.diagnostics import Suggestion
from planforge.messages import Message, msg

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


def why_not_a_date(text: str) -> tuple[Message, Suggestion]:
    """Why ``text`` is not a real date (``2024-02-30``: February 2024 has 29 days), and a fix."""
    day = real_date(text)
    if day is not None:
        return date_problem(day), Suggestion(msg("use a date between 1970 and 2199"))
    m = _ISO.fullmatch(text)
    if not m:
        loose = re.fullmatch(
            r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.strip()
        )
        if loose:
            fixed = "{}-{:0>2}-{:0>2}".format(*loose.groups())
            return (
                msg("`{text}` is not written YYYY-MM-DD", text=text),
                Suggestion(msg("write `{fixed}`", fixed=fixed), fixed),
            )
        return (
            msg("`{text}` is not a date", text=text),
            Suggestion(msg("write it YYYY-MM-DD, e.g. 2024-04-01")),
        )
    year, month, _day = (int(g) for g in m.groups())
    if year < 1:
        return msg("`{text}` has no year 0", text=text), Suggestion(msg("write the real year"))
    if not 1 <= month <= 12:
        return (
            msg("`{text}` is not a real date: there is no month {month}", text=text, month=month),
            Suggestion(msg("the month is 01 to 12")),
        )
    last = calendar.monthrange(year, month)[1]
    fixed = f"{year:04d}-{month:02d}-{last:02d}"
    return (
        msg(
            "`{text}` is not a real date: {year}-{month:02d} has {last} days",
            text=text,
            year=year,
            month=month,
            last=last,
        ),
        Suggestion(msg("the last day of that month is {fixed}", fixed=fixed), fixed),
    )


def span_days(start: dt.date, end: dt.date) -> int:
    """Days from ``start`` to ``end``, both included."""
    return (end - start).days + 1
