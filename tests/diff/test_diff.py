"""``planforge diff`` on a real git repository: each kind of change, golden text and JSON."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.check import check_file
from planforge.cli import GATES as CLI_GATES
from planforge.cli import main
from planforge.diff import GATES, compare
from planforge.diff.compare import _target_direction, working_days_between
from planforge.quantities import parse_target
from planforge.schedule.calendar import WorkCalendar
from tests.conftest import EXAMPLE, PLANS
from tests.gitrepo import git

GOLDEN = Path(__file__).parents[1] / "golden"


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text("utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four commits of one plan: the base, a budget change, a schedule change, targets."""
    root = tmp_path_factory.mktemp("repo")
    git(root, "init", "-q", "-b", "main")
    plan = root / "plans" / "x.yaml"
    plan.parent.mkdir()
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    edit(plan, ("    - category: 推广费\n", "    - id: ads\n      category: 推广费\n"))
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    edit(
        plan,
        (
            "      quantity: 20\n      unit: 张\n      unit_price: 50\n      amount: 1000",
            "      quantity: 44\n      unit: 张\n      unit_price: 50",
        ),
        ("      item: 企业社群广告(精准投放)", "      item: 朋友圈广告"),
        (
            "    - category: 人力成本\n      item: 销售代表加班费\n      quantity: 5\n      unit: 人\n      unit_price: 200\n      amount: 1000\n",
            "    - category: 推广费\n      item: 短信提醒\n      amount: 800\n",
        ),
        ("  total: 10000\n", ""),
    )
    git(root, "commit", "-qam", "budget")
    edit(
        plan,
        (
            "    start: 2024-04-16\n    end: 2024-04-30\n    depends_on: [materials, invite]",
            "    start: 2024-04-19\n    end: 2024-05-03\n    depends_on: [materials, invite]",
        ),
        ("    owner: sales\n    start: 2024-04-11", "    owner: cs\n    start: 2024-04-11"),
        (
            "    start: 2024-05-06\n    end: 2024-05-10\n    depends_on: [stats]",
            "    start: 2024-05-03\n    end: 2024-05-09\n    depends_on: [stats]",
        ),
        ("  end: 2024-06-30\n", "  end: 2024-07-05\n"),
        (
            "    start: 2024-06-16\n    end: 2024-06-30\n",
            "    start: 2024-06-16\n    end: 2024-07-05\n",
        ),
        (
            "\nbudget:",
            "  - id: sms\n    phase: run\n    name: 短信提醒\n    owner: cs\n    start: 2024-05-13\n    end: 2024-05-14\n\nbudget:",
        ),
    )
    git(root, "commit", "-qam", "schedule")
    edit(
        plan,
        ('target: ">= 70%"', 'target: ">= 60%"'),
        ('target: "<= 50"', 'target: "<= 40"'),
        ("    share: 30%", "    share: 25%"),
        ("    share: 40%", "    share: 45%"),
        ("  customers: 200\n", "  customers: 240\n"),
        ("status: review", 'status: approved\nversion: "1.1"'),
        ("\nmonitoring:", '  - id: nps\n    name: 净推荐值\n    target: ">= 30"\n\nmonitoring:'),
    )
    edit(
        plan,
        (
            "review:\n  within",
            "approvals:\n  - {role: 审批人, name: 周经理, date: 2024-03-28}\n\nreview:\n  within",
        ),
    )
    git(root, "commit", "-qam", "targets")
    return root


