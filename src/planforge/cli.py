"""The ``planforge`` command: a thin layer over the pipeline.

``validate`` runs load → check; ``export`` runs load → check → resolve → export.
Nothing here imports the rendering stack, so ``validate`` stays fast.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from planforge import __version__, signals

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: What `diff --fail-on` gates on (planforge.diff.compare.GATES, kept here so `--help`
#: does not import the diff stage).
GATES = ("budget-increase", "over-cap", "date-slip", "target-lowered", "scope-change")


def _debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, help="Show Python tracebacks (for reporting bugs)."
    )(func)


def _lang_callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(dict)
        ctx.find_root().ensure_object(dict)
        ctx.find_root().obj["lang"] = value
    return value


def _lang_option(func: F) -> F:
    """``--lang``: the language of messages (else PLANFORGE_LANG, LC_ALL, LC_MESSAGES, LANG)."""
    return click.option(
        "--lang",
        type=click.Choice(["zh-CN", "en"], case_sensitive=False),
        callback=_lang_callback,
        expose_value=False,
        is_eager=True,
        help="Language of the messages: zh-CN or en (default: PLANFORGE_LANG, then LC_ALL, "
        "LC_MESSAGES, LANG, then English).",
    )(func)


def _lang_given() -> str | None:
    """``--lang`` as given on the command line (None: not given)."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().obj.get("lang") if ctx and ctx.find_root().obj else None


def _lang() -> str:
    """The language chosen for this run, before any plan speaks (see planforge.frontdoor)."""
    from planforge.i18n import choose

    return choose(_lang_given())


def _session(read_data: bool = True, debug: bool = False) -> Any:
    """The front door for this run (:class:`planforge.frontdoor.Session`)."""
    from planforge.frontdoor import Session

    ctx = click.get_current_context(silent=True)
    debug = debug or bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("debug"))
    return Session(lang_option=_lang_given(), read_data=read_data, debug=debug)


def _say(template: str, /, **args: Any) -> str:
    """A CLI message in the run's language."""
    from planforge.messages import Message

    return Message(template, **args).localize(_lang())


def _localized(text: Any) -> str:
    """``text`` (a message from the pipeline) in the run's language."""
    from planforge.messages import localize

    return localize(text, _lang())


def _document_options(func: F) -> F:
    """``--locale`` and ``--templates``, shared by the commands that make the document."""
    func = click.option(
        "--templates",
        type=click.Path(exists=True, file_okay=False),
        help="A folder whose templates or plan.css/brand.css override the built-in ones.",
    )(func)
    return click.option(
        "--locale",
        type=click.Choice(["zh-CN", "en"]),
        help="Show the document in this language instead of the plan's.",
    )(func)


class _Group(click.Group):
    """Turns unexpected exceptions into one readable line (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (KeyboardInterrupt, signals.Stopped) as exc:
            what = (
                _say("planforge: interrupted")
                if isinstance(exc, KeyboardInterrupt)
                else _say("planforge: stopped by {signal}", signal=exc)
            )
            with contextlib.suppress(OSError):  # the terminal may have gone (SIGHUP)
                click.echo(what, err=True)
            sys.exit(signals.exit_status(exc))
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_FINDINGS)
        except Exception as exc:
            if "--debug" in sys.argv or (ctx.obj and ctx.obj.get("debug")):
                raise
            click.echo(
                _say(
                    "planforge: internal error: {error}\nThis is a bug in planforge. Rerun with"
                    " --debug and report the traceback.",
                    error=f"{type(exc).__name__}: {exc}",
                ),
                err=True,
            )
            sys.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="planforge")
@_lang_option
@_debug_option
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """planforge: customer-retention campaign plans as checked, printable documents.

    Plans are YAML files (see `planforge schema`). Typical use:

    \b
      planforge validate plans/            check every plan, exit 1 on findings
      planforge export plans/x.yaml        print the resolved plan as JSON
      planforge export plans/x.yaml -f xlsx -o build/   ... or as XLSX, ICS, CSV
      planforge rules                      list every check
      planforge explain PF306              what a check means and how to fix it
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    signals.install()


