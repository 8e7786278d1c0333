"""Render one plan file to HTML and/or PDF: check, resolve, fill templates, print, write.

Both outputs are made in memory first, then written as one set (see
:mod:`planforge.atomic`), so a failed render leaves the previous files untouched.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from planforge.atomic import OutputError, resolve_target, write_files
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
    follow_symlinks: bool = False  # write through output paths that are symbolic links


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


#: The last second of 9999-12-31 UTC: dates stay four-digit years.
MAX_EPOCH = 253_402_300_799


class BadEpoch(ValueError):
    """``SOURCE_DATE_EPOCH`` is set but is not a usable timestamp."""


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds, None when unset or empty, :class:`BadEpoch` if bad.

    As reproducible-builds.org specifies: a whole number of seconds since
    1970-01-01 UTC; a malformed value is an error rather than silently ignored.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not raw.strip():
        return None
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_EPOCH:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise BadEpoch(
            f"SOURCE_DATE_EPOCH={shown!r} is not a timestamp: use whole seconds since"
            f" 1970-01-01 UTC, from 0 to {MAX_EPOCH} (9999-12-31), e.g."
            " SOURCE_DATE_EPOCH=$(git log -1 --format=%ct), or unset it"
        )
    return int(value)


def plan_date(plan: Plan) -> dt.date:
    """The date printed as the version date and written as the PDF's creation date.

    ``SOURCE_DATE_EPOCH`` wins when set; otherwise a date from the plan itself (the
    last approval, else the campaign start), never the clock, so rebuilding an
    approved plan from git gives the same bytes.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
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
        outcome.result = check_file(path, debug=options.debug)
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
        os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch() or epoch)  # font timestamps
        try:
            files["pdf"] = html_to_pdf(html, base, allowed)
        except (MissingFont, RenderError) as exc:
            outcome.error = str(exc)
            return outcome
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    names = {os.path.join(options.output, f"{plan.id}.{fmt}"): data for fmt, data in files.items()}
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
