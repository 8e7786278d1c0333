"""The pre-commit hook, run by pre-commit itself in a temporary git repository (offline)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE, ROOT
from tests.gitrepo import GIT_ENV, git

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def run(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        **GIT_ENV,
        "NO_COLOR": "1",
    }


@pytest.fixture
def hook_repo(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A git repository holding this checkout's hook manifest, as pre-commit fetches it."""
    repo = tmp_path / "hooks"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(MANIFEST, repo / ".pre-commit-hooks.yaml")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "hooks")
    sha = git(repo, "rev-parse", "HEAD").strip()
    return repo, sha


def test_the_manifest_is_valid_and_both_hooks_agree(env: dict[str, str]) -> None:
    done = run(ROOT, str(BIN / "pre-commit"), "validate-manifest", str(MANIFEST), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text("utf-8"))}
    system, isolated = hooks["planforge-validate"], hooks["planforge-validate-isolated"]
    for key in ("entry", "files", "types"):
        assert system[key] == isolated[key]
    assert system["language"] == "system" and isolated["language"] == "python"
    assert not system.get("require_serial")  # read-only: safe in parallel
    # The isolated environment reads customer data too, and sees every plan in one run.
    assert isolated["additional_dependencies"] == [".[data]"]
    assert isolated["require_serial"] is True


def test_the_hook_through_pre_commit(tmp_path: Path, env, hook_repo) -> None:
    repo_path, sha = hook_repo
    work = tmp_path / "work"
    (work / "plans" / "2025").mkdir(parents=True)
    (work / "campaigns").mkdir()
    git(work, "init", "-q", "-b", "main")
    config = {
        "repos": [{"repo": str(repo_path), "rev": sha, "hooks": [{"id": "planforge-validate"}]}]
    }
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    good = EXAMPLE.read_text("utf-8")
    (work / "plans" / "2025" / "spring.yaml").write_text(good, "utf-8")
    (work / "campaigns" / "autumn.plan.yaml").write_text(
        good.replace("id: reactivation-2024q2", "id: autumn"), "utf-8"
    )
    (work / "config.yaml").write_text("not: [a plan\n", "utf-8")  # not matched: never checked
    git(work, "add", ".")
    ok = run(work, str(BIN / "pre-commit"), "run", "--all-files", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "planforge validate" in ok.stdout and "Passed" in ok.stdout

    broken = good.replace("amount: 1000\n", "amount: 1200\n", 1)
    (work / "campaigns" / "autumn.plan.yaml").write_text(
        broken.replace("id: reactivation-2024q2", "id: autumn"), "utf-8"
    )
    git(work, "add", ".")
    before = sorted(p.name for p in work.rglob("*") if ".git" not in p.parts)
    failed = run(work, str(BIN / "pre-commit"), "run", "--all-files", env=env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "campaigns/autumn.plan.yaml:" in failed.stdout and "error[PF401]" in failed.stdout
    assert "config.yaml" not in failed.stdout.replace("pre-commit-config.yaml", "")
    assert sorted(p.name for p in work.rglob("*") if ".git" not in p.parts) == before  # read-only
