"""Machine-readable JSON (format version 1; documented in docs/ci.en.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from planforge import __version__
from planforge.check import Result
from planforge.diagnostics import Diagnostic
from planforge.messages import localize
from planforge.present.safe import json_safe
from planforge.reporters.common import edits_data, fix_text, totals
from planforge.rules import get as get_rule


def diagnostic_data(d: Diagnostic, lang: str | None = None) -> dict[str, Any]:
    """One diagnostic as a JSON object; ``message`` is English, ``localized`` in ``lang``."""
    rule = get_rule(d.code)
    fix = {
        "message": str(fix_text(d)),
        "example": d.fix is None,  # the rule's example fix, not one computed for this finding
        "safe": bool(d.fix and d.fix.safe),
        "edits": edits_data(d),
    }
    if lang and lang != "en":
        fix["localized"] = fix_text(d, lang)
    data = {
        "code": d.code,
        "rule": rule.name if rule else None,
        "severity": d.severity.value,
        "message": d.message,
        "line": d.location.line,
        "column": d.location.col,
        "end_line": d.location.end_line,
        "end_column": d.location.end_col,
        "related": [
            {"message": r.message, "line": r.location.line, "column": r.location.col}
            for r in d.related
        ],
        "fix": fix,
    }
    if lang and lang != "en":
        data["lang"] = lang
        data["localized"] = localize(d.message, lang)
    return data


def render(
    results: Sequence[Result], *, strict: bool = False, lang: str | None = None, **_: object
) -> str:
    """The JSON report."""
    data = {
        "version": 1,
        "tool": {"name": "planforge", "version": __version__},
        "strict": strict,
        "files": [
            {
                "path": r.path,
                "valid": not r.failed(strict),
                "errors": r.errors(),
                "warnings": r.warnings(),
                "diagnostics": [diagnostic_data(d, r.lang or lang) for d in r.diagnostics],
            }
            for r in results
        ],
        "summary": totals(results, strict),
    }
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
