"""``planforge preview``: the server's answers, its confinement, and a real browser that
sees the document change when the plan is saved."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from planforge.preview import VERSION_PATH, Preview, make_server
from planforge.render.document import RenderOptions
from tests.conftest import EXAMPLE

TITLE = "老客户唤醒月"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    target = tmp_path / "plans" / "plan.yaml"
    target.parent.mkdir()
    shutil.copy(EXAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


class Client:
    """Requests to a preview server running in a thread of this process."""

    def __init__(self, plan: Path, templates: str | None = None) -> None:
        self.preview = Preview(
            plan.resolve(), RenderOptions(formats=("html",), templates=templates)
        )
        self.log: list[str] = []
        self.server = make_server(self.preview, 0, self.log.append)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def get(self, path: str, host: str | None = None, method: str = "GET"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, headers={"Host": host or f"127.0.0.1:{self.port}"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace"), resp

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def client(plan: Path) -> Iterator[Client]:
    c = Client(plan)
    yield c
    c.close()


def test_serves_the_document_with_the_reload_script(client: Client) -> None:
    status, body, resp = client.get("/")
    assert status == 200
    assert f"<title>{TITLE}</title>" in body and "宣传海报" in body
    assert f'fetch("{VERSION_PATH}"' in body
    nonce = client.preview.nonce
    assert f'<script nonce="{nonce}">' in body
    assert f"script-src 'nonce-{nonce}'" in resp.getheader("Content-Security-Policy")
    assert client.server.server_address[0] == "127.0.0.1"


def test_a_save_bumps_the_version_and_re_renders(client: Client, plan: Path) -> None:
    assert client.get(VERSION_PATH)[1] == "1"
    assert client.get(VERSION_PATH)[1] == "1"  # nothing changed
    edit(plan, f"title: {TITLE}", "title: 春季唤醒计划")
    assert client.get(VERSION_PATH)[1] == "2"
    assert "<title>春季唤醒计划</title>" in client.get("/")[1]
    assert any("re-rendered" in line for line in client.log)


def test_an_invalid_plan_shows_its_diagnostics_at_their_lines(
    client: Client, plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANFORGE_LANG")  # the plan's own language
    edit(plan, "amount: 1000", "amount: 1200")
    status, body, _ = client.get("/")
    assert status == 200
    assert "计划有错误" in body  # in the plan's language
    assert "PF401" in body and "PF403" in body
    assert 'id="L143"' in body and "143 |       amount: 1200" in body
    assert f'fetch("{VERSION_PATH}"' in body  # it still reloads once fixed
    edit(plan, "amount: 1200", "amount: 1000")
    assert "宣传海报" in client.get("/")[1]


def test_the_error_page_speaks_one_language(
    client: Client, plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANFORGE_LANG")
    edit(plan, "amount: 1000", "amount: 1200")
    body = client.get("/")[1]
    assert "计划有错误" in body and "修改建议" in body and 'lang="zh-CN"' in body
    assert "The plan has errors" not in body and "= fix:" not in body
    monkeypatch.setenv("PLANFORGE_LANG", "en")  # asked for English: all of it
    edit(plan, "amount: 1200", "amount: 1300")
    body = client.get("/")[1]
    assert "The plan has errors" in body and "= fix:" in body and 'lang="en"' in body
    assert "计划有错误" not in body and "修改建议" not in body


def test_serves_nothing_outside_its_folders(client: Client, plan: Path) -> None:
    (plan.parent / "customers.csv").write_text("客户编号,手机\nC1,13800000000\n", "utf-8")
    (plan.parent / "logo.png").write_bytes(b"\x89PNG fake")
    os.symlink("/etc/hostname", plan.parent / "host.png")
    assert client.get("/logo.png")[0] == 200
    assert client.get("/plan.css")[0] == 200  # the built-in stylesheet
    for path in (
        "/customers.csv",  # plan folder: only images, fonts and stylesheets
        "/plan.yaml",
        "/host.png",  # a symlink leading outside
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/sections/cover.html.j2",  # template sources are not assets
        "/nothing-here.css",
    ):
        assert client.get(path)[0] == 404, path


def test_refuses_other_hosts_and_writes(client: Client) -> None:
    assert client.get("/", host="attacker.example:80")[0] == 403  # DNS rebinding
    assert client.get("/", method="POST")[0] == 405
    assert client.get("/", method="HEAD")[0] == 200


def test_template_changes_re_render_too(plan: Path, tmp_path: Path) -> None:
    brand = tmp_path / "branding"
    brand.mkdir()
    (brand / "brand.css").write_text("h1 { color: #111; }", "utf-8")
    c = Client(plan, str(brand))
    try:
        assert "#111" in c.get("/")[1]
        time.sleep(0.01)
        (brand / "brand.css").write_text("h1 { color: #8a1538; }", "utf-8")
        assert c.get(VERSION_PATH)[1] == "2"
        assert "#8a1538" in c.get("/")[1]
        (brand / "plan.html.j2").write_text("{{ lipsum.__globals__ }}", "utf-8")
        body = c.get("/")[1]
        assert "template refused" in body and "__globals__" in body
    finally:
        c.close()


# -- a real browser -------------------------------------------------------------------


def chromium() -> str | None:
    """The system Chromium (``apt-get install chromium``); playwright drives it as it is."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def require_chromium() -> str:
    binary = chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: ./dev test installs it (package `chromium`)")
        pytest.skip("no Chromium on this machine (./dev test installs it)")
    return binary


