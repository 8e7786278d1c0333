"""The XLSX workbook of an evaluated plan has the evaluation-from-data sheet."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from planforge.check import check_document
from planforge.evaluate.command import evaluated
from planforge.export.xlsx import export_xlsx
from planforge.frontdoor import Session
from planforge.loader import load_file
from tests.evaluate import synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xlsx")
    synthetic.generate(root, customers=900, seed=8)
    return root


def test_the_sheet_has_the_lift_and_its_ci(folder: Path) -> None:
    as_of = dt.date(2024, 8, 31)
    doc = load_file(str(folder / "plan.yaml"))
    plan = check_document(doc, read_data=True, as_of=as_of).plan
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    assert "数据评估（截至 2024-08-31）" in book.sheetnames
    ws = book["数据评估（截至 2024-08-31）"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    figures = json.loads(evaluated(Session(as_of=as_of).open(doc.path), "json").report or "")
    lift = figures["kpis"]["repurchase-rate"]["lift"]
    row = rows["活动后30天复购率"]
    assert row[5] == pytest.approx(lift["difference"], abs=1e-6)  # a percentage cell: a fraction
    assert row[6] == pytest.approx(lift["ci_low"], abs=1e-6)
    assert row[7] == pytest.approx(lift["ci_high"], abs=1e-6)
    assert row[8] == pytest.approx(lift["p_value"], abs=1e-6)
    assert row[9] is lift["significant"]
    assert rows["满意度平均评分(5分制)"][5] is None  # not compared: no lift


def test_a_plan_not_evaluated_has_no_such_sheet() -> None:
    from tests.conftest import PLANS

    plan = check_document(load_file(str(PLANS / "reactivation-2024q2.yaml"))).plan
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    assert not any(name.startswith("数据评估") for name in book.sheetnames)
