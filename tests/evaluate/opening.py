"""A loaded plan evaluated as ``planforge evaluate`` does: opened through the front door
with its outcomes read up to ``as_of``, then the report."""

from __future__ import annotations

import datetime as dt

from planforge.evaluate.command import Evaluated, evaluated
from planforge.frontdoor import Session
from planforge.loader import Document


def evaluate_document(
    doc: Document, as_of: dt.date | None = None, fmt: str = "text", lang: str | None = None
) -> Evaluated:
    result = Session(as_of=as_of or dt.date.today()).open_document(doc)
    return evaluated(result, fmt, lang)
