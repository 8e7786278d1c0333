"""Make sure a CJK font is installed before printing Chinese: WeasyPrint itself would
silently print tofu boxes."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

INSTALL_HINT = (
    "install a Chinese font, e.g. on Debian/Ubuntu: sudo apt-get install fonts-noto-cjk"
    " (./dev setup does this)"
)


class MissingFont(RuntimeError):
    """No font can draw the plan's CJK text."""


def needs_cjk(text: str) -> bool:
    """Whether ``text`` contains Chinese, Japanese or Korean characters."""
    return _CJK.search(text) is not None


@functools.lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """Families fontconfig offers for Simplified Chinese (empty when there are none)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return ()
    out = subprocess.run(
        [exe, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    return tuple(sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()}))


def require_cjk_font(text: str) -> None:
    """Raise :class:`MissingFont` when ``text`` has CJK characters and no font can draw them."""
    if needs_cjk(text) and not cjk_fonts():
        raise MissingFont(
            f"the plan has Chinese text but no Chinese font is installed; {INSTALL_HINT}"
        )


SUBSET_HINT = (
    "install HarfBuzz's subsetter (4.1 or later), e.g. on Debian/Ubuntu:"
    " sudo apt-get install libharfbuzz-subset0 (./dev setup does this)"
)


def require_subsetter() -> None:
    """Raise :class:`MissingFont` when WeasyPrint would subset fonts with fontTools.

    Without HarfBuzz's subsetter WeasyPrint falls back to fontTools, which writes
    the PDF about 13 times slower (minutes for a Chinese plan); planforge refuses
    rather than hang a CI job.
    """
    from planforge.render.libs import import_weasyprint

    import_weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise MissingFont(f"fonts cannot be embedded quickly without HarfBuzz; {SUBSET_HINT}")
