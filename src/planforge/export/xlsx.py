"""``--format xlsx``: a workbook for finance and the team, via XlsxWriter.

Sheets: the timetable (a row per task, then a row per occurrence of a recurring
task), the budget (live formulas: amount = ROUND(quantity × unit price),
subtotals per category, total, remaining under the cap; each with its value
cached, so a reader that does not recalculate still shows the numbers), the
evaluation form and the tiers. Headers are in the plan's language, money cells
in its currency.

XLSX stores numbers as IEEE doubles: the cached values are the exact Decimals
converted once; the formulas recompute the same totals from the cells. The file
is the same bytes on every run: document properties are stamped with the plan
date, and XlsxWriter dates every part of the zip 1980-01-01.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from planforge import __version__
from planforge.export.evaluation_data import lift_table
from planforge.export.tables import (
    Column,
    Table,
    budget,
    budget_lines,
    clean_text,
    evaluation,
    labels,
    locale_of,
    person_name,
    tiers,
    timetable,
)
from planforge.model import BudgetLine, Plan
from planforge.money import minor_units
from planforge.present.formatting import currency_symbol
from planforge.quantities import Quantity
from planforge.reproducible import plan_datetime

#: Column widths (in characters) by key, then by kind.
_WIDE = {"name", "deliverable", "criteria", "strategy", "analysis", "needs", "note", "item"}
_WIDTHS = {"text": 16, "date": 12, "int": 10, "bool": 10, "money": 15, "number": 10}


def money_format(currency: str, locale: str) -> str:
    """Excel's number format for ``currency``: ``"¥"#,##0.00;-"¥"#,##0.00``."""
    places = minor_units(currency)
    body = "#,##0" + ("." + "0" * places if places else "")
    symbol = currency_symbol(currency, locale)
    prefix = f'"{symbol}"' if symbol else f'"{currency} "'
    return f"{prefix}{body};-{prefix}{body}"


def percent_format(value: Decimal) -> str:
    """``0%``, ``0.5%`` -> ``0.0%``: as many decimals as the plan wrote."""
    places = max(0, -int(value.as_tuple().exponent))  # type: ignore[arg-type]
    return "0" + ("." + "0" * places if places else "") + "%"


