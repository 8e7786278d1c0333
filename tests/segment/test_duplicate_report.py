"""PF507 stays small however often a key repeats: the first rows and a count."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from planforge.cli import main
from planforge.segment.plan import DUPLICATE_ROWS_SHOWN, DUPLICATES_SHOWN
from tests.segment.conftest import PLAN

COPIES = 200_000


def test_one_key_on_200k_rows_gives_a_short_message(workdir: Path) -> None:
    data = workdir / "data" / "customers.csv"
    lines = data.read_text("utf-8").splitlines()
    body = "\n".join([*lines, *[lines[3]] * COPIES]) + "\n"  # C1003 again, 200k times
    data.write_text(body, "utf-8")
    result = CliRunner().invoke(
        main, ["validate", "--data", "--lang", "en", str(workdir / PLAN.name)]
    )
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "error[PF507]" in x)
    first = len(lines) + 1  # the first copy's row (the header is row 1)
    assert f"`C1003` on {COPIES + 1:,} rows (4, {first}, {first + 1}, {first + 2}, " in line
    assert len(line) < 400, len(line)
    assert len(result.output) < 4_000


def test_many_repeated_keys_are_counted_not_listed(workdir: Path) -> None:
    data = workdir / "data" / "customers.csv"
    lines = data.read_text("utf-8").splitlines()
    data.write_text("\n".join([*lines, *lines[1:], *lines[1:]]) + "\n", "utf-8")  # all thrice
    result = CliRunner().invoke(
        main, ["validate", "--data", "--lang", "zh-CN", str(workdir / PLAN.name)]
    )
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "error[PF507]" in x)
    customers = len(lines) - 1
    assert line.count("`C") == DUPLICATES_SHOWN
    assert f"{customers - DUPLICATES_SHOWN}" in line
    assert DUPLICATE_ROWS_SHOWN >= 3 and "`C1001`（第 2, 40, 78 行）" in line
