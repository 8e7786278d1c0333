"""PF3xx: dates, phases and the order of tasks."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from planforge.bounds import shift
from planforge.diagnostics import Severity, Suggestion
from planforge.messages import N_, msg
from planforge.model import Phase, Plan, Task
from planforge.rules.base import Finding, rule
from planforge.rules.common import by_id, label
from planforge.rules.schedule import blackout_text
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar
from planforge.source import Path


def _day(d: dt.date, days: int = 1) -> dt.date:
    """The day after ``d`` (or ``days`` away); dates are bounded, so the calendar never ends,
    and if it did, ``d`` itself."""
    return shift(d, days) or d


def _dated_phases(plan: Plan) -> list[Phase]:
    """Phases with a readable, forward date range, in listed order."""
    return [p for p in plan.phases if p.start and p.end and p.start <= p.end]


@rule("PF301", "ends-before-start")
def ends_before_start(plan: Plan) -> Iterator[Finding]:
    """The period, a phase or a task ends before it starts.

    What it checks: `start` ≤ `end` for the period, every phase, every task and
    every blackout (both days are included, so a one-day task has start = end).

    Why it matters: a reversed range is almost always a typo in the month or
    day, and breaks the timetable and every other date check.

    Example fix:
        # before
        start: 2024-04-11
        end: 2024-04-01
        # after
        start: 2024-04-11
        end: 2024-04-15
    """
    items = [(plan.period, msg("the campaign period"))]
    items += [(p, label(p, "phase")) for p in plan.phases]
    items += [(t, label(t, "task")) for t in plan.tasks]
    items += [(b, blackout_text(b)) for b in plan.calendar.blackouts]
    for item, name in items:
        if item.start and item.end and item.end < item.start:
            yield Finding(
                (*item.path, "end"),
                msg(
                    "{name} ends on {end}, before it starts ({start})",
                    name=name,
                    end=item.end,
                    start=item.start,
                ),
                ((msg("starts here"), (*item.path, "start")),),
                fix=Suggestion(msg("swap `start` and `end`, or correct the typo in one of them")),
            )


@rule("PF302", "phase-outside-period")
def phase_outside_period(plan: Plan) -> Iterator[Finding]:
    """A phase starts before or ends after the campaign period.

    What it checks: every phase lies inside `period` (start ≥ period start,
    end ≤ period end).

    Why it matters: the period is what management approves; work scheduled
    outside it has no budget or owner time behind it.

    Example fix:
        # before (period ends 2024-06-30)
        - id: review
          end: 2024-07-05
        # after: end the phase in the period, or extend the period
        - id: review
          end: 2024-06-30
    """
    start, end = plan.period.start, plan.period.end
    for phase in plan.phases:
        if start and phase.start and phase.start < start:
            yield Finding(
                (*phase.path, "start"),
                msg(
                    "{phase} starts on {day}, before the campaign period starts ({start})",
                    phase=label(phase, "phase"),
                    day=phase.start,
                    start=start,
                ),
                ((msg("the period starts here"), (*plan.period.path, "start")),),
                fix=Suggestion(
                    msg("start the phase on {start}, or start the period earlier", start=start),
                    str(start),
                ),
            )
        if end and phase.end and phase.end > end:
            yield Finding(
                (*phase.path, "end"),
                msg(
                    "{phase} ends on {day}, after the campaign period ends ({end})",
                    phase=label(phase, "phase"),
                    day=phase.end,
                    end=end,
                ),
                ((msg("the period ends here"), (*plan.period.path, "end")),),
                fix=Suggestion(
                    msg("end the phase on {end}, or extend the period", end=end), str(end)
                ),
            )


@rule("PF303", "phase-overlap")
def phase_overlap(plan: Plan) -> Iterator[Finding]:
    """Phases are out of order or overlap.

    What it checks: each phase starts after the one listed before it ends.

    Why it matters: phases partition the campaign (warm-up, execution, review);
    an overlap means a day belongs to two phases, and the timetable and
    reporting by phase become ambiguous.

    Example fix:
        # before
        - {id: prep, start: 2024-04-01, end: 2024-04-15}
        - {id: run, start: 2024-04-15, end: 2024-06-15}
        # after
        - {id: prep, start: 2024-04-01, end: 2024-04-15}
        - {id: run, start: 2024-04-16, end: 2024-06-15}
    """
    dated = _dated_phases(plan)
    for prev, cur in itertools.pairwise(dated):
        assert prev.start and prev.end and cur.start
        if cur.start < prev.start:
            yield Finding(
                (*cur.path, "start"),
                msg(
                    "{phase} starts on {day}, before {prev} listed above it ({prev_start})",
                    phase=label(cur, "phase"),
                    day=cur.start,
                    prev=label(prev, "phase"),
                    prev_start=prev.start,
                ),
                fix=Suggestion(msg("list the phases in time order")),
            )
        elif cur.start <= prev.end:
            yield Finding(
                (*cur.path, "start"),
                msg(
                    "{phase} starts on {day}, but {prev} runs until {prev_end}",
                    phase=label(cur, "phase"),
                    day=cur.start,
                    prev=label(prev, "phase"),
                    prev_end=prev.end,
                ),
                ((msg("the earlier phase ends here"), (*prev.path, "end")),),
                fix=Suggestion(
                    msg("start it on {next} or later", next=_day(prev.end)), str(_day(prev.end))
                ),
            )


@rule("PF304", "phase-gap", Severity.WARNING)
def phase_gap(plan: Plan) -> Iterator[Finding]:
    """Phases leave days of the campaign period uncovered.

    What it checks: the phases, taken together, cover the period from its first
    to its last day without gaps.

    Why it matters: a day outside every phase belongs to nobody's plan; usually a
    phase boundary was mistyped.

    Example fix:
        # before (2024-04-16 to 2024-04-19 belong to no phase)
        - {id: prep, start: 2024-04-01, end: 2024-04-15}
        - {id: run, start: 2024-04-20, end: 2024-06-15}
        # after
        - {id: prep, start: 2024-04-01, end: 2024-04-15}
        - {id: run, start: 2024-04-16, end: 2024-06-15}
    """
    dated = _dated_phases(plan)
    if not dated:
        return
    first, last = dated[0], dated[-1]
    if plan.period.start and first.start and first.start > plan.period.start:
        yield Finding(
            (*first.path, "start"),
            msg(
                "no phase covers {start} to {end}, the start of the campaign period",
                start=plan.period.start,
                end=_day(first.start, -1),
            ),
            fix=Suggestion(
                msg(
                    "start {phase} on {start}", phase=label(first, "phase"), start=plan.period.start
                ),
                str(plan.period.start),
            ),
        )
    for prev, cur in itertools.pairwise(dated):
        assert prev.end and cur.start
        if cur.start > _day(prev.end):
            yield Finding(
                (*cur.path, "start"),
                msg(
                    "no phase covers {start} to {end}, between {prev} and {cur}",
                    start=_day(prev.end),
                    end=_day(cur.start, -1),
                    prev=label(prev, "phase"),
                    cur=label(cur, "phase"),
                ),
                fix=Suggestion(
                    msg(
                        "start {phase} on {start}", phase=label(cur, "phase"), start=_day(prev.end)
                    ),
                    str(_day(prev.end)),
                ),
            )
    if plan.period.end and last.end and last.end < plan.period.end:
        yield Finding(
            (*last.path, "end"),
            msg(
                "no phase covers {start} to {end}, the end of the campaign period",
                start=_day(last.end),
                end=plan.period.end,
            ),
            fix=Suggestion(
                msg("end {phase} on {end}", phase=label(last, "phase"), end=plan.period.end),
                str(plan.period.end),
            ),
        )


@rule("PF305", "task-outside-phase")
def task_outside_phase(plan: Plan) -> Iterator[Finding]:
    """A task starts before or ends after its phase.

    What it checks: every task's dates lie inside the dates of the phase it names.

    Why it matters: either the task is in the wrong phase or its dates are wrong;
    in both cases the timetable misleads.

    Example fix:
        # before (phase prep runs 2024-04-01 to 2024-04-15)
        - {id: invite, phase: prep, start: 2024-04-11, end: 2024-04-18}
        # after
        - {id: invite, phase: prep, start: 2024-04-11, end: 2024-04-15}
    """
    phases = by_id(plan.phases)
    for task in plan.tasks:
        phase = phases.get(task.phase or "")
        if phase is None or phase.start is None or phase.end is None:
            continue
        span = msg(
            "{phase} ({start} to {end})",
            phase=label(phase, "phase"),
            start=phase.start,
            end=phase.end,
        )
        if task.start and task.start < phase.start:
            yield Finding(
                (*task.path, "start"),
                msg(
                    "{task} starts on {day}, before its {span}",
                    task=label(task, "task"),
                    day=task.start,
                    span=span,
                ),
                fix=Suggestion(
                    msg(
                        "start it on {start} or later, or move it to another phase",
                        start=phase.start,
                    ),
                    str(phase.start),
                ),
            )
        if task.end and task.end > phase.end:
            yield Finding(
                (*task.path, "end"),
                msg(
                    "{task} ends on {day}, after its {span}",
                    task=label(task, "task"),
                    day=task.end,
                    span=span,
                ),
                fix=Suggestion(
                    msg("end it on {end} or earlier, or move it to another phase", end=phase.end),
                    str(phase.end),
                ),
            )


_WHAT = {
    "FS": N_("it depends on `{p}`, which ends on {pe}"),
    "SS": N_("it starts with `{p}` (start-to-start), which starts on {ps}"),
    "FF": N_("it finishes with `{p}` (finish-to-finish), which ends on {pe}"),
    "SF": N_("it finishes after `{p}` starts (start-to-finish), on {ps}"),
}
#: PF306's message by (the start is late?, the dependency has a lag?).
_LATE = {
    (True, False): N_("{task} starts on {day}, but {what}"),
    (True, True): N_("{task} starts on {day}, but {what} with a lag of {lag}"),
    (False, False): N_("{task} ends on {day}, but {what}"),
    (False, True): N_("{task} ends on {day}, but {what} with a lag of {lag}"),
}


@rule("PF306", "starts-before-predecessor")
def starts_before_predecessor(plan: Plan) -> Iterator[Finding]:
    """A task starts (or ends) before a dependency allows.

    What it checks: every dependency in `depends_on` holds, counted in working
    days n(d) on the plan's calendar. For predecessor P and this task S:
    finish-to-start (an id, or `type: FS`): S starts after P ends, at the
    earliest on working day n(P.end) + 1 + lag; `SS`: S starts on or after
    n(P.start) + lag; `FF`: S ends on or after n(P.end) + lag; `SF`: S ends on
    or after n(P.start) + lag. A lag in `d` counts calendar days and then moves
    to the next working day.

    Why it matters: the timetable promises an order of work; a task scheduled
    before its input exists will slip, and everything after it.

    Example fix:
        # before (segment ends 2024-04-05)
        - {id: materials, depends_on: [segment], start: 2024-04-05}
        # after
        - {id: materials, depends_on: [segment], start: 2024-04-06}
    """
    tasks = by_id(plan.tasks)
    cal = plan.calendar
    for task in plan.tasks:
        for dep in task.dependencies:
            pred = tasks.get(dep.task or "")
            if pred is None or pred is task or dep.bound is None:
                continue
            assert pred.start and pred.end
            on_start = dep.type in ("FS", "SS")
            mine = task.start if on_start else task.end
            if mine is None:
                continue
            allowed = dep.bound
            if on_start:
                try:
                    lead = dep.lag_span is not None and dep.lag_span.days < 0
                    after = pred.end if dep.type == "FS" and not lead else None
                    allowed = _earliest(cal, dep.bound, after)
                except OutOfCalendar:
                    continue
            if mine >= allowed:
                continue
            suggest = dep.bound if cal.declared or not on_start else allowed
            what = msg(_WHAT[dep.type], p=dep.task, pe=pred.end, ps=pred.start)
            lagged = bool(dep.lag_span and dep.lag_span.days)
            where = (*task.path, "start" if on_start else "end")
            if (task.written_start if on_start else task.written_end) is None:
                where = dep.path
            pred_key = "end" if dep.type in ("FS", "FF") else "start"
            template = _LATE[(on_start, lagged)]
            here = (
                msg("`{dep}` ends here", dep=dep.task)
                if pred_key == "end"
                else msg("`{dep}` starts here", dep=dep.task)
            )
            fix = (
                msg("start on {next} or later", next=suggest)
                if on_start
                else msg("end on {next} or later", next=suggest)
            )
            yield Finding(
                where,
                msg(template, task=label(task, "task"), day=mine, what=what, lag=str(dep.lag_span)),
                ((here, _date_path(pred, pred_key)),),
                fix=Suggestion(fix, str(suggest) if where != dep.path else None),
            )


def _earliest(cal: WorkCalendar, bound: dt.date, pred_end: dt.date | None) -> dt.date:
    """The earliest day a start can be written and still count as on/after ``bound``.

    A start on a day off counts from the next working day, so the day after the
    working day before ``bound`` already qualifies (a Saturday start after a
    Friday end); a finish-to-start task never starts on its predecessor's last day.
    """
    day = cal.working_day(cal.ordinal_from(bound) - 1) + dt.timedelta(days=1)
    if pred_end is not None and day <= pred_end:
        day = pred_end + dt.timedelta(days=1)
    return day


def _date_path(task: Task, which: str) -> Path:
    from planforge.rules.schedule import date_path

    return date_path(task, which)


@rule("PF307", "dependency-cycle")
def dependency_cycle(plan: Plan) -> Iterator[Finding]:
    """Tasks depend on each other in a circle.

    What it checks: following `depends_on` (of any type: FS, SS, FF, SF) from any
    task never leads back to it. The message shows the whole circle, with the
    type of each dependency that is not finish-to-start.

    Why it matters: in a circle every task waits for another, so none can start.

    Example fix:
        # before
        - {id: stats, depends_on: [survey]}
        - {id: survey, depends_on: [{task: stats, type: SS}]}
        # after: decide which comes first
        - {id: stats, depends_on: []}
        - {id: survey, depends_on: [{task: stats, type: SS}]}
    """
    tasks = by_id(plan.tasks)
    for cycle, closing in _cycles(tasks):
        where: Task = tasks[cycle[-2]]
        dep = next(d for d in where.dependencies if d.task == closing)
        path = f"`{cycle[0]}`"
        for before, after in itertools.pairwise(cycle):
            edge = next(d for d in tasks[before].dependencies if d.task == after)
            kind = edge.type if edge.type != "FS" else ""
            if edge.lag_span and edge.lag_span.days:
                kind = f"{kind or 'FS'}, lag {edge.lag_span}"
            path += f" → `{after}`" + (f" ({kind})" if kind else "")
        yield Finding(
            dep.path,
            msg(
                "tasks depend on each other in a circle: {path} (each waits for the next,"
                " so none can start)",
                path=path,
            ),
            fix=Suggestion(msg("decide which comes first and remove `{dep}` here", dep=closing)),
        )


def _cycles(tasks: dict[str, Task]) -> Iterator[tuple[list[str], str]]:
    """Each distinct dependency cycle as (path ending where it starts, closing id).

    Iterative depth-first search, so a chain of thousands of tasks is fine.
    """
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    seen: set[frozenset[str]] = set()
    for root in tasks:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        on_path: list[str] = [root]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            deps = [d for d in tasks[node].depends_on if d in tasks]
            if i >= len(deps):
                stack.pop()
                on_path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, i + 1)
            nxt = deps[i]
            if state.get(nxt) == 1:
                cycle = [*on_path[on_path.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    yield cycle, nxt
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))
                on_path.append(nxt)
