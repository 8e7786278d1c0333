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


def _body_words(pdf: str) -> tuple[list[float], dict[int, list[Word]]]:
    """Each page's height and the words between its top and bottom margins."""
    heights = [float(size.split(" x ")[1]) for size in page_sizes(pdf)]
    body: dict[int, list[Word]] = {}
    for w in words(pdf):
        if w.y0 >= MARGIN and w.y1 <= heights[w.page - 1] - MARGIN:
            body.setdefault(w.page, []).append(w)
    return heights, body


def fill(pdf: str) -> list[float]:
    """How full each page is: the share of its text area above its lowest word."""
    heights, body = _body_words(pdf)
    return [
        round((max((w.y1 for w in body.get(n, [])), default=MARGIN) - MARGIN) / (h - 2 * MARGIN), 3)
        for n, h in enumerate(heights, 1)
    ]


def sparse_pages(pdf: str, least: float = 1 / 3) -> list[str]:
    """Pages but the last that are less than ``least`` full."""
    shares = fill(pdf)
    return [
        f"page {n} is {share:.0%} full" for n, share in enumerate(shares[:-1], 1) if share < least
    ]


def _text(fragment: str) -> str:
    return squash(htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)))


def tables(html: str) -> list[tuple[str, str, int]]:
    """Each table's nearest heading before it, its first two header cells and its rows."""
    out = []
    for m in re.finditer(r"<table[^>]*>(.*?)</table>", html, re.S):
        cells = re.findall(r"<th[^>]*>(.*?)</th>", m.group(1).split("</thead>")[0], re.S)
        body = m.group(1).split("</thead>")[-1]
        heads = re.findall(r"<h[123][^>]*>(.*?)</h[123]>", html[: m.start()], re.S)
        heading = _text(re.sub(r'<span class="caption">.*?</span>', "", heads[-1])) if heads else ""
        out.append((heading, "".join(_text(c) for c in cells[:2]), body.count("<tr")))
    return out


def split_tables(pdf: str, html: str, fewest: int = 8) -> list[str]:
    """Tables of fewer than ``fewest`` rows printed over two pages (their header row repeats)
    or on another page than their heading."""
    pages = [
        squash(run("pdftotext", "-layout", "-f", str(n), "-l", str(n), pdf, "-"))
        for n in range(1, page_count(pdf) + 1)
    ]
    problems = []
    for heading, header, rows in tables(html):
        if rows >= fewest or not header:
            continue
        found = [n for n, text in enumerate(pages, 1) for _ in range(text.count(header))]
        if len(found) != 1:
            problems.append(f"the {rows}-row table {header!r} is on pages {found}")
        elif heading and heading not in pages[found[0] - 1]:
            problems.append(
                f"the {rows}-row table {header!r} is apart from its heading {heading!r}"
            )
    return problems


def gantt_pages(html: str) -> list[list[int]]:
    """Each Gantt chart's rows per page (each page is one drawing and starts a page)."""
    charts = []
    for block in html.split('<div class="gantt-pages"')[1:]:
        block = block.split("</div>")[0]
        charts.append(
            [
                svg.count('<text x="1.6"') - 1
                for svg in re.findall(r"<svg class=\"gantt.*?</svg>", block, re.S)
            ]
        )
    return charts


def column_overflows(pdf: str, header: str, width: float) -> list[str]:
    """Words running out of a right-aligned column ``width`` pt wide, headed ``header``:
    a word with a digit (a date, a number) that starts in the column and ends past the
    header's right edge (words much smaller than the header's, such as a chart's labels,
    are not the column's)."""
    out = []
    by_page: dict[int, list[Word]] = {}
    for w in words(pdf):
        by_page.setdefault(w.page, []).append(w)
    for n, page in by_page.items():
        for head in (w for w in page if w.text == header):
            for w in page:
                inside = head.x1 - width < w.x0 < head.x1
                small = w.y1 - w.y0 < 0.8 * (head.y1 - head.y0)
                digit = any(c.isdigit() for c in w.text)
                if w.y0 > head.y1 and inside and digit and not small and w.x1 > head.x1 + 1:
                    out.append(f"page {n}: {w.text!r} runs {w.x1 - head.x1:.1f} pt past {header!r}")
    return out
