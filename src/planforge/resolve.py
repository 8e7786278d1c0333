"""Build the resolved :class:`~planforge.model.Plan` from loaded data, computing everything.

Resolution is tolerant: a value of the wrong type becomes None (the schema check
has already reported it), so the rules can still run on the rest of the plan.
Computed here, all in exact Decimal arithmetic:

* line amounts (quantity × unit price, rounded to the currency's minor unit),
  the budget total, actual spend, subtotals per category, what remains under the
  cap and the cost per customer;
* per-tier customer counts (largest-remainder rounding, so they add up);
* KPI values from formulas, and each KPI's status;
* day counts, the review deadline (on the plan's working-day calendar), and whether a
  monitoring rule has triggered.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planforge import formula as formulas
from planforge.bounds import NumberOutOfBounds, computed, number_problem
from planforge.dates import parse_date, span_days
from planforge.evaluate import compare
from planforge.evaluate import plan as evaluation
from planforge.messages import msg
from planforge.model import (
    KPI,
    Approval,
    Budget,
    BudgetLine,
    CategoryTotal,
    Dependency,
    Monitor,
    Objective,
    Period,
    Person,
    Phase,
    Plan,
    Review,
    Scope,
    Task,
    Tier,
)
from planforge.money import CURRENCIES, fits_currency, quantum, round_money
from planforge.quantities import (
    Quantity,
    parse_duration_hours,
    parse_quantity,
    parse_target,
    parse_threshold,
)
from planforge.scalars import is_number
from planforge.schedule.calendar import OutOfCalendar, calendar_from
from planforge.schedule.durations import parse_span
from planforge.schedule.engine import TYPES, schedule
from planforge.schedule.recurrence import parse_every
from planforge.source import Path

FORMULA_PLACES = Decimal("0.0001")
BUILTINS = ("customers", "budget_total", "actual_total")
#: The schema allows a review within 60 working days; resolution never counts further.
MAX_REVIEW_DAYS = 1000


class _Raw:
    """Typed, tolerant access to one mapping of the loaded data."""

    def __init__(self, data: Any, path: Path) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.path = path

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) else None

    def number(self, key: str) -> Decimal | None:
        return _bounded(self.data.get(key))

    def integer(self, key: str) -> int | None:
        value = self.number(key)
        return int(value) if value is not None and value == value.to_integral_value() else None

    def date(self, key: str):
        return parse_date(self.data.get(key))

    def texts(self, key: str) -> list[str]:
        value = self.data.get(key)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    def child(self, key: str) -> _Raw:
        return _Raw(self.data.get(key), (*self.path, key))

    def items(self, key: str) -> list[_Raw]:
        value = self.data.get(key)
        if not isinstance(value, list):
            return []
        return [_Raw(v, (*self.path, key, i)) for i, v in enumerate(value) if isinstance(v, dict)]


def _bounded(value: Any) -> Decimal | None:
    """A number within planforge's bounds (the loader reports the others), else None."""
    if is_number(value) and number_problem(Decimal(value)) is None:
        return Decimal(value)
    return None


