"""``planforge explain``: what one check means and how to fix it."""

from __future__ import annotations

import click

from planforge.cli.options import lang, lang_option, say


@click.command()
@click.argument("code")
@lang_option
def explain(code: str) -> None:
    """Explain one check: what it checks, why it matters, an example fix.

    \b
    Example:
      planforge explain PF306
    """
    import difflib

    from planforge.frontdoor import all_rules, get_rule

    rule = get_rule(code)
    if rule is None:
        known = all_rules()
        by_name = {r.name: r for r in known}
        if code in by_name:
            rule = by_name[code]
        else:
            names = [r.code for r in known] + [r.name for r in known]
            close = difflib.get_close_matches(code.upper(), names, n=1)
            raise click.UsageError(
                say("no check called {code}; did you mean {close}?", code=code, close=close[0])
                if close
                else say("no check called {code}; run `planforge rules` for the list", code=code)
            )
    click.echo(f"{rule.code} {rule.name} ({rule.severity.value})\n\n{rule.doc_in(lang())}")
