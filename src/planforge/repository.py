"""Checks across the files of a plan repository: one id, one plan (PF211).

A plan's id names its output files (``build/<id>.pdf``), so two files with the
same id would overwrite each other's documents. ``validate`` reports it at each
file's ``id:``; ``render`` refuses to render the plans concerned.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from planforge.diagnostics import Diagnostic, Fix, Severity
from planforge.loader import Document
from planforge.messages import msg

if TYPE_CHECKING:
    from planforge.check import Result

CODE = "PF211"


def plan_id(doc: Document) -> str | None:
    """The ``id`` a loaded plan declares, if it is text."""
    ident = doc.data.get("id") if isinstance(doc.data, dict) else None
    return ident if isinstance(ident, str) and ident else None


def duplicate_ids(docs: Sequence[Document]) -> dict[str, list[Diagnostic]]:
    """PF211 diagnostics by document path, for ids that more than one file declares.

    The same file reached by two spellings of its path counts once.
    """
    groups: dict[str, dict[str, Document]] = {}
    for doc in docs:
        ident = plan_id(doc)
        if ident is not None:
            groups.setdefault(ident, {}).setdefault(os.path.realpath(doc.path), doc)
    out: dict[str, list[Diagnostic]] = {}
    for ident, by_file in groups.items():
        if len(by_file) < 2:
            continue
        members = list(by_file.values())
        for doc in members:
            others = [o for o in members if o is not doc]
            named = ", ".join(f"{o.path}:{o.source.value(('id',)).line}" for o in others)
            message = msg(
                "the plan id `{id}` is also used by {named}; output files are named after the id"
                " (`{id}.pdf`), so one plan would overwrite the other's",
                id=ident,
                named=named,
            )
            loc = doc.source.value(("id",))
            fix = Fix(msg("give each plan its own id, e.g. `{id}-2`", id=ident))
            out.setdefault(doc.path, []).append(
                Diagnostic(CODE, Severity.ERROR, message, doc.path, loc, fix=fix)
            )
    return out


def add_duplicate_ids(results: Sequence[Result]) -> None:
    """Add PF211 findings to the checked ``results`` of one run (in place, kept sorted)."""
    found = duplicate_ids([r.document for r in results])
    for result in results:
        extra = found.get(result.path)
        if extra:
            result.diagnostics = sorted(result.diagnostics + extra, key=Diagnostic.sort_key)
