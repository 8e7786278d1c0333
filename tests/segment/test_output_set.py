"""Issue 17.7: ``segment`` writes its outputs as one set, like ``render`` and ``export``."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge import atomic
from planforge.cli import main
from tests.core.test_faults import ENV, WAIT, gone
from tests.segment.conftest import CSV, PLAN

ID = "crm-tiers-2024q2"
NAMES = (f"{ID}-tiers.csv", f"{ID}-tiers.xlsx")
PAUSE = """
import os, sys, time
import planforge.segment.command as command

write = command.write_csv
def paused(path, tl, progress=None):
    write(path, tl, progress)
    with open(os.environ["PF_READY"], "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(600)
command.write_csv = paused

from planforge.cli import main
main(sys.argv[1:], prog_name="planforge")
"""


def _plan(folder: Path, source_bytes: bytes | None = None, name: str = "customers.csv") -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / name).write_bytes(source_bytes or CSV.read_bytes())
    plan = folder / PLAN.name
    plan.write_text(PLAN.read_text("utf-8").replace("data/customers.csv", f"data/{name}"), "utf-8")
    return plan


def _old_set(out: Path) -> None:
    out.mkdir()
    for name in NAMES:
        (out / name).write_bytes(b"old " + name.encode())


def _is_old(out: Path) -> bool:
    return all((out / n).read_bytes() == b"old " + n.encode() for n in NAMES)


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_kill_9_leaves_nothing_the_next_run_does_not_sweep(tmp_path: Path) -> None:
    gbk = CSV.read_text("utf-8").encode("gbk")
    plan = _plan(tmp_path, gbk, "customers-gbk.csv")
    out = tmp_path / "out"
    _old_set(out)
    temp = tmp_path / "tmp"
    temp.mkdir()
    ready = tmp_path / "ready"
    env = {**ENV, "PF_READY": str(ready), "TMPDIR": str(temp)}
    args = ["segment", str(plan), "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSE, *args], cwd=tmp_path, env=env, start_new_session=True
    )
    deadline = time.monotonic() + WAIT
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "never paused"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert gone(proc.pid)
    assert _is_old(out)  # the old set stays whole
    assert [n for n in _hidden(out) if n.startswith(atomic.STAGING_PREFIX)]  # the dead stage
    assert any(p.name.startswith("planforge-utf8-") for p in temp.iterdir())  # the UTF-8 copy
    again = subprocess.run(
        [sys.executable, "-m", "planforge", *args],
        cwd=tmp_path,
        env={**ENV, "TMPDIR": str(temp)},
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert _hidden(out) == []
    assert not _is_old(out)
    assert list(temp.iterdir()) == []  # the dead run's copy swept, this run's removed


def test_a_symlink_where_the_tier_list_goes_is_refused(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("keep", "utf-8")
    os.symlink(elsewhere, out / NAMES[0])
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 1
    assert "symbolic link" in result.output and "Traceback" not in result.output
    assert elsewhere.read_text("utf-8") == "keep"
    assert not (out / NAMES[1]).exists()  # nothing of the set was written
    assert _hidden(out) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_or_read_only_folder_says_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    import planforge.segment.command as command

    def full(path, tl, progress=None):
        with open(path, "wb") as fh:
            fh.write(b"partial rows")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(command, "write_csv", full)
    plan = _plan(tmp_path)
    out = tmp_path / "out"
    _old_set(out)
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 1
    assert f"cannot write {out / NAMES[0]}: {os.strerror(code)}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert _is_old(out) and _hidden(out) == []


def test_two_runs_never_mix_their_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    order: list[tuple[str, str]] = []
    rename = atomic._rename

    def slow_rename(src: str, dst: str) -> None:
        rename(src, dst)
        order.append((threading.current_thread().name, os.path.basename(dst)))
        time.sleep(0.2)  # the other run would publish now, without the folder lock

    monkeypatch.setattr(atomic, "_rename", slow_rename)

    def run(tag: str) -> None:
        with atomic.staged_set(folder) as reserve:
            for name in NAMES:
                Path(reserve(str(folder / name))).write_text(tag, "utf-8")

    threads = [threading.Thread(target=run, args=(t,), name=t) for t in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    runs = [who for who, _ in order]
    assert runs in (["a", "a", "b", "b"], ["b", "b", "a", "a"])
    texts = {(folder / n).read_text("utf-8") for n in NAMES}
    assert len(texts) == 1  # both files from the same run
    assert _hidden(folder) == []


def test_a_cell_cut_to_fit_xlsx_is_a_warning(tmp_path: Path) -> None:
    import openpyxl

    rows = CSV.read_text("utf-8").splitlines()
    header, first = rows[0].split(","), rows[1].split(",")
    long = "备" * 40_000
    text = "\n".join([",".join([*header, "备注"]), ",".join([*first, long])]) + "\n"
    plan = _plan(tmp_path, text.encode("utf-8"))
    plan.write_text(
        plan.read_text("utf-8").replace("show: [年消费,", "show: [备注, 年消费,"), "utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 cells were longer than an XLSX cell holds (32,767 characters)" in result.output
    sheet = openpyxl.load_workbook(out / NAMES[1]).worksheets[0]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert max(len(c) for c in cells) == 32_767
    assert long in (out / NAMES[0]).read_text("utf-8-sig")  # the CSV keeps it whole
