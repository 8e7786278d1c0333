"""Money and calendar helpers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planforge.dates import parse_date, span_days, why_not_a_date
from planforge.money import CURRENCIES, fits_currency, minor_units, round_money
from planforge.schema import schema


def test_minor_units() -> None:
    assert [minor_units(c) for c in ("CNY", "USD", "JPY", "KWD")] == [2, 2, 0, 3]


def test_round_half_up() -> None:
    assert round_money(Decimal("0.125") * 3, "CNY") == Decimal("0.38")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")


def test_fits_currency() -> None:
    assert fits_currency(Decimal("10.50"), "CNY")
    assert not fits_currency(Decimal("10.005"), "CNY")
    assert not fits_currency(Decimal("1.5"), "JPY")


def test_schema_currency_enum_is_the_code_table() -> None:
    assert schema()["properties"]["currency"]["enum"] == list(CURRENCIES)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "2024-02 has 29 days"),
        ("2023-02-29", "2023-02 has 28 days"),
        ("2024-13-01", "no month 13"),
        ("2024-4-1", "YYYY-MM-DD"),
    ],
)
def test_impossible_dates(text: str, reason: str) -> None:
    assert parse_date(text) is None
    message, fix = why_not_a_date(text)
    assert reason in message + " " + fix.message


def test_span_is_inclusive() -> None:
    assert span_days(dt.date(2024, 4, 1), dt.date(2024, 4, 1)) == 1
    assert span_days(dt.date(2024, 4, 1), dt.date(2024, 6, 30)) == 91
