"""How a source column leaves the source, as polars expressions: masked, then formatted.

For one column of the tier list :func:`column` gives three expressions that run
vectorised over the whole column:

- ``csv``: the CSV field's text (what :func:`csv_field` of :func:`cell` gives);
- ``basis``: the value in 分层依据 (what :func:`show_value` of :func:`cell` gives);
- ``text``: the cell when it leaves as text (masked, or a text column), else null, so
  XLSX keeps numbers as numbers.

The per-value functions :func:`cell`, :func:`show_value` and :func:`csv_field` define
the output. The expressions reproduce them for the common values (text without a
phone-, ID-card- or e-mail-like run, integers, finite floats of ordinary size, dates,
times of day, true/false); every other value (a text that *might* hold personal data,
a 15-digit number, 1e-05, a decimal, a duration...) is flagged by a vectorised test
and passed to the per-value functions, batch by batch, so the text stays exactly the
same and masking is never skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from planforge.formula_cells import FORMULA_PATTERN, as_text
from planforge.segment.privacy import CANDIDATE, mask, sensitive_column

EMPTY = "(空)"
#: Integers inside this bound are too short to be a phone or ID-card number.
SHORT_INT = 10**10


def cell(column: str, value: Any, explicit: bool) -> Any:
    """How a value of ``column`` leaves the source: as is when shown explicitly, else masked."""
    if explicit:
        return value
    sensitive = sensitive_column(column)
    if isinstance(value, int) and -SHORT_INT < value < SHORT_INT and not sensitive:
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = str(value)
        masked = mask(text)
        if sensitive:
            return _tail(text)
        return value if masked == text else masked
    if value is None or isinstance(value, (dt.date, bool)):
        return value
    text = str(value)
    return _tail(text) if sensitive else mask(text)


def _tail(text: str) -> str:
    return "***" + text[-4:] if len(text) > 4 else "***"


def show_value(value: Any) -> str:
    """A value as a planner reads it: 180,000; 2023-09-14; 4.5."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):,}" if value == value else EMPTY
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plain(value: Any) -> Any:
    """A cell value for CSV/XLSX: numbers and text, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    return as_text(value) if isinstance(value, str) else value


def csv_field(value: Any) -> str | None:
    """A cell value as the text of its CSV field (None: an empty field)."""
    value = safe_text(plain(value))
    return None if value is None or value == "" else str(value)


def safe_expr(text: pl.Expr) -> pl.Expr:
    """:func:`safe_text` over a text column; empty text becomes null (an empty field)."""
    text = pl.when(text == "").then(None).otherwise(text)
    return pl.when(text.str.contains(FORMULA_PATTERN)).then("'" + text).otherwise(text)


@dataclass
class Column:
    """One source column's expressions (see the module docstring)."""

    csv: pl.Expr
    basis: pl.Expr
    text: pl.Expr


@dataclass
class _Fast:
    """The vectorised result and the values it does not cover (``slow``)."""

    text: pl.Expr  # the cell as text, null when it leaves as its own value
    csv: pl.Expr
    basis: pl.Expr
    slow: pl.Expr | None  # true for values the per-value functions must handle


def column(name: str, dtype: Any, explicit: bool) -> Column:
    """The expressions for source column ``name`` of type ``dtype``."""
    col = pl.col(name)
    sensitive = sensitive_column(name) and not explicit
    fast = _fast(col, dtype, explicit, sensitive)

    def slow(fn: Callable[[Any], str | None], quick: pl.Expr) -> pl.Expr:
        if fast.slow is None:
            return quick
        return _patched(quick, col, fast.slow, lambda v: fn(cell(name, v, explicit)))

    return Column(
        csv=slow(csv_field, fast.csv),
        basis=slow(show_value, fast.basis),
        text=slow(lambda v: v if isinstance(v, str) else None, fast.text),
    )