class Fatal(click.ClickException):
    """planforge cannot go on: an output that cannot be written, a bad environment (exit 2)."""

    exit_code = EXIT_USAGE


def _check_epoch() -> None:
    """Stop at once on a malformed ``SOURCE_DATE_EPOCH`` (for commands that stamp dates)."""
    from planforge.reproducible import BadEpoch, source_date_epoch

    try:
        source_date_epoch()
    except BadEpoch as exc:
        raise Fatal(str(exc)) from None


def _config(start: str) -> Any:
    """The project settings for ``start`` (see :mod:`planforge.config`); bad ones exit 2."""
    from planforge.config import ConfigError, find

    try:
        return find(start)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in text.split(",") if c.strip())


def _follow_option(func: F) -> F:
    return click.option(
        "--follow-symlinks",
        is_flag=True,
        help="When an output path is a symbolic link, write to the file it points to "
        "(by default planforge refuses).",
    )(func)


def _target(output: str, inputs: Sequence[str], follow: bool) -> str:
    """The file ``-o`` may write, or a usage error (see :func:`planforge.atomic.resolve_target`)."""
    from planforge.atomic import OutputError, resolve_target

    try:
        return resolve_target(output, inputs=inputs, follow_symlinks=follow, streams=True)
    except OutputError as exc:
        raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from None


def _check_epoch() -> None:
    """Stop before any work when ``SOURCE_DATE_EPOCH`` is set to something unusable."""
    from planforge.reproducible import BadEpoch, source_date_epoch

    try:
        source_date_epoch()
    except BadEpoch as exc:
        raise Fatal(str(exc)) from None


def _write(files: dict[str, bytes], inputs: Sequence[str], follow: bool) -> None:
    """Write ``files`` (path -> bytes) as one set (:func:`planforge.atomic.write_files`)."""
    from planforge.atomic import OutputError, write_files

    targets = {_target(path, inputs, follow): data for path, data in files.items()}
    try:
        write_files(targets)
    except OutputError as exc:
        raise Fatal(str(exc)) from None


def _color(choice: bool | None, stream: Any) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR") or os.environ.get("CI"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


@main.command()
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
@_follow_option
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
@_lang_option
@_debug_option
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
    debug: bool,
) -> None:
    """Check plan files: schema, references, dates, budget, tiers, KPIs.

    PATHS are files, or directories searched recursively for *.yaml and *.yml
    (default: plans/). Exit status: 0 valid, 1 findings, 2 usage error.

    \b
    Examples:
      planforge validate
      planforge validate plans/reactivation-2024q2.yaml --strict
      planforge validate --format github plans/
      planforge validate --format sarif -o planforge.sarif
      planforge validate --ignore PF304,PF405
      planforge validate --stdin --stdin-filename plans/x.yaml < plans/x.yaml
      planforge validate --fix --lang zh-CN plans/x.yaml
    """
    from planforge.frontdoor import ConfigError, DiscoveryError, names_data
    from planforge.messages import Message
    from planforge.reporters import get

    session = _session(read_data, debug or ctx.obj.get("debug", False))
    lang = session.lang
    if from_stdin and paths:
        raise click.UsageError(_say("--stdin reads one plan from standard input: give no PATHS"))
    if stdin_filename and not from_stdin:
        raise click.UsageError(_say("--stdin-filename goes with --stdin"))
    name = stdin_filename or "<stdin>"
    start = name if from_stdin and stdin_filename else (paths[0] if paths else ".")
    try:
        session.config(start)
        files = [] if from_stdin else session.find_plans(paths, start)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    except DiscoveryError as exc:
        raise click.UsageError(_localized(exc.args[0])) from None
    if output is not None:
        _target(output, files, follow_symlinks)  # refused before any work
    results = []
    if from_stdin:
        results.append(session.open_bytes(sys.stdin.buffer.read(), name))
    for path in files:
        try:
            result = session.open(path)
            if fix:
                result = _fix(session, path, result)
            results.append(result)
        except OSError as exc:
            raise click.UsageError(
                _say("{path}: cannot read: {error}", path=path, error=exc.strerror or exc)
            ) from None
    session.finish_batch(
        results,
        [start],
        _codes(select) if select is not None else None,
        _codes(ignore) if ignore is not None else (),
    )
    lang = session.report_lang(results)
    if not read_data and names_data(results):
        note = Message(
            "note: --no-data: the customer data was not read, so tier counts and the"
            " budget were checked against the plan's own figures"
        )
        click.echo(note.localize(lang), err=True)
    if fmt is None:  # annotations on the pull request when run by GitHub Actions
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and output is None else "text"
    stream = sys.stdout if output is None else None
    colored = fmt == "text" and _color(color, stream)
    report = get(fmt)(results, strict=strict, color=colored, lang=lang)
    if output is None:
        click.echo(report, nl=False)
    else:
        _write({output: report.encode("utf-8")}, files, follow_symlinks)
    ctx.exit(EXIT_FINDINGS if any(r.failed(strict) for r in results) else EXIT_OK)


