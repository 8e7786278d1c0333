"""The change log ``render --changes-since REV`` prints: the diff from REV to the plan."""

from __future__ import annotations

import os
from typing import Any

from planforge.diff.compare import compare
from planforge.diff.report import groups
from planforge.frontdoor import Session
from planforge.model import Plan
from planforge.repository import RevisionError, resolve_revision

__all__ = ["change_log", "resolve_revision"]


def change_log(path: str, plan: Plan, rev: str, commit: str, locale: str) -> dict[str, Any]:
    """What the document's change-log section shows for ``plan`` (read from ``path``).

    ``groups`` is a list of (area heading, lines); ``new`` is True when the file is
    not in ``commit``.
    """
    folder, name = os.path.split(os.path.abspath(path))
    log: dict[str, Any] = {"since": rev, "commit": commit[:12], "new": False, "groups": []}
    try:
        old = Session().open_revision(commit, f"./{name}", cwd=folder, label=f"{rev}:{name}").plan
    except RevisionError:
        log["new"] = True
        return log
    if old is not None:
        log["groups"] = [
            (heading, [line.replace("`", "").removeprefix("~ ") for line in lines])
            for heading, lines in groups(compare(old, plan), locale)
        ]
    return log
