"""PF7xx: monitoring rules."""

from __future__ import annotations

from collections.abc import Iterator

from planforge.diagnostics import Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, rule
from planforge.rules.common import by_id


@rule("PF701", "bad-threshold")
def bad_threshold(plan: Plan) -> Iterator[Finding]:
    """A monitoring threshold planforge cannot read, or of the wrong kind.

    What it checks: `when` is one comparison such as `< 60%`, and a percentage
    exactly when the watched KPI's target is one.

    Why it matters: a threshold that cannot be compared with the KPI never
    triggers its action.

    Example fix:
        # before
        when: below 60%
        # after
        when: "< 60%"
    """
    kpis = by_id(plan.kpis)
    for mon in plan.monitoring:
        if mon.when_error:
            yield Finding(
                (*mon.path, "when"),
                mon.when_error,
                fix=Suggestion(msg('write one comparison in quotes, e.g. "< 60%"')),
            )
            continue
        kpi = kpis.get(mon.kpi or "")
        if mon.when and kpi and kpi.target and mon.when.percent != kpi.target.percent:
            value = mon.when.value.value
            fixed = f'"{mon.when.op} {value}{"%" if kpi.target.percent else ""}"'
            yield Finding(
                (*mon.path, "when"),
                msg(
                    "the threshold `{when}` is {kind}, but KPI `{kpi}` is measured as"
                    " {target_kind} (target `{target}`)",
                    when=str(mon.when),
                    kind=mon.when.value.kind,
                    kpi=kpi.id,
                    target_kind=kpi.target.value.kind,
                    target=str(kpi.target),
                ),
                fix=Suggestion(msg("write it like the target: {fixed}", fixed=fixed)),
            )


@rule("PF702", "bad-response-time")
def bad_response_time(plan: Plan) -> Iterator[Finding]:
    """A monitoring rule's response time planforge cannot read.

    What it checks: `respond_within` is a number of hours, days or weeks: `48h`,
    `2d`, `1w`, `48 hours`, `2 days`, `1 week` (or 48小时, 2天, 1周). Response
    times count calendar hours, so working days (`2wd`) are not one.

    Why it matters: "adjust within 48 hours" is a commitment; it has to be
    unambiguous to be checked in the review.

    Example fix:
        # before
        respond_within: two days
        # after
        respond_within: 2d
    """
    for mon in plan.monitoring:
        if mon.respond_error:
            yield Finding(
                (*mon.path, "respond_within"),
                mon.respond_error,
                fix=Suggestion(msg("write it like `48h`, `2d` or `1w`")),
            )
