"""The monitoring history of the 复盘 report: each monitoring rule at every checkpoint,
exactly as separate ``evaluate --as-of CHECKPOINT`` runs report it.

The synthetic campaign's check-ins fall in 2024-04-16..30, so the rule
"participation < 60%" is triggered on the first checkpoints and not from 2024-04-29 on.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from planforge.evaluate import history
from planforge.evaluate.command import evaluated
from planforge.frontdoor import Session
from planforge.render.document import RenderOptions, render_file
from tests.evaluate import synthetic
from tests.evaluate.test_end_to_end import Truth

D = dt.date
AS_OF = D(2024, 5, 6)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history")
    synthetic.generate(root, customers=400, seed=5)
    return root


def _plan(folder: Path, as_of: dt.date):
    result = Session(as_of=as_of).open(str(folder / "plan.yaml"))
    assert result.plan is not None and result.plan.evaluation is not None
    return result.plan


def test_checkpoints_are_weekly_from_the_start_up_to_as_of_or_the_end(folder: Path) -> None:
    plan = _plan(folder, AS_OF)
    assert history.checkpoints(plan) == [D(2024, 4, 1) + dt.timedelta(days=7 * n) for n in range(6)]
    plan.evaluation.as_of = D(2024, 8, 31)  # after the period: up to its end, which is last
    days = history.checkpoints(plan)
    assert days[0] == D(2024, 4, 1) and days[-2:] == [D(2024, 6, 24), D(2024, 6, 30)]
    assert len(days) == 14
    plan.evaluation.as_of = D(2024, 3, 31)  # before the period: nothing to show
    assert history.checkpoints(plan) == []
    plan.evaluation.as_of = D(2025, 3, 31)  # 52 weeks: every 4 weeks, at most 17 days
    plan.period.end = D(2025, 3, 31)
    days = history.checkpoints(plan)
    assert len(days) <= history.MAX_CHECKPOINTS + 1
    assert {(b - a).days for a, b in itertools.pairwise(days[:-1])} == {28}
    assert days[-1] == D(2025, 3, 31)


def test_the_history_agrees_with_separate_evaluate_runs(folder: Path) -> None:
    rows = history.history(_plan(folder, AS_OF))
    assert [r["date"] for r in rows] == [
        d.isoformat() for d in history.checkpoints(_plan(folder, AS_OF))
    ]
    by_day = {r["date"]: r for r in rows}
    for day in (D(2024, 4, 15), D(2024, 4, 29)):
        run = evaluated(Session(as_of=day).open(str(folder / "plan.yaml")), "json")
        alone = json.loads(run.report or "")["monitoring"]
        assert [by_day[day.isoformat()]] == [{"date": day.isoformat(), **alone[0]}]
        assert run.code == (1 if alone[0]["triggered"] else 0)
    # triggered early, not later; the respond-by date is that day plus 48h
    assert by_day["2024-04-15"]["triggered"] is True
    assert by_day["2024-04-15"]["respond_by"] == "2024-04-17"
    assert by_day["2024-04-29"]["triggered"] is False
    # the figure itself, from the files directly (distinct treated check-ins up to the day)
    for day in ("2024-04-22", "2024-04-29"):
        truth = Truth(folder, D.fromisoformat(day))
        seen = truth.customers(truth.checkins, "打卡日期", (D(2024, 4, 1), D(2024, 6, 30)))
        assert by_day[day]["value"] == pytest.approx(
            seen["treated"] / truth.size["treated"], abs=1e-6
        )
        assert by_day[day]["triggered"] is (seen["treated"] / truth.size["treated"] < 0.6)


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("zh-CN", ["监控记录", "首次触发于 2024-04-01", "检查日", "响应截止"]),
        ("en", ["Monitoring history", "First triggered on 2024-04-01", "Checkpoint", "Respond by"]),
    ],
)
def test_the_review_shows_the_history_table(folder: Path, locale: str, words: list[str]) -> None:
    html = _review(folder, folder / f"review-{locale}", locale).read_text(encoding="utf-8")
    for word in words:
        assert word in html
    table = html.split('<div class="block history">')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 6  # the header and a row per checkpoint
    assert table.count("status-not_met") == 4  # 04-01, 04-08, 04-15, 04-22
    assert "2024-04-24" in table and "2024-05-01" not in table  # respond-by only when triggered


def test_the_review_is_the_same_bytes_twice(folder: Path) -> None:
    first = _review(folder, folder / "again-1", "zh-CN").read_bytes()
    assert first == _review(folder, folder / "again-2", "zh-CN").read_bytes()


def _review(folder: Path, out: Path, locale: str) -> Path:
    options = RenderOptions(
        formats=("html",), output=str(out), as_of=AS_OF, sections=("review",), locale=locale
    )
    outcome = render_file(str(folder / "plan.yaml"), options)
    assert outcome.ok, outcome.error
    return Path(outcome.written[0])
