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
import logging
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
# fastexcel logs "Could not determine dtype for column N" through Python's logging for a
# column with a heading and no values, which Python then prints on stderr in the middle of
# planforge's output. Such a column is read as text, and planforge's checks say what
# matters about it; only fastexcel's errors are let through.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


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
    """The first record of the CSV, read from at most its first megabyte.

    A byte-order mark (UTF-8 or GB18030) is not part of the first name; a quoted
    name may hold a line break; CR-only line ends (Excel's "CSV (Macintosh)") end the
    record. A file whose first megabyte holds no complete record is refused at once,
    however large it is.
    """
    enc = encoding(path)
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF + 1)
    complete = len(head) <= _SNIFF
    text = codecs.getincrementaldecoder(enc)().decode(head[:_SNIFF], final=complete)
    text = text.removeprefix("\ufeff")
    if not complete and not _ends_line(text):  # the record runs past the first megabyte
        raise SourceError(
            msg(
                "`{file}` has no line break in its first megabyte: its header row is not a"
                " CSV header; export the customer list from the CRM again",
                file=os.path.basename(path),
            )
        )
    try:
        first = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error:
        first = None
    if not first or not any(c.strip() for c in first):
        raise SourceError(
            msg("`{file}` is empty: it has no header row", file=os.path.basename(path))
        )
    return first


def _ends_line(text: str) -> bool:
    """True when the first record of ``text`` ends with a line break inside it."""
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch in "\r\n" and not quoted:
            return True
    return False


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
    """``path`` itself when polars reads it as it is, else a UTF-8 copy with ``\\n`` line
    ends (made once per file version): for GBK/GB18030 text, a GB18030 byte-order mark,
    or CR-only line ends (Excel's "CSV (Macintosh)")."""
    enc = encoding(path)
    with open(path, "rb") as fh:
        head = fh.read(_SNIFF)
    cr_only = b"\r" in head and b"\n" not in head
    if enc == "utf-8" and not cr_only:
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
    decoder = codecs.getincrementaldecoder(enc)()
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as dst:
        first = True
        while chunk := src.read(_CHUNK):
            text = decoder.decode(chunk)
            if first:
                text, first = text.removeprefix("\ufeff"), False
            dst.write(text.replace("\r", "\n") if cr_only else text)
        dst.write(decoder.decode(b"", final=True))
    _TRANSCODED[cache_key] = target
    return target


def ragged_row(path: str) -> tuple[int, int, int] | None:
    """The first row with more fields than the header: (its 1-based row number, counting
    the header as row 1, its fields, the header's), or None. Streams the file."""
    if kind(path) != "csv":
        return None
    with open(_as_utf8(path), encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return None
        for row in reader:
            if len(row) > len(header):
                return reader.line_num, len(row), len(header)
    return None


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
