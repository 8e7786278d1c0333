"""The engine-against-SQL differential: random rules over random small tables, counted
by the embedded engine (polars) and by the printed SQL run in DuckDB.

Shared by ``tests/segment/test_engine_vs_sql.py`` and the fuzz campaign
(``tests/fuzz/campaign.py --differential N``). DuckDB is imported when first needed.
"""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import polars as pl

from planforge.model import Segmentation
from planforge.segment.engine import Compiler, assign
from planforge.segment.plan import SEG, Rules
from planforge.segment.rules import parse_rule
from planforge.segment.sql import statement

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
        import duckdb

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


def random_atom(rng: random.Random) -> str:
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


def random_rule(rng: random.Random, depth: int = 0) -> str:
    if depth >= 2 or rng.random() < 0.4:
        return random_atom(rng)
    kind = rng.choice(["AND", "OR", "NOT"])
    if kind == "NOT":
        return f"NOT ({random_rule(rng, depth + 1)})"
    return f"({random_rule(rng, depth + 1)} {kind} {random_rule(rng, depth + 1)})"


def random_case(rng: random.Random) -> tuple[list[dict], list[tuple[str, str]], str | None]:
    """Random rows, one to three tiers with random rules, sometimes a scope."""
    rows = [{c: rng.choice(v) for c, v in VALUES.items()} for _ in range(rng.randint(0, 25))]
    tiers = [(f"t{i}", random_rule(rng)) for i in range(rng.randint(1, 3))]
    scope = random_rule(rng) if rng.random() < 0.3 else None
    return rows, tiers, scope
