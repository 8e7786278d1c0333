"""Gantt geometry: the unit chosen from the span, Monday weeks, labels that never overlap."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.present.formatting import duration_text, plural, quantity_text
from planforge.render import charts, gantt

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "kind", "charts_"),
    [
        (D(2025, 3, 10), D(2025, 3, 16), "day", 1),  # one week
        (D(2025, 3, 3), D(2025, 4, 13), "day", 1),  # six weeks: one grid, not 31 + 11 days
        (D(2025, 1, 1), D(2025, 12, 31), "week", 1),  # a year
        (D(2024, 1, 1), D(2025, 12, 31), "month", 1),  # two years
        (D(2020, 1, 1), D(2025, 12, 31), "month", 3),  # six years: continued
    ],
)
def test_one_scale_chosen_from_the_span(start, end, kind, charts_) -> None:
    grids = gantt.grids(start, end)
    assert [g.kind for g in grids] == [kind] * charts_
    assert len({round(g.column, 6) for g in grids}) == 1  # same column width throughout
    assert all(g.width <= gantt.GRID_MM + 1e-6 for g in grids)
    assert grids[0].start <= start and grids[-1].end >= end


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    (week,) = gantt.grids(D(2025, 1, 1), D(2025, 12, 31))  # 1 January 2025 is a Wednesday
    assert week.start == D(2024, 12, 30) and all(u.weekday() == 0 for u in week.units)
    (month,) = gantt.grids(D(2024, 3, 15), D(2025, 12, 31))
    assert all(u.day == 1 for u in month.units)


def test_a_bar_covers_its_days_on_the_grid() -> None:
    (grid,) = gantt.grids(D(2025, 3, 3), D(2025, 4, 13))
    x, w = grid.span(D(2025, 3, 4), D(2025, 3, 5))
    assert x == pytest.approx(grid.column, abs=0.01)
    assert w == pytest.approx(2 * grid.column, abs=0.01)
    assert grid.span(D(2025, 5, 1), D(2025, 5, 2)) is None


def _clear(labels: list[gantt.Label]) -> bool:
    spans = sorted((lb.x, lb.x + gantt.text_width(lb.text)) for lb in labels)
    return all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@settings(max_examples=60, deadline=None)
@given(
    st.dates(D(2020, 1, 1), D(2030, 1, 1)),
    st.integers(1, 1200),
    st.sampled_from(["zh-CN", "en"]),
)
def test_header_labels_never_overlap(start: dt.date, days: int, locale: str) -> None:
    for grid in gantt.grids(start, start + dt.timedelta(days=days)):
        bands, dividers = grid.band_labels(locale)
        assert _clear(grid.unit_labels(locale)) and _clear(bands)
        for label in bands:  # a band label stays inside its segment
            right = min([d for d in dividers if d > label.x] + [grid.width])
            assert label.x + gantt.text_width(label.text) <= right + 1e-6


def test_narrow_month_segment_gets_a_short_label_or_none() -> None:
    (grid,) = gantt.grids(D(2025, 3, 30), D(2025, 5, 10))  # two days of March
    texts = [b.text for b in grid.band_labels("zh-CN")[0]]
    assert "2025年3月" not in texts and "2025年4月" in texts


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1周", "zh-CN", "1周"),
        ("2d", "en", "2 days"),
        ("1w", "en", "1 week"),
        ("48h", "zh-CN", "48小时"),
    ],
)
def test_response_times_as_written(text: str, locale: str, expected: str) -> None:
    assert duration_text(text, locale) == expected


def test_quantities_spaced_and_pluralised_in_english_only() -> None:
    assert quantity_text(Decimal(9000), "send", "en") == "9,000 sends"
    assert quantity_text(Decimal(1), "coupon", "en") == "1 coupon"
    assert quantity_text(Decimal(38), "coupon", "en") == "38 coupons"
    assert quantity_text(Decimal(54), "张", "zh-CN") == "54张"
    assert [plural(u) for u in ("copy", "box", "kg", "days")] == ["copies", "boxes", "kg", "days"]


def test_long_kpi_names_wrap_and_no_chart_without_values() -> None:
    lines = charts.wrap("Lapsed customers who ordered again within thirty days", 180)
    assert (
        len(lines) > 1
        and " ".join(lines) == "Lapsed customers who ordered again within thirty days"
    )
    assert charts.kpi_chart([]) == ([], 0)
