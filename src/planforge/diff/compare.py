"""Compare two resolved plans: budget, tasks, phases and period, KPIs, tiers, scope, status.

Items are matched by ``id``; budget lines by their optional ``id``, else by
category and item. Values compared are the resolved ones (computed amounts,
totals, day counts), so a change of quantity shows as the amount it makes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planforge.model import BudgetLine, Plan
from planforge.quantities import Target
from planforge.schedule.calendar import WorkCalendar

#: What ``--fail-on`` can gate on.
GATES = ("budget-increase", "over-cap", "date-slip", "target-lowered", "scope-change")


@dataclass
class Change:
    """One change. ``fields`` maps a field to its (old, new) resolved values."""

    area: str  # plan, period, phases, tasks, budget, kpis, tiers, scope
    kind: str  # added, removed, changed, moved, reassigned, raised, lowered
    key: str  # the id, or "category / item" for a budget line without one
    name: str | None = None
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    #: Date fields that moved: field -> (calendar days, working days), later is positive.
    shifts: dict[str, tuple[int, int]] = field(default_factory=dict)
    easier: bool | None = None  # KPI targets: easier to meet than before
    gates: tuple[str, ...] = ()


@dataclass
class BudgetSummary:
    """The total against the cap, before and after."""

    old_total: Decimal | None
    new_total: Decimal | None
    old_cap: Decimal | None
    new_cap: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.old_total is None or self.new_total is None:
            return None
        return self.new_total - self.old_total

    @property
    def cap_raised(self) -> bool:
        """The cap grew or was removed: more may be spent than was approved."""
        return self.old_cap is not None and (self.new_cap is None or self.new_cap > self.old_cap)

    @property
    def remaining(self) -> Decimal | None:
        if self.new_cap is None or self.new_total is None:
            return None
        return self.new_cap - self.new_total

    @property
    def over_cap(self) -> bool:
        return self.remaining is not None and self.remaining < 0


@dataclass
class Diff:
    """Everything that changed from ``old`` to ``new``."""

    old: Plan
    new: Plan
    changes: list[Change]
    budget: BudgetSummary

    @property
    def gates(self) -> tuple[str, ...]:
        """The ``--fail-on`` gates this diff trips, in :data:`GATES` order."""
        tripped = {g for c in self.changes for g in c.gates}
        grew = self.budget.delta is not None and self.budget.delta > 0
        if grew or self.budget.cap_raised:  # more is spent, or may be, than was approved
            tripped.add("budget-increase")
        if self.budget.over_cap:
            tripped.add("over-cap")
        return tuple(g for g in GATES if g in tripped)


def working_days_between(a: dt.date, b: dt.date, calendar: WorkCalendar) -> int:
    """Working days from ``a`` to ``b``: counted in (a, b], negative when ``b`` is earlier."""
    if a == b:
        return 0
    lo, hi, sign = (a, b, 1) if a < b else (b, a, -1)
    count, day = 0, lo
    while day < hi:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return sign * count


def _fields(old: Any, new: Any, names: Iterable[str]) -> dict[str, tuple[Any, Any]]:
    return {
        n: (getattr(old, n), getattr(new, n)) for n in names if getattr(old, n) != getattr(new, n)
    }


def _matched(
    old: list[Any], new: list[Any], key: Callable[[Any], str | None]
) -> Iterator[tuple[str, Any | None, Any | None]]:
    """(key, old item, new item) for every key on either side, in the new plan's order."""
    before = {}
    for item in old:
        k = key(item)
        if k is not None:
            before.setdefault(k, item)
    seen: set[str] = set()
    for item in new:
        k = key(item)
        if k is None or k in seen:
            continue
        seen.add(k)
        yield k, before.get(k), item
    for k, item in before.items():
        if k not in seen:
            yield k, item, None


def _shifts(
    fields: dict[str, tuple[Any, Any]], calendar: WorkCalendar
) -> dict[str, tuple[int, int]]:
    out = {}
    for name in ("start", "end"):
        if name in fields:
            a, b = fields[name]
            if isinstance(a, dt.date) and isinstance(b, dt.date):
                out[name] = ((b - a).days, working_days_between(a, b, calendar))
    return out


def _slipped(shifts: dict[str, tuple[int, int]]) -> tuple[str, ...]:
    return ("date-slip",) if shifts.get("end", (0, 0))[0] > 0 else ()


def _presence(
    area: str, key: str, a: Any, b: Any, shown: tuple[str, ...], gates: tuple[str, ...]
) -> Change:
    """The change for an item on one side only, with the ``shown`` fields of that side."""
    item = b if a is None else a
    fields = {n: (getattr(a, n, None), getattr(b, n, None)) for n in shown}
    name = getattr(item, "name", None) or getattr(item, "item", None)
    return Change(area, "added" if a is None else "removed", key, name, fields, gates=gates)


def _plan_changes(old: Plan, new: Plan) -> Iterator[Change]:
    changed = _fields(old, new, ("status", "version", "title", "currency", "owner"))
    if changed:
        yield Change("plan", "changed", new.id or old.id or "", new.title, changed)
    period = _fields(old.period, new.period, ("start", "end"))
    if period:
        shifts = _shifts(period, new.calendar)
        yield Change("period", "changed", "period", None, period, shifts, gates=_slipped(shifts))
    scope = _fields(old.scope, new.scope, ("segment", "customers", "departments"))
    if scope:
        yield Change("scope", "changed", "scope", None, scope, gates=("scope-change",))
    objective = _fields(old.objective, new.objective, ("statement", "kpi"))
    if objective:
        yield Change("scope", "changed", "objective", None, objective, gates=("scope-change",))


