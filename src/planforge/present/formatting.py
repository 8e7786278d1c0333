"""Numbers, money and dates formatted for the plan's locale, from exact Decimals."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from planforge.money import fits_currency, quantum
from planforge.quantities import Target, split_duration

if TYPE_CHECKING:
    from planforge.model import KPI

_SYMBOLS = {
    "zh-CN": {
        "CNY": "¥",
        "USD": "US$",
        "EUR": "€",
        "GBP": "£",
        "JPY": "JP¥",
        "HKD": "HK$",
        "TWD": "NT$",
        "KRW": "₩",
    },
    "en": {
        "CNY": "CN¥",
        "USD": "$",
        "EUR": "€",
        "GBP": "£",
        "JPY": "¥",
        "HKD": "HK$",
        "TWD": "NT$",
        "KRW": "₩",
        "INR": "₹",
    },
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def number(value: Decimal | int, places: int | None = None) -> str:
    """``Decimal('14604')`` -> ``14,604``; with ``places`` the decimals are fixed."""
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return f"{value:,}"


def currency_symbol(currency: str, locale: str) -> str | None:
    """``¥`` for CNY in zh-CN, ``CN¥`` in en; None where the code itself is clearer."""
    return _SYMBOLS.get(locale, {}).get(currency)


def money(value: Decimal | None, currency: str, locale: str) -> str:
    """``¥1,000.00`` (zh-CN, CNY), ``$14,604.00`` (en, USD), ``CHF 1,000.00`` otherwise."""
    if value is None:
        return ""
    exact = value.quantize(quantum(currency)) if fits_currency(value, currency) else value
    symbol = currency_symbol(currency, locale)
    body = f"{abs(exact):,}"
    sign = "-" if exact < 0 else ""
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{currency} {body}"


def date(value: dt.date | None, locale: str) -> str:
    """``2024年4月1日`` (zh-CN) or ``1 Apr 2024`` (en)."""
    if value is None:
        return ""
    if locale == "zh-CN":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date | None, locale: str) -> str:
    """``4月1日`` (zh-CN) or ``1 Apr`` (en), for the Gantt axis."""
    if value is None:
        return ""
    if locale == "zh-CN":
        return f"{value.month}月{value.day}日"
    return f"{value.day} {MONTHS[value.month - 1]}"


_DURATION_UNITS = {
    "zh-CN": {"h": "小时", "d": "天", "w": "周"},
    "en": {"h": ("hour", "hours"), "d": ("day", "days"), "w": ("week", "weeks")},
}


def duration_text(text: str | None, locale: str) -> str:
    """A response time as written, in the locale's words: ``2d`` -> ``2天`` / ``2 days``."""
    parts = split_duration(text)
    if parts is None:
        return text or ""
    amount, key = parts
    return quantity_text(Decimal(amount), _DURATION_UNITS[locale][key], locale)


#: Units that are abbreviations or already plural: never given an English plural ``s``.
_NO_PLURAL = {"kg", "g", "km", "m", "cm", "mm", "h", "min", "ml", "l", "pcs", "pc", "sqm", "pp"}


def plural(unit: str) -> str:
    """``coupon`` -> ``coupons``, ``copy`` -> ``copies``, ``box`` -> ``boxes``; ``kg`` stays."""
    if not unit.isascii() or not unit.isalpha() or unit.lower() in _NO_PLURAL or len(unit) < 3:
        return unit
    if unit.endswith("s"):
        return unit
    if unit.endswith(("ch", "sh", "x", "z")):
        return unit + "es"
    if unit.endswith("y") and unit[-2] not in "aeiou":
        return unit[:-1] + "ies"
    return unit + "s"


def quantity_text(value: Decimal, unit: str | tuple[str, str] | None, locale: str) -> str:
    """``9,000 sends`` / ``1 send`` (en, spaced, plural) or ``9,000份`` (zh-CN, unspaced)."""
    body = number(value)
    if not unit:
        return body
    if isinstance(unit, tuple):
        word = unit[0] if value == 1 else unit[1]
    elif locale == "en" and value != 1:
        word = plural(unit)
    else:
        word = unit
    return f"{body} {word}" if locale == "en" else f"{body}{word}"


def kpi_value_text(kpi: KPI) -> str:
    """A KPI's value as the printed form shows it: as typed, or a value computed by its
    formula to at most 2 decimal places (``72.2%`` for 72.197%, ``97.5%``, ``50``)."""
    q = kpi.value
    if q is None:
        return ""
    if q is kpi.actual:
        return str(q)
    try:
        shown = f"{q.value.quantize(Decimal('0.01'), ROUND_HALF_UP).normalize():f}"
    except InvalidOperation:  # too many digits to round: as computed
        return str(q)
    return f"{shown}%" if q.percent else shown


def target_text(target: Target | None) -> str:
    """``>= 70%`` printed the typographic way: ``≥ 70%``."""
    if target is None:
        return ""
    return str(target).replace(">=", "≥").replace("<=", "≤")


def columns(ch: str) -> int:
    """How many columns ``ch`` takes: 2 for a wide (CJK) character, 0 for a combining mark."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis (a CJK character is two columns).

    For text repeated on every page, such as the page header: long text there costs
    layout time on each page and cannot be read anyway.
    """
    widths = [columns(ch) for ch in text]
    if sum(widths) <= width:
        return text
    used = end = 0
    for end, w in enumerate(widths):  # noqa: B007 - end is used after the loop
        if used + w > width - 1:
            break
        used += w
    return text[:end].rstrip() + "…"
