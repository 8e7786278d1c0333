"""PF309, PF311-PF313, PF315-PF318: durations, lags, deadlines, recurrence, blackouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from planforge.diagnostics import Severity, Suggestion
from planforge.messages import N_, Message, msg
from planforge.model import Plan, Task
from planforge.rules.base import Finding, rule
from planforge.rules.common import by_id, label
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar
from planforge.source import Path


def date_path(task: Task, which: str) -> Path:
    """Where ``task``'s start or end comes from: the date if written, else what computed it."""
    if which == "end" and task.written_end is not None:
        return (*task.path, "end")
    if which == "start" and task.written_start is not None:
        return (*task.path, "start")
    if which == "end" and task.duration is not None:
        return (*task.path, "duration")
    if task.dependencies:
        return task.dependencies[0].path
    return (*task.path, "start" if task.written_start else "end")


@rule("PF311", "unreadable-duration")
def unreadable_duration(plan: Plan) -> Iterator[Finding]:
    """A duration, lag or rhythm that cannot be read.

    What it checks: `duration` and a dependency's `lag` are a whole number of
    working days (`5wd`, `5个工作日`) or calendar days (`5d`, `5天`), at most
    3660; a lag may be negative (`-1wd`). `every` is `week`, `2 weeks`,
    `month`, `quarter` (or 每周, 每2周, 每月, 每季度).

    Why it matters: planforge computes the task's dates from them; a value it
    cannot read leaves the task undated.

    Example fix:
        # before
        duration: 5 days
        # after
        duration: 5d
    """
    for task in plan.tasks:
        if task.duration_error:
            yield Finding(
                (*task.path, "duration"),
                msg("{task}: {why}", task=label(task, "task"), why=task.duration_error),
                fix=Suggestion(msg("write it like `5wd` (working days) or `5d` (calendar days)")),
            )
        if task.every_error:
            yield Finding(
                (*task.path, "every"),
                msg("{task}: {why}", task=label(task, "task"), why=task.every_error),
                fix=Suggestion(msg("write `week`, `2 weeks`, `month` or `quarter`")),
            )
        for dep in task.dependencies:
            if dep.lag_error:
                yield Finding(
                    (*dep.item, "lag"),
                    msg(
                        "{task}, depending on `{dep}`: {why}",
                        task=label(task, "task"),
                        dep=dep.task,
                        why=dep.lag_error,
                    ),
                    fix=Suggestion(
                        msg("write it like `5wd` (working days) or `5d` (calendar days)")
                    ),
                )


@rule("PF312", "end-or-duration")
def end_or_duration(plan: Plan) -> Iterator[Finding]:
    """A task gives both `end` and `duration`, or neither; a milestone gives a length.

    What it checks: every task says how long it is in exactly one way: its last
    day (`end`) or its length (`duration`). A milestone (`milestone: true`) is
    one date and has neither.

    Why it matters: with both, one of them is wrong as soon as the other
    changes; with neither, the task has no end.

    Example fix:
        # before
        - {id: materials, start: 2024-04-08, end: 2024-04-12, duration: 5wd}
        # after
        - {id: materials, start: 2024-04-08, duration: 5wd}
    """
    for task in plan.tasks:
        name = label(task, "task")
        has_duration = task.duration is not None or task.duration_error is not None
        if task.milestone:
            if has_duration:
                yield Finding(
                    (*task.path, "duration"),
                    msg("{name} is a milestone, a single date", name=name),
                    fix=Suggestion(msg("remove `duration`")),
                )
            elif task.written_end and task.written_start and task.written_end != task.written_start:
                yield Finding(
                    (*task.path, "end"),
                    msg(
                        "{name} is a milestone, a single date, but ends on {end}, after its"
                        " start {start}",
                        name=name,
                        end=task.written_end,
                        start=task.written_start,
                    ),
                    fix=Suggestion(msg("remove `end`")),
                )
        elif task.written_end is not None and has_duration:
            yield Finding(
                (*task.path, "duration"),
                msg(
                    "{name} gives both `end` ({end}) and `duration`",
                    name=name,
                    end=task.written_end,
                ),
                ((msg("`end` is here"), (*task.path, "end")),),
                fix=Suggestion(
                    msg("keep one: remove `end` and planforge computes it, or remove `duration`")
                ),
            )
        elif task.written_end is None and not has_duration:
            yield Finding(
                task.path,
                msg("{name} has neither `end` nor `duration`", name=name),
                fix=Suggestion(
                    msg("give its last day (`end: 2024-04-12`) or its length (`duration: 5wd`)")
                ),
            )


