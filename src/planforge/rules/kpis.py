"""PF6xx: KPIs, their targets, actuals and formulas."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal

from planforge import bounds
from planforge.diagnostics import Severity, Suggestion
from planforge.messages import msg
from planforge.model import KPI, Plan
from planforge.money import decimals
from planforge.quantities import Quantity, parse_quantity
from planforge.rules.base import Finding, rule
from planforge.rules.common import label


@rule("PF601", "bad-target")
def bad_target(plan: Plan) -> Iterator[Finding]:
    """A KPI target planforge cannot read.

    What it checks: `target` is a comparison (`>= 70%`, `<= 50`, `> 4`, `= 100%`,
    with ≥ and ≤ accepted) or an inclusive range (`4.0..4.5`), quoted.

    Why it matters: without a readable target no status (met / not met /
    exceeded) can be given, and the evaluation form stays empty.

    Example fix:
        # before
        target: 70%
        # after
        target: ">= 70%"
    """
    for kpi in plan.kpis:
        if kpi.target_error:
            yield Finding(
                (*kpi.path, "target"),
                msg("{kpi}: {error}", kpi=label(kpi, "KPI"), error=kpi.target_error),
                fix=_target_fix(kpi.target_text),
            )


def _target_fix(text: object) -> Suggestion:
    """``70%`` -> ``">= 70%"``; otherwise an example."""
    raw = str(text).strip().strip("\"'“”")
    if parse_quantity_or_none(raw) is not None:
        return Suggestion(msg('write the comparison in quotes: ">= {raw}"', raw=raw), f'">= {raw}"')
    return Suggestion(msg('write it like ">= 70%", "<= 50" or "4.0..4.5"'))


def parse_quantity_or_none(text: str) -> Quantity | None:
    try:
        return parse_quantity(text)
    except ValueError:
        return None


def _kind_mismatch(kpi: KPI, value: Quantity) -> Finding | None:
    if kpi.target is None or value.percent == kpi.target.percent:
        return None
    message = msg(
        "{kpi} has {kind} ({value}) but its target `{target}` is {target_kind}",
        kpi=label(kpi, "KPI"),
        kind=value.kind,
        value=str(value),
        target=str(kpi.target),
        target_kind=kpi.target.value.kind,
    )
    if kpi.target.percent:
        fixed = f"{value.value * 100 if value.value <= 1 else value.value}%"
        fixed = f"{Decimal(fixed[:-1]).normalize():f}%"
    else:
        fixed = str(value.value)
    fix = Suggestion(
        msg("write it as {kind}: {fixed}", kind=kpi.target.value.kind, fixed=fixed), fixed
    )
    return Finding((*kpi.path, "actual"), message, fix=fix)


@rule("PF602", "actual-kind-mismatch")
def actual_kind_mismatch(plan: Plan) -> Iterator[Finding]:
    """A KPI's actual is not the same kind of value as its target.

    What it checks: `actual` is a number or a percentage, and a percentage
    exactly when the target is one (65% against `>= 70%`, 4.3 against `>= 4.5`).

    Why it matters: comparing 0.65 with 70% says "not met" for the wrong reason.

    Example fix:
        # before
        target: ">= 70%"
        actual: 0.65
        # after
        target: ">= 70%"
        actual: 65%
    """
    for kpi in plan.kpis:
        if kpi.actual_error:
            yield Finding(
                (*kpi.path, "actual"),
                msg("{kpi}: {error}", kpi=label(kpi, "KPI"), error=kpi.actual_error),
                fix=Suggestion(msg("write it like 4.3 or 65%")),
            )
        elif kpi.actual is not None:
            finding = _kind_mismatch(kpi, kpi.actual)
            if finding:
                yield finding


@rule("PF603", "bad-formula")
def bad_formula(plan: Plan) -> Iterator[Finding]:
    """A KPI formula planforge cannot read, or that names an unknown measure.

    What it checks: `formula` uses numbers, measure names, the built-ins
    `customers`, `budget_total` and `actual_total`, `+ - * /` and parentheses;
    once `measures` are recorded, every name is one of them or a built-in.
    Formulas are parsed by planforge's own small parser and never executed.

    Why it matters: a broken formula silently leaves the KPI pending.

    Example fix:
        # before
        formula: repurchasers / participant
        # after
        formula: repurchasers / participants
    """
    for kpi in plan.kpis:
        if kpi.formula_error:
            yield Finding(
                (*kpi.path, "formula"),
                msg("{kpi}: {error}", kpi=label(kpi, "KPI"), error=kpi.formula_error),
                offset=kpi.formula_error_column - 1,
                fix=Suggestion(
                    kpi.formula_fix or msg("write it like `repurchasers / participants`")
                ),
            )


@rule("PF604", "formula-disagrees", Severity.WARNING)
def formula_disagrees(plan: Plan) -> Iterator[Finding]:
    """A KPI's stated actual differs from what its formula computes from the measures.

    What it checks: when a KPI has both `actual` and a `formula` that can be
    computed, the two agree at the precision the actual is written to (15%
    agrees with 15.38%).

    Why it matters: one of them is wrong: a measure was mistyped, or the actual
    was copied from an old report.

    Example fix:
        # before (repurchasers / participants = 20 / 130 = 15.38%)
        actual: 18%
        # after
        actual: 15%
    """
    for kpi in plan.kpis:
        if kpi.actual is None or kpi.formula_value is None:
            continue
        if kpi.actual.percent != kpi.formula_value.percent:
            continue
        places = decimals(kpi.actual.value)
        value = kpi.formula_value.value
        computed = bounds.computed(
            lambda v=value, p=places: v.quantize(Decimal(1).scaleb(-p), ROUND_HALF_EVEN)
        )
        if computed != kpi.actual.value:
            shown = f"{computed}{'%' if kpi.actual.percent else ''}"
            yield Finding(
                (*kpi.path, "actual"),
                msg(
                    "{kpi} states {actual}, but `{formula}` gives {value} from the measures",
                    kpi=label(kpi, "KPI"),
                    actual=str(kpi.actual),
                    formula=kpi.formula,
                    value=str(kpi.formula_value),
                ),
                ((msg("the formula"), (*kpi.path, "formula")),),
                fix=Suggestion(
                    msg("write `actual: {shown}`, or check the measures", shown=shown), shown
                ),
            )


@rule("PF605", "formula-undefined", Severity.WARNING)
def formula_undefined(plan: Plan) -> Iterator[Finding]:
    """A KPI formula has no value, e.g. it divides by a measure that is zero.

    What it checks: a formula whose measures are all recorded gives a value.

    Why it matters: a KPI such as repurchasers / participants with zero
    participants has no value; the evaluation form shows it as pending.

    Example fix:
        # before
        measures:
          participants: 0
        # after: record the real count
        measures:
          participants: 130
    """
    for kpi in plan.kpis:
        if kpi.formula_undefined:
            yield Finding(
                (*kpi.path, "formula"),
                msg(
                    "{kpi}: `{formula}` has no value ({why})",
                    kpi=label(kpi, "KPI"),
                    formula=kpi.formula,
                    why=kpi.formula_undefined,
                ),
                fix=Suggestion(msg("record the real counts under `measures`")),
            )
