"""The documents: real counts and the data's name on the tiers page; customer rows only on request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from planforge.render.document import RenderOptions, render_file
from tests.segment.conftest import PLAN, render_with_tier_list


def _html(workdir: Path, **options) -> str:
    out = workdir / "out"
    outcome = render_file(
        str(workdir / PLAN.name), RenderOptions(formats=("html",), output=str(out), **options)
    )
    assert outcome.ok, outcome.error
    return (out / f"{PLAN.stem}.html").read_text("utf-8")


def test_the_tiers_page_shows_counts_from_the_data_and_never_rows(workdir: Path) -> None:
    html = _html(workdir)
    assert "数据来源: customers.csv" in html and "2024年4月1日" in html
    assert ">12<" in html  # 风险客户: 12 customers in the data, not share × customers
    assert "C1001" not in html and "华星科技" not in html


def test_with_tier_list_prints_the_masked_rows(workdir: Path) -> None:
    html = _html(workdir, with_tier_list=True)
    assert "客户分层清单" in html and "C1001" in html and "华星科技有限公司" in html
    assert "年消费 = 318,000; 合作年限 = 5; 投诉次数 = 0" in html
    assert "139****5678" in html and "13912345678" not in html


@pytest.mark.slow
def test_render_option_from_the_command_line(workdir: Path) -> None:
    out = workdir / "cli"
    render_with_tier_list(workdir / PLAN.name, out, "pdf")
    text = subprocess.run(
        ["pdftotext", str(out / f"{PLAN.stem}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "客户分层清单" in text and "C1037" in text