@rule("PF315", "no-start")
def no_start(plan: Plan) -> Iterator[Finding]:
    """A task has no `start` and nothing to compute it from.

    What it checks: a task without `start` has predecessors (`depends_on`) from
    which planforge computes its start, or an `end` with a `duration`, and the
    start could be computed.

    Why it matters: without either, the task cannot be placed on the timetable.

    Example fix:
        # before
        - {id: invite, duration: 3wd}
        # after
        - {id: invite, duration: 3wd, depends_on: [segment]}
    """
    tasks = by_id(plan.tasks)
    for task in plan.tasks:
        if task.written_start is not None or task.start is not None:
            continue
        if not task.dependencies:
            yield Finding(
                task.path,
                msg("{task} has no `start` and no `depends_on`", task=label(task, "task")),
                fix=Suggestion(
                    msg(
                        "give its first day (`start: 2024-04-08`) or the tasks it waits for"
                        " (`depends_on: [segment]`)"
                    )
                ),
            )
            continue
        preds = [tasks.get(d.task or "") for d in task.dependencies]
        blocked = any(p is None or p.start is None or p.end is None for p in preds)
        if blocked or any(d.lag_error for d in task.dependencies) or task.schedule_error:
            continue  # an error elsewhere (an unknown or undated predecessor) says why
        if task.written_end is None and task.duration is None and not task.milestone:
            continue  # PF312: no `end` and no `duration`
        yield Finding(
            task.path,
            msg(
                "{task} has no `start`, and its dependencies only bound its end",
                task=label(task, "task"),
            ),
            fix=Suggestion(msg("give its first day (`start: 2024-04-08`) or a `duration`")),
        )


def _late_by(cal: WorkCalendar, end: dt.date, deadline: dt.date) -> Message:
    try:
        days = cal.ordinal_to(end) - cal.ordinal_to(deadline)
    except OutOfCalendar:
        days = 0
    if days > 0:
        return msg("1 working day") if days == 1 else msg("{n} working days", n=days)
    calendar_days = (end - deadline).days
    if calendar_days == 1:
        return msg("1 calendar day (all days off)")
    return msg("{n} calendar days (all days off)", n=calendar_days)


_EARLIER = N_("start it earlier, shorten it, or move the deadline")


@rule("PF313", "missed-deadline")
def missed_deadline(plan: Plan) -> Iterator[Finding]:
    """A task ends after its deadline or its phase's deadline.

    What it checks: a task with a `deadline` ends on or before it, and so does
    every task of a phase with a `deadline`. The message says by how many
    working days the deadline is missed.

    Why it matters: a deadline is a promise (a launch date, a customer's
    renewal); a timetable that misses it must change before it is approved.

    Example fix:
        # before: 5 working days from 2024-04-11 end on 2024-04-17
        - {id: invite, start: 2024-04-11, duration: 5wd, deadline: 2024-04-15}
        # after
        - {id: invite, start: 2024-04-09, duration: 5wd, deadline: 2024-04-15}
    """
    cal = plan.calendar
    phases = by_id(plan.phases)
    for task in plan.tasks:
        if task.end is None:
            continue
        name = label(task, "task")
        if task.deadline is not None and task.end > task.deadline:
            yield Finding(
                (*task.path, "deadline"),
                msg(
                    "{name} ends on {end}, {late} after its deadline {deadline}",
                    name=name,
                    end=task.end,
                    late=_late_by(cal, task.end, task.deadline),
                    deadline=task.deadline,
                ),
                ((msg("it ends here"), date_path(task, "end")),),
                fix=Suggestion(msg(_EARLIER)),
            )
        phase = phases.get(task.phase or "")
        if phase is not None and phase.deadline is not None and task.end > phase.deadline:
            yield Finding(
                date_path(task, "end"),
                msg(
                    "{name} ends on {end}, {late} after the deadline {deadline} of its {phase}",
                    name=name,
                    end=task.end,
                    late=_late_by(cal, task.end, phase.deadline),
                    deadline=phase.deadline,
                    phase=label(phase, "phase"),
                ),
                ((msg("the phase's deadline"), (*phase.path, "deadline")),),
                fix=Suggestion(msg(_EARLIER)),
            )


