"""Inline suppressions: ``# planforge: ignore[PF304]`` at the end of a line (PF212).

A suppression drops the findings with those codes that start on its line. One that
drops nothing (the finding is gone, or the code is misspelt) is itself a warning, so
stale suppressions do not pile up. Reading the file (PF0xx) cannot be suppressed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from planforge.diagnostics import Diagnostic, Fix, Location, Severity
from planforge.loader import Document
from planforge.messages import msg

CODE = "PF212"
_COMMENT = re.compile(r"(?:^|\s)#\s*planforge:\s*ignore\[([^\]]*)\]", re.IGNORECASE)
_CODE = re.compile(r"PF[0-9]{3}")


def suppressions(text: str) -> dict[int, tuple[int, list[str]]]:
    """Line -> (column of the comment, codes), for every ``# planforge: ignore[...]``."""
    out = {}
    if not _COMMENT.search(text):  # over the whole text: any line's comment is found too
        return out
    for number, line in enumerate(text.splitlines(), 1):
        m = _COMMENT.search(line)
        if m:
            codes = [c.strip().upper() for c in m.group(1).split(",") if c.strip()]
            out[number] = (m.start() + 1 + (line[m.start()] != "#"), codes)
    return out


def apply(doc: Document, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` without the suppressed ones, plus PF212 for unused suppressions,
    sorted by place."""
    diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
    table = suppressions(doc.text or "")
    if not table:
        return diagnostics
    used: set[tuple[int, str]] = set()
    kept = []
    for d in diagnostics:
        entry = table.get(d.line)
        if entry and d.code in entry[1] and not d.code.startswith("PF0"):
            used.add((d.line, d.code))
            continue
        kept.append(d)
    for line, (col, codes) in sorted(table.items()):
        for code in codes or ["(none)"]:
            if (line, code) in used:
                continue
            if not _CODE.fullmatch(code):
                why = msg("`{code}` is not a check code (like PF304)", code=code)
            elif code.startswith("PF0"):
                why = msg("{code} is about reading the file and cannot be suppressed", code=code)
            else:
                why = msg("there is no {code} finding on this line", code=code)
            message = msg("unused suppression of {code}: {why}", code=code, why=why)
            fix = Fix(msg("remove {code} from the comment", code=code))
            loc = Location(line, col)
            kept.append(Diagnostic(CODE, Severity.WARNING, message, doc.path, loc, fix=fix))
    return sorted(kept, key=Diagnostic.sort_key)
