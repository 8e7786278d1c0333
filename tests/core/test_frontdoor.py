"""The front door (planforge.frontdoor): one way to open a plan, for every command.

Settings, plan, calendar, customer data and language are loaded once; the language
follows --lang, PLANFORGE_LANG, the plan's locale, then LC_ALL/LC_MESSAGES/LANG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planforge.frontdoor import Session
from planforge.i18n import choose
from tests.conftest import PLANS, ROOT

CRM = PLANS / "crm-tiers-2024q2.yaml"
EXAMPLE = PLANS / "reactivation-2024q2.yaml"


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "PLANFORGE_LANG", "LANGUAGE")
    }
    return {**env, **extra}


def _planforge(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planforge", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(**env),
        check=False,
    )


@pytest.mark.parametrize(
    ("option", "env", "plan", "expected"),
    [
        (None, {"LANG": "en_US.UTF-8"}, "zh-CN", "zh-CN"),
        (None, {"LANG": "C.UTF-8"}, "zh-CN", "zh-CN"),
        (None, {"LC_ALL": "zh_CN.UTF-8"}, "en", "en"),
        (None, {"PLANFORGE_LANG": "en", "LANG": "zh_CN.UTF-8"}, "zh-CN", "en"),
        ("en", {"PLANFORGE_LANG": "zh-CN"}, "zh-CN", "en"),
        ("zh-CN", {}, "en", "zh-CN"),
        (None, {"LANG": "zh_CN.UTF-8"}, None, "zh-CN"),
        (None, {}, None, "en"),
    ],
)
def test_the_language_is_the_option_then_planforge_lang_then_the_plan_then_lang(
    option: str | None, env: dict[str, str], plan: str | None, expected: str
) -> None:
    assert choose(option, env, plan_locale=plan) == expected
    assert Session(lang_option=option, env=env).lang_for(plan) == expected


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "C.UTF-8"])
def test_a_chinese_plan_speaks_chinese_whatever_lang_says(tmp_path: Path, lang: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE.read_text("utf-8").replace("owner: designer", "owner: desinger"), "utf-8"
    )
    result = _planforge("validate", str(bad), LANG=lang)
    assert result.returncode == 1
    assert "找不到团队成员 `desinger`" in result.stdout, result.stdout
    assert "1 份计划" in result.stdout.splitlines()[-1]
    # ... unless the planner asks for English.
    for english in (
        _planforge("validate", "--lang", "en", str(bad), LANG=lang),
        _planforge("validate", str(bad), LANG=lang, PLANFORGE_LANG="en"),
    ):
        assert "did you mean `designer`" in english.stdout, english.stdout


def test_an_english_plan_speaks_english_where_lang_is_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text("utf-8").replace("locale: zh-CN", "locale: en")
    bad.write_text(text.replace("owner: designer", "owner: desinger"), "utf-8")
    result = _planforge("validate", str(bad), LANG="zh_CN.UTF-8")
    assert "did you mean `designer`" in result.stdout, result.stdout


def test_open_hands_on_the_checked_plan_with_its_data_calendar_and_language() -> None:
    result = Session(env={}).open(str(CRM))
    assert result.plan is not None and not result.failed()
    assert result.lang == "zh-CN"
    assert result.calendar is result.plan.calendar
    seg = result.plan.segmentation
    assert seg is not None and seg.read  # the customer data is read by default
    assert [t.customers for t in result.plan.tiers] == [2, 12, 12, 12]
    header_only = Session(env={}, read_data=False).open(str(CRM))
    assert header_only.plan is not None and not header_only.plan.segmentation.read


def _over_cap_plan(tmp_path: Path) -> Path:
    """The CRM plan with a cap its lines keep only without the real customer counts."""
    shutil.copytree(PLANS / "data", tmp_path / "data")
    plan = tmp_path / "crm.yaml"
    plan.write_text(CRM.read_text("utf-8").replace("cap: 10000", "cap: 3000"), "utf-8")
    return plan


def test_plain_validate_checks_the_budget_against_the_real_tier_counts(tmp_path: Path) -> None:
    plan = _over_cap_plan(tmp_path)
    result = _planforge("validate", "--lang", "en", str(plan))
    assert result.returncode == 1
    assert "error[PF404]" in result.stdout and "over the cap of 3000.00" in result.stdout
    # --data is still accepted (it is the default now).
    assert _planforge("validate", "--data", "--lang", "en", str(plan)).returncode == 1


def test_no_data_skips_the_customer_data_with_a_note(tmp_path: Path) -> None:
    plan = _over_cap_plan(tmp_path)
    result = _planforge("validate", "--no-data", "--lang", "en", str(plan))
    assert result.returncode == 0, result.stdout
    assert "--no-data: the customer data was not read" in result.stderr
    chinese = _planforge("validate", "--no-data", str(plan), LANG="C.UTF-8")
    assert "没有读取客户数据" in chinese.stderr
    # No note for plans without customer data.
    assert "--no-data" not in _planforge("validate", "--no-data", str(EXAMPLE)).stderr


# -- diff: each side with its own revision's customer data ---------------------------------


@pytest.fixture
def crm_repo(tmp_path: Path) -> Path:
    """A repository with the CRM plan (cap 7000: 6,400 with the committed data) and its data."""
    from tests.gitrepo import git

    shutil.copytree(PLANS / "data", tmp_path / "plans" / "data")
    plan = tmp_path / "plans" / "crm.yaml"
    plan.write_text(CRM.read_text("utf-8").replace("cap: 10000", "cap: 7000"), "utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "plan and data")
    return tmp_path


def test_diff_sees_a_tier_rule_change_that_takes_the_budget_over_cap(crm_repo: Path) -> None:
    plan = crm_repo / "plans" / "crm.yaml"
    plan.write_text(
        plan.read_text("utf-8").replace('rule: "投诉次数 >= 2"', 'rule: "投诉次数 >= 0"'), "utf-8"
    )
    result = _planforge(
        "diff",
        "HEAD:plans/crm.yaml",
        "plans/crm.yaml",
        "--fail-on",
        "over-cap",
        "--lang",
        "en",
        cwd=crm_repo,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failing on over-cap" in result.stderr
    # The change report lists the changed tier rule and the counts it moved.
    assert "投诉次数 >= 0" in result.stdout and "分层规则" in result.stdout, result.stdout
    assert "超出上限（¥7,000.00）" in result.stdout  # the report speaks the plan's language


def test_diff_reads_each_sides_data_at_its_own_revision(crm_repo: Path) -> None:
    data = crm_repo / "plans" / "data" / "customers.csv"
    lines = data.read_text("utf-8").splitlines()
    # Everyone complained twice since: every customer but the two high-value ones is at risk.
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    for row in rows:
        row[4] = "2" if row[4] != "0" or int(row[2]) < 150000 else row[4]
    data.write_text("\n".join([header, *(",".join(r) for r in rows)]) + "\n", "utf-8")
    result = _planforge(
        "diff",
        "HEAD:plans/crm.yaml",
        "plans/crm.yaml",
        "--fail-on",
        "over-cap",
        "--lang",
        "en",
        cwd=crm_repo,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    # Nothing changed in the plan file, yet the counts (and so the budget) did.
    assert "`risk` 风险客户: 客户数 12 → 34" in result.stdout, result.stdout
    same = _planforge("diff", "HEAD:plans/crm.yaml", "HEAD:plans/crm.yaml", cwd=crm_repo)
    assert same.returncode == 0 and "没有变化" in same.stdout, same.stdout


def test_segment_writes_the_tier_list_and_the_counts_when_the_budget_is_over_cap(
    tmp_path: Path,
) -> None:
    plan = _over_cap_plan(tmp_path)
    result = _planforge("segment", str(plan), "-o", str(tmp_path / "out"), "--lang", "en")
    assert result.returncode == 1, result.stderr
    assert "error[PF404]" in result.stderr
    assert (tmp_path / "out" / "crm-tiers-2024q2-tiers.csv").is_file()
    assert "38 in scope" in result.stdout or "38" in result.stdout.splitlines()[0]
    assert "the tier list is written, but the plan has errors" in result.stderr
    # A broken tier rule still writes nothing.
    plan.write_text(
        plan.read_text("utf-8").replace('rule: "投诉次数 >= 2"', 'rule: "投诉次数 >>= 2"'), "utf-8"
    )
    out = tmp_path / "out2"
    broken = _planforge("segment", str(plan), "-o", str(out), "--lang", "en")
    assert broken.returncode == 1 and not out.exists()


def test_an_english_plan_gets_an_english_tier_list(tmp_path: Path) -> None:
    import openpyxl

    shutil.copytree(PLANS / "data", tmp_path / "data")
    plan = tmp_path / "crm.yaml"
    plan.write_text(CRM.read_text("utf-8").replace("locale: zh-CN", "locale: en"), "utf-8")
    out = tmp_path / "out"
    result = _planforge("segment", str(plan), "-o", str(out), LANG="zh_CN.UTF-8")
    assert result.returncode == 0, result.stderr
    assert "Unassigned" in result.stdout and "Total" in result.stdout, result.stdout
    assert "38 in scope" in result.stdout and "wrote" in result.stdout
    header = (out / "crm-tiers-2024q2-tiers.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("Customer ID,Customer name,Tier,Why this tier,Core needs,Strategy")
    book = openpyxl.load_workbook(out / "crm-tiers-2024q2-tiers.xlsx")
    assert book.sheetnames == ["Tier list", "Tier summary"]
    rows = list(book["Tier list"].iter_rows(min_row=2, values_only=True))
    assert "问题解决, 补偿方案" in [r[4] for r in rows]  # a list joined with ", ", not 、
    names = [r[1] for r in book["Tier summary"].iter_rows(min_row=2, values_only=True)]
    assert "Unassigned" in names and "Total" in names
    # The same plan in Chinese keeps the template's headings, joined with 、.
    plan.write_text(CRM.read_text("utf-8"), "utf-8")
    zh = _planforge("segment", str(plan), "-o", str(tmp_path / "zh"), LANG="en_US.UTF-8")
    assert "未分层" in zh.stdout and "合计" in zh.stdout
    book = openpyxl.load_workbook(tmp_path / "zh" / "crm-tiers-2024q2-tiers.xlsx")
    assert book.sheetnames == ["客户分层清单", "分层汇总"]


# -- language: no untranslated fragments, init in the user's language ---------------------


def test_a_chinese_message_names_the_character_in_chinese(tmp_path: Path) -> None:
    plan = tmp_path / "x.yaml"
    text = EXAMPLE.read_text("utf-8").replace("\nowner: ", "\n\u3000owner: ", 1)
    plan.write_text(text, "utf-8")
    result = _planforge("validate", "--lang", "zh-CN", str(plan))
    assert "缩进里有全角空格（U+3000）" in result.stdout, result.stdout
    assert "full-width space" not in result.stdout


def test_code_in_a_chinese_message_is_set_apart_from_the_words_around_it(tmp_path: Path) -> None:
    from planforge.messages import msg, spaced

    assert spaced("任务 `call`在 2027-01-04 结束") == "任务 `call` 在 2027-01-04 结束"
    assert spaced("依赖的 `segment` 要到") == "依赖的 `segment` 要到"
    assert spaced("`a`：`b`") == "`a`：`b`" and spaced("一个 ` 号") == "一个 ` 号"
    label = msg("{kind} `{id}`", kind=msg("task"), id="call")
    line = msg("{task} ends on {day}, after its {span}", task=label, day="x", span="y")
    assert line.localize("zh-CN").startswith("任务 `call` 在 x 结束")


def test_init_speaks_the_users_language(tmp_path: Path) -> None:
    made = _planforge("init", "plans/x.plan.yaml", cwd=tmp_path, LANG="C.UTF-8")
    assert made.returncode == 0 and "已写入 plans/x.plan.yaml" in made.stdout, made.stdout
    again = _planforge("init", "plans/x.plan.yaml", cwd=tmp_path, LANG="C.UTF-8")
    assert again.returncode == 2 and "已经存在" in again.stderr, again.stderr
    english = _planforge("init", "--lang", "en", "plans/x.plan.yaml", cwd=tmp_path)
    assert "already exists; planforge init never overwrites" in english.stderr
    en_plan = _planforge("init", "--locale", "en", "plans/y.plan.yaml", cwd=tmp_path)
    assert "wrote plans/y.plan.yaml" in en_plan.stdout  # an English plan: English


def test_help_describes_the_language_order_and_the_data_default() -> None:
    top = _planforge("--help").stdout
    assert "PLANFORGE_LANG, else the plan's own locale" in " ".join(top.split())
    validate = " ".join(_planforge("validate", "--help").stdout.split())
    assert "--data / --no-data" in validate and "the real customer counts" in validate
    assert "then the plan's own locale" in validate  # --lang
    diff = " ".join(_planforge("diff", "--help").stdout.split())
    assert "REV:path reads the plan's data file at REV too" in diff


@pytest.mark.parametrize(
    "plan",
    [
        PLANS / "reactivation-2024q2.yaml",
        PLANS / "key-accounts-care-2024h2.yaml",
        ROOT / "tests" / "golden" / "broken-plan.yaml",
        ROOT / "tests" / "trial-plans" / "winback-email-2025-03.yaml",
    ],
)
def test_an_opened_plan_is_freed_without_the_cycle_collector(plan: Path) -> None:
    """Nothing of an opened plan is left in a reference cycle: once its result is dropped,
    all of it is freed at once. (The loader's dispatch table of bound methods once made
    each document a cycle: for 300 plans, a seventh of validate's time went to the
    collector finding them.)"""
    import gc

    session = Session()
    session.open(str(plan)).reported()  # anything made once per process, made now
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        session.open(str(plan)).reported()
        gc.collect()
        left = [type(o).__qualname__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
