"""A country's public holidays and make-up working days, from the ``holidays`` package.

Imported only when a plan names ``calendar.country`` (importing ``holidays`` costs a
noticeable part of ``validate``'s start-up).

``holidays`` takes holiday names in the language of the process's environment
(``LANG``) unless told otherwise, so the language is always passed explicitly: the
same plan gives the same names on every machine.

China's data follows the State Council's yearly notices (国务院办公厅关于…节假日安排的通知)
from 2001; for a year without a notice the library silently estimates the holidays
and has no make-up days. Which years are official is read from the library itself
(the years of its substituted-holiday table), so a newer release that adds a year
moves the boundary without a change here.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import holidays

from planforge.messages import msg

#: planforge locale -> holidays' language codes to try, in order.
_LANGUAGES = {"zh-CN": ("zh_CN", "zh"), "en": ("en_US", "en_GB", "en")}


def supported_countries() -> list[str]:
    """Every country code the library knows."""
    return sorted(holidays.list_supported_countries())


def unknown_country_message(code: str) -> str | None:
    """None when ``code`` is a country the library knows, else what to write instead."""
    known = supported_countries()
    if code in known:
        return None
    close = difflib.get_close_matches(code.upper(), known, n=1, cutoff=0.5)
    if close:
        return msg(
            "the holiday data has no country `{code}`; did you mean `{close}`?",
            code=code,
            close=close[0],
        )
    return msg(
        "the holiday data has no country `{code}` (use an ISO 3166 code such as CN)", code=code
    )


def _language(cls: Any, locale: str | None) -> str | None:
    supported = getattr(cls, "supported_languages", ()) or ()
    for lang in _LANGUAGES.get(locale or "", ()):
        if lang in supported:
            return lang
    return getattr(cls, "default_language", None)


def official_years(code: str) -> tuple[int, int]:
    """The years whose holidays the library takes from official data, not estimates."""
    cls = holidays.country_holidays(code).__class__
    first, last = cls.start_year, cls.end_year
    if code.upper() in ("CN", "CHN"):
        from holidays.countries.china import ChinaStaticHolidays

        years = sorted(ChinaStaticHolidays.special_public_holidays)
        first, last = max(first, years[0]), min(last, years[-1])
    return first, last


class CountryData:
    """Loads one country's days off and make-up days, a year at a time."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._cls = holidays.country_holidays(code).__class__

    def year(self, year: int, locale: str | None) -> tuple[dict[dt.date, str], set[dt.date]]:
        """(days off with their names, make-up working days) for ``year``."""
        data = holidays.country_holidays(
            self.code, years=year, language=_language(self._cls, locale)
        )
        days_off = {d: name for d, name in data.items() if d.year == year}
        makeup = {d for d in getattr(data, "weekend_workdays", set()) if d.year in (year - 1, year)}
        return days_off, makeup
