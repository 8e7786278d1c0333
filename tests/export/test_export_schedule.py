"""Exports of a scheduled plan: China's calendar, a milestone after a dependency, and a
monthly recurring visit across May Day (tests/export-plans/visits-2024q2.yaml)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
from icalendar import Calendar

from planforge.export import files
from tests.export.test_export_csv import resolved

PLAN = Path(__file__).parents[1] / "export-plans" / "visits-2024q2.yaml"
D = dt.date


def test_the_plan_is_scheduled() -> None:
    plan = resolved(PLAN)
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["launch"].milestone and tasks["launch"].start == tasks["launch"].end
    assert [o.end for o in tasks["visit"].occurrences][1] == D(2024, 6, 3)  # 06-01 is a Saturday


def test_ics_has_an_event_per_occurrence_and_a_one_day_milestone() -> None:
    plan = resolved(PLAN)
    tasks = {t.id: t for t in plan.tasks}
    cal = Calendar.from_ical(files(plan, "x", "ics")[f"{plan.id}.ics"])
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert f"{plan.id}.visit@planforge" not in events
    for i, occ in enumerate(tasks["visit"].occurrences, 1):
        ev = events[f"{plan.id}.visit.{i}@planforge"]
        assert ev.decoded("dtstart") == occ.start
        assert ev.decoded("dtend") == occ.end + dt.timedelta(days=1)
        assert str(ev["summary"]) == f"高价值客户月度回访 ({i}/2)"
    launch = events[f"{plan.id}.launch@planforge"]
    assert str(launch["summary"]) == "◆ 活动正式上线"
    day = tasks["launch"].start
    assert (launch.decoded("dtstart"), launch.decoded("dtend")) == (day, day + dt.timedelta(1))
    assert "前置任务：invite" in str(launch["description"])
    assert len(events) == len(plan.tasks) - 1 + 2 + 1  # visit as 2 occurrences, the review


def test_csv_and_xlsx_carry_the_schedule() -> None:
    plan = resolved(PLAN)
    out = files(plan, "x", "csv")[f"{plan.id}-timetable.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    head = rows[0]
    by_key = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    ws = openpyxl.load_workbook(io.BytesIO(files(plan, "x", "xlsx")[f"{plan.id}.xlsx"]))
    sheet = ws["执行时间表"]
    assert sheet.max_row == len(rows)
    for task in plan.tasks:
        mine = [r for r in by_key if r["编号"] == task.id]
        assert len(mine) == 1 + len(task.occurrences)
        row = mine[0]
        assert row["工作日"] == str(task.working_days)
        assert row["总时差(工作日)"] == str(task.total_float)
        assert row["自由时差(工作日)"] == str(task.free_float)
        assert row["关键任务"] == ("TRUE" if task.critical else "FALSE")
        assert row["里程碑"] == ("TRUE" if task.milestone else "FALSE")
        for occ, r in zip(task.occurrences, mine[1:], strict=True):
            assert (r["开始"], r["结束"]) == (occ.start.isoformat(), occ.end.isoformat())
    r = next(i for i in range(2, sheet.max_row + 1) if sheet.cell(i, 1).value == "launch")
    assert sheet.cell(r, 12).value is True  # milestone
    assert sheet.cell(r, 8).value == 0  # working days


def test_json_has_every_schedule_key() -> None:
    plan = resolved(PLAN)
    data = json.loads(files(plan, "x", "json")[f"{plan.id}.json"])
    visit = next(t for t in data["tasks"] if t["id"] == "visit")
    for key in ("start", "end", "working_days", "total_float", "free_float", "critical"):
        assert visit[key] is not None, key
    assert visit["milestone"] is False and len(visit["occurrences"]) == 2
    assert visit["occurrences"][1] == {"start": "2024-06-03", "end": "2024-06-03"}
