"""Layout of the printed plan: no stranded headings, no empty pages, no overlapping labels.

Rendered once per session: the two examples, the two trial plans a first-time user
wrote, and a year-long plan with monthly occurrences, holidays, a milestone and deadlines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planforge.check import check_file
from planforge.model import Occurrence
from planforge.render import view
from planforge.render.document import RenderOptions, plan_date, render_file
from planforge.render.html import builtin_templates, render_html
from planforge.schedule.calendar import WorkCalendar
from tests import pdf_layout
from tests.conftest import PLANS, ROOT

LAYOUT = Path(__file__).parent / "layout"
YEAR = LAYOUT / "vip-care-2025.yaml"
TRIAL = Path(__file__).parent / "trial-plans"  # as a first-time user wrote them
D = dt.date


def monthly(cal: WorkCalendar, start: dt.date, months: int) -> list[Occurrence]:
    """Two-working-day visits on the same day each month, moved to the next working day."""
    out = []
    for n in range(months):
        day = cal.next_working_day(start.replace(month=start.month + n))
        out.append(Occurrence(day, cal.add_working_days(day, 1)))
    return out


def render_year_plan(out: Path) -> None:
    """The year-long fixture with the schedule's fields set as the schedule stage would."""
    result = check_file(str(YEAR))
    assert not result.failed()
    plan = result.plan
    tasks = {t.id: t for t in plan.tasks}
    tasks["visit"].occurrences = monthly(plan.calendar, D(2025, 2, 5), 10)
    tasks["kickoff"].milestone = tasks["gala"].milestone = True
    tasks["report"].deadline = D(2025, 12, 24)
    plan.phases[0].deadline = D(2025, 1, 31)
    for tid in ("list", "calendar", "kickoff", "visit", "report"):
        tasks[tid].critical = True
        tasks[tid].total_float = 0
    info = view.RenderInfo(result.document.sha256, plan_date(plan))
    html = render_html(view.build(plan, info))
    (out / f"{plan.id}.html").write_text(html, "utf-8")
    from planforge.render.pdf import html_to_pdf

    pdf = html_to_pdf(html, str(builtin_templates()), [str(LAYOUT)])
    (out / f"{plan.id}.pdf").write_bytes(pdf)


PLANS_UNDER_TEST = [
    PLANS / "reactivation-2024q2.yaml",
    PLANS / "key-accounts-care-2024h2.yaml",
    TRIAL / "complaint-recovery-2025q1.yaml",
    TRIAL / "winback-email-2025-03.yaml",
    YEAR,
]


@pytest.fixture(scope="session")
def layout_dir(rendered_examples: Path) -> Path:
    for plan in PLANS_UNDER_TEST[2:4]:
        outcome = render_file(str(plan), RenderOptions(output=str(rendered_examples)))
        assert outcome.ok, outcome.error
    render_year_plan(rendered_examples)
    return rendered_examples


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_page_is_only_a_heading_or_ends_on_one(plan: Path, layout_dir: Path) -> None:
    pdf = layout_dir / f"{plan.stem}.pdf"
    html = (layout_dir / f"{plan.stem}.html").read_text("utf-8")
    assert pdf_layout.stranded(str(pdf), html) == []


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_page_is_wasted_on_a_few_rows(plan: Path, layout_dir: Path) -> None:
    assert pdf_layout.short_pages(str(layout_dir / f"{plan.stem}.pdf")) == []


@pytest.mark.parametrize("plan", PLANS_UNDER_TEST, ids=lambda p: p.stem)
def test_no_two_words_overlap(plan: Path, layout_dir: Path) -> None:
    pdf = layout_dir / f"{plan.stem}.pdf"
    clashes = [(a.text, b.text, a.page) for a, b in pdf_layout.overlaps(str(pdf))]
    assert clashes == []


def test_year_plan_shows_its_schedule(layout_dir: Path) -> None:
    html = (layout_dir / "vip-care-2025.html").read_text("utf-8")
    # one row of ten occurrences, two milestone diamonds, deadlines, holidays, as-of line
    visit_row = next(r for r in html.split("<tr") if "每月客户回访</th>" in r)
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
