"""Fixtures for the segmentation tests: the example plan and its CRM export in every format."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLANS

PLAN = PLANS / "crm-tiers-2024q2.yaml"
CSV = PLANS / "data" / "customers.csv"


def rows() -> list[list[str]]:
    with open(CSV, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_xlsx(path: Path, empty_columns: tuple[str, ...] = ()) -> None:
    """The export as a CRM saves it to Excel: numbers as numbers, dates as date cells;
    ``empty_columns`` are headings added at the end with no value under them."""
    import xlsxwriter

    header, *body = rows()
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2024, 4, 1)})
    sheet = wb.add_worksheet("客户")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [*header, *empty_columns])
    for r, row in enumerate(body, 1):
        for c, (name, value) in enumerate(zip(header, row, strict=True)):
            if name in ("年消费", "合作年限", "投诉次数", "咨询次数"):
                sheet.write_number(r, c, int(value))
            elif name == "最近消费日期":
                sheet.write_datetime(r, c, dt.datetime.fromisoformat(value), date_fmt)
            else:
                sheet.write_string(r, c, value)
    wb.close()


def write_parquet(path: Path) -> None:
    import polars as pl

    pl.read_csv(
        CSV,
        schema_overrides={"客户编号": pl.String, "手机号": pl.String, "身份证号": pl.String},
        try_parse_dates=True,
    ).write_parquet(path)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A copy of the example plan and its data folder."""
    shutil.copy(PLAN, tmp_path / PLAN.name)
    shutil.copytree(PLANS / "data", tmp_path / "data")
    return tmp_path


def with_source(workdir: Path, source: str, text: str | None = None) -> Path:
    """The example plan in ``workdir`` pointed at ``data/<source>``."""
    plan = workdir / PLAN.name
    body = text if text is not None else plan.read_text("utf-8")
    plan.write_text(body.replace("source: data/customers.csv", f"source: data/{source}"), "utf-8")
    return plan


def make_formats(workdir: Path) -> dict[str, str]:
    """The export in UTF-8 CSV, GBK CSV, XLSX and Parquet; name -> file name under data/."""
    data = workdir / "data"
    (data / "customers-gbk.csv").write_bytes(CSV.read_text("utf-8").encode("gbk"))
    write_xlsx(data / "customers.xlsx")
    write_parquet(data / "customers.parquet")
    return {
        "utf8": "customers.csv",
        "gbk": "customers-gbk.csv",
        "xlsx": "customers.xlsx",
        "parquet": "customers.parquet",
    }


def render_with_tier_list(plan: Path, out: Path, fmt: str) -> None:
    """``planforge render --with-tier-list`` in a real process (render forks workers, and
    polars, loaded by the test process, must not be forked)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "planforge",
            "render",
            str(plan),
            "-o",
            str(out),
            "--format",
            fmt,
            "--with-tier-list",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
