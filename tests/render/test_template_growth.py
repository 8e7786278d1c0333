"""Templates cannot build huge text through widths: bounded like ``*`` (MAX_BUILD items).

Each payload builds a few million characters from a few: it must be refused (a located
:class:`TemplateProblem`) before anything large is allocated. Ordinary widths still work.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planforge.render.growth import MAX_BUILD
from planforge.render.html import TemplateProblem, environment, render_html

BIG = 2 * MAX_BUILD

PAYLOADS = {
    "ljust": f"{{{{ 'x'.ljust({BIG}) }}}}",
    "rjust": f"{{{{ 'x'.rjust({BIG}, '-') }}}}",
    "center method": f"{{{{ 'x'.center({BIG}) }}}}",
    "zfill": f"{{{{ '1'.zfill({BIG}) }}}}",
    "markup ljust": f"{{{{ ('x'|safe).ljust({BIG}) }}}}",
    "center filter": f"{{{{ 'x'|center({BIG}) }}}}",
    "format width": f"{{{{ '{{:>{BIG}}}'.format('x') }}}}",
    "format precision": f"{{{{ '{{:.{BIG}f}}'.format(1.5) }}}}",
    "nested format width": f"{{{{ '{{:{{w}}}}'.format('x', w={BIG}) }}}}",
    "format_map width": f"{{{{ '{{x:>{BIG}}}'.format_map({{'x': 1}}) }}}}",
    "percent width": f"{{{{ '%{BIG}s' % 'x' }}}}",
    "percent star width": f"{{{{ '%*s' % ({BIG}, 'x') }}}}",
    "percent precision": f"{{{{ '%.{BIG}f' % 1.5 }}}}",
    "percent mapping width": f"{{{{ '%(a){BIG}s' % {{'a': 1}} }}}}",
    "format filter": f"{{{{ '%{BIG}s'|format('x') }}}}",
    "replace method": "{{ ('x' * 100000).replace('x', 'y' * 100) }}",
    "replace filter": "{{ ('x' * 100000)|replace('x', 'y' * 100) }}",
    "join method": "{{ ('x' * 1000).join(['a'] * 10000) }}",
    "join filter": "{{ (['a'] * 10000)|join('x' * 1000) }}",
    "expandtabs": "{{ ('\t' * 1000).expandtabs(10000) }}",
    "translate": "{{ ('x' * 100000).translate({120: 'y' * 100}) }}",
    "bytes repetition": f"{{{{ 'x'.encode() * {BIG} }}}}",
    "bytes ljust": f"{{{{ 'x'.encode().ljust({BIG}) }}}}",
    "indent filter": "{{ ('a\\n' * 10000)|indent(1000) }}",
    "wordwrap filter": "{{ ('a b ' * 10000)|wordwrap(1, wrapstring='x' * 1000) }}",
    "batch filter": f"{{{{ [1]|batch({BIG}, 'x')|list }}}}",
    "slice filter": f"{{{{ [1]|slice({BIG})|list }}}}",
    "tojson indent": "{{ {'a': [1, 2, 3]}|tojson(1000000) }}",
    "lipsum": "{{ lipsum(5000) }}",
}

ORDINARY = (
    "{{ 'x'.ljust(3) }}|{{ 'y'.rjust(3, '-') }}|{{ 'z'|center(5) }}|{{ '7'.zfill(3) }}|"
    "{{ '{:>4}'.format('a') }}|{{ '{:{w}}'.format('b', w=3) }}|{{ '%5s' % 'c' }}|"
    "{{ '%*d' % (4, 1) }}|{{ '%.2f'|format(1.5) }}|{{ 'a,b'.replace(',', ';') }}|"
    "{{ ', '.join(['d', 'e']) }}|{{ ['f', 'g']|join('+') }}|{{ 'h\ni'|indent(2) }}|"
    "{{ [1, 2, 3]|batch(2)|list }}|{{ {'k': 1}|tojson(2) }}|{{ lipsum(1, false, 5, 6) }}|"
    "{{ '%(n)03d' % {'n': 7} }}"
)


def render(tmp_path: Path, template: str) -> str:
    folder = tmp_path / "branding"
    folder.mkdir(exist_ok=True)
    (folder / "plan.html.j2").write_text(template, "utf-8")
    environment.cache_clear()
    try:
        return render_html({}, str(folder))
    finally:
        environment.cache_clear()


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_width_that_builds_huge_text_is_refused(tmp_path: Path, payload: str) -> None:
    with pytest.raises(TemplateProblem) as info:
        render(tmp_path, "<p>fine</p>\n" + payload)
    message = str(info.value)
    assert "plan.html.j2:2:" in message and f"over {MAX_BUILD:,} items" in message


def test_ordinary_widths_still_work(tmp_path: Path) -> None:
    out = render(tmp_path, ORDINARY).split("|")
    assert out[:7] == ["x  ", "--y", "  z  ", "007", "   a", "b  ", "    c"]
    assert out[7:12] == ["   1", "1.50", "a;b", "d, e", "f+g"]
    assert out[12] == "h\n  i" and out[13] == "[[1, 2], [3]]"
    assert out[14] == "{\n  &#34;k&#34;: 1\n}" or out[14] == '{\n  "k": 1\n}'
    assert len(out[15].split()) == 5 and out[16] == "007"
