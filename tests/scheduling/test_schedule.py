"""The schedule stage: durations, the four dependency types with lags, occurrences, floats."""

from __future__ import annotations

import datetime as dt
import re

import chinese_calendar
import pytest

from planforge.check import check_document
from planforge.loader import load_text
from planforge.model import Plan, Task
from planforge.resolve import resolve
from tests.conftest import EXAMPLE, ROOT

D = dt.date
SCHEDULING = {f"PF3{n:02d}" for n in range(6, 18)}


def plan_of(text: str) -> Plan:
    return resolve(load_text(text).data)


def tasks_of(text: str) -> dict[str, Task]:
    return {t.id: t for t in plan_of(text).tasks if t.id}


def codes(text: str) -> list[str]:
    result = check_document(load_text(text), debug=True)
    return [d.code for d in result.diagnostics if d.code in SCHEDULING]


CHINA_2024 = """\
calendar: {country: CN}
tasks:
  - {id: qingming, start: 2024-04-03, duration: 3wd}
  - {id: mayday, start: 2024-04-29, duration: 5wd}
  - {id: saturday, start: 2024-05-10, duration: 2wd}
  - {id: after, duration: 1wd, depends_on: [mayday]}
"""


def test_durations_on_the_2024_china_calendar() -> None:
    t = tasks_of(CHINA_2024)
    # 04-04 to 04-06 off, Sunday 04-07 worked
    assert (t["qingming"].start, t["qingming"].end) == (D(2024, 4, 3), D(2024, 4, 8))
    # 05-01 to 05-05 off
    assert t["mayday"].end == D(2024, 5, 8)
    # Saturday 05-11 worked
    assert t["saturday"].end == D(2024, 5, 11)
    assert t["after"].start == D(2024, 5, 9)
    for task in t.values():
        assert task.start is not None and task.end is not None
        assert chinese_calendar.is_workday(task.start) and chinese_calendar.is_workday(task.end)
        assert task.working_days == sum(
            chinese_calendar.is_workday(task.start + dt.timedelta(days=i))
            for i in range((task.end - task.start).days + 1)
        )


def _reversed(text: str) -> str:
    """The plan with its task lines in reverse order (successors before predecessors)."""
    head, tasks = text.split("tasks:\n")
    return head + "tasks:\n" + "\n".join(tasks.splitlines()[::-1]) + "\n"


@pytest.mark.parametrize("name", ["CHINA_2024", "NETWORK"])
def test_resolution_does_not_depend_on_the_order_in_the_file(name: str) -> None:
    text = globals()[name]
    reverse = _reversed(text)
    assert reverse != text and reverse.rstrip().endswith("}")
    forward, backward = tasks_of(text), tasks_of(reverse)
    assert all(t.start is not None for t in forward.values())
    for key, task in forward.items():
        other = backward[key]
        assert (task.start, task.end, task.total_float, task.free_float) == (
            other.start,
            other.end,
            other.total_float,
            other.free_float,
        )


# P runs Monday 2024-04-08 to Friday 2024-04-12; S takes 3 working days.
@pytest.mark.parametrize(
    ("kind", "lag", "start", "end"),
    [
        ("FS", None, D(2024, 4, 15), D(2024, 4, 17)),
        ("FS", "2wd", D(2024, 4, 17), D(2024, 4, 19)),  # two whole days free between
        ("FS", "-1wd", D(2024, 4, 12), D(2024, 4, 16)),
        ("FS", "2d", D(2024, 4, 15), D(2024, 4, 17)),  # Sat + 2 days = Monday
        ("FS", "3d", D(2024, 4, 16), D(2024, 4, 18)),
        ("FS", "-3d", D(2024, 4, 10), D(2024, 4, 12)),
        ("SS", "2wd", D(2024, 4, 10), D(2024, 4, 12)),
        ("SS", "-1wd", D(2024, 4, 5), D(2024, 4, 9)),
        ("SS", "5d", D(2024, 4, 15), D(2024, 4, 17)),  # Saturday -> Monday
        ("FF", "1wd", D(2024, 4, 11), D(2024, 4, 15)),
        ("FF", "-2wd", D(2024, 4, 8), D(2024, 4, 10)),
        ("SF", None, D(2024, 4, 4), D(2024, 4, 8)),
        ("SF", "3wd", D(2024, 4, 9), D(2024, 4, 11)),
        ("SF", "-1wd", D(2024, 4, 3), D(2024, 4, 5)),
    ],
)
def test_each_dependency_type_with_lags(kind: str, lag: str | None, start, end) -> None:
    entry = f"{{task: p, type: {kind}" + (f", lag: {lag}" if lag else "") + "}"
    text = (
        "tasks:\n  - {id: p, start: 2024-04-08, end: 2024-04-12}\n"
        f"  - {{id: s, duration: 3wd, depends_on: [{entry}]}}\n"
    )
    s = tasks_of(text)["s"]
    assert (s.start, s.end) == (start, end)
    assert codes(text) == []
    # Written one working day too early, the same dependency is an error.
    early = (
        "tasks:\n  - {id: p, start: 2024-04-08, end: 2024-04-12}\n"
        f"  - {{id: s, start: {start - dt.timedelta(days=1 if start.weekday() else 3)},"
        f" end: {end - dt.timedelta(days=1 if end.weekday() else 3)}, depends_on: [{entry}]}}\n"
    )
    assert codes(early) == ["PF306"]


