"""The export end of the pipeline: the resolved plan as JSON, ICS, XLSX or CSV.

``json`` is the whole resolved plan (Decimals as strings); ``csv`` and ``xlsx``
write the plan's tables (:mod:`planforge.export.tables`); ``ics`` its calendar.
icalendar and XlsxWriter are imported only by the format that needs them.
Every output is a function of the plan alone (dates stamped from
:func:`planforge.reproducible.plan_date`), so a rerun gives the same bytes.
"""

from __future__ import annotations

import importlib

from planforge.export.json import FORMAT_VERSION, export_data, export_json, to_data
from planforge.model import Plan

__all__ = [
    "FORMATS",
    "FORMAT_VERSION",
    "TEXT_FORMATS",
    "export_data",
    "export_json",
    "files",
    "to_data",
]

#: Every ``--format``; the text ones may go to stdout, the others need ``-o``.
FORMATS = ("json", "ics", "xlsx", "csv")
TEXT_FORMATS = ("json", "ics")


def files(plan: Plan, source: str, fmt: str, *, formulas: bool = False) -> dict[str, bytes]:
    """The files ``fmt`` makes for ``plan``: file name -> content.

    ``<id>.json``, ``<id>.ics``, ``<id>.xlsx``, or ``<id>-<table>.csv`` per table.
    A CSV cell a spreadsheet would run as a formula gets a leading apostrophe;
    ``formulas`` writes it as it is (the CLI's opt-out).
    """
    module = importlib.import_module(f"planforge.export.{fmt}")
    if fmt == "csv":
        return module.export_files(plan, source, formulas=formulas)
    return module.export_files(plan, source)
