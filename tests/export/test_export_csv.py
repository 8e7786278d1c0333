"""CSV export: one RFC 4180 file per table, UTF-8 with a BOM, exact Decimals."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from planforge.check import check_file
from planforge.export import files
from planforge.export.csv import BOM, cell_text
from planforge.export.tables import TABLES, build
from planforge.model import Occurrence, Plan
from planforge.quantities import Quantity
from tests.conftest import EXAMPLE, PLANS


def resolved(path=EXAMPLE) -> Plan:
    result = check_file(str(path), read_data=True)  # as `planforge export` does
    assert result.plan is not None and not result.failed()
    return result.plan


def read(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_one_file_per_table_with_bom_and_crlf() -> None:
    out = files(resolved(), str(EXAMPLE), "csv")
    assert list(out) == [f"reactivation-2024q2-{t}.csv" for t in TABLES]
    for data in out.values():
        assert data.startswith(BOM.encode("utf-8"))
        assert data.count(b"\r\n") == data.count(b"\n")  # every line ends CRLF


def test_budget_amounts_are_exact_decimal_strings() -> None:
    plan = resolved()
    rows = read(files(plan, str(EXAMPLE), "csv")["reactivation-2024q2-budget.csv"])
    assert rows[0][:6] == ["类别", "项目", "数量", "单位", "单价", "预算金额"]
    assert rows[1][:6] == ["物料费", "宣传海报", "20", "张", "50", "1000.00"]
    assert len(rows) == len(plan.budget.lines) + 1
    total = sum((Decimal(r[5]) for r in rows[1:]), Decimal(0))
    assert total == plan.budget.total


def test_english_plan_has_english_headers() -> None:
    plan = resolved(PLANS / "key-accounts-care-2024h2.yaml")
    rows = read(files(plan, "x", "csv")[f"{plan.id}-timetable.csv"])
    assert plan.locale == "en"
    assert rows[0][:3] == ["ID", "Task", "Occurrence"]


def test_occurrences_get_their_own_rows() -> None:
    plan = resolved()
    task = plan.tasks[0]
    task.occurrences = [
        Occurrence(dt.date(2024, 4, 1), dt.date(2024, 4, 1)),
        Occurrence(dt.date(2024, 5, 6), dt.date(2024, 5, 6)),
    ]
    rows = read(files(plan, "x", "csv")[f"{plan.id}-timetable.csv"])
    mine = [r for r in rows[1:] if r[0] == task.id]
    assert [(r[2], r[5], r[6]) for r in mine] == [
        ("", "2024-04-01", "2024-04-05"),
        ("1", "2024-04-01", "2024-04-01"),
        ("2", "2024-05-06", "2024-05-06"),
    ]
    assert len(rows) == len(plan.tasks) + 2 + 1


def test_schedule_fields_are_written() -> None:
    plan = resolved()
    task = plan.tasks[1]
    task.working_days, task.total_float, task.free_float = 3, 2, 1
    task.critical, task.milestone, task.deadline = True, False, dt.date(2024, 4, 12)
    table = build(plan)[0]
    row = dict(zip([c.key for c in table.columns], table.rows[1], strict=True))
    assert row["working_days"] == 3 and row["total_float"] == 2 and row["free_float"] == 1
    rows = read(files(plan, "x", "csv")[f"{plan.id}-timetable.csv"])
    assert rows[2][7:13] == ["3", "2", "1", "TRUE", "FALSE", "2024-04-12"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "TRUE"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.10"), "0.10"),
        (dt.date(2024, 4, 1), "2024-04-01"),
        (Quantity(Decimal("12"), True), "12%"),
        (7, "7"),
    ],
)
def test_cell_text(value, text: str) -> None:
    assert cell_text(value) == text
