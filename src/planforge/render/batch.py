"""Render many plans: in order or in parallel, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import click

from planforge.render.document import Outcome, RenderOptions, render_file
from planforge.reporters.text import format_diagnostic


def _outcomes(files: Sequence[str], options: RenderOptions, jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            yield render_file(path, options)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
        yield from pool.map(render_file, files, [options] * len(files))


def report(outcome: Outcome, color: bool) -> None:
    """Tell the user what happened to one plan (files on stdout, problems on stderr)."""
    result = outcome.result
    if result is not None and result.diagnostics:
        lines = result.document.text.splitlines()
        for diag in result.diagnostics:
            click.echo(format_diagnostic(diag, lines, color) + "\n", err=True)
    if outcome.error:
        click.echo(f"{outcome.path}: cannot render: {outcome.error}", err=True)
    elif result is not None and result.failed():
        click.echo(f"{outcome.path}: not rendered: the plan has errors (see above)", err=True)
    for path in outcome.written:
        click.echo(f"wrote {path}")


def render_all(files: Sequence[str], options: RenderOptions, jobs: int, color: bool) -> bool:
    """Render ``files``; True when every one was rendered."""
    show_bar = len(files) > 1 and sys.stderr.isatty() and not os.environ.get("CI")
    ok = True
    if show_bar:
        outcomes: list[Outcome] = []
        with click.progressbar(
            _outcomes(files, options, jobs), length=len(files), label="rendering", file=sys.stderr
        ) as bar:
            outcomes.extend(bar)
        for outcome in outcomes:
            report(outcome, color)
            ok = ok and outcome.ok
        return ok
    for outcome in _outcomes(files, options, jobs):
        report(outcome, color)
        ok = ok and outcome.ok
    return ok
