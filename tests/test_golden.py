"""Golden files (hledger-style): the exact output for a broken plan in every format,
and the exact export of the plans in plans/. Rewrite with ``pytest --update-golden``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge import __version__
from planforge.cli import main
from tests.conftest import PLANS, ROOT

GOLDEN = Path(__file__).parent / "golden"
BROKEN = "tests/golden/broken-plan.yaml"
FORMATS = {
    "text": "txt",
    "json": "json",
    "github": "github.txt",
    "sarif": "sarif.json",
    "junit": "junit.xml",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _stable(text: str) -> str:
    return text.replace(__version__, "VERSION")


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_broken_plan(fmt: str, golden) -> None:
    result = run("validate", "--format", fmt, "--no-color", BROKEN)
    assert result.exit_code == 1
    golden(GOLDEN / f"broken-plan.{FORMATS[fmt]}", _stable(result.output))


@pytest.mark.parametrize("plan", sorted(p.name for p in PLANS.glob("*.yaml")))
def test_export(plan: str, golden) -> None:
    result = run("export", f"plans/{plan}")
    assert result.exit_code == 0
    json.loads(result.output)
    golden(GOLDEN / f"{Path(plan).stem}.export.json", _stable(result.output))
