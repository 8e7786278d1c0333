"""What the reporters share: a finding's fix as text, its edits as data, the totals."""

from __future__ import annotations

from collections.abc import Sequence

from planforge.check import Result
from planforge.diagnostics import Diagnostic
from planforge.messages import localize


def fix_text(d: Diagnostic, lang: str | None = None) -> str:
    """How to fix ``d``: its own suggestion, or else the example fix from its rule's doc."""
    if d.fix is not None:
        return localize(d.fix.message, lang)
    return example_text(d, lang)


def example_text(d: Diagnostic, lang: str | None = None) -> str:
    """The example fix of ``d``'s rule, for a finding without a fix of its own."""
    from planforge.rules import get as get_rule

    rule = get_rule(d.code)
    return rule.example_in(lang) if rule else ""


def edits_data(d: Diagnostic) -> list[dict[str, object]]:
    """The fix's text edits as JSON objects (empty when the fix is only in words)."""
    if d.fix is None:
        return []
    return [
        {
            "line": e.start[0],
            "column": e.start[1],
            "end_line": e.end[0],
            "end_column": e.end[1],
            "text": e.text,
        }
        for e in d.fix.edits
    ]


def totals(results: Sequence[Result], strict: bool) -> dict[str, int]:
    """Counts for a summary line."""
    return {
        "files": len(results),
        "failed": sum(1 for r in results if r.failed(strict)),
        "errors": sum(r.errors() for r in results),
        "warnings": sum(r.warnings() for r in results),
    }
