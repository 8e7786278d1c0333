"""The working-day calendar: holiday data, make-up days, counting, and its bounds."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import chinese_calendar
import pytest

from planforge.loader import load_text
from planforge.resolve import resolve
from planforge.schedule.calendar import MAX_YEARS, OutOfCalendar, WorkCalendar, calendar_from
from tests.conftest import ROOT

D = dt.date
PY = sys.executable


@pytest.fixture(scope="module")
def china() -> WorkCalendar:
    return calendar_from({"country": "CN"}, "zh-CN")


def test_the_official_2024_china_dates(china: WorkCalendar) -> None:
    assert china.is_working_day(D(2024, 4, 7))  # make-up Sunday
    assert china.is_working_day(D(2024, 4, 28))  # make-up Sunday
    assert not any(china.is_working_day(D(2024, 5, d)) for d in range(1, 6))
    assert china.is_working_day(D(2024, 5, 11))  # make-up Saturday
    assert china.holiday_name(D(2024, 5, 1)) == "劳动节"
    assert china.holiday_name(D(2024, 5, 1), "en") == "Labor Day"
    assert china.holiday_name(D(2024, 5, 4)) is None  # a weekend has no name


def test_china_agrees_with_chinesecalendar_2006_to_2026(china: WorkCalendar) -> None:
    day, last, wrong = D(2006, 1, 1), D(2026, 12, 31), []
    while day <= last:
        if china.is_working_day(day) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []


def test_chinesecalendar_refuses_what_holidays_only_estimates(china: WorkCalendar) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2099, 1, 4))
    assert china.uncovered_year(2099) and not china.uncovered_year(2024)
    assert china.covered is not None and china.covered[0] == 2001 and china.covered[1] >= 2026


def test_company_days_override_the_country() -> None:
    cal = calendar_from(
        {"country": "CN", "holidays": ["2024-04-07"], "workdays": ["2024-05-02"]}, "en"
    )
    assert not cal.is_working_day(D(2024, 4, 7))  # a make-up Sunday the company gives off
    assert cal.holiday_name(D(2024, 4, 7)) == "company day off"
    assert cal.is_working_day(D(2024, 5, 2))


def test_other_weekends() -> None:
    cal = calendar_from({"weekends": ["fri", "sat"]}, "en")
    assert cal.is_working_day(D(2024, 4, 7)) and not cal.is_working_day(D(2024, 4, 5))


@pytest.mark.parametrize(
    ("calendar", "due"),
    [("calendar: {country: CN}\n", D(2024, 5, 8)), ("", D(2024, 5, 3))],
    ids=["china", "weekends-only"],
)
def test_review_due_counts_on_the_plan_calendar(calendar: str, due: dt.date) -> None:
    text = f"{calendar}period: {{start: 2024-04-01, end: 2024-04-30}}\nreview: {{within_working_days: 3}}\n"
    plan = resolve(load_text(text).data)
    assert plan.review is not None and plan.review.due == due


def test_ordinals(china: WorkCalendar) -> None:
    start = china.ordinal_from(D(2024, 5, 1))  # the first working day on or after: 05-06
    assert china.working_day(start) == D(2024, 5, 6)
    assert china.working_day(china.ordinal_to(D(2024, 5, 5))) == D(2024, 4, 30)
    assert china.count_working_days(D(2024, 4, 29), D(2024, 5, 12)) == 8  # 04-29/30, 05-06..11
    assert china.count_working_days(D(2024, 5, 1), D(2024, 5, 5)) == 0
    assert china.add_working_days(D(2024, 12, 31), 250) > D(2025, 12, 1)  # across a year


def test_counting_stays_inside_the_calendar() -> None:
    cal = WorkCalendar()
    assert cal.add_working_days(D(9999, 12, 30), 1) == D(9999, 12, 31)
    with pytest.raises(OutOfCalendar):
        cal.add_working_days(D(9999, 12, 31), 1)
    with pytest.raises(OutOfCalendar):
        cal.working_day(cal.ordinal_from(D(1, 1, 1)) - 1)
    far = WorkCalendar()
    far.ordinal_from(D(2024, 1, 1))
    with pytest.raises(OutOfCalendar):  # bounded: never walks thousands of years
        far.ordinal_from(D(2024 + MAX_YEARS + 1, 1, 1))


def test_a_huge_review_is_not_counted() -> None:
    text = "period: {start: 2024-04-01, end: 2024-04-30}\nreview: {within_working_days: 99999999}\n"
    plan = resolve(load_text(text).data)
    assert plan.review is not None and plan.review.due is None


def test_holidays_is_imported_only_for_a_plan_that_names_a_country(tmp_path) -> None:
    plan = tmp_path / "cn.yaml"
    plan.write_text(
        (ROOT / "plans" / "reactivation-2024q2.yaml")
        .read_text("utf-8")
        .replace("period:\n", "calendar:\n  country: CN\nperiod:\n", 1),
        "utf-8",
    )
    code = (
        "import sys; from planforge.cli import main\n"
        "try:\n    main(['validate', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('holidays' in sys.modules)\n"
    )
    run = [PY, "-c", code]
    plain = subprocess.run([*run, "plans"], cwd=ROOT, capture_output=True, text=True, check=True)
    named = subprocess.run([*run, str(plan)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert plain.stdout.strip().endswith("False"), plain.stdout
    assert named.stdout.strip().endswith("True"), named.stdout


def test_a_make_up_day_in_december_comes_from_the_next_year() -> None:
    # Like 2011-12-31, a Saturday worked for New Year 2012: only the next year's data has it.
    def loader(year: int, _locale: str | None):
        return {}, ({D(year - 1, 12, 31)} if year == 2012 else set())

    cal = WorkCalendar(loader=loader)
    assert not cal.is_working_day(D(2010, 6, 5))  # loads 2009 to 2011 first
    assert cal.is_working_day(D(2011, 12, 31))
    assert cal.count_working_days(D(2011, 12, 26), D(2011, 12, 31)) == 6
