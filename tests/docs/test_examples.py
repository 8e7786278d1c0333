"""Every console example in the docs runs, against the files it names, and prints what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.examples import (
    DOCS,
    command_problem,
    examples,
    pages,
    run_session,
    sandbox,
    shown_commands,
)

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


def test_every_command_the_docs_show_is_one_planforge_accepts() -> None:
    """``sh`` blocks show commands without output: each must still parse (options, choices)."""
    shown = [(page, n, line) for page in pages() for n, line in shown_commands(page)]
    assert len(shown) > 20
    for page, n, line in shown:
        problem = command_problem(line)
        assert problem is None, f"{page.relative_to(DOCS)}:{n}: {line}: {problem}"
