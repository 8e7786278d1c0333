"""Where scheduling meets phases, recurrence and float (issue 16, item 6).

* A start computed from dependencies never precedes its phase's first working day.
* A task may have no phase: it runs across the whole campaign.
* Occurrences of a recurring task never overlap, each starts on a working day on or
  after its date by the rhythm and lasts the task's length.
* Free float is never negative; only total float is, when a deadline is missed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.check import check_document, check_file
from planforge.export import FORMATS, files
from planforge.loader import load_text
from planforge.model import Plan, Task
from planforge.render.document import RenderOptions, document_html
from planforge.resolve import resolve
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar
from planforge.schedule.durations import parse_span
from planforge.schedule.engine import schedule
from planforge.schedule.recurrence import nominal_dates, parse_every

D = dt.date
NATIONAL_DAY = Path(__file__).parent / "national-day-2026q4.yaml"


def plan_of(text: str) -> Plan:
    return resolve(load_text(text).data)


def tasks_of(text: str) -> dict[str, Task]:
    return {t.id: t for t in plan_of(text).tasks if t.id}


def codes(text: str) -> list[str]:
    return [d.code for d in check_document(load_text(text), debug=True).diagnostics]


# -- a computed start is held to its phase's start -----------------------------------

PHASED = """\
phases:
  - {id: prep, start: 2024-04-01, end: 2024-04-12}
  - {id: run, start: 2024-04-20, end: 2024-05-31}
tasks:
  - {id: segment, phase: prep, start: 2024-04-01, duration: 3wd}
  - {id: invite, phase: run, duration: 3wd, depends_on: [segment]}
  - {id: launch, phase: run, milestone: true, depends_on: [segment]}
  - {id: follow, phase: run, duration: 2wd, depends_on: [{task: segment, type: FF}]}
  - {id: late, phase: run, duration: 2wd, depends_on: [{task: invite, type: SS, lag: 1wd}]}
