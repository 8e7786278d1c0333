"""``diff REV:path`` checks the blob's size in git before it reads the blob."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge import repository
from planforge.cli import main
from planforge.loader import MAX_BYTES
from tests.conftest import EXAMPLE
from tests.gitrepo import git


def test_a_blob_over_the_plan_bound_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# padding\n" * (MAX_BYTES // 10 + 10))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "plan.yaml", "big.yaml")
    git(tmp_path, "commit", "-q", "-m", "plans")
    calls: list[list[str]] = []
    real = repository.git

    def spy(args: list[str], *rest, **kw):
        calls.append(list(args))
        return real(args, *rest, **kw)

    monkeypatch.setattr(repository, "git", spy)
    monkeypatch.chdir(tmp_path)
    for lang, words in (("en", "a plan file is at most 16 MB"), ("zh-CN", "16 MB")):
        result = CliRunner().invoke(main, ["diff", "--lang", lang, "HEAD:big.yaml", "plan.yaml"])
        assert result.exit_code == 2, result.output
        assert "HEAD:big.yaml" in result.output and words in result.output
        assert "Traceback" not in result.output
        assert ("计划文件" in result.output) == (lang == "zh-CN")
    assert ["cat-file", "-s", "HEAD:big.yaml"] in calls
    assert not [c for c in calls if c[0] == "show"]  # never read
    result = CliRunner().invoke(main, ["diff", "HEAD:plan.yaml", "plan.yaml"])
    assert result.exit_code == 0, result.output
