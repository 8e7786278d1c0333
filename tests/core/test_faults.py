"""Faults through real processes and signals: nothing lost, nothing left behind.

A small wrapper (``PAUSE``) stops the writer at a chosen point of a write, with the
plan's old HTML and PDF in the output folder; the test then signals or kills the
process (or its process group, as Ctrl-C and ``kill -9 -PGID`` do) and checks the
folder: the old set or the new set, never a mix, and no staging files once any
planforge run has written there again.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planforge.atomic import STAGING_PREFIX
from tests.conftest import EXAMPLE, PLANS

WAIT = 120  # seconds: a guard against hangs, never a measure of speed
ENV = {**os.environ, "CI": "true", "NO_COLOR": "1"}
PAUSE = """
import os, sys, time
import planforge.atomic as atomic

def pause():
    with open(os.environ["PF_READY"] + ".tmp", "w") as fh:
        fh.write(str(os.getpid()))
    os.replace(os.environ["PF_READY"] + ".tmp", os.environ["PF_READY"])
    time.sleep(600)

if os.environ["PF_PAUSE"] == "staged":  # one file of the set staged, nothing renamed
    add = atomic._Stage.add
    def paused_add(self, target, data):
        add(self, target, data)
        pause()
    atomic._Stage.add = paused_add
else:  # "renamed": the first file of the set renamed over its target
    rename = atomic._rename
    def paused_rename(src, dst):
        rename(src, dst)
        pause()
    atomic._rename = paused_rename

from planforge.cli import main
main(sys.argv[1:], prog_name="planforge")
"""
ID = "reactivation-2024q2"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder holding the example's previous outputs."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / f"{ID}.html").write_text("old html", "utf-8")
    (folder / f"{ID}.pdf").write_bytes(b"old pdf")
    return folder


def state(folder: Path) -> tuple[str, str]:
    """Which set is in ``folder``: ("old", "old"), ("new", "new") or a mix."""
    html = (folder / f"{ID}.html").read_text("utf-8")
    pdf = (folder / f"{ID}.pdf").read_bytes()
    return ("old" if html == "old html" else "new", "old" if pdf == b"old pdf" else "new")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def start(tmp_path: Path, where: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    """Start planforge paused at ``where``; returns the process and the paused writer's pid."""
    ready = tmp_path / "control" / "ready"
    ready.parent.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**ENV, "PF_PAUSE": where, "PF_READY": str(ready)},
        start_new_session=True,  # its own process group, as a shell job has
    )
    deadline = time.monotonic() + WAIT
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"never paused: {proc.communicate()}")
        time.sleep(0.05)
    return proc, int(ready.read_text())


def render_args(folder: Path, plan: Path = EXAMPLE) -> list[str]:
    return ["render", str(plan), "-o", str(folder)]


def planforge(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planforge", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=WAIT,
        check=False,
        **kwargs,
    )


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_gone(pid: int) -> None:
    deadline = time.monotonic() + WAIT
    while not gone(pid):
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("sig", "group", "status", "line"),
    [
        (signal.SIGINT, True, 130, "planforge: interrupted"),  # Ctrl-C: the whole group
        (signal.SIGTERM, False, 143, "planforge: stopped by SIGTERM"),
        (signal.SIGHUP, True, 129, "planforge: stopped by SIGHUP"),
    ],
    ids=["ctrl-c", "sigterm", "sighup"],
)
def test_a_signal_during_a_render_keeps_the_old_set_and_leaves_nothing(
    tmp_path: Path, out: Path, sig: signal.Signals, group: bool, status: int, line: str
) -> None:
    proc, _worker = start(tmp_path, "staged", *render_args(out))
    assert leftovers(out)  # the half-staged set is there while the writer runs
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=WAIT)
    assert proc.returncode == status, stderr
    assert stderr.splitlines() == [line]  # one line: no traceback from the worker
    assert "wrote" not in stdout
    assert state(out) == ("old", "old") and leftovers(out) == []