def resolve(
    data: dict[str, Any],
    *,
    base: str = "",
    read_data: bool = False,
    as_of: dt.date | None = None,
) -> Plan:
    """The resolved plan for loaded ``data`` (which need not have passed the schema).

    ``base`` is the plan's folder (a ``segmentation.source`` is relative to it).
    With a ``segmentation`` block the source's header is always read; its rows
    only with ``read_data`` (then tier counts and ``scope.customers`` come from
    the data). With ``as_of`` as well, the ``outcomes`` are read and the data
    measures, KPI actuals, lifts and monitoring come from the data up to that day
    (``planforge evaluate``).
    """
    raw = _Raw(data, ())
    plan = Plan(
        planforge=raw.integer("planforge"),
        id=raw.text("id"),
        title=raw.text("title"),
        locale=raw.text("locale"),
        currency=raw.text("currency"),
        owner=raw.text("owner"),
        status=raw.text("status"),
        version=raw.text("version"),
    )
    obj = raw.child("objective")
    plan.objective = Objective(obj.path, obj.text("statement"), obj.text("kpi"))
    scope = raw.child("scope")
    plan.scope = Scope(
        scope.path, scope.text("segment"), scope.integer("customers"), scope.texts("departments")
    )
    period = raw.child("period")
    plan.calendar = calendar_from(raw.data.get("calendar"), plan.locale)
    plan.period = Period(period.path, period.date("start"), period.date("end"))
    plan.period.days = _days(plan.period.start, plan.period.end)
    plan.phases = [_phase(r) for r in raw.items("phases")]
    plan.team = [
        Person(
            r.path,
            r.text("id"),
            r.text("name"),
            r.text("role"),
            r.text("department"),
            r.text("contact"),
        )
        for r in raw.items("team")
    ]
    plan.tiers = [_tier(r, plan) for r in raw.items("tiers")]
    plan.tasks = [_task(r) for r in raw.items("tasks")]
    schedule(plan)
    if isinstance(raw.data.get("segmentation"), dict):
        _segmentation(plan, raw.data["segmentation"], base, read_data)
    if plan.segmentation is None or not plan.segmentation.read:
        _tier_counts(plan)
    evaluation.resolve_outcomes(plan, raw.data, base)
    if read_data:
        _read_outcomes(plan, as_of)
        if plan.evaluation is not None:  # the monitoring history replays the plan per day
            plan.evaluation.replay = functools.partial(resolve, data, base=base, read_data=True)
    currency = plan.currency if plan.currency in CURRENCIES else "XXX"
    plan.budget = _budget(raw.child("budget"), currency, plan)
    measures = raw.data.get("measures")
    if isinstance(measures, dict):
        bounded = {k: _bounded(v) for k, v in measures.items()}
        plan.measures = {k: v for k, v in bounded.items() if v is not None}
        plan.measure_names = {k for k in measures if isinstance(k, str)}
    if plan.evaluation is not None:  # a data measure is its treated group's value
        for name, values in plan.evaluation.measures.items():
            if values.get("treated") is not None:
                plan.measures[name] = values["treated"]  # type: ignore[assignment]
    margin = _percent(raw.child("evaluation"), "exceeded_margin", plan)
    if margin is not None:
        plan.exceeded_margin = margin
    plan.kpis = [_kpi(r, plan) for r in raw.items("kpis")]
    compare.check_comparisons(plan)
    if plan.evaluation is not None:
        compare.lifts(plan)
    by_id = {k.id: k for k in plan.kpis if k.id}
    plan.monitoring = [_monitor(r, by_id, plan) for r in raw.items("monitoring")]
    if isinstance(raw.data.get("review"), dict):
        plan.review = _review(raw.child("review"), plan)
    team = {p.id: p for p in plan.team if p.id}
    for r in raw.items("approvals"):
        person = r.text("person")
        name = r.text("name") or (team[person].name if person in team else None)
        plan.approvals.append(Approval(r.path, r.text("role"), person, name, r.date("date")))
    return plan


def _segmentation(plan: Plan, raw: dict[str, Any], base: str, read_data: bool) -> None:
    try:
        from planforge.segment.plan import countable, resolve_segmentation
    except ImportError:
        from planforge.model import Segmentation

        plan.segmentation = Segmentation(("segmentation",))
        plan.segmentation.source_error = msg(
            "reading customer data needs the data extra: pip install 'planforge[data]'"
        )
        return
    resolve_segmentation(plan, raw, base, read_data)
    if read_data and countable(plan):
        from planforge.segment.run import count

        assert plan.segmentation is not None
        count(plan, plan.segmentation.rules)
    evaluation.resolve_holdout(plan, raw)


def _read_outcomes(plan: Plan, as_of: dt.date | None) -> None:
    """The holdout per tier, and with ``as_of`` every data measure (``planforge evaluate``).

    A plan with neither a holdout nor data measures to evaluate never imports the data
    engine (``validate`` stays light).
    """
    if plan.segmentation is None:
        return  # no customer data: nothing to read (and polars is not imported)
    if plan.segmentation.holdout is None and (as_of is None or not plan.measure_specs):
        return
    try:
        from planforge.evaluate import run
    except ImportError:
        return  # without the data extra, the segmentation says so (PF502)
    if as_of is not None:
        run.evaluate(plan, as_of)
    if plan.evaluation is None:
        run.mark_held_out(plan)


def _days(start, end) -> int | None:
    return span_days(start, end) if start and end and start <= end else None


def _phase(r: _Raw) -> Phase:
    phase = Phase(
        r.path, r.text("id"), r.text("name"), r.date("start"), r.date("end"), r.text("description")
    )
    phase.days = _days(phase.start, phase.end)
    phase.deadline = r.date("deadline")
    return phase


