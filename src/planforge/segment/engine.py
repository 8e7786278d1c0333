"""The embedded engine: checked rule trees compiled to polars expressions.

Every node of a rule (already checked against the allow-list in
:mod:`planforge.segment.rules`) becomes a polars expression, with a small type
check on the way: comparing a text column with a number is a located error
rather than a failure deep in polars. SQL's NULL logic carries over: a
comparison with an empty cell is unknown, and an unknown condition does not match.
A NaN in a float column is an empty cell; ``%`` and ``_`` in LIKE match line breaks;
``BETWEEN SYMMETRIC`` takes its bounds in either order: the same answers as the SQL
of :mod:`planforge.segment.sql` (tests/segment/test_engine_vs_sql.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlglot import exp

from planforge.messages import msg
from planforge.segment.rules import DAYS_SINCE, Rule, RuleError

NUM, TEXT, DATE, BOOL, NULL = "number", "text", "date", "true/false", "empty"
#: What the data engine may raise: its errors, and a Rust panic, which is a
#: ``BaseException`` that would escape every ``except Exception`` (the last line of
#: defence; the rules are type-checked before any data is read).
FAILURES: tuple[type[BaseException], ...] = (Exception, pl.exceptions.PanicException)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")
_CMP = {
    exp.EQ: "__eq__",
    exp.NEQ: "__ne__",
    exp.GT: "__gt__",
    exp.GTE: "__ge__",
    exp.LT: "__lt__",
    exp.LTE: "__le__",
}
_ARITH = {exp.Add: "__add__", exp.Sub: "__sub__", exp.Mul: "__mul__", exp.Div: "__truediv__"}


def kind_of(dtype: Any) -> str:
    """What a rule may do with a polars column type."""
    if dtype.is_numeric():
        return NUM
    if dtype in (pl.Date,) or isinstance(dtype, pl.Datetime):
        return DATE
    if dtype == pl.Boolean:
        return BOOL
    if dtype == pl.Null:
        return NULL
    return TEXT


@dataclass
class Compiler:
    """Compiles rules against one source's schema, with ``as_of`` for days_since."""

    schema: dict[str, Any]
    as_of: dt.date

    def condition(self, rule: Rule) -> pl.Expr:
        expr, _ = self._node(rule.tree, rule.text)
        return expr

    def matched_columns(self, rule: Rule) -> dict[str, pl.Expr]:
        """For each column of ``rule``: true on the rows where a condition on it helped match.

        A condition helps when it holds (under NOT: when it does not) and the part of
        the rule around it holds too: for ``arr_usd >= 60000 AND (health_score < 45 OR
        open_tickets >= 4)`` and a row with health 51 and 4 open tickets, ``arr_usd``
        and ``open_tickets`` helped, ``health_score`` did not.
        """
        return self._helped(rule.tree, True, rule.text)[1]

    def _helped(
        self, node: exp.Expression, holds: bool, text: str
    ) -> tuple[pl.Expr, dict[str, pl.Expr]]:
        """Whether ``node`` is ``holds`` on each row, and per column whether it helped."""
        if isinstance(node, exp.Paren):
            return self._helped(node.this, holds, text)
        if isinstance(node, exp.Not):
            return self._helped(node.this, not holds, text)
        if isinstance(node, (exp.And, exp.Or)):
            left, lm = self._helped(node.this, holds, text)
            right, rm = self._helped(node.expression, holds, text)
            both = isinstance(node, exp.And) == holds  # AND holding, or OR failing
            value = left & right if both else left | right
            merged = {c: lm.get(c, pl.lit(False)) | rm.get(c, pl.lit(False)) for c in {**lm, **rm}}
            return value, {c: m & value for c, m in merged.items()} if both else merged
        expr, _ = self._node(node, text)
        value = (expr == pl.lit(holds)).fill_null(False)
        return value, {c.name: value for c in node.find_all(exp.Column)}

    def _node(self, node: exp.Expression, text: str) -> tuple[pl.Expr, str]:
        if isinstance(node, exp.Paren):
            return self._node(node.this, text)
        if isinstance(node, (exp.And, exp.Or)):
            left, _ = self._node(node.this, text)
            right, _ = self._node(node.expression, text)
            return (left & right if isinstance(node, exp.And) else left | right), BOOL
        if isinstance(node, exp.Not):
            inner, _ = self._node(node.this, text)
            return ~inner, BOOL
        if type(node) in _CMP:
            return self._compare(node, node.this, node.expression, _CMP[type(node)], text), BOOL
        if isinstance(node, exp.Between):
            low = self._compare(node, node.this, node.args["low"], "__ge__", text)
            high = self._compare(node, node.this, node.args["high"], "__le__", text)
            if not node.args.get("symmetric"):
                return low & high, BOOL
            # BETWEEN SYMMETRIC: either bound may be the smaller one.
            below = self._compare(node, node.this, node.args["low"], "__le__", text)
            above = self._compare(node, node.this, node.args["high"], "__ge__", text)
            return (low & high) | (above & below), BOOL
        if isinstance(node, exp.In):
            parts = [self._compare(node, node.this, v, "__eq__", text) for v in node.expressions]
            out = parts[0]
            for p in parts[1:]:
                out = out | p
            return out, BOOL
        if isinstance(node, exp.Is):
            value, _ = self._node(node.this, text)
            if isinstance(node.expression, exp.Null):
                return value.is_null(), BOOL
            return self._compare(node, node.this, node.expression, "__eq__", text), BOOL
        if isinstance(node, exp.Like):
            return self._like(node, text), BOOL
        if type(node) in _ARITH:
            left, lk = self._node(node.this, text)
            right, rk = self._node(node.expression, text)
            for k, side in ((lk, node.this), (rk, node.expression)):
                if k not in (NUM, NULL):
                    raise RuleError(
                        msg(
                            "`{expr}` is {kind}, not a number: it cannot be calculated with",
                            expr=side.sql(),
                            kind=k,
                        ),
                        _at(side),
                    )
            return getattr(left, _ARITH[type(node)])(right), NUM
        if isinstance(node, exp.Neg):
            inner, k = self._node(node.this, text)
            return -inner, k
        return self._leaf(node)

    def _leaf(self, node: exp.Expression) -> tuple[pl.Expr, str]:
        if isinstance(node, exp.Literal):
            if node.is_string:
                return pl.lit(node.this, dtype=pl.String), TEXT
            number = float(node.this)
            return pl.lit(
                int(number) if number.is_integer() and "." not in node.this else number
            ), NUM
        if isinstance(node, exp.Null):
            return pl.lit(None), NULL
        if isinstance(node, exp.Boolean):
            return pl.lit(bool(node.this)), BOOL
        if isinstance(node, exp.Cast):
            return pl.lit(dt.date.fromisoformat(node.this.this)), DATE
        if isinstance(node, exp.Column):
            dtype = self.schema[node.name]
            if dtype.is_float():  # NaN is an empty cell, as in the SQL (planforge.segment.sql)
                return pl.col(node.name).fill_nan(None), NUM
            return pl.col(node.name), kind_of(dtype)
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == DAYS_SINCE:
            column = node.expressions[0]
            return (pl.lit(self.as_of) - self._date(column)).dt.total_days(), NUM
        raise RuleError(
            msg("`{expr}` is not allowed in a rule", expr=node.sql()), _at(node)
        )  # pragma: no cover

    def _date(self, column: exp.Column) -> pl.Expr:
        col = pl.col(column.name)
        k = kind_of(self.schema[column.name])
        if k == DATE:
            return col.cast(pl.Date)
        if k in (TEXT, NULL):
            text = col.cast(pl.String).str.strip_chars()
            return pl.coalesce([text.str.to_date(f, strict=False) for f in _DATE_FORMATS])
        raise RuleError(
            msg(
                "days_since needs a date column, but `{column}` holds {kind} values",
                column=column.name,
                kind=k,
            ),
            _at(column),
        )

    def _compare(
        self, node: exp.Expression, a: exp.Expression, b: exp.Expression, op: str, text: str
    ) -> pl.Expr:
        left, lk = self._node(a, text)
        right, rk = self._node(b, text)
        # A date column compared with '2024-01-01' or a text column holding dates.
        if lk == DATE and rk == TEXT and isinstance(b, exp.Literal):
            right, rk = pl.lit(_iso(b)), DATE
        if rk == DATE and lk == TEXT and isinstance(a, exp.Literal):
            left, lk = pl.lit(_iso(a)), DATE
        if lk == TEXT and rk == DATE and isinstance(a, exp.Column):
            left, lk = self._date(a), DATE
        if rk == TEXT and lk == DATE and isinstance(b, exp.Column):
            right, rk = self._date(b), DATE
        if NULL not in (lk, rk) and lk != rk:
            culprit = a if isinstance(a, exp.Column) else b
            raise RuleError(
                msg(
                    "`{a}` is {ak} but `{b}` is {bk}: compare like with like (the source's"
                    " `{column}` column holds {kind})",
                    a=a.sql(),
                    ak=lk,
                    b=b.sql(),
                    bk=rk,
                    column=culprit.name,
                    kind=kind_of(self.schema[culprit.name]),
                )
                if isinstance(culprit, exp.Column)
                else msg(
                    "`{a}` is {ak} but `{b}` is {bk}: compare like with like",
                    a=a.sql(),
                    ak=lk,
                    b=b.sql(),
                    bk=rk,
                ),
                _at(culprit),
            )
        return getattr(left, op)(right)

    def _like(self, node: exp.Like, text: str) -> pl.Expr:
        value, _k = self._node(node.this, text)
        pattern = node.expression
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise RuleError(msg("LIKE takes a text pattern such as '138%'"), _at(pattern))
        regex = (
            "(?s)^"  # as in SQL, `%` and `_` match line breaks too
            + "".join(
                ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern.this
            )
            + "$"
        )
        return value.cast(pl.String).str.contains(regex)


def _iso(lit: exp.Literal) -> dt.date:
    try:
        return dt.date.fromisoformat(lit.this)
    except ValueError:
        raise RuleError(
            msg("'{value}' is not a date: write DATE '2024-01-01'", value=lit.this), _at(lit)
        ) from None


def _at(node: exp.Expression) -> int:
    from planforge.segment.rules import offset_of

    start = offset_of(node)
    return start if start >= 0 else 0


def assign(tiers: list[tuple[str, pl.Expr | None]]) -> pl.Expr:
    """The tier of each row: the first tier whose condition holds (a tier without one takes the rest)."""
    chain: Any = None
    for tier_id, cond in tiers:
        cond = pl.lit(True) if cond is None else cond.fill_null(False)
        chain = (pl.when(cond) if chain is None else chain.when(cond)).then(pl.lit(tier_id))
    if chain is None:
        return pl.lit(None, dtype=pl.String)
    return chain.otherwise(pl.lit(None, dtype=pl.String))
