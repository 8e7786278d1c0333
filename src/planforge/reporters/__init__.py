"""Output formats for diagnostics: one module per reader.

Each reporter is ``render(results, rules, *, strict, color) -> str``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from planforge.check import Result

Reporter = Callable[..., str]


def get(name: str) -> Reporter:
    """The ``render`` function of the reporter called ``name``."""
    from planforge.reporters import github, json_report, junit, sarif, text

    return {
        "text": text.render,
        "json": json_report.render,
        "github": github.render,
        "sarif": sarif.render,
        "junit": junit.render,
    }[name]


FORMATS = ("text", "json", "github", "sarif", "junit")


def totals(results: Sequence[Result], strict: bool) -> dict[str, int]:
    """Counts for a summary line."""
    return {
        "files": len(results),
        "failed": sum(1 for r in results if r.failed(strict)),
        "errors": sum(r.errors() for r in results),
        "warnings": sum(r.warnings() for r in results),
    }
