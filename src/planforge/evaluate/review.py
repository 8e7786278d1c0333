"""The 复盘 report's figures (``render --review``): every text already in the plan's language.

* KPI results, with a lift chart for the compared ones (the lift as a point, its 95% CI
  as a bar, against zero);
* participation and outcome rates per tier, lowest first and flagged;
* spend against budget, cost per participant, incremental revenue per yuan spent;
* the monitoring rules as of the evaluation's day, and their history: each rule at
  every checkpoint of the campaign (:mod:`planforge.evaluate.history`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from planforge.evaluate import history, report
from planforge.messages import Message, msg
from planforge.model import KPI, Plan
from planforge.money import CURRENCIES, round_money

#: The lift chart: where the plot starts, its width, one row's height (SVG units).
PLOT_X, PLOT_W, ROW_H = 200, 270, 34


def review(
    plan: Plan, locale: str, money: Callable[[Decimal | None], str]
) -> dict[str, Any] | None:
    """The review's context, or None when the plan was not evaluated from data."""
    ev = plan.evaluation
    if ev is None:
        return None
    from planforge.present.labels import labels

    words = labels(locale)
    say = lambda m: m.localize(locale)  # noqa: E731
    data = report.to_json(plan)
    kpis = [_kpi(k, data["kpis"].get(k.id or "", {}), words, locale) for k in plan.kpis]
    chart = [_bar(k, i) for i, k in enumerate(k for k in plan.kpis if k.lift is not None)]
    return {
        "title": say(msg("Campaign review")),
        "as_of": say(
            msg(
                "From the data up to {as_of}: {treated} customers treated, {holdout} held out.",
                as_of=ev.as_of,
                treated=f"{ev.treated:,}",
                holdout=f"{ev.holdout:,}",
            )
        ),
        "h_kpis": say(msg("KPI results")),
        "h_lift": say(msg("Lift against the holdout (point: lift; bar: 95% CI; line: zero)")),
        "h_tiers": say(msg("Per tier (treated customers)")),
        "h_money": say(msg("Spend and return")),
        "h_monitoring": say(msg("Monitoring")),
        "col_kpi": words["kpi"],
        "col_actual": words["kpi_actual"],
        "col_target": words["target"],
        "col_status": words["status"],
        "col_lift": say(msg("Lift (95% CI)")),
        "col_tier": say(msg("Tier")),
        "col_customers": say(msg("Customers")),
        "lowest": say(msg("lowest")),
        "triggered": words["triggered"],
        "not_triggered": say(msg("not triggered")),
        "kpis": kpis,
        "chart": chart,
        "chart_height": max(len(chart), 1) * ROW_H + 10,
        "tiers": _tiers(plan, data["tiers"]),
        "money": _money(plan, money, locale),
        "monitoring": [
            {
                "kpi": next((k.name for k in plan.kpis if k.id == row["kpi"]), None) or row["kpi"],
                "when": row["when"] or "",
                "value": report.figure(row["value"], True),
                "triggered": row["triggered"],
                "respond_by": row["respond_by"] or "",
                "action": mon.action or "",
            }
            for mon, row in zip(plan.monitoring, data["monitoring"], strict=True)
        ],
        "h_history": say(msg("Monitoring history")),
        "history_note": say(
            msg(
                "Each rule at the period's start and every week after it, up to the period's"
                " end or {as_of}: the figure as planforge evaluate --as-of gives it for that day.",
                as_of=ev.as_of,
            )
        ),
        "col_date": say(msg("Checkpoint")),
        "col_value": say(msg("Value")),
        "col_respond_by": say(msg("Respond by")),
        "history": _history(plan, locale),
    }


def _history(plan: Plan, locale: str) -> list[dict[str, Any]]:
    """Per monitoring rule: its heading, a one-line summary and one row per checkpoint."""
    out = []
    for mon, mine in zip(plan.monitoring, history.by_rule(plan), strict=False):
        if not mine:
            continue
        name = next((k.name for k in plan.kpis if k.id == mon.kpi), None) or mon.kpi or ""
        out.append(
            {
                "rule": f"{name} {_when(mon)}",
                "summary": _summary(mine).localize(locale),
                "rows": [
                    {
                        "date": r["date"],
                        "value": report.figure(r["value"], bool(mon.when and mon.when.percent)),
                        "triggered": r["triggered"],
                        "respond_by": (r["respond_by"] or "") if r["triggered"] else "",
                    }
                    for r in mine
                ],
            }
        )
    return out


def _when(mon: Any) -> str:
    return str(mon.when) if mon.when else ""


