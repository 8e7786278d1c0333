"""Progress of ``planforge segment``: over the whole run, on a terminal only, never in CI."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from planforge.segment.progress import SHOW_FROM, Bar, Stage, reporting, stage, wanted
from tests.segment.conftest import CSV, PLAN

ROWS = SHOW_FROM + 10_000


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_stage_shows_once_it_passes_the_threshold_and_ends_its_line() -> None:
    out = io.StringIO()
    bar = Bar(out, "writing", 200_000)
    bar.advance(SHOW_FROM - 1)
    assert out.getvalue() == ""
    bar.advance(1)
    assert "writing [" in out.getvalue() and "25% 50,000/200,000" in out.getvalue()
    bar.finish(200_000)
    bar.close()
    assert out.getvalue().endswith("100% 200,000/200,000\x1b[K\n")


def test_a_stage_without_a_total_counts_rows() -> None:
    bar = Bar(io.StringIO(), "reading", None)
    bar.advance(1_234_567)
    assert bar.line() == "reading: 1,234,567"


def test_a_small_stage_prints_nothing() -> None:
    out = io.StringIO()
    with reporting(out), stage("reading", 10) as progress:
        progress.advance(10)
    assert out.getvalue() == ""


def test_no_reporter_no_output() -> None:
    with stage("reading") as progress:
        assert type(progress) is Stage
        progress.advance(10**6)


def test_progress_is_wanted_on_a_terminal_outside_ci() -> None:
    assert wanted(Terminal(), {})
    assert not wanted(Terminal(), {"CI": "true"})
    assert not wanted(io.StringIO(), {})


@pytest.fixture(scope="module")
def big_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plan over the example customers repeated to ROWS rows, with new keys."""
    folder = tmp_path_factory.mktemp("big")
    (folder / "data").mkdir()
    base = pl.read_csv(CSV, infer_schema=False)
    big = pl.concat([base] * (ROWS // base.height + 1)).head(ROWS)
    big = big.with_columns(("C" + pl.int_range(ROWS).cast(pl.String)).alias("客户编号"))
    big.write_csv(folder / "data" / "customers.csv")
    plan = folder / PLAN.name
    text = PLAN.read_text("utf-8").replace("  cap: 10000\n", "  cap: 100000000\n")  # gifts
    plan.write_text(text, "utf-8")
    return plan


def _command(plan: Path, formats: str) -> list[str]:
    out = str(plan.parent / "out")
    return [sys.executable, "-m", "planforge", "segment", str(plan), "-o", out, "--format", formats]


def _run_on_terminal(plan: Path, env: dict[str, str], formats: str = "csv") -> str:
    """``planforge segment`` with stderr on a pseudo-terminal; what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        _command(plan, formats),
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    seen = b"".join(chunks).decode("utf-8")
    assert proc.wait() == 0, seen
    return seen


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PLANFORGE_LANG")}
    return {**env, "LANG": "C.UTF-8", **extra}


@pytest.mark.slow
def test_a_terminal_sees_every_stage_of_a_large_run(big_plan: Path) -> None:
    seen = _run_on_terminal(big_plan, _env(), "xlsx,csv")
    assert f"reading and tiering `customers.csv`: {ROWS:,}" in seen
    assert f"checking `客户编号` for duplicates [{'#' * 24}] 100% {ROWS:,}/{ROWS:,}" in seen
    for name in ("crm-tiers-2024q2-tiers.xlsx", "crm-tiers-2024q2-tiers.csv"):
        assert f"writing `{name}` [{'#' * 24}] 100% {ROWS:,}/{ROWS:,}\x1b[K\r\n" in seen


@pytest.mark.slow
def test_progress_speaks_the_runs_language(big_plan: Path) -> None:
    seen = _run_on_terminal(big_plan, _env(PLANFORGE_LANG="zh-CN"))
    assert "读取并分层 `customers.csv`" in seen and "写入 `crm-tiers-2024q2-tiers.csv`" in seen


@pytest.mark.slow
def test_ci_logs_and_pipes_get_no_progress(big_plan: Path) -> None:
    seen = _run_on_terminal(big_plan, _env(CI="true"))
    assert "reading and tiering" not in seen and "writing" not in seen and "\r" not in seen
    piped = subprocess.run(
        _command(big_plan, "csv"),
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert piped.returncode == 0, piped.stderr
    assert "reading" not in piped.stderr and "writing" not in piped.stderr
    assert "\r" not in piped.stderr
