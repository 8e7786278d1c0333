"""Geometry for the two small charts: budget by category and KPI target vs actual."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from planforge.model import KPI, Budget
from planforge.present.formatting import kpi_value_text, target_text


@dataclass
class BudgetBar:
    label: str
    planned: float  # percent of the widest bar
    actual: float | None
    planned_text: str
    actual_text: str


def budget_bars(budget: Budget, fmt) -> list[BudgetBar]:
    """One bar pair (planned, actual) per category, scaled to the largest amount."""
    cats = budget.categories
    top = max([c.amount for c in cats] + [c.actual or Decimal(0) for c in cats], default=0)
    if not top:
        return []

    def pct(v: Decimal) -> float:
        return round(float(100 * v / top), 2)  # drawing only: money itself stays Decimal

    return [
        BudgetBar(
            c.category,
            pct(c.amount),
            pct(c.actual) if c.actual is not None else None,
            fmt(c.amount),
            fmt(c.actual) if c.actual is not None else "",
        )
        for c in cats
    ]


@dataclass
class KpiBar:
    label: str
    status: str
    value: float | None  # percent of the scale
    target: float  # percent of the scale (the range's low end for ranges)
    target_high: float | None
    value_text: str
    target_text: str
    lines: list[str] = field(default_factory=list)  # the label, wrapped
    y: int = 0  # top of the row in chart units


#: The KPI chart's label column in chart units (font size 10), and its line height.
LABEL_WIDTH = 180
LINE_HEIGHT = 12


def wrap(text: str, width: float, size: float = 10) -> list[str]:
    """``text`` in lines no wider than ``width`` (CJK full width, Latin about 0.55 em)."""
    lines: list[str] = []
    line, used = "", 0.0
    for tok in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        w = sum(size if ord(c) >= 0x2E80 else 0.55 * size for c in tok)
        if tok.isspace():
            if line:
                line, used = line + " ", used + w
            continue
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0.0
        line, used = line + tok, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def kpi_chart(kpis: list[KPI]) -> tuple[list[KpiBar], int]:
    """The target-vs-actual rows and the chart height; no rows while no KPI has a value."""
    if not any(k.value is not None for k in kpis):
        return [], 0
    bars, y = [], 0
    for bar in kpi_bars(kpis):
        bar.lines = wrap(bar.label, LABEL_WIDTH)
        bar.y = y
        y += max(22, 10 + LINE_HEIGHT * len(bar.lines))
        bars.append(bar)
    return bars, y + 4


def kpi_bars(kpis: list[KPI]) -> list[KpiBar]:
    """One row per KPI with a readable target: the actual as a bar, the target as a mark."""
    out = []
    for kpi in kpis:
        if kpi.target is None:
            continue
        value = kpi.value.value if kpi.value and kpi.value.percent == kpi.target.percent else None
        marks = [kpi.target.value.value] + ([kpi.target.high.value] if kpi.target.high else [])
        top = max([abs(m) for m in marks] + ([abs(value)] if value is not None else []))
        scale = top * Decimal("1.25") or Decimal(1)

        def pct(v: Decimal, scale: Decimal = scale) -> float:
            return round(float(100 * max(v, Decimal(0)) / scale), 2)

        out.append(
            KpiBar(
                kpi.name or kpi.id or "",
                kpi.status or "pending",
                pct(value) if value is not None else None,
                pct(kpi.target.value.value),
                pct(kpi.target.high.value) if kpi.target.high else None,
                kpi_value_text(kpi) if value is not None else "",
                target_text(kpi.target),
            )
        )
    return out
