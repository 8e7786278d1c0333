"""Output files: what may be written, sets replaced together, and what dead writers left."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest

from planforge import atomic
from planforge.atomic import MANIFEST, STAGING_PREFIX, OutputError, resolve_target, sweep


def test_a_new_file_and_an_existing_one_may_be_written(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("old", "utf-8")
    assert resolve_target(tmp_path / "new.txt") == str(tmp_path / "new.txt")
    assert resolve_target(tmp_path / "old.txt") == str(tmp_path / "old.txt")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: os.mkfifo(p), "is not a regular file"),
        (lambda p: p.symlink_to(p.parent / "elsewhere.txt"), "is a symbolic link"),
    ],
    ids=["folder", "fifo", "symlink"],
)
def test_what_is_not_a_plain_file_is_refused(tmp_path: Path, make, message: str) -> None:
    target = tmp_path / "out"
    make(target)
    with pytest.raises(OutputError, match=message):
        resolve_target(target)


def test_the_plan_being_read_is_refused_even_under_another_name(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("id: x\n", "utf-8")
    (tmp_path / "alias.yaml").symlink_to(plan)
    with pytest.raises(OutputError, match="is the plan being read"):
        resolve_target(plan, inputs=[str(plan)])
    with pytest.raises(OutputError, match="is the plan being read"):
        resolve_target(tmp_path / "alias.yaml", inputs=[str(plan)], follow_symlinks=True)


def test_a_symlink_is_written_through_only_when_asked(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic.write_file(resolve_target(link, follow_symlinks=True), b"new")
    assert link.is_symlink() and real.read_text("utf-8") == "new"
    (tmp_path / "dev").symlink_to(tmp_path / "fifo")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OutputError, match="not a regular file"):
        resolve_target(tmp_path / "dev", follow_symlinks=True)


def test_a_set_is_written_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("old", "utf-8")
    atomic.write_files({str(tmp_path / "a.html"): b"<html>", str(tmp_path / "a.pdf"): b"%PDF"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]
    assert (tmp_path / "a.html").read_bytes() == b"<html>"
    assert oct((tmp_path / "a.pdf").stat().st_mode & 0o777) == "0o644"


def test_a_failed_second_rename_puts_the_first_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.html").write_text("old html", "utf-8")
    (tmp_path / "a.pdf").write_text("old pdf", "utf-8")
    real = atomic._rename
    calls: list[str] = []

    def failing(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(atomic, "_rename", failing)
    with pytest.raises(OutputError, match="No space left on device"):
        atomic.write_files({str(tmp_path / "a.html"): b"new", str(tmp_path / "a.pdf"): b"new"})
    assert (tmp_path / "a.html").read_text("utf-8") == "old html"
    assert (tmp_path / "a.pdf").read_text("utf-8") == "old pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]


def test_a_write_error_leaves_the_old_set_and_no_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.html").write_text("old", "utf-8")
    real_add = atomic._Stage.add

    def add(self: atomic._Stage, target: str, data: bytes) -> None:
        if target.endswith(".pdf"):
            raise OutputError(f"cannot write {target}: No space left on device")
        real_add(self, target, data)

    monkeypatch.setattr(atomic._Stage, "add", add)
    with pytest.raises(OutputError):
        atomic.write_files({str(tmp_path / "a.html"): b"new", str(tmp_path / "a.pdf"): b"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
    assert (tmp_path / "a.html").read_text("utf-8") == "old"


def _dead_stage(folder: Path, files: dict[str, bytes], committed: bool) -> Path:
    """A staging folder as a writer killed with ``kill -9`` leaves it."""
    stage = folder / f"{STAGING_PREFIX}999999999-abcdefgh"
    stage.mkdir()
    (stage / "lock").touch()
    moves = []
    for i, (name, data) in enumerate(files.items()):
        (stage / f"new-{i}").write_bytes(data)
        moves.append([f"new-{i}", name])
    if committed:
        (stage / MANIFEST).write_text(json.dumps(moves), "utf-8")
    return stage


def test_sweep_deletes_an_uncommitted_set(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_text("old", "utf-8")
    _dead_stage(tmp_path, {"a.pdf": b"new"}, committed=False)
    sweep(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    assert (tmp_path / "a.pdf").read_text("utf-8") == "old"


def test_sweep_finishes_a_committed_set(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("new", "utf-8")  # renamed before the kill
    (tmp_path / "a.pdf").write_text("old", "utf-8")
    stage = _dead_stage(tmp_path, {"a.pdf": b"new"}, committed=True)
    json.dump([["new-9", "a.html"], ["new-0", "a.pdf"]], (stage / MANIFEST).open("w"))
    sweep(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf"]
    assert (tmp_path / "a.pdf").read_text("utf-8") == "new"


def test_sweep_leaves_a_live_writer_alone(tmp_path: Path) -> None:
    stage = _dead_stage(tmp_path, {"a.pdf": b"new"}, committed=True)
    fd = os.open(stage / "lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        sweep(str(tmp_path))
        assert stage.exists() and not (tmp_path / "a.pdf").exists()
    finally:
        os.close(fd)
    sweep(str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_another_runs_sweep_never_takes_a_stage_being_set_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs into one folder: a sweep that comes just before a new stage is locked
    leaves it alone (it used to find the lock file unlocked and remove the stage)."""
    real = fcntl.flock

    def swept_first(fd: int, operation: int) -> None:
        if operation == fcntl.LOCK_EX:  # a writer taking a lock: the other run sweeps now
            sweep(str(tmp_path))
        real(fd, operation)

    monkeypatch.setattr(atomic.fcntl, "flock", swept_first)
    with atomic.staged_set(tmp_path) as reserve:
        Path(reserve(str(tmp_path / "a.csv"))).write_text("new", "utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]
    assert (tmp_path / "a.csv").read_text("utf-8") == "new"


def test_sweep_ignores_a_manifest_that_points_outside(tmp_path: Path) -> None:
    stage = _dead_stage(tmp_path, {"a.pdf": b"new"}, committed=False)
    (stage / MANIFEST).write_text(json.dumps([["new-0", "../escaped"]]), "utf-8")
    sweep(str(tmp_path))
    assert not (tmp_path.parent / "escaped").exists() and not list(tmp_path.iterdir())


def test_sweep_removes_the_old_temporary_files_of_the_targets_only(tmp_path: Path) -> None:
    (tmp_path / ".x.pdf.k2j4_9az.tmp").write_bytes(b"partial")
    (tmp_path / ".other.pdf.k2j4_9az.tmp").write_bytes(b"not ours to judge")
    sweep(str(tmp_path), names=["x.pdf"])
    assert [p.name for p in tmp_path.iterdir()] == [".other.pdf.k2j4_9az.tmp"]
