"""Where suppression comments are found: at the end of any line or on a line of their own,
in any case; a text without one has none (found without reading it line by line)."""

from __future__ import annotations

from planforge.suppress import suppressions


def test_comments_on_any_line_in_any_case() -> None:
    text = "planforge: 1\nid: x  # planforge: ignore[PF304]\n# PLANFORGE: IGNORE[pf401, PF402]\n"
    assert suppressions(text) == {2: (8, ["PF304"]), 3: (1, ["PF401", "PF402"])}


def test_a_plan_without_one_has_none() -> None:
    text = "# yaml-language-server: $schema=x\nplanforge: 1\nnote: planforge ignore PF304\n"
    assert suppressions(text) == {}
    assert suppressions("a: 1\n#planforge:ignore[]\n") == {2: (1, [])}
