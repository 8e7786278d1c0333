"""Input-method slips: every row of issue #9's table gives the right code, line and fix."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planforge import ime
from planforge.check import check_document
from planforge.loader import load_text

# (what the planner typed, code, line, column, fragment of the fix)
TABLE = [
    ("planforge: 1\ntitle：老客户唤醒月\nid: x\n", "PF030", 2, 6, "title: 老客户唤醒月"),
    (
        "tasks:\n  - id: a\n    start：2025-03-03\n    end: 2025-03-04\n",
        "PF030",
        3,
        10,
        "start: 2025-03-03",
    ),
    ("period:\n\u3000 start: 2024-04-01\n   end: 2024-04-02\n", "PF032", 2, 1, "2 ordinary"),
    (
        "scope:\n  departments: [客服部，售后服务部，市场部]\n",
        "PF031",
        2,
        20,
        "[客服部, 售后服务部, 市场部]",
    ),
    ("kpis:\n  - id: a\n    target: “>= 95%”\n", "PF033", 3, 13, '">= 95%"'),
    ("kpis:\n  - id: a\n    target: >= 95%\n    name: x\n", "PF036", 3, 13, '">= 95%"'),
]


@pytest.mark.parametrize(("text", "code", "line", "col", "fix"), TABLE)
def test_each_slip_of_the_table_is_found_where_it_is(text, code, line, col, fix) -> None:
    result = check_document(load_text(text, "p.yaml"))
    found = [d for d in result.diagnostics if d.code.startswith("PF0")]
    assert [(d.code, d.line, d.col) for d in found] == [(code, line, col)]
    assert found[0].fix is not None and fix in found[0].fix.message and found[0].fix.safe


def test_the_plan_goes_on_loading_with_the_slip_repaired() -> None:
    doc = load_text("scope:\n  departments: [客服部，市场部]\ntitle：唤醒\n")
    assert doc.data == {"scope": {"departments": ["客服部", "市场部"]}, "title": "唤醒"}


def test_locations_after_a_longer_repair_point_at_the_original_columns() -> None:
    # U+3000 becomes two spaces: the key behind it is still at column 2 of the original.
    doc = load_text("period:\n\u3000start: 2024-04-01\n\u3000end: 2024-04-02\n")
    assert doc.source.keys[("period", "start")][:2] == (2, 2)
    assert doc.source.values[("period", "end")][:2] == (3, 7)


def test_comments_quoted_text_and_blocks_are_left_alone() -> None:
    text = 'a: "x，y"  # 注意：这里\nb: |\n  title：不是键\n  [甲，乙]\nc: 1\n'
    assert ime.scan(text) == []


@given(st.text(alphabet=st.sampled_from(list(" -:：，、[]{}\"'“”#>\n２０x\u3000a1")), max_size=80))
def test_any_text_scans_and_loads_without_an_exception(text: str) -> None:
    slips = ime.scan(text)
    repaired, _ = ime.repair(text, slips)
    assert isinstance(repaired, str)
    load_text(text)


def test_the_lines_of_a_quoted_value_over_several_lines_are_left_alone() -> None:
    text = 'tasks:\n  - name: "开始\\\n    %结束"\n    owner: x\ntitle：唤醒\n'
    assert [(s.code, s.line) for s in ime.scan(text)] == [("PF030", 5)]
    assert load_text(text).data["tasks"][0]["name"].endswith("%结束")


#: The one regular expression that found the lines worth a closer look before
#: :func:`ime.suspects` (kept here as the reference it must agree with).
_REFERENCE = re.compile(
    "["
    + re.escape(
        "".join(sorted({*ime.SPACES, *ime.NUMERIC, "，", "、", "：", "“", "‘", "”", "’", '"', "'"}))
    )
    + r"]|(?<![A-Za-z0-9_-])[A-Za-z_][A-Za-z0-9_-]*:\S|(?:^|[:-])[ \t]*[>|%@`]",
    re.MULTILINE,
)


def _lines(text: str, positions: list[int]) -> list[int]:
    return sorted({text.count("\n", 0, at) for at in positions})


@given(
    st.text(
        alphabet=st.sampled_from(list(" \t-:：，、[]{}\"'“”#>|%@`\n\r２０x_Z9é\u3000\u00a0a1")),
        max_size=120,
    )
)
def test_suspect_lines_are_those_of_the_single_expression(text: str) -> None:
    found = ime.suspects(text)
    assert found == sorted(set(found))
    expected = _lines(text, [m.start() for m in _REFERENCE.finditer(text)])
    assert _lines(text, found) == expected


def test_suspect_lines_of_each_kind() -> None:
    text = "a: 1\ntitle：x\nb: 2\nurl:x\n-:y\nc: >- x\nd: 5%\n  - `e`\nf: g\n"
    # title：x, url:x, c: >- x and - `e` (not -:y, whose word starts with -, nor 5%)
    assert _lines(text, ime.suspects(text)) == [1, 3, 5, 7]
