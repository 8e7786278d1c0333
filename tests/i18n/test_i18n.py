"""Messages in the planner's language: catalogs complete, compiled and chosen right."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tools.i18n_build import compile_po, messages, placeholders, po_files, read

from planforge.i18n import choose, normalize
from planforge.messages import msg
from planforge.rules import all_rules
from tests.cli.test_cli import proc
from tests.conftest import EXAMPLE, ROOT

BROKEN = "tests/golden/broken-plan.yaml"


@pytest.fixture(scope="module")
def catalog():
    (po,) = [p for p in po_files() if p.parent.parent.name == "zh_CN"]
    return read(po)


def test_every_message_has_a_chinese_translation(catalog) -> None:
    """Adding a message? Run `python -m tools.i18n_build update`, translate it in
    src/planforge/locale/zh_CN/LC_MESSAGES/planforge.po, and run it again to compile."""
    missing = [
        f"{where}: {text[:70]!r}"
        for text, where in sorted(messages().items(), key=lambda kv: kv[1])
        if not (catalog.get(text) and catalog.get(text).string and not catalog.get(text).fuzzy)
    ]
    assert missing == [], "no zh-CN translation for:\n" + "\n".join(missing)


def test_no_translation_drops_or_invents_a_placeholder(catalog) -> None:
    wrong = [
        f"{m.id[:60]!r}: {sorted(placeholders(m.id))} vs {sorted(placeholders(m.string))}"
        for m in catalog
        if m.id and m.string and placeholders(m.id) != placeholders(m.string)
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_rule_doc_keeps_its_sections_in_chinese() -> None:
    for rule in all_rules():
        doc = rule.doc_in("zh-CN")
        assert doc != rule.doc, rule.code
        for section in ("检查内容：", "为何重要：", "修改示例："):
            assert section in doc, (rule.code, section)


def test_compiled_catalogs_are_up_to_date() -> None:
    """The .mo files are committed (so a fresh clone and the wheel have them);
    `python -m tools.i18n_build compile` rewrites them from the .po."""
    for po in po_files():
        assert po.with_suffix(".mo").read_bytes() == compile_po(po), f"recompile {po}"


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        (None, {}, "en"),
        ("zh-CN", {"PLANFORGE_LANG": "en"}, "zh-CN"),
        (None, {"PLANFORGE_LANG": "zh-CN", "LANG": "en_US.UTF-8"}, "zh-CN"),
        (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh-CN"),
        (None, {"LC_MESSAGES": "zh_CN", "LANG": "en_US.UTF-8"}, "zh-CN"),
        (None, {"LANG": "zh_CN.GB18030"}, "zh-CN"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "en"),
    ],
)
def test_the_language_is_chosen_in_order(option, env, expected) -> None:
    assert choose(option, env) == expected


def test_normalize() -> None:
    assert normalize("zh_CN.UTF-8") == normalize("zh-cn") == normalize("zh") == "zh-CN"
    assert normalize("fr_FR") is None


def test_a_message_is_its_english_text_and_translates_its_arguments() -> None:
    inner = msg("budget line #{n}", n=3)
    outer = msg("{line} has no amount", line=inner)
    assert outer == "budget line #3 has no amount"
    assert outer.localize("zh-CN") == "第 3 条预算明细 没有金额"
    assert outer.localize("en") == str(outer)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    env.pop("PLANFORGE_LANG", None)
    return {**env, "NO_COLOR": "1", **extra}


def _validate(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planforge", "validate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=120,
        check=False,
    )


def test_cli_speaks_chinese_by_option_and_by_environment() -> None:
    by_option = _validate("--lang", "zh-CN", BROKEN)
    assert by_option.returncode == 1 and "只能是 draft, review, approved 之一" in by_option.stdout
    assert "份计划中共有" in by_option.stdout
    assert _validate(BROKEN, PLANFORGE_LANG="zh-CN").stdout == by_option.stdout
    assert _validate(BROKEN, LANG="zh_CN.UTF-8").stdout == by_option.stdout
    english = _validate("--lang", "en", BROKEN, LANG="zh_CN.UTF-8").stdout
    assert "must be one of draft, review, approved" in english and "只能是" not in english


def test_json_keeps_english_and_adds_the_localized_message() -> None:
    result = _validate("--format", "json", "--lang", "zh-CN", BROKEN)
    data = json.loads(result.stdout)
    first = data["files"][0]["diagnostics"][0]
    assert first["code"] == "PF104" and first["rule"] == "invalid-value"
    assert first["message"].startswith("`status` must be one of")
    assert first["localized"].startswith("`status` 只能是") and first["lang"] == "zh-CN"
    assert (
        first["fix"]["message"] == "write `review`" and first["fix"]["localized"] == "改成 `review`"
    )


def test_sarif_rule_ids_do_not_change_with_the_language() -> None:
    en = json.loads(_validate("--format", "sarif", BROKEN).stdout)
    zh = json.loads(_validate("--format", "sarif", "--lang", "zh-CN", BROKEN).stdout)
    ids = [[r["ruleId"] for r in run["results"]] for run in (en["runs"][0], zh["runs"][0])]
    assert ids[0] == ids[1]


def test_explain_and_rules_in_chinese() -> None:
    explained = proc("explain", "PF401", "--lang", "zh-CN")
    assert explained.returncode == 0
    assert explained.stdout.startswith("PF401 amount-mismatch (error)")  # code and name stay
    assert "检查内容：" in explained.stdout and "修改示例：" in explained.stdout
    listed = proc("rules", "--lang", "zh-CN")
    assert (
        "PF401  error    amount-mismatch" in listed.stdout
        and "明细金额不等于数量 × 单价" in listed.stdout
    )


def test_cli_errors_in_chinese() -> None:
    result = proc("--lang", "zh-CN", "validate", "no/such/plan.yaml")
    assert result.returncode == 2 and "文件或目录不存在" in result.stderr
    result = proc("explain", "PF4O1", "--lang", "zh-CN")
    assert result.returncode == 2 and "没有叫 PF4O1 的检查" in result.stderr
    result = proc("export", str(EXAMPLE), "--format", "xlsx", "--lang", "zh-CN")
    assert result.returncode == 2 and "会写出二进制文件" in result.stderr


def test_an_english_run_never_reads_a_catalog() -> None:
    # The example plans are zh-CN, so without --lang they speak Chinese (the plan's locale
    # comes before LANG); asked for English, nothing reads a catalog.
    code = (
        "import sys; from planforge.cli import main\n"
        "from planforge import i18n\n"
        f"try:\n    main(['validate', '--lang', 'en', {str(EXAMPLE)!r}, {BROKEN!r}])\nexcept SystemExit:\n    pass\n"
        "print(i18n.catalog.cache_info().currsize, 'babel' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=_env()
    )
    assert result.stdout.strip().endswith("0 False"), result.stdout + result.stderr
