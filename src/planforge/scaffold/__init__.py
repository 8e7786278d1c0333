"""``planforge init``: a new plan from a starter, valid (``--strict``) as written.

Each starter in ``starters/`` is one campaign type in both locales: ``«中文|English»``
picks the locale's text, ``{{id}}`` and ``{{locale}}`` are filled in, and ``{{d+N}}``
is the start date plus N days. The start defaults to the next Monday, so the
output depends only on the arguments and the day it is run (pass ``--start`` for
the same bytes on any day).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from importlib import resources

from planforge.messages import msg

#: Template name -> what it is for (the planning template's four campaign types).
STARTERS = {
    "reactivation": "老客户激活 / dormant-customer reactivation",
    "complaint-recovery": "满意度修复 / complaint recovery",
    "high-value-retention": "高价值客户留存 / high-value retention",
    "brand-care": "品牌关怀 / holiday and brand care",
}
LOCALES = ("zh-CN", "en")
SCHEMA = os.path.join("schemas", "plan.schema.json")

_CHOICE = re.compile(r"«([^|»]*)\|([^»]*)»")
_DAY = re.compile(r"\{\{d\+(\d+)\}\}")
_SLUG = re.compile(r"[^a-z0-9]+")


def _exists(path: str) -> str:
    return msg("{path} already exists; planforge init never overwrites a file", path=path)


class InitError(Exception):
    """Why no plan was written (a usage error)."""


@dataclass(frozen=True)
class Created:
    """What ``init`` wrote."""

    path: str
    plan_id: str
    schema_ref: str
    schema_missing: str | None  # where `planforge schema` should write the schema, if absent


def next_monday(today: dt.date) -> dt.date:
    """The first Monday after ``today`` (a week later when today is a Monday)."""
    return today + dt.timedelta(days=7 - today.weekday())


def _starter_source(name: str) -> str:
    return resources.files(__package__).joinpath("starters", f"{name}.yaml").read_text("utf-8")


def starter_days(name: str) -> int:
    """How many days after its start the starter ``name``'s last date lies."""
    return max((int(n) for n in _DAY.findall(_starter_source(name))), default=0)


def start_range(name: str) -> tuple[dt.date, dt.date]:
    """The first and last start whose starter ``name`` keeps every date in the plan's range."""
    from planforge.bounds import MAX_DATE, MIN_DATE

    return MIN_DATE, MAX_DATE - dt.timedelta(days=starter_days(name))


def starter_text(name: str, locale: str, plan_id: str, start: dt.date) -> str:
    """The starter ``name`` filled in for ``locale``, ``plan_id`` and ``start``."""
    source = _starter_source(name)
    pick = 1 if locale == "zh-CN" else 2
    text = _CHOICE.sub(lambda m: m.group(pick), source)
    text = _DAY.sub(lambda m: (start + dt.timedelta(days=int(m.group(1)))).isoformat(), text)
    return text.replace("{{id}}", plan_id).replace("{{locale}}", locale)


def slug(path: str) -> str:
    """A plan id from a file name: ``Q3 Winback.plan.yaml`` -> ``q3-winback``."""
    name = os.path.basename(path)
    for suffix in (".yaml", ".yml", ".plan"):
        name = name.removesuffix(suffix)
    return _SLUG.sub("-", name.lower()).strip("-")


def plan_id_for(path: str, template: str, start: dt.date) -> str:
    """The id ``init`` gives a plan at ``path``: its file name's slug, read back as text.

    ``2027春节关怀.plan.yaml`` slugs to ``2027``, which YAML reads as a number, so such a
    slug (and ``true``, ``1e3``...) gets the template's name in front: ``brand-care-2027``.
    A name without any letter or digit gives ``<template>-<start>``.
    """
    from planforge.scalars import plain_scalar

    wanted = slug(path)[:60].strip("-")
    if not wanted:
        return f"{template}-{start.isoformat()}"
    if plain_scalar(wanted) != wanted:
        wanted = f"{template}-{wanted}"[:60].strip("-")
    return wanted


def fresh_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... when another plan has it."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _repository_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` with ``.git`` or ``schemas/plan.schema.json``."""
    here = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(here, ".git")) or os.path.isfile(os.path.join(here, SCHEMA)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _ids_near(folder: str, root: str | None) -> set[str]:
    """Plan ids already used in the repository (or the target folder outside one)."""
    from planforge.discover import DiscoveryError, find_plans
    from planforge.loader import load_file
    from planforge.repository import plan_id

    try:
        files = find_plans([root or folder])
    except DiscoveryError:
        return set()
    ids = set()
    for path in files:
        try:
            ident = plan_id(load_file(path))
        except OSError:
            continue
        if ident:
            ids.add(ident)
    return ids


def create(path: str, *, template: str, locale: str, start: dt.date) -> Created:
    """Write a new plan at ``path``; never overwrites. :class:`InitError` says why not."""
    if template not in STARTERS:
        raise InitError(
            msg(
                "no template called {template}; choose from {templates}",
                template=template,
                templates=", ".join(STARTERS),
            )
        )
    if not path.endswith((".yaml", ".yml")):
        raise InitError(
            msg("{path}: a plan file name ends in .yaml (e.g. {path}.plan.yaml)", path=path)
        )
    first, last = start_range(template)
    if not first <= start <= last:
        raise InitError(
            msg(
                "--start {start}: a {template} plan runs {days} days and must lie between"
                " {min} and {max}; choose a start from {first} to {last}",
                start=start.isoformat(),
                template=template,
                days=starter_days(template) + 1,
                min=first.isoformat(),
                max=(last + dt.timedelta(days=starter_days(template))).isoformat(),
                first=first.isoformat(),
                last=last.isoformat(),
            )
        )
    if os.path.lexists(path):
        raise InitError(_exists(path))
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InitError(
            msg(
                "{folder}: cannot create the folder ({reason})",
                folder=os.path.dirname(path),
                reason=reason,
            )
        ) from None
    root = _repository_root(folder)
    plan_id = fresh_id(plan_id_for(path, template, start), _ids_near(folder, root))
    schema_path = os.path.join(root, SCHEMA) if root else os.path.join(folder, "plan.schema.json")
    ref = os.path.relpath(schema_path, folder).replace(os.sep, "/")
    text = f"# yaml-language-server: $schema={ref}\n" + starter_text(
        template, locale, plan_id, start
    )
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise InitError(_exists(path)) from None
    missing = None if os.path.isfile(schema_path) else schema_path
    return Created(path, plan_id, ref, missing)
