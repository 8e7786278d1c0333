"""The README tells the truth: its quickstart output, its rule table, its commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.rules import all_rules
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quickstart_output_is_what_planforge_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    plan = tmp_path / "plans" / "reactivation-2024q2.yaml"
    text = plan.read_text("utf-8")
    changed = text.replace(
        "unit_price: 50\n      amount: 1000\n", "unit_price: 50\n      amount: 1200\n", 1
    )
    assert changed != text
    plan.write_text(changed, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--no-color"])
    block = README.split("and run `planforge validate` again:")[1]
    expected = re.search(r"```text\n(.*?)```", block, re.S).group(1)
    assert result.output == expected


def test_every_rule_is_in_the_readme_table() -> None:
    for rule in all_rules():
        assert re.search(rf"^\| {rule.code} \| {rule.severity.value} \|", README, re.M), rule.code


def test_every_command_is_documented() -> None:
    for command in main.commands:
        assert f"planforge {command}" in README, command


def test_every_top_level_block_is_in_the_format_reference() -> None:
    from planforge.schema import schema

    for key in schema()["properties"]:
        assert f"`{key}" in README, key


def test_the_chinese_session_is_what_planforge_prints(tmp_path: Path) -> None:
    block = README.split("Say a planner typed the title and the departments")[1]
    session = re.search(r"```text\n(.*?)```", block, re.S).group(1)
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    plan = tmp_path / "plans" / "reactivation-2024q2.yaml"
    text = plan.read_text("utf-8")
    broken = text.replace("title: 老客户唤醒月", "title：老客户唤醒月", 1).replace(
        "  departments: [市场部, 销售部, 客服部]", "  departments: [市场部，销售部，客服部]", 1
    )
    assert broken != text
    plan.write_text(broken, "utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    out = []
    for extra in ([], ["--fix"]):
        args = ["validate", "--lang", "zh-CN", *extra, "plans/reactivation-2024q2.yaml"]
        result = subprocess.run(
            [sys.executable, "-m", "planforge", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        out.append(f"$ planforge {' '.join(args)}\n{result.stderr}{result.stdout}")
    assert "".join(out) == session
    assert plan.read_text("utf-8") == text
