"""Docs of the codes the schema check emits (PF1xx)."""

from collections.abc import Iterator

from planforge.diagnostics import Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, declare, rule
from planforge.source import format_path

declare(
    "PF101",
    "missing-key",
    """
A required key is missing.

What it checks: every block has the keys the format requires (the schema's
`required`), e.g. a task's `id`, `phase`, `name` and `owner` (its dates are
PF312's and PF315's business).
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


@rule("PF106", "number-out-of-bounds")
def number_out_of_bounds(plan: Plan) -> Iterator[Finding]:
    """A number too large, too precise or too long to plan with.

    What it checks: every number is below 10^15 in magnitude (money is held to 10^12
    by the schema), has at most 10 decimal places, and is written in at most 100
    characters. The same bounds hold for numbers inside targets, actuals, thresholds,
    response times and formulas.

    Why it matters: within these bounds every sum, product and rounding planforge makes
    is exact; `1e-999999` or a 28-decimal actual is a typo or a pasted float, not a
    planned value, and would otherwise overflow the arithmetic.

    Example fix:
        # before
        respondents: 1e-999999
        actual: 15.384615384615384615384615384%
        # after
        respondents: 120
        actual: 15.38%
    """
    # Numbers written as numbers are refused by the loader (as PF106 too); these are the
    # numbers inside text, such as a share of `1000000000000000000%`.
    for path, why in plan.out_of_bounds:
        yield Finding(
            path,
            msg("{where}: {why}", where=format_path(path), why=why),
            fix=Suggestion(msg("round it, or count in a smaller unit")),
        )


declare(
    "PF107",
    "date-out-of-bounds",
    """
A real date outside the years a plan can use (1970-01-01 to 2199-12-31).

What it checks: every date lies between 1970-01-01 and 2199-12-31.

Why it matters: planforge works out days after dates (the day after a phase, a
review deadline in working days, calendars); 9999-12-31 has no day after it, and a
date decades away is usually a typo (`2204` for `2024`).

Example fix:
    # before
    end: 9999-12-31
    # after
    end: 2024-12-31
""",
)

declare(
    "PF108",
    "text-too-long",
    """
A value or key longer than 10,000 characters.

What it checks: no single value or key of a plan is longer than 10,000 characters
(free-text fields such as names and notes are held to 2,000 by the schema, formulas
to 500).

Why it matters: a plan prints on paper; a value this long is usually a whole file
pasted by mistake, and it would make every later step slow.

Example fix:
    # before
    note: <a whole exported spreadsheet>
    # after
    note: see the attached spreadsheet, shared drive /campaigns/2024q2
""",
)
