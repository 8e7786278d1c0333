"""``planforge validate``: check plans and report the findings."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    cannot_read,
    codes,
    cpus,
    debug_option,
    follow_option,
    jobs_option,
    lang_option,
    localized,
    say,
    session,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["text", "json", "github", "sarif", "junit"]),
    help="Report format (default: text, or github inside GitHub Actions): text for people, "
    "json for tools, github for Actions annotations, "
    "sarif for code scanning, junit for CI test reports.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--data/--no-data",
    "read_data",
    default=True,
    help="Read the rows of each plan's customer data (segmentation.source), so tier counts,"
    " shares and the budget are checked against the real customers (the default); "
    "--no-data reads only the header and checks the plan's own counts.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@follow_option
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
)
@click.option(
    "--select",
    metavar="CODES",
    help="Only these checks: codes or prefixes, comma-separated (PF3 = every PF3xx).",
)
@click.option(
    "--ignore",
    metavar="CODES",
    help="Not these checks: codes or prefixes, comma-separated (added to the config's).",
)
@click.option("--stdin", "from_stdin", is_flag=True, help="Read one plan from standard input.")
@click.option(
    "--stdin-filename",
    metavar="NAME",
    help="With --stdin: the file name to report (and to find the config from).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the exact, safe fixes in place (full-width punctuation, curly quotes, "
    "currency case, quoting), then report what is left.",
)
@jobs_option("Check this many plans at once, each share in its own process; 1: one by one")
@lang_option
@debug_option
@click.pass_context
def validate(
    ctx: click.Context,
    paths: Sequence[str],
    fmt: str,
    strict: bool,
    read_data: bool,
    output: str | None,
    follow_symlinks: bool,
    color: bool | None,
    select: str | None,
    ignore: str | None,
    from_stdin: bool,
    stdin_filename: str | None,
    fix: bool,
    jobs: int | None,
    debug: bool,
) -> None:
    """Check plan files: schema, references, dates, budget, tiers, KPIs.

    PATHS are files, or directories searched recursively for *.yaml and *.yml
    (default: the config's `paths`, else plans/). Each plan's customer data
    (segmentation.source) is read, so the tiers and the budget are checked against
    the real customer counts; --no-data reads only its header. Messages speak
    --lang, else PLANFORGE_LANG, else the plan's own locale, else LANG.
    Exit status: 0 valid, 1 findings, 2 usage error.

    \b
    Examples:
      planforge validate
      planforge validate plans/reactivation-2024q2.yaml --strict
      planforge validate --format github plans/
      planforge validate --format sarif -o planforge.sarif
      planforge validate --ignore PF304,PF405
      planforge validate --no-data plans/       (only the data files' headers)
      planforge validate --stdin --stdin-filename plans/x.yaml < plans/x.yaml
      planforge validate --fix --lang zh-CN plans/x.yaml
    """
    from planforge.frontdoor import ConfigError, DiscoveryError, Unreadable, names_data
    from planforge.reporters import get

    door = session(read_data, debug)
    if from_stdin and paths:
        raise click.UsageError(say("--stdin reads one plan from standard input: give no PATHS"))
    if stdin_filename and not from_stdin:
        raise click.UsageError(say("--stdin-filename goes with --stdin"))
    name = stdin_filename or "<stdin>"
    start = name if from_stdin and stdin_filename else (paths[0] if paths else ".")
    try:
        door.config(start)
        files = [] if from_stdin else door.find_plans(paths, start)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    except DiscoveryError as exc:
        raise click.UsageError(localized(exc.args[0])) from None
    if output is not None:
        out.target(output, files, follow_symlinks)  # refused before any work
    results = []
    if from_stdin:
        results.append(door.open_bytes(sys.stdin.buffer.read(), name))
    ctx.with_resource(door.batch())  # until the report is written
    if fix:
        for path in files:
            try:
                results.append(_fix(door, path, door.open(path)))
            except OSError as exc:
                raise cannot_read(path, exc) from None
    else:
        try:
            results += door.open_many(files, jobs or cpus())
        except Unreadable as exc:
            raise cannot_read(exc.path, exc.error) from None
    door.finish_batch(
        results,
        [start],
        codes(select) if select is not None else None,
        codes(ignore) if ignore is not None else (),
    )
    lang = door.report_lang(results)
    if not read_data and names_data(results):
        click.echo(
            say(
                "note: --no-data: the customer data was not read, so tier counts and the"
                " budget were checked against the plan's own figures",
                lang,
            ),
            err=True,
        )
    if fmt is None:  # annotations on the pull request when run by GitHub Actions
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and output is None else "text"
    stream = sys.stdout if output is None else None
    colored = fmt == "text" and out.color(color, stream)
    report = get(fmt)(results, strict=strict, color=colored, lang=lang)
    if output is None:
        click.echo(report, nl=False)
    else:
        out.write({output: report.encode("utf-8")}, files, follow_symlinks)
    ctx.exit(EXIT_FINDINGS if any(r.failed(strict) for r in results) else EXIT_OK)


def _fix(door: Any, path: str, result: Any) -> Any:
    """Apply the safe fixes to ``path``, say what changed (on stderr), and check it again."""
    result, fixed = door.fix(path, result)
    for d in fixed:
        what = localized(d.fix.message, result.lang)
        where = f"{path}:{d.line}:{d.col}"
        line = say(
            "{where}: fixed [{code}] {what}", result.lang, where=where, code=d.code, what=what
        )
        click.echo(line, err=True)
    return result
