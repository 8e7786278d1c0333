"""Every format on every example, trial and scheduled plan: each parses back, and they agree.

The trial plans (tests/trial-plans/) were written by a first-time user from the
README alone; the win-back one has a half-cent line (3 × 9.995).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from planforge.export import FORMATS, files
from tests.conftest import PLANS
from tests.export.test_export_csv import resolved
from tests.export.test_export_xlsx import evaluate

TRIAL = Path(__file__).parents[1] / "trial-plans"
SCHEDULED = [
    Path(__file__).parents[1] / "export-plans" / "visits-2024q2.yaml",
    Path(__file__).parents[1] / "scheduling" / "china-2024q2.yaml",
    Path(__file__).parents[1] / "scheduling" / "national-day-2026q4.yaml",
]
ALL = sorted([*PLANS.glob("*.yaml"), *TRIAL.glob("*.yaml"), *SCHEDULED])


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_formats_parse_back_and_agree(path: Path) -> None:
    plan = resolved(path)
    out = {fmt: files(plan, str(path), fmt) for fmt in FORMATS}
    data = json.loads(out["json"][f"{plan.id}.json"])
    total = Decimal(data["budget"]["total"])

    events = Calendar.from_ical(out["ics"][f"{plan.id}.ics"]).walk("VEVENT")
    expected = sum(len(t.occurrences) or 1 for t in plan.tasks) + (plan.review is not None)
    assert len(events) == expected
    assert len({str(e["uid"]) for e in events}) == len(events)

    budget = out["csv"][f"{plan.id}-budget.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(budget, newline="")))
    assert sum((Decimal(r[5]) for r in rows[1:]), Decimal(0)) == total

    wb = openpyxl.load_workbook(io.BytesIO(out["xlsx"][f"{plan.id}.xlsx"]))
    cached = openpyxl.load_workbook(io.BytesIO(out["xlsx"][f"{plan.id}.xlsx"]), data_only=True)
    ws = wb.worksheets[1]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value in ("预算合计", "Total"))
    assert evaluate(ws, f"F{row}") == total
    assert Decimal(str(cached.worksheets[1].cell(row, 6).value)) == total
    assert wb.worksheets[0].max_row == 1 + sum(1 + len(t.occurrences) for t in plan.tasks)


def test_half_cent_line_rounds_half_up_in_the_formula() -> None:
    plan = resolved(TRIAL / "winback-email-2025-03.yaml")
    line = next(x for x in plan.budget.lines if x.unit_price == Decimal("9.995"))
    assert line.amount == Decimal("29.99")
    out = files(plan, "x", "xlsx")[f"{plan.id}.xlsx"]
    ws = openpyxl.load_workbook(io.BytesIO(out)).worksheets[1]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == line.item)
    assert ws.cell(row, 6).value == f"=ROUND(C{row}*E{row},2)"
    assert evaluate(ws, f"F{row}") == Decimal("29.99")
