"""What the templates show: the resolved plan turned into localized, formatted rows.

Everything a template needs is computed here, so templates stay simple and a
company overriding one never has to redo arithmetic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from planforge.model import Plan, Task
from planforge.render import charts, gantt
from planforge.render.formatting import clip, date, hours, money, number, target_text
from planforge.render.i18n import labels

SECTIONS = ("cover", "tiers", "timetable", "budget", "evaluation")
#: SVG text does not inherit the HTML font list (nor its language), so name it.
SVG_FONTS = {
    "zh-CN": "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif",
    "en": "Noto Sans, DejaVu Sans, Noto Sans CJK SC, sans-serif",
}
#: Page headers and Gantt labels are clipped to this many columns (a CJK character is two).
HEADER_COLUMNS, VERSION_COLUMNS, GANTT_LABEL_COLUMNS = 60, 24, 80
PHASE_COLORS = ("#2f6fb0", "#d9822b", "#3a9a5b", "#8e5cb5", "#c2453d", "#4f9ea8")


@dataclass
class RenderInfo:
    """Facts about this rendering that are not in the plan."""

    source_sha256: str
    plan_date: dt.date
    sections: tuple[str, ...] = SECTIONS
    locale: str | None = None  # overrides the plan's


def build(plan: Plan, info: RenderInfo) -> dict[str, Any]:
    """The template context for ``plan``."""
    locale = info.locale or plan.locale or "zh-CN"
    L = labels(locale)
    currency = plan.currency or "CNY"

    def fmt_money(v):
        return money(v, currency, locale)

    team = {p.id: p for p in plan.team if p.id}
    colors = {p.id: PHASE_COLORS[i % len(PHASE_COLORS)] for i, p in enumerate(plan.phases)}
    sep = "、" if locale == "zh-CN" else ", "

    def person(pid: str | None) -> str:
        p = team.get(pid or "")
        if p is None:
            return pid or ""
        return (
            f"{p.name}({p.role})"
            if p.role and locale == "zh-CN"
            else (f"{p.name} ({p.role})" if p.role else p.name or "")
        )

    kpi_names = {k.id: k.name or k.id for k in plan.kpis if k.id}
    return {
        "L": L,
        "lang": locale,
        "svg_font": SVG_FONTS[locale],
        "sections": info.sections,
        "source_sha256": info.source_sha256,
        "revision": info.source_sha256[:12],
        "plan_date": date(info.plan_date, locale),
        "plan_date_iso": info.plan_date.isoformat(),
        "plan": plan,
        "title": plan.title or plan.id or "",
        "header_title": clip(plan.title or plan.id or "", HEADER_COLUMNS),
        "version": plan.version or "",
        "header_version": clip(plan.version or "", VERSION_COLUMNS),
        "status": L.get(f"status.{plan.status}", plan.status or ""),
        "status_key": plan.status or "",
        "owner": person(plan.owner),
        "owner_name": team[plan.owner].name if plan.owner in team else (plan.owner or ""),
        "objective_kpi": kpi_names.get(plan.objective.kpi or "", plan.objective.kpi or ""),
        "customers": number(plan.scope.customers) if plan.scope.customers else "",
        "departments": sep.join(plan.scope.departments),
        "period": _span(plan.period.start, plan.period.end, locale),
        "period_days": plan.period.days,
        "phases": [
            {
                "name": p.name or p.id,
                "span": _span(p.start, p.end, locale),
                "days": p.days,
                "color": colors.get(p.id, PHASE_COLORS[0]),
            }
            for p in plan.phases
        ],
        "approvals": _approvals(plan, person, locale),
        "tiers": [
            {
                "name": t.name or t.id,
                "share": str(t.share) if t.share else "",
                "customers": number(t.customers) if t.customers is not None else "",
                "criteria": t.criteria or "",
                "needs": t.needs,
                "strategy": t.strategy or "",
            }
            for t in plan.tiers
        ],
        "timetable": _timetable(plan, person, colors, locale, sep),
        "gantt": _gantt(plan, colors, locale),
        "budget": _budget(plan, fmt_money, locale),
        "evaluation": _evaluation(plan, L, locale),
    }


def _span(start: dt.date | None, end: dt.date | None, locale: str) -> str:
    if not start or not end:
        return ""
    return f"{date(start, locale)} – {date(end, locale)}"


def _approvals(plan: Plan, person, locale: str) -> list[dict[str, str]]:
    L = labels(locale)
    if plan.approvals:
        return [
            {"role": a.role or "", "name": a.name or "", "date": date(a.date, locale)}
            for a in plan.approvals
        ]
    owner = next((p for p in plan.team if p.id == plan.owner), None)
    return [
        {"role": L["prepared_by"], "name": owner.name if owner and owner.name else "", "date": ""},
        {"role": L["approved_by"], "name": "", "date": ""},
    ]


def _timetable(plan: Plan, person, colors, locale: str, sep: str) -> list[dict[str, Any]]:
    names = {t.id: t.name or t.id for t in plan.tasks if t.id}
    groups = []
    for phase in plan.phases:
        tasks = [t for t in plan.tasks if t.phase == phase.id]
        groups.append(
            {
                "name": phase.name or phase.id,
                "span": _span(phase.start, phase.end, locale),
                "color": colors.get(phase.id),
                "tasks": [_task_row(t, person, names, sep) for t in tasks],
            }
        )
    return groups


def _task_row(task: Task, person, names, sep: str) -> dict[str, Any]:
    return {
        "id": task.id or "",
        "name": task.name or task.id or "",
        "owner": person(task.owner),
        "start": task.start.isoformat() if task.start else "",
        "end": task.end.isoformat() if task.end else "",
        "days": task.days,
        "deliverable": task.deliverable or "",
        "resources": sep.join(task.resources),
        "depends_on": sep.join(names.get(d, d) for d in task.depends_on),
    }


#: The Gantt grid's SVG width in user units (about its width in millimetres, so the
#: header's text keeps its shape when the SVG stretches to the cell).
GANTT_GRID = 210


def _gantt(plan: Plan, colors, locale: str) -> dict[str, Any]:
    """Gantt tables: per time chunk, a row per task with its bar."""
    starts = [d for d in [plan.period.start, *(t.start for t in plan.tasks)] if d]
    ends = [d for d in [plan.period.end, *(t.end for t in plan.tasks)] if d]
    if not starts or not ends:
        return {"kind": "day", "chunks": [], "grid": GANTT_GRID}
    phase_starts = [p.start for p in plan.phases[1:] if p.start]
    kind, parts = gantt.chunks(min(starts), max(ends), phase_starts, locale)
    tasks = [(t, colors.get(p.id)) for p in plan.phases for t in plan.tasks if t.phase == p.id]
    scale = GANTT_GRID / 100
    out = []
    for chunk in parts:
        rows = []
        for task, color in tasks:
            bar = chunk.bar(task.start, task.end)
            rows.append(
                {
                    "name": clip(task.name or task.id or "", GANTT_LABEL_COLUMNS),
                    "color": color,
                    "x": round(bar.x * scale, 2) if bar else None,
                    "w": round(max(bar.width * scale, 2), 2) if bar else None,
                }
            )
        out.append(
            {
                "label": _span(chunk.start, chunk.end, locale),
                "units": [
                    {"x": round(chunk.position(u.start) * scale, 2), "label": u.label}
                    for u in chunk.units
                ],
                "boundaries": [round(b * scale, 2) for b in chunk.boundaries],
                "rows": rows,
            }
        )
    return {"kind": kind, "chunks": out, "grid": GANTT_GRID}


def _budget(plan: Plan, fmt, locale: str) -> dict[str, Any]:
    budget = plan.budget
    groups = []
    for cat in budget.categories:
        lines = [line for line in budget.lines if line.category == cat.category]
        groups.append(
            {
                "category": cat.category,
                "subtotal": fmt(cat.amount),
                "actual": fmt(cat.actual),
                "variance": fmt(cat.variance),
                "over": cat.variance is not None and cat.variance > 0,
                "lines": [
                    {
                        "item": line.item or "",
                        "quantity": (
                            f"{number(line.quantity)}{(' ' if locale == 'en' else '')}"
                            f"{line.unit or ''} × {fmt(line.unit_price)}"
                            if line.quantity is not None and line.unit_price is not None
                            else ""
                        ),
                        "amount": fmt(line.amount),
                        "actual": fmt(line.actual),
                        "variance": fmt(line.variance),
                        "over": line.variance is not None and line.variance > 0,
                        "note": line.note or "",
                    }
                    for line in lines
                ],
            }
        )
    return {
        "groups": groups,
        "total": fmt(budget.total),
        "cap": fmt(budget.cap),
        "remaining": fmt(budget.remaining),
        "over_cap": budget.remaining is not None and budget.remaining < 0,
        "actual_total": fmt(budget.actual_total),
        "variance": fmt(budget.variance),
        "over": budget.variance is not None and budget.variance > 0,
        "cost_per_customer": fmt(budget.cost_per_customer),
        "chart": charts.budget_bars(budget, fmt),
    }


def _evaluation(plan: Plan, L: dict[str, str], locale: str) -> dict[str, Any]:
    kpi_names = {k.id: k.name or k.id for k in plan.kpis if k.id}
    review = plan.review
    return {
        "rows": [
            {
                "dimension": k.dimension or "",
                "name": k.name or k.id or "",
                "unit": k.unit or "",
                "target": target_text(k.target),
                "actual": str(k.value) if k.value else "",
                "formula": k.formula or "",
                "status_key": k.status or "pending",
                "status": L.get(f"kpi.{k.status or 'pending'}", ""),
                "analysis": k.analysis or "",
                "pending": k.status in (None, "pending"),
            }
            for k in plan.kpis
        ],
        "chart": charts.kpi_bars(plan.kpis),
        "monitoring": [
            {
                "kpi": kpi_names.get(m.kpi or "", m.kpi or ""),
                "when": str(m.when) if m.when else "",
                "respond_within": hours(m.respond_within_hours, L["hours"]),
                "action": m.action or "",
                "triggered": bool(m.triggered),
            }
            for m in plan.monitoring
        ],
        "review": (
            {
                "rule": L["review_rule"].format(n=review.within_working_days),
                "due": date(review.due, locale),
                "deliverable": review.deliverable or "",
            }
            if review and review.within_working_days is not None
            else None
        ),
    }
