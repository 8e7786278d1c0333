"""PF516 and PF606–PF612: the holdout, comparisons, outcome sources and data measures.

Problems are found while resolving (:mod:`planforge.evaluate.plan`) and while
reading the outcomes' rows (``planforge evaluate``); these rules report them,
located, and warn at plan time when the holdout is too small to tell a result.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from planforge.diagnostics import Severity, Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, rule
from planforge.rules.common import label


def _problems(plan: Plan, code: str, fix: Suggestion | None = None) -> Iterator[Finding]:
    for p in plan.evaluation_problems:
        if p.code == code:
            yield Finding(p.path, p.message, offset=p.offset, fix=fix)


@rule("PF516", "bad-holdout")
def bad_holdout(plan: Plan) -> Iterator[Finding]:
    """A holdout of 0% or 100%, which compares nothing.

    What it checks: `segmentation.holdout` is a percentage above 0% and below
    100% of the in-scope customers.

    Why it matters: with 0% no one is held out and with 100% no one is touched;
    either way there is nothing to compare the campaign with.

    Example fix:
        # before
        holdout: 100%
        # after
        holdout: 10%
    """
    yield from _problems(plan, "PF516", Suggestion(msg("write a share such as `10%`"), "10%"))


@rule("PF606", "compare-without-holdout")
def compare_without_holdout(plan: Plan) -> Iterator[Finding]:
    """A KPI compares with the holdout, but the plan holds no customers out.

    What it checks: a KPI with `compare: holdout` belongs to a plan whose
    `segmentation` has a `holdout`.

    Why it matters: without a holdout group there is nothing to compare the
    treated customers with, so no lift can be reported.

    Example fix:
        # before
        segmentation:
          source: data/customers.csv
          key: 客户编号
        # after
        segmentation:
          source: data/customers.csv
          key: 客户编号
          holdout: 10%
    """
    yield from _problems(plan, "PF606", Suggestion(msg("add `holdout: 10%` under `segmentation`")))


@rule("PF607", "compare-per-participant")
def compare_per_participant(plan: Plan) -> Iterator[Finding]:
    """A compared KPI's formula has no holdout counterpart (a rate per participant).

    What it checks: a KPI with `compare: holdout` divides a measure computed
    from `outcomes` (`customers:` or `sum:`) by `customers`.

    Why it matters: held-out customers are never invited, so they cannot
    participate; `repurchasers / participants` means nothing for them. The fair
    comparison is over everyone in each group (intent-to-treat).

    Example fix:
        # before
        formula: repurchasers / participants
        compare: holdout
        # after
        formula: repurchasers / customers
        compare: holdout
    """
    yield from _problems(
        plan,
        "PF607",
        Suggestion(msg("divide by `customers`, or remove `compare: holdout`")),
    )


@rule("PF608", "underpowered", Severity.WARNING)
def underpowered(plan: Plan) -> Iterator[Finding]:
    """The planned groups are too small to tell the target from the baseline.

    What it checks: for a KPI with `compare: holdout`, a percentage `baseline`
    and target, the chance (power) that a two-sided test at the 5% level tells
    the target from the baseline with the planned treated and holdout groups
    (Cohen's h, normal approximation) is at least 80%.

    Why it matters: with too few customers a real effect will most likely look
    "not significant", and the campaign's result cannot be told from chance.

    Example fix:
        # before (200 customers, 8% → 12%: power 9%)
        holdout: 10%
        # after: a larger audience, or a larger holdout
        holdout: 50%
    """
    seg = plan.segmentation
    customers = plan.scope.customers
    if seg is None or seg.holdout is None or not customers:
        return
    try:
        from planforge.evaluate.stats import POWER, power
    except ImportError:  # pragma: no cover - without the data extra
        return
    for kpi in plan.kpis:
        if kpi.compare != "holdout" or kpi.baseline is None or kpi.target is None:
            continue
        if not (kpi.baseline.percent and kpi.target.percent):
            continue
        base, goal = kpi.baseline.value / 100, kpi.target.value.value / 100
        if not (0 < base < 1 and 0 < goal < 1) or base == goal:
            continue
        try:
            got = power(float(base), float(goal), customers, float(seg.holdout / 100))
        except ImportError:  # pragma: no cover - statsmodels missing
            return
        if got.power >= POWER:
            continue
        held = round(customers * seg.holdout / 100)
        if got.holdout_needed is not None:
            would = msg(
                "a holdout of {share}% would do with this audience, or about {n} customers"
                " at {holdout}%",
                share=got.holdout_needed,
                n=f"{got.audience_needed:,}",
                holdout=_pct(seg.holdout),
            )
        else:
            would = msg(
                "no holdout share would do with {customers} customers; about {n} customers"
                " at {holdout}% would",
                customers=customers,
                n=f"{got.audience_needed:,}",
                holdout=_pct(seg.holdout),
            )
        yield Finding(
            (*kpi.path, "compare"),
            msg(
                "{kpi}: with {customers} customers and {held} held out, the chance to tell"
                " {target} from the baseline {baseline} is {power}% (80% is the usual"
                " minimum): {would}",
                kpi=label(kpi, "KPI"),
                customers=customers,
                held=held,
                target=str(kpi.target.value),
                baseline=str(kpi.baseline),
                power=round(got.power * 100),
                would=would,
            ),
            fix=Suggestion(msg("enlarge the audience or the holdout, or accept a wider margin")),
        )


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


@rule("PF610", "outcome-unreadable")
def outcome_unreadable(plan: Plan) -> Iterator[Finding]:
    """An outcome source, or its key or date column, cannot be used.

    What it checks: each `outcomes` entry names a CSV (UTF-8 or GBK), XLSX or
    Parquet file inside the plan's folder, with its `key` and `date` columns;
    when evaluated, every row has a key and every date is a date.

    Why it matters: a measure read from a wrong file or column would count
    nothing, or the wrong thing, and the KPI would look like a failure.

    Example fix:
        # before
        orders: {source: data/order.csv, key: 客户编号, date: 下单日期}
        # after
        orders: {source: data/orders.csv, key: 客户编号, date: 下单日期}
    """
    yield from _problems(plan, "PF610")


@rule("PF611", "bad-measure")
def bad_measure(plan: Plan) -> Iterator[Finding]:
    """A measure from data planforge cannot compute.

    What it checks: a measure has exactly one of `customers: <outcome>`,
    `sum: <outcome>.<column>` or `mean: <outcome>.<column>` naming a known
    outcome and column (a number column for sum and mean), a readable
    `during` window, and a `where` in the segmentation rule language.

    Why it matters: the KPIs built on the measure would stay pending, or count
    the wrong rows.

    Example fix:
        # before
        revenue: {sum: orders.金额, during: 30 days after}
        # after
        revenue: {sum: orders.金额, during: 30d after period}
    """
    yield from _problems(plan, "PF611")


@rule("PF612", "mean-without-rows", Severity.WARNING)
def mean_without_rows(plan: Plan) -> Iterator[Finding]:
    """A `mean:` measure has no rows in its window yet, so its KPIs stay pending.

    What it checks: when evaluated, a `mean:` measure finds at least one row
    of the treated group in its window.

    Why it matters: an average of nothing is not zero; the KPI is shown as
    pending rather than failed.

    Example fix:
        # before: the survey closes after the period
        score: {mean: survey.评分, during: period}
        # after
        score: {mean: survey.评分, during: 14d after period}
    """
    yield from _problems(plan, "PF612")
