"""Reading the outcomes' rows with polars: every data measure, per group, on ``as_of``.

The customers (key, in scope, tier, held out) come from the segmentation source;
each outcome file is scanned lazily, joined on the key, and reduced to a few
numbers per group, so no outcome file is ever loaded into Python objects. Rows
whose key is not in the customer data, rows of out-of-scope customers and rows
outside every window, or dated after ``as_of``, are counted, not used.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import polars as pl

from planforge.evaluate.plan import problem
from planforge.messages import msg
from planforge.model import Evaluation, MeasureSpec, Outcome, Plan
from planforge.segment import holdout
from planforge.segment.holdout import salt

KEY, SCOPE, TIER, HELD, DAY, ROW = "__key", "__in_scope", "__tier", "__held", "__day", "__row"
GROUPS = ("treated", "holdout")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")
#: Decimal places kept of a sum or a mean read from a float column.
PLACES = Decimal("0.000001")


def customers(plan: Plan) -> pl.DataFrame:
    """One row per customer key: in scope, tier and held out (the first row of a repeated key)."""
    from planforge.segment.run import IN_SCOPE, prepare
    from planforge.segment.run import TIER as SEG_TIER

    seg = plan.segmentation
    assert seg is not None and seg.key and seg.rules is not None
    prepared = prepare(plan, seg.rules)
    key = holdout.key_expr(seg.key)
    frame = prepared.frame.select(
        key.alias(KEY), pl.col(IN_SCOPE).alias(SCOPE), pl.col(SEG_TIER).alias(TIER)
    ).filter(pl.col(KEY).is_not_null() & (pl.col(KEY) != ""))
    if seg.holdout is not None:
        held = holdout.expr(KEY, salt(plan), seg.holdout) & pl.col(SCOPE)
    else:
        held = pl.lit(False)
    frame = frame.unique(KEY, keep="first", maintain_order=False).with_columns(held.alias(HELD))
    return frame.collect(engine="streaming")


def day(column: str, dtype: Any) -> pl.Expr:
    """``column`` as a date: a date or datetime column as is, text in the usual formats."""
    col = pl.col(column)
    if dtype == pl.Date:
        return col
    if isinstance(dtype, pl.Datetime):
        return col.dt.date()
    if dtype == pl.String:
        text = col.str.strip_chars()
        parsed = [text.str.to_date(f, strict=False) for f in _DATE_FORMATS]
        parsed += [text.str.to_datetime(f, strict=False).dt.date() for f in _DATETIME_FORMATS]
        return pl.coalesce(parsed)
    return pl.lit(None, dtype=pl.Date)


def groups(plan: Plan, ev: Evaluation) -> pl.DataFrame:
    """The customers, with the group sizes and each tier's held-out count recorded."""
    seg = plan.segmentation
    assert seg is not None
    people = customers(plan)
    in_scope = people.filter(pl.col(SCOPE))
    ev.holdout = int(in_scope[HELD].sum())
    ev.treated = in_scope.height - ev.holdout
    seg.held_out = ev.holdout
    _tiers(plan, ev, in_scope)
    return people


def readable(plan: Plan) -> bool:
    """True when the customer data was read and can be split into groups."""
    seg = plan.segmentation
    return bool(seg and seg.read and seg.rules is not None and seg.key)


def mark_held_out(plan: Plan) -> None:
    """Count the held-out customers of each tier (``segment`` without ``evaluate``)."""
    if readable(plan) and plan.segmentation and plan.segmentation.holdout is not None:
        groups(plan, Evaluation(dt.date.today()))


def evaluate(plan: Plan, as_of: dt.date) -> None:
    """Fill ``plan.evaluation``: group sizes, every data measure per group, rows ignored."""
    if not plan.measure_specs or not readable(plan):
        return
    if any(p.code in ("PF610", "PF611") for p in plan.evaluation_problems):
        return
    ev = Evaluation(as_of)
    people = groups(plan, ev)
    plan.evaluation = ev
    for name, out in plan.outcomes.items():
        specs = [m for m in plan.measure_specs.values() if m.outcome == name]
        if specs:
            _outcome(plan, ev, out, specs, people)


def _tiers(plan: Plan, ev: Evaluation, in_scope: pl.DataFrame) -> None:
    counts = in_scope.group_by(TIER, HELD).len()
    for tier, held, n in counts.iter_rows():
        if tier is None:
            continue
        entry = ev.tiers.setdefault(tier, {"customers": 0, "held_out": 0})
        entry["held_out" if held else "customers"] += int(n)
    for t in plan.tiers:
        if t.id in ev.tiers:
            t.held_out = ev.tiers[t.id]["held_out"]


