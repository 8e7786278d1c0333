"""How big an XLSX sheet is, found in bounded memory before any reader loads it.

A reader such as calamine allocates the sheet's whole used range, rows times columns.
One far cell (``XFD1048576`` in a 1.5 KB file) makes that 17 billion cells: the
process aborts. :func:`check` streams the first sheet's XML a megabyte at a time,
follows the cell positions (``r="B7"``, or the next one when a writer leaves ``r``
out) and refuses a sheet whose used range is over :data:`MAX_CELLS`, or that has more
rows than an XLSX holds, as soon as it sees so.
"""

from __future__ import annotations

import posixpath
import re
import zipfile

from planforge.messages import msg

#: The largest used range (rows x columns) read: a 1,048,575-customer export with
#: 24 columns fits; calamine needs about 32 bytes a cell.
MAX_CELLS = 25_000_000
#: Rows an XLSX sheet holds.
MAX_ROWS = 1_048_576
_CHUNK = 1 << 20
#: Small parts (workbook, relationships) are read whole up to this size.
_SMALL = 4 << 20
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]{0,7})"')
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_CELL = re.compile(rb"<(?:\w+:)?c\b")
_ROW_AT = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_CELL_AT = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})[0-9]{0,7}"')


class SheetTooBig(ValueError):
    """The sheet's used range is over the bound (the message says how to fix it)."""


def check(path: str, name: str) -> None:
    """Raise :class:`SheetTooBig` when the first sheet of ``path`` is over the bounds.

    ``name`` is the file name for the message. A file that is not a readable XLSX
    passes: the reader then says what is wrong with it.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            sheet = _first_sheet(zf)
            if sheet is None:
                return
            with zf.open(sheet) as fh:
                _scan(fh, name)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError):
        return


def _first_sheet(zf: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet (``xl/worksheets/sheet1.xml``)."""
    names = set(zf.namelist())
    try:
        book = _small(zf, "xl/workbook.xml")
        rels = _small(zf, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    first = re.search(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', book)
    if first is None:
        return None
    for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
        if re.search(rb'\bId="' + re.escape(first.group(1)) + rb'"', rel.group(0)):
            target = re.search(rb'\bTarget="([^"]+)"', rel.group(0))
            if target is None:
                return None
            part = target.group(1).decode("utf-8", "replace")
            part = part[1:] if part.startswith("/") else posixpath.join("xl", part)
            part = posixpath.normpath(part)
            return part if part in names else None
    return None


def _small(zf: zipfile.ZipFile, part: str) -> bytes:
    with zf.open(part) as fh:
        return fh.read(_SMALL)


def _scan(fh, name: str) -> None:
    """Follow the cell positions through the sheet's XML; raise once over a bound.

    A chunk whose every ``row`` and ``c`` tag carries its position (what every writer
    does) is judged by C-speed searches; only a chunk with positions left out is
    walked tag by tag, counting.
    """
    row = col = max_row = max_col = 0
    tail = b""
    while chunk := fh.read(_CHUNK):
        data = tail + chunk
        cut = data.rfind(b">") + 1
        data, tail = data[:cut], data[cut:]
        if len(tail) > _CHUNK:  # one tag larger than a megabyte: not a sheet a CRM writes
            tail = b""
        rows, cols = _ROW_AT.findall(data), _CELL_AT.findall(data)
        if len(rows) == len(_ROW.findall(data)) and len(cols) == len(_CELL.findall(data)):
            if rows:
                row, col = max(map(int, set(rows))), 0
            if cols:
                col = max(map(_column, set(cols)))
        else:
            for m in _TAG.finditer(data):
                ref = _REF.search(m.group(2))
                if m.group(1) == b"row":
                    row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                    col = 0
                else:
                    col = _column(ref.group(1)) if ref and ref.group(1) else col + 1
                    row = int(ref.group(2)) if ref and ref.group(2) else row
                max_row, max_col = max(row, max_row), max(col, max_col)
        max_row, max_col = max(row, max_row), max(col, max_col)
        if max_row > MAX_ROWS or max_row * max_col > MAX_CELLS:
            raise SheetTooBig(_too_big(name, max_row, max_col))


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _too_big(name: str, rows: int, cols: int) -> str:
    if rows > MAX_ROWS:
        return msg(
            "`{file}` has more rows than an XLSX sheet holds ({limit:,}): it is damaged or"
            " not from Excel; export the list as CSV",
            file=name,
            limit=MAX_ROWS,
        )
    return msg(
        "`{file}` has a cell at row {rows:,}, column {cols:,}: its used range is more than"
        " planforge reads ({limit:,} cells). Delete the stray cells far below or right of the"
        " data (select the empty rows and columns, Delete, save), or export the list as CSV",
        file=name,
        rows=rows,
        cols=cols,
        limit=MAX_CELLS,
    )
