"""``validate --fix``: apply the exact, safe edits of a file's findings, in place.

Only edits a check marked safe are applied: they change how a value is typed
(full-width punctuation, curly quotes, the case of a currency code, quoting), never
what the planner meant. Edits that overlap another one are left for the next run.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterable

from planforge.atomic import Changed, OutputError, replace_contents
from planforge.diagnostics import Diagnostic, Severity
from planforge.messages import msg


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


def fix_file(
    path: str | os.PathLike[str], diagnostics: list[Diagnostic], *, checked: str | None = None
) -> list[Diagnostic]:
    """Apply the safe fixes to the file at ``path``; returns what was fixed.

    ``checked`` is the SHA-256 of the bytes the diagnostics were found in: when the
    file no longer holds them (saved during the check), their positions are stale
    and nothing is written (:class:`planforge.atomic.Changed`). A file that is not
    UTF-8 gets no fixes (PF001 says why). Through a symbolic link the target is
    edited; mode, owner and hard links stay (:func:`planforge.atomic.replace_contents`).
    """
    if not any(d.fix is not None and d.fix.safe and d.fix.edits for d in diagnostics):
        return []
    with open(os.path.realpath(path), "rb") as fh:
        data = fh.read()
    if checked is not None and hashlib.sha256(data).hexdigest() != checked:
        raise Changed(f"{os.fspath(path)} changed while it was checked; not written")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        return []  # PF001: the encoding comes first
    new, fixed = apply(text, diagnostics)
    if fixed and new != text:
        replace_contents(path, bom + new.encode("utf-8"), expected=data)
    return fixed


def not_written(path: str | os.PathLike[str], problem: OutputError) -> Diagnostic:
    """PF010: the safe fixes were found but not written, and why."""
    if isinstance(problem, Changed):
        message = msg(
            "the file changed while it was checked, so its fixes were not written:"
            " run `planforge validate --fix` again"
        )
    else:
        message = msg("the fixes were not written: {problem}", problem=str(problem))
    return Diagnostic("PF010", Severity.WARNING, message, os.fspath(path))
