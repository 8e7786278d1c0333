"""Project settings: ``.planforge.toml``, or ``[tool.planforge]`` in ``pyproject.toml``.

The nearest such file at or above the plan's folder applies (``.planforge.toml`` wins
over ``pyproject.toml`` in the same folder; a ``pyproject.toml`` without a
``[tool.planforge]`` table is passed over). Paths in it are relative to its folder.

.. code-block:: toml

    [tool.planforge]
    paths = ["plans"]          # what validate and render check by default
    locale = "en"              # render and init
    output = "build/plans"     # render's output folder
    select = ["PF3", "PF4"]    # only these checks (prefixes); default all
    ignore = ["PF304"]         # never these (validate)
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

NAMES = (".planforge.toml", "pyproject.toml")
_LOCALES = ("zh-CN", "en")


class ConfigError(Exception):
    """A settings file planforge cannot use (a usage error, exit 2)."""


@dataclass(frozen=True)
class Config:
    """The settings that apply; empty when there is no file."""

    source: str | None = None
    paths: tuple[str, ...] = ()
    locale: str | None = None
    output: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def find(start: str) -> Config:
    """The settings for a plan at ``start`` (a file or folder), walking up to the root."""
    folder = os.path.abspath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    while True:
        for name in NAMES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                table = _read(candidate)
                if name == "pyproject.toml":
                    table = table.get("tool", {}).get("planforge")
                    if table is None:
                        continue
                return _config(candidate, table)
        parent = os.path.dirname(folder)
        if parent == folder:
            return Config()
        folder = parent


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _config(path: str, table: Any) -> Config:
    where = f"{path}: [tool.planforge]" if path.endswith("pyproject.toml") else path
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is not a table of settings")
    known = {"paths", "locale", "output", "select", "ignore"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting `{unknown[0]}`; known: {', '.join(sorted(known))}"
        )
    base = os.path.dirname(path)

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f'{where}: `{key}` is a list of strings, e.g. {key} = ["..."]')
        return tuple(value)

    locale = table.get("locale")
    if locale is not None and locale not in _LOCALES:
        raise ConfigError(f"{where}: `locale` is one of {', '.join(_LOCALES)}, not {locale!r}")
    output = table.get("output")
    if output is not None and (not isinstance(output, str) or not output):
        raise ConfigError(f'{where}: `output` is a folder, e.g. output = "build"')
    codes = {k: tuple(c.upper() for c in strings(k)) for k in ("select", "ignore")}
    return Config(
        path,
        tuple(os.path.relpath(os.path.join(base, p)) for p in strings("paths")),
        locale,
        os.path.relpath(os.path.join(base, output)) if output else None,
        codes["select"],
        codes["ignore"],
    )


def selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """Whether a finding with ``code`` is reported under ``select``/``ignore`` (prefixes).

    Reading the file (PF0xx) and planforge's own failures (PF900) are always reported.
    """
    if code.startswith("PF0") or code == "PF900":
        return True
    if select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(i) for i in ignore)
