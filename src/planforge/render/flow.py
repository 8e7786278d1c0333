"""No page but the last is left mostly blank: short sections share a page, and a Gantt
chart starts under the end of the task table.

After the first layout, :func:`improve` looks for the first page (but the last) under
a third full, and changes the document tree for one more layout (most documents need
none):

- A change of page size (the landscape timetable among portrait sections) always
  starts a new page. A short section that did not fit at the bottom of the page before
  such a change would print alone on a page, mostly blank (a small tier table on 70%
  white): the sections that lie wholly on that page move past the run of pages of the
  other size, to join the next section of their own size (:func:`reflow`).
- A Gantt page is one drawing, so when it does not fit under the end of the task table,
  that page stays mostly blank. Its first rows then move up into that room, at least
  :data:`FEWEST_ROWS` of them and leaving as many; the rest print on the next page
  under the chart's header, drawn again (:func:`split_gantt`).
"""

from __future__ import annotations

import base64
import copy
import math
import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

#: A page (but the last) filled less than this is sparse.
SPARSE = 1 / 3
#: A Gantt page is never cut into a part of fewer rows than this.
FEWEST_ROWS = 5
PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Page:
    """What :func:`reflow` needs of a laid-out page."""

    name: str  # the CSS page name ("" for none): a change starts a new page
    fill: float  # the share of the page's height above its lowest line
    sections: tuple[int, ...]  # ids of the section elements with a box on the page
    room: float = 0.0  # the height left under the lowest line (CSS px)
    gantt: tuple[int, ...] = ()  # ids of the Gantt drawings (img.gantt) on the page
    head: float = 0.0  # the height of a chart's heading and legend on the page (CSS px)
    height: float = 0.0  # the height of the page's content area (CSS px)


def pages_of(document: Any) -> list[Page]:
    """The pages of a laid-out WeasyPrint document."""
    from weasyprint.formatting_structure import boxes

    out = []
    for page in document.pages:
        page_box = page._page_box
        bottom = page_box.content_box_y()
        sections: dict[int, None] = {}
        gantt: list[tuple[float, int]] = []
        head = 0.0
        stack = [c for c in page_box.children if not isinstance(c, boxes.MarginBox)]
        while stack:
            box = stack.pop()
            tag = getattr(box, "element_tag", None)
            classes = (box.element.get("class") or "").split() if tag else []
            if tag == "section":
                sections[id(box.element)] = None
            elif tag == "img" and "gantt" in classes:
                gantt.append((box.position_y, id(box.element)))
            elif "gantt-head" in classes:
                head = max(head, box.margin_height())
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)):
                bottom = max(bottom, box.position_y + box.margin_height())
            stack.extend(getattr(box, "children", ()))
        height = page_box.height or 1
        top = page_box.content_box_y()
        out.append(
            Page(
                getattr(page_box.page_type, "name", "") or "",
                (bottom - top) / height,
                tuple(sections),
                top + height - bottom,
                tuple(e for _, e in sorted(set(gantt))),
                head,
                height,
            )
        )
    return out


def improve(
    root: ET.Element, pages: list[Page], head_mm: float, row_mm: float
) -> ET.Element | None:
    """The document tree changed for a better layout (see the module), or None."""
    return reflow(root, pages) or split_gantt(root, pages, head_mm, row_mm)


def moves(pages: list[Page]) -> tuple[list[int], list[int]] | None:
    """The sections to move and those that start after the move's target (the first of
    them in the document is the one to put them before; none: the end), or None.

    The first sparse page (not the last) followed by a page of another size: the sections
    that start and end on it move before the first section that starts after the run of
    pages of the other size.
    """
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for n, page in enumerate(pages):
        for s in page.sections:
            first.setdefault(s, n)
            last[s] = n
    for n, page in enumerate(pages[:-1]):
        if page.fill >= SPARSE or pages[n + 1].name == page.name:
            continue
        alone = [s for s in page.sections if first[s] == n and last[s] == n]
        if not alone:
            continue
        back = next((m for m in range(n + 1, len(pages)) if pages[m].name == page.name), None)
        return alone, [s for s in first if back is not None and first[s] >= back]
    return None


def reflow(root: ET.Element, pages: list[Page]) -> ET.Element | None:
    """A copy of the document tree ``root`` with short sections moved (see :func:`moves`),
    or None when no page needs it (or the sections are not siblings)."""
    found = moves(pages)
    if found is None:
        return None
    alone, later = found
    paths = _paths(root)
    before = min(later, key=lambda s: paths.get(s, ()), default=None)
    where = [paths[s] for s in alone if s in paths]
    parent = where[0][:-1] if where else None
    if parent is None or any(w[:-1] != parent for w in where):
        return None
    if before is not None and paths.get(before, ())[:-1] != parent:
        return None
    tree = copy.deepcopy(root)
    node = tree
    for i in parent:
        node = node[i]
    children = list(node)
    moving = [children[w[-1]] for w in where]
    kept = [c for c in children if all(c is not m for m in moving)]
    at = kept.index(children[paths[before][-1]]) if before is not None else len(kept)
    node[:] = kept[:at] + moving + kept[at:]
    return tree


def _paths(root: ET.Element) -> dict[int, tuple[int, ...]]:
    """id(element) -> the child indices that lead to it from ``root``."""
    out: dict[int, tuple[int, ...]] = {id(root): ()}
    stack = [root]
    while stack:
        element = stack.pop()
        for i, child in enumerate(element):
            out[id(child)] = (*out[id(element)], i)
            stack.append(child)
    return out


