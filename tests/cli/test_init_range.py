"""``init --start``: a start whose plan would leave 1970-2199 is a usage error, in both languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.check import check_file
from planforge.cli import main
from planforge.scaffold import STARTERS, start_range


def init(*args: str):
    return CliRunner().invoke(main, ["init", *args])


@pytest.mark.parametrize(
    ("start", "lang", "words"),
    [
        ("9999-12-01", "en", "choose a start from 1970-01-01 to"),
        ("9999-12-01", "zh-CN", "1970-01-01"),
        ("2199-12-01", "en", "2199-12-31"),
        ("1969-12-31", "zh-CN", "1969-12-31"),
        ("0001-01-01", "en", "0001-01-01"),
    ],
)
def test_start_outside_the_plan_range_is_a_usage_error(
    tmp_path: Path, start: str, lang: str, words: str
) -> None:
    target = tmp_path / "far.plan.yaml"
    result = init("--lang", lang, "--start", start, str(target))
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert words in result.output
    assert ("开始" in result.output) == (lang == "zh-CN")
    assert not target.exists()


@pytest.mark.parametrize("template", list(STARTERS))
def test_the_edges_of_the_start_range_validate_strictly(tmp_path: Path, template: str) -> None:
    first, last = start_range(template)
    for start in (first, last):
        target = tmp_path / f"{template}-{start}.plan.yaml"
        result = init("--template", template, "--start", start.isoformat(), str(target))
        assert result.exit_code == 0, result.output
        checked = check_file(target)
        assert checked.diagnostics == [], [d.message for d in checked.diagnostics]
    late = last + dt.timedelta(days=1)
    result = init("--template", template, "--start", late.isoformat(), str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
