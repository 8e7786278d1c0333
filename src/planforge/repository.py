"""The plan repository: checks across its files, and its files at a git revision.

One id, one plan (PF211): a plan's id names its output files (``build/<id>.pdf``), so
two files with the same id would overwrite each other's documents. ``validate``
reports it at each file's ``id:``; ``render`` refuses to render the plans concerned.

``REV:path`` (:func:`split_revision`) names a file at a git revision, read with
:func:`git_show` (git is run without a shell; :class:`RevisionError` when it cannot be).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from planforge.diagnostics import Diagnostic, Fix, Severity
from planforge.loader import MAX_BYTES, Document
from planforge.messages import msg

if TYPE_CHECKING:
    import subprocess

    from planforge.check import Result

CODE = "PF211"


def plan_id(doc: Document) -> str | None:
    """The ``id`` a loaded plan declares, if it is text."""
    ident = doc.data.get("id") if isinstance(doc.data, dict) else None
    return ident if isinstance(ident, str) and ident else None


def duplicate_ids(docs: Sequence[Document]) -> dict[str, list[Diagnostic]]:
    """PF211 diagnostics by document path, for ids that more than one file declares.

    The same file reached by two spellings of its path counts once.
    """
    groups: dict[str, dict[str, Document]] = {}
    for doc in docs:
        ident = plan_id(doc)
        if ident is not None:
            groups.setdefault(ident, {}).setdefault(os.path.realpath(doc.path), doc)
    out: dict[str, list[Diagnostic]] = {}
    for ident, by_file in groups.items():
        if len(by_file) < 2:
            continue
        members = list(by_file.values())
        for doc in members:
            others = [o for o in members if o is not doc]
            named = ", ".join(f"{o.path}:{o.source.value(('id',)).line}" for o in others)
            message = msg(
                "the plan id `{id}` is also used by {named}; output files are named after the id"
                " (`{id}.pdf`), so one plan would overwrite the other's",
                id=ident,
                named=named,
            )
            loc = doc.source.value(("id",))
            fix = Fix(msg("give each plan its own id, e.g. `{id}-2`", id=ident))
            out.setdefault(doc.path, []).append(
                Diagnostic(CODE, Severity.ERROR, message, doc.path, loc, fix=fix)
            )
    return out


def add_duplicate_ids(results: Sequence[Result]) -> None:
    """Add PF211 findings to the checked ``results`` of one run (in place, kept sorted)."""
    found = duplicate_ids([r.document for r in results])
    for result in results:
        extra = found.get(result.path)
        if extra:
            result.diagnostics = sorted(result.diagnostics + extra, key=Diagnostic.sort_key)


class RevisionError(Exception):
    """A file at a revision that cannot be read at all (a usage error)."""


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


def git(
    args: list[str], cwd: str | None, why: str, stdout: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` (no shell); :class:`RevisionError` naming ``why`` if git is missing."""
    import subprocess  # only for revisions: not on validate's way

    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            check=False,
            timeout=None if stdout is not None else 60,
        )
    except FileNotFoundError:
        raise RevisionError(f"git is not installed, so {why} cannot be read") from None


def blob_size(rev: str, path: str, cwd: str | None = None) -> int | None:
    """The size in bytes of ``path`` at ``rev`` (``git cat-file -s``), or None."""
    done = git(["cat-file", "-s", f"{rev}:{path}"], cwd, "`REV:path`")
    text = done.stdout.decode("ascii", "replace").strip()
    return int(text) if done.returncode == 0 and text.isdigit() else None


def git_show(rev: str, path: str, cwd: str | None = None) -> bytes:
    """The bytes of ``path`` at ``rev``; paths follow git (``./`` for the current folder).

    A file larger than a plan file may be (the loader's bound) is refused from its size
    in git, before it is read.
    """
    if rev.startswith("-"):
        raise RevisionError(f"`{rev}` is not a revision")
    size = blob_size(rev, path, cwd)
    if size is not None and size > MAX_BYTES:
        raise RevisionError(
            msg(
                "{rev}:{path} is {size} MB; a plan file is at most {mb} MB (PF006):"
                " check it is the right file",
                rev=rev,
                path=path,
                size=f"{size / (1024 * 1024):,.1f}",
                mb=MAX_BYTES // (1024 * 1024),
            )
        )
    done = git(["show", f"{rev}:{path}"], cwd, "`REV:path`")
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"cannot read {rev}:{path} from git: {why[-1] if why else 'failed'}")
    return done.stdout


def git_show_to(rev: str, path: str, target: str, cwd: str | None = None) -> bool:
    """Write ``path`` at ``rev`` into the file ``target`` (streamed: data files are large);
    False when ``rev`` has no such file."""
    if rev.startswith("-"):
        raise RevisionError(f"`{rev}` is not a revision")
    with open(target, "wb") as out:
        done = git(["cat-file", "blob", f"{rev}:{path}"], cwd, "`REV:path`", stdout=out.fileno())
    if done.returncode != 0:
        os.unlink(target)
        return False
    return True


def commit_time(rev: str, cwd: str | None = None) -> int | None:
    """When the commit ``rev`` names was made (seconds since the epoch), or None."""
    done = git(["show", "-s", "--format=%ct", f"{rev}^{{commit}}", "--"], cwd, "`REV:path`")
    text = done.stdout.decode("ascii", "replace").strip()
    return int(text) if done.returncode == 0 and text.isdigit() else None


def repository_top(folder: str) -> str | None:
    """The top folder of the git working tree holding ``folder``, or None."""
    try:
        done = git(["rev-parse", "--show-toplevel"], folder, "the repository")
    except (RevisionError, OSError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace").strip() or None


def resolve_revision(rev: str, folder: str) -> str:
    """The full commit id ``rev`` names in the repository holding ``folder``."""
    if rev.startswith("-"):
        raise RevisionError(f"`{rev}` is not a revision")
    done = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder, "--changes-since")
    if done.returncode != 0:
        raise RevisionError(f"`{rev}` is not a commit in the git repository of {folder}")
    return done.stdout.decode("ascii", "replace").strip()
