"""The documentation site builds without a warning, in both languages, and leaves nothing out.

The site is built once per session with ``mkdocs build --strict`` (what ``./dev docs``
runs), into a temporary folder. A rule, a command or a schema key without documentation
in either language fails a test here, naming it.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tools.docs.reference import DESCRIPTION, LANGS, described_nodes, rule_sections, schema_keys

from planforge.cli import main
from planforge.rules import all_rules
from planforge.schema import schema
from tests.conftest import ROOT
from tests.docs.examples import DOCS, pages

#: Where each language's pages are built, under the site folder.
PREFIX = {"zh": "", "en": "en/"}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(out)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "WARNING" not in done.stderr, done.stderr
    return out


def _html(site: Path, lang: str, page: str) -> str:
    return (site / PREFIX[lang] / page / "index.html").read_text("utf-8")


def _text(page: str) -> str:
    """A page's words: no tags, entities decoded, white space squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def _plain(markdown: str) -> str:
    """Markdown's words as the page shows them (no code marks), white space squeezed."""
    return " ".join(markdown.replace("`", "").replace("**", "").split())


def test_every_page_is_written_in_both_languages() -> None:
    chinese = {p for p in pages() if not p.name.endswith(".en.md")}
    for page in chinese:
        assert page.with_name(page.name[:-3] + ".en.md").is_file(), f"{page}: no English page"
    for page in set(pages()) - chinese:
        assert page.with_name(page.name[: -len(".en.md")] + ".md").is_file(), (
            f"{page}: no Chinese page"
        )


def _nav_pages(nav: list) -> set[str]:
    found: set[str] = set()
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            found |= _nav_pages(value) if isinstance(value, list) else {value}
    return found


def test_every_page_is_in_both_languages_navigation() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    (i18n,) = [p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p]
    written = {str(p.relative_to(DOCS)) for p in pages() if not p.name.endswith(".en.md")}
    for language in i18n["languages"]:
        listed = _nav_pages(language["nav"])
        assert written | {"rules/index.md"} == listed, language["locale"]


def _nav_titles(nav: list) -> list[str]:
    titles: list[str] = []
    for item in nav:
        for title, value in item.items():
            titles += _nav_titles(value) if isinstance(value, list) else [title]
    return titles


@pytest.mark.slow
def test_every_navigation_entry_shows(site: Path) -> None:
    """The theme hides some pages (an index.md inside a section, with navigation.indexes)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    (i18n,) = [p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p]
    for language in i18n["languages"]:
        lang = "zh" if language.get("default") else language["locale"]
        page = _html(site, lang, "rules/PF001")  # a page outside the navigation
        shown = _text(page[page.index("md-nav--primary") : page.index('class="md-content"')])
        for title in _nav_titles(language["nav"]):
            assert title in shown, (language["locale"], title)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_has_its_page(site: Path, lang: str) -> None:
    index = _text(_html(site, lang, "rules"))
    for rule in all_rules():
        parts = rule_sections(rule, lang)
        assert all(parts.values()), f"{rule.code}: the {lang} doc lacks {parts}"
        page = _text(_html(site, lang, f"rules/{rule.code}"))
        assert rule.code in index, rule.code
        for section in ("summary", "what", "why"):
            assert _plain(parts[section])[:40] in page, (
                rule.code,
                lang,
                section,
            )


def test_every_rule_doc_is_translated() -> None:
    for rule in all_rules():
        zh, en = rule_sections(rule, "zh"), rule_sections(rule, "en")
        assert zh["summary"] != en["summary"], f"{rule.code} has no zh-CN doc in the catalog"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_command_is_documented(site: Path, lang: str) -> None:
    source = (DOCS / ("commands.md" if lang == "zh" else "commands.en.md")).read_text("utf-8")
    page = _text(_html(site, lang, "commands"))
    assert "Sentinel" not in page  # click's "no default" marker is no default to show
    for name, command in main.commands.items():
        assert command.help, f"`planforge {name}` has no help text"
        assert f"| `planforge {name}` |" in source, f"`planforge {name}`: no row in {lang}"
        assert f"planforge {name}" in page, name
        for option in command.params:
            for flag in option.opts:
                if flag.startswith("--"):
                    assert flag in page, f"planforge {name} {flag} ({lang})"


def test_every_schema_key_is_described_in_both_languages() -> None:
    from jsonschema import Draft7Validator

    Draft7Validator.check_schema(schema())  # x-description-zh is an annotation editors skip
    for where, node in described_nodes(schema()):
        for lang in LANGS:
            assert str(node.get(DESCRIPTION[lang], "")).strip(), f"{where}: no {lang} description"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_the_format_page_lists_every_key(site: Path, lang: str) -> None:
    page = _html(site, lang, "format")
    for path, node in schema_keys(schema()):
        key = path.rsplit(".", 1)[-1].removesuffix("[]")
        assert f"<code>{key}</code>" in page, path
        about = node.get(DESCRIPTION[lang])
        if about:
            assert _text(about.split("`")[0])[:12] in _text(page), (path, lang)


def _search(site: Path, lang: str) -> list[dict]:
    return json.loads((site / PREFIX[lang] / "search" / "search_index.json").read_text("utf-8"))[
        "docs"
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("words", "page"),
    [
        (["每周", "春节"], "calendar/"),
        (["budget-increase", "已批准"], "ci/"),
        (["PF404", "上限"], "rules/PF404/"),
        (["对照组", "holdout"], "customer-data/"),
    ],
)
def test_a_newcomer_finds_the_answer_in_chinese(site: Path, words: list[str], page: str) -> None:
    """The issue's four questions: each answer's page holds the words a planner would search."""
    entries = [d for d in _search(site, "zh") if d["location"].startswith(page)]
    assert entries, page
    text = " ".join(d["title"] + " " + d["text"] for d in entries).replace("\u200b", "")
    for word in words:
        assert word in text, (page, word)
    assert f'href="{page}' in _html(site, "zh", ""), f"the home page does not link to {page}"


@pytest.mark.slow
def test_the_language_switch_on_a_rule_page_leads_to_the_same_rule(site: Path) -> None:
    for lang, other in (("zh", "en"), ("en", "zh")):
        page = _html(site, lang, "rules/PF404")
        link = re.search(rf'href="([^"]*)" hreflang="{other}"', page).group(1)
        target = (site / PREFIX[lang] / "rules/PF404" / link / "index.html").resolve()
        assert target == (site / PREFIX[other] / "rules/PF404/index.html").resolve(), link