def diff(repo: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(main, ["diff", *args])
    finally:
        os.chdir(cwd)


def test_gates_agree_with_the_cli() -> None:
    assert GATES == CLI_GATES


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_golden_text(repo: Path, locale: str, golden) -> None:
    result = diff(repo, "HEAD~3:plans/x.yaml", "HEAD:plans/x.yaml", "--locale", locale)
    assert result.exit_code == 0, result.output + result.stderr
    golden(GOLDEN / f"diff.{locale}.txt", result.stdout)


def test_golden_json(repo: Path, golden) -> None:
    result = diff(repo, "HEAD~3:plans/x.yaml", "HEAD:plans/x.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    golden(GOLDEN / "diff.json", result.stdout)
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["gates"] == list(GATES)


def _json(repo: Path, old: str, new: str) -> dict:
    result = diff(repo, old, new, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _changes(doc: dict, area: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for c in doc["changes"]:
        if c["area"] == area:
            out.setdefault(c["key"], []).append(c)
    return out


def test_budget_commit(repo: Path) -> None:
    doc = _json(repo, "HEAD~3:plans/x.yaml", "HEAD~2:plans/x.yaml")
    lines = _changes(doc, "budget")
    poster = lines["物料费 / 宣传海报"][0]
    assert poster["kind"] == "changed"
    assert poster["fields"]["amount"] == {"old": "1000.00", "new": "2200.00"}
    ads = lines["ads"][0]  # matched by id although the item was renamed
    assert ads["kind"] == "changed" and ads["fields"]["item"]["new"] == "朋友圈广告"
    assert lines["人力成本 / 销售代表加班费"][0]["kind"] == "removed"
    assert lines["推广费 / 短信提醒"][0]["kind"] == "added"
    assert doc["budget"]["delta"] == "1000.00" and doc["budget"]["over_cap"] is True
    assert doc["budget"]["remaining"] == "-1000.00"
    assert doc["gates"] == ["budget-increase", "over-cap"]


def test_schedule_commit(repo: Path) -> None:
    doc = _json(repo, "HEAD~2:plans/x.yaml", "HEAD~1:plans/x.yaml")
    tasks = _changes(doc, "tasks")
    (challenge,) = tasks["challenge"]
    assert challenge["kind"] == "moved"
    assert challenge["shifts"]["start"] == {"days": 3, "working_days": 3}
    (survey,) = tasks["survey"]  # Monday to the Friday before: 1 working day earlier
    assert survey["shifts"]["start"] == {"days": -3, "working_days": -1}
    assert survey["shifts"]["end"] == {"days": -1, "working_days": -1}
    (invite,) = tasks["invite"]
    assert invite["kind"] == "reassigned" and invite["fields"]["owner"] == {
        "old": "sales",
        "new": "cs",
    }
    assert tasks["sms"][0]["kind"] == "added"
    period = _changes(doc, "period")["period"][0]
    assert period["shifts"]["end"] == {"days": 5, "working_days": 5}
    assert _changes(doc, "phases")["review"][0]["kind"] == "moved"
    assert doc["gates"] == ["over-cap", "date-slip", "scope-change"]


def test_targets_commit(repo: Path) -> None:
    doc = _json(repo, "HEAD~1:plans/x.yaml", "HEAD:plans/x.yaml")
    kpis = _changes(doc, "kpis")
    lowered = next(c for c in kpis["participation-rate"] if "target" in c["fields"])
    assert lowered["kind"] == "lowered" and lowered["easier"] is True
    cost = next(c for c in kpis["cost-per-participant"] if "target" in c["fields"])
    assert cost["kind"] == "lowered" and cost["easier"] is False  # <= 40 is harder than <= 50
    assert kpis["nps"][0]["kind"] == "added"
    tiers = _changes(doc, "tiers")
    assert tiers["mid"][0]["fields"]["share"] == {"old": "30%", "new": "25%"}
    assert "customers" not in tiers["mid"][0]["fields"]  # 30% of 200 = 25% of 240
    assert tiers["potential"][0]["fields"]["customers"] == {"old": 80, "new": 108}
    plan = _changes(doc, "plan")
    (meta,) = plan.values()
    assert meta[0]["fields"]["status"] == {"old": "review", "new": "approved"}
    assert meta[0]["fields"]["version"] == {"old": None, "new": "1.1"}
    assert _changes(doc, "scope")["scope"][0]["fields"]["customers"] == {"old": 200, "new": 240}
    assert doc["gates"] == ["over-cap", "target-lowered", "scope-change"]


def test_fail_on(repo: Path) -> None:
    old, new = "HEAD~3:plans/x.yaml", "HEAD~2:plans/x.yaml"
    failed = diff(repo, old, new, "--fail-on", "budget-increase")
    assert failed.exit_code == 1 and "failing on budget-increase" in failed.stderr
    assert diff(repo, old, new, "--fail-on", "date-slip,target-lowered").exit_code == 0
    assert diff(repo, old, new, "--fail-on", "budget-increase,nonsense").exit_code == 2


def test_working_tree_against_a_revision_and_no_changes(repo: Path) -> None:
    same = diff(repo, "HEAD:plans/x.yaml", "plans/x.yaml")
    assert same.exit_code == 0
    assert same.stdout.splitlines()[-1] in ("没有变化", "no changes")
    assert diff(repo, "main:./plans/x.yaml", "HEAD:plans/x.yaml").exit_code == 0


def test_unreadable_sides_are_usage_errors(repo: Path) -> None:
    bad_rev = diff(repo, "nosuchrev:plans/x.yaml", "plans/x.yaml")
    assert (
        bad_rev.exit_code == 2 and "cannot read nosuchrev:plans/x.yaml from git" in bad_rev.stderr
    )
    assert diff(repo, "HEAD:plans/none.yaml", "plans/x.yaml").exit_code == 2
    assert diff(repo, "missing.yaml", "plans/x.yaml").exit_code == 2
    assert diff(repo, "--upload-pack=x:y", "plans/x.yaml").exit_code == 2


def test_a_plan_compared_with_itself_has_no_changes() -> None:
    for path in PLANS.glob("*.yaml"):
        plan = check_file(path).plan
        result = compare(plan, check_file(path).plan)
        assert result.changes == [] and result.gates == ()


def test_working_days_follow_the_calendar() -> None:
    cal = WorkCalendar(holidays={dt.date(2024, 5, 1): "劳动节"})
    assert working_days_between(dt.date(2024, 4, 30), dt.date(2024, 5, 2), cal) == 1
    assert working_days_between(dt.date(2024, 5, 2), dt.date(2024, 4, 30), cal) == -1
    assert working_days_between(dt.date(2024, 4, 26), dt.date(2024, 4, 29), WorkCalendar()) == 1


@pytest.mark.parametrize(
    ("old", "new", "kind", "easier"),
    [
        (">= 70%", ">= 60%", "lowered", True),
        (">= 70%", ">= 80%", "raised", False),
        ("<= 50", "<= 60", "raised", True),
        ("< 5", "<= 5", "changed", True),
        ("4.0..4.5", "3.5..4.5", "widened", True),
        ("4.0..4.5", "4.2..4.4", "narrowed", False),
        (">= 70%", ">= 70", "changed", None),
        (">= 4", "<= 4", "changed", None),
    ],
)
def test_target_direction(old: str, new: str, kind: str, easier: bool | None) -> None:
    assert _target_direction(parse_target(old), parse_target(new)) == (kind, easier)


def test_money_stays_decimal(repo: Path) -> None:
    result = compare(check_file(EXAMPLE).plan, check_file(repo / "plans" / "x.yaml").plan)
    assert isinstance(result.budget.delta, Decimal)


@pytest.fixture
def valid_repo(tmp_path: Path) -> Path:
    """The example committed, then changed in the working tree so that it stays valid."""
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    plan = root / "plans" / "x.yaml"
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    git(root, "add", ".")
    git(root, "commit", "-qm", "signed")
    edit(
        plan,
        ('target: ">= 70%"', 'target: ">= 60%"'),
        (
            "    start: 2024-04-16\n    end: 2024-04-30\n    depends_on: [materials, invite]",
            "    start: 2024-04-17\n    end: 2024-04-30\n    depends_on: [materials, invite]",
        ),
        (
            "      quantity: 20\n      unit: 张\n      unit_price: 50\n      amount: 1000",
            "      quantity: 16\n      unit: 张\n      unit_price: 50",
        ),
        ("  total: 10000\n", ""),
    )
    return root


def test_render_changes_since_adds_a_change_log(valid_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = diff_render(valid_repo, "plans/x.yaml", "--changes-since", "HEAD", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "reactivation-2024q2.html").read_text("utf-8")
    section = html[html.index('<section class="changes"') :]
    section = section[: section.index("</section>")]
    commit = git(valid_repo, "rev-parse", "HEAD").strip()
    assert f"自 HEAD（{commit[:12]}）以来的变更" in section
    assert "<h3>预算</h3>" in section and "<h3>任务</h3>" in section
    assert (
        "challenge “30天挑战计划”启动(社群打卡): 开始 2024年4月16日 → 2024年4月17日（推迟 1 个工作日"
        in section
    )
    assert "合计 ¥10,000.00 → ¥9,800.00（-¥200.00）" in section
    assert "目标值降低：≥ 70% → ≥ 60%（更容易达成）" in section
    assert html.index('id="cover"') < html.index('id="changes"') < html.index('id="tiers"')
    plain = diff_render(valid_repo, "plans/x.yaml", "-o", str(tmp_path / "plain"))
    assert plain.exit_code == 0
    assert 'id="changes"' not in (tmp_path / "plain" / "reactivation-2024q2.html").read_text(
        "utf-8"
    )


def test_render_changes_since_a_revision_without_the_plan(valid_repo: Path, tmp_path: Path) -> None:
    new = valid_repo / "plans" / "new.yaml"
    new.write_text(EXAMPLE.read_text("utf-8").replace("id: reactivation-2024q2", "id: y"), "utf-8")
    result = diff_render(
        valid_repo, "plans/new.yaml", "--changes-since", "HEAD", "-o", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    assert "该版本中还没有这份计划" in (tmp_path / "y.html").read_text("utf-8")


def test_render_changes_since_an_unknown_revision(repo: Path, tmp_path: Path) -> None:
    result = diff_render(repo, "plans/x.yaml", "--changes-since", "nope", "-o", str(tmp_path))
    assert result.exit_code == 2 and "`nope` is not a commit" in result.output
    assert not list(tmp_path.iterdir())


def diff_render(repo: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(main, ["render", "--format", "html", *args])
    finally:
        os.chdir(cwd)


def test_moves_count_working_days_on_the_plans_calendar() -> None:
    """国庆 2024: 1–7 October off; a task moved from Monday 30 September to Tuesday 8
    October slips 8 days but only 1 working day on the CN calendar (6 Monday to Friday)."""
    from planforge.loader import load_file
    from planforge.resolve import resolve

    data = load_file(EXAMPLE).data
    task = next(t for t in data["tasks"] if t["id"] == "challenge")
    task["start"], task["end"] = "2024-09-30", "2024-09-30"
    old = copy.deepcopy(data)
    task["start"], task["end"] = "2024-10-08", "2024-10-08"
    plain = {c.key: c for c in compare(resolve(old), resolve(data)).changes}
    assert plain["challenge"].shifts["start"] == (8, 6)
    old["calendar"] = data["calendar"] = {"country": "CN"}
    on_cn = {c.key: c for c in compare(resolve(old), resolve(data)).changes}
    assert on_cn["challenge"].shifts["start"] == (8, 1)


def test_diff_output_file_and_never_over_a_plan(repo: Path, tmp_path: Path) -> None:
    report = tmp_path / "diff.json"
    done = diff(repo, "HEAD~1:plans/x.yaml", "plans/x.yaml", "--format", "json", "-o", str(report))
    assert done.exit_code == 0 and json.loads(report.read_text("utf-8"))["version"] == 1
    before = (repo / "plans" / "x.yaml").read_bytes()
    refused = diff(repo, "HEAD~1:plans/x.yaml", "plans/x.yaml", "-o", "plans/x.yaml")
    assert refused.exit_code == 2 and (repo / "plans" / "x.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("old_cap", "new_cap", "tripped"),
    [("800", "900", True), ("900", "800", False), ("800", "800", False), ("800", None, True)],
)
def test_raising_or_removing_the_cap_is_a_budget_increase(
    old_cap: str, new_cap: str | None, tripped: bool
) -> None:
    """The total stays the same; what may be spent is what the manager approved."""
    from planforge.diff.compare import BudgetSummary, Diff

    total = Decimal("570.79")
    budget = BudgetSummary(total, total, Decimal(old_cap), new_cap and Decimal(new_cap))
    gates = Diff(None, None, [], budget).gates  # type: ignore[arg-type]
    assert ("budget-increase" in gates) is tripped
