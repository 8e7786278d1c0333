"""The resolved plan: typed values plus everything planforge computes.

Every object keeps ``path``, where it sits in the source, so a rule can point at
it. Fields are optional because the model is also built from plans that failed
the schema (so the checks can still report everything in one run); export and
rendering only ever see plans that passed.

Fields marked ``internal`` are left out of ``planforge export`` (the evaluation's
figures are exported by ``planforge evaluate``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planforge.formula import Expr
from planforge.quantities import Quantity, Target
from planforge.source import Path

if TYPE_CHECKING:  # the schedule stage uses the model, not the other way round
    from planforge.schedule.calendar import WorkCalendar
    from planforge.schedule.durations import Span
    from planforge.schedule.recurrence import Rhythm

INTERNAL = {"internal": True}


def internal(default: Any = None) -> Any:
    """A field kept for the checks but not exported."""
    return field(default=default, metadata=INTERNAL)


def internal_factory(factory: Any) -> Any:
    """Like :func:`internal`, for a mutable default."""
    return field(default_factory=factory, metadata=INTERNAL)


@dataclass
class Phase:
    path: Path = internal(())
    id: str | None = None
    name: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    description: str | None = None
    days: int | None = None
    deadline: dt.date | None = None


@dataclass
class Person:
    path: Path = internal(())
    id: str | None = None
    name: str | None = None
    role: str | None = None
    department: str | None = None
    contact: str | None = None


@dataclass
class Tier:
    path: Path = internal(())
    id: str | None = None
    name: str | None = None
    share: Quantity | None = None
    criteria: str | None = None
    needs: list[str] = field(default_factory=list)
    strategy: str | None = None
    customers: int | None = None
    rule: str | None = None  # a SQL condition over the segmentation source
    held_out: int | None = internal()  # of ``customers``, held out of every touch (from the data)
    actual_share: Decimal | None = None  # percent of in-scope customers, from the data


@dataclass
class Occurrence:
    """One dated occurrence of a recurring task (``every:``)."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class OccurrenceMove:
    """An occurrence moved later so that it does not overlap the one before it."""

    n: int  # which occurrence, 1-based
    nominal: dt.date  # its date by the rhythm
    previous_end: dt.date  # the last day of occurrence n - 1
    start: dt.date  # where it starts instead: the first working day after previous_end


@dataclass
class Dependency:
    """One entry of a task's ``depends_on``: predecessor, type and lag."""

    path: Path = internal(())  # where the predecessor's id is written
    task: str | None = None
    type: str = "FS"  # FS | SS | FF | SF
    lag: str | None = None  # as written: "2wd", "-1d"
    lag_span: Span | None = internal()
    lag_error: str | None = internal()
    #: The earliest date the dependency allows for the successor's start (FS, SS) or
    #: end (FF, SF), a working day; None until both tasks have dates.
    bound: dt.date | None = internal()
    effective_lag: int = internal(0)  # the lag in working days, as the bound applied it
    item: Path = internal(())  # the whole `depends_on` entry

    @property
    def kind(self) -> str:
        """``SS+2wd``, ``FF-1d``: the type and lag as written, "" for a plain finish-to-start."""
        lag = self.lag or ""
        if lag and not lag.startswith("-"):
            lag = f"+{lag}"
        return f"{self.type}{lag}" if self.type != "FS" or lag else ""


@dataclass
class Task:
    path: Path = internal(())
    id: str | None = None
    phase: str | None = None
    name: str | None = None
    owner: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    depends_on: list[str] = field(default_factory=list)  # predecessor ids, any type
    deliverable: str | None = None
    resources: list[str] = field(default_factory=list)
    note: str | None = None
    days: int | None = None
    # Scheduling (computed by the schedule stage of resolve):
    dependencies: list[Dependency] = field(default_factory=list)
    duration: str | None = None  # as written: "5wd", "3d"
    milestone: bool = False
    deadline: dt.date | None = None
    working_days: int | None = None
    total_float: int | None = None  # working days
    free_float: int | None = None  # working days
    critical: bool | None = None
    occurrences: list[Occurrence] = field(default_factory=list)  # recurring tasks only
    #: Occurrences that would have overlapped the one before them, and where they went.
    occurrence_moves: list[OccurrenceMove] = internal_factory(list)
    written_start: dt.date | None = internal()  # `start` as written (None: computed)
    written_end: dt.date | None = internal()  # `end` as written (None: computed)
    span: Span | None = internal()  # `duration`, read
    duration_error: str | None = internal()
    every: str | None = internal()  # as written: "month", "2 weeks"
    rhythm: Rhythm | None = internal()
    every_error: str | None = internal()
    count: int | None = internal()
    until: dt.date | None = internal()
    #: Why the schedule could not date this task (a date past 9999-12-31...), and where.
    schedule_error: str | None = internal()
    schedule_error_key: str = internal("start")


