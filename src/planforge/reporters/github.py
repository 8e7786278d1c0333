"""GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request."""

from __future__ import annotations

from collections.abc import Sequence

from planforge.check import Result
from planforge.messages import localize
from planforge.present.safe import visible
from planforge.reporters.text import summary
from planforge.rules import get as get_rule


def _data(text: str) -> str:
    """Escaped as workflow commands need; other controls and bidi shown as ``\\u202e``."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(text)


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(
    results: Sequence[Result], *, strict: bool = False, lang: str | None = None, **_: object
) -> str:
    """``::error file=...,line=...,col=...,title=...::message`` lines, then a summary."""
    out = []
    for result in results:
        for d in result.diagnostics:
            rule = get_rule(d.code)
            title = f"{d.code} {rule.name}" if rule else d.code
            props = [f"file={_prop(d.path)}", f"line={d.line}", f"col={d.col}"]
            if d.location.end_line:
                props.append(f"endLine={d.location.end_line}")
            if d.location.end_col and d.location.end_line == d.line:
                props.append(f"endColumn={d.location.end_col}")
            props.append(f"title={_prop(title)}")
            message = localize(d.message, result.lang or lang)
            out.append(f"::{d.severity.value} {','.join(props)}::{_data(message)}")
    out.append(summary(results, strict, lang))
    return "\n".join(out) + "\n"
