"""Output formats for diagnostics: one module per reader.

Each reporter is ``render(results, rules, *, strict, color) -> str``.
"""

from __future__ import annotations

from collections.abc import Callable

from planforge.reporters.common import edits_data, example_text, fix_text, totals

__all__ = ["FORMATS", "Reporter", "edits_data", "example_text", "fix_text", "get", "totals"]

Reporter = Callable[..., str]


def get(name: str) -> Reporter:
    """The ``render`` function of the reporter called ``name`` (only its module is imported:
    ``validate``'s start-up does not pay for the formats it does not write)."""
    if name == "text":
        from planforge.reporters import text

        return text.render
    if name == "json":
        from planforge.reporters import json_report

        return json_report.render
    if name == "github":
        from planforge.reporters import github

        return github.render
    if name == "sarif":
        from planforge.reporters import sarif

        return sarif.render
    if name == "junit":
        from planforge.reporters import junit

        return junit.render
    raise KeyError(name)


FORMATS = ("text", "json", "github", "sarif", "junit")
