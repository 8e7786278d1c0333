"""Issue 16.3: the reason column (分层依据) names only the conditions that matched."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from tests.segment.conftest import PLAN

RULE = "arr_usd >= 60000 AND (health_score < 45 OR open_tickets >= 4)"
HEADER = "客户编号,客户名称,年消费,合作年限,投诉次数,最近消费日期,arr_usd,health_score,open_tickets"


def _reasons(tmp_path: Path, rule: str, rows: list[str]) -> dict[str, str]:
    (tmp_path / "data").mkdir()
    body = "\n".join(f"C{i},客户{i},0,0,0,2024-03-01,{r}" for i, r in enumerate(rows, 1))
    (tmp_path / "data" / "customers.csv").write_text(f"{HEADER}\n{body}\n", "utf-8")
    text = PLAN.read_text("utf-8").replace(
        '"年消费 >= 150000 AND 合作年限 >= 3 AND 投诉次数 = 0"', f'"{rule}"'
    )
    text = text.replace("  show: [年消费, 合作年限, 投诉次数, 最近消费日期]\n", "")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out), "--format", "csv"])
    assert result.exit_code in (0, 1), result.output
    raw = (out / "crm-tiers-2024q2-tiers.csv").read_text("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(raw)))
    return {r["客户编号"]: r["分层依据"] for r in table if r["所属层级"] == "高价值客户"}


def test_the_issues_example(tmp_path: Path) -> None:
    reasons = _reasons(tmp_path, RULE, ["62720,51,4", "70000,40,1", "80000,30,9"])
    assert reasons["C1"] == "arr_usd = 62,720; open_tickets = 4"
    assert reasons["C2"] == "arr_usd = 70,000; health_score = 40"
    assert reasons["C3"] == "arr_usd = 80,000; health_score = 30; open_tickets = 9"


@pytest.mark.parametrize(
    ("rule", "row", "reason"),
    [
        # a condition that holds inside an AND that failed did not help
        ("(arr_usd >= 1 AND health_score > 90) OR open_tickets >= 4", "5,50,4", "open_tickets = 4"),
        # under NOT, the condition that does not hold is the one that helped
        ("NOT (health_score > 90 AND open_tickets > 90)", "5,50,99", "health_score = 50"),
        (
            "NOT (health_score > 90 OR open_tickets > 90)",
            "5,50,1",
            "health_score = 50; open_tickets = 1",
        ),
    ],
)
def test_and_or_not(tmp_path: Path, rule: str, row: str, reason: str) -> None:
    assert _reasons(tmp_path, rule, [row]) == {"C1": reason}
