"""PF4xx: the budget sheet, in exact decimal arithmetic."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from planforge.diagnostics import Severity, Suggestion
from planforge.messages import Message, msg
from planforge.model import BudgetLine, Plan
from planforge.money import decimals, fits_currency, minor_units
from planforge.rules.base import Finding, rule
from planforge.rules.common import unknown


def _line(line: BudgetLine) -> Message:
    if line.item:
        return msg("the line `{item}`", item=line.item)
    return msg("budget line #{n}", n=line.path[-1] + 1)


@rule("PF401", "amount-mismatch")
def amount_mismatch(plan: Plan) -> Iterator[Finding]:
    """A line's amount is not quantity × unit price.

    What it checks: when a budget line gives `quantity`, `unit_price` and
    `amount`, the amount equals quantity × unit price (rounded to the currency's
    minor unit).

    Why it matters: this is the classic spreadsheet error: someone changed the
    quantity and forgot the amount, and the total is now wrong.

    Example fix:
        # before
        quantity: 20
        unit_price: 50
        amount: 1200
        # after (or drop `amount` and let planforge compute it)
        quantity: 20
        unit_price: 50
        amount: 1000
    """
    for line in plan.budget.lines:
        declared, computed = line.declared_amount, line.computed_amount
        if declared is not None and computed is not None and declared != computed:
            yield Finding(
                (*line.path, "amount"),
                msg(
                    "{line} says {declared}, but {quantity} × {price} = {computed}",
                    line=_line(line),
                    declared=declared,
                    quantity=line.quantity,
                    price=line.unit_price,
                    computed=computed,
                ),
                fix=Suggestion(
                    msg(
                        "write `amount: {computed}` (or fix the quantity or unit price;"
                        " or drop `amount` and let planforge compute it)",
                        computed=computed,
                    ),
                    str(computed),
                ),
            )


@rule("PF402", "amount-missing")
def amount_missing(plan: Plan) -> Iterator[Finding]:
    """A line has neither an amount nor both a quantity and a unit price.

    What it checks: every budget line gives `amount`, or `quantity` and
    `unit_price` (from which the amount is computed).

    Why it matters: a line without an amount cannot be added to the total.

    Example fix:
        # before
        - {category: 礼品费, item: 定制U盘, quantity: 100}
        # after
        - {category: 礼品费, item: 定制U盘, quantity: 100, unit_price: 30}
    """
    for line in plan.budget.lines:
        if line.declared_amount is not None or line.computed_amount is not None:
            continue
        if line.per_customer_tiers and line.quantity is None and line.unit_price is not None:
            continue  # the tier counts are not known yet (the data was not read)
        if line.quantity is not None:
            text = msg("{line} has a quantity but no `unit_price` (or `amount`)", line=_line(line))
            fix = msg("add `unit_price: …` to the line")
        elif line.unit_price is not None:
            text = msg("{line} has a unit price but no `quantity` (or `amount`)", line=_line(line))
            fix = msg("add `quantity: …` to the line")
        else:
            text = msg("{line} has no amount", line=_line(line))
            fix = msg("give `amount: 1000`, or `quantity: 20` and `unit_price: 50`")
        yield Finding(line.path, text, fix=Suggestion(fix))


@rule("PF403", "total-mismatch")
def total_mismatch(plan: Plan) -> Iterator[Finding]:
    """The declared budget total is not the sum of the lines.

    What it checks: `budget.total`, when given, equals the exact sum of the line
    amounts (computed amounts included).

    Why it matters: approvers sign the total; if it does not add up, they are
    signing a number nobody can explain.

    Example fix:
        # before (the lines add up to 10000)
        total: 9500
        # after (or drop `total`: planforge computes it)
        total: 10000
    """
    budget = plan.budget
    if budget.declared_total is None or budget.total is None or not budget.lines:
        return
    if budget.declared_total != budget.total:
        diff = budget.declared_total - budget.total
        yield Finding(
            (*budget.path, "total"),
            msg(
                "the total says {declared}, but the lines add up to {total} ({diff})",
                declared=budget.declared_total,
                total=budget.total,
                diff=f"{'+' if diff > 0 else ''}{diff}",
            ),
            fix=Suggestion(
                msg(
                    "write `total: {total}` (or drop `total`: planforge computes it)",
                    total=budget.total,
                ),
                str(budget.total),
            ),
        )


@rule("PF404", "over-cap")
def over_cap(plan: Plan) -> Iterator[Finding]:
    """The planned budget is over the cap.

    What it checks: the sum of the line amounts is at most `budget.cap`.

    Why it matters: a plan that spends more than it may cannot be approved as is.

    Example fix:
        # before
        cap: 10000      # lines add up to 10500
        # after: cut a line, or get a higher cap approved
        cap: 10500
    """
    budget = plan.budget
    if budget.cap is not None and budget.total is not None and budget.total > budget.cap:
        over = budget.total - budget.cap
        largest = sorted(
            (line for line in budget.lines if line.amount is not None),
            key=lambda line: -line.amount,  # type: ignore[operator]
        )[:3]
        listed = ", ".join(
            f"{line.item or '#' + str(line.path[-1] + 1)} {line.amount}" for line in largest
        )
        yield Finding(
            (*budget.path, "cap"),
            msg(
                "the lines add up to {total}, over the cap of {cap} by {over}",
                total=budget.total,
                cap=budget.cap,
                over=over,
            ),
            fix=Suggestion(
                msg(
                    "cut {over} from the lines (the largest: {largest}), or get a cap of"
                    " {total} approved",
                    over=over,
                    largest=listed,
                    total=budget.total,
                )
            ),
        )


@rule("PF405", "actual-over-cap", Severity.WARNING)
def actual_over_cap(plan: Plan) -> Iterator[Finding]:
    """Money actually spent is over the cap.

    What it checks: the sum of the lines' `actual` spend is at most `budget.cap`.

    Why it matters: overspending needs to be explained in the review; this
    warns as soon as the actuals are recorded.

    Example fix:
        # record the overspend and its reason in the line's note
        - item: 宣传海报
          amount: 1000
          actual: 1800
          note: 加印200张,经张经理批准
    """
    budget = plan.budget
    if budget.cap is None or budget.actual_total is None or budget.actual_total <= budget.cap:
        return
    yield Finding(
        (*budget.path, "cap"),
        msg(
            "actual spend is {actual}, over the cap of {cap} by {over}",
            actual=budget.actual_total,
            cap=budget.cap,
            over=budget.actual_total - budget.cap,
        ),
        fix=Suggestion(msg("explain the overspend in the lines' `note` for the review")),
    )


@rule("PF406", "sub-minor-unit")
def sub_minor_unit(plan: Plan) -> Iterator[Finding]:
    """An amount has more decimals than the currency has.

    What it checks: `cap`, `total` and each line's `unit_price`, `amount` and
    `actual` use at most the currency's minor unit (2 decimals for CNY and USD,
    0 for JPY and KRW, 3 for KWD).

    Why it matters: ¥10.005 cannot be paid; such an amount is a typo or an
    unrounded spreadsheet value, and totals stop matching invoices.

    Example fix:
        # before (CNY)
        amount: 1000.005
        # after
        amount: 1000.01
    """
    currency = plan.currency
    if currency is None:
        return
    budget = plan.budget
    values: list[tuple[tuple, Decimal | None]] = [
        ((*budget.path, "cap"), budget.cap),
        ((*budget.path, "total"), budget.declared_total),
    ]
    for line in budget.lines:
        values += [
            ((*line.path, "amount"), line.declared_amount),
            ((*line.path, "actual"), line.actual),
        ]
    places = minor_units(currency)
    for path, value in values:
        if value is not None and not fits_currency(value, currency):
            rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            yield Finding(
                path,
                msg(
                    "{value} has {decimals} decimal places, but {currency} has {places}",
                    value=value,
                    decimals=decimals(value),
                    currency=currency,
                    places=places,
                ),
                fix=Suggestion(msg("round it: {rounded}", rounded=rounded), str(rounded)),
            )


@rule("PF410", "per-customer-unknown-tier")
def per_customer_unknown_tier(plan: Plan) -> Iterator[Finding]:
    """A `per_customer` line names a tier the plan does not have.

    What it checks: every id in `per_customer.tiers` is the id of a tier.

    Why it matters: the line's quantity is the customers in those tiers; an
    unknown tier leaves the quantity, the amount and the total unknown.

    Example fix:
        # before
        per_customer: {tiers: [hgih], quantity: 1}
        # after
        per_customer: {tiers: [high], quantity: 1}
    """
    known = {t.id for t in plan.tiers if t.id}
    for line in plan.budget.lines:
        for i, tier in enumerate(line.per_customer_tiers):
            if tier not in known:
                found = unknown("tier", tier, known, (*line.path, "per_customer", "tiers", i))
                yield replace(
                    found, message=msg("{line}: {why}", line=_line(line), why=found.message)
                )


@rule("PF411", "per-customer-and-quantity")
def per_customer_and_quantity(plan: Plan) -> Iterator[Finding]:
    """A budget line gives both `quantity` and `per_customer`.

    What it checks: a line with `per_customer` has no `quantity` of its own.

    Why it matters: `per_customer` computes the quantity from the tier counts;
    a hand-written quantity next to it goes stale as soon as the counts change.

    Example fix:
        # before
        quantity: 100
        per_customer: {tiers: [high, mid], quantity: 1}
        # after
        per_customer: {tiers: [high, mid], quantity: 1}
    """
    for line in plan.budget.lines:
        if line.per_customer_tiers and line.declared_quantity is not None:
            yield Finding(
                (*line.path, "quantity"),
                msg(
                    "{line} has `per_customer`, which computes the quantity from the tier counts",
                    line=_line(line),
                ),
                fix=Suggestion(
                    msg("remove `quantity: {quantity}`", quantity=line.declared_quantity)
                ),
            )
