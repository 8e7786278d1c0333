"""Text a spreadsheet would run as a formula, and how it is kept as text.

Excel, LibreOffice and Google Sheets run a CSV field that starts with ``=``, ``+``,
``-`` or ``@`` (and, after some importers trim it, a tab or CR) as a formula: a
plan's task name or a CRM cell written ``=HYPERLINK(...)`` would run on the
planner's machine. A leading apostrophe keeps such text as text; numbers are
written as numbers and never changed.
"""

from __future__ import annotations

#: What a cell a spreadsheet runs as a formula starts with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The same as a regular expression (for polars).
FORMULA_PATTERN = r"^[=+\-@\t\r]"


def as_text(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
