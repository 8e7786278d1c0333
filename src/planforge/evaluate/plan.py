"""The evaluation's part of resolve: outcomes, data measures, the holdout and comparisons.

Only headers are read here (what ``validate`` needs); the rows are read by
:mod:`planforge.evaluate.run`. Problems are recorded in ``plan.evaluation_problems``
with their rule's code, and reported by :mod:`planforge.rules.evaluation`:
PF516 holdout, PF606/PF607 comparisons, PF610 outcome sources, PF611 measures.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planforge.confined import allowed, nameable, outside_message
from planforge.messages import msg
from planforge.model import MeasureSpec, Outcome, Plan, RuleProblem, Tier
from planforge.quantities import parse_quantity
from planforge.source import Path

KINDS = ("customers", "sum", "mean")
HOLDOUT = "holdout"


def problem(plan: Plan, code: str, path: Path, message: str, offset: int = 0) -> None:
    plan.evaluation_problems.append(RuleProblem(path, message, offset, code))


def resolve_holdout(plan: Plan, raw: dict[str, Any]) -> None:
    """``segmentation.holdout`` (a percentage strictly between 0% and 100%) and its salt."""
    seg = plan.segmentation
    assert seg is not None
    text = raw.get("holdout")
    salt = raw.get("holdout_salt")
    seg.holdout_salt = salt if isinstance(salt, str) else None
    if not isinstance(text, str):
        return
    try:
        share = parse_quantity(text)
    except ValueError:
        return  # the schema says how to write a percentage
    if not share.percent:
        return
    if not Decimal(0) < share.value < Decimal(100):
        problem(
            plan,
            "PF516",
            ("segmentation", "holdout"),
            msg(
                "a holdout of {share} compares nothing: with 0% no customer is held out,"
                " with 100% no customer is touched",
                share=str(share),
            ),
        )
        return
    seg.holdout = share.value


def treated(tier: Tier, plan: Plan) -> int | None:
    """The tier's customers who get touched: all but the held-out ones (counted in the data,
    else expected from the holdout share)."""
    if tier.customers is None:
        return None
    if tier.held_out is not None:
        return tier.customers - tier.held_out
    share = plan.segmentation.holdout if plan.segmentation else None
    if share is None:
        return tier.customers
    held = (tier.customers * share / 100).to_integral_value(ROUND_HALF_UP)
    return tier.customers - int(held)


def resolve_outcomes(plan: Plan, data: dict[str, Any], base: str) -> None:
    """``outcomes`` and the data measures, with their headers and windows checked."""
    raw = data.get("outcomes")
    if isinstance(raw, dict):
        for name, spec in raw.items():
            if isinstance(name, str) and isinstance(spec, dict):
                plan.outcomes[name] = _outcome(plan, name, spec, base)
    measures = data.get("measures")
    if isinstance(measures, dict):
        for name, spec in measures.items():
            if isinstance(name, str) and isinstance(spec, dict):
                plan.measure_specs[name] = _measure(plan, name, spec)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _outcome(plan: Plan, name: str, spec: dict[str, Any], base: str) -> Outcome:
    path: Path = ("outcomes", name)
    out = Outcome(path, name, _text(spec.get("source")), _text(spec.get("key")))
    out.date = _text(spec.get("date"))
    if not out.source or not nameable(out.source):  # else the schema's PF104 says why
        return out
    full = os.path.normpath(os.path.join(base, out.source))
    if not allowed(full, base):
        problem(
            plan,
            "PF610",
            (*path, "source"),
            outside_message(out.source),
        )
        return out
    out.source_file = full
    from planforge.segment.source import SourceError, header

    try:
        out.columns = header(full)
    except SourceError as exc:
        problem(plan, "PF610", (*path, "source"), exc.args[0])
        return out
    except OSError as exc:
        problem(
            plan,
            "PF610",
            (*path, "source"),
            msg("cannot read `{file}`: {error}", file=out.source, error=exc.strerror or str(exc)),
        )
        return out
    for field in ("key", "date"):
        column = getattr(out, field)
        if column is not None and column not in out.columns:
            problem(plan, "PF610", (*path, field), missing_column(out, column))
    return out


def missing_column(out: Outcome, column: str) -> str:
    """``orders.csv has no column 金额; did you mean 金額?`` (or its columns)."""
    from planforge.segment.plan import unknown_column

    return unknown_column(column, out.columns, os.path.basename(out.source or ""))


def _measure(plan: Plan, name: str, spec: dict[str, Any]) -> MeasureSpec:
    from planforge.evaluate.windows import WindowError, window

    path: Path = ("measures", name)
    m = MeasureSpec(path, name, label=_text(spec.get("label")))
    given = [k for k in KINDS if k in spec]
    if len(given) != 1:
        problem(
            plan,
            "PF611",
            path,
            msg(
                "measure `{name}` needs exactly one of `customers: <outcome>`,"
                " `sum: <outcome>.<column>` or `mean: <outcome>.<column>`",
                name=name,
            ),
        )
        return m
    m.kind = given[0]
    target = _text(spec.get(m.kind))
    if target is None:
        return m  # the schema reports the type
    where: Path = (*path, m.kind)
    if m.kind == "customers":
        m.outcome = target
    else:
        m.outcome, dot, m.column = target.partition(".")
        if not dot or not m.column:
            problem(
                plan,
                "PF611",
                where,
                msg("write `{kind}: <outcome>.<column>`, e.g. `{kind}: orders.金额`", kind=m.kind),
            )
            return m
    outcome = plan.outcomes.get(m.outcome)
    if outcome is None:
        known = ", ".join(plan.outcomes) or msg("none are defined")
        problem(
            plan,
            "PF611",
            where,
            msg(
                "`{outcome}` is not one of the `outcomes` (known: {known})",
                outcome=m.outcome,
                known=known,
            ),
        )
    elif m.column is not None and outcome.columns and m.column not in outcome.columns:
        problem(plan, "PF611", where, missing_column(outcome, m.column), len(m.outcome) + 1)
    m.during = spec.get("during")
    if m.during is not None:
        try:
            m.start, m.end = window(m.during, plan)
        except WindowError as exc:
            problem(plan, "PF611", (*path, "during"), exc.args[0])
    m.where = _text(spec.get("where"))
    if m.where is not None:
        _where(plan, m, outcome)
    return m


def _where(plan: Plan, m: MeasureSpec, outcome: Outcome | None) -> None:
    try:
        from planforge.segment.rules import RuleError, parse_rule
    except ImportError:
        return  # without the data extra nothing is read
    where: Path = (*m.path, "where")
    try:
        m.where_rule = parse_rule(m.where or "")
    except RuleError as exc:
        problem(plan, "PF611", where, exc.args[0], exc.offset)
        return
    if outcome is None or not outcome.columns:
        return
    for ref in m.where_rule.columns:
        if ref.name not in outcome.columns:
            problem(plan, "PF611", where, missing_column(outcome, ref.name), ref.offset)
