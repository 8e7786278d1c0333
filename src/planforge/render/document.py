"""Render one plan file to HTML and/or PDF: check, resolve, fill templates, print, write.

Both outputs are made in memory first and written atomically afterwards, so a
failed render leaves the previous files untouched.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from planforge.atomic import write_bytes_atomic
from planforge.check import Result, check_file
from planforge.diagnostics import Diagnostic
from planforge.model import Plan
from planforge.render import view
from planforge.render.html import TemplateProblem, builtin_templates, render_html

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


@dataclass
class Outcome:
    """What happened to one plan."""

    path: str
    result: Result | None = None
    written: list[str] = field(default_factory=list)
    error: str | None = None
    limit: Diagnostic | None = None  # a render limit that stopped this plan (PF801/PF802)

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.limit is None
            and self.result is not None
            and not self.result.failed()
        )


def plan_date(plan: Plan) -> dt.date:
    """The date printed as the version date and written as the PDF's creation date.

    ``SOURCE_DATE_EPOCH`` wins when set; otherwise a date from the plan itself (the
    last approval, else the campaign start), never the clock, so rebuilding an
    approved plan from git gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    signed = [a.date for a in plan.approvals if a.date]
    if signed:
        return max(signed)
    return plan.period.start or dt.date(1970, 1, 1)


def render_file(path: str, options: RenderOptions) -> Outcome:
    """Check and render ``path``; never raises for a bad plan (see :class:`Outcome`)."""
    return render_checked(check_for_render(path, options), options)


def check_for_render(path: str, options: RenderOptions) -> Outcome:
    """The first half of :func:`render_file`: load and check."""
    outcome = Outcome(path)
    try:
        outcome.result = check_file(path, debug=options.debug, read_data=True)
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
    day = plan_date(plan)
    info = view.RenderInfo(result.document.sha256, day, options.sections, options.locale)
    try:
        html = render_html(view.build(plan, info), options.templates)
    except TemplateProblem as exc:
        outcome.error = str(exc)
        return outcome
    files: dict[str, bytes] = {}
    if "html" in options.formats:
        files["html"] = html.encode("utf-8")
    if "pdf" in options.formats:
        from planforge.render.fonts import MissingFont
        from planforge.render.pdf import RenderError, html_to_pdf

        plan_dir = str(Path(path).resolve().parent)
        base = options.templates or str(builtin_templates())
        allowed = [str(builtin_templates()), plan_dir]
        epoch = str(
            int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
        )
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = previous or epoch  # font subsetting timestamps
        try:
            files["pdf"] = html_to_pdf(html, base, allowed)
        except (MissingFont, RenderError) as exc:
            outcome.error = str(exc)
            return outcome
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
    for fmt, data in files.items():
        target = os.path.join(options.output, f"{plan.id}.{fmt}")
        try:
            write_bytes_atomic(target, data)
        except OSError as exc:
            outcome.error = f"cannot write {target}: {exc.strerror or exc}"
            return outcome
        outcome.written.append(target)
    return outcome
