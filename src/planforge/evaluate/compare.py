"""Treated against holdout: which KPIs can be compared, and their lift once evaluated.

The comparison is intent-to-treat: a KPI with ``compare: holdout`` divides a data
measure (customers with an outcome, or an amount) by ``customers``, so the same
formula means the same thing over the holdout group, who were never invited.
"""

from __future__ import annotations

from typing import Any

from planforge.evaluate.plan import HOLDOUT, problem
from planforge.formula import BinOp, Name
from planforge.messages import msg
from planforge.model import KPI, MeasureSpec, Plan


def compared_measure(kpi: KPI, plan: Plan) -> MeasureSpec | None:
    """The data measure of a ``measure / customers`` formula (a count or a sum), else None."""
    node = kpi.formula_expr
    if not (isinstance(node, BinOp) and node.op == "/"):
        return None
    top, bottom = node.left, node.right
    if not (isinstance(top, Name) and isinstance(bottom, Name) and bottom.name == "customers"):
        return None
    spec = plan.measure_specs.get(top.name)
    return spec if spec is not None and spec.kind in ("customers", "sum") else None


def check_comparisons(plan: Plan) -> None:
    """PF606 (no holdout to compare with) and PF607 (a formula with no holdout counterpart)."""
    seg = plan.segmentation
    refused = any(p.code == "PF516" for p in plan.evaluation_problems)
    for kpi in plan.kpis:
        if kpi.compare != HOLDOUT:
            continue
        if (seg is None or seg.holdout is None) and not refused:
            problem(
                plan,
                "PF606",
                (*kpi.path, "compare"),
                msg(
                    "KPI `{kpi}` compares with the holdout, but the plan holds no customers out:"
                    " add `holdout: 10%` under `segmentation`, or remove `compare`",
                    kpi=kpi.id or "?",
                ),
            )
        if kpi.formula_expr is not None and compared_measure(kpi, plan) is None:
            problem(
                plan,
                "PF607",
                (*kpi.path, "formula"),
                msg(
                    "`{formula}` has no holdout counterpart: held-out customers are never"
                    " invited, so a rate per participant cannot be computed for them."
                    " Compare over everyone: divide a measure from `outcomes` by `customers`"
                    " (e.g. `repurchasers / customers`), or remove `compare`",
                    formula=kpi.formula or "",
                ),
            )


def lifts(plan: Plan) -> None:
    """Each compared KPI's lift, from the evaluation's per-group figures."""
    ev = plan.evaluation
    if ev is None or ev.holdout == 0 or ev.treated == 0:
        return
    from planforge.evaluate import stats

    for kpi in plan.kpis:
        spec = compared_measure(kpi, plan) if kpi.compare == HOLDOUT else None
        if spec is None or spec.name not in ev.measures:
            continue
        values = ev.measures[spec.name]
        treated, held = values["treated"], values["holdout"]
        if treated is None or held is None:
            continue  # pending: its window has not begun
        if spec.kind == "customers":
            kpi.lift = stats.proportion_lift(int(treated), ev.treated, int(held), ev.holdout)
        else:
            per = ev.per_customer[spec.name]
            kpi.lift = stats.mean_lift(
                _padded(per["treated"], ev.treated), _padded(per["holdout"], ev.holdout)
            )


def _padded(values: Any, customers: int) -> Any:
    """One amount per customer of the group: those with rows, then zeros for the rest."""
    import numpy as np

    return np.concatenate([values.astype(float), np.zeros(max(customers - len(values), 0))])
