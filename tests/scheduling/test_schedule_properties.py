"""Property tests (hypothesis) for what the schedule stage parses and counts."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.schedule.calendar import OutOfCalendar, WorkCalendar
from planforge.schedule.durations import MAX_DAYS, parse_span
from planforge.schedule.recurrence import MAX_OCCURRENCES, nominal_dates, parse_every

UNITS = st.sampled_from(["wd", "d", "WD", "工作日", "个工作日", "天"])
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))


@given(st.integers(-MAX_DAYS, MAX_DAYS), UNITS, st.sampled_from(["", " "]))
def test_a_lag_reads_back_as_written(days: int, unit: str, space: str) -> None:
    span = parse_span(f"{days}{space}{unit}", what="lag", negative=True)
    assert span.days == days and span.working == (unit.lower() in ("wd", "工作日", "个工作日"))
    assert parse_span(str(span), what="lag", negative=True) == span


@given(st.integers(1, MAX_DAYS), UNITS)
def test_a_duration_is_positive(days: int, unit: str) -> None:
    assert parse_span(f"{days}{unit}").days == days


@given(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans()))
def test_parsers_only_ever_refuse_with_a_message(text: object) -> None:
    for parse in (parse_span, lambda t: parse_span(t, negative=True), parse_every):
        try:
            value = parse(text)
        except ValueError as exc:
            assert str(exc)
        else:
            assert value is not None


@given(
    st.sampled_from(
        ["week", "2 weeks", "month", "3 months", "quarter", "每周", "每2周", "每月", "每季度"]
    ),
    DATES,
    st.one_of(st.integers(1, MAX_OCCURRENCES), st.none()),
    st.one_of(DATES, st.none()),
)
def test_occurrences_follow_the_rhythm(every: str, start, count, until) -> None:
    rhythm = parse_every(every)
    assert (rhythm.months > 0) != (rhythm.days > 0)
    try:
        days = nominal_dates(start, rhythm, count, until)
    except ValueError as exc:
        assert "more than" in str(exc) and count is None
        return
    assert len(days) <= MAX_OCCURRENCES
    if count is not None and until is None:
        assert len(days) == count or days[-1].year > 9990
    assert all(a < b for a, b in itertools.pairwise(days))
    if until is not None:
        assert all(d <= until for d in days)
    if days:
        assert days[0] == start


@settings(max_examples=60)
@given(
    DATES,
    st.integers(0, 600),
    st.sets(st.sampled_from(range(7)), max_size=5),
    st.sets(DATES, max_size=20),
)
def test_counting_working_days_is_consistent(start, days: int, weekends, holidays) -> None:
    cal = WorkCalendar(weekends=frozenset(weekends), holidays=dict.fromkeys(holidays, "off"))
    try:
        due = cal.add_working_days(start, days)
    except OutOfCalendar:
        return
    if days == 0:
        assert due == start
        return
    assert cal.is_working_day(due) and due > start
    assert cal.count_working_days(start + dt.timedelta(days=1), due) == days
    assert cal.working_day(cal.ordinal_from(due)) == due


IDS = ["a", "b", "c", "d"]
LAGS = st.one_of(
    st.none(),
    st.integers(-40, 40).map(lambda n: f"{n}wd"),
    st.integers(-40, 40).map(lambda n: f"{n}d"),
)
ENTRY = st.one_of(
    st.sampled_from(IDS),
    st.builds(
        lambda task, kind, lag: (
            "{task: " + task + f", type: {kind}" + (f", lag: {lag}" if lag else "") + "}"
        ),
        st.sampled_from(IDS),
        st.sampled_from(["FS", "SS", "FF", "SF"]),
        LAGS,
    ),
)
TASK = st.fixed_dictionaries(
    {},
    optional={
        "start": st.dates(dt.date(1970, 1, 1), dt.date(2199, 12, 31)).map(str),
        "end": st.dates(dt.date(2023, 12, 1), dt.date(2024, 12, 31)).map(str),
        "duration": st.one_of(st.integers(0, 4000).map(lambda n: f"{n}wd"), st.just("3d")),
        "depends_on": st.lists(ENTRY, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        "milestone": st.just("true"),
        "deadline": st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).map(str),
        "every": st.sampled_from(["week", "month", "2 weeks", "quarter"]),
        "count": st.integers(1, 1500).map(str),
        "until": st.dates(dt.date(2024, 1, 1), dt.date(2199, 1, 1)).map(str),
    },
)


@settings(max_examples=40, deadline=None)
@given(st.lists(TASK, min_size=1, max_size=4), st.sampled_from(["", "calendar: {country: CN}\n"]))
def test_any_schedule_gives_diagnostics_never_a_crash(tasks, calendar: str) -> None:
    from planforge.check import check_document
    from planforge.loader import load_text

    lines = [calendar + "tasks:"]
    for ident, task in zip(IDS, tasks, strict=False):
        fields = ", ".join(f"{k}: {v}" for k, v in task.items())
        lines.append(f"  - {{id: {ident}{', ' + fields if fields else ''}}}")
    result = check_document(load_text("\n".join(lines) + "\n"), debug=True)
    assert all(d.code != "PF900" for d in result.diagnostics)
    assert result.plan is not None
    for task in result.plan.tasks:
        if task.start and task.end and task.occurrences:
            assert task.occurrences[0].start == task.start
            assert task.occurrences[-1].end == task.end
