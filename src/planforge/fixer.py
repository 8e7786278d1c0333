"""``validate --fix``: apply the exact, safe edits of a file's findings, in place.

Only edits a check marked safe are applied: they change how a value is typed
(full-width punctuation, curly quotes, the case of a currency code, quoting), never
what the planner meant. Edits that overlap another one are left for the next run.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable

from planforge.atomic import write_file
from planforge.diagnostics import Diagnostic


def apply(text: str, diagnostics: Iterable[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """``text`` with the safe fixes applied, and the diagnostics they fixed."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: tuple[int, int]) -> int:
        line, col = pos
        return starts[min(line, len(starts) - 1) - 1] + col - 1

    chosen: list[tuple[int, int, str]] = []
    fixed: list[Diagnostic] = []
    taken: list[tuple[int, int]] = []
    for diag in diagnostics:
        if diag.fix is None or not diag.fix.safe or not diag.fix.edits:
            continue
        spans = [(offset(e.start), offset(e.end), e.text) for e in diag.fix.edits]
        if any((a < te and ta < b) or a == b == ta for a, b, _ in spans for ta, te in taken):
            continue
        chosen += spans
        taken += [(a, b) for a, b, _ in spans]
        fixed.append(diag)
    out, last = [], 0
    for a, b, new in sorted(chosen):
        out += [text[last:a], new]
        last = b
    out.append(text[last:])
    return "".join(out), fixed


def fix_file(path: str | os.PathLike[str], diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Apply the safe fixes to the file at ``path`` atomically; returns what was fixed."""
    with open(path, "rb") as fh:
        data = fh.read()
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = data[len(bom) :].decode("utf-8")
    new, fixed = apply(text, diagnostics)
    if fixed and new != text:
        write_file(os.fspath(path), bom + new.encode("utf-8"))
    return fixed