def _task(r: _Raw) -> Task:
    task = Task(
        r.path,
        r.text("id"),
        r.text("phase"),
        r.text("name"),
        r.text("owner"),
        r.date("start"),
        r.date("end"),
        [],
        r.text("deliverable"),
        r.texts("resources"),
        r.text("note"),
    )
    task.written_start, task.written_end = task.start, task.end
    task.dependencies = _dependencies(r)
    task.depends_on = [d.task for d in task.dependencies if d.task is not None]
    task.milestone = r.data.get("milestone") is True
    task.deadline = r.date("deadline")
    if "duration" in r.data:
        task.duration = r.text("duration")
        try:
            task.span = parse_span(r.data["duration"])
        except ValueError as exc:
            task.duration_error = exc.args[0]
    if "every" in r.data:
        task.every = r.text("every")
        try:
            task.rhythm = parse_every(r.data["every"])
        except ValueError as exc:
            task.every_error = exc.args[0]
    task.count, task.until = r.integer("count"), r.date("until")
    return task


def _dependencies(r: _Raw) -> list[Dependency]:
    """``depends_on`` entries: an id (finish-to-start) or ``{task, type, lag}``."""
    items = r.data.get("depends_on")
    out: list[Dependency] = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        where = (*r.path, "depends_on", i)
        if isinstance(item, str):
            out.append(Dependency(where, item, item=where))
            continue
        entry = _Raw(item, where)
        dep = Dependency((*where, "task"), entry.text("task"), item=where)
        kind = entry.data.get("type", "FS")
        dep.type = kind if kind in TYPES else "FS"
        if "lag" in entry.data:
            dep.lag = entry.text("lag")
            try:
                dep.lag_span = parse_span(entry.data["lag"], what="lag", negative=True)
            except ValueError as exc:
                dep.lag_error = exc.args[0]
        out.append(dep)
    return out


def _percent(r: _Raw, key: str, plan: Plan) -> Quantity | None:
    text = r.text(key)
    if text is None:
        return None
    try:
        q = parse_quantity(text)
    except NumberOutOfBounds as exc:
        plan.out_of_bounds.append(((*r.path, key), exc.args[0]))
        return None
    except ValueError:
        return None
    return q if q.percent else None


def _tier(r: _Raw, plan: Plan) -> Tier:
    return Tier(
        r.path,
        r.text("id"),
        r.text("name"),
        _percent(r, "share", plan),
        r.text("criteria"),
        r.texts("needs"),
        r.text("strategy"),
        rule=r.text("rule"),
    )


def _tier_counts(plan: Plan) -> None:
    """Customers per tier: share × scope.customers, largest-remainder rounded."""
    total = plan.scope.customers
    shares = [t.share.value if t.share else None for t in plan.tiers]
    if total is None or not plan.tiers or any(s is None for s in shares):
        return
    exact = [total * s / 100 for s in shares]  # type: ignore[operator]
    counts = [int(e) for e in exact]
    if sum(shares) == 100:  # type: ignore[arg-type]
        left = total - sum(counts)
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - counts[i]), i))
        for i in order[:left]:
            counts[i] += 1
    else:
        counts = [int(e.to_integral_value(rounding=ROUND_HALF_UP)) for e in exact]
    for tier, n in zip(plan.tiers, counts, strict=True):
        tier.customers = n


def _money(value: Decimal | None, currency: str) -> Decimal | None:
    """An amount written to the currency's minor unit (``1000`` -> ``1000.00`` for CNY).

    Amounts with more decimals than the currency has are kept as written (PF406
    reports them), so nothing is ever rounded away silently.
    """
    if value is None or not fits_currency(value, currency):
        return value
    return value.quantize(quantum(currency))


def _per_customer(line: BudgetLine, r: _Raw, plan: Plan) -> None:
    """``per_customer: {tiers: [...], quantity: N}``: quantity = customers in those tiers × N."""
    per = r.child("per_customer")
    if not per.data:
        return
    line.per_customer_tiers = per.texts("tiers")
    line.per_customer_quantity = per.number("quantity")
    line.declared_quantity = line.quantity
    counts = {t.id: evaluation.treated(t, plan) for t in plan.tiers if t.id}
    wanted = [counts.get(t) for t in line.per_customer_tiers]
    if line.per_customer_quantity is None or not wanted or any(c is None for c in wanted):
        line.quantity = None
        return
    line.quantity = _tidy(sum(wanted) * line.per_customer_quantity)  # type: ignore[misc,operator]


