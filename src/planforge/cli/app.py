"""The ``planforge`` group: its options, its error handling, and its commands."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from planforge import __version__, signals
from planforge.cli.diff import diff
from planforge.cli.evaluate import evaluate
from planforge.cli.explain import explain
from planforge.cli.export import export
from planforge.cli.init import init
from planforge.cli.options import EXIT_FINDINGS, EXIT_USAGE, debug_option, lang_option, say
from planforge.cli.preview import preview
from planforge.cli.render import render
from planforge.cli.rules import rules
from planforge.cli.schema import schema
from planforge.cli.segment import segment
from planforge.cli.validate import validate


class Group(click.Group):
    """Turns unexpected exceptions into one readable line (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (KeyboardInterrupt, signals.Stopped) as exc:
            what = (
                say("planforge: interrupted")
                if isinstance(exc, KeyboardInterrupt)
                else say("planforge: stopped by {signal}", signal=exc)
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
                say(
                    "planforge: internal error: {error}\nThis is a bug in planforge. Rerun with"
                    " --debug and report the traceback.",
                    error=f"{type(exc).__name__}: {exc}",
                ),
                err=True,
            )
            sys.exit(EXIT_USAGE)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="planforge")
@lang_option
@debug_option
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

    \b
    Every command reads each plan's customer data (segmentation.source) where the
    plan names one; `validate --no-data` reads only its header. Messages speak
    --lang, else PLANFORGE_LANG, else the plan's own locale, else LC_ALL,
    LC_MESSAGES or LANG, else English.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    signals.install()


# `planforge --help` lists them by name.
for command in (
    validate,
    export,
    render,
    init,
    preview,
    segment,
    evaluate,
    diff,
    schema,
    rules,
    explain,
):
    main.add_command(command)
