"""Render limits: a slow or memory-hungry plan is stopped with a located error, and the
rest of the batch still renders."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE


def big_plan(n: int) -> str:
    """The example plan with ``n`` extra tasks in the execution phase."""
    text = EXAMPLE.read_text("utf-8")
    extra = "".join(
        f"  - {{id: extra-{i}, phase: run, name: 回访{i}, owner: cs,"
        f" start: 2024-05-11, end: 2024-05-20, deliverable: 记录}}\n"
        for i in range(n)
    )
    return text.replace("\nbudget:\n", "\n" + extra + "\nbudget:\n", 1)


def render(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planforge", "render", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        check=False,
        env={**os.environ, "CI": "true", "NO_COLOR": "1"},
    )


def test_a_slow_plan_stops_at_the_time_limit(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "big.yaml").write_text(big_plan(4000).replace("reactivation-2024q2", "big"), "utf-8")
    (plans / "ok.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    # 4,000 tasks take well over 20 s to print on an idle machine (2,000 no longer did once
    # rendering got faster); the example takes about one
    # second, so it finishes within the limit even on a machine busy enough to slow it
    # down ten times (a full test suite beside a benchmark, on two shared cores).
    result = render(str(plans), "-o", "out", "--timeout", "20", "-j", "2", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert re.search(
        r"big\.yaml:\d+:1: error\[PF801\] rendering took longer than the 20 s limit",
        result.stderr,
    ), result.stderr
    assert "the plan has 4,006 tasks" in result.stderr
    assert "Traceback" not in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["reactivation-2024q2.html", "reactivation-2024q2.pdf"]  # the batch went on


def test_a_plan_over_the_memory_limit_is_stopped(tmp_path: Path) -> None:
    # 50 MB is less than the worker already maps (Python, Pango, HarfBuzz, the fonts).
    result = render(str(EXAMPLE), "-o", "out", "--memory-limit", "50", cwd=tmp_path)
    assert result.returncode == 1
    assert "error[PF802]" in result.stderr and "50 MB memory limit" in result.stderr
    assert f"{EXAMPLE}:1:1:" in result.stderr  # located at the plan (a small one: no task blame)
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_limits_can_be_lifted(tmp_path: Path) -> None:
    result = render(
        str(EXAMPLE),
        "-o",
        "out",
        "--format",
        "html",
        "--timeout",
        "0",
        "--memory-limit",
        "0",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "reactivation-2024q2.html").exists()


def test_a_crash_in_a_worker_is_reported_without_a_traceback(tmp_path: Path) -> None:
    script = (
        "import planforge.render.view as view\n"
        "def boom(*a, **k):\n    raise RuntimeError('kaboom')\n"
        "view.build = boom\n"
        "from planforge.cli import main\nmain()\n"
    )
    args = [sys.executable, "-c", script, "render", str(EXAMPLE), "-o", str(tmp_path / "out")]
    plain = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    assert plain.returncode == 1
    assert "RuntimeError: kaboom" in plain.stderr and "this is a bug" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = subprocess.run(
        [*args, "--debug"], capture_output=True, text=True, check=False, timeout=120
    )
    assert "Traceback" in debug.stderr
