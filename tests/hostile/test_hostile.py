"""Hostile and broken inputs: each ends with its expected exit status and a located
message, with no traceback, within a time limit; nothing is written when a render fails."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.cases import CASES, ROOT, Case

TIME_LIMIT = 120  # seconds; a hang fails the test instead of the CI run
LOCATED = re.compile(r"plan\.yaml:\d+:\d+: (error|warning)\[PF\d{3}\]")


def snapshot(folder: Path) -> dict[str, str | bytes]:
    """What ``folder`` holds: each entry's link target or content."""
    if not folder.is_dir():
        return {}
    return {
        p.name: os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
        for p in folder.iterdir()
    }


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(case.build())
    if case.prepare:
        case.prepare(tmp_path)
    out = tmp_path / "out"
    before = snapshot(out)
    args = [sys.executable, "-m", "planforge", case.command, str(plan)]
    if case.command == "render":
        args += ["-o", str(out)]
    if case.templates:
        folder = tmp_path / "templates"
        folder.mkdir()
        for name, content in case.templates.items():
            if content.startswith("->"):
                os.symlink(content[2:], folder / name)
            else:
                (folder / name).write_text(content, "utf-8")
        args += ["--templates", str(folder)]
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=tmp_path,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "CI": "true"},
    )
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == case.exit, output[-3000:]
    for code in case.codes:
        assert f"[{code}]" in output, (code, output[-3000:])
    for fragment in case.expect_in_output:
        assert fragment in output, (fragment, output[-3000:])
    if case.codes:
        assert LOCATED.search(output), output[-3000:]
    if case.check:
        case.check(tmp_path)
    if case.exit == 1 and case.command == "render":
        assert f"{plan}:" in output  # the message names the plan
        assert snapshot(out) == before, "a failed render changed the output folder"
    if case.exit == 0 and case.command == "render" and "markup" in case.name:
        html = next(out.glob("*.html")).read_text("utf-8")
        for raw in (
            "<script>",
            "<iframe",
            "<svg onload",
            "<img src=x",
            "<h1>pwned",
            "</style><style>",
        ):
            assert raw not in html, raw
        assert "{{ 7*7 }}" in html  # shown as typed, never evaluated as a template
        assert (out / f"{next(out.glob('*.html')).stem}.pdf").stat().st_size > 10_000


def test_cases_leave_nothing_behind_in_the_checkout() -> None:
    assert not (ROOT / "pwned").exists() and not Path("/tmp/pwned").exists()
