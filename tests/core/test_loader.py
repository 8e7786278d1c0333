"""The loader: YAML 1.2 meaning, exact decimals, positions, hostile input."""

from __future__ import annotations

from decimal import Decimal

from planforge.diagnostics import Location
from planforge.loader import MAX_BYTES, load_bytes, load_text


def codes(doc) -> list[str]:
    return [d.code for d in doc.diagnostics]


def test_yaml_12_booleans_octal_and_dates_stay_text() -> None:
    doc = load_text("a: no\nb: yes\nc: on\nd: off\ne: 0755\nf: 2024-04-01\ng: true\nh: ~\n")
    assert doc.data == {
        "a": "no",
        "b": "yes",
        "c": "on",
        "d": "off",
        "e": Decimal(755),
        "f": "2024-04-01",
        "g": True,
        "h": None,
    }
    assert codes(doc) == []


def test_numbers_are_decimals_from_source_text() -> None:
    doc = load_text("a: 0.1\nb: 1.10\nc: 1e3\nd: 0x1F\ne: 0o17\nf: -5\n")
    assert doc.data == {
        "a": Decimal("0.1"),
        "b": Decimal("1.10"),
        "c": Decimal("1e3"),
        "d": Decimal(31),
        "e": Decimal(15),
        "f": Decimal(-5),
    }
    assert str(doc.data["b"]) == "1.10"  # the written precision survives
    assert not any(isinstance(v, float) for v in doc.data.values())


def test_quoted_scalars_are_text() -> None:
    doc = load_text("a: '10'\nb: \"true\"\nc: !!str 12\n")
    assert doc.data == {"a": "10", "b": "true", "c": "12"}


def test_every_value_and_key_has_a_position() -> None:
    doc = load_text("tasks:\n  - id: 中文\n    end: 2024-04-01\n")
    assert doc.source.value(("tasks", 0, "end")) == Location(3, 10, 3, 20)
    assert doc.source.key(("tasks", 0, "end")) == Location(3, 5, 3, 8)
    assert doc.source.value(("tasks", 0)).line == 2
    # a path without its own entry falls back to the nearest ancestor
    assert doc.source.value(("tasks", 0, "missing")).line == 2


def test_duplicate_key_names_both_lines() -> None:
    doc = load_text("a: 1\nb: 2\na: 3\n")
    (diag,) = doc.diagnostics
    assert diag.code == "PF003" and diag.line == 3
    assert diag.related[0].location.line == 1
    assert doc.data == {"a": Decimal(1), "b": Decimal(2)}


def test_python_tags_are_never_constructed() -> None:
    doc = load_text("a: !!python/object/apply:os.system [echo hi]\nb: !!python/name:os.system\n")
    assert codes(doc) == ["PF004", "PF004"]
    assert doc.data == {"a": None, "b": None}


def test_alias_bomb_is_rejected() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    doc = load_text("\n".join(lines))
    assert codes(doc) == ["PF005"]
    assert doc.data is None


def test_deep_nesting_is_rejected_not_a_crash() -> None:
    doc = load_text("a: " + "[" * 100_000 + "]" * 100_000)
    assert codes(doc) == ["PF005"]


def test_aliases_share_values() -> None:
    doc = load_text("n: &n [a, b]\nm: *n\n")
    assert doc.data == {"n": ["a", "b"], "m": ["a", "b"]}
    assert codes(doc) == []


def test_bom_and_crlf() -> None:
    doc = load_bytes("\ufeffa: 1\r\nb: 中\r\n".encode())
    assert doc.data == {"a": Decimal(1), "b": "中"}
    assert doc.source.value(("b",)).line == 2


def test_too_large_file() -> None:
    doc = load_bytes(b"#" * (MAX_BYTES + 1))
    assert codes(doc) == ["PF006"]


def test_tab_indentation_is_located() -> None:
    doc = load_text("a:\n  b: 1\n\tc: 2\n")
    (diag,) = doc.diagnostics
    assert diag.code == "PF002" and diag.line == 3 and "tab" in diag.message


def test_syntax_error_is_located() -> None:
    doc = load_text("a: [1, 2\nb: 3\n")
    (diag,) = doc.diagnostics
    assert (diag.code, diag.line, diag.col) == ("PF002", 1, 4)  # the bracket left open


def test_control_character_is_located_in_characters() -> None:
    doc = load_text("a: 1\nb: 中文\x8fz\n")
    (diag,) = doc.diagnostics
    assert (diag.code, diag.line, diag.col) == ("PF002", 2, 6)
    assert "U+008F" in diag.message
