"""Dating tasks: durations, the four dependency types with lags, occurrences, critical path.

Working days are counted with the calendar's ordinal ``n`` (see
:mod:`planforge.schedule.calendar`); for a predecessor P and a successor S:

* FS: S.start ≥ the working day n(P.end) + 1 + lag
* SS: S.start ≥ n(P.start) + lag
* FF: S.end ≥ n(P.end) + lag
* SF: S.end ≥ n(P.start) + lag

A lag in ``d`` counts calendar days from the same day and then moves forward to the
next working day. Dates that are written down are never moved; a missing ``start``
is the earliest working day every dependency allows, and never before the first
working day of the task's phase; a missing ``end`` follows from ``duration``. Tasks
are dated in dependency order (Kahn's algorithm), so the order in the file does not
matter.

Each occurrence of a recurring task starts on the first working day on or after its
date by the rhythm and lasts the task's length; one that would overlap the
occurrence before it starts on the first working day after that one instead (the
move is recorded for PF318).

The backward pass starts from the latest early finish (earlier for a task with a
``deadline``) and gives total and free float in working days; a task is critical
when its total float is 0 or less. Free float, the slack before any successor's
early start (or the campaign's end) moves, is never negative; only total float goes
below 0, when a deadline is missed.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

from planforge.bounds import MAX_DATE, MIN_DATE
from planforge.dates import span_days
from planforge.messages import msg
from planforge.model import Dependency, Occurrence, OccurrenceMove, Plan, Task
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar, shift_days
from planforge.schedule.durations import Span
from planforge.schedule.recurrence import nominal_dates

TYPES = ("FS", "SS", "FF", "SF")


def schedule(plan: Plan) -> None:
    """Date every task of ``plan`` that can be dated, then compute float and criticality."""
    cal = plan.calendar
    tasks: dict[str, Task] = {}
    for task in plan.tasks:
        if task.id is not None:
            tasks.setdefault(task.id, task)
    order = _order(plan.tasks, tasks)
    ordered = {id(t) for t in order}
    rest = [t for t in plan.tasks if id(t) not in ordered]
    floors = _phase_floors(plan)
    for task in order + rest:
        try:
            _date(task, tasks, cal, floors.get(task.phase or ""))
        except OutOfCalendar as exc:
            task.schedule_error = exc.args[0]
            task.start, task.end, task.occurrences = task.written_start, task.written_end, []
    deadlines = {p.id: p.deadline for p in plan.phases if p.id and p.deadline}
    try:
        _floats(order, tasks, cal, deadlines)
    except OutOfCalendar:
        for task in order:
            task.total_float = task.free_float = task.critical = None


def _phase_floors(plan: Plan) -> dict[str, dt.date]:
    """The first working day of each phase: no computed start comes before it."""
    floors: dict[str, dt.date] = {}
    for phase in plan.phases:
        if phase.id and phase.start and phase.id not in floors:
            try:
                floors[phase.id] = plan.calendar.next_working_day(phase.start)
            except OutOfCalendar:
                continue  # PF317 reports the tasks that cannot be dated
    return floors


def _predecessors(task: Task, tasks: dict[str, Task]) -> list[Task]:
    found = [tasks.get(d.task or "") for d in task.dependencies]
    return [p for p in found if p is not None]


def _order(all_tasks: list[Task], tasks: dict[str, Task]) -> list[Task]:
    """Tasks in dependency order, ties in file order; tasks on or after a cycle are left out."""
    waiting: dict[int, int] = {}
    successors: dict[int, list[Task]] = {}
    for task in all_tasks:
        preds = {id(p): p for p in _predecessors(task, tasks)}
        waiting[id(task)] = len(preds)
        for pred in preds.values():
            successors.setdefault(id(pred), []).append(task)
    queue = deque(t for t in all_tasks if waiting[id(t)] == 0)
    order: list[Task] = []
    while queue:
        task = queue.popleft()
        order.append(task)
        for succ in successors.get(id(task), []):
            waiting[id(succ)] -= 1
            if waiting[id(succ)] == 0:
                queue.append(succ)
    return order


def end_from(cal: WorkCalendar, start: dt.date, span: Span) -> dt.date:
    """The last day of a task of length ``span`` starting on ``start`` (the start counts)."""
    if span.working:
        return cal.working_day(cal.ordinal_from(start) + span.days - 1)
    return shift_days(start, span.days - 1)


def start_for_end(cal: WorkCalendar, end: dt.date, span: Span) -> dt.date:
    """The latest working day a task of length ``span`` can start and still end on/after ``end``."""
    if span.working:
        return cal.working_day(cal.ordinal_to(end) - span.days + 1)
    return cal.next_working_day(shift_days(end, 1 - span.days))


def bound(cal: WorkCalendar, dep: Dependency, pred: Task) -> tuple[dt.date, int]:
    """The earliest start (FS, SS) or end (FF, SF) ``dep`` allows, and its lag in working days."""
    assert pred.start is not None and pred.end is not None
    if dep.type == "SS" or dep.type == "SF":
        n, anchor = cal.ordinal_from(pred.start), pred.start
    elif dep.type == "FF":
        n, anchor = cal.ordinal_to(pred.end), pred.end
    else:
        n, anchor = cal.ordinal_to(pred.end) + 1, shift_days(pred.end, 1)
    lag = dep.lag_span
    if lag is None or lag.working:
        k = n + (lag.days if lag else 0)
        return cal.working_day(k), k - n
    day = cal.next_working_day(shift_days(anchor, lag.days))
    return day, cal.ordinal_from(day) - n


def _date(task: Task, tasks: dict[str, Task], cal: WorkCalendar, floor: dt.date | None) -> None:
    """Date ``task`` from what is written and its predecessors; ``floor`` bounds a computed start."""
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    for dep in task.dependencies:
        pred = tasks.get(dep.task or "")
        if pred is None or pred is task or pred.start is None or pred.end is None:
            continue
        if dep.lag_error is not None:
            continue
        dep.bound, dep.effective_lag = bound(cal, dep, pred)
        (starts if dep.type in ("FS", "SS") else ends).append(dep.bound)
    start, end, span = task.written_start, task.written_end, task.span
    bounds_start = bool(starts)
    if floor is not None and (starts or ends):  # a computed start never precedes its phase
        starts.append(floor)
    if task.milestone:
        start = start or end or (max(starts + ends) if starts or ends else None)
        end = start
    elif start is not None:
        if end is None and span is not None:
            end = end_from(cal, start, span)
    elif end is not None:
        if span is not None:
            start = start_for_end(cal, end, span)
        elif bounds_start:
            start = max(starts)
    elif span is not None and (starts or ends):
        if starts:
            start = max(starts)
            end = end_from(cal, start, span)
        if ends and (end is None or end < max(ends)):
            start = start_for_end(cal, max(ends), span)
            start = max(start, floor) if floor is not None else start
            end = end_from(cal, start, span)
    task.start, task.end = start, end
    if start is None or end is None:
        return
    if task.rhythm is not None and start <= end:
        _occurrences(task, cal, start, end)
    for day in (task.start, task.end):
        if not MIN_DATE <= day <= MAX_DATE:
            raise OutOfCalendar(
                msg(
                    "it would run to {day}, outside the dates a plan may use ({first} to {last})",
                    day=day,
                    first=MIN_DATE,
                    last=MAX_DATE,
                )
            )
    if task.milestone:
        task.working_days = 0
    elif task.occurrences:
        task.working_days = sum(cal.count_working_days(o.start, o.end) for o in task.occurrences)
    elif start <= end:
        task.working_days = cal.count_working_days(start, end)
    if task.start is not None and task.end is not None and task.start <= task.end:
        task.days = span_days(task.start, task.end)


def _occurrences(task: Task, cal: WorkCalendar, start: dt.date, end: dt.date) -> None:
    """Date each occurrence by the rhythm from ``start``; the task spans them all.

    Each starts on the first working day on or after its date by the rhythm and
    lasts the task's length: its ``duration``, or as many calendar days as the
    written ``start`` to ``end``. One that would start on or before the last day of
    the occurrence before it starts on the first working day after that instead.
    """
    assert task.rhythm is not None
    if task.count is None and task.until is None:
        return  # PF316 asks for one of them
    try:
        days = nominal_dates(start, task.rhythm, task.count, task.until)
    except ValueError as exc:
        task.schedule_error = exc.args[0]
        task.schedule_error_key = "count" if task.count is not None else "until"
        return
    days = days or [start]  # `until` before the start: PF316 says so
    length = end.toordinal() - start.toordinal()
    out: list[Occurrence] = []
    moves: list[OccurrenceMove] = []
    for n, day in enumerate(days, 1):
        first = cal.next_working_day(day)
        if out and first <= out[-1].end:
            first = cal.next_working_day(shift_days(out[-1].end, 1))
            moves.append(OccurrenceMove(n, day, out[-1].end, first))
        if task.milestone:
            last = first
        elif task.span is not None and task.written_end is None:
            last = end_from(cal, first, task.span)
        else:
            last = shift_days(first, length)
        out.append(Occurrence(first, last))
    task.occurrences, task.occurrence_moves = out, moves
    task.start, task.end = out[0].start, out[-1].end


def _floats(
    order: list[Task], tasks: dict[str, Task], cal: WorkCalendar, deadlines: dict[str, dt.date]
) -> None:
    """Late dates backward from the latest early finish; total and free float, critical."""
    dated = [t for t in order if t.start is not None and t.end is not None and t.start <= t.end]
    if not dated:
        return
    es: dict[int, int] = {}
    ef: dict[int, int] = {}
    for t in dated:
        assert t.start is not None and t.end is not None
        es[id(t)] = cal.ordinal_from(t.start)
        ef[id(t)] = es[id(t)] if t.milestone else max(es[id(t)], cal.ordinal_to(t.end))
    finish = max(ef.values())
    successors: dict[int, list[tuple[Task, Dependency]]] = {}
    for t in dated:
        for dep in t.dependencies:
            pred = tasks.get(dep.task or "")
            if dep.bound is not None and pred is not None and id(pred) in es:
                successors.setdefault(id(pred), []).append((t, dep))
    late: dict[int, int] = {}
    for t in reversed(dated):
        key = id(t)
        lf = finish
        for deadline in (t.deadline, deadlines.get(t.phase or "")):
            if deadline is not None:
                lf = min(lf, cal.ordinal_to(deadline))
        own = ef[key] - es[key]
        free = lf - ef[key]
        for succ, dep in successors.get(key, []):
            s = id(succ)
            if s not in late:
                continue
            lag, length = dep.effective_lag, ef[s] - es[s]
            if dep.type == "FS":
                lf = min(lf, late[s] - length - 1 - lag)
                free = min(free, es[s] - ef[key] - 1 - lag)
            elif dep.type == "SS":
                lf = min(lf, late[s] - length - lag + own)
                free = min(free, es[s] - es[key] - lag)
            elif dep.type == "FF":
                lf = min(lf, late[s] - lag)
                free = min(free, ef[s] - ef[key] - lag)
            else:
                lf = min(lf, late[s] - lag + own)
                free = min(free, ef[s] - es[key] - lag)
        late[key] = lf
        t.total_float = lf - ef[key]
        t.free_float = max(0, min(free, t.total_float))
        t.critical = t.total_float <= 0
