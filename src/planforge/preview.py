"""``planforge preview``: the document in a browser, re-rendered each time the plan is saved.

One warm process serves the HTML document on ``127.0.0.1`` (never another address).
The page asks ``/__planforge/version`` twice a second; that request checks the plan
file and the template folder, re-renders when either changed, and the page reloads
when the version moved. While the plan is invalid, the page shows its diagnostics,
each at its line with the source excerpt, instead of the document.

What the server hands out: the document, and the images, fonts and stylesheets the
document refers to, from the template folders and the plan's folder only (the same
folders the PDF renderer may read). Nothing else: not the plan's data files, not a
path that leaves those folders, not through a symlink.
"""

from __future__ import annotations

import html
import mimetypes
import os
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from planforge.check import Result
from planforge.frontdoor import Session
from planforge.messages import Message, msg
from planforge.render.assets import LOADABLE
from planforge.render.document import RenderOptions, document_html
from planforge.render.html import TemplateProblem, builtin_templates, environment
from planforge.render.limits import Limits, call_limited, crash_message
from planforge.reporters.text import format_diagnostic

HOST = "127.0.0.1"
VERSION_PATH = "/__planforge/version"
#: Files the server may hand out: what a document can show (judged on the resolved file).
ASSET_TYPES = LOADABLE
POLL_MS = 500

_TEXTS = {
    "en": {
        "invalid": "The plan has errors. Fix them and save: this page updates by itself.",
        "failed": "The plan could not be rendered.",
        "waiting": "Rendering the plan: this page updates by itself.",
    },
    "zh-CN": {
        "invalid": "计划有错误。改正后保存文件，本页会自动更新。",
        "failed": "计划无法生成文档。",
        "waiting": "正在生成文档，本页会自动更新。",
    },
}


