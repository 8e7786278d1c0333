"""The monitoring history for the 复盘 report: each monitoring rule at checkpoints.

The checkpoints are the period's start and every week after it, up to the period's
end or ``as_of``, whichever comes first, and that last day itself. A campaign longer
than :data:`MAX_CHECKPOINTS` weeks is sampled every two (or more) weeks instead, so the
table stays one page. At each checkpoint the plan is evaluated again from its data,
exactly as ``planforge evaluate --as-of CHECKPOINT`` does (the plan's
:attr:`~planforge.model.Evaluation.replay`), and its monitoring rows are taken as they
are: the history agrees with those runs by construction.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from planforge.evaluate import report
from planforge.model import Plan

#: At most this many weekly steps; longer campaigns take longer steps.
MAX_CHECKPOINTS = 16


def checkpoints(plan: Plan) -> list[dt.date]:
    """The days the history evaluates the plan on (none before the period starts)."""
    ev = plan.evaluation
    start, end = plan.period.start, plan.period.end
    if ev is None or start is None or end is None or end < start:
        return []
    last = min(ev.as_of, end)
    if last < start:
        return []
    weeks = (last - start).days // 7
    step = 7 * max(1, math.ceil(weeks / MAX_CHECKPOINTS))
    days = [start + dt.timedelta(days=n) for n in range(0, (last - start).days + 1, step)]
    return days if days[-1] == last else [*days, last]


def history(plan: Plan) -> list[dict[str, Any]]:
    """``[{date, kpi, when, value, triggered, respond_by}]``: every monitoring rule on every
    checkpoint, as ``evaluate --as-of`` reports it on that day (rule by rule, then by day).
    """
    return [row for rule in by_rule(plan) for row in rule]


def by_rule(plan: Plan) -> list[list[dict[str, Any]]]:
    """Per monitoring rule (in the plan's order), its rows at each checkpoint."""
    ev = plan.evaluation
    if ev is None or ev.replay is None or not plan.monitoring:
        return []
    rules: list[list[dict[str, Any]]] = [[] for _ in plan.monitoring]
    for day in checkpoints(plan):
        replayed: Plan = ev.replay(as_of=day)
        if replayed.evaluation is None:
            continue
        for rule, row in zip(rules, report.to_json(replayed)["monitoring"], strict=False):
            rule.append({"date": day.isoformat(), **row})
    return rules
