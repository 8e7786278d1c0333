"""``planforge diff``: what changed between two versions of a plan."""

from __future__ import annotations

import os

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    GATES,
    LANGUAGES,
    choices,
    debug_option,
    lang_option,
    localized,
    say,
    session,
)


def _gates(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    return None if value is None else choices(GATES, "gate")(ctx, param, value)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="text for people, json for tools (format version 1).",
)
@click.option(
    "--fail-on",
    "fail_on",
    default=None,
    callback=_gates,
    help="Exit 1 when the change is one of: " + ", ".join(GATES) + " (comma-separated).",
)
@click.option(
    "--locale",
    type=click.Choice(list(LANGUAGES)),
    help="Words, money and dates in this language (default: the new plan's).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@lang_option
@debug_option
@click.pass_context
def diff(
    ctx: click.Context,
    old: str,
    new: str,
    fmt: str,
    fail_on: tuple[str, ...] | None,
    locale: str | None,
    output: str | None,
    debug: bool,
) -> None:
    """Show what changed between two versions of a plan, in a planner's terms.

    OLD and NEW are plan files or REV:path (any git revision; the path is from the
    repository root, or ./path from the current folder). Each side is read with its
    own customer data: REV:path reads the plan's data file at REV too (the file as it
    is now when it is not in git). Budget lines, tasks, phases and period, KPI
    targets, tiers and their rules and counts, status and version are compared on
    the resolved plans. Exit 1 when --fail-on names a change that is present.

    \b
    Examples:
      planforge diff HEAD~1:plans/x.yaml plans/x.yaml
      planforge diff main:plans/x.yaml plans/x.yaml --fail-on budget-increase,over-cap
      planforge diff v1.0:plans/x.yaml HEAD:plans/x.yaml --format json
    """
    from planforge.diff import compare
    from planforge.diff.report import to_json, to_text
    from planforge.frontdoor import RevisionError

    door = session(True, debug)
    local = [spec for spec in (old, new) if os.path.isfile(spec)]
    if output:
        out.target(output, local, False)  # never over a plan it reads; refused before any work
    sides = []
    for spec in (old, new):
        try:
            result = door.open_spec(spec)
        except RevisionError as exc:
            raise click.UsageError(localized(exc.args[0])) from None
        if result.plan is None:
            raise click.UsageError(
                say(
                    "{spec}: not a plan that can be read (run planforge validate on it)",
                    spec=spec,
                )
            )
        sides.append(result)
    for spec, side in zip((old, new), sides, strict=True):
        if side.failed():
            click.echo(
                say(
                    "planforge: {side} has {count} errors; the comparison uses what could be"
                    " read (run planforge validate on it)",
                    side=spec,
                    count=side.errors(),
                )
                if side.errors() > 1
                else say(
                    "planforge: {side} has 1 error; the comparison uses what could be read"
                    " (run planforge validate on it)",
                    side=spec,
                ),
                err=True,
            )
    result = compare(sides[0].plan, sides[1].plan)
    text = to_json(result, old, new) if fmt == "json" else to_text(result, old, new, locale)
    if output is None:
        click.echo(text, nl=False)
    else:
        out.write({output: text.encode("utf-8")}, local, False)
    tripped = [g for g in result.gates if fail_on and g in fail_on]
    if tripped:
        click.echo(
            say("planforge: failing on {codes} (--fail-on)", codes=", ".join(tripped)), err=True
        )
    ctx.exit(EXIT_FINDINGS if tripped else EXIT_OK)
