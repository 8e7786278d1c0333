"""Issue 17.11: the CSV shapes real exports have are read, or refused with a located PF502."""

from __future__ import annotations

from pathlib import Path

import pytest

from planforge.check import check_file
from tests.segment.conftest import CSV, PLAN

ID = "crm-tiers-2024q2"


def _plan(folder: Path, data: bytes) -> Path:
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "customers.csv").write_bytes(data)
    plan = folder / "plan.yaml"
    plan.write_text(PLAN.read_text("utf-8"), "utf-8")
    return plan


def _codes(plan: Path, read_data: bool = True) -> dict[str, list[str]]:
    result = check_file(str(plan), read_data=read_data)
    out: dict[str, list[str]] = {}
    for d in result.diagnostics:
        out.setdefault(d.code, []).append(d.message)
    return out


def _bytes_read() -> int:
    """What this process has read so far (Linux's ``rchar``): a measure of the work
    done that, unlike a duration, does not depend on how fast the machine is."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("/proc/self/io has no rchar")


def _counts(plan: Path) -> dict[str, int]:
    result = check_file(str(plan), read_data=True)
    assert result.plan is not None
    return {t.id: t.customers for t in result.plan.tiers}


def test_cr_only_line_ends_are_read(tmp_path: Path) -> None:
    expected = _counts(_plan(tmp_path / "lf", CSV.read_bytes()))
    mac = CSV.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    plan = _plan(tmp_path, mac)
    codes = _codes(plan)
    assert not {"PF502", "PF900", "PF506"} & set(codes), codes
    assert _counts(plan) == expected and sum(expected.values()) > 30


def test_a_gb18030_byte_order_mark_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    data = b"\x84\x31\x95\x33" + CSV.read_text("utf-8").encode("gb18030")
    plan = _plan(tmp_path, data)
    for read_data in (False, True):
        codes = _codes(plan, read_data)
        assert not {"PF502", "PF505", "PF506", "PF900"} & set(codes), codes
    assert sum(_counts(plan).values()) > 30


def test_a_quoted_line_break_in_the_header_shifts_no_name(tmp_path: Path) -> None:
    text = CSV.read_text("utf-8")
    header, rest = text.split("\n", 1)
    names = header.split(",")
    names[6] = '"咨询\n次数"'  # a column no rule and no `show` uses
    plan = _plan(tmp_path, (",".join(names) + "\n" + rest).encode("utf-8"))
    for read_data in (False, True):
        codes = _codes(plan, read_data)
        assert not {"PF502", "PF505", "PF506", "PF900"} & set(codes), codes


def test_a_huge_source_without_a_line_break_is_refused_at_once(tmp_path: Path) -> None:
    plan = _plan(tmp_path, b"")
    with open(tmp_path / "data" / "customers.csv", "wb") as fh:
        fh.write("客户编号,客户名称,".encode())
        fh.truncate(2 * 1024**3)  # 2 GB, sparse: no line break anywhere
    before = _bytes_read()
    codes = _codes(plan, read_data=False)
    assert _bytes_read() - before < 16 * 1024**2  # the first megabyte, not the 2 GB
    (message,) = codes["PF502"]
    assert "no line break in its first megabyte" in message


@pytest.mark.parametrize("data", [b"", "\ufeff".encode()])
def test_an_empty_source_is_still_pf502(tmp_path: Path, data: bytes) -> None:
    assert "is empty" in _codes(_plan(tmp_path, data), read_data=False)["PF502"][0]
