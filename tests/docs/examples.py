"""The docs' examples as Sybil parsers: console sessions run, files named in the docs written.

Three kinds of block in a page, evaluated in page order in one sandbox folder per page
(a copy of the repository's ``plans/`` and of ``docs/examples/``):

* a fenced ``console`` block is a terminal session: each ``$ command`` line runs in bash
  (``planforge`` is the one installed beside this Python) and what it prints, stderr
  then stdout as a terminal shows a short run, must be the lines that follow it;
* a fenced ``yaml`` block with ``title="PATH"`` is a file the page shows in full: it is
  written to PATH before the blocks after it run;
* ``<!-- docs-setup: shell ... -->`` (an HTML comment, so the reader does not see it) runs
  a shell script first, for the edits a page describes in words ("change 1000 to 1200").

Blocks in other languages (``sh``, ``yaml`` without a title, ``text``) are not run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

import click
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown.lexers import (
    DirectiveInHTMLCommentLexer,
    FencedCodeBlockLexer,
    RawFencedCodeBlockLexer,
)

from planforge.cli import main
from tests.conftest import ROOT

DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
TIMEOUT = 120


def sandbox(where: Path) -> Path:
    """A folder laid out as the docs assume: ``plans/`` and ``examples/``."""
    shutil.copytree(ROOT / "plans", where / "plans")
    shutil.copytree(DOCS / "examples", where / "examples")
    return where


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PLANFORGE_", "LC_", "GITHUB_")) and k not in ("CI", "LANG")
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        LANG="C.UTF-8",
        NO_COLOR="1",
        COLUMNS="100",
        SOURCE_DATE_EPOCH="1714521600",
    )
    return env


def _shell(script: str, cwd: Path) -> tuple[int, str]:
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return done.returncode, done.stdout


def run_shown(command: str, cwd: Path) -> str:
    """What ``command`` prints in ``cwd`` (stderr then stdout), as a docs session shows it."""
    return _shell(command, cwd)[1]


def run_session(example: Example) -> str | None:
    """Run each ``$ command`` of a console block; the output must be what the block shows."""
    cwd = example.namespace["cwd"]
    shown: list[str] = []
    printed: list[str] = []
    for line in str(example.parsed).splitlines(keepends=True):
        if line.startswith("$ "):
            shown.append(line)
            printed.append(line)
            _, output = _shell(line[2:], cwd)
            printed.append(output)
        else:
            shown.append(line)
    if "".join(printed) != "".join(shown):
        return (
            f"the session differs from what planforge prints\n--- shown\n{''.join(shown)}"
            f"--- printed\n{''.join(printed)}"
        )
    return None


def write_file(example: Example) -> None:
    path = example.namespace["cwd"] / example.region.lexemes["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(example.parsed), encoding="utf-8")


def run_setup(example: Example) -> str | None:
    status, output = _shell(str(example.parsed), example.namespace["cwd"])
    return f"docs-setup failed ({status}):\n{output}" if status else None


def _parser(lexer, evaluator):
    def parse(document: Document) -> Iterable[Region]:
        for region in lexer(document):
            region.parsed = region.lexemes["source"]
            region.evaluator = evaluator
            yield region

    return parse


PARSERS = [
    _parser(FencedCodeBlockLexer(language="console"), run_session),
    _parser(
        RawFencedCodeBlockLexer(
            info_pattern=re.compile(r'yaml title="(?P<path>[^"]+)"[^\n]*$\n', re.M)
        ),
        write_file,
    ),
    _parser(DirectiveInHTMLCommentLexer(directive="docs-setup", arguments="shell"), run_setup),
]

SYBIL = Sybil(parsers=PARSERS, path=str(DOCS), patterns=["*.md", "**/*.md"])


def pages() -> list[Path]:
    """Every hand-written page, both languages."""
    return sorted(DOCS.rglob("*.md"))


def examples(page: Path) -> list[Example]:
    return list(SYBIL.parse(page))


SHELL_BLOCKS = FencedCodeBlockLexer(language="sh")


def shown_commands(page: Path) -> list[tuple[int, str]]:
    """The ``planforge …`` lines of a page's ``sh`` blocks (shown, not run), with their line."""
    document = Document(page.read_text("utf-8"), str(page))
    found = []
    for region in SHELL_BLOCKS(document):
        first = document.line_column(region.start).split(",")[0]
        start = int(first.removeprefix("line "))
        for n, line in enumerate(str(region.lexemes["source"]).splitlines(), start + 1):
            line = line.split("  #")[0].split(" # ")[0].strip()
            if line.startswith("planforge "):
                found.append((n, line))
    return found


def _parse(argv: list[str]) -> None:
    """Parse ``planforge ARGV`` as the CLI would, without running the command."""
    with main.make_context("planforge", list(argv), resilient_parsing=False) as ctx:
        with warnings.catch_warnings():  # click 8 keeps the command name in protected_args
            warnings.simplefilter("ignore", DeprecationWarning)
            words = [*ctx.protected_args, *ctx.args]
        name, command, rest = main.resolve_command(ctx, words)
        command.make_context(name, rest, parent=ctx).close()


def command_problem(line: str) -> str | None:
    """Why ``planforge …`` (a line as shown) would not run, or None.

    A path that exists only on the reader's machine (``--templates branding/``) is fine.
    """
    try:
        _parse(shlex.split(line)[1:])
    except click.BadParameter as exc:
        return None if "does not exist" in exc.format_message() else exc.format_message()
    except click.UsageError as exc:
        return exc.format_message()
    return None
