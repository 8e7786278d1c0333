"""Terminal output: ``path:line:col: severity[CODE] message``, the source line, a caret, a summary."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from planforge.check import Result
from planforge.diagnostics import Diagnostic, Severity
from planforge.reporters import totals
from planforge.reporters.safe import visible

_STYLE = {
    "error": "\033[1;31m",
    "warning": "\033[1;33m",
    "bold": "\033[1m",
    "dim": "\033[2m",
    "blue": "\033[1;34m",
    "green": "\033[1;32m",
}


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLE[style]}{text}\033[0m" if color else text


#: Characters of a source line shown around the mistake (long lines are cut with …).
EXCERPT = 120
#: Findings printed per file; the rest are counted (the JSON report lists them all).
MAX_FINDINGS = 200


def snippet(lines: list[str], diag: Diagnostic, color: bool = False) -> list[str]:
    """The source line of ``diag`` with a caret under the offending value.

    At most :data:`EXCERPT` characters of the line are shown, and control, bidi and
    invisible characters are shown as ``\\u202e`` (see :mod:`planforge.reporters.safe`),
    so the excerpt can neither flood nor spoof the terminal.
    """
    loc = diag.location
    if not 0 < loc.line <= len(lines):
        return []
    line = lines[loc.line - 1]
    start = min(max(loc.col - 1, 0), len(line))
    lo = max(0, start - EXCERPT // 4) if len(line) > EXCERPT else 0
    hi = min(len(line), lo + EXCERPT)
    line = line[:hi].rstrip("\r\n").replace("\t", " ")
    if loc.end_line == loc.line and loc.end_col and loc.end_col > loc.col:
        end = min(loc.end_col - 1, len(line))
    else:
        rest = line[start:]
        end = start + len(rest.split(" ", 1)[0] if rest else "")
    more = "…" if hi < len(lines[loc.line - 1].rstrip("\r\n")) else ""
    less = "…" if lo else ""
    num = str(loc.line)
    pad = " " * len(num)
    caret = " " * _width(less + visible(line[lo:start])) + "^" * max(
        _width(visible(line[start:end])), 1
    )
    bar = _paint("|", "blue", color)
    return [
        f"{pad} {bar}",
        f"{_paint(num, 'blue', color)} {bar} {less}{visible(line[lo:])}{more}",
        f"{pad} {bar} {_paint(caret, diag.severity.value, color)}",
    ]


def format_diagnostic(diag: Diagnostic, lines: list[str], color: bool = False) -> str:
    """One diagnostic as text, with its snippet and related locations."""
    where = f"{visible(diag.path)}:{diag.line}:{diag.col}"
    head = (
        f"{_paint(where, 'bold', color)}: "
        f"{_paint(f'{diag.severity.value}[{diag.code}]', diag.severity.value, color)}"
        f" {visible(diag.message)}"
    )
    out = [head, *snippet(lines, diag, color)]
    for rel in diag.related:
        out.append(
            f"  = note: {visible(rel.message)}"
            f" (line {rel.location.line}, column {rel.location.col})"
        )
    return "\n".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(results: Sequence[Result], strict: bool) -> str:
    """``2 errors and 1 warning in 3 plans (1 failed)`` or ``3 plans checked: all valid``."""
    t = totals(results, strict)
    plans = _plural(t["files"], "plan")
    if not t["errors"] and not t["warnings"]:
        return f"{plans} checked: all valid"
    found = " and ".join(_plural(t[kind], kind[:-1]) for kind in ("errors", "warnings") if t[kind])
    note = " (--strict: warnings fail)" if strict and t["warnings"] else ""
    return f"{found} in {plans} ({t['failed']} failed){note}"


def render(
    results: Sequence[Result], *, strict: bool = False, color: bool = False, **_: object
) -> str:
    """The whole text report."""
    blocks = []
    for result in results:
        lines = result.document.lines()
        shown = result.diagnostics[:MAX_FINDINGS]
        blocks += [format_diagnostic(d, lines, color) for d in shown]
        if len(result.diagnostics) > len(shown):
            left = len(result.diagnostics) - len(shown)
            blocks.append(
                f"{visible(result.path)}: {_plural(left, 'more finding')} not shown"
                f" (the first {MAX_FINDINGS} are above; `--format json` lists them all)"
            )
    t = totals(results, strict)
    style = "green" if not t["failed"] else "error" if t["errors"] else "warning"
    blocks.append(_paint(summary(results, strict), style, color))
    return "\n\n".join(blocks) + "\n"


__all__ = ["Severity", "format_diagnostic", "render", "snippet", "summary"]
