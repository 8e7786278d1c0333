"""Print a long document in parts, so that memory does not grow with its page count.

WeasyPrint keeps every laid-out page until the PDF is written: about 2.5 MB a page of
the timetable. A document heavier than :data:`ONE_PASS_WEIGHT` is therefore printed
part by part, each holding a few hundred table rows or Gantt pages (*units*):

1. a part is the document cut to a range of units (the ``<head>``, the ancestors and
   each table's ``<thead>`` are kept), laid out without its page margins (header and
   footer);
2. its last page may be short only because the part was cut, so it is laid out again as
   the first page of the next part, which starts at the first unit of that page: the
   kept pages are the ones the whole document would have had;
3. once the page count is known, one light document of empty pages gives every page its
   margins (header, footer, "page N of M"), and pypdf lays each over its page;
4. the outline (bookmarks), named destinations and metadata are those of the whole
   document.

Each part's PDF is written by a forked process (:mod:`planforge.render.aside`) while the
next part is laid out, one at a time; the bytes are the same.

The cut points (units) are the children of an element marked ``data-pf-parts`` by the
template: the timetable's rows (a table of fixed layout, so a part's columns are as wide
as the whole table's) and each chart's Gantt pages. A cut falls only between two such
siblings, so a heading or caption is never separated from what follows it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from planforge.render import collector
from planforge.render.aside import Written, write_aside

#: The weight of one part (table rows, a Gantt page counting :data:`PAGE_WEIGHT`): about
#: 17 pages, 224 MiB at most for 1,000 tasks (2.1 MB of PDF; 500 gives 284 MiB, 1.6 MB).
PART_WEIGHT = 240
#: Up to this weight (about 34 pages), one pass: it needs no more memory than a part.
ONE_PASS_WEIGHT = 2 * PART_WEIGHT
#: What one Gantt page (an ``svg`` or ``img`` of class ``gantt``) weighs, in table rows.
PAGE_WEIGHT = 15

#: The sixteen page-margin boxes of CSS Paged Media.
MARGIN_BOXES = [
    *(f"{e}-{s}" for e in ("top", "bottom") for s in ("left-corner", "left", "center", "right")),
    *(f"{e}-right-corner" for e in ("top", "bottom")),
    *(f"{e}-{s}" for e in ("left", "right") for s in ("top", "middle", "bottom")),
]
#: Parts are printed without their page margins; the stamp document adds them.
NO_MARGINS = (
    "@page { " + " ".join(f"@{m} {{ content: none !important; }}" for m in MARGIN_BOXES) + " }"
)
#: An ancestor cut open at the top of a part starts flush with the page, as it would
#: after a page break.
CONTINUED = (
    "[data-pf-continued] { margin-top: 0 !important; padding-top: 0 !important; }"
    " [data-pf-cut] { display: none !important; }"
)


@dataclass
class Unit:
    """A cut point: a table row or a Gantt page, with where it sits in the tree."""

    element: ET.Element
    parent: ET.Element
    index: int  # among its parent's children
    weight: int


@dataclass
class Tree:
    """The document tree, numbered in document order, and its cut points."""

    root: ET.Element
    start: dict[int, int] = field(default_factory=dict)  # id(element) -> pre-order number
    end: dict[int, int] = field(default_factory=dict)  # id(element) -> last descendant's
    units: list[Unit] = field(default_factory=list)

    @classmethod
    def of(cls, root: ET.Element) -> Tree:
        tree = cls(root)
        count = 0
        stack: list[tuple[ET.Element, bool]] = [(root, False)]
        while stack:  # iterative: a deep document must not exhaust the recursion limit
            element, done = stack.pop()
            if done:
                tree.end[id(element)] = count - 1
                continue
            tree.start[id(element)] = count
            count += 1
            stack.append((element, True))
            children = list(element)
            for i, child in enumerate(children):
                weight = _weight(element, child)
                if weight:
                    tree.units.append(Unit(child, element, i, weight))
            stack.extend((child, False) for child in reversed(children))
        tree.units.sort(key=lambda u: tree.start[id(u.element)])
        return tree

    @property
    def weight(self) -> int:
        return sum(u.weight for u in self.units)

    def clip(self, lo: int, hi: int) -> ET.Element:
        """The document cut to the pre-order range ``[lo, hi)`` (head and theads kept)."""
        return self._clip(self.root, lo, hi, continued=False)

    def _clip(self, element: ET.Element, lo: int, hi: int, continued: bool) -> ET.Element:
        copy = ET.Element(element.tag, element.attrib)
        copy.text, copy.tail = element.text, element.tail
        if continued:
            copy.set("data-pf-continued", "")
        before: list[ET.Element] = []  # children cut away, before and after the kept ones
        after: list[ET.Element] = []
        for child in element:
            first, last = self.start[id(child)], self.end[id(child)]
            if _tag(child) in ("head", "thead") or (lo <= first and last < hi):
                copy.append(child)  # shared, never changed
            elif last >= lo and first < hi:
                copy.append(self._clip(child, lo, hi, continued=first < lo))
            else:
                (before if last < lo else after).append(child)
        kept = list(copy)
        copy[:] = [*_stand_ins(before[-2:], len(before)), *kept, *_stand_ins(after[:2], len(after))]
        return copy

    @property
    def body(self) -> ET.Element | None:
        return next((c for c in self.root if _tag(c) == "body"), None)

    def margins_only(self, pages: list[PageInfo]) -> ET.Element:
        """The document's head over empty pages named as ``pages``: their margins only."""
        root = ET.Element(self.root.tag, self.root.attrib)
        root.extend(c for c in self.root if _tag(c) == "head")
        body = ET.SubElement(root, "body", self.body.attrib if self.body is not None else {})
        for page in pages:
            style = f"display: block; page: {page.name}; break-before: page"
            ET.SubElement(body, "pf-page", {"style": style})
        return root

    def adjacent(self, n: int) -> bool:
        """Whether unit ``n`` directly follows unit ``n - 1`` (nothing else between)."""
        before, unit = self.units[n - 1], self.units[n]
        return before.parent is unit.parent and before.index + 1 == unit.index


