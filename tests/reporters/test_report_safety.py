"""Reports stay well-formed and harmless whatever a plan holds; output stays bounded."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from planforge.check import check_document
from planforge.loader import load_bytes
from planforge.present.safe import json_safe, visible, xml_safe
from planforge.reporters import FORMATS, get
from planforge.reporters.text import EXCERPT, MAX_FINDINGS

#: A plan whose keys and values carry NUL, ESC/OSC/BEL, C1, bidi and zero-width characters.
HOSTILE = (
    'status: "\\0\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil\\u200b\\x85"\n'
    '"k\\x01\\x1b[31m\\n\\u2066": 1\n'
    "note: \u202e reversed\n"
).encode()


def _result(data: bytes = HOSTILE):
    return check_document(load_bytes(data, "p\u202e.yaml"), debug=True)


def test_visible_escapes_controls_bidi_and_invisibles_only() -> None:
    assert (
        visible("a\x1b]0;t\x07b\u202ec\u200bd\x85") == "a\\u001b]0;t\\u0007b\\u202ec\\u200bd\\u0085"
    )
    assert visible("老客户唤醒 ✓ 😀 ｆｕｌｌ é") == "老客户唤醒 ✓ 😀 ｆｕｌｌ é"  # é combining kept


def test_xml_safe_replaces_exactly_what_xml_forbids() -> None:
    assert xml_safe("a\x00b\x1bc\td\ne\ud800f\ufffe") == "a\\u0000b\\u001bc\td\ne\\ud800f\\ufffe"
    assert xml_safe("\u202e 老") == "\u202e 老"  # allowed in XML: kept


def test_json_safe_escapes_lone_surrogates() -> None:
    text = json.dumps({"m": "a\ud800b"}, ensure_ascii=False)
    safe = json_safe(text)
    safe.encode("utf-8")  # would raise before
    assert json.loads(safe) == {"m": "a\ud800b"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_is_well_formed_and_carries_no_raw_controls(fmt: str) -> None:
    out = get(fmt)([_result()], strict=True, color=False)
    out.encode("utf-8")
    if fmt in ("json", "sarif"):
        json.loads(out)
    if fmt == "junit":
        ET.fromstring(out.split("\n", 1)[1])
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    if fmt in ("text", "github"):
        assert "\u202e" not in out and "\u2066" not in out
        assert "\\u202e" in out  # shown, not dropped


def test_the_excerpt_of_a_long_line_is_capped() -> None:
    keys = ", ".join(f"unknown_key_{i}: 1" for i in range(10_000))
    result = _result(("{" + keys + "}\n").encode())
    assert len(result.diagnostics) > MAX_FINDINGS
    out = get("text")([result])
    assert len(out) < 200 * (EXCERPT + 600)  # 335 MB before
    assert f"{len(result.diagnostics) - MAX_FINDINGS} more findings not shown" in out
    line = next(x for x in out.splitlines() if x.startswith("1 | "))
    assert len(line) <= EXCERPT + 10 and line.endswith("…")


def test_the_caret_still_points_at_the_value_in_a_cut_line() -> None:
    text = "title: ok\nnote: " + "x" * 500 + "\u202e" + " bad: 1\n"
    result = _result(text.encode())
    out = get("text")([result])
    lines = out.splitlines()
    i = next(n for n, x in enumerate(lines) if x.startswith("2 | "))
    source, caret = lines[i], lines[i + 1]
    assert source.startswith("2 | …") and "\\u202e" in source
    assert source[caret.index("^")] == ":", (source, caret)  # under the mistake
