"""``planforge evaluate PLAN [--as-of DATE] [--format text|json] [-o FILE]`` as a click command.

Kept apart from the CLI's own module so it can be attached to the ``planforge``
group as it is (``main.add_command(evaluate)``). Exit codes: 0 nothing to act on,
1 a monitoring rule is triggered or the plan has errors, 2 a usage mistake.
"""

from __future__ import annotations

import datetime as dt
import os

import click

from planforge.messages import msg


def _lang() -> str:
    from planforge.i18n import choose

    return choose(None)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            msg("{value} is not a date written YYYY-MM-DD", value=value).localize(_lang())
        ) from None


@click.command("evaluate")
@click.argument("plan")
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
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
@click.option("--debug", is_flag=True, help="Show Python tracebacks (for reporting bugs).")
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
    from planforge.evaluate.command import evaluate_document
    from planforge.loader import load_file
    from planforge.reporters import get

    lang = _lang()
    if not os.path.isfile(plan):
        raise click.UsageError(msg("{path}: no such file", path=plan).localize(lang))
    if dialect is not None:
        ctx.exit(_sql(plan, dialect, table, as_of or dt.date.today(), output, debug))
    evaluated = evaluate_document(load_file(plan), as_of, fmt, debug=debug)
    result = evaluated.result
    if result.diagnostics:
        click.echo(get("text")([result], lang=lang), err=True, nl=False)
    if evaluated.report is None:
        ctx.exit(evaluated.code)
    _emit(evaluated.report, output)
    ctx.exit(evaluated.code)


def _sql(
    plan: str, dialect: str, table: str, as_of: dt.date, output: str | None, debug: bool
) -> int:
    """``--sql``: the plan checked without its rows, then the statement (exit 1 on errors)."""
    from planforge.check import check_file
    from planforge.evaluate.measures_sql import statement
    from planforge.reporters import get

    result = check_file(plan, debug=debug)
    if result.diagnostics:
        click.echo(get("text")([result], lang=_lang()), err=True, nl=False)
    seg = result.plan.segmentation if result.plan else None
    if result.failed() or result.plan is None or seg is None or not result.plan.measure_specs:
        return 1
    _emit(statement(result.plan, dialect, as_of, table) + "\n", output)
    return 0


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from planforge.atomic import write_file

    write_file(output, text.encode("utf-8"))
    click.echo(msg("wrote {path}", path=output).localize(_lang()), err=True)
