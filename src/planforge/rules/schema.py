"""Docs of the codes the schema check emits (PF1xx)."""

from planforge.rules import declare

declare(
    "PF101",
    "missing-key",
    """
A required key is missing.

What it checks: every block has the keys the format requires (the schema's
`required`), e.g. a task's `id`, `phase`, `name`, `owner`, `start` and `end`.
The message points at the block that lacks the key.

Why it matters: a plan without an owner or dates cannot be scheduled or approved.

Example fix:
    # before
    - id: invite
      name: 客户分组与电话邀约
    # after
    - id: invite
      phase: prep
      name: 客户分组与电话邀约
      owner: sales
      start: 2024-04-11
      end: 2024-04-15
""",
)

declare(
    "PF102",
    "unknown-key",
    """
A key the format does not know, usually a misspelling.

What it checks: every key is one the format defines; planforge suggests the closest one.

Why it matters: a misspelt key (`stratgy`) is silently ignored by most tools, and
what you wrote never reaches the printed plan.

Example fix:
    # before
    stratgy: 每月1次高层对接
    # after
    strategy: 每月1次高层对接
""",
)

declare(
    "PF103",
    "wrong-type",
    """
A value of the wrong kind: text where a number belongs, a list where text belongs...

What it checks: numbers are numbers (no thousands separators or currency signs,
no `.nan`/`.inf`), text is text, lists are lists.

Why it matters: `cap: "10,000"` cannot be added up; `title: 2024` is a number, not a title.

Example fix:
    # before
    cap: 10,000
    # after
    cap: 10000
""",
)

declare(
    "PF104",
    "invalid-value",
    """
A value outside what the format allows.

An unknown status or currency, a malformed id, percentage or target, a negative
amount, an empty list.

What it checks: enums (`status`, `locale`, `currency`), patterns (ids, percentages,
targets, response times), minimums and maximums, non-empty lists without repeats.

Why it matters: these values drive the checks and the printed plan; a status of
`reviewd` or an amount of -500 is a mistake, not a choice.

Example fix:
    # before
    status: reviewd
    share: 10
    # after
    status: review
    share: 10%
""",
)

declare(
    "PF105",
    "invalid-date",
    """
A date that does not exist, or is not written YYYY-MM-DD.

What it checks: every date is a real calendar date written YYYY-MM-DD.

Why it matters: `2024-02-30` would otherwise be silently read as some other day,
or crash a spreadsheet formula.

Example fix:
    # before
    end: 2024-02-30
    # after
    end: 2024-02-29
""",
)