def _scan(plan: Plan, out: Outcome) -> tuple[pl.LazyFrame, dict[str, Any]] | None:
    from planforge.segment.source import SourceError, scan

    assert out.source_file and out.key and out.date
    try:
        frame = scan(out.source_file, [out.key])
        schema = dict(frame.collect_schema())
    except SourceError as exc:
        problem(plan, "PF610", (*out.path, "source"), exc.args[0])
        return None
    except Exception as exc:  # polars' own errors: the file is not what it says
        problem(plan, "PF610", (*out.path, "source"), _cannot(out, exc))
        return None
    return frame, schema


def _cannot(out: Outcome, exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return msg("cannot read the rows of `{source}`: {error}", source=out.source, error=first)


def _checked(plan: Plan, out: Outcome, per_key: pl.DataFrame) -> bool:
    """Blank keys and dates that are not dates, each a located problem; True when clean."""
    blank = per_key.filter(pl.col(KEY).is_null() | (pl.col(KEY) == ""))
    found = {
        "blank": int(blank["__n"].sum()),
        "blank_row": blank["__first"].min(),
        "undated": int(per_key["__undated"].sum()),
        "undated_row": per_key["__undated_row"].min(),
    }
    file = os.path.basename(out.source or "")
    if found["blank"]:
        problem(
            plan,
            "PF610",
            (*out.path, "key"),
            msg(
                "{n} rows of `{file}` have an empty `{column}` (the first is row {row}):"
                " every row needs the customer's key; fix or remove those rows in the export",
                n=found["blank"],
                file=file,
                column=out.key,
                row=found["blank_row"],
            ),
        )
    if found["undated"]:
        problem(
            plan,
            "PF610",
            (*out.path, "date"),
            msg(
                "{n} values of `{column}` in `{file}` are not dates (the first is row {row}):"
                " export the column as dates, written YYYY-MM-DD",
                n=found["undated"],
                column=out.date,
                file=file,
                row=found["undated_row"],
            ),
        )
    return not found["blank"] and not found["undated"]


def _number_column(plan: Plan, m: MeasureSpec, out: Outcome, schema: dict[str, Any]) -> bool:
    assert m.column is not None and m.kind is not None and m.outcome is not None
    if schema[m.column].is_numeric():
        return True
    problem(
        plan,
        "PF611",
        (*m.path, m.kind),
        msg(
            "`{column}` in `{file}` holds text, not numbers, so `{kind}` cannot add it up:"
            " export it as plain numbers (no ¥ signs or thousands separators)",
            column=m.column,
            file=os.path.basename(out.source or ""),
            kind=m.kind,
        ),
        len(m.outcome) + 1,
    )
    return False


def _outcome(
    plan: Plan, ev: Evaluation, out: Outcome, specs: list[MeasureSpec], people: pl.DataFrame
) -> None:
    """One streaming pass over the outcome: per customer key, what every measure needs."""
    scanned = _scan(plan, out)
    if scanned is None:
        return
    frame, schema = scanned
    assert out.key and out.date
    live: list[tuple[MeasureSpec, pl.Expr, pl.Expr | None]] = []
    for m in specs:
        if m.column is not None and not _number_column(plan, m, out, schema):
            continue
        if m.start is not None and m.start > ev.as_of:
            ev.measures[m.name] = {g: None for g in GROUPS}  # its window has not begun: pending
            continue
        where = _where(plan, m, schema, ev.as_of)
        if where is not False:
            live.append((m, _window(m, ev.as_of), where))
    raw = pl.col(out.date)
    undated = raw.is_not_null() & pl.col(DAY).is_null()
    if schema[out.date] == pl.String:
        undated = undated & (raw.str.strip_chars() != "")
    # Row-level columns first, then only simple aggregations per key (streaming-friendly),
    # then the customers joined to the (at most one row per key) result.
    counted: pl.Expr = pl.lit(False)
    columns = [
        undated.alias("__u"),
        pl.when(undated).then(pl.col(ROW)).alias("__urow"),
        (pl.col(DAY) > pl.lit(ev.as_of)).fill_null(False).alias("__late"),
    ]
    aggs = [
        pl.len().alias("__n"),
        pl.col(ROW).min().alias("__first"),
        pl.col("__u").sum().alias("__undated"),
        pl.col("__urow").min().alias("__undated_row"),
        pl.col("__late").sum().alias("__after"),
    ]
    for i, (m, window, where) in enumerate(live):
        inside = _inside(window, where)
        counted = counted | window  # a row a `where` leaves out is not outside the window
        columns.append(inside.alias(f"__in{i}"))
        aggs += [
            pl.col(f"__in{i}").max().alias(f"__any{i}"),
            pl.col(f"__in{i}").sum().alias(f"__rows{i}"),
        ]
        if m.column is not None:
            columns.append(pl.when(inside).then(pl.col(m.column)).alias(f"__val{i}"))
            aggs.append(pl.col(f"__val{i}").sum().alias(f"__sum{i}"))
    columns.append(counted.alias("__cnt"))
    aggs.append(pl.col("__cnt").sum().alias("__counted"))
    try:
        per_key = (
            frame.with_row_index(ROW, offset=2)
            .with_columns(
                holdout.key_expr(out.key).alias(KEY), day(out.date, schema[out.date]).alias(DAY)
            )
            .with_columns(columns)
            .group_by(KEY)
            .agg(aggs)
            .join(people.lazy(), on=KEY, how="left")
            .collect(engine="streaming")
        )
    except Exception as exc:  # a row polars cannot read
        problem(plan, "PF610", (*out.path, "source"), _cannot(out, exc))
        return
    if not _checked(plan, out, per_key):
        return
    scope = pl.col(SCOPE).fill_null(False)
    in_scope = per_key.filter(scope)
    after = int(in_scope["__after"].sum())  # not counted yet: no window reaches past as_of
    ev.ignored[out.name] = {
        "unknown_key": int(per_key.filter(pl.col(SCOPE).is_null())["__n"].sum()),
        "out_of_scope": int(per_key.filter(pl.col(SCOPE) == False)["__n"].sum()),  # noqa: E712
        "outside_window": int(
            in_scope.select((pl.col("__n") - pl.col("__counted")).sum()).item() or 0
        )
        - after,
        "after_as_of": after,
    }
    for i, (m, _, _) in enumerate(live):
        _measure(plan, ev, m, in_scope.filter(pl.col(f"__any{i}")), i)


def _where(plan: Plan, m: MeasureSpec, schema: dict[str, Any], as_of: dt.date) -> Any:
    """The measure's ``where`` as a polars condition (None: no filter; False: refused)."""
    from planforge.segment.engine import Compiler
    from planforge.segment.rules import RuleError

    if m.where_rule is None:
        return None
    try:
        return Compiler(schema, as_of).condition(m.where_rule)
    except RuleError as exc:
        problem(plan, "PF611", (*m.path, "where"), exc.args[0], exc.offset)
        return False


def _window(m: MeasureSpec, as_of: dt.date) -> pl.Expr:
    """Rows in the measure's window, up to ``as_of``."""
    end = min(m.end, as_of) if m.end else as_of
    return pl.col(DAY).is_between(pl.lit(m.start), pl.lit(end), closed="both").fill_null(False)


def _inside(window: pl.Expr, where: pl.Expr | None) -> pl.Expr:
    """Rows in the window that pass the measure's ``where``."""
    return window if where is None else (window & where).fill_null(False)


def _measure(plan: Plan, ev: Evaluation, m: MeasureSpec, rows: pl.DataFrame, i: int) -> None:
    """A measure per group from the per-key figures of the customers with rows in its window."""
    group = {g: rows.filter(pl.col(HELD) == (g == "holdout")) for g in GROUPS}
    if m.kind == "customers":
        result: dict[str, Decimal | None] = {g: Decimal(group[g].height) for g in GROUPS}
        treated = group["treated"].group_by(TIER).len()
        for tier, n in treated.iter_rows():
            if tier in ev.tiers:
                ev.tiers[tier][m.name] = int(n)
    elif m.kind == "sum":
        ev.per_customer[m.name] = {g: group[g][f"__sum{i}"].to_numpy() for g in GROUPS}
        result = {g: _amount(group[g][f"__sum{i}"].sum()) for g in GROUPS}
    else:
        result = {
            g: _amount(group[g][f"__sum{i}"].sum() / n)
            if (n := group[g][f"__rows{i}"].sum())
            else None
            for g in GROUPS
        }
        if result["treated"] is None:
            problem(
                plan,
                "PF612",
                (*m.path, "mean"),
                msg(
                    "`{name}` has no rows in its window yet, so it has no mean: the KPIs"
                    " using it stay pending (not zero)",
                    name=m.name,
                ),
            )
    if plan.segmentation and plan.segmentation.holdout is None:
        result["holdout"] = None
    ev.measures[m.name] = result


def _amount(value: Any) -> Decimal | None:
    """A float from polars as a Decimal, to :data:`PLACES` without trailing zeros."""
    if value is None:
        return None
    exact = Decimal(repr(float(value))).quantize(PLACES)
    if exact == exact.to_integral_value():
        return exact.quantize(Decimal(1))
    return exact.normalize()
