"""What a rule is and how it is registered: :class:`Finding`, :class:`Rule`, :func:`rule`
and :func:`declare`. The rule modules register themselves with these; the registry is
read through :mod:`planforge.rules` (``all_rules``, ``get``), which imports them all.
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
