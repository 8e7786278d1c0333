"""``planforge evaluate``: did the campaign work? The plan's KPIs from its outcome data.

Exit codes: 0 nothing to act on, 1 a monitoring rule is triggered or the plan has
errors, 2 a usage mistake.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    as_of_option,
    debug_option,
    lang_option,
    open_plan,
    say,
    session,
)

if TYPE_CHECKING:
    from planforge.check import Result


@click.command()
@click.argument("plan", type=click.Path())
@as_of_option(
    "Count rows dated up to this day (default: today), so a run during the campaign"
    " shows progress so far."
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="text: a report in the plan's language; json: the figures, for tools.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.option(
    "--sql",
    "dialect",
    type=click.Choice(["spark", "trino", "duckdb", "postgres"]),
    help="Print the measures as one SQL statement for this engine instead (the holdout draw"
    " included; each outcome is a table named like the outcome; nothing is read but headers).",
)
@click.option(
    "--table",
    default="customers",
    show_default=True,
    help="With --sql: the table that holds the customers.",
)
@lang_option
@debug_option
@click.pass_context
def evaluate(
    ctx: click.Context,
    plan: str,
    as_of: dt.date | None,
    fmt: str,
    output: str | None,
    dialect: str | None,
    table: str,
    debug: bool,
) -> None:
    """Did the campaign work? Measure the plan's KPIs from its outcome data.

    Reads segmentation.source and every `outcomes` file, computes each measure
    for the treated and the holdout group, each KPI's actual, its lift against
    the holdout with a 95% confidence interval, and the monitoring rules. Exits 1
    when a monitoring rule is triggered, so a daily job can alert.

    \b
    Examples:
      planforge evaluate plans/care.yaml --as-of 2024-04-20
      planforge evaluate plans/care.yaml --format json -o evaluation.json
      planforge evaluate plans/care.yaml --sql spark --table crm.customers
    """
    if not os.path.isfile(plan):
        raise click.UsageError(say("{path}: no such file", path=plan))
    day = as_of or dt.date.today()
    door = session(dialect is None, debug)
    door.as_of = day if dialect is None else None
    result = open_plan(door, plan)
    if dialect is not None:
        ctx.exit(_sql(result, dialect, table, day, output))
    from planforge.evaluate.command import evaluated as report_for

    evaluated = report_for(result, fmt, result.lang)  # --lang, else the plan's language
    if result.diagnostics:
        out.findings(result)
    if evaluated.report is not None:
        _emit(evaluated.report, output, result.lang)
    ctx.exit(evaluated.code)


def _sql(result: Result, dialect: str, table: str, as_of: dt.date, output: str | None) -> int:
    """``--sql``: the plan checked without its rows, then the statement (exit 1 on errors)."""
    from planforge.evaluate.measures_sql import statement

    if result.diagnostics:
        out.findings(result)
    plan = result.plan
    if result.failed() or plan is None or plan.segmentation is None or not plan.measure_specs:
        return EXIT_FINDINGS
    _emit(statement(plan, dialect, as_of, table) + "\n", output, None)
    return EXIT_OK


def _emit(text: str, output: str | None, lang: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from planforge.atomic import write_file

    write_file(output, text.encode("utf-8"))
    out.wrote([output], lang)
