"""``planforge evaluate``: did the campaign work? The KPIs measured from the outcome data.

Exit codes: 0 nothing to act on, 1 a monitoring rule is triggered or the plan has
errors, 2 a usage mistake.
"""

from __future__ import annotations

import datetime as dt
import os

import click

from planforge.cli import output as out
from planforge.cli.options import debug_option, iso_date, lang_option, say, session


@click.command("evaluate")
@click.argument("plan")
@click.option(
    "--as-of",
    "as_of",
    callback=iso_date,
    metavar="YYYY-MM-DD",
    help="Count rows dated up to this day (default: today), so a run during the campaign"
    " shows progress so far.",
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
    day = as_of or dt.date.today()
    if not os.path.isfile(plan):
        raise click.UsageError(say("{path}: no such file", path=plan))
    if dialect is not None:
        ctx.exit(_sql(plan, dialect, table, day, output, debug))
    from planforge.evaluate.command import evaluated

    door = session(True, debug)
    door.as_of = day
    try:
        result = door.open(plan)
    except OSError as exc:
        raise click.UsageError(
            say("{path}: cannot read: {error}", path=plan, error=exc.strerror or exc)
        ) from None
    report = evaluated(result, fmt)
    if result.diagnostics:
        out.findings(result)
    if report.report is None:
        ctx.exit(report.code)
    _emit(report.report, output, result.lang)
    ctx.exit(report.code)


def _sql(
    plan: str, dialect: str, table: str, as_of: dt.date, output: str | None, debug: bool
) -> int:
    """``--sql``: the plan checked without its rows, then the statement (exit 1 on errors)."""
    from planforge.evaluate.measures_sql import statement

    result = session(False, debug).open(plan)
    if result.diagnostics:
        out.findings(result)
    seg = result.plan.segmentation if result.plan else None
    if result.failed() or result.plan is None or seg is None or not result.plan.measure_specs:
        return 1
    _emit(statement(result.plan, dialect, as_of, table) + "\n", output, result.lang)
    return 0


def _emit(text: str, output: str | None, lang: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    out.write({output: text.encode("utf-8")}, [], False)
    click.echo(say("wrote {path}", lang, path=output), err=True)
