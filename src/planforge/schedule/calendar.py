"""The plan's working-day calendar.

Without a ``calendar:`` block a plan works Monday to Friday with no holidays; the
scheduling work extends this with a country's public holidays and make-up days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class WorkCalendar:
    """Which days are working days, and why a day is not."""

    weekends: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
    holidays: dict[dt.date, str] = field(default_factory=dict)  # day off -> name
    workdays: frozenset[dt.date] = frozenset()  # make-up working days on a weekend

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working day on this calendar."""
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekends and day not in self.holidays

    def holiday_name(self, day: dt.date, locale: str | None = None) -> str | None:
        """The name of the holiday on ``day``, or None (weekends have no name)."""
        return self.holidays.get(day)
