"""Find the plan files a command was pointed at."""

from __future__ import annotations

import os
from collections.abc import Iterable

from planforge.messages import msg

PLAN_SUFFIXES = (".yaml", ".yml")
DEFAULT_FOLDER = "plans"
#: How much of a file is read to tell whether it is a plan (its ``planforge:`` key).
SNIFF_BYTES = 4096


class DiscoveryError(Exception):
    """A path that does not exist or holds no plans (a usage error, exit 2)."""


def yaml_files(folder: str) -> list[str]:
    """The ``*.yaml``/``*.yml`` files in ``folder`` and below, hidden folders skipped."""
    hits: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        hits += [os.path.join(root, f) for f in files if f.endswith(PLAN_SUFFIXES)]
    return hits


def find_plans(paths: Iterable[str]) -> list[str]:
    """Files as given, directories searched recursively for ``*.yaml``/``*.yml``, sorted.

    Hidden directories (``.git``, ``.venv``) are skipped; symlinked directories are
    not followed, so a link loop cannot hang the search.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            hits = yaml_files(path)
            if not hits:
                raise DiscoveryError(
                    msg("no plan files (*.yaml, *.yml) found in {path}", path=path)
                )
            found += sorted(hits)
        elif os.path.exists(path):
            found.append(path)
        else:
            raise DiscoveryError(msg("{path}: no such file or directory", path=path))
    seen: set[str] = set()
    return [p for p in found if not (p in seen or seen.add(p))]


def looks_like_plan(path: str) -> bool:
    """Whether ``path`` has a top-level ``planforge:`` key near its start."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    return any(line.startswith(b"planforge:") for line in head.splitlines())


def default_plans(folder: str = ".") -> list[str]:
    """What a command checks when given no paths: ``plans/`` when it exists, else the
    plan files of ``folder`` itself and below (a planner working inside ``plans/``).

    Outside a ``plans/`` folder only files with a top-level ``planforge:`` key count,
    so ``mkdocs.yml`` or a CI workflow next to the plans is never taken for one.
    """
    base = DEFAULT_FOLDER if folder == "." else os.path.join(folder, DEFAULT_FOLDER)
    if os.path.isdir(base):
        return find_plans([base])
    plans = sorted(os.path.normpath(p) for p in yaml_files(folder) if looks_like_plan(p))
    if not plans:
        raise DiscoveryError(
            msg(
                "no {folder}/ folder here and no plan files in {path}: name the plans to check, "
                "e.g. planforge validate my-plan.yaml",
                folder=DEFAULT_FOLDER,
                path=folder,
            )
        )
    return plans
