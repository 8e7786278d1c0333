"""What the templates show: the resolved plan turned into localized, formatted rows.

Everything a template needs is computed here, so templates stay simple and a
company overriding one never has to redo arithmetic.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from planforge.evaluate.report import lift_sentence
from planforge.evaluate.review import review
from planforge.model import Phase, Plan, Task
from planforge.present.formatting import (
    clip,
    date,
    duration_text,
    kpi_value_text,
    money,
    number,
    quantity_text,
    short_date,
    target_text,
)
from planforge.present.labels import labels
from planforge.render import charts, gantt
from planforge.render.geometry import HEAD_MM, PAGE_ROWS, ROW_MM

SECTIONS = ("cover", "tiers", "timetable", "budget", "evaluation")
#: SVG text does not inherit the HTML font list (nor its language), so name it.
SVG_FONTS = {
    "zh-CN": "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif",
    "en": "Noto Sans, DejaVu Sans, Noto Sans CJK SC, sans-serif",
}
#: A table of fewer rows than this moves whole to the next page rather than split.
SHORT_ROWS = 8
#: Page headers and Gantt labels are clipped to this many columns (a CJK character is two).
HEADER_COLUMNS, VERSION_COLUMNS = 60, 24
PHASE_COLORS = ("#2f6fb0", "#d9822b", "#3a9a5b", "#8e5cb5", "#c2453d", "#4f9ea8")


@dataclass
class RenderInfo:
    """Facts about this rendering that are not in the plan."""

    source_sha256: str
    plan_date: dt.date
    sections: tuple[str, ...] = SECTIONS
    locale: str | None = None  # overrides the plan's
    tier_list: list[list[Any]] | None = None  # customer rows, only with --with-tier-list
    changes: dict[str, Any] | None = None  # render --changes-since: the change log


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

    def person(pid: str | None, with_role: bool = True) -> str:
        p = team.get(pid or "")
        if p is None:
            return pid or ""
        if not with_role:
            return p.name or p.id or ""
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
        "segmentation": _segmentation(plan, locale),
        "tier_list": info.tier_list or [],
        "timetable": _timetable(plan, person, colors, locale, sep),
        "timetable_rows": len(plan.phases) + len(plan.tasks),
        "short_rows": SHORT_ROWS,
        "show_float": any(t.total_float is not None for t in plan.tasks),
        "gantt": _gantt(plan, colors, locale, info.plan_date),
        "budget": _budget(plan, fmt_money, locale),
        "evaluation": _evaluation(plan, L, locale),
        "campaign_review": (review(plan, locale, fmt_money) if "review" in info.sections else None),
        "changes": info.changes,
    }


def _segmentation(plan: Plan, locale: str) -> dict[str, Any] | None:
    """Where the tier counts come from: the data file's name, its as_of date, the unassigned."""
    seg = plan.segmentation
    if seg is None or not seg.read:
        return None
    return {
        "source": os.path.basename(seg.source or ""),
        "as_of": date(seg.as_of, locale) if seg.as_of else "",
        "unassigned": number(seg.unassigned) if seg.unassigned else "",
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
    roles = {p.id: p.role or "" for p in plan.team if p.id}
    fmt = _date_style(plan, locale)
    groups = []
    for phase, tasks in _by_phase(plan, locale):
        groups.append(
            {
                "name": phase.name or phase.id,
                "span": _span(phase.start, phase.end, locale),
                "deadline": date(phase.deadline, locale),
                "color": colors.get(phase.id),
                "tasks": [
                    _task_row(t, person, names, sep, fmt, labels(locale), plan.calendar, roles)
                    for t in tasks
                ],
            }
        )
    return groups


def _by_phase(plan: Plan, locale: str) -> list[tuple[Phase, list[Task]]]:
    """Each phase with its tasks; tasks without a phase first, under the campaign's period."""
    groups = [(p, [t for t in plan.tasks if t.phase == p.id]) for p in plan.phases]
    loose = [t for t in plan.tasks if t.phase is None]
    if loose:
        period = plan.period
        wide = Phase(name=labels(locale)["campaign_wide"], start=period.start, end=period.end)
        groups.insert(0, (wide, loose))
    return groups


def _date_style(plan: Plan, locale: str):
    """Dates for narrow columns: ``3月3日`` / ``3 Mar``, and the year on a line of its own
    (``2026年`` / ``2026``) when the plan crosses a year: a whole date is too wide."""
    start, end = plan.period.start, plan.period.end
    one_year = start is not None and end is not None and start.year == end.year

    def fmt(day: dt.date | None) -> dict[str, Any]:
        """``day`` and ``year`` for a column; ``parts``, the pieces a line may break between
        (``["2026年", "12月18日"]``, ``["18 Dec", "2026"]``, ``["12月18日"]``)."""
        if day is None:
            return {"day": "", "year": "", "parts": []}
        year = "" if one_year else (f"{day.year}年" if locale == "zh-CN" else str(day.year))
        short = short_date(day, locale)
        parts = [p for p in ((year, short) if locale == "zh-CN" else (short, year)) if p]
        return {"day": short, "year": year, "parts": parts}

    return fmt


def _working_days(task: Task, cal) -> int | str:
    """The task's working days: the schedule's figure, else counted on the plan's calendar."""
    if task.working_days is not None:
        return task.working_days
    periods = [(o.start, o.end) for o in task.occurrences] or [(task.start, task.end)]
    if any(a is None or b is None for a, b in periods):
        return ""
    return sum(
        cal.is_working_day(a + dt.timedelta(days=n))
        for a, b in periods
        for n in range((b - a).days + 1)  # type: ignore[operator]
    )


def _task_row(task: Task, person, names, sep: str, fmt, L, cal, roles) -> dict[str, Any]:
    occurrences = task.occurrences
    return {
        "id": task.id or "",
        "name": task.name or task.id or "",
        "owner": person(task.owner, with_role=False),
        "owner_role": roles.get(task.owner or "", ""),
        "start": fmt(task.start),
        "end": fmt(task.end),
        "missed": _missed(task),
        "days": task.days,
        "working_days": _working_days(task, cal),
        "float": "" if task.total_float is None else task.total_float,
        "critical": bool(task.critical),
        "milestone": task.milestone,
        "deadline": fmt(task.deadline)["parts"],
        "occurrences": L["occurrences"].format(n=len(occurrences)) if len(occurrences) > 1 else "",
        "deliverable": task.deliverable or "",
        "resources": sep.join(task.resources),
        "depends_on": [
            {"id": d.task or "", "name": names.get(d.task or "", d.task or ""), "kind": d.kind}
            for d in task.dependencies
        ]
        or [{"id": d, "name": names.get(d, d), "kind": ""} for d in task.depends_on],
    }


def _missed(task: Task) -> bool:
    """Whether the task ends (a milestone: falls) after its deadline."""
    end = task.end or (task.start if task.milestone else None)
    return task.deadline is not None and end is not None and end > task.deadline


#: The Gantt's task column (mm); the grid beside it is :data:`gantt.GRID_MM` wide.
GANTT_TASK_MM = 58
LEGEND = (
    "critical",
    "milestone",
    "deadline",
    "missed",
    "weekend",
    "holiday",
    "blackout",
    "asof",
    "recurring",
)
#: Background shades of the days without (customer-facing) work.
SHADES = {"weekend": "#eceff3", "holiday": "#f7dfc3", "blackout": "#e9d9ef"}
#: Task names are cut to one line of the task column (a CJK character is two columns).
GANTT_NAME_COLUMNS = 38


def _gantt(plan: Plan, colors, locale: str, today: dt.date) -> dict[str, Any]:
    """Gantt charts on one time scale: a row per phase and per task (occurrences on one row)."""
    starts = [d for d in [plan.period.start, *(t.start for t in plan.tasks)] if d]
    ends = [d for d in [plan.period.end, *(t.end for t in plan.tasks)] if d]
    for t in plan.tasks:
        starts += [o.start for o in t.occurrences]
        ends += [o.end for o in t.occurrences]
    if not starts or not ends:
        return {"kind": "day", "charts": [], "legend": dict.fromkeys(LEGEND, False)}
    first, last = min(starts), max(ends)
    cal = plan.calendar
    in_progress = plan.period.start and plan.period.end and first < today <= last
    legend = dict.fromkeys(LEGEND, False)
    charts = []
    for grid in gantt.grids(first, last):
        closed = []
        for a, b in gantt.closed_runs(grid, lambda d: not cal.is_working_day(d)):
            holiday = any(cal.holiday_name(a + dt.timedelta(n)) for n in range((b - a).days + 1))
            if grid.kind == "day" or holiday:
                x, w = grid.span(a, b)  # type: ignore[misc]
                kind = "holiday" if holiday else "weekend"
                closed.append({"x": x, "w": w, "kind": kind})
                legend[kind] = True
        for blackout in cal.blackouts:
            span = (
                grid.span(blackout.start, blackout.end) if blackout.start and blackout.end else None
            )
            if span:
                closed.append({"x": span[0], "w": span[1], "kind": "blackout"})
                legend["blackout"] = True
        asof = grid.x(today) if in_progress and grid.contains(today) else None
        legend["asof"] = legend["asof"] or asof is not None
        rows = []
        for phase, tasks in _by_phase(plan, locale):
            span = grid.span(phase.start, phase.end) if phase.start and phase.end else None
            rows.append(
                {
                    "phase": True,
                    "name": clip(phase.name or phase.id or "", GANTT_NAME_COLUMNS),
                    "full_name": phase.name or phase.id or "",
                    "color": colors.get(phase.id, PHASE_COLORS[0]),
                    "bars": [span] if span else [],
                    "milestones": [],
                    "critical": False,
                    "deadline": _deadline(grid, phase.deadline, legend),
                    "late": None,
                    "tasks": 0,
                }
            )
            head = rows[-1]
            for task in tasks:
                rows.append(_gantt_row(grid, task, head["color"], legend))
                head["tasks"] += 1
        charts.append(
            {
                "label": _span(max(first, grid.start), min(last, grid.end), locale),
                "width": grid.width,
                "units": grid.unit_labels(locale),
                "lines": [round(grid.x(u), 2) for u in grid.units[1:]],
                "bands": grid.band_labels(locale)[0],
                "dividers": grid.band_labels(locale)[1],
                "closed": [dict(c, fill=SHADES[c["kind"]]) for c in closed],
                "asof": asof,
                "pages": _pages(rows),
            }
        )
    return {
        "kind": charts and gantt.grids(first, last)[0].kind,
        "charts": charts,
        "legend": legend,
        "task_mm": GANTT_TASK_MM,
        "grid_mm": gantt.GRID_MM,
        "width_mm": GANTT_TASK_MM + gantt.GRID_MM,
        "head_mm": HEAD_MM,
        "row_mm": ROW_MM,
        "asof_text": labels(locale)["as_of"].format(date=date(today, locale)),
    }


def _pages(rows: list[dict]) -> list[dict]:
    """The chart's rows in as few pages of at most ``PAGE_ROWS`` as hold them, balanced
    (34 rows: 17 and 17, never 33 and 1), each row with its top (mm)."""
    pages = []
    for part in balanced(rows, PAGE_ROWS):
        for n, row in enumerate(part):
            row["y"] = round(HEAD_MM + n * ROW_MM, 2)
        pages.append({"rows": part, "height": round(HEAD_MM + len(part) * ROW_MM, 2)})
    return pages


def balanced(items: list, most: int) -> list[list]:
    """``items`` in the fewest runs of at most ``most``, their lengths differing by one at
    most (longer runs first)."""
    count = -(-len(items) // most)
    if count <= 1:
        return [items] if items else []
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for n in range(count):
        end = start + size + (n < extra)
        runs.append(items[start:end])
        start = end
    return runs


def _deadline(grid: gantt.Grid, day: dt.date | None, legend: dict[str, bool]) -> float | None:
    if day is None or not grid.contains(day):
        return None
    legend["deadline"] = True
    return grid.x(day + dt.timedelta(days=1))


def _gantt_row(grid: gantt.Grid, task: Task, color: str, legend: dict[str, bool]) -> dict:
    end = task.end or (task.start if task.milestone else None)  # a milestone has one date
    periods = [(o.start, o.end) for o in task.occurrences] or [(task.start, end)]
    bars, milestones = [], []
    for start, end in periods:
        if start is None or end is None:
            continue
        span = grid.span(start, end)
        if span is None:
            continue
        if task.milestone:
            x, w = span
            milestones.append(round(x + min(w, grid.column) / 2, 3))
        else:
            bars.append((span[0], max(span[1], 0.6)))
    legend["milestone"] = legend["milestone"] or bool(milestones)
    legend["critical"] = legend["critical"] or bool(task.critical)
    legend["recurring"] = legend["recurring"] or len(task.occurrences) > 1
    return {
        "phase": False,
        "name": clip(task.name or task.id or "", GANTT_NAME_COLUMNS),
        "full_name": task.name or task.id or "",
        "id": task.id or "",
        "color": color,
        "bars": bars,
        "milestones": milestones,
        "critical": bool(task.critical),
        "deadline": _deadline(grid, task.deadline, legend),
        "late": _late(grid, task, legend),
    }


def _late(grid: gantt.Grid, task: Task, legend: dict[str, bool]) -> tuple[float, float] | None:
    """``(x, width)`` of the days a task runs past its deadline, marked on its bar."""
    if not _missed(task):
        return None
    end = task.end or task.start
    span = grid.span(task.deadline + dt.timedelta(days=1), end)  # type: ignore[operator,arg-type]
    legend["missed"] = legend["missed"] or span is not None
    return span


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
                            f"{quantity_text(line.quantity, line.unit, locale)}"
                            f" × {fmt(line.unit_price)}"
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
        "rows": sum(2 + len(g["lines"]) for g in groups) + 1,  # category, lines, subtotal; total
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
    kpi_rows, kpi_height = charts.kpi_chart(plan.kpis)
    return {
        "rows": [
            {
                "dimension": k.dimension or "",
                "name": k.name or k.id or "",
                "unit": k.unit or "",
                "target": target_text(k.target),
                "actual": kpi_value_text(k),
                "formula": k.formula or "",
                "status_key": k.status or "pending",
                "status": L.get(f"kpi.{k.status or 'pending'}", ""),
                "analysis": k.analysis or "",
                "lift": lift_sentence(k, locale),
                "pending": k.status in (None, "pending"),
            }
            for k in plan.kpis
        ],
        "chart": kpi_rows,
        "chart_height": kpi_height,
        "monitoring": [
            {
                "kpi": kpi_names.get(m.kpi or "", m.kpi or ""),
                "when": str(m.when) if m.when else "",
                "respond_within": duration_text(m.respond_within, locale),
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
