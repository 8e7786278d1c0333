"""The plan's tables (timetable, budget, evaluation, tiers) as typed rows, for CSV and XLSX.

Cells keep their types (``Decimal``, ``date``, ``int``, ``bool``, ``Quantity``,
``str``, ``None``); each writer formats them its own way. Headers come from the
renderer's labels in the plan's locale, so the printed plan, the spreadsheet and
the CSV files name a column the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from planforge.evaluate.plan import treated
from planforge.model import Plan, Task
from planforge.present.formatting import target_text
from planforge.present.labels import LABELS
from planforge.quantities import Quantity

Cell = str | Decimal | dt.date | int | bool | Quantity | None

#: Column headers the printed plan does not need; the rest come from render's labels.
EXTRA_LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "id": "编号",
        "occurrence": "次序",
        "working_days": "工作日",
        "total_float": "总时差(工作日)",
        "free_float": "自由时差(工作日)",
        "critical": "关键任务",
        "milestone": "里程碑",
        "deadline": "截止日期",
        "unit": "单位",
        "formula": "公式",
    },
    "en": {
        "id": "ID",
        "occurrence": "Occurrence",
        "working_days": "Working days",
        "total_float": "Total float (wd)",
        "free_float": "Free float (wd)",
        "critical": "Critical",
        "milestone": "Milestone",
        "deadline": "Deadline",
        "unit": "Unit",
        "formula": "Formula",
    },
}

#: The CSV file of the tiers is `<id>-tier-needs.csv`: `<id>-tiers.csv` is the customer
#: list `planforge segment` writes, often into the same folder.
TABLES = ("timetable", "budget", "evaluation", "tier-needs")

_NEWLINES = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` for a calendar or a spreadsheet cell: line breaks as ``\\n``, tabs kept,
    other control characters as spaces (RFC 5545 forbids them; XLSX can only store them
    as ``_x001F_`` escapes, which not every reader decodes). CSV keeps the text exactly."""
    return _CONTROLS.sub(" ", _NEWLINES.sub("\n", text))


def labels(locale: str) -> dict[str, str]:
    """Render's labels for ``locale`` plus the export-only ones."""
    return {**LABELS[locale], **EXTRA_LABELS[locale]}


def locale_of(plan: Plan) -> str:
    """The plan's locale, ``zh-CN`` when it names none (as in rendering)."""
    return plan.locale if plan.locale in LABELS else "zh-CN"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | date | int | bool | money | number | quantity


@dataclass
class Table:
    """One table: its name (``timetable``...), title, columns and rows."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)


def build(plan: Plan) -> list[Table]:
    """Every table of ``plan``, in :data:`TABLES` order."""
    return [timetable(plan), budget(plan), evaluation(plan), tiers(plan)]


def _columns(L: dict[str, str], spec: str) -> list[Column]:
    """``"id name:task start:date"`` -> columns (``key[=label key][:kind]``)."""
    out = []
    for item in spec.split():
        key, _, kind = item.partition(":")
        key, _, label = key.partition("=")
        out.append(Column(key, L[label or key], kind or "text"))
    return out


def person_name(plan: Plan, pid: str | None) -> str:
    """A team member's name (the id when the team does not list it)."""
    for p in plan.team:
        if p.id == pid and p.name:
            return p.name
    return pid or ""


def predecessors(task: Task) -> str:
    """``segment, invite SS+2wd``: the predecessors with any non-default type or lag."""
    if not task.dependencies:
        return ", ".join(task.depends_on)
    return ", ".join(f"{d.task} {d.kind}" if d.kind else f"{d.task}" for d in task.dependencies)


TIMETABLE = (
    "id name=task occurrence:int phase owner start:date end:date working_days:int "
    "total_float:int free_float:int critical:bool milestone:bool deadline:date "
    "depends_on deliverable"
)


def timetable(plan: Plan) -> Table:
    """A row per task and, after a recurring task, a row per occurrence (numbered from 1)."""
    L = labels(locale_of(plan))
    phases = {p.id: p.name or p.id for p in plan.phases}
    table = Table("timetable", L["timetable"], _columns(L, TIMETABLE))
    for t in plan.tasks:
        occurrences: list[tuple[int | None, dt.date | None, dt.date | None]] = [
            (None, t.start, t.end)
        ]
        occurrences += [(i, o.start, o.end) for i, o in enumerate(t.occurrences, 1)]
        for number, start, end in occurrences:
            table.rows.append(
                [
                    t.id,
                    t.name or t.id,
                    number,
                    phases.get(t.phase, t.phase),
                    person_name(plan, t.owner),
                    start,
                    end,
                    t.working_days if number is None else None,
                    t.total_float,
                    t.free_float,
                    t.critical,
                    t.milestone,
                    t.deadline,
                    predecessors(t),
                    t.deliverable,
                ]
            )
    return table


BUDGET = (
    "category item quantity:number unit unit_price:money amount:money actual:money "
    "variance:money note"
)


def budget_lines(plan: Plan) -> list:
    """The budget lines grouped by category, in the order the categories first appear."""
    order = [c.category for c in plan.budget.categories]
    rest = [line for line in plan.budget.lines if line.category not in order]
    return [line for c in order for line in plan.budget.lines if line.category == c] + rest


def budget(plan: Plan) -> Table:
    """A row per budget line (totals are in the JSON and computed by the XLSX formulas)."""
    L = labels(locale_of(plan))
    table = Table("budget", L["budget"], _columns(L, BUDGET))
    for line in budget_lines(plan):
        table.rows.append(
            [
                line.category,
                line.item,
                line.quantity,
                line.unit,
                line.unit_price,
                line.amount,
                line.actual,
                line.variance,
                line.note,
            ]
        )
    return table


EVALUATION = "id dimension name=kpi unit target actual=kpi_actual:quantity formula status analysis"


def evaluation(plan: Plan) -> Table:
    """A row per KPI: target, actual (measured or from the formula), status."""
    L = labels(locale_of(plan))
    table = Table("evaluation", L["evaluation"], _columns(L, EVALUATION))
    for k in plan.kpis:
        status = k.status or "pending"
        table.rows.append(
            [
                k.id,
                k.dimension,
                k.name or k.id,
                k.unit,
                target_text(k.target),
                k.value,
                k.formula,
                L.get(f"kpi.{status}", status),
                k.analysis,
            ]
        )
    return table


TIERS = "id name=tier share:quantity customers=tier_customers:int criteria needs strategy"


def tiers(plan: Plan) -> Table:
    """A row per customer tier."""
    locale = locale_of(plan)
    L = labels(locale)
    sep = "、" if locale == "zh-CN" else ", "
    held = plan.segmentation is not None and plan.segmentation.holdout is not None
    spec = TIERS.replace(" criteria", " treated=tier_treated:int criteria") if held else TIERS
    table = Table("tier-needs", L["tiers"], _columns(L, spec))
    for t in plan.tiers:
        row = [t.id, t.name or t.id, t.share, t.customers]
        if held:  # those who are touched: what per-customer budget lines count
            row.append(treated(t, plan))
        table.rows.append([*row, t.criteria, sep.join(t.needs), t.strategy])
    return table
