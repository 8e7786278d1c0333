"""PF21x: a repository of plans (approval records, ids unique across files).

PF210 looks at one plan. PF211 compares plans with each other, so ``validate``
and ``render`` emit it from :mod:`planforge.repository` once every file is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from planforge.diagnostics import Severity, Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, declare, rule


@rule("PF210", "approved-without-approval")
def approved_without_approval(plan: Plan) -> Iterator[Finding]:
    """A plan marked `status: approved` has no dated approval.

    What it checks: when `status` is `approved`, `approvals` has at least one entry
    with a `date`.

    Why it matters: "approved" is a claim that someone signed the plan on a given
    day. Without the record, the printed cover shows blank sign-off lines under an
    "approved" status, and nobody can tell which version was signed.

    Example fix:
        # before
        status: approved
        # after (or keep `status: review` until it is signed)
        status: approved
        approvals:
          - {role: 审批人, person: zhou, date: 2024-03-28}
    """
    if plan.status != "approved":
        return
    if any(a.date is not None for a in plan.approvals):
        return
    if plan.approvals:
        message = msg("the plan is marked `approved`, but none of its approvals has a `date`")
        fix = msg("add the day it was signed (`date: 2024-03-28`) or set `status: review`")
    else:
        message = msg("the plan is marked `approved`, but it has no `approvals`")
        fix = msg(
            "record who signed it and when (`approvals: [{{role: 审批人, person: zhou,"
            " date: 2024-03-28}}]`) or set `status: review`",
            _=None,
        )
    yield Finding(("status",), message, fix=Suggestion(fix))


declare(
    "PF211",
    "duplicate-plan-id",
    """
Two plan files have the same `id`.

What it checks: across every file `validate` or `render` is given, each plan's
`id` is used by one file only. Each file gets the finding at its own `id:`, naming
the other files.

Why it matters: output files are named after the id (`build/<id>.pdf`), so one
plan would silently overwrite the other's document; `render` refuses to render
either of them.

Example fix:
    # plans/reactivation-2024q3.yaml, copied from reactivation-2024q2.yaml
    # before
    id: reactivation-2024q2
    # after
    id: reactivation-2024q3
""",
)


declare(
    "PF212",
    "unused-suppression",
    """
A `# planforge: ignore[CODE]` comment suppresses nothing.

What it checks: each code in an inline suppression matches a finding that starts on
that line. Codes are check codes (`PF304`); reading the file (PF0xx) cannot be
suppressed.

Why it matters: a suppression outlives the problem it hid. Left in place, it would
silently hide the next, different problem of that kind on the line.

Example fix:
    # before (the phases now cover the period, PF304 no longer fires)
      end: 2024-06-30   # planforge: ignore[PF304]
    # after
      end: 2024-06-30
""",
    Severity.WARNING,
)