@pytest.mark.parametrize(
    ("command", "status"),
    [
        (["validate", str(EXAMPLE), "-f", "json", "-o"], 143),
        (["export", str(EXAMPLE), "-o"], 143),
    ],
    ids=["validate", "export"],
)
def test_a_signal_while_writing_a_report_leaves_nothing(
    tmp_path: Path, command: list[str], status: int
) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "report.json"
    target.write_text("old", "utf-8")
    proc, _ = start(tmp_path, "staged", *command, str(target))
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=WAIT)
    assert proc.returncode == status and stderr.splitlines() == ["planforge: stopped by SIGTERM"]
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_kill_9_before_the_renames_keeps_the_old_set_and_the_next_run_sweeps(
    tmp_path: Path, out: Path
) -> None:
    proc, _ = start(tmp_path, "staged", *render_args(out))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=WAIT)
    assert state(out) == ("old", "old")
    assert [n for n in leftovers(out) if n.startswith(STAGING_PREFIX)]  # kill -9 runs nothing
    other = PLANS / "key-accounts-care-2024h2.yaml"
    assert planforge(*render_args(out, other), "--format", "html", cwd=tmp_path).returncode == 0
    assert state(out) == ("old", "old") and leftovers(out) == []


def test_kill_9_between_the_renames_is_finished_by_the_next_run(tmp_path: Path, out: Path) -> None:
    proc, _ = start(tmp_path, "renamed", *render_args(out))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=WAIT)
    assert state(out) == ("new", "old")  # the one moment a set is split ...
    other = PLANS / "key-accounts-care-2024h2.yaml"
    assert planforge(*render_args(out, other), "--format", "html", cwd=tmp_path).returncode == 0
    assert state(out) == ("new", "new") and leftovers(out) == []  # ... and the next run mends it
    assert (out / f"{ID}.pdf").read_bytes().startswith(b"%PDF-")


def test_the_worker_dies_with_its_parent_and_writes_nothing(tmp_path: Path, out: Path) -> None:
    proc, worker = start(tmp_path, "staged", *render_args(out))
    assert worker != proc.pid  # paused in the render worker
    proc.kill()  # the parent only: kill -9 PID
    proc.communicate(timeout=WAIT)
    wait_gone(worker)
    assert state(out) == ("old", "old") and leftovers(out) == []  # it cleaned up, wrote nothing


# -- full and read-only disks ----------------------------------------------------------------


