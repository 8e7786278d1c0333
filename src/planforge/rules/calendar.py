"""PF308-PF310, PF314: tasks against the plan's working-day calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from planforge.diagnostics import Severity, Suggestion
from planforge.messages import msg
from planforge.model import Plan, Task
from planforge.rules.base import Finding, rule
from planforge.rules.common import label
from planforge.schedule.calendar import OutOfCalendar, WorkCalendar, describe_day_off
from planforge.source import Path


def _previous_working_day(cal: WorkCalendar, day: dt.date) -> dt.date:
    return cal.working_day(cal.ordinal_to(day))


@rule("PF308", "non-working-day", Severity.WARNING)
def non_working_day(plan: Plan) -> Iterator[Finding]:
    """A written task starts or ends on a day off, or lies entirely on days off.

    What it checks: for a plan with a `calendar:` block, every `start` and `end`
    written on a task is a working day of that calendar (weekends, the country's
    public holidays and the company's own `holidays` are days off; official
    make-up days and `workdays` are working days). The holiday is named in the
    plan's language (劳动节, Labor Day). Plans without a `calendar:` block are
    not checked.

    Why it matters: a task dated on a holiday has nobody to do it. In China the
    week around a holiday is rearranged every year (调休), so a Sunday can be a
    working day and a Friday a day off; dates copied from last year's plan are
    easily wrong.

    Example fix:
        # before (2024-05-01 to 2024-05-05 is the May Day holiday in China)
        - {id: stats, start: 2024-05-01, end: 2024-05-05}
        # after
        - {id: stats, start: 2024-05-06, end: 2024-05-10}
    """
    cal = plan.calendar
    if not cal.declared or cal.country_error:
        return
    for task in plan.tasks:
        start, end = task.written_start, task.written_end
        try:
            yield from _task_days(cal, task, start, end)
        except OutOfCalendar:
            continue  # PF317 reports dates the calendar cannot count


def _task_days(
    cal: WorkCalendar, task: Task, start: dt.date | None, end: dt.date | None
) -> Iterator[Finding]:
    name = label(task, "task")
    if start and end and start <= end and cal.count_working_days(start, end) == 0:
        first = cal.next_working_day(start)
        yield Finding(
            (*task.path, "start"),
            msg(
                "{name} lies entirely on days off ({start} is {why}, and so is every day to {end})",
                name=name,
                start=start,
                why=describe_day_off(cal, start),
                end=end,
            ),
            ((msg("it ends here"), (*task.path, "end")),),
            fix=Suggestion(
                msg("move it to working days, e.g. start on {first}", first=first), str(first)
            ),
        )
        return
    if start and not cal.is_working_day(start):
        following = cal.next_working_day(start)
        yield Finding(
            (*task.path, "start"),
            msg(
                "{name} starts on {start}, {why}",
                name=name,
                start=start,
                why=describe_day_off(cal, start),
            ),
            fix=Suggestion(
                msg("start on {day}, the next working day", day=following), str(following)
            ),
        )
    if end and not cal.is_working_day(end) and (start is None or start <= end):
        previous = _previous_working_day(cal, end)
        yield Finding(
            (*task.path, "end"),
            msg("{name} ends on {end}, {why}", name=name, end=end, why=describe_day_off(cal, end)),
            fix=Suggestion(
                msg("end on {day}, the last working day before it", day=previous), str(previous)
            ),
        )


@rule("PF310", "calendar-not-covered", Severity.WARNING)
def calendar_not_covered(plan: Plan) -> Iterator[Finding]:
    """A date in a year the holiday data does not cover officially.

    What it checks: with `calendar.country`, every date of the plan (the period,
    phases, tasks as written or computed, deadlines and blackouts) lies in a year
    for which the holiday data follows the official notices. For China that is
    2001 up to the latest year whose schedule the State Council has published
    (the installed `holidays` package says which), or for which the plan lists
    the year's days off itself in `calendar.holidays`. One warning per year, at
    the first date in it.

    Why it matters: for a later year the library estimates the holidays from the
    lunar calendar and knows no make-up working days (调休), so working days,
    durations and deadlines in that year may be off by several days.

    Example fix:
        # before: the plan runs into 2027 before the holidays package has its notice
        period: {start: 2026-10-01, end: 2027-03-31}
        # after: list the year's days off and make-up days from the official
        # notice; the company's days win over the estimate (a listed make-up day
        # is worked even where the estimate has a holiday)
        calendar:
          country: CN
          holidays: [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09]
          workdays: [2027-02-14]
    """
    cal = plan.calendar
    if cal.covered is None:
        return
    first, last = cal.covered
    listed = {day.year for day in cal.company_holidays}
    reported: set[int] = set()
    for path, day in _dated(plan):
        if day.year in reported or day.year in listed or not cal.uncovered_year(day.year):
            continue
        reported.add(day.year)
        if day.year > last:
            why = msg(
                "the holiday data for {country} follows official notices up to {last}; for"
                " {year} its holidays are estimated and its make-up working days (调休) are missing",
                country=cal.country,
                last=last,
                year=day.year,
            )
        else:
            why = msg(
                "the holiday data for {country} follows official notices only from {first}; for"
                " {year} it is not checked",
                country=cal.country,
                first=first,
                year=day.year,
            )
        yield Finding(
            path,
            msg("{day} is in {year}: {why}", day=day, year=day.year, why=why),
            fix=Suggestion(
                msg(
                    "check the dates against the official schedule and list {year}'s days off"
                    " in `calendar.holidays` and its make-up working days in"
                    " `calendar.workdays`; once {year}'s days off are listed, this warning"
                    " goes away",
                    year=day.year,
                )
            ),
        )


def _dated(plan: Plan) -> Iterator[tuple[Path, dt.date]]:
    """Every date of the plan with where it is written (or computed), in source order."""
    for key in ("start", "end"):
        day = getattr(plan.period, key)
        if day:
            yield (*plan.period.path, key), day
    for phase in plan.phases:
        for key in ("start", "end", "deadline"):
            day = getattr(phase, key)
            if day:
                yield (*phase.path, key), day
    for task in plan.tasks:
        for key in ("start", "end", "deadline"):
            day = getattr(task, key)
            if day:
                yield (*task.path, key), day
    for blackout in plan.calendar.blackouts:
        for key in ("start", "end"):
            day = getattr(blackout, key)
            if day:
                yield (*blackout.path, key), day


@rule("PF314", "unknown-country")
def unknown_country(plan: Plan) -> Iterator[Finding]:
    """`calendar.country` is not a country the holiday data knows.

    What it checks: `calendar.country` is an ISO 3166 country code that the
    `holidays` package has data for (CN, US, DE, JP, ...).

    Why it matters: without the country's data every public holiday would count
    as a working day.

    Example fix:
        # before
        calendar: {country: China}
        # after
        calendar: {country: CN}
    """
    if plan.calendar.country_error:
        yield Finding(
            ("calendar", "country"),
            plan.calendar.country_error,
            fix=Suggestion(msg("write an ISO 3166 code such as CN, US or DE")),
        )