def _summary(rows: list[dict[str, Any]]) -> Message:
    """When the rule first triggered, and the first checkpoint after that it no longer was."""
    first = next((r for r in rows if r["triggered"]), None)
    if first is None:
        return msg("Never triggered at a checkpoint.")
    later = rows[rows.index(first) :]
    cleared = next((r for r in later if not r["triggered"]), None)
    if cleared is None:
        return msg(
            "First triggered on {date} (respond by {respond_by}); still triggered at the last"
            " checkpoint.",
            date=first["date"],
            respond_by=first["respond_by"] or "—",
        )
    return msg(
        "First triggered on {date} (respond by {respond_by}); no longer triggered from {cleared}.",
        date=first["date"],
        respond_by=first["respond_by"] or "—",
        cleared=cleared["date"],
    )


def _kpi(kpi: KPI, row: dict[str, Any], words: dict[str, str], locale: str) -> dict[str, Any]:
    percent = bool(kpi.value.percent) if kpi.value else bool(kpi.target and kpi.target.percent)
    return {
        "name": kpi.name or kpi.id or "",
        "actual": report.figure(row.get("actual"), percent) + (f" {kpi.unit}" if kpi.unit else ""),
        "target": str(kpi.target) if kpi.target else "",
        "status_key": kpi.status or "pending",
        "status": words.get(f"kpi.{kpi.status or 'pending'}", ""),
        "lift": report.lift_sentence(kpi, locale),
    }


def _bar(kpi: KPI, i: int) -> dict[str, Any]:
    """One row of the lift chart: the lift and its CI on a scale centred on zero."""
    lift = kpi.lift
    assert lift is not None
    points = [float(v) for v in (lift.ci_low, lift.ci_high, lift.difference) if v is not None]
    span = max((abs(v) for v in points), default=0.0) * 1.15 or 1.0

    def x(v: Decimal | None) -> float | None:
        return None if v is None else round(PLOT_X + PLOT_W / 2 + float(v) / span * PLOT_W / 2, 1)

    proportion = lift.kind == "proportion"
    text = (lambda v: f"{float(v) * 100:+.1f}pp") if proportion else (lambda v: f"{float(v):+,.1f}")
    return {
        "y": i * ROW_H,
        "label": kpi.name or kpi.id or "",
        "zero": PLOT_X + PLOT_W / 2,
        "low": x(lift.ci_low),
        "high": x(lift.ci_high),
        "point": x(lift.difference),
        "value": text(lift.difference) + report.lift_unit(kpi),
        "range": (
            f"[{text(lift.ci_low)}, {text(lift.ci_high)}]"
            if lift.ci_low is not None and lift.ci_high is not None
            else ""
        ),
        "significant": lift.significant,
    }


def _tiers(plan: Plan, rows: list[dict[str, Any]]) -> dict[str, Any]:
    measures = [k for k in (rows[0] if rows else {}) if isinstance(rows[0][k], dict)]
    return {
        "measures": [report.measure_label(plan, m) for m in measures],
        "rows": [
            {
                "name": r["name"] or r["tier"],
                "customers": f"{r['customers']:,}",
                "cells": [
                    f"{r[m]['customers']:,} ({report.figure(r[m]['rate'], True)})" for m in measures
                ],
                "lowest": bool(r.get("lowest")),
            }
            for r in rows
        ],
    }


def _money(plan: Plan, money: Callable[[Decimal | None], str], locale: str) -> list[list[str]]:
    """Spend against budget, cost per participant, incremental revenue per yuan spent."""
    say = lambda m: m.localize(locale)  # noqa: E731
    ev = plan.evaluation
    assert ev is not None
    budget = plan.budget
    cur = plan.currency if plan.currency in CURRENCIES else "CNY"
    spent = budget.actual_total if budget.actual_total is not None else budget.total
    rows = [
        [say(msg("Budget cap")), money(budget.cap)],
        [
            say(msg("Spent") if budget.actual_total is not None else msg("Planned spend")),
            money(spent),
        ],
    ]
    participants = ev.measures.get("participants", {}).get("treated")
    if spent and participants:
        rows.append(
            [say(msg("Cost per participant")), money(round_money(spent / participants, cur))]
        )
    for kpi in plan.kpis:
        lift = kpi.lift
        if lift is None or lift.kind != "mean" or not spent:
            continue
        extra = round_money(lift.difference * ev.treated, cur)
        rows.append([say(msg("Incremental {kpi}", kpi=kpi.name or kpi.id or "")), money(extra)])
        rows.append(
            [
                say(msg("Incremental {kpi} per unit spent", kpi=kpi.name or kpi.id or "")),
                f"{extra / spent:,.2f}",
            ]
        )
    return rows