def _budget(r: _Raw, currency: str, plan: Plan) -> Budget:
    customers = plan.scope.customers
    budget = Budget(r.path, _money(r.number("cap"), currency))
    budget.declared_total = _money(r.number("total"), currency)
    for lr in r.items("lines"):
        line = BudgetLine(
            lr.path,
            lr.text("id"),
            lr.text("category"),
            lr.text("item"),
            lr.number("quantity"),
            lr.text("unit"),
            lr.number("unit_price"),
            None,
            _money(lr.number("actual"), currency),
            lr.text("note"),
        )
        _per_customer(line, lr, plan)
        line.declared_amount = _money(lr.number("amount"), currency)
        if line.quantity is not None and line.unit_price is not None:
            line.computed_amount = round_money(line.quantity * line.unit_price, currency)
        line.amount = (
            line.declared_amount if line.declared_amount is not None else line.computed_amount
        )
        if line.amount is not None and line.actual is not None:
            line.variance = line.actual - line.amount
        budget.lines.append(line)
    amounts = [line.amount for line in budget.lines]
    if budget.lines and all(a is not None for a in amounts):
        budget.total = sum(amounts, Decimal(0))  # type: ignore[arg-type]
    actuals = [line.actual for line in budget.lines if line.actual is not None]
    if actuals:
        budget.actual_total = sum(actuals, Decimal(0))
    variances = [line.variance for line in budget.lines if line.variance is not None]
    if variances:
        budget.variance = sum(variances, Decimal(0))
    if budget.total is None and budget.declared_total is not None and not budget.lines:
        budget.total = budget.declared_total
    if budget.cap is not None and budget.total is not None:
        budget.remaining = budget.cap - budget.total
    if budget.total is not None and customers:
        budget.cost_per_customer = round_money(budget.total / customers, currency)
    budget.categories = _categories(budget.lines)
    return budget


def _categories(lines: list[BudgetLine]) -> list[CategoryTotal]:
    """Subtotals per category, in order of first appearance."""
    totals: dict[str, CategoryTotal] = {}
    for line in lines:
        if line.category is None or line.amount is None:
            continue
        cat = totals.setdefault(line.category, CategoryTotal(line.category, Decimal(0), None, 0))
        cat.amount += line.amount
        cat.lines += 1
        if line.actual is not None:
            cat.actual = (cat.actual or Decimal(0)) + line.actual
        if line.variance is not None:
            cat.variance = (cat.variance or Decimal(0)) + line.variance
    return list(totals.values())


def _kpi(r: _Raw, plan: Plan) -> KPI:
    kpi = KPI(r.path, r.text("id"), r.text("dimension"), r.text("name"), r.text("unit"))
    kpi.analysis = r.text("analysis")
    kpi.target_text = r.data.get("target")
    if kpi.target_text is not None:
        try:
            kpi.target = parse_target(kpi.target_text)
        except NumberOutOfBounds as exc:
            plan.out_of_bounds.append(((*kpi.path, "target"), exc.args[0]))
        except ValueError as exc:
            kpi.target_error = exc.args[0]
    kpi.actual_text = r.data.get("actual")
    if kpi.actual_text is not None:
        try:
            kpi.actual = parse_quantity(kpi.actual_text)
        except NumberOutOfBounds as exc:
            plan.out_of_bounds.append(((*kpi.path, "actual"), exc.args[0]))
        except ValueError as exc:
            kpi.actual_error = exc.args[0]
    kpi.formula = r.text("formula")
    kpi.baseline = _quantity(r, "baseline")
    kpi.compare = r.text("compare")
    if kpi.formula is not None:
        _formula(kpi, plan)
    kpi.value = kpi.actual if kpi.actual is not None else kpi.formula_value
    if plan.evaluation is not None and kpi.formula_value is not None and _from_data(kpi, plan):
        kpi.value = kpi.formula_value  # evaluated: the data's figure, not the typed one
    if kpi.target is not None:
        value = kpi.value if kpi.value and kpi.value.percent == kpi.target.percent else None
        kpi.status = kpi.target.status(value, plan.exceeded_margin.value / 100)
    return kpi


def _quantity(r: _Raw, key: str) -> Quantity | None:
    """A number or a percentage, None when missing or unreadable (the schema says why)."""
    if r.data.get(key) is None:
        return None
    try:
        return parse_quantity(r.data[key])
    except ValueError:
        return None


def _from_data(kpi: KPI, plan: Plan) -> bool:
    """True when the KPI's formula uses a measure computed from the outcomes."""
    if kpi.formula_expr is None:
        return False
    return any(n.name in plan.measure_specs for n in formulas.names(kpi.formula_expr))


