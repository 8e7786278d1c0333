"""A plain (non-editable) install ships the schema: build the wheel, install it, run it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (whl,) = out.glob("planforge-*.whl")
    return whl


def test_wheel_contains_schema_and_code(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "planforge/schemas/plan.schema.json" in names
    assert (
        "planforge/cli/__init__.py" in names
        and "planforge/frontdoor.py" in names
        and "planforge/rules/dates.py" in names
    )
    for starter in ("reactivation", "complaint-recovery", "high-value-retention", "brand-care"):
        assert f"planforge/scaffold/starters/{starter}.yaml" in names
    assert not any(n.startswith(("tests/", "plans/")) for n in names)
    assert "planforge/locale/zh_CN/LC_MESSAGES/planforge.mo" in names  # compiled catalog


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    where = subprocess.run(
        [sys.executable, "-c", "import planforge.schema as s; print(s.schema_path())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "planforge", "validate", str(EXAMPLE)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = subprocess.run(
        [sys.executable, "-m", "planforge", "init", "--start", "2025-03-03", "new.plan.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "planforge", "validate", "--strict", "new.plan.yaml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_wheel_ships_only_what_users_run(wheel: Path) -> None:
    """The package, its data and py.typed; no maintainer tools, catalog sources or notes."""
    names = zipfile.ZipFile(wheel).namelist()
    assert "planforge/py.typed" in names
    package = [n for n in names if not n.startswith("planforge-0")]
    assert all(n.startswith("planforge/") for n in package), package
    data = {Path(n).suffix for n in package if not n.endswith(".py")}
    assert data == {".typed", ".mo", ".json", ".yaml", ".j2", ".css"}, data
    assert not any("i18n_build" in n for n in names)