#: Chromium's flags on a closed network: no background connections, no first-run work.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def processes_using(folder: str) -> list[int]:
    """Processes whose command line names ``folder`` (a browser profile)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if folder.encode() in cmdline:
            found.append(int(entry.name))
    return found


@contextlib.contextmanager
def browser_page(binary: str, profile: str | None = None) -> Iterator[Any]:
    """A page of headless system Chromium driven by playwright; the browser and every
    process it started are gone when the block ends, whether it passed or failed."""
    from playwright.sync_api import sync_playwright

    profile = profile or tempfile.mkdtemp(prefix="planforge-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=binary, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield context.pages[0] if context.pages else context.new_page()
            finally:
                context.close()
    finally:
        deadline = time.monotonic() + 10
        while processes_using(profile) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in processes_using(profile):  # last resort: never leave a browser behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(check: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what} (last: {last!r})")


@contextlib.contextmanager
def preview_server(plan: Path) -> Iterator[str]:
    """``planforge preview PLAN`` as a real process; yields the URL it serves."""
    server = subprocess.Popen(
        [sys.executable, "-m", "planforge", "preview", str(plan), "--port", "0", "--no-open"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        assert "previewing" in line, line
        yield line.split(" at ", 1)[1].split(" ", 1)[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_a_real_browser_sees_each_save(plan: Path) -> None:
    binary = require_chromium()
    with preview_server(plan) as url, browser_page(binary) as page:
        page.goto(url)

        def heading() -> str | None:
            try:
                return page.evaluate("document.querySelector('h1')?.textContent ?? null")
            except Exception:  # the page is reloading: ask again
                return None

        def body() -> str:
            try:
                return page.evaluate("document.body.innerText") or ""
            except Exception:
                return ""

        wait_for(lambda: heading() == TITLE, "the document")
        edit(plan, f"title: {TITLE}", "title: 春季唤醒计划")
        wait_for(lambda: heading() == "春季唤醒计划", "the saved title")
        edit(plan, "amount: 1000", "amount: 1200")
        wait_for(lambda: "PF401" in body(), "the diagnostics")
        edit(plan, "amount: 1200", "amount: 1000")
        wait_for(lambda: heading() == "春季唤醒计划", "the document again")


def test_a_failing_browser_test_leaves_no_browser_behind(tmp_path: Path) -> None:
    binary = require_chromium()
    profile = str(tmp_path / "profile")
    os.mkdir(profile)
    running: list[int] = []
    with (
        pytest.raises(RuntimeError, match="the test failed"),
        browser_page(binary, profile) as page,
    ):
        page.set_content("<h1>x</h1>")
        running = processes_using(profile)
        raise RuntimeError("the test failed")
    assert len(running) > 1  # the browser and its helpers, while the test ran
    assert processes_using(profile) == []


def test_a_data_driven_plan_shows_the_counts_from_its_data() -> None:
    from tests.conftest import PLANS

    # The real command: its renderer is forked from a process that never ran polars (this
    # test process has, and a fork of a process with polars' threads can deadlock).
    with preview_server(PLANS / "crm-tiers-2024q2.yaml") as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])

        def get(path: str) -> tuple[int, str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")

        status, body = get("/")
        assert status == 200
        assert "customers.csv" in body  # the tiers page names the data it counted
        assert get("/data/customers.csv")[0] == 404  # the data itself is never served


def test_the_terminal_lines_are_messages_in_the_planners_language(
    client: Client, plan: Path
) -> None:
    assert client.preview.summary.localize("zh-CN") == "已生成"
    edit(plan, "budget:", "budget: [")  # broken YAML
    client.get("/__planforge/version")
    line = client.log[-1]
    assert re.fullmatch(r"re-rendered .+ \((1 error|\d+ errors)\)", line), line
    assert line.localize("zh-CN").startswith("已重新生成 ")
    assert "个错误" in line.localize("zh-CN")
