"""The plan's working-day calendar, and counting in working days.

Without a ``calendar:`` block a plan works Monday to Friday with no holidays. With
``calendar.country`` the country's public holidays and official make-up working days
(调休) come from the ``holidays`` package, loaded year by year as dates are asked
about (see :mod:`planforge.schedule.holidays`), so a plan that names no country
never imports it.

Working days are counted with an ordinal: the working day ``w`` has the ordinal
``n(w)``, the number of working days before it (counted from an anchor year, so only
differences mean anything). For any day ``d``, :meth:`WorkCalendar.ordinal_from` is
the ordinal of the first working day on or after ``d``, :meth:`WorkCalendar.ordinal_to`
that of the last one on or before it; :meth:`WorkCalendar.working_day` turns an
ordinal back into a date.

Every computation is bounded: dates stay in years 1 to 9999, and counting never goes
more than :data:`MAX_YEARS` years from the first year asked about; beyond that
:class:`OutOfCalendar` is raised (the scheduler reports it as a located error).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from planforge.messages import msg
from planforge.source import Path

#: How far (in years) counting may go from the first year the calendar was asked about.
MAX_YEARS = 200
_ORD_MIN = dt.date(1, 1, 1).toordinal()
_ORD_MAX = dt.date(9999, 12, 31).toordinal()

#: Names for the company's own days off (``calendar.holidays``).
COMPANY_DAY_OFF = {"zh-CN": "公司休息日", "en": "company day off"}


class OutOfCalendar(ValueError):
    """A date computation left the years the calendar can count in."""


@dataclass
class Blackout:
    """A stretch with no customer-facing work (``calendar.blackouts``)."""

    path: Path = ()
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str | None = None


#: Loads a country's data for one year: (days off with their names, make-up working days).
YearLoader = Callable[[int, str | None], tuple[dict[dt.date, str], set[dt.date]]]


@dataclass
class WorkCalendar:
    """Which days are working days, and why a day is not."""

    weekends: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
    holidays: dict[dt.date, str] = field(default_factory=dict)  # day off -> name
    workdays: set[dt.date] = field(default_factory=set)  # working days on a weekend/holiday
    country: str | None = None  # e.g. "CN", as written
    declared: bool = False  # the plan has a `calendar:` block
    locale: str | None = None  # the plan's language, for holiday names
    blackouts: list[Blackout] = field(default_factory=list)
    #: Years for which the country's data follows official notices (None: no country).
    covered: tuple[int, int] | None = None
    #: Why the country cannot be used (unknown code...), for the rules; None when fine.
    country_error: str | None = None
    company_holidays: frozenset[dt.date] = frozenset()
    company_workdays: frozenset[dt.date] = frozenset()
    loader: YearLoader | None = field(default=None, repr=False, compare=False)
    _loaded: set[int] = field(default_factory=set, repr=False, compare=False)
    _names: dict[str, dict[dt.date, str]] = field(default_factory=dict, repr=False)
    _years: dict[int, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _cum: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    _day_of: dict[int, dt.date] = field(default_factory=dict, repr=False, compare=False)
    _from: dict[dt.date, int] = field(default_factory=dict, repr=False, compare=False)
    _to: dict[dt.date, int] = field(default_factory=dict, repr=False, compare=False)

    # -- what a day is ---------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a working day on this calendar."""
        if self.loader is not None and day.year + 1 not in self._loaded:
            self._load_around(day.year)
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekends and day not in self.holidays

    def holiday_name(self, day: dt.date, locale: str | None = None) -> str | None:
        """The name of the holiday on ``day`` in ``locale`` (default: the plan's), or None.

        Weekends have no name; a day the company gave off is "公司休息日" / "company day off".
        """
        if self.loader is not None and day.year + 1 not in self._loaded:
            self._load_around(day.year)
        if day in self.workdays or day not in self.holidays:
            return None
        locale = locale or self.locale
        if day in self.company_holidays:
            return COMPANY_DAY_OFF["en" if locale == "en" else "zh-CN"]
        if locale is None or locale == self.locale or self.loader is None:
            return self.holidays[day]
        names = self._names.setdefault(locale, {})
        if day not in names:
            names.update(self.loader(day.year, locale)[0])
        return names.get(day, self.holidays[day])

    def uncovered_year(self, year: int) -> bool:
        """True when the country's data for ``year`` is estimated, not official."""
        return self.covered is not None and not self.covered[0] <= year <= self.covered[1]

    def _load_around(self, year: int) -> None:
        """Load the country's data for ``year`` and its neighbours.

        A make-up day can lie in the year before its holiday (2011-12-31 for New Year
        2012), so a day's status is only final once the next year is loaded too.
        """
        assert self.loader is not None
        for y in (year - 1, year, year + 1):
            if y in self._loaded or not 1 <= y <= 9999:
                continue
            self._loaded.add(y)
            days_off, makeup = self.loader(y, self.locale)
            for day, name in days_off.items():
                self.holidays.setdefault(day, name)
            self.workdays |= makeup - self.company_holidays
        self._loaded.update((year - 1, year, year + 1))  # years outside 1-9999 have no data

    # -- counting ----------------------------------------------------------------------

    def _year_days(self, year: int) -> list[int]:
        """Sorted ``toordinal()`` of the working days of ``year``."""
        days = self._years.get(year)
        if days is None:
            if not 1 <= year <= 9999:
                raise OutOfCalendar(
                    msg("year {year} is outside the calendar (1 to 9999)", year=year)
                )
            if self.loader is not None and year + 1 not in self._loaded:
                self._load_around(year)  # as is_working_day would, once for the year
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            # is_working_day for each day of the year, on ordinals (day 1 was a Monday)
            work = {d.toordinal() for d in self.workdays if d.year == year}
            off = {d.toordinal() for d in self.holidays if d.year == year}
            weekends = self.weekends
            days = [
                o
                for o in range(first, last + 1)
                if o in work or ((o - 1) % 7 not in weekends and o not in off)
            ]
            self._years[year] = days
        return days

    def _start_of(self, year: int) -> int:
        """Working days from the anchor year's first day to ``year``'s first day."""
        start = self._cum.get(year)
        if start is not None:
            return start
        if not self._cum:
            self._cum[year] = 0
            return 0
        anchor = min(self._cum)
        top = max(self._cum)
        if abs(year - anchor) > MAX_YEARS or abs(year - top) > MAX_YEARS:
            raise OutOfCalendar(msg("counting working days to {year} goes too far", year=year))
        while year > max(self._cum):
            y = max(self._cum)
            self._cum[y + 1] = self._cum[y] + len(self._year_days(y))
        while year < min(self._cum):
            y = min(self._cum)
            self._cum[y - 1] = self._cum[y] - len(self._year_days(y - 1))
        return self._cum[year]

    def ordinal_from(self, day: dt.date) -> int:
        """The ordinal of the first working day on or after ``day``."""
        known = self._from.get(day)
        if known is None:
            start = self._start_of(day.year)
            known = start + bisect.bisect_left(self._year_days(day.year), day.toordinal())
            self._from[day] = known
        return known

    def ordinal_to(self, day: dt.date) -> int:
        """The ordinal of the last working day on or before ``day``."""
        known = self._to.get(day)
        if known is None:
            start = self._start_of(day.year)
            known = start + bisect.bisect_right(self._year_days(day.year), day.toordinal()) - 1
            self._to[day] = known
        return known

    def working_day(self, ordinal: int) -> dt.date:
        """The working day with ``ordinal``; :class:`OutOfCalendar` beyond the bounds."""
        day = self._day_of.get(ordinal)
        if day is None:
            day = self._day_of[ordinal] = self._find(ordinal)
        return day

    def _find(self, ordinal: int) -> dt.date:
        if not self._cum:
            raise OutOfCalendar(msg("no working day counted yet"))
        low, high = min(self._cum), max(self._cum)
        # Start near the right year (about 250 working days a year), then step.
        anchor = next(iter(self._cum))  # the first year counted has 0
        year = min(max(anchor + ordinal // 250, low), high)
        while self._start_of(year) > ordinal:
            year -= 1
        while self._start_of(year + 1) <= ordinal:
            year += 1
        days = self._year_days(year)
        return dt.date.fromordinal(days[ordinal - self._start_of(year)])

    # -- conveniences ------------------------------------------------------------------

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next one."""
        return self.working_day(self.ordinal_from(day))

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``day`` (``day`` itself for 0)."""
        if days <= 0:
            return day
        return self.working_day(self.ordinal_to(day) + days)

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days from ``start`` to ``end``, both included (0 if none)."""
        return max(0, self.ordinal_to(end) - self.ordinal_from(start) + 1)


def shift_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days`` calendar days; :class:`OutOfCalendar` past 0001-01-01 or 9999-12-31."""
    target = day.toordinal() + days
    if not _ORD_MIN <= target <= _ORD_MAX:
        raise OutOfCalendar(
            msg("{days} days from {day} is outside the calendar", days=days, day=day)
        )
    return dt.date.fromordinal(target)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def calendar_from(data: object, locale: str | None) -> WorkCalendar:
    """The calendar a plan's ``calendar:`` block describes (``data`` as loaded, or None)."""
    from planforge.dates import parse_date

    cal = WorkCalendar(locale=locale)
    if not isinstance(data, dict):
        return cal
    cal.declared = True

    def dates(key: str) -> frozenset[dt.date]:
        value = data.get(key)
        items = value if isinstance(value, list) else []
        return frozenset(d for d in (parse_date(v) for v in items[:_MAX_LISTED]) if d)

    weekends = data.get("weekends")
    if isinstance(weekends, list):
        days = {WEEKDAYS.index(w) for w in weekends if isinstance(w, str) and w in WEEKDAYS}
        if len(days) < 7:
            cal.weekends = frozenset(days)
    cal.company_holidays = dates("holidays")
    cal.company_workdays = dates("workdays") - cal.company_holidays
    name = COMPANY_DAY_OFF["en" if locale == "en" else "zh-CN"]
    cal.holidays = dict.fromkeys(sorted(cal.company_holidays), name)
    cal.workdays = set(cal.company_workdays)
    blackouts = data.get("blackouts")
    for i, item in enumerate(blackouts[:_MAX_LISTED] if isinstance(blackouts, list) else []):
        if isinstance(item, dict):
            reason = item.get("reason")
            cal.blackouts.append(
                Blackout(
                    ("calendar", "blackouts", i),
                    parse_date(item.get("start")),
                    parse_date(item.get("end")),
                    reason if isinstance(reason, str) else None,
                )
            )
    country = data.get("country")
    if isinstance(country, str) and country.strip():
        cal.country = country
        _attach_country(cal, country)
    return cal


#: Lists in the calendar block beyond this length are cut (the schema reports them).
_MAX_LISTED = 1000


def _attach_country(cal: WorkCalendar, code: str) -> None:
    from planforge.schedule import country

    cal.country_error = country.unknown_country_message(code)
    if cal.country_error is not None:
        return
    data = country.CountryData(code)
    cal.loader = data.year
    cal.covered = country.official_years(code)


_WEEKDAY_NAMES = (
    msg("Monday"),
    msg("Tuesday"),
    msg("Wednesday"),
    msg("Thursday"),
    msg("Friday"),
    msg("Saturday"),
    msg("Sunday"),
)


def describe_day_off(cal: WorkCalendar, day: dt.date) -> str:
    """Why ``day`` is not a working day, for a message: ``a Saturday``, ``a day off (劳动节)``.

    A weekend inside a holiday break is named after the break's first holiday
    (2024-05-04 is a Saturday in the 劳动节 holidays); at most two weeks either way.
    """
    name = cal.holiday_name(day)
    if name:
        return msg("a day off ({name})", name=name)
    weekday = _WEEKDAY_NAMES[day.weekday()]
    first = day
    for _ in range(14):  # back to the start of the run of days off
        try:
            before = shift_days(first, -1)
        except OutOfCalendar:
            break
        if cal.is_working_day(before):
            break
        first = before
    current = first
    for _ in range(29):
        near = cal.holiday_name(current)
        if near:
            return msg("a {weekday} in the {near} holidays", weekday=weekday, near=near)
        try:
            current = shift_days(current, 1)
        except OutOfCalendar:
            break
        if cal.is_working_day(current):
            break
    return msg("a {weekday}", weekday=weekday)
