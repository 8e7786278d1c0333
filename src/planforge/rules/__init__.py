"""The rule registry: every check planforge makes, with a stable code, a severity and a doc.

Codes are grouped by what they look at and never reused:

========  ==========================================
PF0xx     reading the file (encoding, YAML, keys)
PF1xx     the schema (missing/unknown keys, types)
PF2xx     references between ids
PF3xx     dates and the timetable
PF4xx     the budget
PF5xx     customer tiers
PF6xx     KPIs and formulas
PF7xx     monitoring rules
========  ==========================================

A rule's doc is its function's docstring (for PF0xx/PF1xx, which the loader and
the schema check emit, a docstring-only declaration): a one-line summary, then
*What it checks*, *Why it matters* and *Example fix* sections.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planforge.diagnostics import Severity, Suggestion
from planforge.model import Plan
from planforge.source import Path


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a message at a path, optionally pointing at the key or into the value."""

    path: Path
    message: str
    related: tuple[tuple[str, Path], ...] = ()
    at_key: bool = False
    offset: int = 0  # characters into a one-line value (formula columns)
    fix: Suggestion | None = None


Check = Callable[[Plan], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule."""

    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = None

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0]

    def doc_in(self, lang: str | None) -> str:
        """The rule's doc in ``lang`` (English when there is no translation)."""
        if not lang or lang == "en":
            return self.doc
        from planforge.i18n import gettext

        return gettext(self.doc, lang)

    def summary_in(self, lang: str | None) -> str:
        return self.doc_in(lang).strip().splitlines()[0]

    @property
    def example(self) -> str:
        """The *Example fix* section's "after" part (the whole section when it has none)."""
        return self.example_in(None)

    def example_in(self, lang: str | None) -> str:
        """:attr:`example`, from the rule's doc in ``lang``."""
        _, _, section = self.doc_in(lang).partition(_EXAMPLE_FIX.get(lang or "en", "Example fix:"))
        lines = [line[4:] if line.startswith("    ") else line for line in section.splitlines()]
        start = max(
            (
                i
                for i, line in enumerate(lines)
                if line.lstrip().startswith(("# after", "# 修改后"))
            ),
            default=-1,
        )
        return "\n".join(lines[start + 1 :]).strip("\n")


REGISTRY: dict[str, Rule] = {}


_EXAMPLE_FIX = {"en": "Example fix:", "zh-CN": "修改示例："}


def _register(rule_: Rule) -> None:
    if rule_.code in REGISTRY:  # pragma: no cover - a programming error
        raise ValueError(f"duplicate rule code {rule_.code}")
    REGISTRY[rule_.code] = rule_


def rule(code: str, name: str, severity: Severity = Severity.ERROR) -> Callable[[Check], Check]:
    """Register a check function as rule ``code``; its docstring is the rule's doc."""

    def register(func: Check) -> Check:
        _register(Rule(code, name, severity, inspect.cleandoc(func.__doc__ or ""), func))
        return func

    return register


def declare(code: str, name: str, doc: str, severity: Severity = Severity.ERROR) -> None:
    """Register a rule that the loader or the schema check emits (no check function)."""
    _register(Rule(code, name, severity, inspect.cleandoc(doc)))


def all_rules() -> list[Rule]:
    """Every rule, by code."""
    _load()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get(code: str) -> Rule | None:
    """The rule with ``code`` (case-insensitive), or None."""
    _load()
    return REGISTRY.get(code.upper())


def _load() -> None:
    from planforge.rules import (  # noqa: F401
        budget,
        calendar,
        dates,
        evaluation,
        input_method,
        kpis,
        loading,
        monitoring,
        references,
        repository,
        schedule,
        schema,
        segment,
        tiers,
    )
