"""The check stage: all findings together, sorted; crashes contained."""

from __future__ import annotations

import pytest

from planforge import rules as registry
from planforge.check import check_document
from planforge.loader import load_text


def test_findings_are_reported_together_and_sorted(example_text: str) -> None:
    text = example_text.replace("status: review", "status: nope").replace(
        "  total: 10000", "  total: 1"
    )
    diags = check_document(load_text(text)).diagnostics
    assert [d.code for d in diags] == ["PF104", "PF403"]
    assert diags == sorted(diags, key=lambda d: d.sort_key())


def test_a_rule_that_speaks_replaces_the_schema_at_the_same_place(example_text: str) -> None:
    text = example_text.replace('target: ">= 70%"', "target: 70%")
    codes = [d.code for d in check_document(load_text(text)).diagnostics]
    assert codes == ["PF601"]


def test_a_crashing_rule_becomes_pf900(monkeypatch: pytest.MonkeyPatch, example_text: str) -> None:
    rules = registry.all_rules()

    def broken(plan):
        raise ZeroDivisionError("oops")

    crash = registry.Rule("PF299", "broken", rules[0].severity, "Broken.", broken)
    monkeypatch.setattr(registry, "all_rules", lambda: [*rules, crash])
    monkeypatch.setattr("planforge.check.all_rules", lambda: [*rules, crash])
    result = check_document(load_text(example_text))
    assert [d.code for d in result.diagnostics] == ["PF900"]
    assert "PF299" in result.diagnostics[0].message and result.failed()
    with pytest.raises(ZeroDivisionError):
        check_document(load_text(example_text), debug=True)
