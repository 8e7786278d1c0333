"""Render limits: a slow or memory-hungry plan is stopped with a located error, and the
rest of the batch still renders.

A slow plan is made slow by a company template that never finishes for it (a loop
of 10^10 steps, which Jinja's sandbox allows), not by its size: the tests then hold
however fast a machine prints, and a small time limit keeps them short."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from tests.conftest import EXAMPLE

#: A template that renders a plan with the id ``slow`` forever and any other at once.
BLOCKING_TEMPLATE = (
    '{% if plan.id == "slow" %}'
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    "{% endif %}<!doctype html><title>{{ title }}</title>\n"
)


def big_plan(n: int) -> str:
    """The example plan with ``n`` extra tasks in the execution phase."""
    text = EXAMPLE.read_text("utf-8")
    extra = "".join(
        f"  - {{id: extra-{i}, phase: run, name: 回访{i}, owner: cs,"
        f" start: 2024-05-11, end: 2024-05-20, deliverable: 记录}}\n"
        for i in range(n)
    )
    return text.replace("\nbudget:\n", "\n" + extra + "\nbudget:\n", 1)


def render(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planforge", "render", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
        env={**os.environ, "CI": "true", "NO_COLOR": "1", **(env or {})},
    )


def processes_with(marker: str) -> list[int]:
    """The running processes whose environment holds ``marker`` (a forked worker's does)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or another user's
                pass
    return found


def slow_setup(tmp_path: Path, tasks: int = 0) -> Path:
    """A plans folder holding the plan ``slow`` (with ``tasks`` extra tasks), and the
    blocking template in ``tmp_path/brand``."""
    plans = tmp_path / "plans"
    plans.mkdir()
    text = big_plan(tasks) if tasks else EXAMPLE.read_text("utf-8")
    (plans / "slow.yaml").write_text(text.replace("reactivation-2024q2", "slow"), "utf-8")
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "plan.html.j2").write_text(BLOCKING_TEMPLATE, "utf-8")
    return plans


def test_a_slow_plan_stops_at_the_time_limit(tmp_path: Path) -> None:
    plans = slow_setup(tmp_path, tasks=200)  # 206 tasks: the error blames the task list
    slow = plans / "slow.yaml"
    tasks_line = slow.read_text("utf-8").splitlines().index("tasks:") + 1
    marker = f"PLANFORGE_TEST_WORKER={uuid.uuid4().hex}"
    name, value = marker.split("=")
    result = render(
        str(slow),
        *("-o", "out", "--templates", "brand", "--timeout", "0.2"),
        cwd=tmp_path,
        env={name: value},
        timeout=120,  # the template never ends: only the limit stops it
    )
    assert result.returncode == 1, result.stderr
    assert (
        f"plans/slow.yaml:{tasks_line}:1: error[PF801] rendering took longer than the 0.2 s"
        " limit (--timeout); the plan has 206 tasks: consider splitting it"
    ) in result.stderr, result.stderr
    assert "--timeout 1800" in result.stderr  # the fix: raise the limit
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []  # no document, no staging file
    assert processes_with(marker) == []  # the worker was stopped, not left running


def test_the_batch_goes_on_past_a_stopped_plan(tmp_path: Path) -> None:
    plans = slow_setup(tmp_path)
    (plans / "ok.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    # The example's HTML takes about 0.1 s in its worker: 1 s leaves it room on a busy
    # machine, and the slow plan (which never finishes) is stopped whatever the speed.
    result = render(
        str(plans),
        *("-o", "out", "--templates", "brand", "--format", "html", "--timeout", "1", "-j", "2"),
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert re.search(
        r"plans/slow\.yaml:1:1: error\[PF801\] rendering took longer than the 1 s limit",
        result.stderr,
    ), result.stderr
    assert "Traceback" not in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["reactivation-2024q2.html"]  # the batch went on


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
