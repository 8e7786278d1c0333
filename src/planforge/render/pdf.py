"""Print the HTML document to PDF with WeasyPrint: no network, no files outside the
template and plan folders, and the same bytes for the same plan."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import re
from collections.abc import Sequence
from urllib.parse import unquote, urlparse

from planforge.render import collector
from planforge.render.assets import LOADABLE
from planforge.render.flow import improve, pages_of
from planforge.render.fonts import require_cjk_font, require_subsetter
from planforge.render.geometry import HEAD_MM, ROW_MM
from planforge.render.parts import print_in_parts, with_tree


class RenderError(RuntimeError):
    """The PDF could not be made (the message says why, in a user's words)."""


def _confined_fetcher(roots: Sequence[str]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = [os.path.realpath(r) for r in roots]

    class ConfinedFetcher(URLFetcher):
        """Serves ``data:`` URLs and images, fonts and CSS inside the allowed folders.

        Everything else is refused, judged on the resolved file: a template's
        ``<link rel="attachment" href="file://…/customers.csv">`` (or a symlink named
        ``logo.png`` leading there) never puts the customer export into the PDF.
        """

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise FatalURLFetchingError(
                    f"planforge does not fetch from the network ({url}); put the file in the"
                    " template folder"
                )
            real = os.path.realpath(unquote(parsed.path))
            if not any(real == r or real.startswith(r + os.sep) for r in allowed):
                raise FatalURLFetchingError(
                    f"{unquote(parsed.path)} is outside the template and plan folders"
                )
            if not real.lower().endswith(LOADABLE):
                raise FatalURLFetchingError(
                    f"{os.path.basename(unquote(parsed.path))} is not an image, font or"
                    " stylesheet: a document loads nothing else"
                )
            return super().fetch(url, headers)

    return ConfinedFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)


_GANTT_PAGE = re.compile(r'<svg class="(gantt(?: [\w-]+)*)"[^>]*>.*?</svg>', re.DOTALL)
_SIZE = re.compile(r'\b(width|height)="([0-9.]+mm)"')


def print_ready(html: str) -> str:
    """``html`` with each Gantt page (``<svg class="gantt">``) as an SVG image.

    WeasyPrint then reads the chart with an XML parser instead of its HTML parser, and
    does not cascade the document's CSS through its thousands of shapes: for 1,000 tasks,
    layout takes 1.6 s less and 50 MB less memory, for the same drawing. Only the
    printed copy changes; the HTML output keeps the inline SVG, whose titles show on
    hover.
    """

    def image(match: re.Match[str]) -> str:
        svg = match.group(0)
        size = dict(_SIZE.findall(svg[: svg.index(">")]))
        style = "".join(f"{k}: {v}; " for k, v in sorted(size.items())).strip()
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return (
            f'<img class="{match.group(1)}" style="{style}" alt=""'
            f' src="data:image/svg+xml;base64,{data}">'
        )

    return _GANTT_PAGE.sub(image, html)


_shared: list[object] = []  # the one FontConfiguration of this process, once made

#: A small document in both languages that loads the fonts and styles plans use.
WARM_UP = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="plan.css"></head><body><section><h1>预热 Warm-up</h1>
<h2>执行时间表 Timetable</h2><table><thead><tr><th>任务 Task</th><th class="num">¥1,000.00
</th></tr></thead><tbody><tr><td>客户数据筛选 <b>粗体</b></td><td class="num">2024-04-01</td>
</tr></tbody></table><p lang="en">Page 1 of 1 <b>Bold</b></p><svg viewBox="0 0 10 10"
width="10mm" height="10mm" xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/>
<text x="1" y="9" font-size="3">周 W</text></svg></section></body></html>"""


def shared_fonts():
    """The process's one WeasyPrint ``FontConfiguration``: fonts found and loaded once."""
    if not _shared:
        from weasyprint.text.fonts import FontConfiguration

        _shared.append(FontConfiguration())
    return _shared[0]


def warm_up(templates: str) -> None:
    """Print :data:`WARM_UP` once, so forked workers start with fonts loaded and caches full.

    Best effort: whatever fails here (no Chinese font, say) fails again, reported, in the
    plan that needs it.
    """
    with contextlib.suppress(Exception):  # only a cache filled less
        html_to_pdf(WARM_UP, templates, [templates], shared=True)


def html_to_pdf(
    html: str, base_dir: str, allowed_dirs: Sequence[str], *, shared: bool = False
) -> bytes:
    """The PDF for ``html``; relative URLs resolve against ``base_dir``.

    With ``shared``, the process's one font configuration (:func:`shared_fonts`) is
    used: only for templates without ``@font-face``, whose fonts would otherwise stay.
    """
    require_cjk_font(html)
    require_subsetter()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        document = HTML(
            string=print_ready(html),
            base_url=base_dir.rstrip(os.sep) + os.sep,
            url_fetcher=_confined_fetcher([base_dir, *allowed_dirs]),
        )
        fonts = shared_fonts() if shared else FontConfiguration()
        options = {"custom_metadata": True, "pdf_identifier": False}
        with collector.printing():
            whole = print_in_parts(
                document,
                lambda part, css: part.render(
                    font_config=fonts, stylesheets=[CSS(string=c) for c in css], **options
                ),
                lambda laid_out: laid_out.write_pdf(**options),
            )
            if whole:
                return whole
            laid_out = document.render(font_config=fonts, **options)
            moved = improve(document.etree_element, pages_of(laid_out), HEAD_MM, ROW_MM)
            if moved is not None:  # a page mostly blank: once more, changed
                del laid_out
                laid_out = with_tree(document, moved).render(font_config=fonts, **options)
            return laid_out.write_pdf(**options)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise RenderError(str(cause.args[0] if cause.args else cause)) from None
