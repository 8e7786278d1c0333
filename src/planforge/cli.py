"""The ``planforge`` command: a thin layer over the pipeline.

``validate`` runs load → check; ``export`` runs load → check → resolve → export.
Nothing here imports the rendering stack, so ``validate`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from planforge import __version__

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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


def _lang() -> str:
    """The language chosen for this run."""
    from planforge.i18n import choose

    ctx = click.get_current_context(silent=True)
    option = ctx.find_root().obj.get("lang") if ctx and ctx.find_root().obj else None
    return choose(option)


def _say(template: str, **args: Any) -> str:
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
        except KeyboardInterrupt:
            click.echo(_say("planforge: interrupted"), err=True)
            sys.exit(130)
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


def _color(choice: bool | None, stream: Any) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR") or os.environ.get("CI"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from planforge.atomic import write_text_atomic

    write_text_atomic(output, text)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "github", "sarif", "junit"]),
    help="Report format: text for people, json for tools, github for Actions annotations, "
    "sarif for code scanning, junit for CI test reports.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
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
    output: str | None,
    color: bool | None,
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
      planforge validate --fix --lang zh-CN plans/x.yaml
    """
    from planforge.check import check_file
    from planforge.discover import DiscoveryError, find_plans
    from planforge.reporters import get
    from planforge.repository import add_duplicate_ids

    debug = debug or ctx.obj.get("debug", False)
    lang = _lang()
    try:
        files = find_plans(paths or ["plans"])
    except DiscoveryError as exc:
        raise click.UsageError(_localized(exc.args[0])) from None
    results = []
    for path in files:
        try:
            result = check_file(path, debug=debug)
            if fix:
                result = _fix(path, result, lang, debug)
            results.append(result)
        except OSError as exc:
            raise click.UsageError(
                _say("{path}: cannot read: {error}", path=path, error=exc.strerror or exc)
            ) from None
    add_duplicate_ids(results)
    stream = sys.stdout if output is None else None
    colored = fmt == "text" and _color(color, stream)
    report = get(fmt)(results, strict=strict, color=colored, lang=lang)
    _emit(report, output)
    ctx.exit(EXIT_FINDINGS if any(r.failed(strict) for r in results) else EXIT_OK)


def _fix(path: str, result: Any, lang: str, debug: bool) -> Any:
    """Apply the safe fixes to ``path``, say what changed (on stderr), and check it again."""
    from planforge.check import check_file
    from planforge.fixer import fix_file
    from planforge.messages import localize

    for _ in range(3):  # a fix can make another one possible; three rounds are plenty
        fixed = fix_file(path, result.diagnostics)
        if not fixed:
            break
        for d in fixed:
            what = localize(d.fix.message, lang)
            click.echo(
                _say(
                    "{where}: fixed [{code}] {what}",
                    where=f"{path}:{d.line}:{d.col}",
                    code=d.code,
                    what=what,
                ),
                err=True,
            )
        result = check_file(path, debug=debug)
    return result


