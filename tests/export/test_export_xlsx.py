"""XLSX export, read back with openpyxl: sheets, typed cells, live budget formulas with
cached values, the plan's language and currency, and the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from planforge.export.xlsx import export_xlsx, money_format, percent_format
from planforge.model import Occurrence, Plan
from tests.conftest import PLANS, ROOT
from tests.export.test_export_csv import resolved

EN = PLANS / "key-accounts-care-2024h2.yaml"


def books(plan: Plan):
    data = export_xlsx(plan)
    return (
        openpyxl.load_workbook(io.BytesIO(data)),
        openpyxl.load_workbook(io.BytesIO(data), data_only=True),
    )


def evaluate(ws, coord: str) -> Decimal:
    """Recalculate a cell from its formula (the few shapes the export writes), in Decimal."""
    value = ws[coord].value
    if not isinstance(value, str) or not value.startswith("="):
        return Decimal(str(value or 0))
    expr = value[1:]
    if m := re.fullmatch(r"ROUND\((\w+)\*(\w+),(\d)\)", expr):
        product = evaluate(ws, m[1]) * evaluate(ws, m[2])
        return product.quantize(Decimal(1).scaleb(-int(m[3])), ROUND_HALF_UP)
    if m := re.fullmatch(r"SUM\((\w+:\w+)\)", expr):
        lo_col, lo_row, hi_col, hi_row = range_boundaries(m[1])
        return sum(
            (
                evaluate(ws, ws.cell(r, c).coordinate)
                for r in range(lo_row, hi_row + 1)
                for c in range(lo_col, hi_col + 1)
            ),
            Decimal(0),
        )
    if m := re.fullmatch(r"\((.+)\)\*([0-9.]+)", expr):  # tier counts × per-customer quantity
        counts = Decimal(0)
        for term in m[1].split("+"):
            sheet, _, cell = term.rpartition("!")
            counts += evaluate(ws.parent[sheet.strip("'").replace("''", "'")], cell)
        return counts * Decimal(m[2])
    if m := re.fullmatch(r"(\w+)-(\w+)", expr):
        return evaluate(ws, m[1]) - evaluate(ws, m[2])
    if re.fullmatch(r"\w+(\+\w+)*", expr):
        return sum((evaluate(ws, c) for c in expr.split("+")), Decimal(0))
    raise AssertionError(f"unexpected formula {value}")


def find_row(ws, column: int, text: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, column).value == text)


def test_sheets_in_the_plans_language() -> None:
    wb, _ = books(resolved())
    assert wb.sheetnames == ["执行时间表", "预算表", "效果评估表", "客户分层与需求"]
    wb, _ = books(resolved(EN))
    assert wb.sheetnames == [
        "Execution timetable",
        "Budget",
        "Evaluation form",
        "Customer tiers and needs",
    ]
    assert wb["Budget"]["F1"].value == "Amount"


def test_budget_formulas_cached_values_and_decimal_totals() -> None:
    for path in (PLANS / "reactivation-2024q2.yaml", EN):
        plan = resolved(path)
        wb, cached = books(plan)
        ws, values = wb.worksheets[1], cached.worksheets[1]
        assert ws["F2"].value == "=ROUND(C2*E2,2)"
        assert Decimal(str(values["F2"].value)) == plan.budget.lines[0].amount
        labels = ("预算合计", "Total")
        total_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value in labels)
        total = f"F{total_row}"
        assert ws[total].value.startswith("=")
        assert evaluate(ws, total) == plan.budget.total  # the formulas recompute the total
        assert Decimal(str(values[total].value)) == plan.budget.total  # and the cache shows it
        for r in range(2, ws.max_row + 1):  # every formula's cache matches its recalculation
            cell = ws.cell(r, 6)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert Decimal(str(values.cell(r, 6).value)) == evaluate(ws, cell.coordinate)


def test_subtotals_per_category_and_remaining() -> None:
    plan = resolved()
    wb, cached = books(plan)
    ws, values = wb["预算表"], cached["预算表"]
    for cat in plan.budget.categories:
        r = find_row(ws, 2, f"{cat.category} 小计")
        assert ws.cell(r, 6).value.startswith("=SUM(")
        assert Decimal(str(values.cell(r, 6).value)) == cat.amount
    r = find_row(ws, 2, "剩余额度")
    assert evaluate(ws, f"F{r}") == plan.budget.remaining
    assert ws[f"F{r}"].number_format == '"¥"#,##0.00;-"¥"#,##0.00'


def test_a_line_with_only_an_amount_is_a_plain_number() -> None:
    plan = resolved()
    alone = next(i for i, line in enumerate(plan.budget.lines) if line.quantity is None)
    wb, _ = books(plan)
    ws = wb["预算表"]
    r = find_row(ws, 2, plan.budget.lines[alone].item)
    assert ws.cell(r, 6).value == float(plan.budget.lines[alone].amount)


def test_actuals_give_variance_formulas() -> None:
    plan = resolved(EN)
    lines = [line for line in plan.budget.lines if line.actual is not None]
    assert lines, "the English example records actual spend"
    wb, cached = books(plan)
    ws, values = wb["Budget"], cached["Budget"]
    r = find_row(ws, 2, lines[0].item)
    assert ws.cell(r, 8).value == f"=G{r}-F{r}"
    assert Decimal(str(values.cell(r, 8).value)) == lines[0].variance
    total = find_row(ws, 2, "Total")
    assert evaluate(ws, f"G{total}") == plan.budget.actual_total
    assert evaluate(ws, f"H{total}") == plan.budget.variance


def test_timetable_rows_types_and_occurrences() -> None:
    plan = resolved()
    task = plan.tasks[0]
    task.occurrences = [Occurrence(dt.date(2024, 5, 6), dt.date(2024, 5, 6))]
    task.total_float, task.critical, task.working_days = 0, True, 5
    wb, _ = books(plan)
    ws = wb["执行时间表"]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["编号", "任务", "次序", "阶段", "负责人", "开始", "结束"]
    assert ws["A2"].value == "segment" and ws["D2"].value == "预热期" and ws["E2"].value == "张经理"
    assert ws["F2"].value == dt.datetime(2024, 4, 1) and ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["H2"].value == 5 and ws["I2"].value == 0 and ws["K2"].value is True
    assert (ws["A3"].value, ws["C3"].value, ws["F3"].value) == (
        "segment",
        1,
        dt.datetime(2024, 5, 6),
    )
    assert ws.max_row == len(plan.tasks) + 2
    assert ws.freeze_panes == "A2"


def test_evaluation_form() -> None:
    plan = resolved()
    wb, _ = books(plan)
    ws = wb["效果评估表"]
    assert [c.value for c in ws[1]][4:8] == ["目标值", "实际值", "公式", "状态"]
    row = {ws.cell(1, c).value: ws.cell(2, c).value for c in range(1, ws.max_column + 1)}
    assert row["指标"] == plan.kpis[0].name
    assert row["目标值"] == "≥ 70%" and row["实际值"] == pytest.approx(0.65)
    assert ws.cell(2, 6).number_format == "0%"
    assert row["状态"] == "未达成"


def test_same_bytes_on_every_run_and_no_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first, second = export_xlsx(resolved()), export_xlsx(resolved())
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", core)
    assert stamps == ["2024-04-01T00:00:00Z"] * 2  # created and modified: the plan date
    props = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert props.title == "老客户唤醒月" and props.creator == "张经理"


@pytest.mark.parametrize(
    ("currency", "locale", "fmt"),
    [
        ("CNY", "zh-CN", '"¥"#,##0.00;-"¥"#,##0.00'),
        ("USD", "en", '"$"#,##0.00;-"$"#,##0.00'),
        ("JPY", "en", '"¥"#,##0;-"¥"#,##0'),
        ("KWD", "en", '"KWD "#,##0.000;-"KWD "#,##0.000'),
    ],
)
def test_money_format(currency: str, locale: str, fmt: str) -> None:
    assert money_format(currency, locale) == fmt


def test_percent_format() -> None:
    assert percent_format(Decimal("12")) == "0%"
    assert percent_format(Decimal("12.5")) == "0.0%"


def test_prints_on_a4_landscape_with_the_header_on_every_page() -> None:
    wb, _ = books(resolved())
    ws = wb["执行时间表"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$1"


def test_text_that_looks_like_a_formula_stays_text() -> None:
    plan = resolved()
    plan.tasks[0].name = '=HYPERLINK("http://example.com")'
    wb, _ = books(plan)
    cell = wb["执行时间表"]["B2"]
    assert cell.value == plan.tasks[0].name and cell.data_type == "s"


def test_per_customer_quantities_are_formulas_over_the_tier_counts() -> None:
    """``per_customer: {tiers: [critical, watch], quantity: 0.5}``: the quantity cell sums
    the tier sheet's counts, so a new count there recomputes the line and its amount."""
    plan = resolved(ROOT / "tests" / "layout" / "renewal-risk-2026.yaml")
    formulas, cached = books(plan)
    ws, tiers_ws = formulas["Budget"], formulas["Customer tiers and needs"]
    row = find_row(ws, 2, "On-site visits")
    quantity = ws.cell(row, 3).value
    assert quantity == "=('Customer tiers and needs'!D2+'Customer tiers and needs'!D3)*0.5"
    assert [tiers_ws[c].value for c in ("A2", "D2", "A3", "D3")] == ["critical", 30, "watch", 50]
    assert cached["Budget"].cell(row, 3).value == 40
    assert ws.cell(row, 6).value == f"=ROUND(C{row}*E{row},2)"
    dinner = find_row(ws, 2, "Executive dinner")
    assert ws.cell(dinner, 3).value == "=('Customer tiers and needs'!D2)*1"
    plain = find_row(ws, 2, "Customer breakfast, Boston")
    assert ws.cell(plain, 3).value == 1  # a quantity as written stays a number
