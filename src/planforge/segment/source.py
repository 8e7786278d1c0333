"""Reading a segmentation source: CSV (UTF-8 or GBK/GB18030), XLSX or Parquet.

:func:`header` reads the column names only (what ``validate`` needs, without
polars for CSV); :func:`scan` gives a polars ``LazyFrame`` over the rows, lazy
for CSV and Parquet so large files are streamed, not loaded. GBK files, which
polars cannot decode, are transcoded to UTF-8 in chunks into a temporary file.
"""

from __future__ import annotations

import atexit
import codecs
import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from typing import Any

from planforge.messages import msg
from planforge.segment import xlsx_size

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}
_SNIFF = 1 << 20
_CHUNK = 1 << 22
# polars reads a CSV in chunks that grow with the file (about 256 MiB in flight for a
# 600 MB file); 1 MiB chunks keep the scan's memory flat at the same speed. Read
# once, at the first scan, so it is set here, before planforge scans anything.
os.environ.setdefault("POLARS_CSV_CHUNK_SIZE", str(1 << 20))


class SourceError(Exception):
    """A source that cannot be read, in a planner's words."""


def kind(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise SourceError(
            msg(
                "`{file}` is not a CSV, XLSX or Parquet file: export the customer list from the"
                " CRM as .csv, .xlsx or .parquet",
                file=os.path.basename(path),
            )
        )
    return FORMATS[ext]


def modified(path: str) -> dt.date:
    """The date the source file was last written (when it was exported)."""
    return dt.date.fromtimestamp(os.stat(path).st_mtime)


def encoding(path: str) -> str:
    """``utf-8`` or ``gb18030`` (a superset of GBK), judged from the first megabyte."""
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        raise SourceError(
            msg(
                "`{file}` is neither UTF-8 nor GBK text: save it as CSV UTF-8",
                file=os.path.basename(path),
            )
        ) from None


def header(path: str) -> list[str]:
    """The source's column names, without reading its rows."""
    what = kind(path)
    if not os.path.isfile(path):
        raise SourceError(
            msg(
                "`{file}` does not exist: export the customer list there or fix `source`", file=path
            )
        )
    try:
        if what == "csv":
            return _csv_header(path)
        if what == "xlsx":
            import fastexcel

            xlsx_size.check(path, os.path.basename(path))

            sheet = fastexcel.read_excel(path).load_sheet(0, n_rows=0)
            return [c.name for c in sheet.available_columns()]
        import polars as pl

        return list(pl.read_parquet_schema(path))
    except SourceError:
        raise
    except xlsx_size.SheetTooBig as exc:
        raise SourceError(exc.args[0]) from None
    except Exception as exc:
        raise SourceError(
            msg("cannot read `{file}`: {error}", file=os.path.basename(path), error=_short(exc))
        ) from None


def _csv_header(path: str) -> list[str]:
    enc = encoding(path)
    with open(path, encoding=enc, errors="strict", newline="") as fh:
        line = fh.readline()
    if enc == "utf-8":
        line = line.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(line)))
    if not rows or not any(c.strip() for c in rows[0]):
        raise SourceError(
            msg("`{file}` is empty: it has no header row", file=os.path.basename(path))
        )
    return rows[0]


def scan(path: str, text_columns: list[str]) -> Any:
    """A polars LazyFrame over the source's rows; ``text_columns`` are read as text.

    Keys and names stay text so that ``00123`` keeps its zeros.
    """
    import polars as pl

    what = kind(path)
    overrides = {c: pl.String for c in text_columns}
    if what == "csv":
        utf8 = _as_utf8(path)
        return pl.scan_csv(
            utf8,
            schema_overrides=overrides,
            infer_schema_length=10000,
            try_parse_dates=True,
            raise_if_empty=False,
        )
    if what == "parquet":
        return pl.scan_parquet(path)
    try:
        xlsx_size.check(path, os.path.basename(path))
    except xlsx_size.SheetTooBig as exc:
        raise SourceError(exc.args[0]) from None
    frame = pl.read_excel(path, engine="calamine", schema_overrides=overrides, raise_if_empty=False)
    return frame.lazy()


_TRANSCODED: dict[tuple[str, int, int], str] = {}
#: The temporary folder of a run's UTF-8 copies: ``planforge-utf8-<pid>-XXXXXXXX``.
TRANSCODED_PREFIX = "planforge-utf8-"
_TMP: list[str] = []


def _as_utf8(path: str) -> str:
    """``path`` itself when it is UTF-8, else a UTF-8 copy (made once per file version)."""
    if encoding(path) == "utf-8":
        return path
    st = os.stat(path)
    cache_key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    if cache_key in _TRANSCODED:
        return _TRANSCODED[cache_key]
    if not _TMP:
        sweep_transcoded()
        _TMP.append(tempfile.mkdtemp(prefix=f"{TRANSCODED_PREFIX}{os.getpid()}-"))
        atexit.register(shutil.rmtree, _TMP[0], True)
    target = os.path.join(_TMP[0], f"{len(_TRANSCODED)}.csv")
    decoder = codecs.getincrementaldecoder("gb18030")()
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    _TRANSCODED[cache_key] = target
    return target


def sweep_transcoded() -> None:
    """Remove the UTF-8 copies that runs killed with ``kill -9`` left in the temp folder."""
    from planforge.atomic import alive

    top = tempfile.gettempdir()
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(TRANSCODED_PREFIX) :].split("-")[0]
        ours = entry.name.startswith(TRANSCODED_PREFIX) and entry.is_dir(follow_symlinks=False)
        if ours and not alive(pid):
            shutil.rmtree(entry.path, ignore_errors=True)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
