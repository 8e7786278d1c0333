"""Print the HTML document to PDF with WeasyPrint: no network, no files outside the
template and plan folders, and the same bytes for the same plan."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from urllib.parse import unquote, urlparse

from planforge.render.fonts import require_cjk_font


class RenderError(RuntimeError):
    """The PDF could not be made (the message says why, in a user's words)."""


def _confined_fetcher(roots: Sequence[str]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = [os.path.realpath(r) for r in roots]

    class ConfinedFetcher(URLFetcher):
        """Serves ``data:`` URLs and files inside the allowed folders; refuses the rest."""

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
            return super().fetch(url, headers)

    return ConfinedFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)


def html_to_pdf(html: str, base_dir: str, allowed_dirs: Sequence[str]) -> bytes:
    """The PDF for ``html``; relative URLs resolve against ``base_dir``."""
    require_cjk_font(html)
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        document = HTML(
            string=html,
            base_url=base_dir.rstrip(os.sep) + os.sep,
            url_fetcher=_confined_fetcher([base_dir, *allowed_dirs]),
        )
        return document.write_pdf(custom_metadata=True, pdf_identifier=False)
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise RenderError(str(cause.args[0] if cause.args else cause)) from None
