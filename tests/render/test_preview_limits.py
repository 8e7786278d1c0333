"""``preview`` renders under the render limits, and ignores clients that leave early."""

from __future__ import annotations

import http.client
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from planforge.preview import Preview, PreviewServer, make_server
from planforge.render.document import RenderOptions
from planforge.render.limits import Limits
from tests.conftest import EXAMPLE

NESTED_LOOPS = (
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
)
#: Each line 1,000,000 characters (the most `*` builds), printed 3,000 times: 3 GB.
HEAVY = "{% set s = 'x' * 1000000 %}{% for i in range(3000) %}{{ s }}{% endfor %}"


@contextmanager
def serving(tmp_path: Path, template: str | None, limits: Limits) -> Iterator[PreviewServer]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    folder = None
    if template is not None:
        folder = tmp_path / "branding"
        folder.mkdir()
        (folder / "plan.html.j2").write_text(template, "utf-8")
    preview = Preview(
        plan, RenderOptions(formats=("html",), templates=str(folder) if folder else None), limits
    )
    server = make_server(preview, 0, lambda _line: None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def get(server: PreviewServer, path: str = "/") -> tuple[int, str]:
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    resp = conn.getresponse()
    return resp.status, resp.read().decode("utf-8", "replace")


def test_a_template_that_loops_for_ever_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    started = time.monotonic()
    with serving(tmp_path, NESTED_LOOPS, Limits(seconds=0.5, memory_mb=4096)) as server:
        assert time.monotonic() - started < 5  # listening, not looping
        status, body = get(server)
        assert status == 200 and "PF801" in body and "--timeout" in body
        assert get(server, "/__planforge/version")[0] == 200  # still serving


def test_a_template_that_fills_the_memory_is_stopped_at_the_memory_limit(tmp_path: Path) -> None:
    with serving(tmp_path, HEAVY, Limits(seconds=30, memory_mb=512)) as server:
        status, body = get(server)
        assert status == 200 and "PF802" in body and "--memory-limit" in body


def test_clients_that_leave_early_are_ignored_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with serving(tmp_path, None, Limits()) as server:
        port = server.server_address[1]
        for _ in range(20):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()  # a reset, before reading the answer
        time.sleep(0.5)
        assert get(server)[0] == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err


def test_the_command_answers_while_a_long_first_rendering_runs(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    folder = tmp_path / "branding"
    folder.mkdir()
    (folder / "plan.html.j2").write_text(NESTED_LOOPS, "utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "planforge", "--lang", "en", "preview", str(plan)]
    command += ["--templates", str(folder), "--port", str(port), "--no-open"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
                resp = conn.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "preview never answered"
                time.sleep(0.05)
        body = resp.read().decode("utf-8")
        assert resp.status == 200 and "Rendering the plan" in body  # the default 600 s runs
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err
