"""The data measures as one portable SQL statement (``planforge evaluate --sql DIALECT``).

The customers table gives the in-scope customers and their group (the holdout draw of
:mod:`planforge.segment.holdout_sql`); each outcome is a table named like the outcome, joined
on the trimmed key; each measure is one ``SELECT measure, "group", value … GROUP BY``
over its window (clipped at ``as_of``) and ``where``, all in one ``UNION ALL``.
"""

from __future__ import annotations

import datetime as dt

from sqlglot import exp

from planforge.model import MeasureSpec, Plan
from planforge.segment.holdout_sql import held_out
from planforge.segment.sql import condition

_TEXT = {"spark": "STRING", "duckdb": "VARCHAR", "trino": "VARCHAR", "postgres": "TEXT"}


def _key(column: str, dialect: str, table: str | None = None) -> exp.Expression:
    col = exp.column(column, table=table, quoted=True)
    return exp.func("TRIM", exp.cast(col, exp.DataType.build(_TEXT[dialect], dialect=dialect)))


def _group(plan: Plan, dialect: str) -> exp.Expression:
    cond = held_out(plan, dialect)
    if cond is None:
        return exp.Literal.string("treated")
    return exp.Case().when(cond, exp.Literal.string("holdout")).else_(exp.Literal.string("treated"))


def statement(plan: Plan, dialect: str, as_of: dt.date, table: str = "customers") -> str:
    """Every data measure per group (``measure``, ``group``, ``value``), for ``dialect``."""
    seg = plan.segmentation
    assert seg is not None and seg.key and seg.rules is not None
    people = exp.select(
        exp.alias_(_key(seg.key, dialect), "k"), exp.alias_(_group(plan, dialect), "grp")
    ).from_(exp.to_table(table))
    if seg.rules.scope:
        people = people.where(condition(seg.rules.scope.tree, seg.as_of or as_of))
    parts = [
        exp.select(
            exp.alias_(exp.Literal.string("customers"), "measure"),
            "grp",
            exp.alias_(exp.Count(this=exp.Star()), "value"),
        )
        .from_("people")
        .group_by("grp")
    ]
    for m in plan.measure_specs.values():
        part = _measure(plan, m, dialect, as_of)
        if part is not None:
            parts.append(part)
    union = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False)
    query = exp.select("measure", exp.alias_("grp", "group"), "value").from_(
        union.subquery("measures")
    )
    query = query.order_by("measure", "grp").with_("people", as_=people)
    return query.sql(dialect=dialect, identify=True, pretty=True) + ";"


def _measure(plan: Plan, m: MeasureSpec, dialect: str, as_of: dt.date) -> exp.Expression | None:
    out = plan.outcomes.get(m.outcome or "")
    if out is None or not out.key or not out.date or m.start is None or m.end is None:
        return None
    end = min(m.end, as_of)
    day = exp.cast(exp.column(out.date, table="o", quoted=True), exp.DataType.Type.DATE)
    window = exp.Between(
        this=day,
        low=exp.cast(exp.Literal.string(m.start.isoformat()), exp.DataType.Type.DATE),
        high=exp.cast(exp.Literal.string(end.isoformat()), exp.DataType.Type.DATE),
    )
    if m.where_rule is not None:
        where = condition(m.where_rule.tree, as_of).transform(
            lambda n: exp.column(n.name, table="o", quoted=True) if isinstance(n, exp.Column) else n
        )
        window = exp.and_(window, exp.paren(where))
    if m.kind == "customers":
        value: exp.Expression = exp.Count(this=exp.Distinct(expressions=[exp.column("k", "p")]))
    else:
        column = exp.column(m.column or "", table="o", quoted=True)
        value = exp.Sum(this=column) if m.kind == "sum" else exp.Avg(this=column)
    joined = exp.select(
        exp.alias_(exp.Literal.string(m.name), "measure"),
        exp.column("grp", "p"),
        exp.alias_(value, "value"),
    ).from_(exp.alias_(exp.to_table(out.name), "o"))
    on = exp.EQ(this=_key(out.key, dialect, "o"), expression=exp.column("k", "p"))
    return (
        joined.join(exp.alias_(exp.to_table("people"), "p"), on=on)
        .where(window)
        .group_by(exp.column("grp", "p"))
    )