class _Book:
    """The workbook with its cell formats."""

    def __init__(self, plan: Plan) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        locale = locale_of(plan)
        self.wb.set_properties(
            {
                "title": clean_text(plan.title or plan.id or ""),
                "author": clean_text(person_name(plan, plan.owner)),
                "comments": f"planforge {__version__}: {plan.id}",
                "created": plan_datetime(plan),
            }
        )
        money = money_format(plan.currency or "CNY", locale)
        add = self.wb.add_format
        self.header = add({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
        self.formats: dict[str, Any] = {
            "date": add({"num_format": "yyyy-mm-dd"}),
            "money": add({"num_format": money}),
            "text": add({"text_wrap": True, "valign": "top"}),
        }
        self.bold_text = add({"bold": True})
        self.bold_money = add({"bold": True, "num_format": money, "top": 1})
        self.percents: dict[str, Any] = {}

    def percent(self, value: Decimal) -> Any:
        fmt = percent_format(value)
        if fmt not in self.percents:
            self.percents[fmt] = self.wb.add_format({"num_format": fmt})
        return self.percents[fmt]

    def sheet(self, title: str, columns: list[Column]) -> Any:
        ws = self.wb.add_worksheet(title[:31])
        for col, c in enumerate(columns):
            ws.write_string(0, col, c.label, self.header)
            width = 32 if c.key in _WIDE else _WIDTHS.get(c.kind, 12)
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        ws.set_paper(9)  # A4, landscape, as wide as one page, the header on every page
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        return ws

    def cell(self, ws: Any, row: int, col: int, kind: str, value: Any) -> None:
        """Write one typed cell (nothing for None)."""
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, Quantity):
            if value.percent:
                ws.write_number(row, col, float(value.value / 100), self.percent(value.value))
            else:
                ws.write_number(row, col, float(value.value))
        elif isinstance(value, dt.date):
            ws.write_datetime(
                row, col, dt.datetime(value.year, value.month, value.day), self.formats["date"]
            )
        elif isinstance(value, (int, Decimal)):
            ws.write_number(row, col, float(value), self.formats.get(kind))
        else:
            ws.write_string(row, col, clean_text(str(value)), self.formats["text"])

    def table(self, table: Table) -> None:
        ws = self.sheet(table.title, table.columns)
        for r, row in enumerate(table.rows, 1):
            for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                self.cell(ws, r, col, column.kind, value)
        if table.rows:
            ws.autofilter(0, 0, len(table.rows), len(table.columns) - 1)

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def _cached(value: Decimal | None) -> float | str:
    """The value a formula shows before recalculation ("" when there is none)."""
    return "" if value is None else float(value)


def _amount_formula(line: BudgetLine) -> bool:
    """True when the line's amount is quantity × unit price (not an amount written alone)."""
    return (
        line.quantity is not None
        and line.unit_price is not None
        and line.computed_amount is not None
        and line.amount == line.computed_amount
    )


def _budget(book: _Book, plan: Plan) -> None:
    """The budget sheet: lines by category with formulas, subtotals, total, remaining."""
    from xlsxwriter.utility import xl_rowcol_to_cell as ref

    table = budget(plan)
    ws = book.sheet(table.title, table.columns)
    col = {c.key: i for i, c in enumerate(table.columns)}
    L = labels(locale_of(plan))
    places = minor_units(plan.currency or "CNY")
    lines = budget_lines(plan)
    row = 1
    subtotal_rows: list[int] = []
    for category in plan.budget.categories:
        first = row
        for line in (x for x in lines if x.category == category.category):
            for key in ("category", "item", "quantity", "unit", "unit_price", "actual", "note"):
                book.cell(ws, row, col[key], _kind(table, key), getattr(line, key))
            counts = _per_customer_formula(line, plan)
            if counts:
                ws.write_formula(row, col["quantity"], counts, None, _cached(line.quantity))
            amount, actual = ref(row, col["amount"]), ref(row, col["actual"])
            if _amount_formula(line):
                q, p = ref(row, col["quantity"]), ref(row, col["unit_price"])
                ws.write_formula(
                    amount, f"=ROUND({q}*{p},{places})", book.formats["money"], _cached(line.amount)
                )
            else:
                book.cell(ws, row, col["amount"], "money", line.amount)
            if line.actual is not None:
                ws.write_formula(
                    ref(row, col["variance"]),
                    f"={actual}-{amount}",
                    book.formats["money"],
                    _cached(line.variance),
                )
            row += 1
        subtotal = clean_text(f"{category.category} {L['subtotal']}")
        ws.write_string(row, col["item"], subtotal, book.bold_text)
        for key, value in (
            ("amount", category.amount),
            ("actual", category.actual),
            ("variance", category.variance),
        ):
            span = f"{ref(first, col[key])}:{ref(row - 1, col[key])}"
            if key == "amount" or value is not None:
                ws.write_formula(row, col[key], f"=SUM({span})", book.bold_money, _cached(value))
        subtotal_rows.append(row)
        row += 1
    b = plan.budget
    ws.write_string(row, col["item"], L["total"], book.bold_text)
    for key, value in (("amount", b.total), ("actual", b.actual_total), ("variance", b.variance)):
        if key == "amount" or value is not None:
            cells = "+".join(ref(r, col[key]) for r in subtotal_rows) or "0"
            ws.write_formula(row, col[key], f"={cells}", book.bold_money, _cached(value))
    total = ref(row, col["amount"])
    if b.cap is not None:
        ws.write_string(row + 1, col["item"], L["cap"], book.bold_text)
        ws.write_number(row + 1, col["amount"], float(b.cap), book.bold_money)
        ws.write_string(row + 2, col["item"], L["remaining"], book.bold_text)
        cap = ref(row + 1, col["amount"])
        ws.write_formula(
            row + 2, col["amount"], f"={cap}-{total}", book.bold_money, _cached(b.remaining)
        )


def _per_customer_formula(line: BudgetLine, plan: Plan) -> str | None:
    """``=('Tiers'!D2+'Tiers'!D4)*0.5``: a per-customer quantity over the tier sheet's
    counts, so that a new count there recomputes the line; None for other lines."""
    from xlsxwriter.utility import quote_sheetname
    from xlsxwriter.utility import xl_rowcol_to_cell as ref

    if not line.per_customer_tiers or line.quantity is None:
        return None
    table = tiers(plan)
    keys = [c.key for c in table.columns]  # with a holdout, only the treated are counted
    column = keys.index("treated" if "treated" in keys else "customers")
    rows = {row[0]: n for n, row in enumerate(table.rows, 1)}
    if any(t not in rows for t in line.per_customer_tiers):
        return None
    sheet = quote_sheetname(table.title[:31])
    cells = "+".join(f"{sheet}!{ref(rows[t], column)}" for t in line.per_customer_tiers)
    return f"=({cells})*{line.per_customer_quantity}"


def _kind(table: Table, key: str) -> str:
    return next(c.kind for c in table.columns if c.key == key)


def export_xlsx(plan: Plan) -> bytes:
    """The workbook's bytes: timetable, budget, evaluation and tiers sheets."""
    book = _Book(plan)
    book.table(timetable(plan))
    _budget(book, plan)
    book.table(evaluation(plan))
    if (from_data := lift_table(plan)) is not None:  # evaluated: lift against the holdout
        book.table(from_data)
    book.table(tiers(plan))
    return book.close()


def export_files(plan: Plan, source: str) -> dict[str, bytes]:
    """``{"<id>.xlsx": bytes}`` (see :func:`planforge.export.files`)."""
    return {f"{plan.id}.xlsx": export_xlsx(plan)}