"""


def test_a_computed_start_waits_for_its_phase() -> None:
    t = tasks_of(PHASED)
    # segment ends Wednesday 04-03; run begins Saturday 04-20: its first working day is 04-22
    assert (t["invite"].start, t["invite"].end) == (D(2024, 4, 22), D(2024, 4, 24))
    assert t["launch"].start == t["launch"].end == D(2024, 4, 22)
    assert t["follow"].start == D(2024, 4, 22)  # finish-to-finish, held all the same
    assert t["late"].start == D(2024, 4, 23)  # a dependency later than the phase wins
    found = codes(PHASED)
    assert "PF305" not in found and "PF306" not in found, found


def test_the_phase_holds_the_start_on_the_china_calendar_too() -> None:
    text = "calendar: {country: CN}\n" + PHASED.replace("2024-04-20", "2024-05-01")
    t = tasks_of(text)
    assert t["invite"].start == D(2024, 5, 6)  # 05-01 to 05-05: 劳动节
    assert "PF305" not in codes(text)


def test_a_written_start_is_not_moved_by_its_phase() -> None:
    text = PHASED.replace(
        "{id: invite, phase: run, duration: 3wd,",
        "{id: invite, phase: run, start: 2024-04-15, duration: 3wd,",
    )
    assert tasks_of(text)["invite"].start == D(2024, 4, 15)
    assert "PF305" in codes(text)  # written before its phase: still an error


def test_a_task_without_dependencies_is_not_dated_by_its_phase_alone() -> None:
    text = PHASED + "  - {id: loose, phase: run, duration: 2wd}\n"
    assert tasks_of(text)["loose"].start is None
    assert "PF315" in codes(text)


# -- a task without a phase is campaign-wide ------------------------------------------


def national_day() -> Plan:
    result = check_file(NATIONAL_DAY, debug=True)
    assert result.diagnostics == [], [(d.code, d.line, d.message) for d in result.diagnostics]
    assert result.plan is not None
    return result.plan


def test_the_national_day_plan_schedules_sensibly() -> None:
    tasks = {t.id: t for t in national_day().tasks}
    standup = tasks["standup"]
    assert standup.phase is None
    # weekly on Mondays; 10-05 falls in the 国庆节 holidays and moves to 10-08
    assert [o.start for o in standup.occurrences] == [
        D(2026, 9, 14),
        D(2026, 9, 21),
        D(2026, 9, 28),
        D(2026, 10, 8),
        D(2026, 10, 12),
        D(2026, 10, 19),
        D(2026, 10, 26),
    ]
    assert all(o.start == o.end for o in standup.occurrences)
    # segment ends 09-16, run starts Saturday 09-26: gifts start Monday 09-28
    assert (tasks["gifts"].start, tasks["gifts"].end) == (D(2026, 9, 28), D(2026, 9, 30))
    assert [(o.start, o.end) for o in tasks["touch"].occurrences][1] == (
        D(2026, 10, 8),
        D(2026, 10, 8),
    )
    assert tasks["report"].start == D(2026, 10, 26)  # review starts Saturday 10-24
    assert all(t.free_float is not None and t.free_float >= 0 for t in tasks.values())


def test_a_campaign_wide_task_is_rendered_and_exported(tmp_path: Path) -> None:
    plan = national_day()
    html = document_html(plan, "0" * 64, RenderOptions())
    assert html.count("每周项目例会") >= 2  # the timetable and the Gantt
    assert "全程任务" in html
    english = document_html(plan, "0" * 64, RenderOptions(locale="en"))
    assert "Campaign-wide" in english
    out = {fmt: files(plan, str(NATIONAL_DAY), fmt) for fmt in FORMATS}
    data = json.loads(out["json"][f"{plan.id}.json"])
    standup = next(t for t in data["tasks"] if t["id"] == "standup")
    assert standup["phase"] is None and len(standup["occurrences"]) == 7
    assert b"standup" in out["csv"][f"{plan.id}-timetable.csv"]
    assert out["ics"][f"{plan.id}.ics"].count(b"BEGIN:VEVENT") >= 7
    assert out["xlsx"][f"{plan.id}.xlsx"].startswith(b"PK")


def test_the_schema_lets_a_task_leave_out_its_phase() -> None:
    text = NATIONAL_DAY.read_text("utf-8")
    assert "PF101" not in codes(text)
    without_owner = text.replace(
        "    owner: mkt-mgr\n    start: 2026-09-14\n", "    start: 2026-09-14\n", 1
    )
    assert "PF101" in codes(without_owner)  # other required keys still are


# -- occurrences never overlap ----------------------------------------------------------


def test_a_one_day_touchpoint_on_a_holiday_lasts_one_day() -> None:
    text = (
        "calendar: {country: CN}\n"
        "tasks:\n  - {id: touch, start: 2026-10-01, duration: 1wd, every: week, count: 3}\n"
    )
    touch = tasks_of(text)["touch"]
    assert [(o.start, o.end) for o in touch.occurrences] == [
        (D(2026, 10, 8), D(2026, 10, 8)),  # 10-01 to 10-07: 国庆节
        (D(2026, 10, 9), D(2026, 10, 9)),  # due 10-08, taken by the first: moved, warned
        (D(2026, 10, 15), D(2026, 10, 15)),
    ]
    assert touch.working_days == 3
    diags = check_document(load_text(text), debug=True).diagnostics
    moved = [d.message for d in diags if d.code == "PF318"]
    assert moved == [
        "occurrence 2 of task `touch` is due on 2026-10-08, but occurrence 1 runs until"
        " 2026-10-08; it starts on 2026-10-09 instead"
    ]


def test_long_occurrences_move_past_the_one_before() -> None:
    text = (
        "calendar: {country: CN}\n"
        "tasks:\n  - {id: visits, start: 2026-09-28, duration: 5wd, every: week, count: 3}\n"
    )
    visits = tasks_of(text)["visits"]
    spans = [(o.start, o.end) for o in visits.occurrences]
    assert spans[1][0] == D(2026, 10, 10)  # due 10-05; the first runs to 10-09
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    assert [(m.n, m.nominal, m.start) for m in visits.occurrence_moves] == [
        (2, D(2026, 10, 5), D(2026, 10, 10)),
        (3, D(2026, 10, 12), D(2026, 10, 16)),
    ]


DATES = st.dates(D(2023, 1, 1), D(2027, 12, 31))


@settings(max_examples=150, deadline=None)
@given(
    start=DATES,
    days=st.integers(1, 15),
    working=st.booleans(),
    every=st.sampled_from(["week", "2 weeks", "month", "quarter"]),
    count=st.integers(1, 12),
    weekends=st.sets(st.integers(0, 6), max_size=3),
    holidays=st.lists(st.tuples(DATES, st.integers(0, 12)), max_size=6),
)
def test_occurrences_never_overlap_and_start_on_working_days(
    start, days, working, every, count, weekends, holidays
) -> None:
    off: dict[dt.date, str] = {}
    for first, length in holidays:  # stretches of days off, up to 13 days long
        for n in range(length + 1):
            off[first + dt.timedelta(days=n)] = "off"
    cal = WorkCalendar(weekends=frozenset(weekends), holidays=off)
    plan = Plan(calendar=cal)
    span = parse_span(f"{days}{'wd' if working else 'd'}")
    task = Task(id="t", start=start, span=span, rhythm=parse_every(every), count=count)
    task.written_start, task.duration = start, str(span)
    plan.tasks = [task]
    try:
        schedule(plan)
    except OutOfCalendar:  # pragma: no cover - dates stay far from the calendar's end
        raise
    occ = task.occurrences
    nominal = nominal_dates(start, task.rhythm, count, None)  # type: ignore[arg-type]
    assert len(occ) == count == len(nominal)
    for o, due in zip(occ, nominal, strict=True):
        assert cal.is_working_day(o.start) and o.start >= due
        if working:
            assert cal.count_working_days(o.start, o.end) == days and cal.is_working_day(o.end)
        else:
            assert (o.end - o.start).days == days - 1
    for before, after in itertools.pairwise(occ):
        assert before.end < after.start
    moved = {m.n for m in task.occurrence_moves}
    for n, (o, due) in enumerate(zip(occ, nominal, strict=True), 1):
        if n in moved:
            assert o.start == cal.next_working_day(occ[n - 2].end + dt.timedelta(days=1))
        else:
            assert o.start == cal.next_working_day(due)
    assert (task.start, task.end) == (occ[0].start, occ[-1].end)


# -- free float is never negative -----------------------------------------------------


def test_free_float_stays_at_zero_when_a_deadline_is_missed() -> None:
    text = (
        "tasks:\n  - {id: a, start: 2024-04-01, duration: 5wd, deadline: 2024-04-03}\n"
        "  - {id: b, duration: 2wd, depends_on: [a]}\n"
    )
    t = tasks_of(text)
    assert t["a"].total_float == -2 and t["a"].free_float == 0
    assert t["a"].critical


def test_free_float_is_zero_for_a_successor_written_too_early() -> None:
    text = (
        "tasks:\n  - {id: a, start: 2024-04-01, duration: 5wd}\n"
        "  - {id: b, start: 2024-04-03, duration: 2wd, depends_on: [a]}\n"
    )
    assert tasks_of(text)["a"].free_float == 0
    assert "PF306" in codes(text)


IDS = ["a", "b", "c", "d", "e"]
ENTRY = st.builds(
    lambda task, kind, lag: "{task: " + task + f", type: {kind}, lag: {lag}wd}}",
    st.sampled_from(IDS),
    st.sampled_from(["FS", "SS", "FF", "SF"]),
    st.integers(-3, 5),
)
TASK = st.fixed_dictionaries(
    {"duration": st.integers(1, 10).map(lambda n: f"{n}wd")},
    optional={
        "start": st.dates(D(2024, 4, 1), D(2024, 4, 30)).map(str),
        "depends_on": st.lists(ENTRY, min_size=1, max_size=3).map(
            lambda xs: "[" + ", ".join(xs) + "]"
        ),
        "deadline": st.dates(D(2024, 4, 1), D(2024, 5, 31)).map(str),
        "phase": st.sampled_from(["p1", "p2"]),
    },
)


@settings(max_examples=80, deadline=None)
@given(st.lists(TASK, min_size=2, max_size=5))
def test_free_float_is_never_negative_and_never_above_total_float(tasks) -> None:
    lines = [
        "phases:",
        "  - {id: p1, start: 2024-04-01, end: 2024-04-20, deadline: 2024-04-25}",
        "  - {id: p2, start: 2024-04-21, end: 2024-05-31}",
        "tasks:",
    ]
    for ident, task in zip(IDS, tasks, strict=False):
        if "start" not in task and "depends_on" not in task:
            task = {**task, "start": "2024-04-01"}
        fields = ", ".join(f"{k}: {v}" for k, v in task.items())
        lines.append(f"  - {{id: {ident}, {fields}}}")
    plan = plan_of("\n".join(lines) + "\n")
    for task in plan.tasks:
        if task.total_float is None:
            continue
        assert task.free_float is not None and task.free_float >= 0
        assert task.free_float <= max(task.total_float, 0)
        assert task.critical == (task.total_float <= 0)


@pytest.mark.parametrize("path", sorted(Path(__file__).parents[1].glob("trial-plans/*.yaml")))
def test_the_trial_plans_still_schedule_as_written(path: Path) -> None:
    result = check_file(path, debug=True)
    assert result.plan is not None and not result.failed(strict=True)
    for task in result.plan.tasks:  # every date is written: nothing moves
        assert (task.start, task.end) == (task.written_start, task.written_end)
        assert task.free_float is not None and task.free_float >= 0