def _stand_ins(nearest: list[ET.Element], count: int) -> list[ET.Element]:
    """Hidden elements standing in for ``count`` siblings cut away, ``nearest`` the closest
    of them: the kept siblings still match ``:first-child``, ``:last-of-type`` and
    ``:nth-child(odd)`` as in the whole document (a first row is kept with the next)."""
    if count > 2:
        nearest = nearest[-1:] if count % 2 else nearest
    return [ET.Element(c.tag, {"data-pf-cut": ""}) for c in nearest if isinstance(c.tag, str)]


def _tag(element: ET.Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].lower()


def _weight(parent: ET.Element, child: ET.Element) -> int:
    """A child of a ``data-pf-parts`` container is a unit: a Gantt page weighs
    :data:`PAGE_WEIGHT`, anything else (a table row) 1."""
    if parent.get("data-pf-parts") is None or not isinstance(child.tag, str):
        return 0
    return PAGE_WEIGHT if "gantt" in (child.get("class") or "").split() else 1


@dataclass(frozen=True)
class PageInfo:
    """What the whole document needs of a printed page (not its boxes: they are freed)."""

    name: str  # the CSS page name, "auto" for none
    anchors: dict[str, tuple[float, float]]  # id -> (x, y) in CSS pixels from the top left
    bookmarks: list[tuple[int, str, tuple[float, float], str]]  # level, label, (x, y), state

    @classmethod
    def of(cls, page: Any) -> PageInfo:
        return cls(
            getattr(page._page_box.page_type, "name", "") or "auto",
            {k: (v[0], v[1]) for k, v in page.anchors.items()},
            [(level, label, (at[0], at[1]), state) for level, label, at, state in page.bookmarks],
        )


@dataclass
class Printed:
    """One part, printed: its PDF (being written aside) and what the whole document needs
    of its pages."""

    written: Written
    pages: list[PageInfo]

    @property
    def pdf(self) -> bytes:
        return self.written.pdf()


def print_in_parts(
    html: Any,
    render: Callable[[Any, list[str]], Any],
    write: Callable[[Any], bytes],
    part_weight: int | None = None,
) -> bytes | None:
    """The PDF of a WeasyPrint ``HTML`` document printed in parts, or None when it is light
    enough (or not shaped) for one pass.

    ``render(html, stylesheets)`` lays a document out; ``write(document)`` writes a
    document's PDF.
    """
    tree = Tree.of(html.etree_element)
    if tree.weight <= ONE_PASS_WEIGHT or tree.body is None:
        return None
    parts: list[Printed] = []
    try:
        parts.extend(_parts(tree, html, render, write, part_weight or PART_WEIGHT))
        pages = [page for part in parts for page in part.pages]
        stamp = render(with_tree(html, tree.margins_only(pages)), [])
        if len(stamp.pages) != len(pages):
            raise AssertionError(f"margins for {len(stamp.pages)} of {len(pages)} pages")
        return _merge(parts, write(stamp), pages)
    finally:
        for part in parts:
            part.written.abandon()  # only a writer still running: this document failed


