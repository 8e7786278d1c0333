"""mkdocs hooks: the parts of the site made at build time, so they cannot drift.

* One page per rule, and the rules index, from the rule registry (``rules/PFxxx.md``,
  ``rules/index.md``). The i18n plugin builds the site once per language; these pages
  are added after it has sorted the files, in the language being built.
* The plan-format page's tables, from the JSON Schema: a page holding the line
  ``<!-- planforge:schema-reference -->`` gets them in its place, in its language.

See :mod:`tools.docs.reference` for what the pages say.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from planforge.rules import all_rules
from planforge.schema import schema
from tools.docs.reference import LANGS, rule_page, rules_index, schema_reference

MARKER = "<!-- planforge:schema-reference -->"


def building(config: Any) -> str:
    """The language of the build in progress (``zh`` or ``en``)."""
    lang = config.plugins["i18n"].current_language
    assert lang in LANGS, lang
    return lang


@event_priority(-110)  # after the i18n plugin (-100) has picked this language's pages
def on_files(files: Files, config: Any) -> Files:
    lang = building(config)
    files.append(File.generated(config, "rules/index.md", content=rules_index(lang)))
    for rule in all_rules():
        files.append(File.generated(config, f"rules/{rule.code}.md", content=rule_page(rule, lang)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, **_kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, schema_reference(schema(), building(config)))
