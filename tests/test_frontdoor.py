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

from .conftest import PLANS, ROOT

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
