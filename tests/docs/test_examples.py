"""Every console example in the docs runs, against the files it names, and prints what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.examples import DOCS, examples, pages, sandbox

WITH_EXAMPLES = [p for p in pages() if examples(p)]


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_the_page_s_examples_print_what_they_show(page: Path, tmp_path: Path) -> None:
    cwd = sandbox(tmp_path)
    for example in examples(page):
        example.namespace["cwd"] = cwd
        try:
            example.evaluate()
        except Exception as exc:
            raise AssertionError(f"{page.relative_to(DOCS)}:{example.line}: {exc}") from exc


def test_the_examples_cover_every_page_that_shows_a_session() -> None:
    """A page with a ``$ planforge`` line outside a console block would go untested."""
    for page in pages():
        text = page.read_text("utf-8")
        sessions = text.count("```console")
        assert text.count("\n$ planforge") <= text.count("```console") * 50, page
        assert len([e for e in examples(page) if "$ " in str(e.parsed)]) == sessions, page
