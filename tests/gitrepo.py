"""Temporary git repositories for tests: the same identity and no user or system config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "planner",
    "GIT_AUTHOR_EMAIL": "planner@example.com",
    "GIT_COMMITTER_NAME": "planner",
    "GIT_COMMITTER_EMAIL": "planner@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; its stdout. Fails the test when git does."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