def formula_env(plan: Plan) -> dict[str, Decimal]:
    """Names a formula can use: the measures plus the built-ins that have a value.

    Once evaluated from data, ``customers`` is the treated group's size.
    """
    env = dict(plan.measures)
    customers = plan.evaluation.treated if plan.evaluation else plan.scope.customers
    builtins = {
        "customers": Decimal(customers) if customers else None,
        "budget_total": plan.budget.total,
        "actual_total": plan.budget.actual_total,
    }
    env.update({k: v for k, v in builtins.items() if v is not None})
    return env


def _formula(kpi: KPI, plan: Plan) -> None:
    assert kpi.formula is not None
    try:
        kpi.formula_expr = formulas.parse(kpi.formula)
    except formulas.FormulaError as exc:
        kpi.formula_error, kpi.formula_error_column = exc.args[0], exc.column
        return
    env = formula_env(plan)
    used = formulas.names(kpi.formula_expr)
    known = plan.measure_names | set(BUILTINS)
    unknown = [n for n in used if n.name not in known]
    if unknown and plan.measure_names:
        first = unknown[0]
        names = sorted(known)
        close = [n for n in names if _same_name(n, first.name)]
        kpi.formula_error = msg(
            "`{name}` is not a measure or built-in (known: {known})",
            name=first.name,
            known=", ".join(names),
        )
        kpi.formula_fix = (
            msg("write `{close}`", close=close[0])
            if len(close) == 1
            else msg(
                "declare it under `measures` (`{name}: ~` until it is recorded)", name=first.name
            )
        )
        kpi.formula_error_column = first.column
        return
    if any(n.name not in env for n in used):
        return  # not measured yet: the KPI stays pending
    try:
        value = formulas.evaluate(kpi.formula_expr, env)
    except formulas.Undefined as exc:
        kpi.formula_undefined = exc.args[0]
        return
    percent = kpi.target is not None and kpi.target.percent
    shown = computed(lambda: _tidy((value * 100 if percent else value).quantize(FORMULA_PLACES)))
    if shown is None:
        kpi.formula_undefined = formulas.TOO_LARGE
        return
    kpi.formula_value = Quantity(shown, percent)


def _same_name(known: str, written: str) -> bool:
    """True when ``written`` is ``known`` spelt another way: case, separators, a plural ``s``.

    Only then does PF603 suggest the known name: a name one letter away may be a
    different measure (``repurchases`` and ``repurchasers``, ``renewals_q1`` and
    ``renewals_q2``), and replacing it would change what the KPI measures.
    """

    def key(name: str) -> str:
        words = re.split(r"[\s_-]+", name.lower())
        return "".join(w[:-1] if w.endswith("s") and len(w) > 1 else w for w in words)

    return known != written and key(known) == key(written)


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (97.5000 -> 97.5, 50.0 -> 50)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _monitor(r: _Raw, kpis: dict[str, KPI], plan: Plan) -> Monitor:
    mon = Monitor(r.path, r.text("kpi"))
    mon.when_text = r.data.get("when")
    mon.action = r.text("action")
    mon.respond_within = r.text("respond_within")
    if mon.when_text is not None:
        try:
            mon.when = parse_threshold(mon.when_text)
        except NumberOutOfBounds as exc:
            plan.out_of_bounds.append(((*mon.path, "when"), exc.args[0]))
        except ValueError as exc:
            mon.when_error = exc.args[0]
    raw_within = r.data.get("respond_within")
    if raw_within is not None:
        try:
            mon.respond_within_hours = parse_duration_hours(raw_within)
        except NumberOutOfBounds as exc:
            plan.out_of_bounds.append(((*mon.path, "respond_within"), exc.args[0]))
        except ValueError as exc:
            mon.respond_error = exc.args[0]
    kpi = kpis.get(mon.kpi or "")
    if mon.when and kpi and kpi.value and kpi.value.percent == mon.when.percent:
        mon.triggered = mon.when.satisfied_by(kpi.value)
    return mon


def _review(r: _Raw, plan: Plan) -> Review:
    review = Review(r.path, r.integer("within_working_days"), r.text("deliverable"))
    days = review.within_working_days
    if days is not None and 0 <= days <= MAX_REVIEW_DAYS and plan.period.end is not None:
        try:
            review.due = plan.calendar.add_working_days(plan.period.end, days)
        except OutOfCalendar:
            review.due = None  # past 9999-12-31: PF310 says why
    return review
