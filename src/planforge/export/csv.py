"""``--format csv``: one file per table, ``<id>-<table>.csv``.

UTF-8 with a byte-order mark (so Excel opens Chinese text correctly), RFC 4180
(comma, double quotes, CRLF line ends), a header row in the plan's language.
Decimals are written exactly (``1000.00``, never a float), dates ISO, booleans
``TRUE``/``FALSE``, percentages as written (``12%``), empty cells for nothing.
Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first)
gets a leading apostrophe, as in the tier list, unless ``formulas`` is asked for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from planforge.export.tables import Cell, Table, build
from planforge.formula_cells import as_text
from planforge.model import Plan

BOM = "\ufeff"


def cell_text(value: Cell, formulas: bool = False) -> str:
    """One cell as CSV text (exact Decimals, ISO dates); text kept from running as a formula.

    With ``formulas``, text is written as it is, even where a spreadsheet runs it.
    """
    if isinstance(value, str):
        return value if formulas else as_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table_csv(table: Table, formulas: bool = False) -> str:
    """``table`` as RFC 4180 text, with the BOM (``formulas``: see :func:`cell_text`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell_text(c.label, formulas) for c in table.columns])
    writer.writerows([cell_text(v, formulas) for v in row] for row in table.rows)
    return BOM + out.getvalue()


def export_files(plan: Plan, source: str, *, formulas: bool = False) -> dict[str, bytes]:
    """``{"<id>-timetable.csv": ..., "<id>-budget.csv": ..., ...}``.

    ``formulas``: write text that starts like a formula as it is (the opt-out).
    """
    return {f"{plan.id}-{t.name}.csv": table_csv(t, formulas).encode("utf-8") for t in build(plan)}
