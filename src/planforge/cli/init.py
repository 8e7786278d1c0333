"""``planforge init``: a new plan that validates as it stands."""

from __future__ import annotations

import os
from typing import Any

import click

from planforge.cli.options import LANGUAGES, iso_date, lang_option, localized, say, session

TEMPLATES = ("reactivation", "complaint-recovery", "high-value-retention", "brand-care")


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--template",
    default="reactivation",
    show_default=True,
    type=click.Choice(TEMPLATES),
    help="Campaign type: 老客户激活, 满意度修复, 高价值客户留存, 品牌关怀.",
)
@click.option(
    "--locale",
    type=click.Choice(list(LANGUAGES)),
    help="Language of the plan's text (default: the config's `locale`, else zh-CN).",
)
@click.option(
    "--start",
    callback=iso_date,
    metavar="YYYY-MM-DD",
    help="First day of the campaign; the dates follow from it (default: next Monday).",
)
@lang_option
def init(path: str, template: str, locale: str | None, start: Any) -> None:
    """Write a new plan at PATH that validates (--strict) as it stands.

    The id comes from the file name (made unique among the repository's plans;
    a name YAML would read as a number, such as 2027春节关怀.plan.yaml, gets the
    template's name in front); the first line points your editor at the schema.
    Creates missing folders; never overwrites a file.
    Messages speak --lang, else PLANFORGE_LANG, else the new plan's locale.

    \b
    Examples:
      planforge init plans/q3-winback.plan.yaml
      planforge init --template complaint-recovery --locale en plans/recovery.plan.yaml
      planforge init --start 2025-03-03 plans/spring-care.plan.yaml --template brand-care
    """
    import datetime as dt
    import shlex

    from planforge.frontdoor import ConfigError
    from planforge.scaffold import InitError, create, next_monday

    door = session()
    begin = start or next_monday(dt.date.today())
    try:
        locale = locale or door.config(os.path.dirname(os.path.abspath(path))).locale or "zh-CN"
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    lang = door.lang_for(locale)
    try:
        made = create(path, template=template, locale=locale, start=begin)
    except InitError as exc:
        raise click.UsageError(localized(exc.args[0], lang)) from None
    click.echo(
        say(
            "wrote {path} (id `{id}`, {template}, starting {start})",
            lang,
            path=made.path,
            id=made.plan_id,
            template=template,
            start=begin.isoformat(),
        )
    )
    click.echo("\n" + say("Next steps:", lang))
    quoted = shlex.quote(made.path)
    steps = [
        say(
            "edit the lines marked TODO, the team's names, the budget and the customer count",
            lang,
        ),
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
        steps.insert(1, say("{command}   (editor completion)", lang, command=command))
    for i, step in enumerate(steps, 1):
        click.echo(f"  {i}. {step}")
