"""``planforge export``: the resolved plan as JSON, ICS, XLSX or CSV."""

from __future__ import annotations

import datetime as dt
import os

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    N_,
    as_of_option,
    debug_option,
    follow_option,
    lang_option,
    open_plan,
    say,
    session,
)

FORMATS = ("json", "ics", "xlsx", "csv")  # planforge.export.FORMATS, kept import-free

NEEDS_OUTPUT = {
    "xlsx": N_(
        "--format {fmt} writes a binary file: give -o FILE.xlsx (or -o DIR for DIR/<plan id>.xlsx)"
    ),
    "csv": N_(
        "--format {fmt} writes one file per table: give -o DIR (for DIR/<plan id>-<table>.csv)"
    ),
}


@click.command()
@click.argument("plan", type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    default="json",
    show_default=True,
    type=click.Choice(FORMATS),
    help="json: the resolved plan; ics: calendar events; xlsx: timetable, budget with "
    "formulas, evaluation form; csv: one file per table.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="FILE, or DIR for DIR/<plan id>.<format> (csv: DIR/<plan id>-<table>.csv). "
    "Required for xlsx and csv; json and ics go to stdout without it.",
)
@as_of_option(
    "Count outcome rows dated up to this day for the evaluation sheet and figures"
    " (plans with `outcomes`; default: today)."
)
@follow_option
@click.option("--strict", is_flag=True, help="Refuse plans with warnings too.")
@lang_option
@debug_option
@click.pass_context
def export(
    ctx: click.Context,
    plan: str,
    fmt: str,
    output: str | None,
    as_of: dt.date | None,
    follow_symlinks: bool,
    strict: bool,
    debug: bool,
) -> None:
    """Export the resolved plan: what you wrote plus everything planforge computes.

    json: line amounts, totals and subtotals, tier counts, KPI values and statuses,
    schedule fields, the review deadline (Decimals as strings, ISO dates). ics: an
    all-day event per task, occurrence, milestone and the review deadline, with
    stable UIDs. xlsx: timetable, budget (live formulas) and evaluation sheets.
    csv: timetable, budget, evaluation and tier-needs files, UTF-8 with a BOM. The same
    plan always gives the same bytes. Tier counts come from the plan's customer data.
    A plan with errors is not exported: its diagnostics go to stderr (exit 1).

    \b
    Examples:
      planforge export plans/reactivation-2024q2.yaml > build/plan.json
      planforge export plans/reactivation-2024q2.yaml --format ics -o build/plan.ics
      planforge export plans/reactivation-2024q2.yaml --format xlsx -o build/
      planforge export plans/reactivation-2024q2.yaml --format csv -o build/csv/
      planforge export plans/winback-2024q2.yaml --format xlsx -o build/ --as-of 2024-08-31
    """
    door = session(True, debug)
    door.as_of = as_of or dt.date.today()  # a plan with `outcomes`: its evaluation figures
    out.check_epoch()
    if output is None and fmt in NEEDS_OUTPUT:
        raise click.UsageError(say(NEEDS_OUTPUT[fmt], fmt=fmt))
    if fmt == "csv" and output is not None and os.path.isfile(output):
        raise click.UsageError(
            say(
                "{path} is a file; --format csv writes one file per table: give -o DIR",
                path=output,
            )
        )
    if not os.path.isfile(plan):
        raise click.UsageError(say("{path}: no such file", path=plan))
    into_dir = output is not None and (
        fmt == "csv" or os.path.isdir(output) or output.endswith(("/", os.sep))
    )
    if output is not None and not into_dir:
        out.target(output, [plan], follow_symlinks)  # refused before any work
    result = open_plan(door, plan)
    if result.failed(strict) or result.plan is None:
        out.findings(result, strict)
        ctx.exit(EXIT_FINDINGS)
    if result.diagnostics:
        out.findings(result)
    from planforge.export import files

    out.check_epoch()
    made = files(result.plan, plan, fmt)
    if output is None:
        click.echo(next(iter(made.values())), nl=False)  # bytes: written as they are
        return
    targets = {
        os.path.join(output, name) if into_dir else output: data for name, data in made.items()
    }
    out.write(targets, [plan], follow_symlinks)
    out.wrote(sorted(targets), result.lang)
