"""Short sections share a page: none is left alone on a page that is mostly blank.

A change of page size (the landscape timetable among portrait sections) always starts
a new page. When a short section does not fit at the bottom of the page before such a
change, it would print alone on a page of its own, mostly blank (a small tier table on
70% white). After the first layout, :func:`reflow` finds such a page and moves the
sections that lie wholly on it past the run of pages of the other size, to join the
next section of their own size; the document is then laid out once more. Most
documents need no second layout.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

#: A page (but the last) filled less than this is sparse.
SPARSE = 1 / 3


@dataclass(frozen=True)
class Page:
    """What :func:`reflow` needs of a laid-out page."""

    name: str  # the CSS page name ("" for none): a change starts a new page
    fill: float  # the share of the page's height above its lowest line
    sections: tuple[int, ...]  # ids of the section elements with a box on the page


def pages_of(document: Any) -> list[Page]:
    """The pages of a laid-out WeasyPrint document."""
    from weasyprint.formatting_structure import boxes

    out = []
    for page in document.pages:
        page_box = page._page_box
        bottom = page_box.content_box_y()
        sections: dict[int, None] = {}
        stack = [c for c in page_box.children if not isinstance(c, boxes.MarginBox)]
        while stack:
            box = stack.pop()
            if getattr(box, "element_tag", None) == "section":
                sections[id(box.element)] = None
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox)):
                bottom = max(bottom, box.position_y + box.margin_height())
            stack.extend(getattr(box, "children", ()))
        height = page_box.height or 1
        fill = (bottom - page_box.content_box_y()) / height
        out.append(Page(getattr(page_box.page_type, "name", "") or "", fill, tuple(sections)))
    return out


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
