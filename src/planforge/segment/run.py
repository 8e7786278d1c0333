"""Running a plan's segmentation on its source with polars: counts, and the tier list's rows."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from planforge.messages import msg
from planforge.model import Plan, Segmentation
from planforge.segment.engine import FAILURES, Compiler, assign
from planforge.segment.plan import (
    DUPLICATE_ROWS_SHOWN,
    DUPLICATES_SHOWN,
    SEG,
    Rules,
    rule_paths,
    share,
)
from planforge.segment.progress import Stage, stage
from planforge.segment.rules import RuleError
from planforge.segment.source import SourceError, ragged_row, scan

IN_SCOPE, TIER = "__in_scope", "__tier"


#: A quoted value in a polars error (`01/02/2024`, 'x'): possibly a customer's cell.
_QUOTED_CELL = re.compile(r"`[^`]*`|'[^']*'")


class DataError(Exception):
    """The rules do not fit the data, or the rows cannot be read; located when possible."""

    def __init__(self, message: str, path: tuple = (*SEG, "source"), offset: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset


class EmptySource(Exception):
    """The source has a header and no rows."""


@dataclass
class Prepared:
    """The source as a lazy frame with the scope and tier columns added."""

    frame: Any  # pl.LazyFrame
    schema: dict[str, Any]
    compiler: Any = None  # the Compiler the rules were compiled with (its as_of)


def prepare(plan: Plan, rules: Rules) -> Prepared:
    """The source's rows with ``__in_scope`` and ``__tier`` columns (lazy)."""
    seg = plan.segmentation
    assert seg is not None and seg.source_file
    try:
        frame = scan(seg.source_file, [c for c in (seg.key, seg.name) if c])
        schema = dict(frame.collect_schema())
    except SourceError as exc:
        raise DataError(exc.args[0]) from None
    except FAILURES as exc:
        raise DataError(_polars_message(seg, exc)) from None
    # NaN in a float column is an empty cell: for the rules (as in the SQL), the reasons
    # and the tier list alike.
    seg.float_columns = [name for name, dtype in schema.items() if dtype.is_float()]
    if seg.float_columns:
        frame = frame.with_columns(pl.col(seg.float_columns).fill_nan(None))
    compiler = Compiler(schema, seg.as_of or dt.date.today())
    compiled: dict[int, pl.Expr] = {}
    for path, rule in rule_paths(plan, rules):
        try:
            compiled[id(rule)] = compiler.condition(rule)
        except RecursionError:
            raise DataError(
                "the rule is nested too deeply: write it with fewer parentheses", path
            ) from None
        except RuleError as exc:
            try:
                empty = frame.head(1).collect().height == 0
            except FAILURES as failure:  # a cell polars cannot read in the first rows
                raise DataError(_polars_message(seg, failure)) from None
            if empty:
                raise EmptySource from None  # no rows: the column types mean nothing
            raise DataError(exc.args[0], path, exc.offset) from None
    scope = compiled[id(rules.scope)].fill_null(False) if rules.scope else pl.lit(True)
    tiers = [(tid, compiled[id(rule)] if rule else None) for tid, rule in rules.tiers]
    frame = frame.with_columns(scope.alias(IN_SCOPE), assign(tiers).alias(TIER))
    return Prepared(frame, schema, compiler)


def count(plan: Plan, rules: Rules) -> None:
    """Tier counts, in-scope customers, unassigned and duplicate keys, from the data."""
    seg = plan.segmentation
    assert seg is not None
    try:
        prepared = prepare(plan, rules)
        counts, dups = _collect(prepared.frame, seg)
    except DataError as exc:
        seg.data_error, seg.data_error_path, seg.data_error_offset = (
            exc.args[0],
            exc.path,
            exc.offset,
        )
        return
    except EmptySource:
        counts, dups = [], ([], 0)
    seg.read = True
    seg.rows = sum(n for _, _, n in counts)
    by_tier: dict[str | None, int] = {}
    for in_scope, tier, n in counts:
        if in_scope:
            by_tier[tier] = by_tier.get(tier, 0) + n
    seg.customers = sum(by_tier.values())
    seg.unassigned = by_tier.get(None, 0)
    seg.duplicates, seg.duplicate_keys = dups
    plan.scope.declared_customers = plan.scope.customers
    plan.scope.customers = seg.customers
    for tier in plan.tiers:
        tier.customers = by_tier.get(tier.id, 0)
        tier.actual_share = share(tier.customers, seg.customers)


