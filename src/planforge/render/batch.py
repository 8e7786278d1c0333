"""Render many plans, each in a limited worker (see :mod:`planforge.render.limits`), in
parallel with ``-j``, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import closing

import click

from planforge.render.document import Outcome, RenderOptions
from planforge.render.limits import Limits, run
from planforge.reporters.text import format_diagnostic


def report(outcome: Outcome, color: bool) -> None:
    """Tell the user what happened to one plan (files on stdout, problems on stderr)."""
    result = outcome.result
    if result is not None and result.diagnostics:
        lines = result.document.text.splitlines()
        for diag in result.diagnostics:
            click.echo(format_diagnostic(diag, lines, color) + "\n", err=True)
    if outcome.limit is not None:
        lines = result.document.text.splitlines() if result is not None else []
        click.echo(format_diagnostic(outcome.limit, lines, color) + "\n", err=True)
    if outcome.error:
        click.echo(f"{outcome.path}: cannot render: {outcome.error}", err=True)
    elif result is not None and result.failed():
        click.echo(f"{outcome.path}: not rendered: the plan has errors (see above)", err=True)
    for path in outcome.written:
        click.echo(f"wrote {path}")


def render_all(
    files: Sequence[str], options: RenderOptions, jobs: int, color: bool, limits: Limits
) -> bool:
    """Render ``files``, each in a limited worker; True when every one was rendered."""
    show_bar = len(files) > 1 and sys.stderr.isatty() and not os.environ.get("CI")
    ok = True
    with closing(run(files, options, jobs, limits)) as outcomes:  # stops workers on Ctrl-C
        if show_bar:
            with click.progressbar(
                outcomes, length=len(files), label="rendering", file=sys.stderr
            ) as bar:
                finished = list(bar)
        else:
            finished = outcomes
        for outcome in finished:
            report(outcome, color)
            ok = ok and outcome.ok
    return ok