def test_a_written_saturday_start_after_a_friday_end_is_fine_without_a_calendar() -> None:
    # the example plan's materials: segment ends Friday 04-05, materials starts Saturday
    text = (
        "tasks:\n  - {id: a, start: 2024-04-01, end: 2024-04-05}\n"
        "  - {id: b, start: 2024-04-06, end: 2024-04-10, depends_on: [a]}\n"
        "  - {id: c, start: 2024-04-10, end: 2024-04-12, depends_on: [b]}\n"
    )
    assert codes(text) == ["PF306"]


def test_recurrence_across_may_day() -> None:
    text = (
        "calendar: {country: CN}\n"
        "tasks:\n  - {id: visit, start: 2024-04-01, duration: 1wd, every: month, count: 3}\n"
    )
    visit = tasks_of(text)["visit"]
    assert [(o.start, o.end) for o in visit.occurrences] == [
        (D(2024, 4, 1), D(2024, 4, 1)),
        (D(2024, 5, 6), D(2024, 5, 6)),  # 05-01 to 05-05 off
        (D(2024, 6, 3), D(2024, 6, 3)),  # 06-01 is a Saturday
    ]
    assert (visit.start, visit.end, visit.working_days) == (D(2024, 4, 1), D(2024, 6, 3), 3)
    weekends_only = tasks_of(text.replace("calendar: {country: CN}\n", ""))["visit"]
    assert [o.start for o in weekends_only.occurrences] == [
        D(2024, 4, 1),
        D(2024, 5, 1),
        D(2024, 6, 3),
    ]


def test_recurrence_until_and_in_weeks() -> None:
    text = (
        "tasks:\n  - {id: v, start: 2024-04-01, duration: 2wd, every: 2 weeks, until: 2024-05-13}\n"
    )
    v = tasks_of(text)["v"]
    assert [o.start for o in v.occurrences] == [
        D(2024, 4, 1),
        D(2024, 4, 15),
        D(2024, 4, 29),
        D(2024, 5, 13),
    ]
    assert v.occurrences[-1].end == D(2024, 5, 14)


NETWORK = """\
tasks:
  - {id: a, start: 2024-04-01, duration: 5wd}
  - {id: b, duration: 3wd, depends_on: [a]}
  - {id: c, duration: 1wd, depends_on: [a]}
  - {id: d, duration: 2wd, depends_on: [b, c]}
  - {id: launch, milestone: true, depends_on: [d]}
"""


def test_critical_path_and_float() -> None:
    t = tasks_of(NETWORK)
    assert {k for k, v in t.items() if v.critical} == {"a", "b", "d", "launch"}
    assert (t["c"].total_float, t["c"].free_float) == (2, 2)
    assert t["launch"].start == t["launch"].end == D(2024, 4, 15)
    assert t["launch"].working_days == 0
    assert t["d"].end == D(2024, 4, 12)


def test_a_deadline_pulls_the_late_schedule_in() -> None:
    t = tasks_of(NETWORK.replace("duration: 1wd,", "duration: 1wd, deadline: 2024-04-08,"))
    assert t["c"].total_float == 0 and t["c"].critical


def test_free_float_is_what_a_task_can_slip_without_moving_a_successor() -> None:
    text = (
        "tasks:\n  - {id: a, start: 2024-04-01, duration: 2wd}\n"
        "  - {id: b, start: 2024-04-01, duration: 5wd}\n"
        "  - {id: c, duration: 1wd, depends_on: [a, b]}\n"
        "  - {id: e, start: 2024-04-01, duration: 1wd}\n"
        "  - {id: f, duration: 1wd, depends_on: [{task: e, lag: 2wd}]}\n"
    )
    t = tasks_of(text)
    assert (t["a"].total_float, t["a"].free_float) == (3, 3)
    assert (t["e"].total_float, t["e"].free_float) == (2, 0)


