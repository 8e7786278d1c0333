"""What counts and what is ignored, on a hand-checkable export (tests/rules/data/orders.csv):

C1001 2024-07-05 社群   in the window, passes the filter
C1002 2024-07-09 门店   in the window, left out by the filter (not "outside the window")
C1002 2024-07-12 社群   in the window, passes: C1002 counts once
C1004 2024-05-01 门店   outside the window
X999  2024-07-05 门店   a key the customer data does not have
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planforge.check import check_document
from planforge.loader import load_bytes
from planforge.segment.holdout import held_out
from tests.rules.test_rule_cases import ROOT

PLAN = """\
id: counting
period: {start: 2024-04-01, end: 2024-06-30}
segmentation: {source: tests/rules/data/crm.csv, key: 客户编号, holdout: 50%}
outcomes:
  orders: {source: tests/rules/data/orders.csv, key: 客户编号, date: 下单日期}
measures:
  buyers: {customers: orders, during: 30d after period, where: "渠道 = '社群'"}
  spend: {sum: orders.金额, during: 30d after period, where: "渠道 = '社群'"}
"""


def test_filter_window_unknown_keys_and_customers_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    doc = load_bytes(PLAN.encode(), "case.yaml")
    plan = check_document(doc, read_data=True, as_of=dt.date(2024, 8, 31)).plan
    ev = plan.evaluation
    assert ev.ignored["orders"] == {
        "unknown_key": 1,
        "out_of_scope": 0,
        "outside_window": 1,
        "after_as_of": 0,
    }
    group = {
        k: "holdout" if held_out("counting", k, Decimal(50)) else "treated"
        for k in ("C1001", "C1002")
    }
    buyers = {"treated": 0, "holdout": 0}
    spend = {"treated": Decimal(0), "holdout": Decimal(0)}
    for key, amount in (("C1001", Decimal("120.50")), ("C1002", Decimal("35.00"))):
        buyers[group[key]] += 1
        spend[group[key]] += amount
    assert ev.measures["buyers"] == {g: Decimal(n) for g, n in buyers.items()}
    assert ev.measures["spend"] == spend
    # the group sizes are the in-scope customers of crm.csv, split by the same draw
    with open(ROOT / "tests/rules/data/crm.csv", encoding="utf-8") as fh:
        keys = [line.split(",")[0] for line in fh.read().splitlines()[1:]]
    held = sum(held_out("counting", k, Decimal(50)) for k in keys)
    assert (ev.treated, ev.holdout) == (len(keys) - held, held)


@pytest.mark.parametrize("fmt", ["parquet", "xlsx", "gbk.csv"])
def test_every_export_format_counts_the_same(fmt: str, tmp_path, monkeypatch) -> None:
    import polars as pl

    from planforge.loader import load_file

    source = ROOT / "tests/rules/data/orders.csv"
    (tmp_path / "crm.csv").write_bytes((ROOT / "tests/rules/data/crm.csv").read_bytes())
    frame = pl.read_csv(source, schema_overrides={"客户编号": pl.String}, try_parse_dates=True)
    target = tmp_path / f"orders.{fmt}"
    if fmt == "parquet":
        frame.write_parquet(target)
    elif fmt == "xlsx":
        frame.write_excel(target)
    else:
        target.write_bytes(source.read_text(encoding="utf-8").encode("gbk"))
    text = PLAN.replace("tests/rules/data/crm.csv", "crm.csv").replace(
        "tests/rules/data/orders.csv", target.name
    )
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(ROOT)
    as_of = dt.date(2024, 8, 31)
    got = check_document(load_file(str(tmp_path / "plan.yaml")), read_data=True, as_of=as_of)
    want = check_document(load_bytes(PLAN.encode(), "case.yaml"), read_data=True, as_of=as_of)
    assert got.plan.evaluation.measures == want.plan.evaluation.measures
    assert got.plan.evaluation.ignored == want.plan.evaluation.ignored


def test_rows_after_the_as_of_date_are_not_outside_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On 2024-07-10, C1002's order of 07-12 is in the window but not yet counted."""
    monkeypatch.chdir(ROOT)
    doc = load_bytes(PLAN.encode(), "case.yaml")
    plan = check_document(doc, read_data=True, as_of=dt.date(2024, 7, 10)).plan
    assert plan.evaluation.ignored["orders"] == {
        "unknown_key": 1,
        "out_of_scope": 0,
        "outside_window": 1,  # C1004 on 05-01
        "after_as_of": 1,  # C1002 on 07-12
    }


def test_a_measure_is_headed_by_its_label_else_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from planforge.evaluate.report import measure_label

    monkeypatch.chdir(ROOT)
    text = PLAN.replace(
        "where: \"渠道 = '社群'\"}", "where: \"渠道 = '社群'\", label: 社群买家}", 1
    )
    assert text != PLAN
    plan = check_document(load_bytes(text.encode(), "case.yaml"), read_data=True).plan
    assert measure_label(plan, "buyers") == "社群买家"
    assert measure_label(plan, "spend") == "spend"
