"""mkdocs hooks: the parts of the site made at build time, so they cannot drift.

* One page per rule, and the rules index, from the rule registry (``rules/PFxxx.md``,
  ``rules/index.md``). The i18n plugin builds the site once per language; these pages
  are added after it has sorted the files, in the language being built.
* The plan-format page's tables, from the JSON Schema: a page holding the line
  ``<!-- planforge:schema-reference -->`` gets them in its place, in its language.
* The command reference comes from the click commands through mkdocs-click
  (``::: mkdocs-click`` in docs/commands*.md); a hook below tidies its tables.

See :mod:`tools.docs.reference` for what the pages say.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from planforge.rules import all_rules
from planforge.schema import schema
from tools.docs.reference import LANGS, rule_page, rules_index, schema_reference

MARKER = "<!-- planforge:schema-reference -->"
DEFAULT = LANGS[0]


def building(config: Any) -> str:
    """The language of the build in progress (``zh`` or ``en``)."""
    lang = config.plugins["i18n"].current_language
    assert lang in LANGS, lang
    return lang


def _generated(
    config: Any, src_uri: str, content: str, lang: str, inclusion: InclusionLevel
) -> File:
    """A page made here, placed where the i18n plugin places that language's pages."""
    file = File.generated(config, src_uri, content=content, inclusion=inclusion)
    url = file.url  # where the default language has it
    if lang != DEFAULT:
        file.dest_uri = f"{lang}/{file.dest_uri}"
        file.url = f"{lang}/{url}"
    # What the i18n plugin records on the files it sorted: the language switcher links
    # each language's version of this page (made in that language's build).
    file.alternates = {
        other: SimpleNamespace(url=url if other == DEFAULT else f"{other}/{url}") for other in LANGS
    }
    file.locale = file.locale_alternate_of = lang
    file.localization = None if lang == DEFAULT else lang
    file.norm_src_uri = src_uri
    return file


@event_priority(-110)  # after the i18n plugin (-100) has picked this language's pages
def on_files(files: Files, config: Any) -> Files:
    lang = building(config)
    index = rules_index(lang)
    files.append(_generated(config, "rules/index.md", index, lang, InclusionLevel.INCLUDED))
    for rule in all_rules():
        page = rule_page(rule, lang)  # reached from the index and search, not the navigation
        files.append(
            _generated(config, f"rules/{rule.code}.md", page, lang, InclusionLevel.NOT_IN_NAV)
        )
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, **_kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, schema_reference(schema(), building(config)))


def on_page_content(html: str, **_kwargs: Any) -> str:
    """mkdocs-click 0.9 prints click 8.3's "no default" sentinel as a default: show none."""
    return html.replace("<td><code>Sentinel.UNSET</code></td>", "<td></td>")
