"""``validate --fix`` never corrupts or replaces (issue 17.6, issue 16.1).

A save during the check, a symlink, a hard link, a file's mode, a GBK plan in a
batch and a bare file name: each is tried through the front door or the real CLI.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.frontdoor import Session
from tests.cli.test_cli import proc
from tests.core.test_fix import _broken


def test_a_bare_file_name_is_fixed(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    done = proc("validate", "--fix", path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OutputError" not in done.stderr and "cannot write" not in done.stderr
    assert path.read_text("utf-8") == original


def test_a_save_during_the_check_is_never_overwritten(tmp_path: Path) -> None:
    path, _ = _broken(tmp_path)
    session = Session(lang_option="en")
    result = session.open(str(path))
    saved = path.read_text("utf-8").replace("currency: cny", "currency: cny\n# saved meanwhile")
    saved = "# a line the editor added at the top\n" + saved
    path.write_text(saved, "utf-8")  # the editor's save lands after the check
    result, fixed = session.fix(str(path), result)
    assert fixed == []
    assert path.read_text("utf-8") == saved  # not a byte changed
    notes = [d for d in result.diagnostics if d.code == "PF010"]
    assert notes and "changed while it was checked" in notes[0].message


def test_through_a_symlink_the_target_is_fixed_and_the_link_stays(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    link = tmp_path / "link.yaml"
    os.symlink(path.name, link)
    assert proc("validate", "--fix", str(link)).returncode == 0
    assert link.is_symlink() and os.readlink(link) == path.name
    assert path.read_text("utf-8") == original


def test_mode_and_hard_links_survive(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    os.chmod(path, 0o640)
    other = tmp_path / "other-name.yaml"
    os.link(path, other)
    inode = path.stat().st_ino
    assert proc("validate", "--fix", str(path)).returncode == 0
    assert path.read_text("utf-8") == original
    assert other.read_text("utf-8") == original  # the other link sees the fix
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_single_link_file_keeps_its_mode(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    os.chmod(path, 0o600)
    assert proc("validate", "--fix", str(path)).returncode == 0
    assert path.read_text("utf-8") == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_gbk_plan_does_not_stop_the_batch(tmp_path: Path) -> None:
    path, original = _broken(tmp_path)
    (tmp_path / "a-gbk.yaml").write_bytes("title: 老客户唤醒月\n".encode("gbk"))
    (tmp_path / "b-latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["validate", "--fix", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "内部错误" not in result.output
    assert result.output.count('"PF001"') == 2
    assert path.read_text("utf-8") == original  # the rest of the folder was fixed


def test_an_unwritable_plan_is_a_finding_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planforge import atomic

    path, _ = _broken(tmp_path)
    before = path.read_bytes()

    def read_only(src: str, dst: str) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), dst)

    monkeypatch.setattr(atomic, "_rename", read_only)
    result = CliRunner().invoke(main, ["validate", "--fix", "--lang", "en", str(path)])
    assert "internal error" not in result.output, result.output
    assert "PF010" in result.output and "Read-only file system" in result.output
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no staging left
