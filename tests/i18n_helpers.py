"""Helpers for the translation tests."""

from __future__ import annotations

from typing import Any

from tools.i18n_build import is_structural

from planforge.i18n import translated
from planforge.messages import Bilingual, Message


def untranslated(text: Any, lang: str) -> list[str]:
    """The texts inside ``text`` that ``lang`` cannot show: plain strings that are not
    messages at all, and message templates without a translation (recursively)."""
    if not isinstance(text, Message):
        return [f"not a message: {text!r}"] if isinstance(text, str) and text else []
    if isinstance(text, Bilingual):  # carries its own translation, or lacks one
        return [] if lang != "zh-CN" or text.zh else [str(text)]
    out = []
    if not is_structural(text.template) and not translated(text.template, lang):
        out.append(text.template)
    for arg in text.args.values():
        if isinstance(arg, Message):
            out += untranslated(arg, lang)
    return out
