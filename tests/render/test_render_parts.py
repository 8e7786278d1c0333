"""A long document is printed in parts (memory stays flat), and reads exactly as if it had
been printed in one pass: same pages, same text on each, "page N of M" right, same
outline, destinations and metadata."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from planforge.render import parts
from planforge.render.html import builtin_templates
from tests.conftest import EXAMPLE
from tests.pdf_layout import page_sizes, run
from tests.render.test_render_limits import big_plan

TEMPLATES = str(builtin_templates())
HTML_ONLY = ("--format", "html")


def document(tmp_path: Path, text: str) -> str:
    """The HTML document of a plan, as ``planforge render`` makes it."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    subprocess.run(
        [sys.executable, "-m", "planforge", "render", str(plan), "-o", str(tmp_path), *HTML_ONLY],
        check=True,
        capture_output=True,
    )
    return next(tmp_path.glob("*.html")).read_text("utf-8")


def print_pdf(html: str, monkeypatch: pytest.MonkeyPatch, part_weight: int | None) -> bytes:
    """The PDF of ``html``: in one pass (``None``) or in parts of ``part_weight`` rows."""
    from planforge.render.pdf import html_to_pdf

    with monkeypatch.context() as m:
        if part_weight is None:
            m.setattr(parts, "ONE_PASS_WEIGHT", 10**9)
        else:
            m.setattr(parts, "ONE_PASS_WEIGHT", 0)
            m.setattr(parts, "PART_WEIGHT", part_weight)
        return html_to_pdf(html, TEMPLATES, [TEMPLATES], shared=True)


def pages_text(pdf: Path) -> list[str]:
    """Each page's text as ``pdftotext -layout`` lays it out, header and footer included."""
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")


def counted_parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Patch the part printer to count the parts it prints."""
    seen: list[int] = []
    original = parts._parts

    def counting(*args, **kwargs):
        for part in original(*args, **kwargs):
            seen.append(len(part.pages))
            yield part

    monkeypatch.setattr(parts, "_parts", counting)
    return seen


@pytest.fixture(scope="module")
def long_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    return document(tmp_path_factory.mktemp("long"), big_plan(120))


@pytest.fixture(scope="module")
def one_pass(long_html: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as m:
        pdf = tmp_path_factory.mktemp("one") / "one.pdf"
        pdf.write_bytes(print_pdf(long_html, m, None))
    return pdf


@pytest.mark.slow
def test_parts_read_exactly_as_one_pass(
    long_html: str, one_pass: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = counted_parts(monkeypatch)
    pdf = tmp_path / "parts.pdf"
    pdf.write_bytes(print_pdf(long_html, monkeypatch, 30))
    assert len(seen) >= 4, seen  # really printed in parts
    expected = pages_text(one_pass)
    assert pages_text(pdf) == expected  # every page, with its header and "page N of M"
    total = len(expected) - 1  # the text ends with a form feed
    assert f"第 {total} 页 / 共 {total} 页" in expected[-2]
    assert page_sizes(str(pdf)) == page_sizes(str(one_pass))  # landscape timetable pages
    assert images(pdf) == images(one_pass)  # and the same drawing, pixel for pixel


def images(pdf: Path) -> list[bytes]:
    """Every page as a small PNG."""
    out = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(out)], check=True)
    return [p.read_bytes() for p in sorted(pdf.parent.glob(f"{out.name}-*.png"))]


@pytest.mark.slow
def test_parts_keep_outline_destinations_and_metadata(
    long_html: str, one_pass: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    whole, cut = PdfReader(one_pass), PdfReader(io.BytesIO(print_pdf(long_html, monkeypatch, 30)))

    def outline(reader: PdfReader, items=None) -> list:
        out = []
        for item in reader.outline if items is None else items:
            if isinstance(item, list):
                out.append(outline(reader, item))
            else:
                out.append((item.title, reader.get_destination_page_number(item)))
        return out

    assert outline(cut) == outline(whole)
    assert "('执行时间表', 1), [('甘特图" in str(outline(whole))  # nested, and not empty
    assert sorted(cut.named_destinations) == sorted(whole.named_destinations)
    for name, dest in whole.named_destinations.items():
        other = cut.named_destinations[name]
        assert cut.get_destination_page_number(other) == whole.get_destination_page_number(dest)
        assert float(other.top) == pytest.approx(float(dest.top), abs=0.01)
    assert cut.metadata == whole.metadata
    assert cut.trailer["/Root"]["/Lang"] == whole.trailer["/Root"]["/Lang"]


@pytest.mark.slow
def test_parts_give_the_same_bytes_twice(long_html: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert print_pdf(long_html, monkeypatch, 45) == print_pdf(long_html, monkeypatch, 45)


@pytest.mark.slow
def test_a_row_taller_than_a_page_is_printed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = "长交付说明" * 398  # 1,990 characters in a narrow column: pages high
    text = big_plan(40).replace("deliverable: 记录}", f"deliverable: {long}}}", 1)
    html = document(tmp_path, text)
    one = tmp_path / "one.pdf"
    one.write_bytes(print_pdf(html, monkeypatch, None))
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(print_pdf(html, monkeypatch, 12))
    assert pages_text(cut) == pages_text(one)


def test_a_light_document_is_printed_in_one_pass() -> None:
    from weasyprint import HTML

    html = HTML(string=EXAMPLE.read_text("utf-8"))  # any light document
    assert parts.print_in_parts(html, lambda *a: None, lambda *a: b"") is None


CUT = """<html><head><style>p{}</style></head><body>
<section id="a"><h2>A</h2><table><thead><tr><th>h</th></tr></thead>
<tbody data-pf-parts=""><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody></table></section>
<section id="b"><h2>B</h2><div data-pf-parts=""><svg class="gantt"></svg><svg class="gantt"></svg></div>
<table><tbody><tr><td>not a cut point</td></tr></tbody></table></section>
</body></html>"""


def texts(root: ET.Element) -> list[str]:
    return [e.text for e in root.iter() if e.text and e.text.strip()]


def test_a_part_keeps_its_ancestors_head_and_table_header() -> None:
    tree = parts.Tree.of(ET.fromstring(CUT))
    assert [parts._tag(u.element) for u in tree.units] == ["tr"] * 3 + ["svg"] * 2
    assert tree.weight == 3 + 2 * parts.PAGE_WEIGHT
    second = tree.start[id(tree.units[1].element)]
    third = tree.start[id(tree.units[2].element)]
    clipped = tree.clip(second, third)
    assert texts(clipped) == ["p{}", "h", "2"]  # style, table header, row 2: no heading
    section = clipped.find("body/section")
    assert section is not None and section.get("data-pf-continued") == ""
    assert tree.root.find("body/section").get("data-pf-continued") is None  # source unchanged
    rows = clipped.findall("body/section/table/tbody/tr")
    assert [r.get("data-pf-cut") for r in rows] == ["", None, ""]  # row 2 is neither first
    assert [parts._tag(e) for e in clipped.find("body")] == ["section", "section"]  # nor last
    assert texts(tree.clip(0, second)) == ["p{}", "A", "h", "1"]


def test_cuts_fall_only_between_siblings() -> None:
    tree = parts.Tree.of(ET.fromstring(CUT))
    assert [tree.adjacent(n) for n in range(1, 5)] == [True, True, False, True]
