"""Layout of the printed plan: no stranded headings, no empty pages, no overlapping labels,
and the page rules a manager checks: no Gantt page of a few rows, no short table split,
no page but the last under a third full.

Rendered once per session: the examples, the two trial plans a first-time user wrote,
a year-long plan with monthly occurrences, China's holidays, a blackout, milestones
and deadlines (tests/layout/vip-care-2025.yaml), and two plans that cross a year: a
zh-CN Spring Festival plan of 34 Gantt rows and an English one with dependency types,
a missed deadline and per-customer quantities (tests/layout/).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planforge.render import view
from planforge.render.document import RenderOptions, render_file
from planforge.render.geometry import PAGE_ROWS
from tests import pdf_layout
from tests.conftest import PLANS, ROOT

# Its fixture prints seven more plans to PDF (about 6 s); each test is then quick.
pytestmark = pytest.mark.slow

LAYOUT = Path(__file__).parents[1] / "layout"
YEAR = LAYOUT / "vip-care-2025.yaml"
TRIAL = Path(__file__).parents[1] / "trial-plans"  # as a first-time user wrote them


CHINA = Path(__file__).parents[1] / "scheduling" / "china-2024q2.yaml"  # SS/FF with lags
PLANS_UNDER_TEST = [
    PLANS / "reactivation-2024q2.yaml",
    PLANS / "key-accounts-care-2024h2.yaml",
    TRIAL / "complaint-recovery-2025q1.yaml",
    TRIAL / "winback-email-2025-03.yaml",
    YEAR,
    PLANS / "crm-tiers-2024q2.yaml",
    PLANS / "winback-2024q2.yaml",
    CHINA,
    LAYOUT / "spring-festival-care-2027.yaml",
    LAYOUT / "renewal-risk-2026.yaml",
]
SPRING, RENEWAL = PLANS_UNDER_TEST[-2:]


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
    for page in ("documents.md", "documents.en.md"):  # the docs site's page on the documents
        text = (ROOT / "docs" / page).read_text("utf-8")
        assert all(f"(pages/{p.name})" in text for p in images), page


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


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_gantt_page_of_a_few_rows(plan: Path, layout_dir: Path) -> None:
    """Rows are balanced over a chart's pages: never 33 and 1, never under 5 on a page."""
    for pages in pdf_layout.gantt_pages(_rendered(layout_dir, plan)[1]):
        assert max(pages) <= PAGE_ROWS
        assert len(pages) == 1 or min(pages) >= 5, pages


def test_a_long_gantt_is_split_evenly(layout_dir: Path) -> None:
    pdf, html = _rendered(layout_dir, SPRING)
    assert pdf_layout.gantt_pages(html) == [[17, 17]]  # 3 phases and 31 tasks
    assert pdf_layout.page_count(str(pdf)) == 7