@dataclass
class Preview:
    """The current rendering of one plan, refreshed when its files change."""

    plan: Path
    options: RenderOptions
    limits: Limits = field(default_factory=Limits)  # as `render`: PF801 time, PF802 memory
    version: int = 0
    page: str = ""
    summary: Message = field(default_factory=lambda: msg("not rendered yet"))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    _stamp: tuple = ()
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def roots(self) -> list[str]:
        """Folders whose files the document may refer to (override first)."""
        folders = [self.options.templates] if self.options.templates else []
        return [os.path.realpath(f) for f in (*folders, str(builtin_templates()))]

    def _files_stamp(self) -> tuple:
        """What identifies the current state of the plan and the template folder."""
        paths = [self.plan]
        if self.options.templates:
            paths += sorted(p for p in Path(self.options.templates).rglob("*") if p.is_file())
        stamp = []
        for p in paths:
            try:
                st = p.stat()
                stamp.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                stamp.append((str(p), None, None))
        return tuple(stamp)

    def refresh(self, wait: bool = True) -> bool:
        """Re-render when a file changed; True when the page changed. With ``wait`` False,
        a rendering already under way is not waited for: the current page stands."""
        if not self._lock.acquire(blocking=wait):
            return False
        try:
            stamp = self._files_stamp()
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            environment.cache_clear()  # a template added to the folder must be seen
            self.page, self.summary = self._render_limited()
            self.version += 1
            return True
        finally:
            self._lock.release()

    def current_page(self) -> str:
        """The page to show now: the last rendering, or a page that waits for the first."""
        if self.page:
            return self.page
        lang = Session(lang_option=self.options.lang).lang_for(self.options.locale)
        locale = lang if lang in _TEXTS else "en"
        return self._shell(locale, f"<p>{html.escape(_TEXTS[locale]['waiting'])}</p>")

    def _render_limited(self) -> tuple[str, Message]:
        """:meth:`_render` in a worker process under the render limits: a template that
        loops for ever or fills the memory stops with PF801/PF802 on the page."""
        kind, payload = call_limited(self._render, self.limits)
        if kind == "done":
            return payload  # type: ignore[no-any-return]
        lang = Session(lang_option=self.options.lang).lang_for(self.options.locale)
        locale = lang if lang in _TEXTS else "en"
        if kind == "crash":
            problem = crash_message(payload)
            return self._problem_page(problem.localize(locale), locale), msg("failed")
        text = f"{_TEXTS[locale]['failed']} {kind}: {payload.localize(locale)}"
        return self._problem_page(text, locale), msg("stopped at a limit ({code})", code=kind)

    def _render(self) -> tuple[str, Message]:
        door = Session(lang_option=self.options.lang)
        try:
            # as render: counts from the data, through the front door
            result = door.open(str(self.plan))
        except OSError as exc:
            lang = door.lang_for(self.options.locale)
            problem = msg(
                "{path}: cannot read: {error}", path=str(self.plan), error=exc.strerror or exc
            )
            return self._problem_page(problem.localize(lang), lang), msg("unreadable")
        # The page speaks one language: --lang, PLANFORGE_LANG, then the document's
        # (--locale, else the plan's), then LANG (see planforge.frontdoor).
        locale = door.lang_for(self.options.locale) if self.options.locale else result.lang
        locale = locale if locale in _TEXTS else "en"
        if result.failed() or result.plan is None:
            count = result.errors()
            errors = msg("1 error") if count == 1 else msg("{count} errors", count=count)
            return self._diagnostics_page(result, locale), errors
        try:
            document = document_html(result.plan, result.document.sha256, self.options)
        except TemplateProblem as exc:
            return self._problem_page(f"{_TEXTS[locale]['failed']} {exc}", locale), msg(
                "template problem"
            )
        return self._inject(document), msg("rendered")

    def _script(self) -> str:
        return (
            f'<script nonce="{self.nonce}">(function(){{var v="{self.version + 1}";'
            f'setInterval(function(){{fetch("{VERSION_PATH}",{{cache:"no-store"}})'
            ".then(function(r){return r.text()}).then(function(t){if(t!==v)location.reload()})"
            f".catch(function(){{}})}},{POLL_MS})}})();</script>"
        )

    def _inject(self, document: str) -> str:
        at = document.rfind("</body>")
        at = at if at >= 0 else len(document)
        return document[:at] + self._script() + document[at:]

    def _diagnostics_page(self, result: Result, locale: str) -> str:
        lines = result.document.text.splitlines()
        items = "".join(
            f'<li id="L{d.line}"><pre>{html.escape(format_diagnostic(d, lines, lang=locale))}</pre></li>'
            for d in result.diagnostics
        )
        body = f"<p>{html.escape(_TEXTS[locale]['invalid'])}</p><ol class=diagnostics>{items}</ol>"
        return self._shell(locale, body)

    def _problem_page(self, message: str, locale: str = "en") -> str:
        return self._shell(locale, f"<p class=problem>{html.escape(message)}</p>")

    def _shell(self, locale: str, body: str) -> str:
        title = html.escape(f"planforge preview: {self.plan.name}")
        style = (
            "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            "pre{background:#f6f6f6;padding:.6rem;overflow:auto;white-space:pre-wrap}"
            "li{margin-bottom:1rem}.problem{color:#a00}"
        )
        return (
            f'<!DOCTYPE html><html lang="{locale}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{style}</style></head><body>"
            f"<h1>{html.escape(self.plan.name)}</h1>{body}{self._script()}</body></html>"
        )

    def asset(self, url_path: str) -> Path | None:
        """The file a document URL refers to, if the server may hand it out.

        Judged on the resolved file, not the URL's name: only images, fonts and
        stylesheets (any letter case) inside a template folder or the plan's folder,
        so neither ``/evil.png`` (a symlink to the customer export) nor a template
        folder's ``.env`` or ``copy.YAML`` is ever served.
        """
        parts = [p for p in unquote(url_path).split("/") if p]
        if not parts or any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        for root in [*self.roots(), os.path.realpath(self.plan.parent)]:
            real = os.path.realpath(os.path.join(root, *parts))
            if (
                real.startswith(root + os.sep)
                and real.lower().endswith(ASSET_TYPES)
                and os.path.isfile(real)
            ):
                return Path(real)
        return None


def make_handler(preview: Preview, log: Callable[[Message], None]) -> type[BaseHTTPRequestHandler]:
    """The request handler class for ``preview``."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "planforge-preview"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal shows re-renders, not every poll

        def _allowed_host(self) -> bool:
            """Refuse requests for another host name (DNS rebinding)."""
            port = self.server.server_address[1]
            return self.headers.get("Host", "") in (f"{HOST}:{port}", f"localhost:{port}")

        def _send(self, status: HTTPStatus, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                f" script-src 'nonce-{preview.nonce}'; connect-src 'self'; frame-ancestors 'none'",
            )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _refresh(self) -> None:
            if preview.refresh(wait=False):  # a long rendering never holds up an answer
                log(msg("re-rendered {plan} ({state})", plan=preview.plan, state=preview.summary))

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            if not self._allowed_host():
                self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain")
                return
            path = urlsplit(self.path).path
            if path == VERSION_PATH:
                self._refresh()
                self._send(HTTPStatus.OK, str(preview.version).encode(), "text/plain")
            elif path in ("/", "/index.html"):
                self._refresh()
                page = preview.current_page().encode("utf-8")
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            elif (asset := preview.asset(path)) is not None:
                ctype = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
                self._send(HTTPStatus.OK, asset.read_bytes(), ctype)
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

        def _refuse(self) -> None:
            self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"read-only\n", "text/plain")

        do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    return Handler


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server: a client that goes away early is no error."""

    daemon_threads = True
    request_queue_size = 64  # a browser opens several connections at once

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        log: Callable[[Message], None],
    ) -> None:
        self.log = log
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser closed the tab or reloaded: nothing to tell
        self.log(msg("a request failed: {error}", error=f"{type(exc).__name__}: {exc}"))


def make_server(
    preview: Preview, port: int, log: Callable[[Message], None], render: bool = True
) -> PreviewServer:
    """A server for ``preview`` on 127.0.0.1:``port`` (0: any free port), listening before
    the first rendering (done here unless ``render`` is False; the render limits bound it)."""
    server = PreviewServer((HOST, port), make_handler(preview, log), log)
    if render:
        preview.refresh()
    return server
