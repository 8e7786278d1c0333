"""``./dev test --fast`` runs pytest with ``-m "not slow"``; the ``slow`` marker is registered.

``dev`` runs here from a copy beside a stand-in ``.venv`` whose ``python`` and ``ruff``
only record their arguments, and a ``dpkg-query`` that reports every package installed,
so nothing is installed and no test runs twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RECORD = '#!/bin/sh\nprintf "%s\\n" "$@" >> "$RECORD_TO"\nprintf -- "--\\n" >> "$RECORD_TO"\n'


def test_the_slow_marker_is_registered_with_a_description() -> None:
    table = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    options = table["ini_options"]
    markers = dict(m.split(":", 1) for m in options["markers"])
    assert "dev test --fast" in markers["slow"]
    assert "--strict-markers" in options["addopts"]  # a mistyped marker fails collection


def _dev(tmp_path: Path, *args: str) -> list[str]:
    """The arguments ``dev`` passes to pytest, run from a copy with a stand-in .venv."""
    root = tmp_path / "repo"
    (root / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "bin").mkdir()
    shutil.copy(ROOT / "dev", root / "dev")
    (root / "pyproject.toml").write_text("", "utf-8")
    for tool in (root / ".venv/bin/python", root / ".venv/bin/ruff"):
        tool.write_text(RECORD, "utf-8")
        tool.chmod(0o755)
    dpkg = tmp_path / "bin" / "dpkg-query"
    dpkg.write_text("#!/bin/sh\nprintf 'install ok installed'\n", "utf-8")
    dpkg.chmod(0o755)
    stamp = root / ".venv" / ".planforge-installed"
    stamp.touch()
    later = (root / "pyproject.toml").stat().st_mtime + 10
    os.utime(stamp, (later, later))  # set up already: no pip
    record = tmp_path / "record"
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", str(root / "dev"), "test", *args],
        env={**env, "RECORD_TO": str(record)},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls = record.read_text("utf-8").split("--\n")[:-1]
    pytest_calls = [c.splitlines() for c in calls if c.startswith("-m\npytest\n")]
    assert len(pytest_calls) == 1, calls
    return pytest_calls[0][2:]


def test_dev_test_fast_deselects_the_slow_tests(tmp_path: Path) -> None:
    assert _dev(tmp_path, "--fast", "-k", "render") == ["-m", "not slow", "-k", "render"]


def test_dev_test_runs_everything(tmp_path: Path) -> None:
    assert _dev(tmp_path, "-x") == ["-x"]
    assert _dev(tmp_path / "again") == []


def test_not_slow_leaves_out_the_marked_tests() -> None:
    collect = ("--collect-only", "-q", "-p", "no:cacheprovider", "-m", "not slow")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *collect, "tests/fuzz/test_fuzz.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    fast = [line.split("::")[1] for line in done.splitlines() if "::" in line]
    assert "test_a_short_seeded_campaign_finds_nothing" not in fast  # marked slow
    assert "test_the_engine_stops_a_hang" in fast  # not marked
    assert "(1 deselected)" in done
