"""Issue 17.8: an XLSX with a far cell is refused in bounded memory, not an abort."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from planforge.check import check_file
from planforge.segment import xlsx_size
from tests.segment.conftest import PLAN, write_xlsx


def far_cell(path: Path, cell: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    sheet = wb.add_worksheet("客户")
    sheet.write_row(0, 0, ["客户编号", "客户名称", "年消费"])
    sheet.write_row(1, 0, ["C1", "华星", 1])
    sheet.write(cell, "x")
    wb.close()


def _plan(folder: Path, source: Path) -> Path:
    text = PLAN.read_text("utf-8").replace("data/customers.csv", source.name)
    plan = folder / "plan.yaml"
    plan.write_text(text, "utf-8")
    return plan


def _checked_in_a_bounded_process(plan: Path) -> tuple[str, int]:
    """The PF502/PF900 codes and the peak memory (KiB) of checking ``plan`` with its data,
    in a fresh process limited to 2 GiB of address space."""
    code = (
        "import resource, sys\n"
        "from planforge.check import check_file\n"
        f"r = check_file({str(plan)!r}, read_data=True)\n"
        "print([d.code for d in r.diagnostics if d.code in ('PF502', 'PF900')])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    limit = 2 << 30  # plenty for a 10 KB file; calamine wanted 512 GiB for the far cell

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=bounded,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    codes, peak_kib = done.stdout.splitlines()
    return codes, int(peak_kib)


@pytest.mark.parametrize("cell", ["XFD1048576", "ZZ300000"])
def test_a_far_cell_is_pf502_in_bounded_memory(tmp_path: Path, cell: str) -> None:
    far = tmp_path / "far"
    near = tmp_path / "near"
    far.mkdir()
    near.mkdir()
    source = far / "customers.xlsx"
    far_cell(source, cell)
    assert source.stat().st_size < 10_000
    ordinary = near / "customers.xlsx"
    far_cell(ordinary, "D3")  # the same sheet, its extra cell next to the others
    codes, peak = _checked_in_a_bounded_process(_plan(far, source))
    assert codes == "['PF502']"
    _, peer = _checked_in_a_bounded_process(_plan(near, ordinary))
    # The peer is the same check of an ordinary sheet, in the same run: the far cell
    # costs about nothing on top of the interpreter and polars.
    assert peak < peer + 64 * 1024, (peak, peer)


def test_the_message_names_the_cell_and_the_fix(tmp_path: Path) -> None:
    source = tmp_path / "customers.xlsx"
    far_cell(source, "XFD1048576")
    result = check_file(str(_plan(tmp_path, source)))
    (found,) = [d for d in result.diagnostics if d.code == "PF502"]
    assert "row 1,048,576, column 16,384" in found.message and "Delete" in found.message


def test_positions_left_out_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "plain.xlsx"
    far_cell(source, "D5")
    stripped = tmp_path / "stripped.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b' r="', b' x="')  # no positions: each cell is the next
            zout.writestr(item, data)
    # without positions, D5 is the first cell of the third row: 3 rows of at most 3 cells
    monkeypatch.setattr(xlsx_size, "MAX_CELLS", 3 * 3 - 1)
    with pytest.raises(xlsx_size.SheetTooBig):
        xlsx_size.check(str(stripped), "stripped.xlsx")
    monkeypatch.setattr(xlsx_size, "MAX_CELLS", 3 * 3)
    xlsx_size.check(str(stripped), "stripped.xlsx")


def test_an_ordinary_export_passes(tmp_path: Path) -> None:
    source = tmp_path / "customers.xlsx"
    write_xlsx(source)
    xlsx_size.check(str(source), source.name)
    result = check_file(str(_plan(tmp_path, source)), read_data=True)
    assert not [d for d in result.diagnostics if d.code in ("PF502", "PF900")]


def test_a_column_with_a_heading_and_no_values_prints_nothing_extra(tmp_path: Path) -> None:
    """fastexcel logs "Could not determine dtype" for such a column; Python printed it on
    stderr in the middle of the summary. The real command, in its own process."""
    write_xlsx(tmp_path / "with-notes.xlsx", empty_columns=("备注",))
    plan = _plan(tmp_path, tmp_path / "with-notes.xlsx")
    done = subprocess.run(
        [sys.executable, "-m", "planforge", "segment", str(plan), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dtype" not in done.stdout + done.stderr
    assert (tmp_path / "out").is_dir()
