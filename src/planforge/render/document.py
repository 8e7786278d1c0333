"""Render one plan file to HTML and/or PDF: check, resolve, fill templates, print, write.

Both outputs are made in memory first, then written as one set (see
:mod:`planforge.atomic`), so a failed render leaves the previous files untouched.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planforge.atomic import OutputError, resolve_target, write_files
from planforge.check import Result
from planforge.diagnostics import Diagnostic
from planforge.model import Plan
from planforge.render import printer, view
from planforge.render.html import TemplateProblem, builtin_templates, render_html
from planforge.reproducible import plan_date, plan_datetime, source_date_epoch

FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class RenderOptions:
    """What ``planforge render`` was asked for."""

    formats: tuple[str, ...] = FORMATS
    output: str = "build"
    sections: tuple[str, ...] = view.SECTIONS
    locale: str | None = None
    templates: str | None = None
    debug: bool = False
    follow_symlinks: bool = False  # write through output paths that are symbolic links
    changes_since: tuple[str, str] | None = None  # --changes-since: (revision as given, commit)
    with_tier_list: bool = False  # print the customer rows of the tier list (privacy: off)
    lang: str | None = None  # --lang: the language of messages (planforge.frontdoor)
    #: Count outcome rows up to this day (plans with `outcomes`); None: today.
    as_of: dt.date | None = None


@dataclass
class Outcome:
    """What happened to one plan."""

    path: str
    result: Result | None = None
    written: list[str] = field(default_factory=list)
    error: str | None = None
    limit: Diagnostic | None = None  # a render limit that stopped this plan (PF801/PF802)
    refused: list[Diagnostic] = field(default_factory=list)  # why it was not rendered (PF211)

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.limit is None
            and not self.refused
            and self.result is not None
            and not self.result.failed()
        )


def output_stem(plan_id: str, sections: tuple[str, ...]) -> str:
    """The output file name without its extension: the plan id, plus the sections of a
    partial render (``--only cover,budget`` -> ``<id>.cover-budget``), so a partial
    document never overwrites the full one."""
    if set(sections) >= set(view.SECTIONS):
        return plan_id
    return f"{plan_id}.{'-'.join(sections)}"


def document_html(
    plan: Plan, sha256: str, options: RenderOptions, changes: dict[str, Any] | None = None
) -> str:
    """The HTML document for a valid, resolved plan (raises :class:`TemplateProblem`)."""
    info = view.RenderInfo(sha256, plan_date(plan), options.sections, options.locale)
    info.changes = changes
    if options.with_tier_list and plan.segmentation is not None and plan.segmentation.read:
        from planforge.segment.output import tier_list

        info.tier_list = list(tier_list(plan, plan.segmentation.rules).rows)
    return render_html(view.build(plan, info), options.templates)


def render_file(path: str, options: RenderOptions) -> Outcome:
    """Check and render ``path``; never raises for a bad plan (see :class:`Outcome`)."""
    return render_checked(check_for_render(path, options), options)


def check_for_render(path: str, options: RenderOptions) -> Outcome:
    """The first half of :func:`render_file`: open the plan through the front door."""
    from planforge.frontdoor import Session

    outcome = Outcome(path)
    try:
        session = Session(
            lang_option=options.lang, debug=options.debug, as_of=options.as_of or dt.date.today()
        )
        outcome.result = session.open(path)
    except OSError as exc:
        outcome.error = f"cannot read: {exc.strerror or exc}"
    return outcome


def render_checked(outcome: Outcome, options: RenderOptions) -> Outcome:
    """The second half of :func:`render_file`: render a checked plan and write the files."""
    result = outcome.result
    if outcome.error or result is None or result.failed() or result.plan is None:
        return outcome
    path = outcome.path
    plan = result.plan
    changes = None
    if options.changes_since is not None:
        from planforge.diff.changelog import change_log

        locale = options.locale or plan.locale or "zh-CN"
        changes = change_log(path, plan, *options.changes_since, locale)
    try:
        html = document_html(plan, result.document.sha256, options, changes)
    except TemplateProblem as exc:
        outcome.error = str(exc)
        return outcome
    files: dict[str, bytes] = {}
    if "html" in options.formats:
        files["html"] = html.encode("utf-8")  # template markup's assets are inlined already
    if "pdf" in options.formats:
        from planforge.render.fonts import MissingFont
        from planforge.render.pdf import RenderError, html_to_pdf

        plan_dir = str(Path(path).resolve().parent)
        base = options.templates or str(builtin_templates())
        allowed = [str(builtin_templates()), plan_dir]
        epoch = str(int(plan_datetime(plan).timestamp()))
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch() or epoch)  # font timestamps
        try:
            early = printer.current()
            files["pdf"] = (early.print_pdf if early else html_to_pdf)(
                html, base, allowed, shared=options.templates is None
            )
        except (MissingFont, RenderError) as exc:
            outcome.error = str(exc)
            return outcome
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    stem = os.path.join(options.output, output_stem(plan.id, options.sections))
    names = {f"{stem}.{fmt}": data for fmt, data in files.items()}
    try:
        targets = {
            resolve_target(name, inputs=[path], follow_symlinks=options.follow_symlinks): data
            for name, data in names.items()
        }
        write_files(targets)
    except OutputError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.written.extend(names)
    return outcome
