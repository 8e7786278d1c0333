"""Diagnostics: what is wrong, how bad it is, and exactly where."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class Severity(str, enum.Enum):
    """How a finding affects the exit code: errors always fail, warnings fail with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


class Location(NamedTuple):
    """A span in a source file; lines and columns are 1-based, columns count characters.

    A named tuple rather than a dataclass: the loader makes one per value, and
    tuples are several times cheaper to create.
    """

    line: int = 1
    col: int = 1
    end_line: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class Related:
    """Another place that explains a diagnostic (the first definition of a duplicate id...)."""

    message: str
    location: Location


@dataclass(frozen=True)
class Edit:
    """Replace the characters from ``start`` up to (not including) ``end`` with ``text``.

    Positions are (line, column), 1-based, columns counting characters, as in :class:`Location`.
    """

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class Fix:
    """How to fix a finding: what to do, in words, and the text edits when they are exact.

    ``safe`` edits are the ones ``validate --fix`` applies by itself: they only
    change how a value is typed (punctuation, case, quoting), never what it means.
    """

    message: str
    edits: tuple[Edit, ...] = ()
    safe: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A fix as a check proposes it: words, and the new text for the value it points at."""

    message: str
    replace: str | None = None  # replaces the whole value (or key) the finding points at
    safe: bool = False

    def fix(self, loc: Location) -> Fix:
        """The fix, with an edit over ``loc`` when the suggestion replaces text there."""
        if self.replace is None or loc.end_line is None or loc.end_col is None:
            return Fix(self.message)
        edit = Edit((loc.line, loc.col), (loc.end_line, loc.end_col), self.replace)
        return Fix(self.message, (edit,), self.safe)


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one file."""

    code: str
    severity: Severity
    message: str
    path: str
    location: Location = field(default_factory=Location)
    related: tuple[Related, ...] = ()
    fix: Fix | None = None

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def col(self) -> int:
        return self.location.col

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.location.line, self.location.col, self.code, self.message)
