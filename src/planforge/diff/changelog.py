"""The change log ``render --changes-since REV`` prints: the diff from REV to the plan."""

from __future__ import annotations

import os
from typing import Any

from planforge.check import check_document
from planforge.diff.compare import compare
from planforge.diff.report import groups
from planforge.diff.sources import SourceError, git, git_show
from planforge.loader import load_bytes
from planforge.model import Plan


def resolve_revision(rev: str, folder: str) -> str:
    """The full commit id ``rev`` names in the repository holding ``folder``."""
    if rev.startswith("-"):
        raise SourceError(f"`{rev}` is not a revision")
    done = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder, "--changes-since")
    if done.returncode != 0:
        raise SourceError(f"`{rev}` is not a commit in the git repository of {folder}")
    return done.stdout.decode("ascii", "replace").strip()


def change_log(path: str, plan: Plan, rev: str, commit: str, locale: str) -> dict[str, Any]:
    """What the document's change-log section shows for ``plan`` (read from ``path``).

    ``groups`` is a list of (area heading, lines); ``new`` is True when the file is
    not in ``commit``.
    """
    folder, name = os.path.split(os.path.abspath(path))
    log: dict[str, Any] = {"since": rev, "commit": commit[:12], "new": False, "groups": []}
    try:
        data = git_show(commit, f"./{name}", cwd=folder)
    except SourceError:
        log["new"] = True
        return log
    old = check_document(load_bytes(data, f"{rev}:{name}")).plan
    if old is not None:
        log["groups"] = [
            (heading, [line.replace("`", "").removeprefix("~ ") for line in lines])
            for heading, lines in groups(compare(old, plan), locale)
        ]
    return log
