"""How commands hand their results out: files written as one set, reports on a stream.

Writing goes through :mod:`planforge.atomic` (never over an input, never through a
symbolic link unless asked); a report goes to stdout or, on a failed plan, stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from planforge.cli.options import Fatal, say


def color(choice: bool | None, stream: Any) -> bool:
    """Colour a report on ``stream``: as asked, else on a terminal without NO_COLOR or CI."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR") or os.environ.get("CI"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def target(output: str, inputs: Sequence[str], follow: bool) -> str:
    """The file ``-o`` may write, or a usage error (see :func:`planforge.atomic.resolve_target`)."""
    from planforge.atomic import OutputError, resolve_target

    try:
        return resolve_target(output, inputs=inputs, follow_symlinks=follow, streams=True)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from None


def write(files: dict[str, bytes], inputs: Sequence[str], follow: bool) -> None:
    """Write ``files`` (path -> bytes) as one set (:func:`planforge.atomic.write_files`)."""
    from planforge.atomic import OutputError, write_files

    targets = {target(path, inputs, follow): data for path, data in files.items()}
    try:
        write_files(targets)
    except OutputError as exc:
        raise Fatal(str(exc)) from None


def wrote(paths: Sequence[str], lang: str | None) -> None:
    """Say on stdout which files a command wrote, one ``wrote FILE`` line each."""
    for path in paths:
        click.echo(say("wrote {path}", lang, path=path))


def check_epoch() -> None:
    """Stop before any work when ``SOURCE_DATE_EPOCH`` is set to something unusable."""
    from planforge.reproducible import BadEpoch, source_date_epoch

    try:
        source_date_epoch()
    except BadEpoch as exc:
        raise Fatal(str(exc)) from None


def findings(result: Any, strict: bool = False) -> None:
    """A plan's findings as text on stderr, in the plan's language."""
    from planforge.reporters import get

    report = get("text")
    text = report([result], strict=strict, color=color(None, sys.stderr), lang=result.lang)
    click.echo(text, err=True, nl=False)
