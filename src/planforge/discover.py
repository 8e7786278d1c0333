"""Find the plan files a command was pointed at."""

from __future__ import annotations

import os
from collections.abc import Iterable

from planforge.messages import msg

PLAN_SUFFIXES = (".yaml", ".yml")


class DiscoveryError(Exception):
    """A path that does not exist or holds no plans (a usage error, exit 2)."""


def find_plans(paths: Iterable[str]) -> list[str]:
    """Files as given, directories searched recursively for ``*.yaml``/``*.yml``, sorted.

    Hidden directories (``.git``, ``.venv``) are skipped; symlinked directories are
    not followed, so a link loop cannot hang the search.
    """
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            hits = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                hits += [os.path.join(root, f) for f in files if f.endswith(PLAN_SUFFIXES)]
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