def _phases(old: Plan, new: Plan) -> Iterator[Change]:
    for key, a, b in _matched(old.phases, new.phases, lambda p: p.id):
        if a is None or b is None:
            yield _presence("phases", key, a, b, ("start", "end"), ("scope-change",))
            continue
        changed = _fields(a, b, ("name", "start", "end"))
        if changed:
            shifts = _shifts(changed, new.calendar)
            kind = "moved" if shifts else "changed"
            yield Change("phases", kind, key, b.name, changed, shifts, gates=_slipped(shifts))


def _tasks(old: Plan, new: Plan) -> Iterator[Change]:
    for key, a, b in _matched(old.tasks, new.tasks, lambda t: t.id):
        if a is None or b is None:
            yield _presence("tasks", key, a, b, ("start", "end"), ("scope-change",))
            continue
        dates = _fields(a, b, ("start", "end"))
        if dates:
            shifts = _shifts(dates, new.calendar)
            yield Change("tasks", "moved", key, b.name, dates, shifts, gates=_slipped(shifts))
        owner = _fields(a, b, ("owner",))
        if owner:
            yield Change("tasks", "reassigned", key, b.name, owner)
        other = _fields(a, b, ("name", "phase", "depends_on", "deliverable", "milestone"))
        if other:
            yield Change("tasks", "changed", key, b.name, other)


def _line_keys(old: list[BudgetLine], new: list[BudgetLine]) -> Callable[[BudgetLine], str | None]:
    """How budget lines are matched: by ``id`` when both sides have it, else category / item."""
    both = {x.id for x in old if x.id} & {x.id for x in new if x.id}

    def key(line: BudgetLine) -> str | None:
        if line.id in both:
            return line.id
        if line.category is None and line.item is None:
            return None
        return f"{line.category or ''} / {line.item or ''}"

    return key


def _budget(old: Plan, new: Plan) -> Iterator[Change]:
    key_of = _line_keys(old.budget.lines, new.budget.lines)
    for key, a, b in _matched(old.budget.lines, new.budget.lines, key_of):
        if a is None or b is None:
            yield _presence("budget", key, a, b, ("amount",), ())
            continue
        changed = _fields(a, b, ("category", "item", "quantity", "unit_price", "amount", "actual"))
        if changed:
            yield Change("budget", "changed", key, b.item, changed)
    cap = _fields(old.budget, new.budget, ("cap",))
    if cap:
        yield Change("budget", "changed", "cap", None, cap)


def _target_direction(a: Target, b: Target) -> tuple[str, bool | None]:
    """("raised" | "lowered" | "changed", easier to meet?) for a KPI target change."""
    if a.percent != b.percent:
        return "changed", None
    families = {">=": "min", ">": "min", "<=": "max", "<": "max"}
    fa, fb = families.get(a.op), families.get(b.op)
    if fa is None or fa != fb:
        if a.op == b.op == "range" and a.high is not None and b.high is not None:
            wider = b.value.value <= a.value.value and b.high.value >= a.high.value
            narrower = b.value.value >= a.value.value and b.high.value <= a.high.value
            if wider or narrower:
                return ("widened" if wider else "narrowed"), wider
        return "changed", None
    if a.value.value == b.value.value:  # `>` became `>=` or the reverse
        looser = b.op in (">=", "<=")
        return "changed", looser
    raised = b.value.value > a.value.value
    return ("raised" if raised else "lowered"), raised == (fa == "max")


def _kpis(old: Plan, new: Plan) -> Iterator[Change]:
    for key, a, b in _matched(old.kpis, new.kpis, lambda k: k.id):
        if a is None or b is None:
            yield _presence("kpis", key, a, b, ("target",), ("scope-change",))
            continue
        if a.target != b.target and a.target is not None and b.target is not None:
            kind, easier = _target_direction(a.target, b.target)
            gates = ("target-lowered",) if easier else ()
            yield Change(
                "kpis",
                kind,
                key,
                b.name,
                {"target": (a.target, b.target)},
                easier=easier,
                gates=gates,
            )
        other = _fields(a, b, ("name", "formula", "value", "status"))
        if other:
            yield Change("kpis", "changed", key, b.name, other)


def _tiers(old: Plan, new: Plan) -> Iterator[Change]:
    for key, a, b in _matched(old.tiers, new.tiers, lambda t: t.id):
        if a is None or b is None:
            yield _presence("tiers", key, a, b, ("share",), ("scope-change",))
            continue
        changed = _fields(a, b, ("name", "rule", "share", "customers", "criteria", "strategy"))
        if changed:
            yield Change("tiers", "changed", key, b.name, changed)


def compare(old: Plan, new: Plan) -> Diff:
    """The changes from ``old`` to ``new``, in a fixed order: plan, period, phases, tasks,
    budget, KPIs, tiers."""
    changes = [
        *_plan_changes(old, new),
        *_phases(old, new),
        *_tasks(old, new),
        *_budget(old, new),
        *_kpis(old, new),
        *_tiers(old, new),
    ]
    summary = BudgetSummary(old.budget.total, new.budget.total, old.budget.cap, new.budget.cap)
    return Diff(old, new, changes, summary)
