"""The embedded engine (polars) and ``segment --sql`` count the same customers.

The printed SQL (:func:`planforge.segment.sql.statement`, DuckDB dialect) runs in DuckDB
over the same rows that the engine tiers: first the cases the two used to disagree on
(NaN in a float column is an empty cell, ``BETWEEN SYMMETRIC``, ``LIKE`` across line
breaks), then random rules over random small tables from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import polars as pl
import pytest

from planforge.model import Segmentation
from planforge.segment.engine import Compiler, assign
from planforge.segment.plan import SEG, Rules
from planforge.segment.rules import parse_rule
from planforge.segment.sql import statement

duckdb = pytest.importorskip("duckdb")

NAN = float("nan")
AS_OF = dt.date(2024, 4, 1)
SCHEMA = {"金额": pl.Float64, "次数": pl.Int64, "备注": pl.String}
SQL_TYPES = {"金额": "DOUBLE", "次数": "BIGINT", "备注": "VARCHAR"}
VALUES = {
    "金额": [-2.5, 0.0, 1.0, 3.5, 10.0, NAN, None],
    "次数": [-1, 0, 1, 2, 5, None],
    "备注": ["a", "b\nc", "ab", "", "x\ny", "A", None],
}


_CONNECTIONS: list = []


def _connection():
    """One in-memory DuckDB for the module (opening one per query costs more than the query)."""
    if not _CONNECTIONS:
        _CONNECTIONS.append(duckdb.connect())
    return _CONNECTIONS[0]


def engine_counts(rows: list[dict], tiers: list[tuple[str, str]], scope: str | None) -> dict:
    """Customers per tier from the embedded engine, as ``segment`` counts them."""
    frame = pl.DataFrame(rows, schema=SCHEMA).lazy()
    compiler = Compiler(dict(SCHEMA), AS_OF)
    compiled = [(tid, compiler.condition(parse_rule(text))) for tid, text in tiers]
    inside = compiler.condition(parse_rule(scope)).fill_null(False) if scope else pl.lit(True)
    counted = (
        frame.filter(inside).select(assign(compiled).alias("tier")).group_by("tier").len().collect()
    )
    return {r["tier"]: r["len"] for r in counted.iter_rows(named=True)}


def sql_counts(rows: list[dict], tiers: list[tuple[str, str]], scope: str | None) -> dict:
    """Customers per tier from the printed SQL, run in DuckDB over the same rows."""
    seg = Segmentation(SEG)
    seg.as_of = AS_OF
    seg.float_columns = [c for c, t in SCHEMA.items() if t.is_float()]
    seg.rules = Rules(
        parse_rule(scope) if scope else None, [(tid, parse_rule(text)) for tid, text in tiers]
    )
    sql = statement(SimpleNamespace(segmentation=seg), "duckdb")  # type: ignore[arg-type]
    con = _connection()
    columns = ", ".join(f'"{c}" {t}' for c, t in SQL_TYPES.items())
    con.execute(f"CREATE OR REPLACE TABLE customers ({columns})")
    if rows:
        con.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)", [[r[c] for c in SCHEMA] for r in rows]
        )
    return {tier: n for tier, n in con.sql(sql.rstrip(";")).fetchall()}


ROWS = [
    {"金额": 1.0, "次数": 1, "备注": "b\nc"},
    {"金额": NAN, "次数": 5, "备注": "a"},
    {"金额": None, "次数": None, "备注": None},
    {"金额": 10.0, "次数": 3, "备注": "x\ny"},
]
CASES = {
    "NaN is empty": [("t", "金额 IS NULL")],
    "NaN is not above a number": [("t", "金额 > 0")],
    "NOT of a comparison with NaN": [("t", "NOT 金额 < 5")],
    "BETWEEN SYMMETRIC": [("t", "次数 BETWEEN SYMMETRIC 4 AND 1")],
    "BETWEEN SYMMETRIC, float": [("t", "金额 BETWEEN SYMMETRIC 20 AND 5")],
    "LIKE % across a line break": [("t", "备注 LIKE 'b%'")],
    "LIKE _ across a line break": [("t", "备注 LIKE 'x_y'")],
}
EXPECTED = {
    "NaN is empty": {"t": 2, None: 2},
    "NaN is not above a number": {"t": 2, None: 2},
    "NOT of a comparison with NaN": {"t": 1, None: 3},
    "BETWEEN SYMMETRIC": {"t": 2, None: 2},
    "BETWEEN SYMMETRIC, float": {"t": 1, None: 3},
    "LIKE % across a line break": {"t": 1, None: 3},
    "LIKE _ across a line break": {"t": 1, None: 3},
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_cases_they_disagreed_on(case: str) -> None:
    assert engine_counts(ROWS, CASES[case], None) == EXPECTED[case]
    assert sql_counts(ROWS, CASES[case], None) == EXPECTED[case]


def _atom(rng: random.Random) -> str:
    op = rng.choice(["=", "<>", "<", "<=", ">", ">="])
    return rng.choice(
        [
            lambda: f"金额 {op} {rng.choice(['-1', '0', '1', '2.5', '3.5', '10'])}",
            lambda: f"次数 {op} {rng.choice(['-1', '0', '1', '2', '5'])}",
            lambda: (
                f"金额 BETWEEN {rng.choice(['', 'SYMMETRIC '])}"
                f"{rng.choice(['-3', '0', '3.5'])} AND {rng.choice(['1', '3.5', '20'])}"
            ),
            lambda: f"次数 BETWEEN SYMMETRIC {rng.randint(-2, 6)} AND {rng.randint(-2, 6)}",
            lambda: f"备注 LIKE '{rng.choice(['%', 'b%', '%c', 'b_c', 'a_', '_', '%y%', ''])}'",
            lambda: f"{rng.choice(list(SCHEMA))} IS {rng.choice(['', 'NOT '])}NULL",
            lambda: f"次数 IN ({rng.randint(-1, 5)}, {rng.randint(-1, 5)})",
            lambda: f"备注 {op} '{rng.choice(['a', 'ab', 'A', ''])}'",
        ]
    )()


def _rule(rng: random.Random, depth: int = 0) -> str:
    if depth >= 2 or rng.random() < 0.4:
        return _atom(rng)
    kind = rng.choice(["AND", "OR", "NOT"])
    if kind == "NOT":
        return f"NOT ({_rule(rng, depth + 1)})"
    return f"({_rule(rng, depth + 1)} {kind} {_rule(rng, depth + 1)})"


def test_random_rules_over_random_tables_count_the_same() -> None:
    rng = random.Random(20261205)
    for _ in range(80):
        rows = [{c: rng.choice(v) for c, v in VALUES.items()} for _ in range(rng.randint(0, 25))]
        tiers = [(f"t{i}", _rule(rng)) for i in range(rng.randint(1, 3))]
        scope = _rule(rng) if rng.random() < 0.3 else None
        engine, sql = engine_counts(rows, tiers, scope), sql_counts(rows, tiers, scope)
        assert engine == sql, (tiers, scope, rows)
