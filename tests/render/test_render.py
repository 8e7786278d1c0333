"""Rendering: golden HTML, the PDF itself (pages, text, fonts), reproducibility, safety."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.render.document import RenderOptions, render_file
from tests.conftest import EXAMPLE, PLANS, ROOT

GOLDEN = Path(__file__).parents[1] / "golden"
EN_PLAN = PLANS / "key-accounts-care-2024h2.yaml"


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def rendered(rendered_examples: Path) -> Path:
    return rendered_examples


@pytest.mark.parametrize("plan", [EXAMPLE, EN_PLAN], ids=lambda p: p.stem)
def test_golden_html(plan: Path, rendered: Path, golden) -> None:
    golden(GOLDEN / f"{plan.stem}.html", (rendered / f"{plan.stem}.html").read_text("utf-8"))


def test_html_is_self_contained_and_localized(rendered: Path) -> None:
    zh = (rendered / "reactivation-2024q2.html").read_text("utf-8")
    en = (rendered / "key-accounts-care-2024h2.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    for html in (zh, en):
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert "<link" not in html and "<script" not in html
    for label in ("达成", "未达成", "超达成", "¥1,000.00", "¥10,000.00", "第 ", "审批签字"):
        assert label in zh, label
    for label in ("Met", "Exceeded", "Pending", "$14,604.00", "Page ", "Morgan Chen"):
        assert label in en, label


def test_pdf_text_fonts_and_pages(rendered: Path) -> None:
    pdf = str(rendered / "reactivation-2024q2.pdf")
    info = poppler("pdfinfo", pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 4 <= pages <= 6  # cover and tiers, timetable and Gantt, budget, evaluation
    assert "A4" in info
    text = poppler("pdftotext", "-layout", pdf, "-")
    for phrase in (
        "老客户唤醒月",
        "客户数据筛选与分层",
        "预算合计",
        "¥10,000.00",
        "超达成",
        "复盘",
    ):
        assert phrase in text, phrase
    assert f"共 {pages} 页" in text.replace("共", "共 ").replace(
        "  ", " "
    ) or f"共{pages}页" in text.replace(" ", "")
    fonts = poppler("pdffonts", pdf)
    assert re.search(r"Noto-Sans-CJK-SC\s.*\byes\s+yes\s+yes", fonts), fonts
    assert "CJK-JP" not in fonts  # lang="zh-CN" gives Simplified glyph forms


def test_pdf_metadata_names_the_source(rendered: Path) -> None:
    import hashlib

    info = poppler("pdfinfo", "-isodates", "-custom", str(rendered / "reactivation-2024q2.pdf"))
    digest = hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert re.search(rf"planforgesourcesha256:\s*{digest}", info), info
    assert re.search(r"CreationDate:\s+2024-04-01", info), info  # the campaign start, not the clock
    text = poppler("pdftotext", str(rendered / "reactivation-2024q2.pdf"), "-")
    assert f"sha256:{digest[:12]}" in text  # and in the footer
    landscape = poppler("pdfinfo", "-f", "1", "-l", "8", str(rendered / "reactivation-2024q2.pdf"))
    assert "841.89 x 595.276" in landscape  # the timetable pages are landscape


def test_byte_identical_on_a_second_run(rendered: Path, tmp_path: Path) -> None:
    outcome = render_file(str(EXAMPLE), RenderOptions(output=str(tmp_path)))
    assert outcome.ok
    for suffix in ("html", "pdf"):
        name = f"reactivation-2024q2.{suffix}"
        assert (tmp_path / name).read_bytes() == (rendered / name).read_bytes(), name


def test_source_date_epoch_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01
    render_file(str(EN_PLAN), RenderOptions(output=str(tmp_path), formats=("html",)))
    html = (tmp_path / "key-accounts-care-2024h2.html").read_text("utf-8")
    assert 'content="2024-06-01"' in html


def test_plan_text_never_becomes_markup(tmp_path: Path) -> None:
    evil = (
        EXAMPLE.read_text("utf-8")
        .replace(
            "name: 客户数据筛选与分层",
            'name: "<script>alert(1)</script><img src=x onerror=alert(2)>"',
        )
        .replace("title: 老客户唤醒月", 'title: "</title><style>body{display:none}</style>"')
    )
    plan = tmp_path / "evil.yaml"
    plan.write_text(evil, "utf-8")
    outcome = render_file(str(plan), RenderOptions(output=str(tmp_path / "out")))
    assert outcome.ok, outcome.error
    html = (tmp_path / "out" / "reactivation-2024q2.html").read_text("utf-8")
    assert "<script>" not in html and "<img" not in html and "<style>body" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = poppler("pdftotext", str(tmp_path / "out" / "reactivation-2024q2.pdf"), "-")
    assert "<script>alert(1)</script>" in text  # printed as text


def test_locale_override_and_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "render",
            str(EXAMPLE),
            "--format",
            "html",
            "--only",
            "budget,evaluation",
            "--locale",
            "en",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "reactivation-2024q2.budget-evaluation.html").read_text("utf-8")
    assert '<html lang="en">' in html and "Evaluation form" in html and "CN¥10,000.00" in html
    assert 'id="cover"' not in html and 'id="timetable"' not in html
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "reactivation-2024q2.budget-evaluation.html"
    ]


def test_invalid_plan_is_not_rendered(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text("utf-8").replace("  total: 10000", "  total: 9000"), "utf-8")
    result = CliRunner().invoke(main, ["render", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "PF403" in result.output and "not rendered" in result.output
    assert not (tmp_path / "out").exists()


def test_template_override_extends_the_builtin(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "brand.css").write_text("h2 { color: #c00000; }\n", "utf-8")
    (brand / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        "utf-8",
    )
    (brand / "plan.html.j2").write_text(
        '{% extends "planforge/plan.html.j2" %}'
        '{% block header %}<img class="logo" src="logo.svg" alt="ACME">{% endblock %}',
        "utf-8",
    )
    outcome = render_file(
        str(EXAMPLE), RenderOptions(output=str(tmp_path / "out"), templates=str(brand))
    )
    assert outcome.ok, outcome.error
    html = (tmp_path / "out" / "reactivation-2024q2.html").read_text("utf-8")
    # the logo travels inside the HTML, so the page is complete wherever it is opened
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html and "#c00000" in html
    assert 'src="logo.svg"' not in html
    assert "预算表" in html  # the rest of the built-in document is still there


def test_templates_cannot_escape_their_folder(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    os.symlink("/etc/hostname", brand / "brand.css")
    outcome = render_file(
        str(EXAMPLE), RenderOptions(output=str(tmp_path / "out"), templates=str(brand))
    )
    assert outcome.error and "outside the template folder" in outcome.error
    assert not (tmp_path / "out").exists()


def test_renderer_fetches_nothing_outside(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    for name, src in (("net", "http://127.0.0.1:9/logo.png"), ("file", "file:///etc/hostname")):
        (brand / "brand.css").write_text(f'body {{ background: url("{src}"); }}\n', "utf-8")
        outcome = render_file(
            str(EXAMPLE), RenderOptions(output=str(tmp_path / name), templates=str(brand))
        )
        assert outcome.error and ("network" in outcome.error or "outside" in outcome.error), name
        assert not (tmp_path / name).exists()


def test_missing_cjk_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planforge.render import fonts

    monkeypatch.setattr(fonts, "cjk_fonts", lambda: ())
    outcome = render_file(str(EXAMPLE), RenderOptions(output=str(tmp_path)))
    assert outcome.error and "fonts-noto-cjk" in outcome.error
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_failed_render_keeps_the_previous_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "reactivation-2024q2.pdf").write_bytes(b"previous")
    from planforge.render import fonts

    monkeypatch.setattr(fonts, "cjk_fonts", lambda: ())
    render_file(str(EXAMPLE), RenderOptions(output=str(tmp_path)))
    assert (tmp_path / "reactivation-2024q2.pdf").read_bytes() == b"previous"


def test_output_through_a_symlink_is_refused_unless_asked(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / "reactivation-2024q2.html")
    refused = render_file(str(EXAMPLE), RenderOptions(output=str(out), formats=("html",)))
    assert "is a symbolic link" in (refused.error or "") and not refused.written
    assert victim.read_text("utf-8") == "keep me"
    assert (out / "reactivation-2024q2.html").is_symlink()
    options = RenderOptions(output=str(out), formats=("html",), follow_symlinks=True)
    assert render_file(str(EXAMPLE), options).ok
    assert (out / "reactivation-2024q2.html").is_symlink() and "<html" in victim.read_text("utf-8")


def test_batch_in_parallel_as_a_subprocess(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "planforge",
            "render",
            str(plans),
            "-j",
            "2",
            "--format",
            "html",
            "-o",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "CI": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{p.stem}.html" for p in PLANS.glob("*.yaml")
    )
    assert "rendering" not in result.stderr  # no progress bar in CI logs


def test_both_locales_have_every_label_the_templates_use() -> None:
    from planforge.present.labels import LABELS, LOCALES

    assert LOCALES == ("zh-CN", "en")
    assert set(LABELS["zh-CN"]) == set(LABELS["en"])
    used = set()
    for template in (ROOT / "templates").rglob("*.j2"):
        source = template.read_text("utf-8")
        used |= set(re.findall(r"\bL\.([a-z_]+)", source))
        used |= set(re.findall(r"""\bL\[["']([a-z_.]+)["']\]""", source))
    assert used, "no labels found: the pattern is out of date"
    assert used <= set(LABELS["en"]), used - set(LABELS["en"])
    for locale in LOCALES:
        assert all(LABELS[locale][k].strip() or k == "customers_unit" for k in LABELS[locale])


def test_inlined_assets_stay_inside_the_template_folders(tmp_path: Path) -> None:
    from planforge.render.assets import inline_assets

    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "secret.png").write_bytes(b"secret")
    os.symlink(tmp_path / "secret.png", brand / "link.png")
    html = (
        '<img src="logo.png"><img src="../secret.png"><img src="link.png">'
        '<img src="https://example.com/x.png"><style>h1 { background: url(logo.png) }</style>'
    )
    out = inline_assets(html, [str(brand)])
    assert out.count("data:image/png;base64,iVBORw==") == 2
    for kept in ('src="../secret.png"', 'src="link.png"', 'src="https://example.com/x.png"'):
        assert kept in out
