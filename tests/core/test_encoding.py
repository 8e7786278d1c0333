"""Decoding plan bytes and naming the likely encoding."""

from __future__ import annotations

import pytest

from planforge.encoding import DecodeError, decode, guess_encoding

ZH_S = "客户关系维护活动计划,目标客户参与率达到百分之七十,复购率提升十二个百分点。"
ZH_T = "客戶關係維護活動計劃,目標客戶參與率達到百分之七十,復購率提升十二個百分點。"


def test_utf8_with_bom() -> None:
    assert decode("\ufeff中文".encode()) == "中文"


@pytest.mark.parametrize(
    ("text", "codec", "name"),
    [
        (ZH_S, "gbk", "GBK"),
        (ZH_S, "gb18030", "GBK"),
        (ZH_T, "big5", "Big5"),
        ("Café crème, déjà vu", "latin-1", "Latin-1"),
    ],
)
def test_guess(text: str, codec: str, name: str) -> None:
    data = f"title: {text}\n".encode(codec)
    assert name in (guess_encoding(data) or "")
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert name in info.value.message
    first_non_ascii = next(i for i, c in enumerate(text) if ord(c) > 127)
    assert info.value.line == 1 and info.value.col == len("title: ") + first_non_ascii + 1


def test_position_of_first_bad_byte() -> None:
    data = "a: ok\nb: 中\n".encode() + "c: 中文\n".encode("gbk")
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert (info.value.line, info.value.col) == (3, 4)


def test_utf16_is_named() -> None:
    with pytest.raises(DecodeError, match="UTF-16"):
        decode("a: 1".encode("utf-16"))