_EXPORT_FORMATS = ("json", "ics", "xlsx", "csv")  # planforge.export.FORMATS, kept import-free
_NEEDS_OUTPUT = {
    "xlsx": "writes a binary file: give -o FILE.xlsx (or -o DIR for DIR/<plan id>.xlsx)",
    "csv": "writes one file per table: give -o DIR (for DIR/<plan id>-<table>.csv)",
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
@click.option("--strict", is_flag=True, help="Refuse plans with warnings too.")
@_lang_option
@_debug_option
@click.pass_context
def export(
    ctx: click.Context, plan: str, fmt: str, output: str | None, strict: bool, debug: bool
) -> None:
    """Export the resolved plan: what you wrote plus everything planforge computes.

    json: line amounts, totals and subtotals, tier counts, KPI values and statuses,
    schedule fields, the review deadline (Decimals as strings, ISO dates). ics: an
    all-day event per task, occurrence, milestone and the review deadline, with
    stable UIDs. xlsx: timetable, budget (live formulas) and evaluation sheets.
    csv: timetable, budget, evaluation and tiers files, UTF-8 with a BOM. The same
    plan always gives the same bytes. A plan with errors is not exported: its
    diagnostics go to stderr (exit 1).

    \b
    Examples:
      planforge export plans/reactivation-2024q2.yaml > build/plan.json
      planforge export plans/reactivation-2024q2.yaml --format ics -o build/plan.ics
      planforge export plans/reactivation-2024q2.yaml --format xlsx -o build/
      planforge export plans/reactivation-2024q2.yaml --format csv -o build/csv/
    """
    from planforge.check import check_file
    from planforge.reporters import get

    debug = debug or ctx.obj.get("debug", False)
    if output is None and fmt in _NEEDS_OUTPUT:
        raise click.UsageError(f"--format {fmt} {_NEEDS_OUTPUT[fmt]}")
    if fmt == "csv" and output is not None and os.path.isfile(output):
        raise click.UsageError(f"{output} is a file; --format csv {_NEEDS_OUTPUT['csv'][:-1]}")
    if not os.path.isfile(plan):
        raise click.UsageError(_say("{path}: no such file", path=plan))
    try:
        result = check_file(plan, debug=debug)
    except OSError as exc:
        raise click.UsageError(
            _say("{path}: cannot read: {error}", path=plan, error=exc.strerror or exc)
        ) from None
    report = get("text")
    if result.failed(strict) or result.plan is None:
        color = _color(None, sys.stderr)
        click.echo(report([result], strict=strict, color=color, lang=_lang()), err=True, nl=False)
        ctx.exit(EXIT_FINDINGS)
    if result.diagnostics:
        color = _color(None, sys.stderr)
        click.echo(report([result], color=color, lang=_lang()), err=True, nl=False)
    from planforge.export import files

    made = files(result.plan, plan, fmt)
    if output is None:
        click.echo(next(iter(made.values())), nl=False)  # bytes: written as they are
        return
    from planforge.atomic import write_bytes_atomic

    into_dir = fmt == "csv" or os.path.isdir(output) or output.endswith(("/", os.sep))
    for name, data in made.items():
        target = os.path.join(output, name) if into_dir else output
        try:
            write_bytes_atomic(target, data)
        except OSError as exc:
            click.echo(
                _say(
                    "planforge: cannot write {path}: {error}",
                    path=target,
                    error=exc.strerror or exc,
                ),
                err=True,
            )
            ctx.exit(EXIT_FINDINGS)


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
    default="build",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for DIR/<plan id>.html and .pdf (created when missing).",
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
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Render this many plans in parallel.",
)
@click.option(
    "--timeout",
    default=600.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Stop rendering a plan after this many seconds (0: no limit).",
)
@click.option(
    "--memory-limit",
    default=4096,
    show_default=True,
    type=click.IntRange(0),
    help="Stop rendering a plan that needs more memory than this, in MB (0: no limit).",
)
@_debug_option
@click.pass_context
def render(
    ctx: click.Context,
    paths: Sequence[str],
    formats: tuple[str, ...],
    output: str,
    sections: tuple[str, ...],
    locale: str | None,
    templates: str | None,
    jobs: int,
    timeout: float,
    memory_limit: int,
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
    """
    from planforge.discover import DiscoveryError, find_plans
    from planforge.render.batch import render_all
    from planforge.render.document import RenderOptions
    from planforge.render.limits import Limits

    try:
        files = find_plans(paths or ["plans"])
    except DiscoveryError as exc:
        raise click.UsageError(str(exc)) from None
    options = RenderOptions(
        formats,
        output,
        sections,
        locale,
        os.path.abspath(templates) if templates else None,
        debug or ctx.obj.get("debug", False),
    )
    limits = Limits(timeout, memory_limit)
    ok = render_all(files, options, jobs, color=_color(None, sys.stderr), limits=limits)
    ctx.exit(EXIT_OK if ok else EXIT_FINDINGS)


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
    default="zh-CN",
    show_default=True,
    type=click.Choice(["zh-CN", "en"]),
    help="Language of the plan's text.",
)
@click.option(
    "--start",
    callback=_iso_date,
    metavar="YYYY-MM-DD",
    help="First day of the campaign; the dates follow from it (default: next Monday).",
)
def init(path: str, template: str, locale: str, start: Any) -> None:
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
    try:
        made = create(path, template=template, locale=locale, start=begin)
    except InitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {made.path} (id `{made.plan_id}`, {template}, starting {begin.isoformat()})")
    click.echo("\nNext steps:")
    quoted = shlex.quote(made.path)
    steps = [
        "edit the lines marked TODO, the team's names, the budget and the customer count",
        f"planforge validate {quoted} --strict",
        f"planforge render {quoted}",
    ]
    if made.schema_missing:
        rel = os.path.relpath(made.schema_missing)
        folder = os.path.dirname(rel)
        mkdir = (
            f"mkdir -p {shlex.quote(folder)} && " if folder and not os.path.isdir(folder) else ""
        )
        steps.insert(1, f"{mkdir}planforge schema > {shlex.quote(rel)}   (editor completion)")
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

    options = RenderOptions(
        formats=("html",),
        locale=locale,
        templates=os.path.abspath(templates) if templates else None,
    )
    state = Preview(Path(plan).resolve(), options)
    try:
        server = make_server(state, port, lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise click.UsageError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}"
        ) from None
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(f"previewing {plan} at {url} ({state.summary}); stop with Ctrl-C", err=True)
    if open_browser if open_browser is not None else sys.stdout.isatty():
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo("preview stopped", err=True)
    finally:
        server.server_close()


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
