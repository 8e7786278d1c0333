"""Privacy: which source columns may leave the source, and masking of personal data.

Only the key, the name and the ``show`` columns are ever copied out. Values
that look like a mainland phone number, an ID-card number or an e-mail address
are masked in every output, unless their column is listed in ``show`` by name.
"""

from __future__ import annotations

import functools
import re

_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")

#: Column names that hold personal contact or identity data.
SENSITIVE_NAMES = re.compile(
    r"手机|电话|联系方式|身份证|证件|邮箱|e-?mail|phone|mobile|tel\b|id.?card", re.I
)


#: What any value :func:`mask` changes contains (the same test runs vectorised in polars).
CANDIDATE = re.compile(r"\d{11}|\d{3}[- ]\d{4}|@")


def mask(text: str) -> str:
    """``text`` with phone numbers, ID-card numbers and e-mail addresses masked."""
    if not CANDIDATE.search(text):  # the common case, one cheap search
        return text
    text = _ID_CARD.sub(lambda m: m[1] + "*" * 8 + m[2], text)
    text = _PHONE.sub(lambda m: m[1] + "****" + m[3], text)
    return _EMAIL.sub(lambda m: m[1] + "***" + m[2], text)


def looks_sensitive(text: str) -> bool:
    """True when ``text`` holds something :func:`mask` would hide."""
    return mask(text) != text


@functools.lru_cache(maxsize=1024)
def sensitive_column(name: str) -> bool:
    """True when a column's name says it holds phone, ID-card or e-mail data."""
    return bool(SENSITIVE_NAMES.search(name))
