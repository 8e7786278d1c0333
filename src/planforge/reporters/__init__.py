"""Output formats for diagnostics: one module per reader.

Each reporter is ``render(results, rules, *, strict, color) -> str``.
"""

from __future__ import annotations

from collections.abc import Callable

from planforge.reporters.common import edits_data, example_text, fix_text, totals

__all__ = ["FORMATS", "Reporter", "edits_data", "example_text", "fix_text", "get", "totals"]

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
