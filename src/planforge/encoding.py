"""Turn a plan file's bytes into text: UTF-8 (with or without BOM) only, with a useful guess otherwise."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from planforge.messages import msg


@dataclass(frozen=True)
class DecodeError(Exception):
    """The bytes are not UTF-8; ``line``/``col`` locate the first bad byte."""

    message: str
    line: int
    col: int


def decode(data: bytes) -> str:
    """Decode UTF-8 text, dropping a BOM; raise :class:`DecodeError` naming the likely encoding."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DecodeError(
            msg("the file is saved as UTF-16; save it as UTF-8 (in Excel/Notepad: 'UTF-8')"), 1, 1
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        guess = guess_encoding(data)
        byte = f"{data[exc.start]:02x}"
        iconv = _ICONV.get(guess or "", "GB18030")
        message = (
            msg(
                "the file is not UTF-8 (byte 0x{byte} cannot start a character). It looks like"
                " {guess}. Save it as UTF-8, for example with: iconv -f {iconv} -t UTF-8 FILE >"
                " FILE.utf8",
                byte=byte,
                guess=guess,
                iconv=iconv,
            )
            if guess
            else msg(
                "the file is not UTF-8 (byte 0x{byte} cannot start a character). Save it as"
                " UTF-8, for example with: iconv -f {iconv} -t UTF-8 FILE > FILE.utf8",
                byte=byte,
                iconv=iconv,
            )
        )
        raise DecodeError(message, line, col) from None


_ICONV = {
    "GBK/GB18030 (Simplified Chinese)": "GB18030",
    "Big5 (Traditional Chinese)": "BIG5",
    "Latin-1/Windows-1252": "WINDOWS-1252",
}


def _share_in(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that ``encoding`` can represent."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0.0
    ok = 0
    for c in wide:
        try:
            c.encode(encoding)
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(wide)


def guess_encoding(data: bytes) -> str | None:
    """Name the likeliest legacy encoding of ``data``, or None.

    Chinese legacy encodings overlap, so decoding success alone proves little: text
    decoded with the right codec is made of common characters (GB2312's core set for
    GBK, Big5's level-1 set for Big5), while a wrong codec yields rare ones.
    """
    scores: list[tuple[float, str]] = []
    for codec, core, name in (
        ("gb18030", "gb2312", "GBK/GB18030 (Simplified Chinese)"),
        ("big5", "big5", "Big5 (Traditional Chinese)"),
    ):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
        if not cjk:
            continue
        score = _share_in("".join(cjk), core)
        if codec == "big5":
            # Big5's common characters live in lead bytes 0xA4-0xC6.
            score = sum(
                1 for c in cjk if 0xA440 <= int.from_bytes(c.encode("big5"), "big") < 0xC67F
            )
            score /= len(cjk)
        scores.append((score, name))
    if scores:
        best = max(scores)
        if best[0] >= 0.9:
            return best[1]
    if any(0xA0 <= b <= 0xFF for b in data):
        return "Latin-1/Windows-1252"
    return None