@rule("PF316", "recurrence")
def recurrence(plan: Plan) -> Iterator[Finding]:
    """A recurring task does not say how often it repeats, or repeats too often.

    What it checks: a task with `every` gives exactly one of `count` (how many
    occurrences, the first included) and `until` (the last date the rhythm may
    reach), `until` is not before the start, there are at most 1,000
    occurrences, and `count`/`until` appear only with `every`.

    Why it matters: "a visit every month" has no end without one of them; with
    both, they disagree as soon as one changes.

    Example fix:
        # before
        - {id: visit, start: 2024-04-01, duration: 1wd, every: month}
        # after
        - {id: visit, start: 2024-04-01, duration: 1wd, every: month, count: 3}
    """
    for task in plan.tasks:
        name = label(task, "task")
        if task.every is None and task.every_error is None:
            for key, value in (("count", task.count), ("until", task.until)):
                if value is not None:
                    yield Finding(
                        (*task.path, key),
                        msg("{name} gives `{key}` but no `every`", name=name, key=key),
                        fix=Suggestion(msg("add the rhythm (`every: month`) or remove it")),
                    )
            continue
        if task.count is None and task.until is None:
            yield Finding(
                (*task.path, "every"),
                msg(
                    "{name} repeats every {every} but says neither how often nor until when",
                    name=name,
                    every=task.every,
                ),
                fix=Suggestion(msg("add `count: 3` or `until: 2024-06-30`")),
            )
        elif task.count is not None and task.until is not None:
            yield Finding(
                (*task.path, "until"),
                msg("{name} gives both `count` and `until`", name=name),
                ((msg("`count` is here"), (*task.path, "count")),),
                fix=Suggestion(msg("keep one of them")),
            )
        elif task.until is not None and task.start is not None and task.until < task.start:
            yield Finding(
                (*task.path, "until"),
                msg(
                    "{name} repeats until {until}, before it starts ({start})",
                    name=name,
                    until=task.until,
                    start=task.start,
                ),
                fix=Suggestion(msg("end the repetition on or after {start}", start=task.start)),
            )
        if task.schedule_error and task.schedule_error_key in ("count", "until"):
            yield Finding(
                (*task.path, task.schedule_error_key),
                msg("{name} has {why}", name=name, why=task.schedule_error),
                fix=Suggestion(msg("repeat less often or stop sooner")),
            )


