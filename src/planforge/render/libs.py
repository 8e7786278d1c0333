"""Import WeasyPrint without its slow library search, and without the parts of fontTools
it imports for fonts planforge never prints.

cffi opens Pango, HarfBuzz, fontconfig and GLib by trying about twenty names; each one
``dlopen`` does not know is looked up with :func:`ctypes.util.find_library`, which on
Linux runs ``ldconfig -p`` and then, for a name it does not find there, gcc and ld:
about 0.3 s of every cold render. While WeasyPrint is imported, planforge answers these
lookups from one ``ldconfig -p``, read with ctypes' own pattern, so the same libraries
load. With ``LD_LIBRARY_PATH`` set (libraries ldconfig does not list), outside glibc
Linux, or if the import fails this way, the usual lookup runs.

WeasyPrint also imports fontTools' subsetter and its variable-font instancer (about 120
modules, a fifth of the import) for two fallbacks: subsetting without HarfBuzz (which
planforge refuses, see :func:`planforge.render.fonts.require_subsetter`) and variable
fonts. While it is imported, those two modules are stand-ins (:class:`Deferred`) that
import the real module the first time anything in them is used, so a variable font
still prints exactly as before.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import os
import re
import struct
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

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


class Deferred(types.ModuleType):
    """A stand-in for a module: the real one is imported when an attribute is first read."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (``__path__``...)
            raise AttributeError(name)
        return getattr(real_module(self.__name__), name)


def real_module(name: str) -> types.ModuleType:
    """The module ``name``, imported now if only its stand-in was."""
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def _instantiate_variable_font(*args: Any, **kwargs: Any) -> Any:
    return real_module(_INSTANCER).instantiateVariableFont(*args, **kwargs)


_INSTANCER = "fontTools.varLib.instancer"
#: The modules deferred, and the names WeasyPrint imports from them (``from m import f``).
_DEFERRED: dict[str, dict[str, Callable[..., Any]]] = {
    "fontTools.subset": {},
    _INSTANCER: {"instantiateVariableFont": _instantiate_variable_font},
}


@contextlib.contextmanager
def _deferred() -> Iterator[None]:
    """Stand-ins for :data:`_DEFERRED` while WeasyPrint is imported; later imports of
    these modules get the real ones."""
    mine = {}
    for name, names in _DEFERRED.items():
        if name not in sys.modules:
            mine[name] = sys.modules[name] = Deferred(name)
            mine[name].__dict__.update(names)
    try:
        yield
    finally:
        for name, module in mine.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def import_weasyprint() -> None:
    """Import WeasyPrint (once), answering cffi's library lookups from the cache."""
    if "weasyprint" in sys.modules:
        return
    from planforge.render import collector

    # The import keeps nearly all it allocates, so the collector's walks over what is
    # alive (in the printer, all of the parent's modules too) would free nothing.
    with collector.printing(), _deferred():
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
