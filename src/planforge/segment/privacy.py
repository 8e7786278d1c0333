"""Privacy: which source columns may leave the source, and masking of personal data.

Only the key, the name and the ``show`` columns are ever copied out. Values
that look like a mainland phone number, an ID-card number or an e-mail address
are masked in every output, unless their column is listed in ``show`` by name.

Masking matches what people actually type, not only the canonical form: each
character is first normalised on its own (NFKC, and any decimal digit as its ASCII
digit, so full-width ``１３８`` and ``＠`` count as ``138`` and ``@``), and digit
groups may be split by spaces, NBSP, tabs, dots or dashes (``138.1234.5678``, ``110101 19900307 123X``). A masked number is
written in its canonical form (``138****5678``, ``110101********123X``); e-mail
local parts and domains may be any letters (``王@例子.公司``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: Characters that split the digit groups of a phone or ID-card number (after NFKC:
#: NBSP and the ideographic space become a space, the full-width dash a hyphen).
_SEP = " \t\\-.\u2010-\u2015\u2212"
#: The same before normalisation, for the cheap pre-test (also run by polars).
_RAW_SEP = _SEP + "\u00a0\u2007\u202f\u3000\uff0d\uff0e"
_RAW_DIGIT = r"\d"  # any decimal digit (Unicode Nd), in Python and in polars

#: What any value :func:`mask` changes contains: an at sign, or 11 digits with at
#: most three separators between neighbours (the same test runs vectorised in polars).
CANDIDATE = re.compile(f"[@\uff20\ufe6b]|[{_RAW_DIGIT}](?:[{_RAW_SEP}]{{0,3}}[{_RAW_DIGIT}]){{10}}")

#: A run of digit groups, perhaps ending in the ID card's check letter.
_RUN = re.compile(f"[0-9](?:[{_SEP}]{{0,3}}[0-9])*(?:[{_SEP}]{{0,3}}[Xx](?![0-9A-Za-z]))?")
_GROUP = re.compile(r"[0-9]+[Xx]?|[Xx]")
_PHONE = re.compile(r"1[3-9][0-9]{9}")
_ID_CARD = re.compile(r"[0-9]{17}[0-9Xx]")
_EMAIL = re.compile(r"([\w.%+*-])[\w.%+*-]*(@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,})")

#: Column names that hold personal contact or identity data.
SENSITIVE_NAMES = re.compile(
    r"手机|电话|联系方式|身份证|证件|邮箱|e-?mail|phone|mobile|tel\b|id.?card", re.I
)


def mask(text: str) -> str:
    """``text`` with phone numbers, ID-card numbers and e-mail addresses masked."""
    if not CANDIDATE.search(text):  # the common case, one cheap search
        return text
    text = _mask_numbers(text, _normalised(text))
    return _mask_emails(text, _normalised(text))


def _normalised(text: str) -> str:
    """``text`` with each character normalised on its own: any decimal digit (``１``,
    ``٠``) as its ASCII digit, else NFKC where that keeps it one character.

    The result has the same length, so a match in it is a match at the same place
    in ``text``.
    """
    return "".join(map(_one, text))


@functools.lru_cache(maxsize=4096)
def _one(c: str) -> str:
    if c.isascii():
        return c
    digit = unicodedata.decimal(c, None)
    if digit is not None:
        return str(digit)
    n = unicodedata.normalize("NFKC", c)
    return n if len(n) == 1 else c


def _mask_numbers(text: str, norm: str) -> str:
    out, last = [], 0
    for run in _RUN.finditer(norm):
        for start, end, masked in _numbers_in(run):
            if start > 0 and norm[start - 1] == "+":
                start -= 1
            out += [text[last:start], masked]
            last = end
    return "".join(out) + text[last:]


def _numbers_in(run: re.Match[str]) -> list[tuple[int, int, str]]:
    """The phone and ID-card numbers among a run's digit groups: (start, end, masked)."""
    groups = [
        (run.start() + g.start(), run.start() + g.end(), g[0]) for g in _GROUP.finditer(run[0])
    ]
    found, i = [], 0
    while i < len(groups):
        hit = _number_at(groups, i)
        if hit is None:
            i += 1
            continue
        j, masked = hit
        found.append((groups[i][0], groups[j][1], masked))
        i = j + 1
    return found


def _number_at(groups: list[tuple[int, int, str]], i: int) -> tuple[int, str] | None:
    """The number whose first group is ``groups[i]``: (its last group, its masked form).

    Where the groups could be read either way, a phone number is taken when the
    groups after it start another number (two phones in a row); else the ID card.
    """
    digits, ends = "", []
    for j in range(i, len(groups)):
        if len(groups[j][2]) < 2 and groups[j][2] not in "Xx":
            break  # numbers are written in groups of two digits or more: 0.30000000000000004
        digits += groups[j][2]
        ends.append((j, digits))
        if len(digits) >= 18:
            break
    phone = id_card = None
    for j, d in ends:
        number = d[2:] if len(d) == 13 and d.startswith("86") else d
        if phone is None and len(d) in (11, 13) and _PHONE.fullmatch(number):
            phone = j, number[:3] + "****" + number[7:]
        if len(d) == 18 and _ID_CARD.fullmatch(d):
            id_card = j, d[:6] + "*" * 8 + d[14:]
    if phone and id_card and _number_at(groups, phone[0] + 1) is None:
        return id_card
    return phone or id_card


def _mask_emails(text: str, norm: str) -> str:
    out, last = [], 0
    for m in _EMAIL.finditer(norm):
        out += [text[last : m.start()], text[m.start()], "***", "@", text[m.start(2) + 1 : m.end()]]
        last = m.end()
    return "".join(out) + text[last:]


def looks_sensitive(text: str) -> bool:
    """True when ``text`` holds something :func:`mask` would hide."""
    return mask(text) != text


@functools.lru_cache(maxsize=1024)
def sensitive_column(name: str) -> bool:
    """True when a column's name says it holds phone, ID-card or e-mail data."""
    return bool(SENSITIVE_NAMES.search(name))
