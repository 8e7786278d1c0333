"""The embedded engine (polars) and ``segment --sql`` count the same customers.

The printed SQL (:func:`planforge.segment.sql.statement`, DuckDB dialect) runs in DuckDB
over the same rows that the engine tiers: first the cases the two used to disagree on
(NaN in a float column is an empty cell, ``BETWEEN SYMMETRIC``, ``LIKE`` across line
breaks), then random rules over random small tables from a fixed seed.
"""

from __future__ import annotations

import random

import pytest

from tests.segment.differential import NAN, engine_counts, random_case, sql_counts

pytest.importorskip("duckdb")

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


def test_random_rules_over_random_tables_count_the_same() -> None:
    rng = random.Random(20261205)
    for _ in range(80):
        rows, tiers, scope = random_case(rng)
        engine, sql = engine_counts(rows, tiers, scope), sql_counts(rows, tiers, scope)
        assert engine == sql, (tiers, scope, rows)
