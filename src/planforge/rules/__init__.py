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

from planforge.rules.base import REGISTRY, Check, Finding, Rule, declare, rule

__all__ = ["REGISTRY", "Check", "Finding", "Rule", "all_rules", "declare", "get", "rule"]


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
