"""The check stage: schema, then rules, over a loaded document; the heart of ``validate``.

``load → check_schema → resolve → rules``: the rules see the resolved plan, so
they compare what planforge computed (line amounts, totals, statuses) with what
the planner wrote.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planforge import suppress
from planforge.bounds import arithmetic
from planforge.diagnostics import Diagnostic, Location, Related, Severity
from planforge.loader import Document, load_file
from planforge.messages import msg
from planforge.model import Plan
from planforge.resolve import resolve
from planforge.rules import Finding, Rule, all_rules
from planforge.rules.schema_check import check_schema
from planforge.source import SourceMap

if TYPE_CHECKING:
    from planforge.schedule.calendar import WorkCalendar

#: Schema codes that a rule re-reading the same value says better at the same place:
#: an unreadable target (PF601 explains the syntax), an owner that is not a team id
#: (PF203 suggests the right one). Other rules never hide a schema error: a negative
#: amount is reported as such even if PF401 also finds it disagrees.
_GENERIC = {"PF103", "PF104"}
_KNOCKS_ON = {"PF103"}
_SAYS_IT_BETTER = {
    "PF202",
    "PF203",
    "PF204",
    "PF205",
    "PF311",
    "PF601",
    "PF602",
    "PF603",
    "PF701",
    "PF702",
}
#: The loader's bounds: the value became None, so the schema's "not a number" is noise.
_OUT_OF_BOUNDS = {"PF106", "PF108"}


@dataclass
class Result:
    """The outcome of checking one file."""

    path: str
    document: Document
    plan: Plan | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The language to speak about this plan (set by :mod:`planforge.frontdoor`).
    lang: str | None = None

    @property
    def calendar(self) -> WorkCalendar | None:
        """The plan's working-day calendar (None when the plan could not be resolved)."""
        return self.plan.calendar if self.plan is not None else None

    def reported(self) -> Result:
        """What a report reads of this result, without the resolved plan: the findings,
        the language, the text (to quote lines), and of the data only its ``id`` (PF211
        across files), ``locale`` and ``segmentation.source``, with where they are
        written. Small to send between processes (``validate -j``)."""
        doc, data = self.document, self.document.data
        kept = None
        source = SourceMap()
        if isinstance(data, dict):
            kept = {key: data[key] for key in ("id", "locale") if key in data}
            seg = data.get("segmentation")
            if isinstance(seg, dict) and "source" in seg:
                kept["segmentation"] = {"source": seg["source"]}
            for key in kept:
                source.values[(key,)] = doc.source.value((key,))
        slim = Document(doc.path, doc.text, kept, doc.sha256, source)
        return Result(self.path, slim, None, list(self.diagnostics), self.lang)

    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    def failed(self, strict: bool = False) -> bool:
        """True when the file has errors (or, with ``strict``, warnings)."""
        return self.errors() > 0 or (strict and self.warnings() > 0)


def check_file(
    path: str | os.PathLike[str],
    *,
    debug: bool = False,
    read_data: bool = False,
    as_of: dt.date | None = None,
) -> Result:
    """Load and check one plan file; never raises for the file (see :func:`load_file`).

    ``read_data`` reads a segmentation source's rows (not only its header), so
    tier counts come from the data and the data checks run. Should loading itself
    fail inside planforge, that is this file's PF900, and the rest of a batch goes on.
    """
    try:
        doc = load_file(path)
    except Exception as exc:
        if debug or isinstance(exc, MemoryError):  # the memory limit's to report (PF802)
            raise
        doc = Document(os.fspath(path))
        doc.diagnostics.append(_internal(doc, "while loading this file", exc))
    return check_document(doc, debug=debug, read_data=read_data, as_of=as_of)


def check_document(
    doc: Document,
    *,
    debug: bool = False,
    read_data: bool = False,
    base: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """Run the schema and every rule over a loaded document; all findings, sorted.

    ``base`` is the folder the plan's data paths are relative to (default: the
    document's folder). With ``read_data`` and ``as_of``, the plan is evaluated from
    its outcomes up to that day (``planforge evaluate``).

    Everything runs in planforge's decimal context. Should planforge itself fail on
    this document, that is this document's PF900, never an exception for the batch.
    """
    result = Result(doc.path, doc, diagnostics=list(doc.diagnostics))
    if doc.data is None:
        return result
    with arithmetic():
        try:
            folder = os.path.dirname(doc.path) if base is None else base
            return _check(doc, result, debug, read_data, folder, as_of)
        except Exception as exc:
            if debug or isinstance(exc, MemoryError):
                raise
            result.plan = None
            result.diagnostics.append(_internal(doc, msg("while checking this plan"), exc))
            return result


def _internal(doc: Document, where: str, exc: BaseException) -> Diagnostic:
    return Diagnostic(
        "PF900",
        Severity.ERROR,
        msg(
            "planforge failed {where} ({error}); this is a bug: rerun with --debug and report it",
            where=where,
            error=f"{type(exc).__name__}: {exc}",
        ),
        doc.path,
    )


def _check(
    doc: Document,
    result: Result,
    debug: bool,
    read_data: bool,
    base: str,
    as_of: dt.date | None = None,
) -> Result:
    schema_diags = check_schema(doc)
    plan = resolve(doc.data, base=base, read_data=read_data, as_of=as_of)
    rule_diags: list[Diagnostic] = []
    for rule_ in all_rules():
        if rule_.check is not None:
            rule_diags += _run(rule_, plan, doc, debug)
    taken = {(d.line, d.col) for d in rule_diags if d.code in _SAYS_IT_BETTER}
    taken |= {(d.line, d.col) for d in doc.diagnostics if d.code in _OUT_OF_BOUNDS}
    schema_diags = [
        d for d in schema_diags if d.code not in _GENERIC or (d.line, d.col) not in taken
    ]
    # A value of the wrong type is left out of the resolved plan, so a rule may then
    # report it as missing on the same line (PF402 after PF103 on `amount: ¥500`): that
    # knock-on finding says nothing new.
    ignored = {d.line for d in schema_diags if d.code in _KNOCKS_ON}
    rule_diags = [d for d in rule_diags if d.line not in ignored]
    result.plan = plan
    result.diagnostics = suppress.apply(doc, result.diagnostics + schema_diags + rule_diags)
    return result


def _run(rule_: Rule, plan: Plan, doc: Document, debug: bool) -> list[Diagnostic]:
    assert rule_.check is not None
    try:
        return [_diagnostic(rule_, f, doc) for f in rule_.check(plan)]
    except Exception as exc:
        if debug:
            raise
        return [_internal(doc, msg("in rule {code}", code=rule_.code), exc)]


def _diagnostic(rule_: Rule, finding: Finding, doc: Document) -> Diagnostic:
    source = doc.source
    loc = source.key(finding.path) if finding.at_key else source.value(finding.path)
    if finding.offset and (loc.end_line is None or loc.end_line == loc.line):
        lines = doc.lines()
        line = lines[loc.line - 1] if 0 < loc.line <= len(lines) else ""
        quoted = line[loc.col - 1 : loc.col] in ("'", '"')
        loc = Location(loc.line, loc.col + finding.offset + int(quoted))
    related = tuple(Related(msg, source.value(path)) for msg, path in finding.related)
    fix = finding.fix.fix(loc) if finding.fix else None
    return Diagnostic(rule_.code, rule_.severity, finding.message, doc.path, loc, related, fix)
