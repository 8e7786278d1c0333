"""``during:`` windows: calendar days, both ends inclusive."""

from __future__ import annotations

import datetime as dt

import pytest

from planforge.evaluate.windows import WindowError, window
from planforge.model import Period, Phase, Plan

D = dt.date


def _plan() -> Plan:
    plan = Plan()
    plan.period = Period((), D(2024, 4, 1), D(2024, 6, 30))
    plan.phases = [Phase((), "run", "执行期", D(2024, 4, 16), D(2024, 6, 15))]
    return plan


@pytest.mark.parametrize(
    ("during", "start", "end"),
    [
        ("period", D(2024, 4, 1), D(2024, 6, 30)),
        ("run", D(2024, 4, 16), D(2024, 6, 15)),
        ("30d after period", D(2024, 7, 1), D(2024, 7, 30)),
        ("14d after run", D(2024, 6, 16), D(2024, 6, 29)),
        ("1D  AFTER period", D(2024, 7, 1), D(2024, 7, 1)),
        (["2024-04-01", "2024-05-31"], D(2024, 4, 1), D(2024, 5, 31)),
        ("[2024-05-01, 2024-05-01]", D(2024, 5, 1), D(2024, 5, 1)),
    ],
)
def test_windows(during: object, start: dt.date, end: dt.date) -> None:
    got = window(during, _plan())
    assert got == (start, end)
    if isinstance(during, str) and "after" in during:
        days = int(during.split("d")[0].split("D")[0])
        assert (got[1] - got[0]).days + 1 == days  # N calendar days, both ends counted


@pytest.mark.parametrize(
    ("during", "fragment"),
    [
        ("prep", "not `period` or a phase id (known: period, run)"),
        ("30 days after", "not `period` or a phase id"),
        ("0d after period", "between 1 and"),
        (["2024-05-31", "2024-04-01"], "ends (2024-04-01) before it starts (2024-05-31)"),
        (["2024-02-30", "2024-04-01"], "YYYY-MM-DD"),
        (["2024-04-01"], "two dates"),
        (7, "two dates"),
    ],
)
def test_bad_windows_say_how_to_write_them(during: object, fragment: str) -> None:
    with pytest.raises(WindowError) as err:
        window(during, _plan())
    assert fragment in str(err.value)


def test_a_period_without_dates() -> None:
    plan = Plan()
    with pytest.raises(WindowError, match="has no start and end dates"):
        window("30d after period", plan)
