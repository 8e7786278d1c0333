"""Messages that can be shown in the planner's language.

A :class:`Message` *is* its English text (a ``str``), so it can be compared,
logged and written to JSON as before; it also remembers its gettext template and
arguments, so :meth:`Message.localize` can render it in another language later.
Write every user-facing text as ``msg("the line `{item}` says {amount}", item=..., amount=...)``:
the template is the catalog's ``msgid`` (``python-brace-format``), and arguments that
are themselves messages are translated too.
"""

from __future__ import annotations

import re
from typing import Any

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class Message(str):
    """English text plus the template and arguments it was made from."""

    template: str
    args: dict[str, Any]

    def __new__(cls, template: str, /, **args: Any) -> Message:
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template = template
        self.args = args
        return self

    def localize(self, lang: str | None) -> str:
        """This message in ``lang`` (``zh-CN``, ``en``); English when there is no translation."""
        if not lang or lang == "en":
            return str(self)
        from planforge.i18n import gettext

        text = gettext(self.template, lang)
        if not self.args:
            return spaced(text) if lang == "zh-CN" else text
        args = {k: localize(v, lang) for k, v in self.args.items()}
        try:
            text = text.format(**args)
        except (KeyError, IndexError, ValueError):  # a broken translation: fall back
            return str(self)
        return spaced(text) if lang == "zh-CN" else text


class Bilingual(Message):
    """Text given in both languages where it is written (the schema's ``description`` and
    ``x-description-zh``), not through the catalog."""

    zh: str | None

    def __new__(cls, en: str, zh: str | None = None) -> Bilingual:
        self = super().__new__(cls, en)
        self.zh = zh or None
        return self

    def localize(self, lang: str | None) -> str:
        return spaced(self.zh) if lang == "zh-CN" and self.zh else str(self)


def msg(template: str, /, **args: Any) -> Message:
    """A translatable message (``msg`` is the extraction keyword)."""
    return Message(template, **args)


def N_(template: str) -> str:
    """Marks a template for the catalog where it is written; ``msg`` it where it is used."""
    return template


def localize(value: Any, lang: str | None) -> Any:
    """``value`` in ``lang`` when it is a :class:`Message` (or a list of them), else as is."""
    if isinstance(value, Message):
        return value.localize(lang)
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], Message):
        return type(value)(localize(v, lang) for v in value)
    return value


def join(items: list[Any], lang_sep: str = ", ") -> Message:
    """Several messages as one list (``a, b, c``); each item is translated."""
    fields = {f"i{n}": item for n, item in enumerate(items)}
    return Message(lang_sep.join("{" + k + "}" for k in fields), **fields)


def spaced(text: str) -> str:
    """Chinese text with a space between a `code` span and a Han character next to it:
    ``任务 `call`在`` -> ``任务 `call` 在``, as the catalog writes ``依赖的 `segment` 要到``
    (a translation cannot know that an argument ends in code). Unbalanced backticks: as is."""
    parts = text.split("`")
    if len(parts) < 3 or len(parts) % 2 == 0:
        return text
    for i in range(1, len(parts), 2):  # the code spans
        if parts[i - 1] and _HAN.match(parts[i - 1][-1]):
            parts[i - 1] += " "
        if parts[i + 1] and _HAN.match(parts[i + 1][0]):
            parts[i + 1] = " " + parts[i + 1]
    return "`".join(parts)
