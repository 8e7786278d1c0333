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

GOLDEN = Path(__file__).parents[1] / "golden"
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


def test_validate_broken_plan_in_chinese(golden) -> None:
    result = run("validate", "--lang", "zh-CN", "--no-color", BROKEN)
    assert result.exit_code == 1
    golden(GOLDEN / "broken-plan.zh-CN.txt", _stable(result.output))


@pytest.mark.parametrize("plan", sorted(p.name for p in PLANS.glob("*.yaml")))
def test_export(plan: str, golden) -> None:
    result = run("export", f"plans/{plan}")
    assert result.exit_code == 0
    json.loads(result.output)
    golden(GOLDEN / f"{Path(plan).stem}.export.json", _stable(result.output))


#: Plans whose CSV and ICS exports are golden: the examples and two scheduled plans.
EXPORTED = sorted(
    [f"plans/{p.name}" for p in PLANS.glob("*.yaml")]
    + [f"tests/export-plans/{p.name}" for p in (ROOT / "tests" / "export-plans").glob("*.yaml")]
    + ["tests/scheduling/china-2024q2.yaml"]
)


@pytest.mark.parametrize("plan", EXPORTED)
def test_export_csv(plan: str, golden, tmp_path: Path) -> None:
    result = run("export", plan, "--format", "csv", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    plan_id = names[0].rsplit("-", 1)[0]  # <plan id>-budget.csv comes first
    assert names == [
        f"{plan_id}-{t}.csv" for t in ("budget", "evaluation", "tier-needs", "timetable")
    ]
    for name in names:
        golden(GOLDEN / name, (tmp_path / name).read_bytes().decode("utf-8"))


@pytest.mark.parametrize("plan", EXPORTED)
def test_export_ics(plan: str, golden) -> None:
    result = run("export", plan, "--format", "ics")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.count(b"\r\n") == result.stdout_bytes.count(b"\n")
    golden(GOLDEN / f"{Path(plan).stem}.ics", _stable(result.stdout_bytes.decode("utf-8")))