@rule("PF318", "occurrences-overlap", Severity.WARNING)
def occurrences_overlap(plan: Plan) -> Iterator[Finding]:
    """An occurrence of a recurring task was moved so that it does not overlap the one before.

    What it checks: each occurrence starts on the first working day on or after
    its date by the rhythm and lasts the task's `duration`. When that day is not
    after the end of the occurrence before it (a long occurrence, or holidays
    that push one occurrence onto the next), planforge starts it on the first
    working day after the one before instead, and says so, naming both dates.

    Why it matters: occurrences never run at the same time, so the customers
    see the touchpoints in their rhythm, and the moved one is later than the
    rhythm promised: each move shifts the work, and a run of them usually means
    the occurrences are longer than the rhythm.

    Example fix:
        # before: five working days every week; the 国庆节 holidays push the
        # occurrence of 2026-10-05 to 2026-10-10
        - {id: visits, start: 2026-09-28, duration: 5wd, every: week, count: 3}
        # after
        - {id: visits, start: 2026-09-28, duration: 5wd, every: 2 weeks, count: 3}
    """
    for task in plan.tasks:
        for move in task.occurrence_moves:
            yield Finding(
                (*task.path, "every"),
                msg(
                    "occurrence {n} of {task} is due on {nominal}, but occurrence {prev} runs"
                    " until {prev_end}; it starts on {start} instead",
                    n=move.n,
                    task=label(task, "task"),
                    nominal=move.nominal,
                    prev=move.n - 1,
                    prev_end=move.previous_end,
                    start=move.start,
                ),
                fix=Suggestion(
                    msg(
                        "shorten each occurrence (`duration`) or repeat less often"
                        " (`every: 2 weeks`), so that each ends before the next is due"
                    )
                ),
            )


@rule("PF317", "date-out-of-range")
def date_out_of_range(plan: Plan) -> Iterator[Finding]:
    """A task's computed dates would fall outside what the calendar can count.

    What it checks: durations, lags and dependencies keep every date between
    0001-01-01 and 9999-12-31, and counting working days never spans more than
    200 years.

    Why it matters: such a date is always a typo (a year 9024 for 2024), and
    the task cannot be placed on the timetable.

    Example fix:
        # before
        start: 9999-12-30
        duration: 5wd
        # after
        start: 2024-12-30
        duration: 5wd
    """
    for task in plan.tasks:
        if task.schedule_error and task.schedule_error_key not in ("count", "until"):
            yield Finding(
                date_path(task, "start"),
                msg(
                    "{task} cannot be dated: {why}",
                    task=label(task, "task"),
                    why=task.schedule_error,
                ),
                fix=Suggestion(msg("check its dates, duration and lags")),
            )


@rule("PF309", "blackout", Severity.WARNING)
def blackout(plan: Plan) -> Iterator[Finding]:
    """A task (or an occurrence of one) falls inside a blackout.

    What it checks: no task, milestone or occurrence overlaps a stretch in
    `calendar.blackouts`.

    Why it matters: blackouts are when customers must not be contacted (a sales
    peak such as 618, a system freeze); a visit or call planned then will not
    happen.

    Example fix:
        # before (blackout 2024-06-01 to 2024-06-18, 618大促)
        - {id: visit, start: 2024-06-03, duration: 1wd}
        # after
        - {id: visit, start: 2024-06-19, duration: 1wd}
    """
    spans = [b for b in plan.calendar.blackouts if b.start and b.end and b.start <= b.end]
    for task in plan.tasks:
        if task.start is None or task.end is None:
            continue
        parts: list[tuple[dt.date, dt.date, int | None]] = [(task.start, task.end, None)]
        if task.occurrences:
            parts = [(o.start, o.end, i) for i, o in enumerate(task.occurrences, 1)]
        for b in spans:
            assert b.start and b.end
            hit = next(((s, e, w) for s, e, w in parts if s <= b.end and e >= b.start), None)
            if hit is None:
                continue
            start, end, which = hit
            what = (
                label(task, "task")
                if which is None
                else msg("occurrence {n} of {task}", n=which, task=label(task, "task"))
            )
            yield Finding(
                date_path(task, "start"),
                msg(
                    "{what} ({start} to {end}) falls in {blackout} ({b_start} to {b_end}), when"
                    " there is no customer-facing work",
                    what=what,
                    start=start,
                    end=end,
                    blackout=blackout_text(b),
                    b_start=b.start,
                    b_end=b.end,
                ),
                ((blackout_text(b), b.path),),
                fix=Suggestion(
                    msg("move it before {start} or after {end}", start=b.start, end=b.end)
                ),
            )


def blackout_text(b: object) -> Message:
    """``the blackout 618大促`` (or just ``the blackout``)."""
    reason = getattr(b, "reason", None)
    return msg("the blackout {reason}", reason=reason) if reason else msg("the blackout")
