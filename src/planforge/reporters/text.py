"""Terminal output: ``path:line:col: severity[CODE] message``, the source line, a caret, a summary."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from planforge.check import Result
from planforge.diagnostics import Diagnostic, Severity
from planforge.messages import localize, msg
from planforge.reporters.common import fix_text, totals
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


def format_diagnostic(
    diag: Diagnostic, lines: list[str], color: bool = False, lang: str | None = None
) -> str:
    """One diagnostic as text, with its snippet, related locations and fix."""
    where = f"{visible(diag.path)}:{diag.line}:{diag.col}"
    head = (
        f"{_paint(where, 'bold', color)}: "
        f"{_paint(f'{diag.severity.value}[{diag.code}]', diag.severity.value, color)}"
        f" {visible(localize(diag.message, lang))}"
    )
    out = [head, *snippet(lines, diag, color)]
    for rel in diag.related:
        at = msg("line {line}, column {col}", line=rel.location.line, col=rel.location.col)
        note = msg("note").localize(lang)
        out.append(f"  = {note}: {visible(localize(rel.message, lang))} ({at.localize(lang)})")
    fix = fix_text(diag, lang)
    if fix:
        label = (msg("fix") if diag.fix else msg("example")).localize(lang)
        indent = "\n" + " " * (len(label) + 6)
        out.append(f"  = {label}: " + indent.join(visible(part) for part in fix.split("\n")))
    return "\n".join(out)


_COUNTS = {
    "plans": (lambda n: msg("1 plan") if n == 1 else msg("{n} plans", n=n)),
    "errors": (lambda n: msg("1 error") if n == 1 else msg("{n} errors", n=n)),
    "warnings": (lambda n: msg("1 warning") if n == 1 else msg("{n} warnings", n=n)),
}


def summary(results: Sequence[Result], strict: bool, lang: str | None = None) -> str:
    """``2 errors and 1 warning in 3 plans (1 failed)`` or ``3 plans checked: all valid``."""
    t = totals(results, strict)
    plans = _COUNTS["plans"](t["files"])
    if not t["errors"] and not t["warnings"]:
        return msg("{plans} checked: all valid", plans=plans).localize(lang)
    kinds = [_COUNTS[kind](t[kind]) for kind in ("errors", "warnings") if t[kind]]
    found = kinds[0] if len(kinds) == 1 else msg("{a} and {b}", a=kinds[0], b=kinds[1])
    line = (
        msg(
            "{found} in {plans} ({failed} failed) (--strict: warnings fail)",
            found=found,
            plans=plans,
            failed=t["failed"],
        )
        if strict and t["warnings"]
        else msg(
            "{found} in {plans} ({failed} failed)", found=found, plans=plans, failed=t["failed"]
        )
    )
    return line.localize(lang)


def render(
    results: Sequence[Result],
    *,
    strict: bool = False,
    color: bool = False,
    lang: str | None = None,
    **_: object,
) -> str:
    """The whole text report."""
    blocks = []
    for result in results:
        lines = result.document.lines()
        shown = result.diagnostics[:MAX_FINDINGS]
        speak = result.lang or lang  # each plan in its own language (see planforge.frontdoor)
        blocks += [format_diagnostic(d, lines, color, speak) for d in shown]
        if len(result.diagnostics) > len(shown):
            left = len(result.diagnostics) - len(shown)
            blocks.append(
                msg(
                    "{path}: {count} more findings not shown (the first {limit} are above;"
                    " `--format json` lists them all)",
                    path=visible(result.path),
                    count=left,
                    limit=MAX_FINDINGS,
                ).localize(speak)
            )
    t = totals(results, strict)
    style = "green" if not t["failed"] else "error" if t["errors"] else "warning"
    blocks.append(_paint(summary(results, strict, lang), style, color))
    return "\n\n".join(blocks) + "\n"


__all__ = ["Severity", "format_diagnostic", "render", "snippet", "summary"]
