"""Small helpers shared by the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from planforge.diagnostics import Suggestion
from planforge.messages import Message, msg
from planforge.rules.base import Finding
from planforge.source import Path

T = TypeVar("T")


def by_id(items: Iterable[T]) -> dict[str, T]:
    """The first item for each id (duplicates are PF201's business)."""
    out: dict[str, T] = {}
    for item in items:
        key: Any = getattr(item, "id", None)
        if key is not None and key not in out:
            out[key] = item
    return out


def close_matches(word: str, options: Iterable[str], cutoff: float) -> list[str]:
    """The option most like ``word``, if any is close enough (difflib's ratio at least
    ``cutoff``); difflib is imported only when a finding asks."""
    import difflib

    return difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)


#: What an id names, as the messages say it.
KINDS = {
    "phase": msg("phase"),
    "team member": msg("team member"),
    "tier": msg("tier"),
    "task": msg("task"),
    "KPI": msg("KPI"),
}


def unknown(
    kind: str, name: str, known: Iterable[str], path: Path, match: str | None = None
) -> Finding:
    """``unknown task `x`; did you mean `y`?`` (or the known ids) at ``path``, with the fix.

    ``match`` is the id that is certainly meant (the person whose name was written).
    """
    known = sorted(known)
    close = [match] if match else close_matches(name, known, 0.6)
    what = KINDS.get(kind, kind)
    if match:
        message = msg(
            "`{name}` is the name of {kind} `{close}`: write the id, not the name",
            kind=what,
            name=name,
            close=match,
        )
        fix = Suggestion(msg("write `{close}`", close=match), match)
    elif close:
        message = msg(
            "unknown {kind} `{name}`; did you mean `{close}`?", kind=what, name=name, close=close[0]
        )
        fix = Suggestion(msg("write `{close}`", close=close[0]), close[0])
    elif not known:
        message = msg("unknown {kind} `{name}`; none are defined", kind=what, name=name)
        fix = Suggestion(msg("define it first, or remove the reference"))
    else:
        listed = ", ".join(f"`{k}`" for k in known[:8]) + (", ..." if len(known) > 8 else "")
        message = msg(
            "unknown {kind} `{name}`; known: {listed}", kind=what, name=name, listed=listed
        )
        fix = Suggestion(msg("write one of the known ids: {listed}", listed=listed))
    return Finding(path, message, fix=fix)


def label(item: Any, kind: str) -> Message:
    """``task `invite``` or ``task #3`` when it has no id."""
    ident = getattr(item, "id", None)
    what = KINDS.get(kind, kind)
    if ident:
        return msg("{kind} `{id}`", kind=what, id=ident)
    path = getattr(item, "path", ())
    if path and isinstance(path[-1], int):
        return msg("{kind} #{n}", kind=what, n=path[-1] + 1)
    return msg("{kind}", kind=what)
