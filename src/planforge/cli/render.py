"""``planforge render``: plans as printable HTML and PDF documents."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence

import click

from planforge.cli import output as out
from planforge.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    Fatal,
    as_of_option,
    choices,
    cpus,
    debug_option,
    document_options,
    follow_option,
    jobs_option,
    lang_option,
    limit_options,
    localized,
    session,
)

SECTIONS = ("cover", "tiers", "timetable", "budget", "evaluation")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "formats",
    default="html,pdf",
    show_default=True,
    callback=choices(("html", "pdf"), "format"),
    help="Comma-separated: html, pdf.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder for DIR/<plan id>.html and .pdf, created when missing (default: the "
    "config's `output`, else build/).",
)
@click.option(
    "--only",
    "sections",
    default=",".join(SECTIONS),
    callback=choices(SECTIONS, "section"),
    help="Comma-separated sections: " + ", ".join(SECTIONS) + ".",
)
@click.option(
    "--review",
    is_flag=True,
    help="Print the campaign review (复盘) instead, from the outcome data: KPI results with"
    " their lift, rates per tier, spend and return, monitoring (DIR/<plan id>.review.pdf).",
)
@as_of_option("Count outcome rows dated up to this day (plans with `outcomes`; default: today).")
@document_options
@click.option(
    "--with-tier-list",
    is_flag=True,
    help="Print each customer's row of the tier list on the tiers page (default: counts only).",
)
@jobs_option("Render this many plans in parallel")
@limit_options
@follow_option
@click.option(
    "--changes-since",
    metavar="REV",
    help="Add a change log: what changed in each plan since git revision REV.",
)
@lang_option
@debug_option
@click.pass_context
def render(
    ctx: click.Context,
    paths: Sequence[str],
    formats: tuple[str, ...],
    output: str | None,
    sections: tuple[str, ...],
    review: bool,
    as_of: dt.date | None,
    locale: str | None,
    templates: str | None,
    with_tier_list: bool,
    jobs: int | None,
    timeout: float,
    memory_limit: int,
    follow_symlinks: bool,
    changes_since: str | None,
    debug: bool,
) -> None:
    """Render plans to printable HTML and PDF documents.

    Cover and approval page, tiers and needs, Gantt timetable, budget sheet and
    evaluation form. PATHS are files or folders (default: the config's `paths`, else
    plans/). Tier counts come from each plan's customer data. A plan that does not
    validate is not rendered: its diagnostics are printed and the exit status is 1.
    Nothing is written for a plan whose rendering fails. Each plan renders in its
    own worker process, stopped at --timeout or --memory-limit.

    \b
    Examples:
      planforge render plans/reactivation-2024q2.yaml
      planforge render plans/ --format pdf -o out/ -j 2
      planforge render plans/x.yaml --only cover,budget --locale en
      planforge render plans/x.yaml --templates branding/
      planforge render plans/x.yaml --changes-since v1.0
      planforge render plans/x.yaml --review --as-of 2024-08-31
    """
    from planforge.render import printer

    # One plan: a printer imports WeasyPrint while the rest starts and the plan is checked.
    # A named file is known at once, so the printer starts before anything else is imported.
    if "pdf" in formats and len(paths) == 1 and os.path.isfile(paths[0]):
        printer.start()
    try:
        from planforge.frontdoor import ConfigError, DiscoveryError

        out.check_epoch()
        door = session(True, debug)
        start = paths[0] if paths else "."
        try:
            config = door.config(start)
            files = door.find_plans(paths, start)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None
        except DiscoveryError as exc:
            raise click.UsageError(localized(exc.args[0])) from None
        if "pdf" in formats and len(files) == 1:
            printer.start()  # (a folder holding one plan)
        from planforge.render.batch import render_all
        from planforge.render.document import RenderOptions
        from planforge.render.limits import Limits

        if "pdf" in formats and printer.current() is None:
            _require_printing()
        options = RenderOptions(
            formats,
            output or config.output or "build",
            ("review",) if review else sections,
            locale or config.locale,
            os.path.abspath(templates) if templates else None,
            door.debug,
            follow_symlinks,
            _since(door, changes_since, files),
            with_tier_list=with_tier_list,
            lang=door.lang_option,
            as_of=as_of,
        )
        ok = render_all(
            files,
            options,
            jobs or cpus(),
            color=out.color(None, sys.stderr),
            limits=Limits(timeout, memory_limit),
            lang=door.lang,
        )
    except printer.Refused as exc:
        raise Fatal(str(exc)) from None
    finally:
        printer.stop()
    ctx.exit(EXIT_OK if ok else EXIT_FINDINGS)


def _require_printing() -> None:
    """Exit 2 at once when PDFs could not be made quickly (no HarfBuzz subsetter)."""
    from planforge.render.fonts import MissingFont, require_subsetter

    try:
        require_subsetter()
    except MissingFont as exc:
        raise Fatal(str(exc)) from None


def _since(door: object, rev: str | None, files: Sequence[str]) -> tuple[str, str] | None:
    """``--changes-since``: the revision and the commit it names, resolved once per run."""
    if rev is None:
        return None
    from planforge.frontdoor import RevisionError

    folder = os.path.dirname(os.path.abspath(files[0])) if files else "."
    try:
        return rev, door.commit(rev, folder)  # type: ignore[attr-defined]
    except RevisionError as exc:
        raise click.UsageError(str(exc)) from None
