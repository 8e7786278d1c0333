"""``planforge export`` through the real command (subprocess), for every format."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import threading
from pathlib import Path

from tests.cli.test_cli import PY, proc
from tests.conftest import EXAMPLE, ROOT


def test_json_to_stdout_and_to_a_folder(tmp_path: Path) -> None:
    out = proc("export", str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["budget"]["total"] == "10000.00"
    written = proc("export", str(EXAMPLE), "-o", str(tmp_path))
    target = tmp_path / "reactivation-2024q2.json"
    assert written.returncode == 0 and written.stdout == f"wrote {target}\n"
    assert (tmp_path / "reactivation-2024q2.json").read_text("utf-8") == out.stdout


def test_csv_writes_a_file_per_table(tmp_path: Path) -> None:
    target = tmp_path / "csv"
    out = proc("export", str(EXAMPLE), "--format", "csv", "-o", str(target))
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in target.iterdir())
    assert out.stdout == "".join(f"wrote {target / n}\n" for n in names)
    assert names == [
        f"reactivation-2024q2-{t}.csv" for t in ("budget", "evaluation", "tier-needs", "timetable")
    ]
    text = (target / "reactivation-2024q2-tier-needs.csv").read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][:2] == ["high", "高价值客户"]


def test_binary_and_multi_file_formats_need_output() -> None:
    for fmt, hint in (("xlsx", "-o FILE.xlsx"), ("csv", "-o DIR")):
        out = proc("export", str(EXAMPLE), "--format", fmt)
        assert out.returncode == 2
        assert out.stdout == "" and hint in out.stderr and "Traceback" not in out.stderr


def test_csv_refuses_a_file_as_folder(tmp_path: Path) -> None:
    existing = tmp_path / "x.csv"
    existing.write_text("keep", "utf-8")
    out = proc("export", str(EXAMPLE), "--format", "csv", "-o", str(existing))
    assert out.returncode == 2 and "is a file" in out.stderr
    assert existing.read_text("utf-8") == "keep"


def test_invalid_plan_is_not_exported_in_any_format(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text("utf-8").replace("  total: 10000", "  total: 9000"), "utf-8")
    for fmt in ("json", "ics", "xlsx", "csv"):
        target = tmp_path / f"out-{fmt}"
        out = proc("export", str(bad), "--format", fmt, "-o", str(target))
        assert out.returncode == 1, fmt
        assert "PF403" in out.stderr and out.stdout == ""
        assert not target.exists()


def test_unwritable_output_is_a_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    out = proc("export", str(EXAMPLE), "-o", str(blocker / "sub" / "plan.json"))
    assert out.returncode == 2  # like a file that cannot be read
    assert "cannot write" in out.stderr and "Traceback" not in out.stderr


def test_json_export_imports_neither_icalendar_nor_xlsxwriter(tmp_path: Path) -> None:
    code = (
        "import sys; from planforge.cli import main\n"
        "try:\n    main(['export', 'plans/reactivation-2024q2.yaml', '-o', sys.argv[1]])\n"
        "except SystemExit as e:\n    code = e.code\n"
        "print(code, [m for m in sys.modules if m.split('.')[0] in ('icalendar', 'xlsxwriter')])\n"
    )
    result = subprocess.run(
        [PY, "-c", code, str(tmp_path / "plan.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().endswith("[]"), result.stdout


def test_a_named_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    out = proc("export", str(EXAMPLE), "-o", str(fifo))
    reader.join(timeout=60)
    assert out.returncode == 0, out.stderr
    assert fifo.is_fifo() and got[0].startswith(b"{")


def test_ics_to_stdout_equals_the_file(tmp_path: Path) -> None:
    from icalendar import Calendar

    out = subprocess.run(
        [PY, "-m", "planforge", "export", str(EXAMPLE), "--format", "ics"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    target = tmp_path / "plan.ics"
    assert proc("export", str(EXAMPLE), "-f", "ics", "-o", str(target)).returncode == 0
    assert target.read_bytes() == out.stdout
    cal = Calendar.from_ical(out.stdout)
    assert len(cal.walk("VEVENT")) == 7  # six tasks and the review


def test_xlsx_to_a_file_or_folder_same_bytes(tmp_path: Path) -> None:
    import openpyxl

    named = tmp_path / "budget.xlsx"
    assert proc("export", str(EXAMPLE), "-f", "xlsx", "-o", str(named)).returncode == 0
    folder = tmp_path / "new" / ""
    out = proc("export", str(EXAMPLE), "-f", "xlsx", "-o", str(folder) + "/")
    assert out.returncode == 0, out.stderr
    again = tmp_path / "new" / "reactivation-2024q2.xlsx"
    assert again.read_bytes() == named.read_bytes()  # two processes, the same bytes
    wb = openpyxl.load_workbook(named)
    assert wb.sheetnames[1] == "预算表" and wb["预算表"]["F2"].value == "=ROUND(C2*E2,2)"


def test_a_symlink_at_a_csv_output_is_refused_then_followed_on_request(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch", "utf-8")
    folder = tmp_path / "csv"
    folder.mkdir()
    link = folder / "reactivation-2024q2-budget.csv"
    link.symlink_to(victim)
    out = proc("export", str(EXAMPLE), "-f", "csv", "-o", str(folder))
    assert out.returncode == 2 and "symbolic link" in out.stderr
    assert victim.read_text("utf-8") == "do not touch"
    assert sorted(p.name for p in folder.iterdir()) == [link.name]  # no partial set
    out = proc("export", str(EXAMPLE), "-f", "csv", "-o", str(folder), "--follow-symlinks")
    assert out.returncode == 0, out.stderr
    assert link.is_symlink() and "宣传海报" in victim.read_text("utf-8-sig")
