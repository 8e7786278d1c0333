"""The planner's language: which one to use, and its gettext catalog.

The language is ``--lang``, else ``PLANFORGE_LANG``, else the plan's own ``locale``,
else the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set, else English
(so a zh-CN plan checked where ``LANG=C.UTF-8`` speaks Chinese). Catalogs are
``locale/<lang>/LC_MESSAGES/planforge.mo`` inside the package, compiled from the
``.po`` next to them (``python -m tools.i18n_build update`` adds new messages
and recompiles them; a test checks they are complete and up to date). They are read the first time a message is translated, so an
English run never opens them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any

from planforge.resources import locale_dir

DOMAIN = "planforge"
LANGUAGES = ("en", "zh-CN")
LOCALE_DIR = locale_dir()


def normalize(value: str | None) -> str | None:
    """``zh_CN.UTF-8`` / ``zh-cn`` / ``zh`` -> ``zh-CN``; ``en_US`` / ``C`` -> ``en``; else None."""
    if not value:
        return None
    base = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    if base.startswith("zh"):
        return "zh-CN"
    if base.startswith("en") or base in ("c", "posix"):
        return "en"
    return None


def explicit(option: str | None = None, env: Mapping[str, str] | None = None) -> str | None:
    """The language the planner asked planforge for: ``--lang``, else ``PLANFORGE_LANG``."""
    env = os.environ if env is None else env
    if option:
        return normalize(option) or "en"
    value = env.get("PLANFORGE_LANG")
    return (normalize(value) or "en") if value else None


def choose(
    option: str | None = None,
    env: Mapping[str, str] | None = None,
    plan_locale: str | None = None,
) -> str:
    """The language to speak: the option, ``PLANFORGE_LANG``, the plan's locale, then the
    locale variables, then English."""
    env = os.environ if env is None else env
    asked = explicit(option, env)
    if asked:
        return asked
    if normalize(plan_locale):
        return normalize(plan_locale)  # type: ignore[return-value]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            # LANG=de_DE: planforge has no German, so English (not the next variable).
            return normalize(value) or "en"
    return "en"


@functools.cache
def catalog(lang: str) -> Any:
    """The compiled catalog for ``lang`` (a ``gettext.NullTranslations`` when there is none)."""
    import gettext as _gettext

    return _gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[lang.replace("-", "_")], fallback=True
    )


def translated(text: str, lang: str) -> bool:
    """True when the catalog for ``lang`` has a translation of ``text``."""
    return text in getattr(catalog(lang), "_catalog", {})


def gettext(text: str, lang: str | None) -> str:
    """``text`` translated into ``lang`` (itself when there is no translation)."""
    if not lang or lang == "en":
        return text
    return catalog(lang).gettext(text)
