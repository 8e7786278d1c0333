"""Small helpers shared by the rules."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def by_id(items: Iterable[T]) -> dict[str, T]:
    """The first item for each id (duplicates are PF201's business)."""
    out: dict[str, T] = {}
    for item in items:
        key: Any = getattr(item, "id", None)
        if key is not None and key not in out:
            out[key] = item
    return out


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown task `x`; did you mean `y`?`` or the list of known ids."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {kind} `{name}`; did you mean `{close[0]}`?"
    if not known:
        return f"unknown {kind} `{name}`; none are defined"
    listed = ", ".join(f"`{k}`" for k in known[:8]) + (", ..." if len(known) > 8 else "")
    return f"unknown {kind} `{name}`; known: {listed}"


def label(item: Any, kind: str) -> str:
    """``task `invite``` or ``task #3`` when it has no id."""
    ident = getattr(item, "id", None)
    if ident:
        return f"{kind} `{ident}`"
    path = getattr(item, "path", ())
    return f"{kind} #{path[-1] + 1}" if path and isinstance(path[-1], int) else kind
