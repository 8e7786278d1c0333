"""The resolved model of the example plans: what planforge computes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from planforge.check import check_file
from planforge.loader import load_text
from planforge.resolve import resolve
from tests.conftest import EXAMPLE, PLANS


def example():
    result = check_file(EXAMPLE)
    assert result.diagnostics == []
    return result.plan


def test_example_kpi_statuses_match_the_planning_template() -> None:
    statuses = {k.id: k.status for k in example().kpis}
    assert statuses == {
        "participation-rate": "not_met",
        "repurchase-rate": "exceeded",
        "satisfaction": "not_met",
        "cost-per-participant": "met",
    }


def test_example_budget() -> None:
    budget = example().budget
    assert budget.total == Decimal("10000.00")
    assert budget.remaining == Decimal("0.00")
    assert budget.cost_per_customer == Decimal("50.00")
    assert [(c.category, c.amount) for c in budget.categories] == [
        ("物料费", Decimal("3000.00")),
        ("礼品费", Decimal("4000.00")),
        ("推广费", Decimal("2000.00")),
        ("人力成本", Decimal("1000.00")),
    ]


def test_example_tiers_review_and_monitoring() -> None:
    plan = example()
    assert [t.customers for t in plan.tiers] == [20, 60, 80, 40]
    assert plan.review is not None and plan.review.due == dt.date(2024, 7, 3)
    assert plan.monitoring[0].respond_within_hours == 48
    assert plan.monitoring[0].triggered is False
    assert [p.days for p in plan.phases] == [15, 61, 15]


def test_formulas_and_actual_spend() -> None:
    plan = check_file(PLANS / "key-accounts-care-2024h2.yaml").plan
    kpis = {k.id: k for k in plan.kpis}
    assert str(kpis["retention-rate"].value) == "97.5%"
    assert kpis["retention-rate"].status == "met"
    assert str(kpis["nps"].value) == "50"
    assert str(kpis["cost-per-account"].value) == "312.5188"
    assert kpis["cost-per-account"].status == "exceeded"
    assert kpis["response-time"].status == "pending"
    assert plan.budget.total == Decimal("14604.00")
    assert plan.budget.actual_total == Decimal("12500.75")
    # variance only counts lines with an actual: the unspent plaques are not "saved"
    gifts = next(c for c in plan.budget.categories if c.category == "Gifts")
    assert (gifts.amount, gifts.actual, gifts.variance) == (
        Decimal("4164.00"),
        Decimal("3420.00"),
        Decimal("0.00"),
    )
    assert plan.budget.variance == Decimal("-559.25")


def test_computed_amount_and_total_are_exact() -> None:
    plan = resolve(
        load_text(
            "currency: CNY\nbudget:\n  lines:\n"
            "    - {quantity: 3, unit_price: 0.1}\n"
            "    - {quantity: 7, unit_price: 0.2}\n"
            "    - {amount: 0.3}\n"
        ).data
    )
    assert [line.amount for line in plan.budget.lines] == [
        Decimal("0.30"),
        Decimal("1.40"),
        Decimal("0.30"),
    ]
    assert plan.budget.total == Decimal("2.00")


def test_tier_counts_add_up_with_largest_remainder() -> None:
    plan = resolve(
        load_text(
            "scope: {customers: 10}\ntiers:\n"
            "  - {share: 33.3%}\n  - {share: 33.3%}\n  - {share: 33.4%}\n"
        ).data
    )
    counts = [t.customers for t in plan.tiers]
    assert sum(counts) == 10 and counts == [3, 3, 4]


def test_resolve_tolerates_wrong_types() -> None:
    plan = resolve(
        load_text("period: [1, 2]\ntasks: {a: 1}\nbudget: {lines: [1, {amount: x}]}\n").data
    )
    assert plan.period.start is None and plan.tasks == [] and plan.budget.total is None


def test_a_kpi_over_a_measure_not_recorded_yet_is_pending() -> None:
    from planforge.check import check_document
    from planforge.loader import load_text

    text = (
        "measures:\n  participants: 130\n  repurchasers: ~\n"
        'kpis:\n  - {id: rate, target: ">= 12%", formula: repurchasers / participants}\n'
    )
    result = check_document(load_text(text))
    assert result.plan is not None and result.plan.kpis[0].status == "pending"
    assert not [d for d in result.diagnostics if d.code.startswith("PF6")]
