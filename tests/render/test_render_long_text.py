"""Long text in a valid plan: page headers are clipped, long words wrap inside the page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from planforge.present.formatting import clip, columns
from planforge.render.document import RenderOptions, render_file
from planforge.render.view import HEADER_COLUMNS
from tests.conftest import EXAMPLE

TITLE = "老客户唤醒月" * 100  # 600 characters, 1,200 columns
WORD = "Supercalifragilisticexpialidocious" * 6  # one 204-letter word


def test_clip_counts_columns_and_adds_an_ellipsis() -> None:
    assert clip("short", 10) == "short"
    assert clip("abcdefghij", 10) == "abcdefghij"
    assert clip("abcdefghijk", 10) == "abcdefghi…"
    assert clip("老客户唤醒月", 6) == "老客…"  # two columns each, one for the ellipsis
    assert clip("ab  cdefgh", 5) == "ab…"  # no space before the ellipsis
    assert clip("e\u0301" * 20, 5) == "e\u0301" * 4 + "…"  # combining marks stay with their letter
    assert sum(columns(c) for c in clip(TITLE, HEADER_COLUMNS)) <= HEADER_COLUMNS


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    text = EXAMPLE.read_text("utf-8")
    text = text.replace("title: 老客户唤醒月", f"title: {TITLE}", 1)
    text = text.replace("    deliverable: 输出《客户分层清单》", f"    deliverable: {WORD}", 1)
    plan = folder / "long.yaml"
    plan.write_text(text, "utf-8")
    outcome = render_file(str(plan), RenderOptions(output=str(folder), formats=("pdf",)))
    assert outcome.ok, outcome.error
    return folder / "reactivation-2024q2.pdf"


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_page_header_holds_a_clipped_title(pdf: Path) -> None:
    last = _run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", last).group(1))
    for page in (2, pages):
        text = _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")
        header = text.splitlines()[0]
        assert header.startswith("老客户唤醒月老客户") and header.endswith("…"), header
        assert TITLE not in text


def test_a_long_word_wraps_inside_the_page(pdf: Path) -> None:
    xml = _run("pdftotext", "-bbox", str(pdf), "-")
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', xml, re.S)
    pieces = 0
    for width, body in pages:
        for x_max, word in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', body):
            assert float(x_max) <= float(width), (word, x_max, width)
            pieces += word.strip() and word in WORD and len(word) >= 5
    assert pieces >= 3  # the word is there, broken over several lines
