"""Every console example in the docs runs, against the files it names, and prints what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.examples import DOCS, examples, pages, run_session, sandbox

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


def test_every_session_in_the_docs_is_run() -> None:
    """A ``$ command`` line outside a console block would be shown but never checked."""
    for page in pages():
        shown = [
            line.strip()
            for line in page.read_text("utf-8").splitlines()
            if line.lstrip().startswith("$ ")
        ]
        run = [
            line
            for example in examples(page)
            if example.region.evaluator is run_session
            for line in str(example.parsed).splitlines()
            if line.startswith("$ ")
        ]
        assert shown == run, f"{page.relative_to(DOCS)}: a session outside a console block"
