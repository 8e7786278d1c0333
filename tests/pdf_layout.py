"""Read a rendered PDF back the way a reader sees it: text per page and word boxes."""

from __future__ import annotations

import html as htmllib
import re
import subprocess
from dataclasses import dataclass


def run(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def page_count(pdf: str) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf)).group(1))


def page_lines(pdf: str) -> list[list[str]]:
    """Each page's non-empty text lines, without the running header and footer."""
    pages = []
    for n in range(1, page_count(pdf) + 1):
        text = run("pdftotext", "-layout", "-f", str(n), "-l", str(n), pdf, "-")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        pages.append(lines[1:-1])  # title · version on top; source · page N at the bottom
    return pages


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def headings(html: str) -> set[str]:
    """The text of every heading-like element: h1-h3, captions, phase rows of both tables."""
    pattern = (
        r'<h[123][^>]*>(.*?)</h[123]>|<div class="caption">(.*?)</div>'
        r'|<tr class="phase-row"><td[^>]*>(.*?)</td>|<tr class="phase"><th[^>]*>(.*?)</th>'
        # (a phase without tasks is a row of its own, not a heading: class "... empty")
    )
    out = set()
    for m in re.finditer(pattern, html, re.S):
        raw = next(g for g in m.groups() if g is not None)
        out.add(squash(htmllib.unescape(re.sub(r"<[^>]+>", "", raw))))
    return out


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: str) -> list[Word]:
    """Every word with its box (``pdftotext -bbox``), in points."""
    out, page = [], 0
    for line in run("pdftotext", "-bbox", pdf, "-").splitlines():
        if "<page " in line:
            page += 1
        m = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if m:
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            out.append(Word(page, x0, y0, x1, y1, htmllib.unescape(m.group(5))))
    return out


def overlaps(pdf: str, tolerance: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words on the same page whose boxes overlap by more than ``tolerance`` pt."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for w in words(pdf):
        by_page.setdefault(w.page, []).append(w)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.y0)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1 :]:
                if b.y0 >= a.y1 - tolerance:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx > tolerance and dy > tolerance:
                    found.append((a, b))
    return found


def page_sizes(pdf: str) -> list[str]:
    """Each page's size as pdfinfo prints it (``841.89 x 595.276``)."""
    n = page_count(pdf)
    info = run("pdfinfo", "-f", "1", "-l", str(n), pdf)
    return re.findall(r"Page\s+\d+ size:\s+([\d.]+ x [\d.]+)", info)


MARGIN = 18 / 25.4 * 72  # the page's top and bottom margin (18 mm), in points
#: The space a block keeps above its text (a heading's top margin, 4 mm), in points.
SPACE_ABOVE = 4 / 25.4 * 72


def short_pages(pdf: str, fewest: int = 6) -> list[str]:
    """Continuation pages of fewer than ``fewest`` lines whose content would have fitted
    in the space left at the bottom of the previous page (same orientation)."""
    sizes = page_sizes(pdf)
    heights = [float(size.split(" x ")[1]) for size in sizes]
    body: dict[int, list[Word]] = {}
    for w in words(pdf):
        if w.y0 >= MARGIN and w.y1 <= heights[w.page - 1] - MARGIN:
            body.setdefault(w.page, []).append(w)
    problems = []
    for n, lines in enumerate(page_lines(pdf), 1):
        if n == 1 or sizes[n - 2] != sizes[n - 1] or len(lines) >= fewest or n not in body:
            continue
        previous = body.get(n - 1, [])
        free = heights[n - 2] - MARGIN - max((w.y1 for w in previous), default=MARGIN)
        needed = max(w.y1 for w in body[n]) - min(w.y0 for w in body[n])
        if needed + SPACE_ABOVE < free:
            problems.append(
                f"page {n} holds {len(lines)} lines ({needed:.0f} pt) that fit the"
                f" {free:.0f} pt left on page {n - 1}: {lines}"
            )
    return problems


def stranded(pdf: str, html: str) -> list[str]:
    """Pages that hold only headings, or end on one: what a typesetter would send back."""
    heads = headings(html)
    problems = []
    for n, lines in enumerate(page_lines(pdf), 1):
        body = [line for line in lines if squash(line) not in heads]
        if not body:
            problems.append(f"page {n} holds only headings: {lines}")
        elif squash(lines[-1]) in heads:
            problems.append(f"page {n} ends on the heading {lines[-1]!r}")
    return problems