@dataclass
class BudgetLine:
    path: Path = internal(())
    id: str | None = None  # optional; `planforge diff` matches lines by it
    category: str | None = None
    item: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    actual: Decimal | None = None
    note: str | None = None
    per_customer_tiers: list[str] = field(default_factory=list)
    per_customer_quantity: Decimal | None = None
    declared_quantity: Decimal | None = internal()
    declared_amount: Decimal | None = internal()
    computed_amount: Decimal | None = None
    variance: Decimal | None = None


@dataclass
class CategoryTotal:
    category: str
    amount: Decimal
    actual: Decimal | None
    lines: int
    variance: Decimal | None = None  # over the lines that have an actual


@dataclass
class Budget:
    path: Path = internal(())
    cap: Decimal | None = None
    lines: list[BudgetLine] = field(default_factory=list)
    declared_total: Decimal | None = internal()
    total: Decimal | None = None
    actual_total: Decimal | None = None
    variance: Decimal | None = None  # actual - amount, over the lines that have an actual
    remaining: Decimal | None = None
    cost_per_customer: Decimal | None = None
    categories: list[CategoryTotal] = field(default_factory=list)


@dataclass
class KPI:
    path: Path = internal(())
    id: str | None = None
    dimension: str | None = None
    name: str | None = None
    unit: str | None = None
    target: Target | None = None
    target_text: Any = internal()
    target_error: str | None = internal()
    actual: Quantity | None = None
    actual_text: Any = internal()
    actual_error: str | None = internal()
    formula: str | None = None
    formula_expr: Expr | None = internal()
    formula_error: str | None = internal()
    formula_error_column: int = internal(1)
    formula_fix: str | None = internal()
    formula_value: Quantity | None = None
    formula_undefined: str | None = internal()
    value: Quantity | None = None
    status: str | None = None
    analysis: str | None = None
    baseline: Quantity | None = internal()  # the value expected without the campaign
    compare: str | None = internal()  # "holdout"
    lift: Lift | None = internal()  # treated against holdout, when evaluated from data


@dataclass
class Lift:
    """A KPI over the treated group against the holdout group, with a 95% CI and a p-value.

    ``kind`` is ``proportion`` (Newcombe's hybrid score CI, pooled z-test) or ``mean``
    (a per-customer amount: Welch's t). Values are fractions or amounts per customer.
    """

    kind: str
    treated: Decimal
    holdout: Decimal
    difference: Decimal
    ci_low: Decimal | None
    ci_high: Decimal | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        """True when the 95% CI leaves out zero."""
        return (
            self.ci_low is not None
            and self.ci_high is not None
            and (self.ci_low > 0 or self.ci_high < 0)
        )


@dataclass
class Outcome:
    """A named export of what happened (check-ins, orders, survey answers)."""

    path: Path = internal(())
    name: str = ""
    source: str | None = None  # as written, relative to the plan
    key: str | None = None
    date: str | None = None
    source_file: str | None = internal()
    columns: list[str] = internal_factory(list)  # the file's header, once read


@dataclass
class MeasureSpec:
    """A measure computed from an outcome: distinct customers, a sum or a mean, over a window."""

    path: Path = internal(())
    name: str = ""
    kind: str | None = None  # customers | sum | mean
    outcome: str | None = None
    column: str | None = None  # for sum and mean
    during: Any = None  # as written
    start: dt.date | None = None  # the window, both ends inclusive
    end: dt.date | None = None
    where: str | None = None
    where_rule: Any = internal()  # the parsed rule (planforge.segment.rules.Rule)
    label: str | None = None  # the review's heading for it (default: name)