def small_files() -> None:
    """A limit on file size: writes fail part-way, as they do on a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, resource.RLIM_INFINITY))


def test_a_full_disk_during_a_render_keeps_the_old_set(tmp_path: Path, out: Path) -> None:
    result = planforge(*render_args(out), cwd=tmp_path, preexec_fn=small_files)
    assert result.returncode == 1, result.stderr
    assert f"cannot write {out}/{ID}.pdf: File too large" in result.stderr
    assert "wrote" not in result.stdout and "internal error" not in result.stderr
    assert state(out) == ("old", "old") and leftovers(out) == []


@pytest.mark.parametrize(
    "command",
    [["validate", str(EXAMPLE), "-f", "sarif", "-o"], ["export", str(EXAMPLE), "-o"]],
    ids=["validate", "export"],
)
def test_a_full_disk_while_writing_a_report(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", "utf-8")
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))  # noqa: E731
    result = planforge(*command, str(target), cwd=tmp_path, preexec_fn=limit)
    assert result.returncode == 2, result.stderr
    assert f"Error: cannot write {target}: File too large" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert target.read_text("utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder planforge cannot write into: a read-only mount (root) or mode 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / f"{ID}.pdf").write_bytes(b"old pdf")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:  # a container without CAP_SYS_ADMIN
        mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], check=False)
        if mounted.returncode != 0:
            pytest.skip("root without mount: no way to make a read-only folder")
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize("command", ["render", "validate", "export"])
def test_a_read_only_folder_is_a_message_not_a_crash(
    tmp_path: Path, read_only: Path, command: str
) -> None:
    if command == "render":
        args = render_args(read_only)
    else:
        args = [command, str(EXAMPLE), "-o", str(read_only / "report.json")]
    result = planforge(*args, cwd=tmp_path)
    assert result.returncode == (1 if command == "render" else 2), result.stderr
    assert "cannot write" in result.stderr, result.stderr
    assert "Read-only file system" in result.stderr or "Permission denied" in result.stderr
    assert "wrote" not in result.stdout and "internal error" not in result.stderr
    assert sorted(p.name for p in read_only.iterdir()) == [f"{ID}.pdf"]


# -- what -o may replace ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "export"])
def test_o_refuses_the_plan_a_socket_a_folder_and_a_symlink(tmp_path: Path, command: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "socket"))
    (tmp_path / "folder").mkdir()
    (tmp_path / "victim.txt").write_text("keep", "utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "victim.txt")
    try:
        refusals = [
            ("plan.yaml", "is the plan being read"),
            ("socket", "is not a regular file"),
            ("link", "pass --follow-symlinks"),
        ]
        if command == "validate":  # export -o DIR writes DIR/<plan id>.json
            refusals.append(("folder", "is a directory"))
        for target, message in refusals:
            result = planforge(command, str(plan), "-o", target, cwd=tmp_path)
            assert result.returncode == 2 and message in result.stderr, (target, result.stderr)
    finally:
        listener.close()
    assert plan.read_text("utf-8") == EXAMPLE.read_text("utf-8")
    assert (tmp_path / "victim.txt").read_text("utf-8") == "keep"
    result = planforge(command, str(plan), "-o", "link", "--follow-symlinks", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "victim.txt").read_text() != "keep"


def test_render_refuses_a_fifo_where_a_pdf_goes(tmp_path: Path, out: Path) -> None:
    (out / f"{ID}.pdf").unlink()
    os.mkfifo(out / f"{ID}.pdf")
    result = planforge(*render_args(out), cwd=tmp_path)
    assert result.returncode == 1 and "is not a regular file" in result.stderr, result.stderr
    assert (out / f"{ID}.pdf").is_fifo() and state_html(out) == "old html"


def state_html(folder: Path) -> str:
    return (folder / f"{ID}.html").read_text("utf-8")


def test_render_writes_through_a_symlinked_output_only_when_asked(
    tmp_path: Path, out: Path
) -> None:
    (tmp_path / "elsewhere.html").write_text("keep", "utf-8")
    (out / f"{ID}.html").unlink()
    (out / f"{ID}.html").symlink_to(tmp_path / "elsewhere.html")
    refused = planforge(*render_args(out), cwd=tmp_path)
    assert refused.returncode == 1 and "pass --follow-symlinks" in refused.stderr
    assert (tmp_path / "elsewhere.html").read_text("utf-8") == "keep"
    assert (out / f"{ID}.pdf").read_bytes() == b"old pdf"  # the set is refused as a whole
    followed = planforge(*render_args(out), "--follow-symlinks", "--format", "html", cwd=tmp_path)
    assert followed.returncode == 0, followed.stderr
    assert "老客户唤醒月" in (tmp_path / "elsewhere.html").read_text("utf-8")


# -- option values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "nan"], "'nan' is not a number of seconds"),
        (["--timeout", "inf"], "inf is not in the range"),
        (["--timeout", "-1"], "is not in the range"),
        (["--timeout", "1e400"], "is not in the range"),
        (["-j", "0"], "0 is not in the range"),
        (["--memory-limit", "lots"], "'lots' is not a valid integer"),
        (["--memory-limit", "99999999999999"], "is not in the range"),
    ],
)
def test_option_values_are_checked(tmp_path: Path, args: list[str], message: str) -> None:
    result = planforge("render", str(EXAMPLE), "-o", "out", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert "internal error" not in result.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["99999999999999", "yesterday", "-5", "1.5", "١٢٣"])
def test_a_bad_source_date_epoch_is_a_clear_message(tmp_path: Path, value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "planforge", "render", str(EXAMPLE), "-o", "out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**ENV, "SOURCE_DATE_EPOCH": value},
        timeout=WAIT,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "SOURCE_DATE_EPOCH=" in result.stderr and "is not a timestamp" in result.stderr
    assert "bug" not in result.stderr and not (tmp_path / "out").exists()
