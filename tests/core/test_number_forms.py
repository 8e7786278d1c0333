"""Text that is no number is told apart at once (one expression for every number form):
the same answers as trying each form in turn."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from planforge.scalars import NumberOutOfBounds, parse_number

#: The YAML 1.2 core schema's number forms, each on its own (the reference).
FORMS = [
    re.compile(r"[-+]?[0-9]+"),
    re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"),
    re.compile(r"0o[0-7]+"),
    re.compile(r"0x[0-9a-fA-F]+"),
    re.compile(r"[-+]?\.(?:inf|Inf|INF)"),
    re.compile(r"\.(?:nan|NaN|NAN)"),
]


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NumberOutOfBounds:
        return True


@given(st.text(alphabet=st.sampled_from(list("0123456789+-.eExXoabfAFinINfanN_ /:٣")), max_size=14))
def test_text_is_a_number_exactly_when_one_form_matches(text: str) -> None:
    assert _is_number(text) == any(form.fullmatch(text) for form in FORMS)


def test_dates_and_ids_are_no_numbers_and_numbers_still_are() -> None:
    for text in ("2024-04-01", "138-0013-8000", "1.2.3", "0x", "1e", "-.inf.", "0o8"):
        assert parse_number(text) is None, text
    for text in ("0o17", "0x1F", "-.inf", ".NaN", "1e3", "+.5", "7."):
        assert parse_number(text) is not None, text
