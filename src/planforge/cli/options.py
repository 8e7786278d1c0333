"""What every command shares: exit codes, the common options, the run's language and
front door, and how a command says something to the planner.

Every message a command prints goes through :func:`say` (the extraction keyword for
the catalogs), in the run's language: ``--lang``, then ``PLANFORGE_LANG``, then the
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``); once a plan is open, messages
about it speak the plan's language instead (``result.lang``, see
:mod:`planforge.frontdoor`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from planforge.check import Result
    from planforge.frontdoor import Session

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: What `diff --fail-on` gates on (planforge.diff.compare.GATES, kept here so `--help`
#: does not import the diff stage; a test keeps them equal).
GATES = ("budget-increase", "over-cap", "date-slip", "target-lowered", "scope-change")
#: The languages of messages and documents.
LANGUAGES = ("zh-CN", "en")

LANG_HELP = (
    "Language of the messages: zh-CN or en (default: PLANFORGE_LANG, then the plan's own "
    "locale, then LC_ALL, LC_MESSAGES, LANG, then English)."
)


class Fatal(click.ClickException):
    """planforge cannot go on: an output that cannot be written, a bad environment (exit 2)."""

    exit_code = EXIT_USAGE


def debug_option(func: F) -> F:
    return click.option(
        "--debug", is_flag=True, help="Show Python tracebacks (for reporting bugs)."
    )(func)


def _remember_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.ensure_object(dict)
        ctx.find_root().ensure_object(dict)
        ctx.find_root().obj["lang"] = value
    return value


def lang_option(func: F) -> F:
    """``--lang``: the language of messages (see :data:`LANG_HELP`)."""
    return click.option(
        "--lang",
        type=click.Choice(list(LANGUAGES), case_sensitive=False),
        callback=_remember_lang,
        expose_value=False,
        is_eager=True,
        help=LANG_HELP,
    )(func)


def follow_option(func: F) -> F:
    return click.option(
        "--follow-symlinks",
        is_flag=True,
        help="When an output path is a symbolic link, write to the file it points to "
        "(by default planforge refuses).",
    )(func)


def document_options(func: F) -> F:
    """``--locale`` and ``--templates``, shared by the commands that make the document."""
    func = click.option(
        "--templates",
        type=click.Path(exists=True, file_okay=False),
        help="A folder whose templates or plan.css/brand.css override the built-in ones.",
    )(func)
    return click.option(
        "--locale",
        type=click.Choice(list(LANGUAGES)),
        help="Show the document in this language instead of the plan's.",
    )(func)


def limit_options(func: F) -> F:
    """``--timeout`` and ``--memory-limit``: the limits of one rendering (render, preview)."""
    func = click.option(
        "--memory-limit",
        default=4096,
        show_default=True,
        type=click.IntRange(0, MAX_MEMORY_MB),
        help="Stop rendering a plan that needs more memory than this, in MB (0: no limit).",
    )(func)
    return click.option(
        "--timeout",
        default=600.0,
        show_default=True,
        type=Seconds(),
        help=f"Stop rendering a plan after this many seconds, at most {MAX_TIMEOUT:,}"
        " (0: no limit).",
    )(func)


#: ``-j`` by default: one process per CPU, no more than this (memory).
MAX_AUTO_JOBS = 4


def cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count), at most
    :data:`MAX_AUTO_JOBS`: what ``-j`` is by default."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    return max(1, min(count, MAX_AUTO_JOBS))


def jobs_option(what: str) -> Callable[[F], F]:
    """``-j/--jobs N``: ``what`` (a sentence's start, e.g. "Render this many plans in
    parallel"), by default one process per CPU (:func:`cpus`)."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        help=f"{what} (default: one per CPU, at most {MAX_AUTO_JOBS}).",
    )


def lang_given() -> str | None:
    """``--lang`` as given on the command line (None: not given)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return root.obj.get("lang") if root is not None and root.obj else None


def debugging() -> bool:
    """``--debug`` given to ``planforge`` itself."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root is not None and root.obj and root.obj.get("debug"))


def session(read_data: bool = True, debug: bool = False) -> Session:
    """The front door for this run (:class:`planforge.frontdoor.Session`)."""
    from planforge.frontdoor import Session

    return Session(lang_option=lang_given(), read_data=read_data, debug=debug or debugging())


def cannot_read(path: str, exc: OSError) -> click.UsageError:
    """The usage error for a plan file that cannot be read at all."""
    return click.UsageError(
        say("{path}: cannot read: {error}", path=path, error=exc.strerror or exc)
    )


def open_plan(door: Session, path: str, *, source: str | None = None) -> Result:
    """``door.open``, with a file that cannot be read a usage error (exit 2)."""
    try:
        return door.open(path, source=source)
    except OSError as exc:
        raise cannot_read(path, exc) from None


def lang() -> str:
    """The run's language before any plan speaks."""
    from planforge.i18n import choose

    return choose(lang_given())


def say(template: str, /, lang_: str | None = None, **args: Any) -> str:
    """A CLI message in ``lang_`` (default: the run's language)."""
    from planforge.messages import Message

    return Message(template, **args).localize(lang_ or lang())


def localized(text: Any, lang_: str | None = None) -> str:
    """``text`` (a message from the pipeline) in ``lang_`` (default: the run's language)."""
    from planforge.messages import localize

    return localize(text, lang_ or lang())


def N_(template: str) -> str:
    """Marks a message template for the catalog where it is written, not where it is shown."""
    return template


def codes(text: str) -> tuple[str, ...]:
    """``PF3,pf401`` -> ``("PF3", "PF401")``."""
    return tuple(c.strip().upper() for c in text.split(",") if c.strip())


def choices(
    allowed: tuple[str, ...], what: str
) -> Callable[[click.Context, click.Parameter, str], tuple[str, ...]]:
    """A callback for a comma-separated option whose items are among ``allowed``."""

    def parse(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        bad = [v for v in items if v not in allowed]
        if bad or not items:
            raise click.BadParameter(
                f"{', '.join(bad) or 'nothing'} is not a {what}; choose from {', '.join(allowed)}"
            )
        return tuple(v for v in allowed if v in items)

    return parse


def iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """A ``YYYY-MM-DD`` option as a date."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            say("{value} is not a date written YYYY-MM-DD", value=value)
        ) from None


def as_of_option(help_text: str) -> Callable[[F], F]:
    """``--as-of YYYY-MM-DD``: the day outcome rows are counted up to (default: today)."""
    return click.option("--as-of", "as_of", callback=iso_date, metavar="YYYY-MM-DD", help=help_text)


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
                say("{value} is not a number of seconds (0 means no limit)", value=repr(value)),
                param,
                ctx,
            )
        return seconds
