"""Render many plans, each in a limited worker (see :mod:`planforge.render.limits`), in
parallel with ``-j``, with a progress bar on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import closing

import click

from planforge.check import Result
from planforge.loader import load_file
from planforge.messages import msg
from planforge.render.document import Outcome, RenderOptions
from planforge.render.limits import Limits, run
from planforge.reporters.text import format_diagnostic
from planforge.repository import duplicate_ids


def report(outcome: Outcome, color: bool, lang: str | None = None) -> None:
    """Tell the user what happened to one plan (files on stdout, problems on stderr)."""
    result = outcome.result
    if result is not None and result.lang:
        lang = result.lang  # the plan's language (planforge.frontdoor)
    lines = result.document.text.splitlines() if result is not None else []
    stops = [*outcome.refused, *([outcome.limit] if outcome.limit is not None else [])]
    for diag in [*(result.diagnostics if result is not None else []), *stops]:
        click.echo(format_diagnostic(diag, lines, color, lang) + "\n", err=True)

    def say(template: str, **args: object) -> None:
        click.echo(msg(template, path=outcome.path, **args).localize(lang), err=True)

    if outcome.refused:
        say("{path}: not rendered: another plan has the same id (see above)")
    if outcome.error:
        say("{path}: cannot render: {error}", error=outcome.error)
    elif result is not None and result.failed() and not outcome.refused:
        say("{path}: not rendered: the plan has errors (see above)")
    for path in outcome.written:
        click.echo(msg("wrote {path}", path=path).localize(lang))


def _refused(files: Sequence[str]) -> dict[str, Outcome]:
    """Outcomes for the files whose plan id another file also uses (nothing rendered)."""
    docs = []
    for path in files:
        try:
            docs.append(load_file(path))
        except OSError:
            continue  # the worker reports it
    found = duplicate_ids(docs)
    out = {}
    for doc in docs:
        if doc.path in found:
            out[doc.path] = Outcome(doc.path, Result(doc.path, doc), refused=found[doc.path])
    return out


def render_all(
    files: Sequence[str],
    options: RenderOptions,
    jobs: int,
    color: bool,
    limits: Limits,
    lang: str | None = None,
) -> bool:
    """Render ``files``, each in a limited worker; True when every one was rendered.

    Plans that share an id are refused (PF211) before anything is rendered, so
    neither overwrites the other's output; the rest of the batch goes on.
    """
    refused = _refused(files)
    for outcome in refused.values():
        report(outcome, color, lang)
    files = [f for f in files if f not in refused]
    ok = not refused
    show_bar = len(files) > 1 and sys.stderr.isatty() and not os.environ.get("CI")
    with closing(run(files, options, jobs, limits)) as outcomes:  # stops workers on Ctrl-C
        if show_bar:
            with click.progressbar(
                outcomes, length=len(files), label="rendering", file=sys.stderr
            ) as bar:
                finished = list(bar)
        else:
            finished = outcomes
        for outcome in finished:
            report(outcome, color, lang)
            ok = ok and outcome.ok
    return ok
