"""Read one side of a diff: a plan file, or ``REV:path`` read with ``git show``.

Both sides are opened through the front door (:meth:`planforge.frontdoor.Session.open_spec`),
each with its own revision's customer data; the git helpers live in
:mod:`planforge.repository` and are named here for the callers that know them here.
"""

from __future__ import annotations

from dataclasses import dataclass

from planforge.check import Result
from planforge.frontdoor import Session
from planforge.repository import RevisionError, git, git_show, split_revision

#: A side that cannot be read at all (a usage error).
SourceError = RevisionError

__all__ = ["Side", "SourceError", "git", "git_show", "read_side", "split_revision"]


@dataclass
class Side:
    """One version of the plan: where it came from and its checked result."""

    label: str
    result: Result


def read_side(spec: str, *, debug: bool = False, session: Session | None = None) -> Side:
    """Open and check one side; :class:`SourceError` when it cannot be read or parsed."""
    session = session or Session(debug=debug)
    result = session.open_spec(spec)
    if result.plan is None:
        raise SourceError(f"{spec}: not a plan that can be read (run planforge validate on it)")
    return Side(spec, result)
