"""Property tests: CSV, ICS and XLSX output reads back, whatever the task names hold
(CSV exactly; ICS and XLSX with control characters other than tab and newline as spaces)."""

from __future__ import annotations

import copy
import csv
import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planforge.export import files
from planforge.export.tables import clean_text
from planforge.model import Plan
from tests.export.test_export_csv import resolved

BASE = resolved()

#: Names with control characters, quotes, commas, CR/LF, Chinese and emoji.
names = st.text(
    st.one_of(
        st.sampled_from(list('",;\r\n\t\\\x00\x01\x1b\x7f\x85\u2028 客户“”、,')),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)


def with_names(task_names: list[str]) -> Plan:
    plan = copy.deepcopy(BASE)
    for task, name in zip(plan.tasks, task_names, strict=False):
        task.name = name
        task.deliverable = name
    return plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=len(BASE.tasks)))
def test_csv_round_trips_any_task_name(task_names: list[str]) -> None:
    plan = with_names(task_names)
    data = files(plan, "x", "csv")[f"{plan.id}-timetable.csv"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    got = [r[1] for r in rows[1:]]
    written = [n or t.id for n, t in zip(task_names, plan.tasks, strict=False)]
    # Text a spreadsheet would run as a formula comes back with a leading apostrophe.
    assert got[: len(task_names)] == [
        "'" + n if n[:1] in ("=", "+", "-", "@", "\t", "\r") else n for n in written
    ]
    assert all(len(r) == len(rows[0]) for r in rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=len(BASE.tasks)))
def test_ics_parses_back_for_any_task_name(task_names: list[str]) -> None:
    plan = with_names(task_names)
    data = files(plan, "x", "ics")[f"{plan.id}.ics"]
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    cal = Calendar.from_ical(data)
    summaries = {str(ev["uid"]): str(ev["summary"]) for ev in cal.walk("VEVENT")}
    for task, name in zip(plan.tasks, task_names, strict=False):
        assert summaries[f"{plan.id}.{task.id}@planforge"] == clean_text(name or task.id)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=len(BASE.tasks)))
def test_xlsx_keeps_any_task_name(task_names: list[str]) -> None:
    plan = with_names(task_names)
    data = files(plan, "x", "xlsx")[f"{plan.id}.xlsx"]
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    got = [ws.cell(r, 2).value for r in range(2, len(task_names) + 2)]
    want = [clean_text(n or t.id) for n, t in zip(task_names, plan.tasks, strict=False)]
    assert got == want
