"""Make the HTML complete on its own: files a template refers to become data URLs.

A company template may show ``<img src="logo.svg">`` or use ``url(font.woff2)`` in its
CSS. The PDF loads those from the template folder; the HTML would be opened from the
output folder, where they are missing. So every relative reference that names a file
inside a template folder is inlined. Files outside the folders are never read.
Only the templates' own markup is inlined, when a template is compiled
(:class:`planforge.render.html.InlineAssets`): plan text never becomes an image.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Sequence
from urllib.parse import unquote

TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
#: What a document may load from disk, judged on the resolved file: images, fonts, CSS.
#: Never the customer export, the plan or anything else (``<link rel=attachment>``).
LOADABLE = (*TYPES, ".css")
#: ``src="x"`` / ``href="x"`` attributes and CSS ``url(x)``, quoted or not.
_REFERENCE = re.compile(
    r"""(?P<attr>\b(?:src|href)=)(?P<q>["'])(?P<url>[^"'<>]*)(?P=q)"""
    r"""|(?P<css>url\()\s*(?P<cq>["']?)(?P<curl>[^"')]*)(?P=cq)\s*\)"""
)


def _resolve(url: str, folders: Sequence[str]) -> str | None:
    """The file ``url`` names inside one of ``folders``, or None (not local, or outside)."""
    if not url or url.startswith(("#", "/", "data:")) or re.match(r"^[a-zA-Z][\w+.-]*:", url):
        return None
    name = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if os.path.splitext(name)[1].lower() not in TYPES:
        return None
    for folder in folders:
        root = os.path.realpath(folder)
        real = os.path.realpath(os.path.join(root, name))
        if real.startswith(root + os.sep) and os.path.isfile(real):
            return real
    return None


def inline_assets(html: str, folders: Sequence[str]) -> str:
    """``html`` with each relative reference to a file in ``folders`` as a data URL."""
    cache: dict[str, str] = {}

    def data_url(path: str) -> str:
        if path not in cache:
            with open(path, "rb") as fh:
                payload = base64.b64encode(fh.read()).decode("ascii")
            cache[path] = f"data:{TYPES[os.path.splitext(path)[1].lower()]};base64,{payload}"
        return cache[path]

    def replace(m: re.Match[str]) -> str:
        url = m.group("url") if m.group("attr") else m.group("curl")
        path = _resolve(url, folders)
        if path is None:
            return m.group(0)
        if m.group("attr"):
            return f'{m.group("attr")}"{data_url(path)}"'
        return f'url("{data_url(path)}")'

    return _REFERENCE.sub(replace, html)
