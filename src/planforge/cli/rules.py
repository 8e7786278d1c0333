"""``planforge rules``: every check, one line each."""

from __future__ import annotations

import click

from planforge.cli.options import lang, lang_option, say


@click.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    type=click.Choice(["text", "json"]),
    show_default=True,
    help="Output format.",
)
@lang_option
def rules(fmt: str) -> None:
    """List every check: code, severity, name and what it checks."""
    from planforge.frontdoor import all_rules

    items = all_rules()
    speak = lang()
    if fmt == "json":
        import json

        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "summary": r.summary,
                "doc": r.doc,
                **({"lang": speak, "localized": r.doc_in(speak)} if speak != "en" else {}),
            }
            for r in items
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    width = max(len(r.name) for r in items)
    for r in items:
        click.echo(f"{r.code}  {r.severity.value:<7}  {r.name:<{width}}  {r.summary_in(speak)}")
    click.echo("\n" + say("Run `planforge explain CODE` for what a check means and how to fix it."))