@dataclass
class Evaluation:
    """What the data says, per group, on ``as_of`` (``planforge evaluate``)."""

    as_of: dt.date
    treated: int = 0
    holdout: int = 0
    measures: dict[str, dict[str, Decimal | None]] = field(default_factory=dict)
    #: Rows not counted, per outcome: unknown_key, out_of_scope, outside_window, after_as_of.
    ignored: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Per tier: customers (treated), held_out, and each customers-measure's treated count.
    tiers: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Per sum-measure and group, one amount per customer with rows (for Welch's t).
    per_customer: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The same plan evaluated on another day (``replay(as_of=day)``), exactly as
    #: ``planforge evaluate --as-of day`` would: the monitoring history's source.
    replay: Any = internal()


@dataclass
class Monitor:
    path: Path = internal(())
    kpi: str | None = None
    when: Target | None = None
    when_text: Any = internal()
    when_error: str | None = internal()
    respond_within: str | None = None
    respond_within_hours: Decimal | None = None
    respond_error: str | None = internal()
    action: str | None = None
    triggered: bool | None = None


@dataclass
class Review:
    path: Path = internal(())
    within_working_days: int | None = None
    deliverable: str | None = None
    due: dt.date | None = None


@dataclass
class Scope:
    path: Path = internal(())
    segment: str | None = None
    customers: int | None = None
    departments: list[str] = field(default_factory=list)
    declared_customers: int | None = internal()  # as written, when the data counts them


@dataclass
class RuleProblem:
    """A rule (or scope, key, name, show column) the segmentation refuses, located."""

    path: Path
    message: str
    offset: int = 0
    code: str = "PF503"


@dataclass
class Segmentation:
    """Where the customers come from and how rules split them; counts when the data was read."""

    path: Path = internal(())
    source: str | None = None  # as written, relative to the plan
    source_file: str | None = internal()  # the resolved path on this machine
    key: str | None = None
    name: str | None = None
    as_of: dt.date | None = None
    scope: str | None = None
    show: list[str] = field(default_factory=list)
    show_given: bool = internal(False)
    share_tolerance: Decimal = Decimal(5)  # percentage points
    holdout: Decimal | None = internal()  # percent of in-scope customers held out of every touch
    holdout_salt: str | None = internal()  # as written; None: the plan's id
    held_out: int | None = internal()  # in-scope customers held out, when the data was read
    columns: list[str] = internal_factory(list)  # the source's header
    source_error: str | None = internal()
    xlsx_cut: int = internal(0)  # tier-list cells cut to fit an XLSX cell, once written
    problems: list[RuleProblem] = internal_factory(list)
    rules: Any = internal()  # the parsed rules (planforge.segment.plan.Rules)
    modified: dt.date | None = internal()  # the source's mtime (differs per checkout)
    read: bool = False  # True when the counts come from the data
    rows: int | None = None  # rows in the source
    customers: int | None = None  # rows in scope
    unassigned: int | None = None
    #: The first repeated keys: key, its first 1-based data rows, how many rows hold it.
    duplicates: list[tuple[str, list[int], int]] = internal_factory(list)
    duplicate_keys: int = internal(0)  # how many keys repeat (duplicates names the first few)
    float_columns: list[str] = internal_factory(list)  # the source's float columns (NaN)
    data_error: str | None = internal()
    data_error_path: Path = internal(())
    data_error_offset: int = internal(0)


@dataclass
class Objective:
    path: Path = internal(())
    statement: str | None = None
    kpi: str | None = None


@dataclass
class Period:
    path: Path = internal(())
    start: dt.date | None = None
    end: dt.date | None = None
    days: int | None = None


@dataclass
class Approval:
    path: Path = internal(())
    role: str | None = None
    person: str | None = None
    name: str | None = None
    date: dt.date | None = None


@dataclass
class Plan:
    """A whole plan, resolved."""

    path: Path = internal(())
    planforge: int | None = None
    id: str | None = None
    title: str | None = None
    locale: str | None = None
    currency: str | None = None
    owner: str | None = None
    status: str | None = None
    version: str | None = None
    objective: Objective = field(default_factory=Objective)
    scope: Scope = field(default_factory=Scope)
    period: Period = field(default_factory=Period)
    phases: list[Phase] = field(default_factory=list)
    team: list[Person] = field(default_factory=list)
    tiers: list[Tier] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    kpis: list[KPI] = field(default_factory=list)
    measures: dict[str, Decimal] = field(default_factory=dict)
    monitoring: list[Monitor] = field(default_factory=list)
    review: Review | None = None
    segmentation: Segmentation | None = None
    approvals: list[Approval] = field(default_factory=list)
    exceeded_margin: Quantity = field(default_factory=lambda: Quantity(Decimal(10), True))
    calendar: WorkCalendar = internal(None)  # set by resolve (schedule.calendar.calendar_from)
    #: Values in text (a share, a margin) whose numbers are out of bounds: (path, why).
    out_of_bounds: list[tuple[Path, str]] = internal_factory(list)
    #: Every measure the plan names, recorded or not (empty, or refused by the bounds).
    measure_names: set[str] = internal_factory(set)
    outcomes: dict[str, Outcome] = internal_factory(dict)
    measure_specs: dict[str, MeasureSpec] = internal_factory(dict)
    evaluation: Evaluation | None = internal()
    #: Problems with outcomes, data measures, the holdout and comparisons, located.
    evaluation_problems: list[RuleProblem] = internal_factory(list)
