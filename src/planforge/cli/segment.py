"""``planforge segment``: the tier list (客户分层清单) from the plan's customer data."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    choices,
    debug_option,
    lang_option,
    open_plan,
    say,
    session,
)


@click.command()
@click.argument("plan", type=click.Path())
@click.option(
    "--source",
    type=click.Path(dir_okay=False),
    help="Read the customers from FILE instead of the plan's segmentation.source.",
)
@click.option(
    "-o",
    "--output",
    default="build",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for DIR/<plan id>-tiers.xlsx and .csv (created when missing).",
)
@click.option(
    "--format",
    "formats",
    default="xlsx,csv",
    show_default=True,
    callback=choices(("xlsx", "csv"), "format"),
    help="Comma-separated: xlsx, csv.",
)
@click.option(
    "--sql",
    "dialect",
    type=click.Choice(["spark", "trino", "duckdb", "postgres"]),
    help="Print the segmentation as one SQL statement for this engine instead (nothing is read"
    " but the header, nothing is written).",
)
@click.option(
    "--table",
    default="customers",
    show_default=True,
    help="With --sql: the table that holds the customers.",
)
@click.option("--strict", is_flag=True, help="Refuse plans with warnings too.")
@lang_option
@debug_option
@click.pass_context
def segment(
    ctx: click.Context,
    plan: str,
    source: str | None,
    output: str,
    formats: tuple[str, ...],
    dialect: str | None,
    table: str,
    strict: bool,
    debug: bool,
) -> None:
    """Apply the tier rules to the customer data: write the tier list (客户分层清单).

    Reads segmentation.source (CSV in UTF-8 or GBK, XLSX, Parquet), gives each
    in-scope customer the first tier whose rule matches, and writes
    DIR/<id>-tiers.xlsx (the list and a summary sheet) and DIR/<id>-tiers.csv
    (UTF-8 with BOM). Only the key, the name and the `show` columns are copied;
    phone numbers, ID-card numbers and e-mail addresses are masked unless their
    column is in `show`. A plan whose data or tier rules have errors writes
    nothing (exit 1); other errors, such as a budget over its cap, are reported
    after the tier list and its counts are written (exit 1 too).

    \b
    Examples:
      planforge segment plans/crm-tiers-2024q2.yaml
      planforge segment plans/x.yaml --source exports/2024-04.csv --format xlsx
      planforge segment plans/x.yaml --sql spark --table crm.customers
    """
    door = session(dialect is None, debug)
    if not os.path.isfile(plan):
        raise click.UsageError(say("{path}: no such file", path=plan))
    try:
        doc = door.load(plan)
    except OSError as exc:
        raise click.UsageError(
            say("{path}: cannot read: {error}", path=plan, error=exc.strerror or exc)
        ) from None
    seg_raw = doc.data.get("segmentation") if isinstance(doc.data, dict) else None
    if doc.data is not None and not isinstance(seg_raw, dict):
        raise click.UsageError(
            say(
                "{path}: the plan has no `segmentation` block (see 'Customer data' in the documentation)",
                path=plan,
            )
        )
    # Progress on a terminal only (never in a CI log), over the whole run.
    with door.progress(sys.stderr):
        result = open_plan(door, plan, source=source)
        _write(ctx, plan, result, output, formats, dialect, table, strict)


def _write(
    ctx: click.Context,
    plan: str,
    result: Any,
    output: str,
    formats: tuple[str, ...],
    dialect: str | None,
    table: str,
    strict: bool,
) -> None:
    """``segment`` after the check: the findings, then the SQL or the tier list.

    Errors in the plan's data, rules or file (PF0xx, PF1xx, PF5xx, PF900) stop it: the
    list would be wrong. Others, such as a budget over its cap, do not: the planner
    needs the counts to fix them, so the list is written and the exit status is 1
    (``--strict`` refuses them all, as it says).
    """
    failed = result.failed(strict) or result.plan is None
    if result.diagnostics:
        out.findings(result, strict)
    if failed and (dialect is not None or strict or _blocks_the_list(result)):
        ctx.exit(EXIT_FINDINGS)
    if dialect is not None:
        from planforge.segment.sql import statement

        click.echo(statement(result.plan, dialect, table))
        return
    from planforge.segment.command import TooBig, summary_text, write_tier_list

    try:
        written = write_tier_list(result.plan, output, formats)
    except TooBig as exc:
        click.echo(f"{plan}: {exc}", err=True)
        ctx.exit(EXIT_FINDINGS)
    click.echo(summary_text(result.plan, result.lang), nl=False)
    out.wrote(written, result.lang)
    if failed:
        click.echo(
            say(
                "{path}: the tier list is written, but the plan has errors (see above)",
                result.lang,
                path=plan,
            ),
            err=True,
        )
        ctx.exit(EXIT_FINDINGS)


#: Findings that make the tier list wrong: the file, the schema, the customer data and
#: tier rules, planforge's own failure.
BLOCKING = ("PF0", "PF1", "PF5", "PF900")


def _blocks_the_list(result: Any) -> bool:
    seg = result.plan.segmentation if result.plan is not None else None
    if seg is None or not seg.read:
        return True
    return any(
        d.severity.value == "error" and d.code.startswith(BLOCKING) for d in result.diagnostics
    )
