"""The tier list's exact text: golden files over a CRM export full of awkward values.

``cases/tricky.csv`` has text with commas, quotes, line breaks and formula-like
starts, phone, ID-card and e-mail lookalikes in columns not named for them, floats
such as 1e16, 0.00001, -0.0 and NaN, 11- and 14-digit integers, true/false and
times of day. The golden files were written by the per-cell implementation that
came before the polars expressions, so they pin today's output byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from tests.reporters.test_golden import GOLDEN
from tests.segment.conftest import PLAN

CASES = Path(__file__).parent / "cases"
ID = "crm-tiers-2024q2"
RULES = {
    'rule: "投诉次数 >= 2"': "rule: \"投诉次数 >= 2 OR 备注 LIKE '%投诉%'\"",
    'rule: "年消费 >= 50000 AND days_since(最近消费日期) >= 90"': (
        'rule: "(年消费 >= 50000 AND days_since(最近消费日期) >= 90) OR 评分 > 1000000'
        " OR 大额 > 99999999999 OR 是否VIP IS NULL OR 登记时间 IS NULL OR 邮箱 LIKE '%corp%'\""
    ),
}
SHOW = "  show: [年消费, 合作年限, 投诉次数, 最近消费日期]\n"
VARIANTS = {
    # Without `show`: the key, the name and the rules' columns leave, masked.
    "masked": "",
    # Listed in `show`: copied as they are (the name is not listed: masked).
    "shown": "  show: [备注, 评分, 大额, 是否VIP, 登记时间, 邮箱, 年消费]\n",
}


def tricky_plan(folder: Path, variant: str, source: str = "tricky.csv") -> Path:
    """The example plan over cases/tricky.csv, with rules that use every awkward column."""
    (folder / "data").mkdir(exist_ok=True)
    shutil.copy(CASES / "tricky.csv", folder / "data" / "tricky.csv")
    text = PLAN.read_text("utf-8").replace("data/customers.csv", f"data/{source}")
    text = text.replace(SHOW, VARIANTS[variant])
    for old, new in RULES.items():
        assert old in text
        text = text.replace(old, new)
    plan = folder / PLAN.name
    plan.write_text(text, "utf-8")
    return plan


def xlsx_dump(path: Path) -> str:
    """Every cell of the tier list sheet with its type, one row a line."""
    import openpyxl

    sheet = openpyxl.load_workbook(path)["客户分层清单"]
    return "".join(
        " | ".join(f"{type(v).__name__}:{v!r}" for v in row) + "\n"
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_tier_list_keeps_its_exact_text(tmp_path: Path, variant: str, golden) -> None:
    plan = tricky_plan(tmp_path, variant)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    csv_bytes = (out / f"{ID}-tiers.csv").read_bytes()
    golden(GOLDEN / f"tricky-{variant}-tiers.csv", csv_bytes.decode("utf-8"))
    golden(GOLDEN / f"tricky-{variant}-tiers.xlsx.txt", xlsx_dump(out / f"{ID}-tiers.xlsx"))
    again = tmp_path / "again"
    assert CliRunner().invoke(main, ["segment", str(plan), "-o", str(again)]).exit_code == 0
    for name in (f"{ID}-tiers.csv", f"{ID}-tiers.xlsx"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


def test_masked_outputs_hold_no_personal_data(tmp_path: Path) -> None:
    from tests.segment.test_segment_cli import EMAIL, ID_CARD, PHONE

    out = tmp_path / "out"
    plan = tricky_plan(tmp_path, "masked")
    assert CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)]).exit_code == 0
    text = (out / f"{ID}-tiers.csv").read_bytes()
    for pattern in (PHONE, ID_CARD, EMAIL):
        assert not pattern.search(text), pattern.search(text)
    assert b"139****5678" in text and b"z***@corp.example.com" in text


def test_a_parquet_export_gives_the_same_list(tmp_path: Path) -> None:
    import polars as pl

    plan = tricky_plan(tmp_path, "masked")
    pl.read_csv(
        tmp_path / "data" / "tricky.csv",
        schema_overrides={"客户编号": pl.String, "客户名称": pl.String},
        infer_schema_length=10000,
        try_parse_dates=True,
    ).write_parquet(tmp_path / "data" / "tricky.parquet")
    out_csv, out_parquet = tmp_path / "csv", tmp_path / "parquet"
    args = ["--format", "csv"]
    assert (
        CliRunner().invoke(main, ["segment", str(plan), "-o", str(out_csv), *args]).exit_code == 0
    )
    plan = tricky_plan(tmp_path, "masked", "tricky.parquet")
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out_parquet), *args])
    assert result.exit_code == 0, result.output
    name = f"{ID}-tiers.csv"
    assert (out_parquet / name).read_bytes() == (out_csv / name).read_bytes()
