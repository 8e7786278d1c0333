"""``--format ics``: the plan as an iCalendar file (RFC 5545), via the icalendar library.

An all-day event per task (``DTEND`` is the day after the last day, as the RFC
says), per occurrence of a recurring task (each with its own, working-day
adjusted, dates: no ``RRULE``, which could not express the shifts), per
milestone (one day), and one for the review deadline. UIDs are made of the plan
id and the task id (and the occurrence number), so importing a changed plan
again updates the events instead of adding copies. ``DTSTAMP`` is the plan date
(:func:`planforge.reproducible.plan_datetime`), never the clock: a rerun gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from planforge import __version__
from planforge.export.tables import clean_text, labels, locale_of, person_name, predecessors
from planforge.model import Plan, Task
from planforge.reproducible import plan_datetime

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Entry:
    """One event before it becomes iCalendar: all-day from ``first`` to ``last``."""

    uid: str
    summary: str
    first: dt.date
    last: dt.date
    description: str
    category: str | None = None


def uid(plan: Plan, *parts: object) -> str:
    """``reactivation-2024q2.segment@planforge``, ``...visit.3@planforge`` (ids have no dots)."""
    return ".".join(str(p) for p in (plan.id, *parts)) + "@planforge"


def entries(plan: Plan) -> Iterator[Entry]:
    """Every event of ``plan``, in task order, the review last."""
    locale = locale_of(plan)
    L = {**labels(locale), "locale": locale}
    phases = {p.id: p.name or p.id for p in plan.phases}
    for task in plan.tasks:
        name = task.name or task.id or ""
        phase = phases.get(task.phase, task.phase)
        text = _description(plan, task, phase, L)
        if task.milestone:
            name = f"◆ {name}"
        if task.occurrences:
            n = len(task.occurrences)
            for i, occ in enumerate(task.occurrences, 1):
                summary = f"{name} ({i}/{n})"
                yield Entry(uid(plan, task.id, i), summary, occ.start, occ.end, text, phase)
            continue
        first, last = task.start or task.end, task.end or task.start
        if first is None or last is None:
            continue
        if task.milestone:
            first = last  # one day
        yield Entry(uid(plan, task.id), name, first, last, text, phase)
    review = plan.review
    if review is not None and review.due is not None:
        lines = [plan.title or plan.id or ""]
        if review.within_working_days is not None:
            lines.append(L["review_rule"].format(n=review.within_working_days))
        if review.deliverable:
            lines.append(_field(L, "review_deliverable", review.deliverable))
        summary = f"{L['review_due']} · {plan.title or plan.id}"
        yield Entry(uid(plan, "review"), summary, review.due, review.due, "\n".join(lines))


_COLONS = {"zh-CN": "：", "en": ": "}


def _field(L: dict[str, str], key: str, value: str) -> str:
    return f"{L[key]}{_COLONS[L['locale']]}{value}"


def _description(plan: Plan, task: Task, phase: str | None, L: dict[str, str]) -> str:
    lines = [plan.title or plan.id or ""]
    for key, value in (
        ("owner", person_name(plan, task.owner)),
        ("phase", phase),
        ("deliverable", task.deliverable),
        ("depends_on", predecessors(task)),
        ("deadline", task.deadline.isoformat() if task.deadline else None),
    ):
        if value:
            lines.append(_field(L, key, value))
    return "\n".join(lines)


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11): backslash, ``;``, ``,`` and line breaks.

    icalendar's own escaping first reads a typed ``\\N`` as a line break, so a task
    named ``\\N`` came back as a newline; this keeps every character as typed.
    """
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


@functools.cache
def _text_type() -> Any:
    from icalendar import vText

    class Text(vText):  # type: ignore[misc]
        """A TEXT value written with :func:`escape_text`."""

        def to_ical(self) -> bytes:
            return escape_text(str(self)).encode("utf-8")

    return Text


def text(value: str) -> Any:
    """``value`` cleaned of control characters, as an iCalendar TEXT property value."""
    return _text_type()(clean_text(value))


def export_ics(plan: Plan) -> bytes:
    """The iCalendar file: CRLF lines, folded at 75 octets, UTF-8."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", f"-//planforge//planforge {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # X-WR-CALNAME is not escaped like SUMMARY: a line break in the title would end the line.
    cal.add("x-wr-calname", clean_text(plan.title or plan.id or "").replace("\n", " "))
    stamp = plan_datetime(plan)
    for entry in entries(plan):
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.first)
        event.add("dtend", entry.last + ONE_DAY)  # exclusive: the day after the last day
        event.add("summary", text(entry.summary))
        event.add("description", text(entry.description))
        if entry.category:
            event.add("categories", [clean_text(entry.category)])
        event.add("transp", "TRANSPARENT")  # a plan's task does not block a calendar
        cal.add_component(event)
    return cal.to_ical()


def export_files(plan: Plan, source: str) -> dict[str, bytes]:
    """``{"<id>.ics": bytes}`` (see :func:`planforge.export.files`)."""
    return {f"{plan.id}.ics": export_ics(plan)}
