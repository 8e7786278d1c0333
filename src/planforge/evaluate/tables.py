"""The evaluation from data as a table (the XLSX workbook's evaluation sheet): per KPI
its actual over the treated group, and its lift against the holdout with the 95% CI."""

from __future__ import annotations

from decimal import Decimal

from planforge.export.tables import Column, Table, locale_of
from planforge.messages import msg
from planforge.model import Plan
from planforge.present.formatting import target_text
from planforge.present.labels import labels
from planforge.quantities import Quantity


def _q(value: Decimal | None, percent: bool) -> Quantity | Decimal | None:
    """A fraction as a percentage cell (0.058 -> 5.8%), an amount as a number."""
    if value is None:
        return None
    return Quantity((value * 100).normalize(), True) if percent else value


def lift_table(plan: Plan) -> Table | None:
    """A row per KPI with its figures from the data; None when the plan was not evaluated."""
    ev = plan.evaluation
    if ev is None:
        return None
    lang = locale_of(plan)
    say = lambda m: m.localize(lang)  # noqa: E731
    columns = [
        Column("kpi", say(msg("KPI"))),
        Column("target", say(msg("Target"))),
        Column("actual", say(msg("Actual (treated)")), "quantity"),
        Column("status", say(msg("Status"))),
        Column("holdout", say(msg("Holdout")), "quantity"),
        Column("lift", say(msg("Lift")), "quantity"),
        Column("ci_low", say(msg("95% CI from")), "quantity"),
        Column("ci_high", say(msg("95% CI to")), "quantity"),
        Column("p_value", say(msg("p-value")), "number"),
        Column("significant", say(msg("Significant")), "bool"),
    ]
    title = say(msg("Evaluation from data ({as_of})", as_of=ev.as_of))
    table = Table("evaluation-data", title, columns)
    for k in plan.kpis:
        lift = k.lift
        pct = lift is not None and lift.kind == "proportion"
        table.rows.append(
            [
                k.name or k.id,
                target_text(k.target),
                k.value,
                labels(lang).get(f"kpi.{k.status or 'pending'}", k.status),
                _q(lift.holdout, pct) if lift else None,
                _q(lift.difference, pct) if lift else None,
                _q(lift.ci_low, pct) if lift else None,
                _q(lift.ci_high, pct) if lift else None,
                Decimal(repr(lift.p_value)).quantize(Decimal("0.000001"))
                if lift and lift.p_value is not None
                else None,
                lift.significant if lift else None,
            ]
        )
    return table