def test_balanced_runs() -> None:
    for n in range(1, 200):
        runs = view.balanced(list(range(n)), PAGE_ROWS)
        assert [x for run in runs for x in run] == list(range(n))
        sizes = [len(run) for run in runs]
        assert max(sizes) <= PAGE_ROWS and max(sizes) - min(sizes) <= 1
        assert len(runs) == -(-n // PAGE_ROWS)


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_short_table_is_split_or_apart_from_its_heading(plan: Path, layout_dir: Path) -> None:
    """A table of fewer than 8 rows (the 4-row evaluation form of renewal-risk-2026 fell
    2 + 2) prints on one page, with its heading."""
    pdf, html = _rendered(layout_dir, plan)
    assert pdf_layout.split_tables(str(pdf), html) == []


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_page_but_the_last_is_under_a_third_full(plan: Path, layout_dir: Path) -> None:
    assert pdf_layout.sparse_pages(str(_out(layout_dir, plan, "pdf"))) == []


#: The width of the timetable's date columns: 6% of the landscape text width (269 mm), in pt.
DATE_COLUMN = 0.06 * 269 / 25.4 * 72


@pytest.mark.parametrize(
    ("plan", "headers"), [(SPRING, ("开始", "结束")), (RENEWAL, ("Start", "End"))], ids=["zh", "en"]
)
def test_dates_fit_their_columns_across_a_year(plan: Path, headers, layout_dir: Path) -> None:
    """``2026年11月23日`` ran into the next column: the year now prints above the day."""
    pdf = str(_out(layout_dir, plan, "pdf"))
    for header in headers:
        assert pdf_layout.column_overflows(pdf, header, DATE_COLUMN) == []
    text = pdf_layout.run("pdftotext", "-layout", "-f", "2", "-l", "2", pdf, "-")
    assert "2026" in text and "2027" in text


@pytest.mark.parametrize("plan", [RENEWAL, CHINA], ids=lambda p: p.stem)
def test_depends_on_shows_type_and_lag_as_the_exports_write_them(
    plan: Path, layout_dir: Path
) -> None:
    from planforge.check import check_file
    from planforge.export.tables import predecessors

    text = pdf_layout.squash(pdf_layout.run("pdftotext", str(_out(layout_dir, plan, "pdf")), "-"))
    tasks = check_file(plan).plan.tasks
    written = [predecessors(t) for t in tasks if t.dependencies]
    assert any(re.search(r" (SS|FF)", w) for w in written)  # the material has them
    for line in written:
        for entry in line.split(", "):
            assert pdf_layout.squash(entry) in text, entry


def test_a_missed_deadline_is_marked_on_the_gantt(layout_dir: Path) -> None:
    html = _out(layout_dir, RENEWAL, "html").read_text("utf-8")
    row = html.split("On-site visits to critical accounts</text>")[1].split("</g>")[0]
    assert '<rect x="' in row and 'fill="#b3261e"/>' in row  # the days past the deadline
    late = html.split("Quarterly business reviews</text>")[1].split("</g>")[0]
    assert 'fill="#b3261e"/>' not in late  # on time: no mark
    text = pdf_layout.run("pdftotext", str(_out(layout_dir, RENEWAL, "pdf")), "-")
    assert "Past deadline" in text


def test_per_customer_quantities_print_as_whole_numbers(layout_dir: Path) -> None:
    text = pdf_layout.run("pdftotext", str(_out(layout_dir, RENEWAL, "pdf")), "-")
    assert "40 trips × $900.00" in text and "30 dinners" in text
    assert "40.0" not in text


def test_a_short_section_shares_a_page_instead_of_standing_alone(layout_dir: Path) -> None:
    """Seven sign-offs push the 2-row tier table off the cover page; before the landscape
    timetable it stood alone on a page 88% blank. It now joins the budget's page."""
    pdf = str(_out(layout_dir, SPRING, "pdf"))
    pages = pdf_layout.page_lines(pdf)
    tiers = next(n for n, lines in enumerate(pages) if "客户分层与需求" in lines)
    assert "预算表" in pages[tiers] and tiers > 1
    assert pdf_layout.sparse_pages(pdf) == []


def test_a_deadline_breaks_only_between_its_label_and_date_parts(layout_dir: Path) -> None:
    """``截止 12月24日`` broke as ``截止 12月24`` / ``日`` in its narrow column."""
    page = [w.text for w in pdf_layout.words(str(_out(layout_dir, YEAR, "pdf"))) if w.page == 2]
    assert "12月24日" in page
    spring = pdf_layout.words(str(_out(layout_dir, RENEWAL, "pdf")))
    assert [w.text for w in spring if w.page == 2 and w.text == "Deadline"]


def test_a_gantt_starts_under_the_end_of_the_task_table(layout_dir: Path) -> None:
    """The 24-row chart did not fit under the table's last rows (page 4, 28% full): its
    first rows now fill that page and the rest follow under the header, each row once."""
    pdf = str(_out(layout_dir, RENEWAL, "pdf"))
    pages = [pdf_layout.squash(" ".join(lines)) for lines in pdf_layout.page_lines(pdf)]
    assert "Ganttchart" in pages[3] and "Follow-upcallwave14with" in pages[3]  # table's tail
    for n in range(1, 15):  # a Gantt label is cut short with an ellipsis
        label = rf"Follow-upcallwave{n}withthe\w*…"
        assert sum(len(re.findall(label, page)) for page in pages) == 1, label
    assert pdf_layout.sparse_pages(pdf) == [] and pdf_layout.overlaps(pdf) == []


@pytest.mark.slow  # the monitoring history evaluates the plan at 14 checkpoints
def test_the_review_keeps_the_page_rules(tmp_path: Path) -> None:
    """The 复盘 report of the shipped example, in both languages, by the same page rules."""
    import datetime as dt

    for locale in ("zh-CN", "en"):
        options = RenderOptions(
            output=str(tmp_path / locale),
            sections=("review",),
            as_of=dt.date(2024, 8, 31),
            locale=locale,
        )
        outcome = render_file(str(PLANS / "winback-2024q2.yaml"), options)
        assert outcome.ok, outcome.error
        pdf = tmp_path / locale / "winback-2024q2.review.pdf"
        html = (tmp_path / locale / "winback-2024q2.review.html").read_text("utf-8")
        assert pdf_layout.stranded(str(pdf), html) == []
        assert pdf_layout.short_pages(str(pdf)) == []
        assert [(a.text, b.text) for a, b in pdf_layout.overlaps(str(pdf))] == []
