"""Property tests: CSV (and ICS) output parses back, whatever the task names hold."""

from __future__ import annotations

import copy
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planforge.export import files
from planforge.model import Plan
from tests.test_export_csv import resolved

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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names, min_size=1, max_size=len(BASE.tasks)))
def test_csv_round_trips_any_task_name(task_names: list[str]) -> None:
    plan = with_names(task_names)
    data = files(plan, "x", "csv")[f"{plan.id}-timetable.csv"]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    got = [r[1] for r in rows[1:]]
    assert got[: len(task_names)] == [
        n or t.id for n, t in zip(task_names, plan.tasks, strict=False)
    ]
    assert all(len(r) == len(rows[0]) for r in rows)
