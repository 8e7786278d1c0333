"""Issue 17.1: a plan's customer data stays inside the plan's folder.

The attack: a plan under review (a pull request) names, as its segmentation source,
a file outside its folder: through a committed symlink to ``/proc/self/environ``, an
absolute path or ``../``. Plain ``validate`` must refuse to read it, and no report
format may carry what that file holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLANS, ROOT

SECRET = "s3cr3t-token-9f1c2e"
PLAN = (PLANS / "crm-tiers-2024q2.yaml").read_text("utf-8")


def _plan(folder: Path, name: str, source: str) -> None:
    text = PLAN.replace("source: data/customers.csv", f"source: {source!r}")
    (folder / name).write_text(text, "utf-8")


@pytest.fixture
def attack(tmp_path: Path) -> Path:
    """A folder of plans, each reaching for a file outside the folder."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    outside = tmp_path / "outside.csv"
    outside.write_text(f"客户编号,客户名称,SECRET_TOKEN={SECRET}\nC1,x,1\n", "utf-8")
    os.symlink("/proc/self/environ", repo / "data" / "environ.csv")
    os.symlink(outside, repo / "data" / "linked.csv")
    _plan(repo, "environ.yaml", "data/environ.csv")
    _plan(repo, "linked.yaml", "data/linked.csv")
    _plan(repo, "absolute.yaml", str(outside))
    _plan(repo, "dotdot.yaml", "../outside.csv")
    return repo


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_source_outside_the_plans_folder_is_refused_and_nothing_leaks(
    attack: Path, fmt: str
) -> None:
    env = {**os.environ, "SECRET_TOKEN": SECRET, "NO_COLOR": "1", "PLANFORGE_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "planforge", "validate", "--format", fmt, str(attack)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    out = done.stdout + done.stderr
    assert SECRET not in out
    assert "SECRET_TOKEN" not in out
    assert done.returncode == 1, out
    assert out.count("is outside the plan's folder") == 4, out


def test_a_symlink_that_stays_inside_the_folder_is_read(tmp_path: Path) -> None:
    from planforge.check import check_file

    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "customers.csv").write_bytes(
        (PLANS / "data" / "customers.csv").read_bytes()
    )
    (tmp_path / "data").mkdir()
    os.symlink("../exports/customers.csv", tmp_path / "data" / "customers.csv")
    _plan(tmp_path, "plan.yaml", "data/customers.csv")
    result = check_file(tmp_path / "plan.yaml")
    assert [d for d in result.diagnostics if d.code.startswith("PF50")] == []
    assert result.plan is not None and result.plan.segmentation.columns[0] == "客户编号"


def test_a_long_or_control_header_is_never_echoed_whole(tmp_path: Path) -> None:
    from planforge.check import check_file

    (tmp_path / "data").mkdir()
    long = "A" * 500
    (tmp_path / "data" / "customers.csv").write_text(
        f"客户编号,客户名称,{long},x\x1b[31my\nC1,n,1,2\n", "utf-8"
    )
    _plan(tmp_path, "plan.yaml", "data/customers.csv")
    result = check_file(tmp_path / "plan.yaml")
    messages = [d.message for d in result.diagnostics if d.code in ("PF505", "PF506")]
    assert messages, result.diagnostics
    for m in messages:
        assert long not in m and "\x1b" not in m
        assert len(m) < 800


def test_a_source_the_user_names_on_the_command_line_may_lie_anywhere(tmp_path: Path) -> None:
    from planforge.check import check_document
    from planforge.confined import chosen
    from planforge.loader import load_file

    export = tmp_path / "exports" / "2024-04.csv"
    export.parent.mkdir()
    export.write_bytes((PLANS / "data" / "customers.csv").read_bytes())
    (tmp_path / "plans").mkdir()
    _plan(tmp_path / "plans", "plan.yaml", str(export))
    doc = load_file(str(tmp_path / "plans" / "plan.yaml"))
    refused = check_document(doc)
    assert any("is outside the plan's folder" in d.message for d in refused.diagnostics)
    with chosen(str(export)):
        doc = load_file(str(tmp_path / "plans" / "plan.yaml"))
        result = check_document(doc)
    assert [d for d in result.diagnostics if d.code == "PF502"] == []


def test_segment_reads_a_source_given_with_source_wherever_it_lies(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planforge.cli import main

    export = tmp_path / "exports" / "2024-04.csv"
    export.parent.mkdir()
    export.write_bytes((PLANS / "data" / "customers.csv").read_bytes())
    (tmp_path / "plans").mkdir()
    _plan(tmp_path / "plans", "plan.yaml", "data/customers.csv")  # not there
    out = tmp_path / "out"
    args = ["segment", str(tmp_path / "plans" / "plan.yaml"), "-o", str(out), "--format", "csv"]
    result = CliRunner().invoke(main, [*args, "--source", str(export)])
    assert result.exit_code == 0, result.output
    assert (out / "crm-tiers-2024q2-tiers.csv").is_file()


def test_a_nul_in_a_source_path_is_a_schema_error_not_a_crash(tmp_path: Path) -> None:
    from planforge.check import check_file

    text = (PLANS / "winback-2024q2.yaml").read_text("utf-8")
    text = text.replace("source: data/winback-2024q2/orders.csv", 'source: "data/\\0orders.csv"')
    text = text.replace("source: data/winback-2024q2/customers.csv", 'source: "data/\\0c.csv"')
    assert text.count("\\0") == 2
    (tmp_path / "plan.yaml").write_text(text, "utf-8")
    shutil.copytree(PLANS / "data" / "winback-2024q2", tmp_path / "data" / "winback-2024q2")
    found = check_file(tmp_path / "plan.yaml").diagnostics
    at = sorted((d.code, d.line) for d in found if d.severity == "error")
    lines = text.splitlines()
    nul = [n + 1 for n, line in enumerate(lines) if "\\0" in line]
    assert at == [("PF104", n) for n in nul]