def _fast(col: pl.Expr, dtype: Any, explicit: bool, sensitive: bool) -> _Fast:
    none = pl.lit(None, dtype=pl.String)
    if dtype == pl.Null:
        return _Fast(none, none, pl.lit(EMPTY), None)
    if dtype == pl.Boolean:
        csv = pl.when(col).then(pl.lit("True")).when(~col).then(pl.lit("False"))
        basis = pl.when(col).then(pl.lit("是")).when(~col).then(pl.lit("否"))
        return _Fast(none, csv, basis.otherwise(pl.lit(EMPTY)), None)
    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        text = col.cast(pl.String)
        if sensitive:
            return _text(_tail_expr(text), None)
        if explicit:
            return _text(text, None)
        return _text(text, text.str.contains(CANDIDATE.pattern))
    if dtype.is_integer():
        digits = col.cast(pl.String)
        if sensitive:
            return _text(_tail_expr(digits), None)
        grouped = _thousands(digits)
        if explicit:
            return _Fast(none, digits, grouped.fill_null(EMPTY), None)
        long = (col <= -SHORT_INT) | (col >= SHORT_INT)  # always holds 11 digits or more
        return _Fast(none, digits, grouped.fill_null(EMPTY), long)
    if dtype.is_float():
        text = col.cast(pl.String)
        size = col.abs()
        ordinary = col.is_finite() & ((col == 0) | ((size >= 1e-4) & (size < 1e16)))
        slow = ~ordinary
        if sensitive:
            return _text(_tail_expr(text), slow)
        if not explicit:
            slow = slow | text.str.contains(CANDIDATE.pattern)
        parts = text.str.splitn(".", 2)
        basis = _thousands(parts.struct[0]) + "." + parts.struct[1]
        return _Fast(none, text, basis.fill_null(EMPTY), slow)
    if dtype == pl.Date:
        text = col.dt.strftime("%Y-%m-%d")
        return _Fast(none, text, text.fill_null(EMPTY), col.dt.year() < 1000)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        micro = col.dt.microsecond()
        fraction = (
            pl.when(micro == 0).then(pl.lit("")).otherwise("." + micro.cast(pl.String).str.zfill(6))
        )
        day, time = col.dt.strftime("%Y-%m-%d"), col.dt.strftime("%H:%M:%S") + fraction
        basis = pl.concat_str([day, pl.lit(" "), time]).fill_null(EMPTY)
        return _Fast(none, pl.concat_str([day, pl.lit("T"), time]), basis, col.dt.year() < 1000)
    return _Fast(none, none, pl.lit(EMPTY), pl.lit(True))  # everything by the per-value rules


def _text(text: pl.Expr, slow: pl.Expr | None) -> _Fast:
    """A column that leaves as text."""
    return _Fast(text, safe_expr(text), text.fill_null(EMPTY), slow)


def _tail_expr(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.len_chars() > 4)
        .then("***" + text.str.tail(4))
        .otherwise(pl.when(text.is_not_null()).then(pl.lit("***")))
    )


def _thousands(digits: pl.Expr) -> pl.Expr:
    """``-1234567`` as ``-1,234,567`` (the text of an integer, grouped by thousands)."""
    sign = pl.when(digits.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    body = (
        digits.str.strip_prefix("-")
        .str.reverse()
        .str.replace_all(r"(\d{3})", "${1},")
        .str.strip_suffix(",")
        .str.reverse()
    )
    return sign + body


def _patched(quick: pl.Expr, raw: pl.Expr, slow: pl.Expr, fn: Callable[[Any], Any]) -> pl.Expr:
    """``quick``, with ``fn`` of the raw value where ``slow`` holds (one batch at a time)."""

    def patch(batch: pl.Series) -> pl.Series:
        fields = batch.struct.unnest()
        fast, flags = fields["q"], fields["s"].fill_null(False)
        if not flags.any():
            return fast
        at = flags.arg_true()
        values = [fn(v) for v in fields["r"].gather(at).to_list()]
        return fast.scatter(at, pl.Series(values, dtype=pl.String))

    return pl.struct(quick.alias("q"), raw.alias("r"), slow.alias("s")).map_batches(
        patch, return_dtype=pl.String, is_elementwise=True
    )
