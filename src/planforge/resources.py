"""planforge's package data, found only here.

* ``schemas/plan.schema.json``: the plan format's JSON Schema;
* ``templates/``: the document's built-in templates, stylesheets and fonts;
* ``locale/``: the compiled message catalogs.

The wheel force-includes ``schemas/`` and ``templates/`` as ``planforge/schemas`` and
``planforge/templates`` (see ``pyproject.toml``); a source checkout keeps them at the
top of the repository, two folders above the package, where editors and companies
find them. :func:`folder` looks inside the package first, then at the checkout's top.
planforge is always installed as plain files (never zipped), so the package's folder is
this module's own: :mod:`importlib.resources` would answer the same path, after
importing ``tempfile``, ``shutil`` and ``zipfile`` (8 ms of every command's start).
This module imports nothing of planforge's, so anything may use it.
"""

from __future__ import annotations

import functools
from pathlib import Path

SCHEMA_NAME = "plan.schema.json"


def package() -> Path:
    """The installed package's folder (planforge is always installed as plain files)."""
    return Path(__file__).resolve().parent


@functools.cache
def folder(name: str, marker: str | None = None) -> Path:
    """The data folder ``name`` (``schemas``, ``templates``, ``locale``): inside the
    package when it is there (holding ``marker`` when given), else at the top of the
    source checkout."""
    inside = package() / name
    if inside.is_dir() and (marker is None or (inside / marker).is_file()):
        return inside
    return package().parents[1] / name


def schema_path() -> Path:
    """The schema file: inside the installed package, or ``schemas/`` in a source checkout."""
    return folder("schemas", SCHEMA_NAME) / SCHEMA_NAME


@functools.cache
def schema_text() -> str:
    """The schema as published (``planforge schema`` prints this)."""
    return schema_path().read_text(encoding="utf-8")


def templates() -> Path:
    """The built-in templates (in the wheel, or ``templates/`` in a checkout)."""
    return folder("templates", "plan.html.j2")


def locale_dir() -> Path:
    """The compiled catalogs, ``<lang>/LC_MESSAGES/planforge.mo``."""
    return package() / "locale"
