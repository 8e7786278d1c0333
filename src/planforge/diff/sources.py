"""Read one side of a diff: a plan file, or ``REV:path`` read with ``git show``."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from planforge.check import Result, check_document
from planforge.loader import load_bytes, load_file


class SourceError(Exception):
    """A side that cannot be read at all (a usage error)."""


@dataclass
class Side:
    """One version of the plan: where it came from and its checked result."""

    label: str
    result: Result


def split_revision(spec: str) -> tuple[str, str] | None:
    """``HEAD~1:plans/x.yaml`` -> ``("HEAD~1", "plans/x.yaml")``; None for a plain path.

    A spec that names an existing file is a file, even if it contains a colon.
    """
    if os.path.exists(spec) or ":" not in spec:
        return None
    rev, _, path = spec.partition(":")
    if not rev or not path:
        return None
    return rev, path


def git(args: list[str], cwd: str | None, why: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` (no shell); :class:`SourceError` naming ``why`` if git is missing."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise SourceError(f"git is not installed, so {why} cannot be read") from None


def git_show(rev: str, path: str, cwd: str | None = None) -> bytes:
    """The bytes of ``path`` at ``rev``; paths follow git (``./`` for the current folder)."""
    if rev.startswith("-"):
        raise SourceError(f"`{rev}` is not a revision")
    done = git(["show", f"{rev}:{path}"], cwd, "`REV:path`")
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"cannot read {rev}:{path} from git: {why[-1] if why else 'failed'}")
    return done.stdout


def read_side(spec: str, *, debug: bool = False) -> Side:
    """Load and check one side; :class:`SourceError` when it cannot be read or parsed."""
    revision = split_revision(spec)
    if revision is None:
        if not os.path.isfile(spec):
            raise SourceError(f"{spec}: no such file (write REV:path for a version in git)")
        try:
            doc = load_file(spec)
        except OSError as exc:
            raise SourceError(f"{spec}: cannot read: {exc.strerror or exc}") from None
    else:
        doc = load_bytes(git_show(*revision), spec)
    result = check_document(doc, debug=debug)
    if result.plan is None:
        raise SourceError(f"{spec}: not a plan that can be read (run planforge validate on it)")
    return Side(spec, result)
