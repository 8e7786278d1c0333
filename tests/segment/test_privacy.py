"""Masking of phone numbers, ID-card numbers and e-mail addresses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planforge.segment.privacy import looks_sensitive, mask, sensitive_column


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13912345678", "139****5678"),
        ("电话 139-1234-5678 或 +86 13812345678", "电话 139****5678 或 138****5678"),
        ("110101199003071234", "110101********1234"),
        ("31010119880305123X", "310101********123X"),
        ("wang.li@example.com", "w***@example.com"),
        ("C1001", "C1001"),
        ("年消费 = 180,000", "年消费 = 180,000"),
        ("12345678901234", "12345678901234"),  # 14 digits: neither
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_columns_named_for_personal_data() -> None:
    assert all(sensitive_column(c) for c in ("手机号", "联系电话", "身份证号", "邮箱", "E-mail"))
    assert not any(sensitive_column(c) for c in ("年消费", "客户编号", "所在城市"))


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True), st.text(alphabet="甲乙 ,;", max_size=5))
def test_a_phone_number_never_survives(phone: str, around: str) -> None:
    masked = mask(around + phone + around)
    assert phone not in masked and not looks_sensitive(masked)
