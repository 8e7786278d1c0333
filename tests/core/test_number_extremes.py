"""Numeric extremes in every number position of a plan give located diagnostics, never PF900.

Exponents beyond what ``Decimal`` can hold (``1e9999999999999999999``), huge integers and
full-width digits, put in place of each number the example plan writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planforge.check import check_document
from planforge.loader import load_bytes

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "reactivation-2024q2.yaml"
#: A value that is a number, a percentage or a quantity (``200``, ``10%``, ``>= 70%``).
_NUMBER_VALUE = re.compile(r"^(\s*(?:- )?[\w-]+: |\s*- )([<>=≥≤ ]*[0-9][0-9.,]*%?)$", re.M)
#: (value, the words the located diagnostic must show).
EXTREMES = [
    ("1e-99999999999999999999", "PF106"),
    ("1e9999999999999999999", "PF106"),
    ("-1.5E+99999999999999999999", "PF106"),
    ("0e9999999999999999999", "PF106"),
    ("9" * 99, "PF106"),
    ("0x" + "f" * 98, "PF106"),
    ("１２３", "PF"),
    ("１e９９９９９９９９９９９９９９９９９９９９", "PF"),
    ('"1e9999999999999999999%"', "PF"),
]


def positions() -> list[tuple[int, int, int]]:
    """(line, start, end) of each number value in the example plan."""
    text = EXAMPLE.read_text("utf-8")
    out = []
    for m in _NUMBER_VALUE.finditer(text):
        if re.fullmatch(r"\d{4}-\d\d-\d\d", m.group(2)):
            continue
        out.append((text.count("\n", 0, m.start()) + 1, m.start(2), m.end(2)))
    return out


def test_the_example_has_numbers_in_many_positions() -> None:
    assert len(positions()) >= 15


@pytest.mark.parametrize(("value", "code"), EXTREMES, ids=[v[:24] for v, _ in EXTREMES])
def test_an_extreme_number_anywhere_is_a_located_diagnostic(value: str, code: str) -> None:
    text = EXAMPLE.read_text("utf-8")
    for line, start, end in positions():
        data = (text[:start] + value + text[end:]).encode("utf-8")
        result = check_document(load_bytes(data, "plan.yaml"))
        codes = [d.code for d in result.diagnostics]
        assert "PF900" not in codes, (line, [d.message for d in result.diagnostics])
        here = [d for d in result.diagnostics if d.line == line and d.code.startswith(code)]
        assert here, (line, value, [(d.code, d.line, d.message) for d in result.diagnostics])
