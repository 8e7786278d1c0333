"""The composite GitHub Action: its shell steps, run as Actions would, in a temporary repository.

The `uses:` steps (setup-python, upload-sarif) and the pip install need GitHub and the
network; the steps that do planforge's work run here with the installed planforge.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, ROOT
from tests.gitrepo import GIT_ENV, git

ACTION = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
BIN = Path(sys.executable).parent


def step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def run_step(
    name: str, repo: Path, base_ref: str = "main", **inputs: str
) -> subprocess.CompletedProcess[str]:
    """Run one `run:` step as Actions does: inputs into its env, bash -e, in the workspace."""
    spec = step(name)
    values = {k: v.get("default", "") for k, v in ACTION["inputs"].items()} | inputs

    def fill(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], text)

    env = {
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": str(repo.parent),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_BASE_REF": base_ref,
        "NO_COLOR": "1",
        **GIT_ENV,
        **{k: fill(str(v)) for k, v in spec.get("env", {}).items()},
    }
    assert spec["shell"] == "bash"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", spec["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A pull request: `main` on a local origin, a branch that changes the plan."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    work = tmp_path / "work"
    (work / "plans").mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    (work / "plans" / "x.yaml").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    git(work, "add", ".")
    git(work, "commit", "-qm", "approved plan")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    git(work, "checkout", "-q", "-b", "change")
    return work


def test_the_action_declares_its_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    install = step("Install planforge")["run"]
    assert "pip install" in install and "$GITHUB_ACTION_PATH[data]" in install  # reads data
    for s in ACTION["runs"]["steps"]:  # inputs reach scripts through env, never spliced into code
        assert "${{" not in s.get("run", "")


def test_validate_annotates_and_writes_relative_sarif(repo: Path) -> None:
    ok = run_step("Validate plans", repo)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    plan = repo / "plans" / "x.yaml"
    plan.write_text(plan.read_text("utf-8").replace("amount: 1000\n", "amount: 1200\n", 1), "utf-8")
    failed = run_step("Validate plans", repo, paths=str(repo / "plans"))  # an absolute path
    assert failed.returncode == 1
    assert re.search(r"^::error file=.*plans/x\.yaml,line=\d+,col=\d+", failed.stdout, re.M)
    sarif = json.loads((repo / "planforge.sarif").read_text("utf-8"))
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in sarif["runs"][0]["results"]
    ]
    assert locations and all(
        loc == {"uri": "plans/x.yaml", "uriBaseId": "%SRCROOT%"} for loc in locations
    )


def more_promotion(plan: Path, repo: Path, old: str = "plans/x.yaml") -> None:
    """Commit a budget increase (cap and total raised) to ``plan``; the gate must fail."""
    plan.write_text(
        plan.read_text("utf-8")
        .replace("      amount: 2000\n", "      amount: 2500\n", 1)
        .replace("  cap: 10000\n", "  cap: 12000\n")
        .replace("  total: 10000\n", "  total: 10500\n"),
        "utf-8",
    )
    git(repo, "commit", "-qam", "more promotion")
    gated = run_step(
        "Diff changed plans against the base branch", repo, **{"fail-on": "budget-increase"}
    )
    assert gated.returncode == 1, gated.stdout + gated.stderr
    new = plan.relative_to(repo).as_posix()
    assert f"origin/main:{old} → {new}" in gated.stdout
    assert "failing on budget-increase" in gated.stderr


def test_diff_gates_the_pull_request(repo: Path) -> None:
    more_promotion(repo / "plans" / "x.yaml", repo)
    passed = run_step(
        "Diff changed plans against the base branch", repo, **{"fail-on": "over-cap,date-slip"}
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    push = run_step(  # a push, not a pull request: nothing to diff against
        "Diff changed plans against the base branch", repo, "", **{"fail-on": "budget-increase"}
    )
    assert push.returncode == 0 and "no base branch" in push.stdout


def test_diff_gates_a_renamed_plan_against_its_old_path(repo: Path) -> None:
    plan = repo / "plans" / "x.yaml"
    git(repo, "mv", "plans/x.yaml", "plans/spring.yaml")
    moved = repo / "plans" / "spring.yaml"
    assert not plan.exists()
    more_promotion(moved, repo)  # renamed and changed in one pull request
