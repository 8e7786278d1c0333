"""Company templates render in Jinja's immutable sandbox: attacks are refused, with a place.

Every payload here is a known way out of a plain ``jinja2.Environment``. Each must
end in a :class:`TemplateProblem` (a located refusal), and no payload may run code,
read a file or produce the data it was after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from planforge.check import check_file
from planforge.render import view
from planforge.render.html import TemplateProblem, environment, render_html
from tests.conftest import EXAMPLE

SECRET = "planforge-sandbox-canary"


@pytest.fixture(scope="module")
def context() -> dict:
    result = check_file(EXAMPLE)
    assert result.plan is not None
    import datetime as dt

    return view.build(result.plan, view.RenderInfo("0" * 64, dt.date(2024, 4, 1)))


def render_with(tmp_path: Path, context: dict, template: str, name: str = "plan.html.j2") -> str:
    folder = tmp_path / "branding"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(template, "utf-8")
    environment.cache_clear()
    try:
        return render_html(context, str(folder))
    finally:
        environment.cache_clear()


ATTACKS = {
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('echo " + SECRET + "').read() }}",
    "class mro subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('echo " + SECRET + "').read() }}",
    "joiner globals": "{{ joiner.__init__.__globals__['os'] }}",
    "namespace globals": "{{ namespace.__init__.__globals__['os'] }}",
    "template reference context": "{{ self._TemplateReference__context }}",
    "format string attribute": "{{ '{0.__class__.__mro__}'.format(plan) }}",
    "format string globals": "{{ '{0.__globals__}'.format(lipsum) }}",
    "format_map": "{{ '{x.__class__}'.format_map({'x': plan}) }}",
    "percent format dunder": "{{ '%s' % plan.__class__ }}",
    "attr filter dunder": "{{ plan|attr('__class__') }}",
    "getattr via map": "{{ [plan]|map(attribute='__class__')|list }}",
    "func globals of a filter": "{{ view.build.__globals__ }}",
    "mutating the context": "{{ tiers.append(1) }}",
    "dict mutation": "{{ L.update({'x': 1}) }}",
    "huge power": "{{ 2 ** 99999999 }}",
    "huge repetition": "{{ 'x' * 1000000000 }}",
    "huge range": "{% for i in range(10 ** 12) %}{% endfor %}",
    "include outside the folder": '{% include "../../../../etc/passwd" %}',
    "absolute include": '{% include "/etc/passwd" %}',
}


@pytest.mark.parametrize("payload", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_is_refused(payload: str, context: dict, tmp_path: Path) -> None:
    with pytest.raises(TemplateProblem) as info:
        render_with(tmp_path, context, payload)
    assert SECRET not in str(info.value)


def test_refusal_names_the_template_line(context: dict, tmp_path: Path) -> None:
    template = "<p>fine</p>\n<p>{{ plan.title }}</p>\n{{ lipsum.__globals__['os'] }}\n"
    with pytest.raises(TemplateProblem) as info:
        render_with(tmp_path, context, template)
    message = str(info.value)
    assert "plan.html.j2:3:" in message
    assert "refused" in message and "sandbox" in message


def test_the_sandbox_still_renders_ordinary_templates(context: dict, tmp_path: Path) -> None:
    template = (
        '{% extends "planforge/plan.html.j2" %}'
        "{% block header %}<p class=brand>{{ title|upper }} {{ '%d tiers' % tiers|length }}"
        "{% for t in tiers %}{{ loop.index }}{{ cycler('a', 'b').next() }}{% endfor %}"
        "{% set ns = namespace(n=0) %}{% for t in tiers %}{% set ns.n = ns.n + 1 %}{% endfor %}"
        "[{{ ns.n }}] {{ '{:>5}'.format('x') }}</p>{% endblock %}"
    )
    html = render_with(tmp_path, context, template)
    assert "<p class=brand>" in html and "[4]" in html and "    x" in html
    assert "宣传海报" in html  # the built-in sections are still there


def test_symlink_outside_is_refused_before_it_is_opened(context: dict, tmp_path: Path) -> None:
    """A symlink to a FIFO outside the folder would block forever if it were opened."""
    outside = tmp_path / "outside"
    outside.mkdir()
    fifo = outside / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "branding"
    folder.mkdir()
    os.symlink(fifo, folder / "brand.css")
    outcome: list[BaseException | str] = []

    def run() -> None:
        environment.cache_clear()
        try:
            outcome.append(render_html(context, str(folder)))
        except BaseException as exc:  # recorded for the assertion
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the opener so the thread can end, then fail
        with open(fifo, "w"):
            pass
        pytest.fail("the symlinked template was opened before the folder check")
    environment.cache_clear()
    assert isinstance(outcome[0], TemplateProblem)
    assert "outside the template folder" in str(outcome[0])


def test_a_device_or_folder_named_like_a_template_is_refused(context: dict, tmp_path: Path) -> None:
    folder = tmp_path / "branding"
    (folder / "brand.css").mkdir(parents=True)
    environment.cache_clear()
    try:
        with pytest.raises(TemplateProblem, match="not a regular file"):
            render_html(context, str(folder))
    finally:
        environment.cache_clear()


def test_cli_refuses_the_classic_payload_without_running_it(tmp_path: Path) -> None:
    folder = tmp_path / "branding"
    folder.mkdir()
    marker = tmp_path / "ran"
    (folder / "plan.html.j2").write_text(
        "{{ lipsum.__globals__['os'].system('touch " + str(marker) + "') }}", "utf-8"
    )
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "planforge", "render", str(EXAMPLE)),
            *("-o", str(tmp_path / "out"), "--templates", str(folder), "--format", "html"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "template refused" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    assert not marker.exists()
    assert not (tmp_path / "out" / "reactivation-2024q2.html").exists()
