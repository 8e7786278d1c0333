"""``evaluate --sql``: the measures as one statement; run in DuckDB over the same files, it
gives planforge's figures, group by group (the holdout draw included)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from sqlglot import parse_one

from planforge.check import check_document
from planforge.evaluate.command import evaluated
from planforge.evaluate.measures_sql import statement
from planforge.frontdoor import Session
from planforge.loader import load_file
from tests.evaluate import synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sql")
    synthetic.generate(root, customers=1500, seed=21)
    return root


@pytest.mark.parametrize("as_of", [dt.date(2024, 8, 31), dt.date(2024, 7, 10)])
def test_duckdb_gives_planforges_figures(folder: Path, as_of: dt.date, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    plan = check_document(load_file(str(folder / "plan.yaml"))).plan
    sql = statement(plan, "duckdb", as_of)
    con = duckdb.connect()
    data = folder / "data"
    utf8 = tmp_path / "orders.csv"  # DuckDB reads UTF-8; the shop exported GBK
    utf8.write_text((data / "orders.csv").read_text(encoding="gbk"), encoding="utf-8")
    for table, path in (
        ("customers", data / "customers.csv"),
        ("checkins", data / "checkins.csv"),
        ("orders", utf8),
    ):
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', types={{'客户编号': 'VARCHAR'}})"
        )
    con.execute('CREATE TABLE survey ("客户编号" VARCHAR, "提交日期" DATE, "评分" DOUBLE)')
    rows = openpyxl.load_workbook(data / "survey.xlsx").active.iter_rows(
        min_row=2, values_only=True
    )
    con.executemany("INSERT INTO survey VALUES (?, ?, ?)", [(k, d.date(), s) for k, d, s in rows])
    got: dict[str, dict[str, float]] = {}
    for measure, group, value in con.execute(sql.rstrip(";")).fetchall():
        got.setdefault(measure, {})[group] = float(value)
    figures = json.loads(
        evaluated(Session(as_of=as_of).open(str(folder / "plan.yaml")), "json").report or ""
    )
    assert got.pop("customers") == {g: float(n) for g, n in figures["groups"].items()}
    for name, values in figures["measures"].items():
        for group, value in values.items():
            sql_value = got.get(name, {}).get(group)  # SQL has no row for a group without rows
            if value is None:  # a mean without rows
                assert sql_value is None, (name, group)
            else:
                assert (sql_value or 0) == pytest.approx(value, abs=1e-4), (name, group)


@pytest.mark.parametrize("dialect", ["spark", "trino", "postgres", "duckdb"])
def test_every_dialect_parses_back(folder: Path, dialect: str) -> None:
    plan = check_document(load_file(str(folder / "plan.yaml"))).plan
    sql = statement(plan, dialect, dt.date(2024, 8, 31))
    tree = parse_one(sql.rstrip(";"), read=dialect)
    assert tree is not None and "199999999999999a" in sql
