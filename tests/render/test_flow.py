"""Short sections share a page: which sections :mod:`planforge.render.flow` moves, and where."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from planforge.render.flow import Page, moves, reflow


def _tree() -> tuple[ET.Element, dict[str, int]]:
    root = ET.fromstring(
        "<html><head/><body>"
        '<section id="cover"/><section id="tiers"/><section id="timetable"/>'
        '<section id="budget"/><section id="evaluation"/></body></html>'
    )
    return root, {e.get("id"): id(e) for e in root.iter("section")}


def _pages(ids: dict[str, int], *spec: tuple[str, float, str]) -> list[Page]:
    return [Page(name, fill, tuple(ids[s] for s in names.split())) for name, fill, names in spec]


def test_a_section_alone_on_a_sparse_page_before_a_size_change_joins_the_next_run() -> None:
    root, ids = _tree()
    pages = _pages(
        ids,
        ("", 0.9, "cover"),
        ("", 0.12, "tiers"),
        ("landscape", 0.95, "timetable"),
        ("landscape", 0.5, "timetable"),
        ("", 0.9, "evaluation budget"),  # in any order: the first in the document wins
    )
    assert moves(pages) == ([ids["tiers"]], [ids["evaluation"], ids["budget"]])
    moved = reflow(root, pages)
    assert [s.get("id") for s in moved.iter("section")] == [
        "cover",
        "timetable",
        "tiers",
        "budget",
        "evaluation",
    ]
    assert [s.get("id") for s in root.iter("section")][1] == "tiers"  # the original stays


def test_no_move_without_a_lonely_section_on_a_sparse_page_before_a_size_change() -> None:
    root, ids = _tree()
    full = ("", 0.9, "cover")
    assert moves(_pages(ids, full, ("", 0.2, "tiers"))) is None  # the last page may be short
    assert moves(_pages(ids, ("", 0.2, "cover"), ("", 0.9, "tiers"))) is None  # same size
    assert moves(_pages(ids, full, ("", 0.5, "tiers"), ("landscape", 0.9, "timetable"))) is None
    spanning = _pages(ids, ("", 0.9, "cover"), ("", 0.2, "cover"), ("landscape", 0.9, "timetable"))
    assert reflow(root, spanning) is None  # the cover's tail cannot move


def test_a_move_with_nothing_after_goes_to_the_end() -> None:
    root, ids = _tree()
    pages = _pages(ids, ("", 0.9, "cover"), ("", 0.1, "tiers"), ("landscape", 0.9, "timetable"))
    assert moves(pages) == ([ids["tiers"]], [])
    moved = reflow(root, pages)
    assert [s.get("id") for s in moved.iter("section")][-1] == "tiers"


def test_a_band_of_gantt_rows_keeps_the_header_and_moves_its_rows_up() -> None:
    from planforge.render.flow import band

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="20mm" viewBox="0 0 100 20">'
        '<rect x="0" y="0" width="100" height="7" fill="#f3f6f9"/>'
        '<rect x="60" y="7" width="4" height="13" fill="#eceff3"/>'
        '<text x="1.6" y="4.6">Task</text>'
        + "".join(
            f'<line x1="0" y1="{7 + 4.4 * n:g}" x2="100" y2="{7 + 4.4 * n:g}"/>'
            f'<text x="1.6" y="{10.1 + 4.4 * n:g}">row {n}</text>'
            f'<g transform="translate(58,{7 + 4.4 * n:g})"><rect x="1" y="0.8" width="5" height="2.8"/></g>'
            for n in range(3)
        )
        + '<rect x="0.1" y="0.1" width="99.8" height="19.8" fill="none"/></svg>'
    )
    drawn, height = band(svg, 7.0, 4.4, 1, 3)
    assert height == 15.8
    assert 'height="15.8mm"' in drawn and 'viewBox="0 0 100 15.8"' in drawn
    assert "row 0" not in drawn and "Task" in drawn
    assert '<text x="1.6" y="10.1">row 1</text>' in drawn
    assert 'transform="translate(58,11.4)"' in drawn  # row 2, one row up
    assert 'height="8.8"' in drawn and 'height="15.6"' in drawn  # shading and frame, shortened
