"""``planforge segment`` end to end: formats, outputs, errors, privacy, SQL."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from tests.segment.conftest import PLAN, make_formats, render_with_tier_list, with_source

ID = "crm-tiers-2024q2"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def segment(plan: Path, out: Path, *extra: str):
    return run("segment", str(plan), "-o", str(out), *extra)


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_segment_writes_the_tier_list_and_prints_the_summary(workdir: Path) -> None:
    out = workdir / "out"
    result = segment(workdir / PLAN.name, out)
    assert result.exit_code == 0, result.output
    assert "38 rows, 38 in scope" in result.output
    assert re.search(r"high\s+高价值客户\s+2\s+5\.3%\s+5%", result.output)
    table = read_csv(out / f"{ID}-tiers.csv")
    assert table[0][:6] == [
        "客户编号",
        "客户名称",
        "所属层级",
        "分层依据",
        "核心需求",
        "维护策略建议",
    ]
    first = table[1]
    assert first[:3] == ["C1001", "华星科技有限公司", "高价值客户"]
    assert first[3] == "年消费 = 318,000; 合作年限 = 5; 投诉次数 = 0"
    assert first[4] == "定制化方案、高层对接、优先服务"
    tiers = [row[2] for row in table[1:]]
    assert tiers == sorted(tiers, key=["高价值客户", "风险客户", "中价值客户", "潜力客户"].index)
    assert len(table) == 1 + 38


def test_xlsx_has_the_list_and_the_summary_and_is_reproducible(workdir: Path) -> None:
    import openpyxl

    first, second = workdir / "a", workdir / "b"
    assert segment(workdir / PLAN.name, first, "--format", "xlsx").exit_code == 0
    assert segment(workdir / PLAN.name, second, "--format", "xlsx").exit_code == 0
    a, b = (p / f"{ID}-tiers.xlsx" for p in (first, second))
    assert a.read_bytes() == b.read_bytes()
    assert not (first / f"{ID}-tiers.csv").exists()
    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames == ["客户分层清单", "分层汇总"]
    summary = [list(r) for r in wb["分层汇总"].iter_rows(values_only=True)]
    assert summary[1][:5] == ["high", "高价值客户", 2, "5.3%", "5%"]
    assert ["", "未分层", 0, "0.0%", None, None] in [r[:6] for r in summary] or any(
        r[1] == "未分层" and r[2] == 0 for r in summary
    )
    assert any(r[0] == "数据来源" and r[1] == "customers.csv" for r in summary)
    rows = list(wb["客户分层清单"].iter_rows(values_only=True))
    assert rows[1][0] == "C1001" and rows[1][6] == 318000


@pytest.mark.parametrize("fmt", ["gbk", "xlsx", "parquet"])
def test_every_format_gives_the_same_tier_list(workdir: Path, fmt: str) -> None:
    sources = make_formats(workdir)
    expected_dir, got_dir = workdir / "utf8", workdir / fmt
    assert segment(workdir / PLAN.name, expected_dir, "--format", "csv").exit_code == 0
    plan = with_source(workdir, sources[fmt])
    result = segment(plan, got_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert (got_dir / f"{ID}-tiers.csv").read_bytes() == (
        expected_dir / f"{ID}-tiers.csv"
    ).read_bytes()


def test_source_option_overrides_the_plan(workdir: Path) -> None:
    sources = make_formats(workdir)
    out = workdir / "out"
    result = segment(workdir / PLAN.name, out, "--source", str(workdir / "data" / sources["gbk"]))
    assert result.exit_code == 0, result.output
    assert len(read_csv(out / f"{ID}-tiers.csv")) == 39


def test_a_missing_file_is_a_clear_error_and_nothing_is_written(workdir: Path) -> None:
    plan = with_source(workdir, "nowhere.csv")
    out = workdir / "out"
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 1
    assert "error[PF502]" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_duplicate_keys_name_the_rows_and_nothing_is_written(workdir: Path) -> None:
    data = workdir / "data" / "customers.csv"
    lines = data.read_text("utf-8").splitlines()
    data.write_text("\n".join([*lines, lines[3]]) + "\n", "utf-8")  # C1003 again, as row 40
    out = workdir / "out"
    result = CliRunner().invoke(main, ["segment", str(workdir / PLAN.name), "-o", str(out)])
    assert result.exit_code == 1
    assert "error[PF507]" in result.output and "`C1003` on rows 4, 40" in result.output
    assert not out.exists()


def test_an_empty_source_is_an_error(workdir: Path) -> None:
    data = workdir / "data" / "customers.csv"
    data.write_text(data.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    result = CliRunner().invoke(main, ["segment", str(workdir / PLAN.name), "-o", str(workdir)])
    assert result.exit_code == 1
    assert "error[PF508]" in result.output and "no customer rows" in result.output


def test_unassigned_customers_are_listed_and_counted(workdir: Path) -> None:
    plan = workdir / PLAN.name
    text = plan.read_text("utf-8")
    text = text.replace(
        "    criteria: 其余客户\n", '    criteria: 其余客户\n    rule: "咨询次数 >= 6"\n'
    )
    plan.write_text(text, "utf-8")
    out = workdir / "out"
    result = CliRunner().invoke(main, ["segment", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning[PF512]" in result.output
    unassigned = re.search(r"未分层\s+(\d+)", result.output)
    assert unassigned and int(unassigned[1]) > 0
    table = read_csv(out / f"{ID}-tiers.csv")
    assert sum(1 for r in table[1:] if r[2] == "未分层") == int(unassigned[1])


def test_segment_refuses_a_plan_without_segmentation(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    result = CliRunner().invoke(main, ["segment", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "no `segmentation` block" in result.output


PHONE = re.compile(rb"1[3-9]\d{9}")
ID_CARD = re.compile(rb"\d{17}[\dX]")
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+\.\w+")


def _all_outputs(folder: Path) -> list[bytes]:
    import zipfile

    out = []
    for path in folder.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                out += [zf.read(n) for n in zf.namelist()]
        elif path.is_file():
            out.append(path.read_bytes())
    return out


def test_no_phone_id_card_or_email_leaves_the_source(workdir: Path) -> None:
    plan = workdir / PLAN.name
    text = plan.read_text("utf-8")
    # A rule on the phone column (its values would be the tier's 分层依据) and no `show`:
    text = text.replace("  show: [年消费, 合作年限, 投诉次数, 最近消费日期]\n", "")
    text = text.replace('rule: "投诉次数 >= 2"', "rule: \"投诉次数 >= 2 OR 手机号 LIKE '139%'\"")
    plan.write_text(text, "utf-8")
    out = workdir / "out"
    assert segment(plan, out).exit_code == 0
    assert run("export", str(plan), "-o", str(out / "plan.json")).exit_code == 0
    render_with_tier_list(plan, out, "html")
    blobs = _all_outputs(out)
    assert len(blobs) > 5
    source = (workdir / "data" / "customers.csv").read_bytes()
    assert PHONE.search(source) and ID_CARD.search(source) and EMAIL.search(source)
    for blob in blobs:
        assert not PHONE.search(blob), PHONE.search(blob)
        assert not ID_CARD.search(blob)
        assert not EMAIL.search(blob), EMAIL.search(blob)
    listing = read_csv(out / f"{ID}-tiers.csv")
    assert listing[[r[0] for r in listing].index("C1037")][:2] == ["C1037", "139****5678"]
    # Columns nobody allowed never appear at all.
    assert "身份证号" not in listing[0] and "所在城市" not in listing[0]


def test_a_column_listed_in_show_is_copied_unmasked(workdir: Path) -> None:
    plan = workdir / PLAN.name
    text = plan.read_text("utf-8").replace(
        "  show: [年消费, 合作年限, 投诉次数, 最近消费日期]", "  show: [客户名称, 年消费, 手机号]"
    )
    plan.write_text(text, "utf-8")
    out = workdir / "out"
    assert segment(plan, out, "--format", "csv").exit_code == 0
    listing = read_csv(out / f"{ID}-tiers.csv")
    assert listing[0][6:] == ["年消费", "手机号"]
    row = listing[[r[0] for r in listing].index("C1037")]
    assert row[1] == "13912345678" and row[7] == "13912345678"


@pytest.mark.parametrize("dialect", ["spark", "trino", "duckdb", "postgres"])
def test_sql_prints_one_statement_with_an_explicit_group_by(workdir: Path, dialect: str) -> None:
    result = segment(
        workdir / PLAN.name, workdir / "out", "--sql", dialect, "--table", "crm.customers"
    )
    assert result.exit_code == 0, result.output
    sql = result.output
    assert sql.count(";") == 1 and "GROUP BY" in sql and "GROUP BY ALL" not in sql
    assert "CASE" in sql and "'high'" in sql and "年消费" in sql
    assert not (workdir / "out").exists()
    import sqlglot

    assert sqlglot.parse_one(sql.rstrip().rstrip(";"), read=dialect).find(sqlglot.exp.Group)


def test_too_many_customers_for_a_sheet_is_refused_before_writing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("planforge.segment.command.XLSX_ROWS", 10)
    out = workdir / "out"
    result = CliRunner().invoke(main, ["segment", str(workdir / PLAN.name), "-o", str(out)])
    assert result.exit_code == 1
    assert "more than an XLSX sheet holds" in result.output and "--format csv" in result.output
    assert not out.exists()
