"""PF2xx: references between ids."""

from __future__ import annotations

from collections.abc import Iterator

from planforge.diagnostics import Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, rule
from planforge.rules.common import KINDS, by_id, close_matches, unknown

_KINDS = (
    ("phases", "phase"),
    ("team", "team member"),
    ("tiers", "tier"),
    ("tasks", "task"),
    ("kpis", "KPI"),
)


@rule("PF201", "duplicate-id")
def duplicate_id(plan: Plan) -> Iterator[Finding]:
    """Two phases, people, tiers, tasks or KPIs share an id.

    What it checks: ids are unique within `phases`, `team`, `tiers`, `tasks` and `kpis`.
    The message points at the second use and names the first.

    Why it matters: references (`depends_on`, `owner`, `phase`, `kpi`) would be
    ambiguous, and the timetable would show one task twice.

    Example fix:
        # before
        - id: invite
          name: 客户分组与电话邀约
        - id: invite
          name: 二次邀约
        # after
        - id: invite
          name: 客户分组与电话邀约
        - id: reinvite
          name: 二次邀约
    """
    for attr, kind in _KINDS:
        first: dict[str, object] = {}
        for item in getattr(plan, attr):
            if item.id is None:
                continue
            if item.id in first:
                earlier = first[item.id]
                yield Finding(
                    (*item.path, "id"),
                    msg(
                        "the {kind} id `{id}` is used twice; ids must be unique",
                        kind=KINDS[kind],
                        id=item.id,
                    ),
                    ((msg("`{id}` first used here", id=item.id), (*earlier.path, "id")),),  # type: ignore[attr-defined]
                    fix=Suggestion(msg("give this one another id, e.g. `{id}-2`", id=item.id)),
                )
            else:
                first[item.id] = item


@rule("PF202", "unknown-phase")
def unknown_phase(plan: Plan) -> Iterator[Finding]:
    """A task names a phase that is not in `phases`.

    What it checks: every task's `phase` is the id of a phase.

    Why it matters: the timetable groups tasks by phase and checks their dates
    against it; a task in an unknown phase falls out of both.

    Example fix:
        # before
        phase: preparation
        # after (the phase's id)
        phase: prep
    """
    phases = by_id(plan.phases)
    for task in plan.tasks:
        if task.phase is not None and task.phase not in phases:
            yield unknown("phase", task.phase, phases, (*task.path, "phase"))


@rule("PF203", "unknown-person")
def unknown_person(plan: Plan) -> Iterator[Finding]:
    """An owner or approver that is not in `team`.

    What it checks: the plan's `owner`, every task's `owner` and every approval's
    `person` are ids from `team`.

    Why it matters: the printed timetable shows each owner's name and role; an
    unknown owner means nobody is accountable for the task.

    Example fix:
        # before
        owner: 张经理
        # after (the person's id from team)
        owner: mkt-mgr
    """
    team = by_id(plan.team)
    names = {m.name: m.id for m in reversed(plan.team) if m.name and m.id}
    owners = [(("owner",), plan.owner)]
    owners += [((*task.path, "owner"), task.owner) for task in plan.tasks]
    for path, owner in owners:
        if owner is not None and owner not in team:
            yield unknown("team member", owner, team, path, names.get(owner))
    for approval in plan.approvals:
        person = approval.person
        if person is None or person in team:
            continue
        if person in names or close_matches(person, team, 0.6):
            yield unknown(
                "team member", person, team, (*approval.path, "person"), names.get(person)
            )
            continue
        yield Finding(
            (*approval.path, "person"),
            msg(
                "`{person}` is not a team id: `person` names someone from `team` by id",
                person=person,
            ),
            at_key=True,
            fix=Suggestion(
                msg(
                    "for someone outside the team, write the name instead: `name: {person}`",
                    person=person,
                ),
                "name",
            ),
        )


@rule("PF204", "unknown-task")
def unknown_task(plan: Plan) -> Iterator[Finding]:
    """A `depends_on` entry that is not a task id.

    What it checks: every id listed in a task's `depends_on` (on its own or as
    `task:` of a typed dependency) is the id of a task.

    Why it matters: a dependency on a task that does not exist cannot be
    scheduled, so the order of work silently stops being checked.

    Example fix:
        # before
        depends_on: [segmentation]
        # after
        depends_on: [segment]
    """
    tasks = by_id(plan.tasks)
    for task in plan.tasks:
        for dep in task.dependencies:
            if dep.task is not None and dep.task not in tasks:
                yield unknown("task", dep.task, tasks, dep.path)


@rule("PF205", "unknown-kpi")
def unknown_kpi(plan: Plan) -> Iterator[Finding]:
    """The objective or a monitoring rule names a KPI that is not in `kpis`.

    What it checks: `objective.kpi` and every `monitoring[].kpi` are KPI ids.

    Why it matters: the objective must be measurable, and a monitoring rule on a
    KPI nobody measures never fires.

    Example fix:
        # before
        objective:
          kpi: repurchase
        # after
        objective:
          kpi: repurchase-rate
    """
    kpis = by_id(plan.kpis)
    if plan.objective.kpi is not None and plan.objective.kpi not in kpis:
        yield unknown("KPI", plan.objective.kpi, kpis, (*plan.objective.path, "kpi"))
    for mon in plan.monitoring:
        if mon.kpi is not None and mon.kpi not in kpis:
            yield unknown("KPI", mon.kpi, kpis, (*mon.path, "kpi"))
