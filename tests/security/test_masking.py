"""Issue 17.4: masking catches what people actually type.

Phone and ID-card numbers are generated in every written form a planner meets in a
CRM export (separators between any groups, NBSP, tabs, full-width and other
decimal digits), e-mail addresses with full-width at signs and non-Latin parts. No
generated number's hidden digits survive masking, in Python or in the polars path
the tier list takes.
"""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.segment.cells import column
from planforge.segment.privacy import CANDIDATE, looks_sensitive, mask

SEPARATORS = [" ", "-", ".", "\t", "\u00a0", "\u3000", "\uff0d", "\u2013", " - ", "\u202f"]
#: How a digit may be written: ASCII, full-width, Arabic-Indic, Devanagari.
DIGIT_SETS = ["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९"]
AROUND = st.text(alphabet="甲乙客户 ,;：:()（）电话号码abc", max_size=6)


@st.composite
def written(draw: st.DrawFn, digits: str, groups: list[int]) -> str:
    """``digits`` as typed: one digit set, a separator (or none) between the groups."""
    table = draw(st.sampled_from(DIGIT_SETS))
    text = "".join(table[int(d)] if d.isdigit() else d for d in digits)
    out, at = [], 0
    for size in groups:
        out.append(text[at : at + size])
        at += size
    seps = draw(
        st.lists(st.sampled_from(["", *SEPARATORS]), min_size=len(out) - 1, max_size=len(out) - 1)
    )
    joined = out[0] + "".join(s + part for s, part in zip(seps, out[1:], strict=True))
    return joined


PHONE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
PHONE_GROUPS = st.sampled_from([[11], [3, 4, 4], [3, 8], [7, 4], [3, 3, 5], [4, 3, 4]])
ID_CARD = st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True)
ID_GROUPS = st.sampled_from([[18], [6, 8, 4], [6, 4, 4, 4], [4, 4, 4, 4, 2], [3, 3, 4, 4, 4]])


def _survives(masked: str, secret: str) -> bool:
    """True when ``secret`` can still be read in ``masked``, whatever digits or separators."""
    digits = "".join(str(int(c)) if c.isdecimal() else c for c in masked)
    return secret in "".join(c for c in digits if c.isalnum())


@settings(max_examples=300, deadline=None)
@given(number=PHONE, groups=PHONE_GROUPS, data=st.data(), before=AROUND, after=AROUND)
def test_a_phone_number_in_any_written_form_is_masked(
    number: str, groups: list[int], data: st.DataObject, before: str, after: str
) -> None:
    typed = data.draw(written(number, groups))
    text = f"{before} {typed} {after}"
    masked = mask(text)
    assert not _survives(masked, number)
    assert number[:3] + "****" + number[7:] in masked
    assert not looks_sensitive(masked)


@settings(max_examples=300, deadline=None)
@given(number=ID_CARD, groups=ID_GROUPS, data=st.data(), before=AROUND, after=AROUND)
def test_an_id_card_number_in_any_written_form_is_masked(
    number: str, groups: list[int], data: st.DataObject, before: str, after: str
) -> None:
    typed = data.draw(written(number, groups))
    masked = mask(f"{before} {typed} {after}")
    assert number[:6] + "********" + number[14:] in masked
    assert not _survives(masked, number)
    assert not looks_sensitive(masked)


@settings(max_examples=200, deadline=None)
@given(
    local=st.text(alphabet="abcxyz王李张._+-0123", min_size=2, max_size=10).filter(
        lambda s: s[0] not in "._+-"
    ),
    domain=st.lists(
        st.text(alphabet="examplcnq例子公司", min_size=1, max_size=6), min_size=1, max_size=3
    ),
    tld=st.sampled_from(["com", "cn", "公司", "中国"]),
    at=st.sampled_from(["@", "＠", "﹫"]),
)
def test_an_email_address_in_any_script_is_masked(
    local: str, domain: list[str], tld: str, at: str
) -> None:
    address = f"{local}{at}{'.'.join(domain)}.{tld}"
    masked = mask(f"邮箱：{address}；")
    assert masked.startswith(f"邮箱：{local[0]}***@") and masked.endswith(f".{tld}；")
    assert not looks_sensitive(masked)


def test_the_forms_the_red_team_found() -> None:
    assert mask("138.1234.5678") == "138****5678"
    assert mask("138\u00a01234\u00a05678") == "138****5678"
    assert mask("138\t1234\t5678") == "138****5678"
    assert mask("１３８１２３４５６７８") == "138****5678"
    assert mask("110101 19900307 123X") == "110101********123X"
    assert mask("w＠example.com") == "w***@example.com"
    assert mask("王@例子.公司") == "王***@例子.公司"
    assert mask("138 1234 5678 139 8765 4321") == "138****5678 139****4321"


@settings(max_examples=150, deadline=None)
@given(number=PHONE, groups=PHONE_GROUPS, data=st.data())
def test_the_tier_lists_polars_path_masks_the_same(
    number: str, groups: list[int], data: st.DataObject
) -> None:
    typed = data.draw(written(number, groups))
    frame = pl.DataFrame({"备注": [f"电话 {typed}", "无"]})
    assert bool(CANDIDATE.search(typed))
    expr = column("备注", pl.String, explicit=False)
    out = frame.select(expr.csv.alias("csv"), expr.basis.alias("basis"))
    for value in out.row(0):
        assert value == mask(f"电话 {typed}")
        assert not _survives(value, number)
