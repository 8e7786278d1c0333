"""The tier list (客户分层清单): one row per in-scope customer, plus a summary, as XLSX and CSV.

Columns follow the planning template's first table: 客户编号, 客户名称, 所属层级,
分层依据 (the values that matched), 核心需求, 维护策略建议, then the other
``show`` columns. Every cell passes through :func:`cell`, which masks personal
data; XLSX cells are written as values, never formulas, with fixed document
properties, so the same data gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from planforge.atomic import atomic_path
from planforge.model import Plan, Tier
from planforge.segment.plan import Rules
from planforge.segment.privacy import mask, sensitive_column
from planforge.segment.run import IN_SCOPE, TIER, prepare

HEADERS = ("客户编号", "客户名称", "所属层级", "分层依据", "核心需求", "维护策略建议")
SUMMARY_HEADERS = ("层级", "层级名称", "客户数", "实际占比", "计划占比", "偏差(百分点)")
UNASSIGNED = "未分层"
LIST_SHEET, SUMMARY_SHEET = "客户分层清单", "分层汇总"


@dataclass
class TierList:
    """The rows to write and the summary, with everything already masked."""

    columns: list[str]
    rows: Iterator[list[Any]]
    height: int
    summary: list[list[Any]] = field(default_factory=list)


def _basis_columns(plan: Plan, rules: Rules, allowed: set[str]) -> dict[str | None, list[str]]:
    out: dict[str | None, list[str]] = {}
    for tier_id, rule in rules.tiers:
        names: list[str] = []
        for ref in rule.columns if rule else ():
            if ref.name in allowed and ref.name not in names:
                names.append(ref.name)
        out[tier_id] = names
    return out


def show_value(value: Any) -> str:
    """A source value as a planner reads it: 180,000; 2023-09-14; 4.5."""
    if value is None:
        return "(空)"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):,}" if value == value else "(空)"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell_function(plan: Plan) -> Callable[[str, Any], Any]:
    """How a value of a column leaves the source: as is when shown explicitly, else masked."""
    seg = plan.segmentation
    assert seg is not None
    explicit = set(seg.show) if seg.show_given else set()

    def cell(column: str, value: Any) -> Any:
        if column in explicit:
            return value
        if isinstance(value, int) and -(10**10) < value < 10**10 and not sensitive_column(column):
            return value  # too short to be a phone or ID-card number
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            text = str(value)
            masked = mask(text)
            if sensitive_column(column):
                return "***" + text[-4:] if len(text) > 4 else "***"
            return value if masked == text else masked
        if value is None or isinstance(value, (dt.date, bool)):
            return value
        text = str(value)
        if sensitive_column(column):
            return "***" + text[-4:] if len(text) > 4 else "***"
        return mask(text)

    return cell


def tier_list(plan: Plan, rules: Rules) -> TierList:
    """The tier list for a plan whose data was read (``plan.segmentation.read``)."""
    seg = plan.segmentation
    assert seg is not None and seg.key
    cell = _cell_function(plan)
    allowed = {c for c in (seg.key, seg.name) if c} | set(seg.show)
    extra = [c for c in seg.show if c not in (seg.key, seg.name)]
    basis = _basis_columns(plan, rules, allowed)
    wanted = list(dict.fromkeys([seg.key, *([seg.name] if seg.name else []), *extra]))
    wanted += [c for cols in basis.values() for c in cols if c not in wanted]
    tiers = {t.id: t for t in plan.tiers if t.id}
    order = {t.id: i for i, t in enumerate(plan.tiers)}
    frame = (
        prepare(plan, rules)
        .frame.filter(pl.col(IN_SCOPE))
        .with_row_index("__row")
        .with_columns(
            pl.col(TIER)
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("__order")
        )
        .sort(["__order", "__row"])
        .select([TIER, *wanted])
        .collect(engine="streaming")
    )
    columns = list(HEADERS) + extra

    def rows() -> Iterator[list[Any]]:
        for record in frame.iter_rows(named=True):
            tier: Tier | None = tiers.get(record[TIER])
            shown = {c: cell(c, record[c]) for c in wanted}
            why = "; ".join(f"{c} = {show_value(shown[c])}" for c in basis.get(record[TIER], []))
            yield [
                shown[seg.key],
                shown[seg.name] if seg.name else None,
                (tier.name or tier.id) if tier else UNASSIGNED,
                why or ("其余客户" if tier else "未匹配任何层级规则"),
                "、".join(tier.needs) if tier else None,
                tier.strategy if tier else None,
                *(shown[c] for c in extra),
            ]

    return TierList(columns, rows(), frame.height, summary(plan))


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


def _plain(value: Any) -> Any:
    """A cell value for CSV/XLSX: numbers and text, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _safe_text(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV only)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(path: str, tl: TierList, progress: Callable[[int], None] | None = None) -> None:
    """The tier list as CSV, UTF-8 with a BOM (Excel opens it with the right characters)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(tl.columns)
        for i, row in enumerate(tl.rows, 1):
            writer.writerow([_safe_text(_plain(v)) for v in row])
            if progress and i % 10000 == 0:
                progress(10000)


def write_xlsx(
    path: str, tl: TierList, plan: Plan, progress: Callable[[int], None] | None = None
) -> None:
    """The tier list and the summary as an XLSX workbook with fixed properties."""
    import xlsxwriter

    seg = plan.segmentation
    assert seg is not None
    created = dt.datetime.combine(seg.as_of or dt.date(2000, 1, 1), dt.time())
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(
            tmp,
            {
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
        for r, row in enumerate(tl.rows, 1):
            for c, value in enumerate(row):
                _write(sheet, r, c, _plain(value))
            if progress and r % 10000 == 0:
                progress(10000)
        summary_sheet = wb.add_worksheet(SUMMARY_SHEET)
        summary_sheet.set_column(0, 5, 14)
        summary_sheet.write_row(0, 0, SUMMARY_HEADERS, bold)
        for r, row in enumerate(tl.summary, 1):
            for c, value in enumerate(row):
                _write(summary_sheet, r, c, _plain(value))
        meta = [
            ("数据来源", os.path.basename(seg.source or "")),
            ("数据基准日", seg.as_of.isoformat() if seg.as_of else ""),
            ("范围规则", seg.scope or "全部客户"),
        ]
        for i, (label, value) in enumerate(meta, len(tl.summary) + 2):
            summary_sheet.write_string(i, 0, label, bold)
            summary_sheet.write_string(i, 1, value)
        wb.close()


def _write(sheet: Any, r: int, c: int, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))
