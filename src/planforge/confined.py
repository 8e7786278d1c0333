"""Paths that must stay inside a folder, judged on the real (symlink-free) path.

A plan names its customer export relative to its own folder. A committed symlink,
an absolute path or a ``../`` must not make ``validate`` read a file elsewhere on the
machine (``/proc/self/environ``, another project's data): :func:`inside` is the test
every reader applies before opening such a file.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar

from planforge.messages import Message, msg

#: Files the person running planforge named on the command line (``segment --source``):
#: theirs to choose, so read wherever they are.
_CHOSEN: ContextVar[frozenset[str]] = ContextVar("chosen", default=frozenset())


def inside(path: str, root: str) -> bool:
    """True when ``path``, with every symlink resolved, lies in ``root`` (or is it).

    A path no file can have (one with a NUL character) is in no folder.
    """
    real, top = _real(path), _real(root or ".")
    if real is None or top is None:
        return False
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def nameable(path: str) -> bool:
    """Whether a file can have the name ``path`` (none has a NUL character in it)."""
    return "\0" not in path


def _real(path: str) -> str | None:
    """``path`` with every symlink resolved; None for a name no file can have."""
    return os.path.realpath(path) if nameable(path) else None


@contextlib.contextmanager
def chosen(path: str) -> Iterator[None]:
    """Within the block, :func:`allowed` accepts ``path`` wherever it lies."""
    token = _CHOSEN.set(_CHOSEN.get() | {os.path.realpath(path)})
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def allowed(path: str, root: str) -> bool:
    """:func:`inside` ``root``, or a file the user named on the command line."""
    return inside(path, root) or _real(path) in _CHOSEN.get()


def outside_message(source: str) -> Message:
    """Why a data source outside the plan's folder is not read (``source`` as written)."""
    return msg(
        "`{file}` is outside the plan's folder: planforge reads customer data"
        " only from the plan's folder or a folder below it; move the export there",
        file=short_name(source, 80),
    )


def short_name(text: str, limit: int = 40) -> str:
    """``text`` fit to echo in a message: no control characters, at most ``limit`` characters.

    Column names come from a file's first line; whatever that line holds must not be
    copied whole into diagnostics, annotations and SARIF.
    """
    clean = "".join(
        "?" if unicodedata.category(c)[0] == "C" else c for c in text.replace("\t", " ")
    )
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
