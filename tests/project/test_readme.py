"""The README is short and true: one line per command, links that resolve, an excerpt
that is what planforge prints. The full reference is the documentation site (docs/,
checked by tests/docs/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from planforge.cli import main
from tests.conftest import ROOT
from tests.docs.examples import command_problem, run_shown, shown_commands

README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")


def test_the_readme_is_short() -> None:
    assert len(README.splitlines()) <= 200


def test_every_command_has_its_line() -> None:
    for name in main.commands:
        assert re.search(rf"^\| [^|]*`planforge {name}\b", README, re.M), name


def test_every_link_and_picture_resolves() -> None:
    targets = re.findall(r"\]\(([^)\s]+)\)", README) + re.findall(r'src="([^"]+)"', README)
    local = [t.split("#")[0] for t in targets if not t.startswith(("http://", "https://", "#"))]
    assert len(local) > 20
    for target in local:
        assert (ROOT / target).exists(), target


def test_every_command_it_shows_runs() -> None:
    shown = shown_commands(README_PATH)
    assert len(shown) >= 3
    for n, line in shown:
        assert command_problem(line) is None, f"README.md:{n}: {line}: {command_problem(line)}"


def test_the_excerpt_is_what_planforge_prints(tmp_path: Path) -> None:
    block = re.search(r"and validate again:\n\n```text\n(.*?)```", README, re.S).group(1)
    command, *shown = block.splitlines()
    assert shown[-1] == "..."
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    plan = tmp_path / "plans" / "reactivation-2024q2.yaml"
    text = plan.read_text("utf-8")
    changed = text.replace(
        "unit_price: 50\n      amount: 1000\n", "unit_price: 50\n      amount: 1200\n", 1
    )
    assert changed != text
    plan.write_text(changed, "utf-8")
    printed = run_shown(command.removeprefix("$ "), tmp_path).splitlines()
    assert printed[: len(shown) - 1] == shown[:-1]
