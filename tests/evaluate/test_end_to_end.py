"""The seed's example plan on synthetic data with a planted effect: every figure of
``evaluate`` during and after the campaign, against an independent computation here
(csv, hashlib, openpyxl and the textbook formulas; no polars, no statsmodels)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from scipy import stats as sp

from planforge.evaluate.command import evaluated
from planforge.frontdoor import Session
from tests.evaluate import synthetic

D = dt.date
PERIOD = (D(2024, 4, 1), D(2024, 6, 30))
AFTER = (D(2024, 7, 1), D(2024, 7, 30))
Z = sp.norm.ppf(0.975)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("campaign")
    synthetic.generate(root, customers=3000)
    return root


def _held(key: str, campaign: synthetic.Campaign) -> bool:
    digest = hashlib.sha256(f"{campaign.plan_id}:{key}".encode()).digest()
    share = Fraction(campaign.holdout) / 100
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64) < share


def _tier(spend: int, complaints: int) -> str:
    return (
        "high"
        if spend >= 150000
        else "mid"
        if spend >= 50000
        else "risk"
        if complaints >= 2
        else "potential"
    )


class Truth:
    """The figures computed from the files directly."""

    def __init__(
        self, folder: Path, as_of: dt.date, campaign: synthetic.Campaign = synthetic.TESTS
    ) -> None:
        data = folder / campaign.data
        with open(data / "customers.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        self.scope = {
            r["客户编号"]: (D(2024, 4, 1) - D.fromisoformat(r["最近消费日期"])).days >= 90
            for r in rows
        }
        self.tier = {r["客户编号"]: _tier(int(r["年消费"]), int(r["投诉次数"])) for r in rows}
        self.group = {
            k: ("holdout" if _held(k, campaign) else "treated") for k, s in self.scope.items() if s
        }
        self.size = {
            g: sum(1 for v in self.group.values() if v == g) for g in ("treated", "holdout")
        }
        self.as_of = as_of
        self.ignored: dict[str, dict[str, int]] = {}
        self.checkins = self._read(data / "checkins.csv", "打卡日期", "utf-8")
        self.orders = self._read(data / "orders.csv", "下单日期", "gbk")
        wb = openpyxl.load_workbook(data / "survey.xlsx", read_only=True)
        survey = [
            {"客户编号": k, "提交日期": d.date(), "评分": s}
            for k, d, s in wb.active.iter_rows(min_row=2, values_only=True)
        ]
        self.survey = survey

    def _read(self, path: Path, date: str, encoding: str) -> list[dict]:
        with open(path, encoding=encoding, newline="") as fh:
            rows = list(csv.DictReader(fh))
        for r in rows:
            r[date] = D.fromisoformat(r[date])
        return rows

    def _rows(self, rows: list[dict], date: str, window: tuple[dt.date, dt.date], where=None):
        end = min(window[1], self.as_of)
        for r in rows:
            k = r["客户编号"]
            if self.scope.get(k) and window[0] <= r[date] <= end and (where is None or where(r)):
                yield self.group[k], r

    def customers(self, rows, date, window, where=None) -> dict[str, int]:
        seen = defaultdict(set)
        for g, r in self._rows(rows, date, window, where):
            seen[g].add(r["客户编号"])
        return {g: len(seen[g]) for g in ("treated", "holdout")}

    def per_customer(self, rows, date, window, column) -> dict[str, list[float]]:
        sums: dict[str, dict[str, float]] = {
            "treated": defaultdict(float),
            "holdout": defaultdict(float),
        }
        for g, r in self._rows(rows, date, window):
            sums[g][r["客户编号"]] += float(r[column])
        return {g: list(sums[g].values()) + [0.0] * (self.size[g] - len(sums[g])) for g in sums}

    def ignored_counts(self, rows, date, windows) -> dict[str, int]:
        out = {"unknown_key": 0, "out_of_scope": 0, "outside_window": 0, "after_as_of": 0}
        for r in rows:
            k = r["客户编号"]
            if k not in self.scope:
                out["unknown_key"] += 1
            elif not self.scope[k]:
                out["out_of_scope"] += 1
            elif r[date] > self.as_of:
                out["after_as_of"] += 1
            elif not any(a <= r[date] <= b for a, b in windows):
                out["outside_window"] += 1
        return out


def _newcombe(c1: int, n1: int, c0: int, n0: int) -> tuple[float, float, float]:
    def wilson(c: int, n: int) -> tuple[float, float]:
        p = c / n
        centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
        half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
        return centre - half, centre + half

    p1, p0 = c1 / n1, c0 / n0
    (l1, u1), (l0, u0) = wilson(c1, n1), wilson(c0, n0)
    pooled = (c1 + c0) / (n1 + n0)
    z = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return (
        p1 - p0 - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
        p1 - p0 + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2),
        2 * sp.norm.sf(abs(z)),
    )


def _welch(a: list[float], b: list[float]) -> tuple[float, float, float, float]:
    n1, n0 = len(a), len(b)
    m1, m0 = sum(a) / n1, sum(b) / n0
    v1 = sum((x - m1) ** 2 for x in a) / (n1 - 1) / n1
    v0 = sum((x - m0) ** 2 for x in b) / (n0 - 1) / n0
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1))
    t = sp.t.ppf(0.975, df)
    return m1 - m0, m1 - m0 - t * se, m1 - m0 + t * se, 2 * sp.t.sf(abs((m1 - m0) / se), df)


def _run(folder: Path, as_of: dt.date, fmt: str = "json", plan: str = "plan.yaml"):
    import json

    got = evaluated(Session(as_of=as_of).open(str(folder / plan)), fmt)
    errors = [d for d in got.result.diagnostics if d.severity.value == "error"]
    assert errors == [], errors
    return (json.loads(got.report) if fmt == "json" else got.report), got.code


def test_after_the_campaign(folder: Path) -> None:
    as_of = D(2024, 8, 31)
    data, code = _run(folder, as_of)
    truth = Truth(folder, as_of)
    assert data["groups"] == truth.size
    assert 0.07 < truth.size["holdout"] / sum(truth.size.values()) < 0.13
    m = data["measures"]
    assert m["participants"] == truth.customers(truth.checkins, "打卡日期", PERIOD)
    assert m["repurchasers"] == truth.customers(truth.orders, "下单日期", AFTER)
    assert m["community_buyers"] == truth.customers(
        truth.orders, "下单日期", AFTER, lambda r: r["渠道"] == "社群"
    )
    per = truth.per_customer(truth.orders, "下单日期", AFTER, "金额")
    for g in ("treated", "holdout"):
        assert m["revenue"][g] == pytest.approx(sum(per[g]), abs=0.005)
    scores = [r["评分"] for g, r in truth._rows(truth.survey, "提交日期", PERIOD) if g == "treated"]
    assert m["score"]["treated"] == pytest.approx(sum(scores) / len(scores), abs=1e-6)
    assert m["score"]["holdout"] is None  # held-out customers got no survey
    # the KPI over the treated group, with `customers` the treated group's size
    n1, n0 = truth.size["treated"], truth.size["holdout"]
    kpis = data["kpis"]
    assert kpis["participation-rate"]["actual"] == pytest.approx(
        m["participants"]["treated"] / n1, abs=1e-4
    )
    rep = kpis["repurchase-rate"]
    c1, c0 = m["repurchasers"]["treated"], m["repurchasers"]["holdout"]
    assert rep["actual"] == pytest.approx(c1 / n1, abs=1e-4)
    low, high, p = _newcombe(c1, n1, c0, n0)
    lift = rep["lift"]
    assert lift["treated"] == pytest.approx(c1 / n1, abs=1e-6)
    assert lift["holdout"] == pytest.approx(c0 / n0, abs=1e-6)
    assert lift["difference"] == pytest.approx(c1 / n1 - c0 / n0, abs=1e-6)
    assert lift["ci_low"] == pytest.approx(low, abs=1e-6)
    assert lift["ci_high"] == pytest.approx(high, abs=1e-6)
    assert lift["p_value"] == pytest.approx(p, abs=1e-6)
    # the planted effect (14% against 8%) is found: the CI leaves out zero and holds 6 points
    assert lift["significant"] and lift["ci_low"] > 0 and low < 0.06 < high
    diff, wlow, whigh, wp = _welch(per["treated"], per["holdout"])
    rev = kpis["revenue-per-customer"]["lift"]
    assert rev["difference"] == pytest.approx(diff, abs=1e-5)
    assert rev["ci_low"] == pytest.approx(wlow, abs=1e-5)
    assert rev["ci_high"] == pytest.approx(whigh, abs=1e-5)
    assert rev["p_value"] == pytest.approx(wp, abs=1e-6)
    assert kpis["satisfaction"]["lift"] is None
    assert kpis["satisfaction"]["status"] == (
        "met" if sum(scores) / len(scores) >= 4.5 else "not_met"
    )
    for source, rows, date, windows in (
        ("checkins", truth.checkins, "打卡日期", [PERIOD]),
        ("orders", truth.orders, "下单日期", [AFTER]),
        ("survey", truth.survey, "提交日期", [PERIOD]),
    ):
        assert data["ignored"][source] == truth.ignored_counts(rows, date, windows), source
    assert data["ignored"]["orders"]["unknown_key"] == 25
    mon = data["monitoring"][0]
    assert mon["triggered"] is False and code == 0
    assert mon["respond_by"] == "2024-09-02"
    # per tier: treated customers and participants, lowest participation flagged
    rows = {r["tier"]: r for r in data["tiers"]}
    for tier in ("high", "mid", "risk", "potential"):
        treated = [k for k, g in truth.group.items() if g == "treated" and truth.tier[k] == tier]
        assert rows[tier]["customers"] == len(treated)
        joined = {
            r["客户编号"]
            for g, r in truth._rows(truth.checkins, "打卡日期", PERIOD)
            if g == "treated"
        }
        assert rows[tier]["participants"]["customers"] == len(joined & set(treated))
    lowest = min(data["tiers"], key=lambda r: r["participants"]["rate"])
    assert lowest["lowest"] and sum(r["lowest"] for r in data["tiers"]) == 1


def test_during_the_campaign_the_monitoring_rule_fires(folder: Path) -> None:
    as_of = D(2024, 4, 20)
    data, code = _run(folder, as_of)
    truth = Truth(folder, as_of)
    participants = truth.customers(truth.checkins, "打卡日期", PERIOD)
    assert data["measures"]["participants"] == participants
    rate = participants["treated"] / truth.size["treated"]
    assert rate < 0.6  # the check-ins run to 30 April
    mon = data["monitoring"][0]
    assert mon["triggered"] is True and mon["value"] == pytest.approx(rate, abs=1e-4)
    assert mon["respond_by"] == "2024-04-22"  # 48h after --as-of
    assert code == 1
    # windows that have not begun leave their KPIs pending, not zero
    assert data["measures"]["repurchasers"] == {"treated": None, "holdout": None}
    assert data["kpis"]["repurchase-rate"]["status"] == "pending"
    assert data["kpis"]["repurchase-rate"]["lift"] is None
    # rows dated after --as-of are told apart from rows outside every window
    for source, rows, date, windows in (
        ("checkins", truth.checkins, "打卡日期", [PERIOD]),
        ("orders", truth.orders, "下单日期", [AFTER]),
    ):
        assert data["ignored"][source] == truth.ignored_counts(rows, date, windows), source
        assert data["ignored"][source]["after_as_of"] > 0


def test_the_text_report_speaks_the_plans_language(folder: Path) -> None:
    text, _ = _run(folder, D(2024, 8, 31), "text")
    assert "对照组" in text and "95%" in text and "显著" in text
    assert "C000" not in text  # aggregates only: no customer key


def test_the_example_in_plans_is_generated_and_its_figures_hold(tmp_path: Path) -> None:
    """``plans/winback-2024q2.yaml`` is what a new user tries ``evaluate`` on: its files are
    exactly what the generator writes, and its figures are the files' own."""
    example = synthetic.EXAMPLE
    synthetic.generate(tmp_path, synthetic.EXAMPLE_CUSTOMERS, synthetic.SEED, example)
    plans = synthetic.ROOT / "plans"
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert [str(p) for p in written] == [
        f"{example.data}/{name}"
        for name in ("checkins.csv", "customers.csv", "orders.csv", "survey.xlsx")
    ] + [example.plan_file]
    for path in written:
        assert (plans / path).read_bytes() == (tmp_path / path).read_bytes(), path
    as_of = D(2024, 8, 31)
    data, code = _run(plans, as_of, plan=example.plan_file)
    truth = Truth(plans, as_of, example)
    assert data["groups"] == truth.size and code == 0
    assert 0.17 < truth.size["holdout"] / sum(truth.size.values()) < 0.23  # 20% held out
    m = data["measures"]
    assert m["repurchasers"] == truth.customers(truth.orders, "下单日期", AFTER)
    c1, c0 = m["repurchasers"]["treated"], m["repurchasers"]["holdout"]
    n1, n0 = truth.size["treated"], truth.size["holdout"]
    low, high, p = _newcombe(c1, n1, c0, n0)
    lift = data["kpis"]["repurchase-rate"]["lift"]
    assert lift["ci_low"] == pytest.approx(low, abs=1e-6)
    assert lift["ci_high"] == pytest.approx(high, abs=1e-6)
    assert lift["p_value"] == pytest.approx(p, abs=1e-6)
    assert lift["significant"] and low > 0  # the planted effect shows in the example too
