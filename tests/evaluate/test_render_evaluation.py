"""``render`` fills the evaluation form from the data: actual, status and the lift."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from planforge.evaluate.command import evaluated
from planforge.frontdoor import Session
from planforge.loader import load_file
from planforge.render.document import RenderOptions, render_file
from tests.evaluate import synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("render")
    synthetic.generate(root, customers=1200, seed=3)
    return root


def test_the_form_shows_the_datas_actuals_and_the_lift(folder: Path) -> None:
    as_of = dt.date(2024, 8, 31)
    options = RenderOptions(formats=("html",), output=str(folder / "build"), as_of=as_of)
    outcome = render_file(str(folder / "plan.yaml"), options)
    assert outcome.ok, outcome.result.diagnostics if outcome.result else outcome.error
    html = Path(outcome.written[0]).read_text(encoding="utf-8")
    figures = json.loads(
        evaluated(Session(as_of=as_of).open(str(folder / "plan.yaml")), "json").report or ""
    )
    lift = figures["kpis"]["repurchase-rate"]["lift"]
    assert f"{lift['difference'] * 100:+.2f} 个百分点" in html
    assert f"{lift['ci_low'] * 100:+.2f}" in html and f"{lift['ci_high'] * 100:+.2f}" in html
    verdict = (
        "显著：活动带来了真实的差异" if lift["significant"] else "不显著：差异可能只是偶然波动"
    )
    assert verdict in html
    actual = Decimal(str(figures["kpis"]["participation-rate"]["actual"])) * 100
    shown = f"{actual.quantize(Decimal('0.01'), ROUND_HALF_UP).normalize():f}"
    assert f">{shown}%<" in html  # the data's figure, to 2 places, not a typed one


def test_mid_campaign_the_later_kpis_are_pending(folder: Path) -> None:
    options = RenderOptions(
        formats=("html",), output=str(folder / "mid"), as_of=dt.date(2024, 4, 20)
    )
    outcome = render_file(str(folder / "plan.yaml"), options)
    assert outcome.ok
    html = Path(outcome.written[0]).read_text(encoding="utf-8")
    assert "置信区间" not in html  # no lift before its window has begun


@pytest.mark.slow  # the monitoring history evaluates the plan at 14 checkpoints
def test_the_review_report(folder: Path) -> None:
    as_of = dt.date(2024, 8, 31)
    options = RenderOptions(
        formats=("html",), output=str(folder / "review"), as_of=as_of, sections=("review",)
    )
    outcome = render_file(str(folder / "plan.yaml"), options)
    assert outcome.ok
    assert Path(outcome.written[0]).name == "reactivation-2024q2.review.html"
    html = Path(outcome.written[0]).read_text(encoding="utf-8")
    figures = json.loads(
        evaluated(Session(as_of=as_of).open(str(folder / "plan.yaml")), "json").report or ""
    )
    assert "活动复盘报告" in html and "效果评估表" not in html  # the review alone
    # the tier with the lowest participation is flagged, and only it
    rates = {r["name"]: r["participants"]["rate"] for r in figures["tiers"]}
    lowest = min(rates, key=rates.get)
    row = html.split(f"<td>{lowest}</td>")[1].split("</tr>")[0]
    assert "最低" in row and html.count(">最低<") == 1
    # cost per participant: the planned spend over the treated participants
    participants = figures["measures"]["participants"]["treated"]
    spend = check(folder).budget.total
    assert f"¥{(spend / participants).quantize(Decimal('0.01'), ROUND_HALF_UP):,}" in html
    assert html.count("<circle") == 2  # a lift point for each compared KPI
    # the per-tier table heads each measure by its label, never by its id
    head = html.split("<thead><tr><th>层级</th>")[1].split("</tr>")[0]
    assert [h for h in ("参与客户", "复购客户", "社群下单客户") if f"<th>{h}</th>" in head] == [
        "参与客户",
        "复购客户",
        "社群下单客户",
    ]
    assert "community_buyers" not in html
    # an amount's lift carries the KPI's unit, in the chart as in the form
    revenue = figures["kpis"]["revenue-per-customer"]["lift"]["difference"]
    assert f"{revenue:+,.1f} 元/人" in html


def check(folder: Path):
    from planforge.check import check_document

    return check_document(load_file(str(folder / "plan.yaml")), read_data=True).plan


@pytest.mark.slow
def test_the_commands_render_review_and_export_xlsx(folder: Path, tmp_path: Path) -> None:
    import io
    import subprocess
    import sys

    import openpyxl

    plan = str(folder / "plan.yaml")

    def run(*args: str) -> None:  # a process of its own, as a planner runs it
        done = subprocess.run(
            [sys.executable, "-m", "planforge", *args], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr

    run(
        "render",
        plan,
        "--review",
        "--as-of",
        "2024-08-31",
        "--format",
        "html",
        "-j",
        "1",
        "-o",
        str(tmp_path),
    )
    html = (tmp_path / "reactivation-2024q2.review.html").read_text(encoding="utf-8")
    assert "活动复盘报告" in html and "2024-08-31" in html
    run("export", plan, "--format", "xlsx", "-o", str(tmp_path))
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "reactivation-2024q2.xlsx").read_bytes()))
    assert any(name.startswith("数据评估") for name in book.sheetnames)