_SIZE = re.compile(r'\bheight="([0-9.]+)mm"')
_VIEW = re.compile(r'\bviewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def split_gantt(
    root: ET.Element, pages: list[Page], head_mm: float, row_mm: float
) -> ET.Element | None:
    """A copy of ``root`` with the first page of a Gantt chart cut in two, its first rows
    filling a sparse page of the task table (see the module), or None.

    ``head_mm`` and ``row_mm`` are the chart's header and row heights.
    """
    paths = _paths(root)
    elements = {id(e): e for e in root.iter()}
    for n, page in enumerate(pages[:-1]):
        after = pages[n + 1]
        if page.fill >= SPARSE or page.gantt or not after.gantt or after.name != page.name:
            continue
        img = elements.get(after.gantt[0])
        if img is None or "gantt-next" in (img.get("class") or "").split():
            continue  # only a chart's first page follows the table
        svg = _svg(img)
        size = _SIZE.search(svg[: svg.index(">")]) if svg else None
        if svg is None or size is None:
            continue
        rows = round((float(size.group(1)) - head_mm) / row_mm)
        row, header = row_mm * PX_PER_MM, head_mm * PX_PER_MM
        margin = 3 * PX_PER_MM  # the drawing's margins (1 mm above, 2 mm below)
        fit = math.floor((page.room - after.head - margin - header) / row) - 1
        # the rows left for the next page fill it to a third at least
        left = max(FEWEST_ROWS, math.ceil((SPARSE * after.height - margin - header) / row) + 1)
        fit = min(fit, rows - left)
        if fit < FEWEST_ROWS:
            continue
        tree = copy.deepcopy(root)
        *path, index = paths[id(img)]
        parent = tree
        for i in path:
            parent = parent[i]
        parent[index : index + 1] = _cut(img, svg, head_mm, row_mm, fit, rows)
        return tree
    return None


def _svg(img: ET.Element) -> str | None:
    src = img.get("src") or ""
    prefix = "data:image/svg+xml;base64,"
    return base64.b64decode(src[len(prefix) :]).decode("utf-8") if src.startswith(prefix) else None


_SVG = "http://www.w3.org/2000/svg"
_TRANSLATE = re.compile(r"translate\(\s*([-0-9.]+)\s*,\s*([-0-9.]+)\s*\)")


def band(svg: str, head_mm: float, row_mm: float, first: int, last: int) -> tuple[str, float]:
    """The Gantt drawing ``svg`` with its header and only rows ``first`` to ``last - 1``
    (moved up under the header), and its new height (mm).

    A row is every element whose top lies in the row's band; an element that starts in
    the header or at the first row and reaches the bottom (the shading of closed days,
    the task column's rule, the frame) is shortened with the drawing.
    """
    ET.register_namespace("", _SVG)
    root = ET.fromstring(svg)
    height = float(_VIEW.search(svg[: svg.index(">")]).group(2))  # type: ignore[union-attr]
    new = round(head_mm + (last - first) * row_mm, 3)
    shift = first * row_mm
    for child in list(root):
        top, bottom, key = _extent(child)
        if top is None:
            continue
        if top <= head_mm + 1e-6 and bottom is not None and bottom >= height - 0.25:
            _resize(child, key, height - new)
        elif top >= head_mm - 1e-6:
            row = math.floor((top - head_mm) / row_mm + 1e-6)
            if first <= row < last:
                _move(child, -shift)
            else:
                root.remove(child)
    root.set("height", f"{new:g}mm")
    root.set("viewBox", f"0 0 {root.get('viewBox', '0 0 0 0').split()[2]} {new:g}")
    return ET.tostring(root, encoding="unicode"), new


def _extent(e: ET.Element) -> tuple[float | None, float | None, str]:
    """An element's top, bottom (None: not known) and the attribute that sets its bottom."""
    if e.get("transform"):
        m = _TRANSLATE.fullmatch(e.get("transform", ""))
        return (float(m.group(2)), None, "") if m else (None, None, "")
    if e.get("y1") is not None:
        y1, y2 = float(e.get("y1", 0)), float(e.get("y2", 0))
        return min(y1, y2), max(y1, y2), "y2"
    if e.get("y") is not None:
        y = float(e.get("y", 0))
        return y, (y + float(e.get("height"))) if e.get("height") else None, "height"
    return None, None, ""


def _resize(e: ET.Element, key: str, by: float) -> None:
    e.set(key, f"{round(float(e.get(key, 0)) - by, 3):g}")


def _move(e: ET.Element, dy: float) -> None:
    if e.get("transform"):
        m = _TRANSLATE.fullmatch(e.get("transform", ""))
        if m:
            e.set("transform", f"translate({m.group(1)},{round(float(m.group(2)) + dy, 3):g})")
        return
    for key in ("y", "y1", "y2"):
        if e.get(key) is not None:
            e.set(key, f"{round(float(e.get(key, 0)) + dy, 3):g}")


def _image(template: ET.Element, svg: str, height: float, style: str = "") -> ET.Element:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    width = re.search(r"width:\s*([0-9.]+mm)", template.get("style") or "")
    attrib = dict(template.attrib)
    attrib["src"] = f"data:image/svg+xml;base64,{data}"
    attrib["style"] = f"height: {height:g}mm; width: {width.group(1) if width else 'auto'}; {style}"
    image = ET.Element(template.tag, attrib)
    image.tail = template.tail
    return image


def _cut(img: ET.Element, svg: str, head_mm: float, row_mm: float, fit: int, rows: int):
    """The Gantt drawing ``img`` as two: its first ``fit`` rows, and (starting the next
    page) the header over the other rows."""
    above, above_mm = band(svg, head_mm, row_mm, 0, fit)
    below, below_mm = band(svg, head_mm, row_mm, fit, rows)
    return [_image(img, above, above_mm), _image(img, below, below_mm, "break-before: page;")]
