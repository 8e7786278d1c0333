"""Layout of the printed plan: no stranded headings, no empty pages, no overlapping labels.

Rendered once per session: the examples, the two trial plans a first-time user wrote,
and a year-long plan with monthly occurrences, China's holidays, a blackout, milestones
and deadlines (tests/layout/vip-care-2025.yaml).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planforge.render.document import RenderOptions, render_file
from tests import pdf_layout
from tests.conftest import PLANS, ROOT

LAYOUT = Path(__file__).parent / "layout"
YEAR = LAYOUT / "vip-care-2025.yaml"
TRIAL = Path(__file__).parent / "trial-plans"  # as a first-time user wrote them


PLANS_UNDER_TEST = [
    PLANS / "reactivation-2024q2.yaml",
    PLANS / "key-accounts-care-2024h2.yaml",
    TRIAL / "complaint-recovery-2025q1.yaml",
    TRIAL / "winback-email-2025-03.yaml",
    YEAR,
    PLANS / "crm-tiers-2024q2.yaml",
    Path(__file__).parent / "scheduling" / "china-2024q2.yaml",
]


def _out(layout_dir: Path, plan: Path, ext: str) -> Path:
    """Where ``plan`` was rendered: output files are named after the plan's id."""
    plan_id = re.search(r"^id: (\S+)", plan.read_text("utf-8"), re.M).group(1)
    return layout_dir / f"{plan_id}.{ext}"


def _rendered(layout_dir: Path, plan: Path) -> tuple[Path, str]:
    return _out(layout_dir, plan, "pdf"), _out(layout_dir, plan, "html").read_text("utf-8")


@pytest.fixture(scope="session")
def layout_dir(rendered_examples: Path) -> Path:
    for plan in PLANS_UNDER_TEST[2:]:
        outcome = render_file(str(plan), RenderOptions(output=str(rendered_examples)))
        assert outcome.ok, outcome.error
    return rendered_examples


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_page_is_only_a_heading_or_ends_on_one(plan: Path, layout_dir: Path) -> None:
    pdf, html = _rendered(layout_dir, plan)
    assert pdf_layout.stranded(str(pdf), html) == []


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_page_is_wasted_on_a_few_rows(plan: Path, layout_dir: Path) -> None:
    assert pdf_layout.short_pages(str(_out(layout_dir, plan, "pdf"))) == []


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_two_words_overlap(plan: Path, layout_dir: Path) -> None:
    pdf = _out(layout_dir, plan, "pdf")
    clashes = [(a.text, b.text, a.page) for a, b in pdf_layout.overlaps(str(pdf))]
    assert clashes == []


def test_year_plan_shows_its_schedule(layout_dir: Path) -> None:
    html = (layout_dir / "vip-care-2025.html").read_text("utf-8")
    # one row of ten occurrences, two milestone diamonds, deadlines, holidays, as-of line
    visit_row = html.split("每月客户回访</text>")[1].split("</g>")[0]
    assert visit_row.count("<rect") == 10
    assert html.count('<path d="M') >= 2 + 2 * 2
    for label in ("里程碑", "关键路径", "截止", "节假日", "进度日期 2025年6月18日"):
        assert label in html, label
    words = pdf_layout.words(str(layout_dir / "vip-care-2025.pdf"))
    texts = {w.text for w in words}
    assert {"2025年1月", "2025年12月"} <= texts  # month band on its own row


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST[:2], ids=lambda p: p.stem)
def test_readme_shows_every_page_of_the_examples(plan: Path, rendered_examples: Path) -> None:
    """``docs/pages`` holds one image per page (``./dev pages`` remakes them)."""
    pages = pdf_layout.page_count(str(rendered_examples / f"{plan.stem}.pdf"))
    images = sorted((ROOT / "docs" / "pages").glob(f"{plan.stem}-*.png"))
    assert [p.name for p in images] == [f"{plan.stem}-{n}.png" for n in range(1, pages + 1)]
    readme = (ROOT / "README.md").read_text("utf-8")
    assert all(f'src="docs/pages/{p.name}"' in readme for p in images)


@pytest.mark.parametrize("plan", [PLANS_UNDER_TEST[0], PLANS_UNDER_TEST[2]], ids=lambda p: p.stem)
def test_one_date_style_and_no_label_twice(plan: Path, layout_dir: Path) -> None:
    text = pdf_layout.run("pdftotext", "-layout", str(_out(layout_dir, plan, "pdf")), "-")
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)  # no ISO dates beside 2025年3月3日
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", text)
    assert pdf_layout.squash(text).count("复盘安排") == 1  # the heading, not also a label


def test_response_times_print_as_written(layout_dir: Path) -> None:
    zh = pdf_layout.run("pdftotext", str(layout_dir / "vip-care-2025.pdf"), "-")
    en = pdf_layout.run("pdftotext", str(layout_dir / "key-accounts-care-2024h2.pdf"), "-")
    assert "1周" in zh and "168" not in zh
    assert re.search(r"\b2 days\b", en) and "24 hours" in en and "48 h" not in en