def _parts(
    tree: Tree,
    html: Any,
    render: Callable[[Any, list[str]], Any],
    write: Callable[[Any], bytes],
    part_weight: int,
) -> Iterator[Printed]:
    units, start, first, limit = tree.units, 0, True, part_weight
    previous: Printed | None = None
    while True:
        end, weight = start, 0
        while end < len(units) and weight < limit:
            weight += units[end].weight
            end += 1
        lo = 0 if first else tree.start[id(units[start].element)]
        hi = tree.start[id(units[end].element)] if end < len(units) else len(tree.start)
        document = render(with_tree(html, tree.clip(lo, hi)), [NO_MARGINS, CONTINUED])
        keep, restart = len(document.pages), None
        if end < len(units):
            cut = _cut(tree, document.pages, start)
            if cut is None:  # no clean cut (a row taller than the part): a longer part
                del document
                collector.part_done()
                limit *= 2
                continue
            keep, restart = cut
        kept = document.pages[:keep]
        if previous is not None:
            previous.written.pdf()  # one writer at a time: each holds a copy of its part
        previous = Printed(write_aside(write, document.copy(kept)), [PageInfo.of(p) for p in kept])
        yield previous
        del document, kept  # before the next part is laid out
        collector.part_done()
        if restart is None:
            return
        start, first, limit = restart, False, part_weight


def _cut(tree: Tree, pages: list[Any], start: int) -> tuple[int, int] | None:
    """How many pages of a cut part to keep, and the unit the next part starts at.

    The last page is laid out again in the next part, which starts at that page's first
    unit, provided that unit directly follows the one before it and that one ended on an
    earlier page; otherwise an earlier page is tried. None: the part has no such page.
    """
    first, last = _pages_of(pages, {id(u.element): n for n, u in enumerate(tree.units)})
    starting: dict[int, int] = {}
    for n in sorted(first):
        starting.setdefault(first[n], n)
    for number in range(len(pages) - 1, 0, -1):
        n = starting.get(number)
        if n is not None and n > start and tree.adjacent(n) and last.get(n - 1, -1) < number:
            return number, n
    return None


def _pages_of(pages: list[Any], units: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """The first and last page on which each unit (numbered in ``units``) has a box.

    Read from the page boxes, not from ids: an id gives an element its own style, which
    stops WeasyPrint sharing computed styles between rows (4 s more for 1,000 rows).
    """
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for number, page in enumerate(pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            n = units.get(id(getattr(box, "element", None)))
            if n is not None and getattr(box, "element_tag", None) is not None:
                first.setdefault(n, number)
                last[n] = number
                continue
            stack.extend(getattr(box, "children", ()))
    return first, last


def with_tree(html: Any, root: ET.Element) -> Any:
    """A copy of the WeasyPrint ``HTML`` document ``html`` made of another tree."""
    import copy

    import cssselect2

    document = copy.copy(html)
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def _merge(parts: list[Printed], margins: bytes, pages: list[PageInfo]) -> bytes:
    """One PDF: every part's pages under their margins, with the whole outline."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Fit, NameObject

    writer = PdfWriter()
    stamps = PdfReader(io.BytesIO(margins)).pages
    number = 0
    for i, part in enumerate(parts):
        reader = PdfReader(io.BytesIO(part.pdf))
        if i == 0:
            writer.add_metadata(reader.metadata or {})
            lang = reader.trailer["/Root"].get("/Lang")
            if lang is not None:
                writer._root_object[NameObject("/Lang")] = lang
        for page in reader.pages:
            merged = writer.add_page(page)
            merged.merge_page(stamps[number])
            merged.compress_content_streams()
            number += 1
    heights = [float(p.mediabox.height) for p in writer.pages]
    _outline(writer, pages, heights, Fit)
    named: set[str] = set()
    for n, page in enumerate(pages):
        for name, (x, y) in sorted(page.anchors.items()):
            if name not in named:  # an element over several pages: its first page
                named.add(name)
                writer.add_named_destination_object(_destination(writer, name, n, x, y, heights))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _destination(writer: Any, name: str, n: int, x: float, y: float, heights: list[float]):
    from pypdf.generic import Destination, Fit, TextStringObject

    return Destination(
        TextStringObject(name), writer.pages[n].indirect_reference, _xyz(Fit, x, y, heights[n])
    )


def _xyz(fit: Any, x: float, y: float, height: float) -> Any:
    """A destination at CSS pixels ``(x, y)`` from the top left, in PDF points."""
    return fit.xyz(left=round(x * 0.75, 6), top=round(height - y * 0.75, 6), zoom=0)


def _outline(writer: Any, pages: list[PageInfo], heights: list[float], fit: Any) -> None:
    """The bookmarks of all pages as one tree, nested by heading level."""
    stack: list[tuple[int, Any]] = []
    for n, page in enumerate(pages):
        for level, label, (x, y), state in page.bookmarks:
            while stack and stack[-1][0] >= level:
                stack.pop()
            item = writer.add_outline_item(
                title=label,
                page_number=n,
                parent=stack[-1][1] if stack else None,
                fit=_xyz(fit, x, y, heights[n]),
                is_open=state != "closed",
            )
            stack.append((level, item))
