"""The holdout draw in SQL, per engine: the same 16 hex digits as :mod:`planforge.segment.holdout`.

A customer is held out when the first 16 hex digits (8 bytes) of SHA-256 of
``'<salt>:' || TRIM(key)`` sort below the threshold written as 16 hex digits:
fixed-width lowercase hex sorts as the number it writes, so no engine needs
unsigned 64-bit integers.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from planforge.model import Plan
from planforge.segment.holdout import hex_threshold, salt

#: Lowercase hex of the first 8 bytes of SHA-256(text), per engine ({text}: a text expression).
_HEX16 = {
    "spark": "LOWER(SUBSTRING(SHA2({text}, 256), 1, 16))",
    "duckdb": "SUBSTRING(SHA256({text}), 1, 16)",
    "trino": "LOWER(TO_HEX(SUBSTR(SHA256(TO_UTF8({text})), 1, 8)))",
    "postgres": "SUBSTRING(ENCODE(SHA256(CONVERT_TO({text}, 'UTF8')), 'hex') FROM 1 FOR 16)",
}
_TEXT = {"spark": "STRING", "duckdb": "VARCHAR", "trino": "VARCHAR", "postgres": "TEXT"}


def held_out(plan: Plan, dialect: str) -> exp.Expression | None:
    """``<hex16> < '<threshold>'`` for the plan's key, salt and share; None without a holdout."""
    seg = plan.segmentation
    if seg is None or seg.holdout is None or not seg.key:
        return None
    key = exp.column(seg.key, quoted=True).sql(dialect=dialect)
    prefix = exp.Literal.string(f"{salt(plan)}:").sql(dialect=dialect)
    text = f"CONCAT({prefix}, TRIM(CAST({key} AS {_TEXT[dialect]})))"
    condition = f"{_HEX16[dialect].format(text=text)} < '{hex_threshold(seg.holdout)}'"
    return sqlglot.parse_one(condition, read=dialect)


def group_column(plan: Plan, dialect: str) -> exp.Expression | None:
    """``CASE WHEN <held out> THEN 'holdout' ELSE 'treated' END AS "group"``, or None."""
    cond = held_out(plan, dialect)
    if cond is None:
        return None
    case = exp.Case().when(cond, exp.Literal.string("holdout")).else_(exp.Literal.string("treated"))
    return exp.alias_(case, "group")
