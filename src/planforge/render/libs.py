"""Import WeasyPrint without its slow library search.

cffi opens Pango, HarfBuzz, fontconfig and GLib by trying about twenty names; each one
``dlopen`` does not know is looked up with :func:`ctypes.util.find_library`, which on
Linux runs ``ldconfig -p`` and then, for a name it does not find there, gcc and ld:
about 0.3 s of every cold render. While WeasyPrint is imported, planforge answers these
lookups from one ``ldconfig -p``, read with ctypes' own pattern, so the same libraries
load. With ``LD_LIBRARY_PATH`` set (libraries ldconfig does not list), outside glibc
Linux, or if the import fails this way, the usual lookup runs.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator

_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


@functools.lru_cache(maxsize=1)
def _ldconfig() -> bytes | None:
    try:
        return subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def cached_find_library(name: str) -> str | None:
    """:func:`ctypes.util.find_library` as its ``ldconfig -p`` step answers it."""
    listing = _ldconfig() or b""
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = _ABI.get(os.uname().machine + bits, "libc6")
    found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
    return os.fsdecode(found.group(1)) if found else None


@contextlib.contextmanager
def _lookups(find: Callable[[str], str | None]) -> Iterator[None]:
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = find
    try:
        yield
    finally:
        ctypes.util.find_library = original


def usable() -> bool:
    """Whether one ``ldconfig -p`` sees every library the normal lookup would."""
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("LD_LIBRARY_PATH")
        and _ldconfig() is not None
    )


def import_weasyprint() -> None:
    """Import WeasyPrint (once), answering cffi's library lookups from the cache."""
    if "weasyprint" in sys.modules:
        return
    if usable():
        try:
            # WeasyPrint prints advice before it gives up; the usual lookup may still work.
            with _lookups(cached_find_library), contextlib.redirect_stdout(io.StringIO()):
                import weasyprint
            return
        except OSError:
            for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
                del sys.modules[name]
    import weasyprint  # noqa: F401