def _collect(frame: Any, seg: Segmentation) -> tuple[list[tuple[bool, str | None, int]], Any]:
    """Counts per (in scope, tier), then the duplicate keys, one streaming pass each."""
    label = msg("reading and tiering `{source}`", source=os.path.basename(seg.source or ""))
    try:
        with stage(label) as progress:
            grouped = frame.group_by([IN_SCOPE, counted(pl.col(TIER), progress)]).agg(
                pl.len().alias("n")
            )
            result = grouped.collect(engine="streaming")
            rows = int(result["n"].sum()) if result.height else 0
            progress.finish(rows)
        dups: Duplicates = ([], 0)
        if seg.key:
            with stage(msg("checking `{key}` for duplicates", key=seg.key), rows) as progress:
                dups = _duplicates(frame, seg.key, progress)
                progress.finish(rows)
    except FAILURES as exc:
        raise DataError(_polars_message(seg, exc)) from None
    counts = [(bool(r[IN_SCOPE]), r[TIER], int(r["n"])) for r in result.iter_rows(named=True)]
    return counts, dups


def counted(expr: pl.Expr, progress: Stage) -> pl.Expr:
    """``expr`` unchanged, telling ``progress`` of the rows of each batch as they pass
    (nothing is added when no one watches)."""
    if type(progress) is Stage:
        return expr

    def count(batch: pl.Series) -> pl.Series:
        progress.advance(batch.len())
        return batch

    return expr.map_batches(count, is_elementwise=True)


def _hashed(key: str) -> pl.Expr:
    return (pl.col(key).hash() // 2**32).cast(pl.UInt32)


#: The first repeated keys (key, its first rows, how many rows), and how many keys repeat.
Duplicates = tuple[list[tuple[str, list[int], int]], int]


def _duplicates(frame: Any, key: str, progress: Stage | None = None) -> Duplicates:
    """Keys on more than one row, with their first 1-based rows (the header is row 1) and
    their count, and how many keys repeat: bounded, however often a key repeats.

    Memory stays at about 4 bytes a row whatever the key: a 32-bit hash of each key
    is collected (one streaming pass), sorted in place and compared with its
    neighbour; a second streaming pass collects only the rows whose hash repeats
    (true duplicates and the rare collisions) and compares their real keys.
    """
    hashed = _hashed(key) if progress is None else counted(_hashed(key), progress)
    hashes = frame.select(hashed.alias("h")).collect(engine="streaming")["h"]
    hashes.sort(in_place=True)
    n = hashes.len()
    repeated = hashes.slice(1).filter(hashes.slice(1) == hashes.slice(0, max(n - 1, 0))).unique()
    del hashes
    if repeated.is_empty():
        return [], 0
    rows = (
        frame.select(pl.col(key))
        .with_row_index("row", offset=2)
        .filter(_hashed(key).is_in(repeated.implode()))
        .collect(engine="streaming")
    )
    found = (
        rows.group_by(key)
        .agg(pl.col("row").sort().head(DUPLICATE_ROWS_SHOWN), pl.len().alias("n"))
        .filter(pl.col("n") > 1)
    )
    shown = found.sort(key).head(DUPLICATES_SHOWN)
    return [(str(k), [int(r) for r in rs], int(n)) for k, rs, n in shown.iter_rows()], found.height


def _polars_message(seg: Segmentation, exc: BaseException) -> str:
    ragged = None
    if seg.source_file and "fields" in str(exc):
        with contextlib.suppress(OSError, csv.Error, SourceError, UnicodeDecodeError):
            ragged = ragged_row(seg.source_file)
    if ragged:
        line, fields, width = ragged
        return msg(
            "line {line} of `{source}` has {fields} fields, but the header has {width}:"
            " remove the extra commas or quote the text that holds them",
            line=line,
            source=seg.source,
            fields=fields,
            width=width,
        )
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    # polars quotes the cell it could not read: a customer's data never reaches a message.
    first = _QUOTED_CELL.sub("`…`", first)
    return msg("cannot read the rows of `{source}`: {error}", source=seg.source, error=first)
