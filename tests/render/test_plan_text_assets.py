"""Plan text that looks like a CSS or HTML reference stays text: only template markup is inlined."""

from __future__ import annotations

from pathlib import Path

from planforge.render.document import RenderOptions, render_file

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "reactivation-2024q2.yaml"
PNG = b"\x89PNG secret logo bytes"
#: Free-text fields of the example plan, each given a reference to the template's logo.
FIELDS = {
    "title: 老客户唤醒月": "title: 老客户唤醒月 url(logo.png)",
    "  statement: 2024年Q2": "  statement: url('logo.png') 2024年Q2",
    "  segment: 中价值客户(": '  segment: url( "logo.png" ) 中价值客户(',
    "    criteria: 近2次投诉": "    criteria: 近2次投诉 url(logo.png)",
    "    name: 客户数据筛选与分层": "    name: 客户数据筛选与分层 url(logo.png#x)",
    "    deliverable: 输出《客户分层清单》": "    deliverable: 输出 src='logo.png' url(logo.png?v=1)",
    "    role: 数据专员": "    role: 数据专员url(logo.png)",
}


def test_plan_text_is_never_turned_into_an_inline_image(tmp_path: Path) -> None:
    text = EXAMPLE.read_text("utf-8")
    for old, new in FIELDS.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.png").write_bytes(PNG)
    (brand / "plan.html.j2").write_text(
        '{% extends "planforge/plan.html.j2" %}'
        '{% block header %}<img class="logo" src="logo.png" alt="ACME">{% endblock %}',
        "utf-8",
    )
    outcome = render_file(
        str(plan),
        RenderOptions(formats=("html",), output=str(tmp_path / "out"), templates=str(brand)),
    )
    assert outcome.ok, (outcome.error, outcome.result and outcome.result.diagnostics)
    html = (tmp_path / "out" / "reactivation-2024q2.html").read_text("utf-8")
    # the template's own logo is still inlined, once
    assert html.count("data:image/png;base64,") == 1
    assert '<img class="logo" src="data:image/png;base64,' in html
    # every plan field shows its text as written (escaped as HTML text)
    for shown in (
        "老客户唤醒月 url(logo.png)",
        "客户数据筛选与分层 url(logo.png#x)",
        "url(logo.png?v=1)",
    ):
        assert shown in html, shown
    assert "数据专员url(logo.png)" in html and "url(&#39;logo.png&#39;)" in html
