"""``planforge preview``: the document in the browser, refreshed on each save."""

from __future__ import annotations

import os
import sys
import threading

import click

from planforge.cli import output as out
from planforge.cli.options import document_options, lang_option, limit_options, say, session


@click.command()
@click.argument("plan", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0: any free port).",
)
@document_options
@limit_options
@click.option(
    "--open/--no-open",
    "open_browser",
    default=None,
    help="Open the page in the web browser (default: when run in a terminal).",
)
@lang_option
def preview(
    plan: str,
    port: int,
    locale: str | None,
    templates: str | None,
    timeout: float,
    memory_limit: int,
    open_browser: bool | None,
) -> None:
    """Show PLAN's document in the browser, updated each time the file is saved.

    Serves the HTML document on 127.0.0.1 only. The page reloads by itself after
    each save of the plan or of a template; while the plan has errors it shows
    them, each at its line. Each rendering runs in a worker process, stopped at
    --timeout or --memory-limit as `render` is. Stop with Ctrl-C.

    \b
    Examples:
      planforge preview plans/reactivation-2024q2.yaml
      planforge preview plans/x.yaml --port 0 --templates branding/ --no-open
    """
    from pathlib import Path

    from planforge.preview import Preview, make_server
    from planforge.render.document import RenderOptions
    from planforge.render.limits import Limits

    out.check_epoch()
    door = session()
    options = RenderOptions(
        formats=("html",),
        locale=locale,
        templates=os.path.abspath(templates) if templates else None,
        lang=door.lang_option,
    )
    state = Preview(Path(plan).resolve(), options, Limits(timeout, memory_limit))
    lang = door.lang
    try:
        server = make_server(
            state, port, lambda line: click.echo(line.localize(lang), err=True), render=False
        )
    except OSError as exc:
        raise click.UsageError(
            say("cannot listen on 127.0.0.1:{port}: {error}", port=port, error=exc.strerror or exc)
        ) from None
    # Served from the start: a page asked for during the first rendering waits for it.
    serving = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        state.refresh()
        click.echo(
            say(
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
        while serving.is_alive():
            serving.join(0.5)
    except KeyboardInterrupt:
        click.echo(say("preview stopped"), err=True)
    finally:
        server.shutdown()
        server.server_close()