def _fix(session: Any, path: str, result: Any) -> Any:
    """Apply the safe fixes to ``path``, say what changed (on stderr), and check it again."""
    from planforge.messages import Message, localize

    result, fixed = session.fix(path, result)
    for d in fixed:
        what = localize(d.fix.message, result.lang)
        line = Message(
            "{where}: fixed [{code}] {what}",
            where=f"{path}:{d.line}:{d.col}",
            code=d.code,
            what=what,
        )
        click.echo(line.localize(result.lang), err=True)
    return result


_EXPORT_FORMATS = ("json", "ics", "xlsx", "csv")  # planforge.export.FORMATS, kept import-free


def N_(template: str) -> str:
    """Marks a message template for the catalog where it is written, not where it is shown."""
    return template


_NEEDS_OUTPUT = {
    "xlsx": N_(
        "--format {fmt} writes a binary file: give -o FILE.xlsx (or -o DIR for DIR/<plan id>.xlsx)"
    ),
    "csv": N_(
        "--format {fmt} writes one file per table: give -o DIR (for DIR/<plan id>-<table>.csv)"
    ),
}


@main.command()
@click.argument("plan", type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    default="json",
    show_default=True,
    type=click.Choice(_EXPORT_FORMATS),
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
@_follow_option
@click.option("--strict", is_flag=True, help="Refuse plans with warnings too.")
@_lang_option
@_debug_option
@click.pass_context
def export(
    ctx: click.Context,
    plan: str,
    fmt: str,
    output: str | None,
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
    plan always gives the same bytes. A plan with errors is not exported: its
    diagnostics go to stderr (exit 1).

    \b
    Examples:
      planforge export plans/reactivation-2024q2.yaml > build/plan.json
      planforge export plans/reactivation-2024q2.yaml --format ics -o build/plan.ics
      planforge export plans/reactivation-2024q2.yaml --format xlsx -o build/
      planforge export plans/reactivation-2024q2.yaml --format csv -o build/csv/
    """
    from planforge.reporters import get

    session = _session(True, debug)
    _check_epoch()
    if output is None and fmt in _NEEDS_OUTPUT:
        raise click.UsageError(_say(_NEEDS_OUTPUT[fmt], fmt=fmt))
    if fmt == "csv" and output is not None and os.path.isfile(output):
        raise click.UsageError(
            _say(
                "{path} is a file; --format csv writes one file per table: give -o DIR",
                path=output,
            )
        )
    if not os.path.isfile(plan):
        raise click.UsageError(_say("{path}: no such file", path=plan))
    into_dir = output is not None and (
        fmt == "csv" or os.path.isdir(output) or output.endswith(("/", os.sep))
    )
    if output is not None and not into_dir:
        _target(output, [plan], follow_symlinks)  # refused before any work
    try:
        result = session.open(plan)
    except OSError as exc:
        raise click.UsageError(
            _say("{path}: cannot read: {error}", path=plan, error=exc.strerror or exc)
        ) from None
    report = get("text")
    if result.failed(strict) or result.plan is None:
        color = _color(None, sys.stderr)
        click.echo(
            report([result], strict=strict, color=color, lang=result.lang), err=True, nl=False
        )
        ctx.exit(EXIT_FINDINGS)
    if result.diagnostics:
        color = _color(None, sys.stderr)
        click.echo(report([result], color=color, lang=result.lang), err=True, nl=False)
    from planforge.export import files

    _check_epoch()
    made = files(result.plan, plan, fmt)
    if output is None:
        click.echo(next(iter(made.values())), nl=False)  # bytes: written as they are
        return
    _write(
        {os.path.join(output, name) if into_dir else output: data for name, data in made.items()},
        [plan],
        follow_symlinks,
    )


#: ``render -j`` by default: one worker per CPU, no more than this (memory).
MAX_AUTO_JOBS = 4


def _cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_AUTO_JOBS))


#: Upper bounds of the render limits: a week, and a tebibyte.
MAX_TIMEOUT, MAX_MEMORY_MB = 604_800, 1_048_576


class Seconds(click.FloatRange):
    """A finite number of seconds from 0 to :data:`MAX_TIMEOUT` (no ``nan``, no ``inf``)."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(0, MAX_TIMEOUT)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(
                _say("{value} is not a number of seconds (0 means no limit)", value=repr(value)),
                param,
                ctx,
            )
        return seconds


def _csv(
    allowed: tuple[str, ...], what: str
) -> Callable[[click.Context, click.Parameter, str], tuple[str, ...]]:
    def parse(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        bad = [v for v in items if v not in allowed]
        if bad or not items:
            raise click.BadParameter(
                f"{', '.join(bad) or 'nothing'} is not a {what}; choose from {', '.join(allowed)}"
            )
        return tuple(v for v in allowed if v in items)

    return parse


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "formats",
    default="html,pdf",
    show_default=True,
    callback=_csv(("html", "pdf"), "format"),
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
    default="cover,tiers,timetable,budget,evaluation",
    callback=_csv(("cover", "tiers", "timetable", "budget", "evaluation"), "section"),
    help="Comma-separated sections: cover, tiers, timetable, budget, evaluation.",
)
@_document_options
@click.option(
    "--with-tier-list",
    is_flag=True,
    help="Print each customer's row of the tier list on the tiers page (default: counts only).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help=f"Render this many plans in parallel (default: one per CPU, at most {MAX_AUTO_JOBS}).",
)
@click.option(
    "--timeout",
    default=600.0,
    show_default=True,
    type=Seconds(),
    help=f"Stop rendering a plan after this many seconds, at most {MAX_TIMEOUT:,} (0: no limit).",
)
@click.option(
    "--memory-limit",
    default=4096,
    show_default=True,
    type=click.IntRange(0, MAX_MEMORY_MB),
    help="Stop rendering a plan that needs more memory than this, in MB (0: no limit).",
)
@_follow_option
@click.option(
    "--changes-since",
    metavar="REV",
    help="Add a change log: what changed in each plan since git revision REV.",
)
@_lang_option
@_debug_option
@click.pass_context
def render(
    ctx: click.Context,
    paths: Sequence[str],
    formats: tuple[str, ...],
    output: str | None,
    sections: tuple[str, ...],
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
    evaluation form. PATHS are files or folders (default: plans/). A plan that does
    not validate is not rendered: its diagnostics are printed and the exit status
    is 1. Nothing is written for a plan whose rendering fails. Each plan renders
    in its own worker process, stopped at --timeout or --memory-limit.

    \b
    Examples:
      planforge render plans/reactivation-2024q2.yaml
      planforge render plans/ --format pdf -o out/ -j 2
      planforge render plans/x.yaml --only cover,budget --locale en
      planforge render plans/x.yaml --templates branding/
      planforge render plans/x.yaml --changes-since v1.0
    """
    from planforge.discover import DiscoveryError, find_plans
    from planforge.render import printer

    _check_epoch()
    config = _config(paths[0] if paths else ".")
    try:
        files = find_plans(paths or list(config.paths) or ["plans"])
    except DiscoveryError as exc:
        raise click.UsageError(str(exc)) from None
    if "pdf" in formats and len(files) == 1:
        printer.start()  # imports WeasyPrint while the rest starts and the plan is checked
    try:
        from planforge.render.batch import render_all
        from planforge.render.document import RenderOptions
        from planforge.render.limits import Limits

        if "pdf" in formats and printer.current() is None:
            _require_printing()
        options = RenderOptions(
            formats,
            output or config.output or "build",
            sections,
            locale or config.locale,
            os.path.abspath(templates) if templates else None,
            debug or ctx.obj.get("debug", False),
            follow_symlinks,
            _since(changes_since, files),
            with_tier_list=with_tier_list,
        )
        limits = Limits(timeout, memory_limit)
        ok = render_all(
            files,
            options,
            jobs or _cpus(),
            color=_color(None, sys.stderr),
            limits=limits,
            lang=_lang(),
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


def _since(rev: str | None, files: Sequence[str]) -> tuple[str, str] | None:
    """``--changes-since``: the revision and the commit it names, resolved once per run."""
    if rev is None:
        return None
    from planforge.diff.changelog import resolve_revision
    from planforge.diff.sources import SourceError

    folder = os.path.dirname(os.path.abspath(files[0])) if files else "."
    try:
        return rev, resolve_revision(rev, folder)
    except SourceError as exc:
        raise click.UsageError(str(exc)) from None


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _say("{value} is not a date written YYYY-MM-DD", value=value)
        ) from None


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--template",
    default="reactivation",
    show_default=True,
    type=click.Choice(["reactivation", "complaint-recovery", "high-value-retention", "brand-care"]),
    help="Campaign type: 老客户激活, 满意度修复, 高价值客户留存, 品牌关怀.",
)
@click.option(
    "--locale",
    type=click.Choice(["zh-CN", "en"]),
    help="Language of the plan's text (default: the config's `locale`, else zh-CN).",
)
@click.option(
    "--start",
    callback=_iso_date,
    metavar="YYYY-MM-DD",
    help="First day of the campaign; the dates follow from it (default: next Monday).",
)
def init(path: str, template: str, locale: str | None, start: Any) -> None:
    """Write a new plan at PATH that validates (--strict) as it stands.

    The id comes from the file name (made unique among the repository's plans);
    the first line points your editor at the schema. Never overwrites a file.

    \b
    Examples:
      planforge init plans/q3-winback.plan.yaml
      planforge init --template complaint-recovery --locale en plans/recovery.plan.yaml
      planforge init --start 2025-03-03 plans/spring-care.plan.yaml --template brand-care
    """
    import datetime as dt
    import shlex

    from planforge.scaffold import InitError, create, next_monday

    begin = start or next_monday(dt.date.today())
    locale = locale or _config(os.path.dirname(os.path.abspath(path))).locale or "zh-CN"
    try:
        made = create(path, template=template, locale=locale, start=begin)
    except InitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        _say(
            "wrote {path} (id `{id}`, {template}, starting {start})",
            path=made.path,
            id=made.plan_id,
            template=template,
            start=begin.isoformat(),
        )
    )
    click.echo("\n" + _say("Next steps:"))
    quoted = shlex.quote(made.path)
    steps = [
        _say("edit the lines marked TODO, the team's names, the budget and the customer count"),
        f"planforge validate {quoted} --strict",
        f"planforge render {quoted}",
    ]
    if made.schema_missing:
        rel = os.path.relpath(made.schema_missing)
        folder = os.path.dirname(rel)
        mkdir = (
            f"mkdir -p {shlex.quote(folder)} && " if folder and not os.path.isdir(folder) else ""
        )
        command = f"{mkdir}planforge schema > {shlex.quote(rel)}"
        steps.insert(1, _say("{command}   (editor completion)", command=command))
    for i, step in enumerate(steps, 1):
        click.echo(f"  {i}. {step}")


@main.command()
@click.argument("plan", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)
@_document_options
@click.option(
    "--open/--no-open",
    "open_browser",
    default=None,
    help="Open the page in the web browser (default: when run in a terminal).",
)
def preview(
    plan: str, port: int, locale: str | None, templates: str | None, open_browser: bool | None
) -> None:
    """Show PLAN's document in the browser, updated each time the file is saved.

    Serves the HTML document on 127.0.0.1 only. The page reloads by itself after
    each save of the plan or of a template; while the plan has errors it shows
    them, each at its line. Stop with Ctrl-C.

    \b
    Examples:
      planforge preview plans/reactivation-2024q2.yaml
      planforge preview plans/x.yaml --port 0 --templates branding/ --no-open
    """
    from pathlib import Path

    from planforge.preview import Preview, make_server
    from planforge.render.document import RenderOptions

    _check_epoch()
    options = RenderOptions(
        formats=("html",),
        locale=locale,
        templates=os.path.abspath(templates) if templates else None,
    )
    state = Preview(Path(plan).resolve(), options)
    try:
        lang = _lang()
        server = make_server(state, port, lambda line: click.echo(line.localize(lang), err=True))
    except OSError as exc:
        raise click.UsageError(
            _say("cannot listen on 127.0.0.1:{port}: {error}", port=port, error=exc.strerror or exc)
        ) from None
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(
        _say(
            "previewing {plan} at {url} ({state}); stop with Ctrl-C",
            plan=plan,
            url=url,
            state=state.summary,
        ),
        err=True,
    )
    if open_browser if open_browser is not None else sys.stdout.isatty():
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo(_say("preview stopped"), err=True)
    finally:
        server.server_close()


@main.command()
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
    callback=_csv(("xlsx", "csv"), "format"),
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
@_debug_option
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
    column is in `show`. A plan with errors writes nothing (exit 1).

    \b
    Examples:
      planforge segment plans/crm-tiers-2024q2.yaml
      planforge segment plans/x.yaml --source exports/2024-04.csv --format xlsx
      planforge segment plans/x.yaml --sql spark --table crm.customers
    """
    session = _session(dialect is None, debug)
    if not os.path.isfile(plan):
        raise click.UsageError(_say("{path}: no such file", path=plan))
    try:
        doc = session.load(plan)
    except OSError as exc:
        raise click.UsageError(
            _say("{path}: cannot read: {error}", path=plan, error=exc.strerror or exc)
        ) from None
    seg_raw = doc.data.get("segmentation") if isinstance(doc.data, dict) else None
    if doc.data is not None and not isinstance(seg_raw, dict):
        raise click.UsageError(
            _say("{path}: the plan has no `segmentation` block (see the README)", path=plan)
        )
    # Progress on a terminal only (never in a CI log), over the whole run.
    with session.progress(sys.stderr):
        result = session.open(plan, source=source)
        _segment_write(ctx, plan, result, output, formats, dialect, table, strict)


def _segment_write(
    ctx: click.Context,
    plan: str,
    result: Any,
    output: str,
    formats: tuple[str, ...],
    dialect: str | None,
    table: str,
    strict: bool,
) -> None:
    """``segment`` after the check: the findings, then the SQL or the tier list."""
    from planforge.reporters import get

    report = get("text")
    if result.failed(strict) or result.plan is None:
        click.echo(
            report([result], strict=strict, color=_color(None, sys.stderr)), err=True, nl=False
        )
        ctx.exit(EXIT_FINDINGS)
    if result.diagnostics:
        click.echo(report([result], color=_color(None, sys.stderr)), err=True, nl=False)
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
    click.echo(summary_text(result.plan), nl=False)
    for path in written:
        click.echo(f"wrote {path}")


@main.command()
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
    callback=lambda ctx, param, value: (
        None if value is None else _csv(GATES, "gate")(ctx, param, value)
    ),
    help="Exit 1 when the change is one of: " + ", ".join(GATES) + " (comma-separated).",
)
@click.option(
    "--locale",
    type=click.Choice(["zh-CN", "en"]),
    help="Words, money and dates in this language (default: the new plan's).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@_debug_option
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
    repository root, or ./path from the current folder). Budget lines, tasks,
    phases and period, KPI targets, tiers, status and version are compared on the
    resolved plans. Exit 1 when --fail-on names a change that is present.

    \b
    Examples:
      planforge diff HEAD~1:plans/x.yaml plans/x.yaml
      planforge diff main:plans/x.yaml plans/x.yaml --fail-on budget-increase,over-cap
      planforge diff v1.0:plans/x.yaml HEAD:plans/x.yaml --format json
    """
    from planforge.diff import compare
    from planforge.diff.report import to_json, to_text
    from planforge.diff.sources import SourceError, read_side

    session = _session(True, debug)
    local = [spec for spec in (old, new) if os.path.isfile(spec)]
    if output:
        _target(output, local, False)  # never over a plan it reads; refused before any work
    try:
        sides = [read_side(spec, session=session) for spec in (old, new)]
    except SourceError as exc:
        raise click.UsageError(str(exc)) from None
    for side in sides:
        if side.result.failed():
            click.echo(
                f"planforge: {side.label} has {side.result.errors()}"
                f" error{'s' if side.result.errors() > 1 else ''}; the comparison"
                " uses what could be read (run planforge validate on it)",
                err=True,
            )
    result = compare(sides[0].result.plan, sides[1].result.plan)  # type: ignore[arg-type]
    text = to_json(result, old, new) if fmt == "json" else to_text(result, old, new, locale)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write({output: text.encode("utf-8")}, local, False)
    tripped = [g for g in result.gates if fail_on and g in fail_on]
    if tripped:
        click.echo(
            _say("planforge: failing on {codes} (--fail-on)", codes=", ".join(tripped)), err=True
        )
    ctx.exit(EXIT_FINDINGS if tripped else EXIT_OK)


@main.command()
def schema() -> None:
    """Print the plan format's JSON Schema (draft-07).

    \b
    Point your editor at it for completion and hover help, e.g. with the first line
      # yaml-language-server: $schema=../schemas/plan.schema.json
    """
    from planforge.schema import schema_text

    click.echo(schema_text(), nl=False)


@main.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    type=click.Choice(["text", "json"]),
    show_default=True,
    help="Output format.",
)
@_lang_option
def rules(fmt: str) -> None:
    """List every check: code, severity, name and what it checks."""
    from planforge.rules import all_rules

    items = all_rules()
    lang = _lang()
    if fmt == "json":
        import json

        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "doc": r.doc,
                **({"lang": lang, "localized": r.doc_in(lang)} if lang != "en" else {}),
            }
            for r in items
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    width = max(len(r.name) for r in items)
    for r in items:
        click.echo(f"{r.code}  {r.severity.value:<7}  {r.name:<{width}}  {r.summary_in(lang)}")
    click.echo(
        "\n" + _say("Run `planforge explain CODE` for what a check means and how to fix it.")
    )


@main.command()
@click.argument("code")
@_lang_option
def explain(code: str) -> None:
    """Explain one check: what it checks, why it matters, an example fix.

    \b
    Example:
      planforge explain PF306
    """
    import difflib

    from planforge.rules import all_rules, get

    rule = get(code)
    if rule is None:
        codes = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        by_name = {r.name: r for r in all_rules()}
        if code in by_name:
            rule = by_name[code]
        else:
            close = difflib.get_close_matches(code.upper(), codes, n=1)
            raise click.UsageError(
                _say("no check called {code}; did you mean {close}?", code=code, close=close[0])
                if close
                else _say("no check called {code}; run `planforge rules` for the list", code=code)
            )
    click.echo(f"{rule.code} {rule.name} ({rule.severity.value})\n\n{rule.doc_in(_lang())}")


if __name__ == "__main__":  # pragma: no cover
    main()
