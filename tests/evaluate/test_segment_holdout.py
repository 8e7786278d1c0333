"""``segment`` with a holdout: the 组别 column, the suppression list, per-customer
quantities without the held-out customers, and the same draw in SQL (run in DuckDB)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from planforge.check import check_document
from planforge.loader import load_file
from planforge.segment.command import write_tier_list
from planforge.segment.sql import statement
from tests.evaluate import synthetic
from tests.evaluate.test_end_to_end import Truth


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("segment")
    synthetic.generate(root, customers=1500, seed=11)
    return root


@pytest.fixture(scope="module")
def truth(folder: Path) -> Truth:
    return Truth(folder, dt.date(2024, 8, 31))


def test_tier_list_marks_the_groups_and_the_suppression_list_has_the_keys_only(
    folder: Path, truth: Truth, tmp_path: Path
) -> None:
    result = check_document(load_file(str(folder / "plan.yaml")), read_data=True)
    assert result.errors() == 0
    written = write_tier_list(result.plan, str(tmp_path), ("csv",))
    assert [Path(p).name for p in written] == [
        "reactivation-2024q2-tiers.csv",
        "reactivation-2024q2-holdout.csv",
    ]
    with open(written[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["客户编号"]: r["组别"] for r in rows} == {
        k: ("对照组" if g == "holdout" else "活动组") for k, g in truth.group.items()
    }
    with open(written[1], encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["客户编号"] and all(len(line) == 1 for line in lines)
    assert sorted(k for (k,) in lines[1:]) == sorted(
        k for k, g in truth.group.items() if g == "holdout"
    )


def test_per_customer_quantities_leave_out_the_held_out_customers(
    folder: Path, truth: Truth
) -> None:
    plan = check_document(load_file(str(folder / "plan.yaml")), read_data=True).plan
    mug = plan.budget.lines[1]
    treated_mid = sum(
        1 for k, g in truth.group.items() if g == "treated" and truth.tier[k] == "mid"
    )
    held_mid = sum(1 for k, g in truth.group.items() if g == "holdout" and truth.tier[k] == "mid")
    assert held_mid > 0
    assert mug.quantity == treated_mid
    tier = next(t for t in plan.tiers if t.id == "mid")
    assert (tier.customers, tier.held_out) == (treated_mid + held_mid, held_mid)


def test_without_the_data_the_expected_holdout_is_left_out(tmp_path: Path) -> None:
    text = synthetic.PLAN.replace("  source: data/customers.csv\n", "  source: data/none.csv\n")
    text = text.replace("  departments:", "  customers: 1000\n  departments:")
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    plan = check_document(load_file(str(tmp_path / "plan.yaml"))).plan
    mid = next(t for t in plan.tiers if t.id == "mid")
    assert mid.customers == 300  # 30% of 1000, as planned
    assert plan.budget.lines[1].quantity == 270  # 10% of them held out


def test_the_sql_draw_in_duckdb_agrees(folder: Path, truth: Truth) -> None:
    duckdb = pytest.importorskip("duckdb")
    plan = check_document(load_file(str(folder / "plan.yaml"))).plan
    sql = statement(plan, "duckdb", "customers")
    con = duckdb.connect()
    source = str(folder / "data" / "customers.csv")
    con.execute(f"CREATE TABLE customers AS SELECT * FROM read_csv('{source}', all_varchar=false)")
    got = {(t, g): n for t, g, n in con.execute(sql.rstrip(";")).fetchall()}
    want: dict[tuple[str, str], int] = {}
    for k, g in truth.group.items():
        want[(truth.tier[k], g)] = want.get((truth.tier[k], g), 0) + 1
    assert got == want
    assert "'199999999999999a'" in sql  # 10% of 2^64, rounded up, in hex
