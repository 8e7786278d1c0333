"""``planforge schema``: the plan format's JSON Schema."""

from __future__ import annotations

import click


@click.command()
def schema() -> None:
    """Print the plan format's JSON Schema (draft-07).

    \b
    Point your editor at it for completion and hover help, e.g. with the first line
      # yaml-language-server: $schema=../schemas/plan.schema.json
    """
    from planforge.resources import schema_text

    click.echo(schema_text(), nl=False)