def test_a_cycle_through_start_to_start_is_shown_whole() -> None:
    text = (
        "tasks:\n  - {id: a, start: 2024-04-01, duration: 2wd, depends_on: [c]}\n"
        "  - {id: b, duration: 2wd, depends_on: [{task: a, type: SS, lag: 1wd}]}\n"
        "  - {id: c, duration: 2wd, depends_on: [{task: b, type: FF}]}\n"
    )
    result = check_document(load_text(text), debug=True)
    cycle = [d for d in result.diagnostics if d.code == "PF307"]
    assert len(cycle) == 1
    # `c` → `b` (FF): c waits for b, finish-to-finish
    assert "`a` → `c` → `b` (FF) → `a` (SS, lag 1wd)" in cycle[0].message, cycle[0].message


def test_a_plan_without_a_calendar_keeps_its_written_dates() -> None:
    plan = check_document(load_text(EXAMPLE.read_text("utf-8"))).plan
    assert plan is not None and not plan.calendar.declared
    for task in plan.tasks:
        assert (task.start, task.end) == (task.written_start, task.written_end)
        assert task.days == (task.end - task.start).days + 1


def test_the_readme_scheduling_example_schedules() -> None:
    readme = (ROOT / "docs" / "calendar.en.md").read_text("utf-8")  # the docs site's page
    block = re.search(r"## Durations and dependencies.*?```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    text = block.group(1)
    assert codes(text) == []
    t = tasks_of(text)
    assert t["materials"].start == D(2024, 4, 8) and t["materials"].end == D(2024, 4, 12)
    assert t["invite"].start == D(2024, 4, 3)  # segment starts 04-01, + 2 working days
    assert t["launch"].start == D(2024, 4, 8)  # invite ends Friday 04-05
    assert [o.start for o in t["visit"].occurrences] == [
        D(2024, 4, 1),
        D(2024, 5, 1),
        D(2024, 6, 3),
    ]
    china = tasks_of("calendar: {country: CN}\n" + text)
    # 04-04 to 04-06 off, Sunday 04-07 worked
    assert china["materials"].start == D(2024, 4, 7)
    assert [o.start for o in china["visit"].occurrences][1] == D(2024, 5, 6)


def test_a_trial_plan_on_the_china_calendar() -> None:
    """A real first-time user's plan, given `country: CN`: its Qingming dates are named."""
    text = (ROOT / "tests" / "trial-plans" / "complaint-recovery-2025q1.yaml").read_text("utf-8")
    with_calendar = text.replace("\nperiod:", "\ncalendar:\n  country: CN\nperiod:", 1)
    assert with_calendar != text
    result = check_document(load_text(with_calendar), debug=True)
    assert result.errors() == 0
    found = {
        d.message.split("`")[1]: f"{d.message}; {d.fix.message if d.fix else ''}"
        for d in result.diagnostics
        if d.code == "PF308"
    }
    assert "ends on 2025-04-04, a day off (清明节)" in found["repeat-followup"]
    assert "a Sunday in the 清明节 holidays; end on 2025-04-03" in found["voucher"]
    plain = check_document(load_text(text), debug=True)
    assert [d for d in plain.diagnostics if d.code == "PF308"] == []


def test_a_whole_plan_scheduled_on_the_china_calendar() -> None:
    """tests/scheduling/china-2024q2.yaml: every feature at once, listed in reverse order."""
    path = ROOT / "tests" / "scheduling" / "china-2024q2.yaml"
    result = check_document(load_text(path.read_text("utf-8")), debug=True)
    assert result.diagnostics == []
    assert result.plan is not None
    t = {task.id: task for task in result.plan.tasks}
    dates = {k: (v.start, v.end, v.working_days) for k, v in t.items()}
    assert dates == {
        "segment": (D(2024, 4, 1), D(2024, 4, 3), 3),  # 04-04 to 04-06: 清明节
        "invite": (D(2024, 4, 3), D(2024, 4, 8), 3),  # SS + 2wd; Sunday 04-07 worked
        "materials": (D(2024, 4, 7), D(2024, 4, 11), 4),  # 5d; 04-09 a company day off
        "launch": (D(2024, 4, 16), D(2024, 4, 16), 0),
        "challenge": (D(2024, 4, 16), D(2024, 4, 28), 10),  # Sunday 04-28 worked
        "stats": (D(2024, 4, 29), D(2024, 5, 6), 3),  # 05-01 to 05-05: 劳动节
        "survey": (D(2024, 5, 8), D(2024, 5, 13), 5),  # one free day; Saturday 05-11 worked
        "visit": (D(2024, 4, 16), D(2024, 5, 16), 2),
    }
    assert [o.start for o in t["visit"].occurrences] == [D(2024, 4, 16), D(2024, 5, 16)]
    assert (t["survey"].total_float, t["visit"].critical) == (3, True)
