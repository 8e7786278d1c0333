"""The tier list (客户分层清单): one row per in-scope customer, plus a summary, as XLSX and CSV.

Columns follow the planning template's first table: 客户编号, 客户名称, 所属层级,
分层依据 (the values that matched), 核心需求, 维护策略建议, then the other
``show`` columns. Every cell is masked and formatted by polars expressions
(:mod:`planforge.segment.cells`), and the list is streamed batch by batch from the
source to the file, so memory stays bounded whatever the number of customers.
XLSX cells are written as values, never formulas, with fixed document properties,
so the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from planforge.evaluate.groups import GROUP_HEADER, group
from planforge.model import Plan
from planforge.segment.cells import column, plain, safe_expr
from planforge.segment.plan import Rules
from planforge.segment.run import IN_SCOPE, TIER, prepare

#: Characters an XLSX cell holds; longer text is cut (and counted).
XLSX_CELL = 32_767
HEADERS = ("客户编号", "客户名称", "所属层级", "分层依据", "核心需求", "维护策略建议")
SUMMARY_HEADERS = ("层级", "层级名称", "客户数", "实际占比", "计划占比", "偏差(百分点)")
UNASSIGNED = "未分层"
LIST_SHEET, SUMMARY_SHEET = "客户分层清单", "分层汇总"
#: Rows per batch streamed from the source to the file.
BATCH = 50_000
_NO_TIER, _REST, _ORDER = "未匹配任何层级规则", "其余客户", "__order"


@dataclass
class TierList:
    """The tier list as lazy polars frames, ordered by tier, then by source row.

    ``csv`` has one text column per output column: exactly the CSV fields. ``typed``
    has, for each source column shown, the cell as text (null when it leaves as its
    own value) and the value, then the tier's own columns; XLSX keeps numbers as
    numbers from it.
    """

    columns: list[str]
    csv: list[Any]  # pl.LazyFrame, one per tier
    typed: list[Any]
    height: int
    summary: list[list[Any]] = field(default_factory=list)

    @property
    def rows(self) -> Iterator[list[Any]]:
        """The rows as Python values (what the PDF's tier list prints)."""
        for batch in batches(self.typed):
            yield from (_typed_row(r) for r in batch.iter_rows())


def _typed_row(record: tuple) -> list[Any]:
    """key, name, then the other shown columns as (text, value) pairs, then the tier's four."""
    cells = [t if t is not None else v for t, v in zip(record[:-4:2], record[1:-4:2], strict=True)]
    return [cells[0], cells[1], *record[-4:], *cells[2:]]


def batches(parts: list[Any]) -> Iterator[Any]:
    """The lazy ``parts``, one after the other, collected by the streaming engine one
    DataFrame at a time (one at a time: concatenated, polars would run them together
    and hold the later ones until the first is written)."""
    for part in parts:
        yield from part.collect_batches(chunk_size=BATCH, engine="streaming")


def _basis_columns(rules: Rules, allowed: set[str]) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for tier_id, rule in rules.tiers:
        names: list[str] = []
        for ref in rule.columns if rule else ():
            if ref.name in allowed and ref.name not in names:
                names.append(ref.name)
        out[tier_id] = names
    return out


def tier_list(plan: Plan, rules: Rules) -> TierList:
    """The tier list for a plan whose data was read (``plan.segmentation.read``)."""
    seg = plan.segmentation
    assert seg is not None and seg.key
    explicit = set(seg.show) if seg.show_given else set()
    allowed = {c for c in (seg.key, seg.name) if c} | set(seg.show)
    extra = [c for c in seg.show if c not in (seg.key, seg.name)]
    basis = _basis_columns(rules, allowed)
    wanted = list(dict.fromkeys([seg.key, *([seg.name] if seg.name else []), *extra]))
    wanted += [c for cols in basis.values() for c in cols if c not in wanted]
    prepared = prepare(plan, rules)
    cols = {c: column(c, prepared.schema[c], c in explicit) for c in wanted}
    tiers = {t.id: t for t in plan.tiers if t.id}
    tier = pl.col(TIER)

    def by_tier(values: dict[str, Any], default: Any, dtype: Any = pl.String) -> pl.Expr:
        # when/then, not replace_strict: polars' streaming engine holds all of the
        # rows for that one.
        chain: Any = None
        for k, v in values.items():
            cond = tier == k
            chain = (pl.when(cond) if chain is None else chain.when(cond)).then(pl.lit(v, dtype))
        fallback = pl.lit(default, dtype)
        return fallback if chain is None else chain.otherwise(fallback)

    why: Any = None
    rule_of = dict(rules.tiers)
    for tier_id, names in basis.items():
        rule = rule_of.get(tier_id) if tier_id is not None else None
        helped = prepared.compiler.matched_columns(rule) if rule else {}
        # Only the conditions that matched: `a = 1; c = 4`, not `b`, whose OR-branch failed.
        pieces = [
            pl.when(helped[c]).then(pl.lit(f"{c} = ") + cols[c].basis) for c in names if c in helped
        ]
        text = (
            pl.concat_str(pieces, separator="; ", ignore_nulls=True)
            if pieces
            else pl.lit(_REST if tier_id in tiers else _NO_TIER)
        )
        cond = tier.is_null() if tier_id is None else tier == tier_id
        why = (pl.when(cond) if why is None else why.when(cond)).then(text)
    own = [
        by_tier({k: t.name or t.id for k, t in tiers.items()}, UNASSIGNED),
        pl.lit(_NO_TIER) if why is None else why.otherwise(pl.lit(_NO_TIER)),
        by_tier({k: "、".join(t.needs) for k, t in tiers.items()}, None),
        by_tier({k: t.strategy for k, t in tiers.items()}, None),
    ]
    nothing = pl.lit(None, dtype=pl.String)
    shown = [seg.key, seg.name, *extra]
    csv_exprs = [cols[c].csv if c else nothing for c in shown[:2]]
    csv_exprs += [safe_expr(e) for e in own] + [cols[c].csv for c in extra]
    typed_exprs = [e for c in shown for e in ((cols[c].text, pl.col(c)) if c else (nothing,) * 2)]
    headers = list(HEADERS) + extra
    held = group(plan)  # with a holdout: 组别 (活动组 / 对照组), the last column
    if held is not None:
        headers.append(GROUP_HEADER)
        csv_exprs.append(held)
        typed_exprs += [held, held]
    order = {t.id: i for i, t in enumerate(plan.tiers)}
    frame = prepared.frame.filter(pl.col(IN_SCOPE)).with_columns(
        by_tier(order, len(order), pl.Int64).alias(_ORDER)
    )
    # One filtered pass over the source per tier, concatenated in plan order: a sort
    # would hold the whole list in memory.
    parts = [
        frame.filter(pl.col(_ORDER) == rank) for rank in [*sorted(set(order.values())), len(order)]
    ]

    def select(exprs: list[pl.Expr]) -> Any:
        named = [e.alias(f"__c{i}") for i, e in enumerate(exprs)]
        return [p.select(named) for p in parts]

    return TierList(
        headers,
        select(csv_exprs),
        select(typed_exprs + own),
        seg.customers or 0,
        summary(plan),
    )


def summary(plan: Plan) -> list[list[Any]]:
    """Customers per tier, actual share against planned share, then the unassigned and the total."""
    seg = plan.segmentation
    assert seg is not None
    out: list[list[Any]] = []
    for t in plan.tiers:
        planned = t.share.value if t.share else None
        gap = (
            t.actual_share - planned if t.actual_share is not None and planned is not None else None
        )
        out.append([t.id, t.name, t.customers, _pct(t.actual_share), _pct(planned), gap])
    from planforge.segment.plan import share

    out.append(
        [
            "",
            UNASSIGNED,
            seg.unassigned,
            _pct(share(seg.unassigned or 0, seg.customers or 0)),
            None,
            None,
        ]
    )
    out.append(["", "合计", seg.customers, "100%" if seg.customers else None, None, None])
    return out


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else f"{value}%"


def write_csv(path: str, tl: TierList, progress: Callable[[int], None] | None = None) -> None:
    """The tier list as CSV, UTF-8 with a BOM (Excel opens it with the right characters).

    The header is written by Python's csv module, the rows by polars, batch by batch,
    with the same quoting (only where needed) and CRLF line ends.
    """
    head = io.StringIO()
    csv.writer(head, lineterminator="\r\n").writerow(tl.columns)
    with open(path, "wb") as fh:
        fh.write(("\ufeff" + head.getvalue()).encode("utf-8"))
        for batch in batches(tl.csv):
            batch.write_csv(
                fh,
                include_header=False,
                line_terminator="\r\n",
                null_value="",
                quote_style="necessary",
            )
            if progress:
                progress(batch.height)


def write_xlsx(
    path: str, tl: TierList, plan: Plan, progress: Callable[[int], None] | None = None
) -> int:
    """The tier list and the summary as an XLSX workbook with fixed properties.

    Returns how many cells were longer than a cell holds (:data:`XLSX_CELL`
    characters) and were cut. XlsxWriter's own temporary files go next to ``path``
    (into the staging folder), never into ``/tmp``, so a ``kill -9`` leaves none.
    """
    import xlsxwriter

    seg = plan.segmentation
    assert seg is not None
    created = dt.datetime.combine(seg.as_of or dt.date(2000, 1, 1), dt.time())
    cut = 0
    wb = xlsxwriter.Workbook(
        path,
        {
            "tmpdir": os.path.dirname(os.path.abspath(path)),
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"title": f"{plan.title or plan.id} 客户分层清单", "created": created})
    bold = wb.add_format({"bold": True})
    sheet = wb.add_worksheet(LIST_SHEET)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 1, 16)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 48)
    sheet.set_column(4, 5, 30)
    sheet.write_row(0, 0, tl.columns, bold)
    r = 0
    for batch in batches(tl.typed):
        for record in batch.iter_rows():
            r += 1
            for c, value in enumerate(_typed_row(record)):
                cut += _write(sheet, r, c, plain(value))
        if progress:
            progress(batch.height)
    summary_sheet = wb.add_worksheet(SUMMARY_SHEET)
    summary_sheet.set_column(0, 5, 14)
    summary_sheet.write_row(0, 0, SUMMARY_HEADERS, bold)
    for r, row in enumerate(tl.summary, 1):
        for c, value in enumerate(row):
            _write(summary_sheet, r, c, plain(value))
    meta = [
        ("数据来源", os.path.basename(seg.source or "")),
        ("数据基准日", seg.as_of.isoformat() if seg.as_of else ""),
        ("范围规则", seg.scope or "全部客户"),
    ]
    for i, (label, value) in enumerate(meta, len(tl.summary) + 2):
        summary_sheet.write_string(i, 0, label, bold)
        summary_sheet.write_string(i, 1, value)
    wb.close()
    return cut


def _write(sheet: Any, r: int, c: int, value: Any) -> int:
    """Write one cell; 1 when its text was cut to :data:`XLSX_CELL` characters, else 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, float) and not math.isfinite(value):
        sheet.write_string(r, c, repr(value))  # as in the CSV: a sheet has no NaN
    elif isinstance(value, (int, float)):
        sheet.write_number(r, c, value)
    else:
        text = str(value)
        sheet.write_string(r, c, text[:XLSX_CELL])
        return int(len(text) > XLSX_CELL)
    return 0
