"""PF6xx: KPIs, their targets, actuals and formulas."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal

from planforge import bounds
from planforge.diagnostics import Severity
from planforge.model import KPI, Plan
from planforge.money import decimals
from planforge.quantities import Quantity
from planforge.rules import Finding, rule
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
            yield Finding((*kpi.path, "target"), f"{label(kpi, 'KPI')}: {kpi.target_error}")


def _kind_mismatch(kpi: KPI, value: Quantity) -> str | None:
    if kpi.target is None or value.percent == kpi.target.percent:
        return None
    return (
        f"{label(kpi, 'KPI')} has {value.kind} ({value}) but its target `{kpi.target}` is"
        f" {kpi.target.value.kind}"
    )


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
            yield Finding((*kpi.path, "actual"), f"{label(kpi, 'KPI')}: {kpi.actual_error}")
        elif kpi.actual is not None:
            message = _kind_mismatch(kpi, kpi.actual)
            if message:
                yield Finding((*kpi.path, "actual"), message)


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
                f"{label(kpi, 'KPI')}: {kpi.formula_error}",
                offset=kpi.formula_error_column - 1,
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
            yield Finding(
                (*kpi.path, "actual"),
                f"{label(kpi, 'KPI')} states {kpi.actual}, but `{kpi.formula}` gives"
                f" {kpi.formula_value} from the measures",
                (("the formula", (*kpi.path, "formula")),),
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
                f"{label(kpi, 'KPI')}: `{kpi.formula}` has no value ({kpi.formula_undefined})",
            )
