"""Fixture-driven rule tests, in the spirit of sqlfluff's YAML test cases.

``cases/PFxxx.yaml`` holds, for one rule, plans that must trigger it (with the
expected line, column and a fragment of the message written next to them) and
plans that must not. ``match`` narrows a case to the rule's diagnostics whose
message contains it (PF101 fragments lack most required keys). Each plan runs through the whole pipeline (load, schema,
resolve, every rule); only the rule's own code is compared, so fixtures can be
small fragments of a plan. ``data: true`` reads a segmentation source's rows
(as ``segment`` and ``export`` do; ``validate`` reads only the header);
``evaluate: DATE`` also reads the outcomes up to that day (as ``evaluate`` does);
sources are relative to the repository root (tests/rules/data/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from planforge.check import check_document
from planforge.loader import load_bytes
from planforge.rules import all_rules
from tests.i18n_helpers import untranslated

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("What it checks:", "Why it matters:", "Example fix:")
#: Codes no plan can trigger on purpose; their failing case lives in a unit test.
TESTED_ELSEWHERE = {
    "PF900": "tests/core/test_check.py::test_a_crashing_rule_becomes_pf900",
    "PF007": "tests/core/test_bounds.py::test_a_fifo_is_a_diagnostic_not_a_hang",
    "PF008": "tests/core/test_bounds.py::test_a_dangling_symlink_is_that_files_diagnostic",
    "PF108": "tests/core/test_bounds.py::test_a_value_over_the_text_bound",
    "PF009": "tests/core/test_bounds.py::test_loading_stops_past_the_value_bound",
    "PF010": "tests/core/test_fix_safety.py::test_a_save_during_the_check_is_never_overwritten",
    "PF801": "tests/render/test_render_limits.py::test_a_slow_plan_stops_at_the_time_limit",
    "PF802": "tests/render/test_render_limits.py::test_a_plan_over_the_memory_limit_is_stopped",
    "PF211": "tests/core/test_repository.py::test_validate_names_both_files_at_each_id",
}


def _load_cases() -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted(CASES.glob("PF*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for case in spec.get(kind) or []:
                out.append((spec["rule"], kind, case))
    return out


def _plan_bytes(case: dict) -> bytes:
    text = case["plan"]
    if case.get("crlf"):
        text = text.replace("\n", "\r\n")
    return text.encode(case.get("encoding", "utf-8"))


def _fix(diag) -> str:
    return diag.fix.message if diag.fix else ""


@pytest.mark.parametrize(
    ("code", "kind", "case"),
    _load_cases(),
    ids=lambda v: v if isinstance(v, str) else v.get("name", "?"),
)
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_rule_case(
    code: str, kind: str, case: dict, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    doc = load_bytes(_plan_bytes(case), "case.yaml")
    as_of = case.get("evaluate")
    result = check_document(
        doc, debug=True, read_data=case.get("data", False) or as_of is not None, as_of=as_of
    )
    found = [d for d in result.diagnostics if d.code == code]
    if lang != "en":  # every message and fix of every finding speaks the planner's language
        for d in result.diagnostics:
            assert untranslated(d.message, lang) == [], (d.code, d.message)
            assert d.fix is None or untranslated(d.fix.message, lang) == [], (d.code, d.fix)
            assert all(untranslated(r.message, lang) == [] for r in d.related), d.related
    if "match" in case:  # fragments lack most required keys: look at one block only
        found = [d for d in found if case["match"] in d.message]
    if kind == "pass":
        assert found == [], [f"{d.line}:{d.col} {d.message}" for d in found]
        return
    expected = case["expect"]
    assert len(found) == len(expected), [f"{d.line}:{d.col} {d.message}" for d in found]
    for diag, want in zip(found, expected, strict=True):
        assert diag.line == want["line"], (diag.line, diag.col, diag.message)
        if "col" in want:
            assert diag.col == want["col"], (diag.line, diag.col, diag.message)
        if "message" in want:  # a fragment of the message or of its fix
            assert want["message"] in diag.message + "\n" + _fix(diag), (diag.message, _fix(diag))
        if "fix" in want:
            assert diag.fix is not None and want["fix"] in diag.fix.message, diag.fix


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_doc_and_fixtures(rule) -> None:
    assert rule.summary and not rule.summary.endswith(",")
    for section in SECTIONS:
        assert section in rule.doc, f"{rule.code} doc lacks {section!r}"
    spec = yaml.safe_load((CASES / f"{rule.code}.yaml").read_text(encoding="utf-8"))
    assert spec["rule"] == rule.code
    assert spec.get("pass"), f"{rule.code} has no passing fixture"
    if rule.code not in TESTED_ELSEWHERE:
        assert spec.get("fail"), f"{rule.code} has no failing fixture"


def test_no_fixture_for_an_unknown_rule() -> None:
    codes = {r.code for r in all_rules()}
    assert {p.stem for p in CASES.glob("PF*.yaml")} <= codes
