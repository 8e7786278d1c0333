"""Docs of the input-method slips the loader finds before YAML reads the file (PF030–PF036)."""

from planforge.rules.base import declare

declare(
    "PF030",
    "full-width-colon",
    """
A key is followed by a full-width colon `：` instead of `:`.

What it checks: after a key such as `title` or `start`, the colon is the ASCII `:`.
The Chinese input method types `：`, which YAML does not see as a colon at all.

Why it matters: YAML then reads the whole line as text, and reports a puzzling
error on the next line (or merges the line into the one above).

Example fix:
    # before
    title：老客户唤醒月
    # after
    title: 老客户唤醒月
""",
)

declare(
    "PF031",
    "full-width-comma-in-list",
    """
A list in brackets separates its items with `，` or `、` instead of `,`.

What it checks: inside `[...]` and `{...}`, items are separated by ASCII commas.

Why it matters: YAML does not complain: `[客服部，售后服务部]` is one department
named "客服部，售后服务部", and every count and check built on the list is wrong.

Example fix:
    # before
    departments: [客服部，售后服务部，市场部]
    # after
    departments: [客服部, 售后服务部, 市场部]
""",
)

declare(
    "PF032",
    "non-ascii-space",
    """
The indentation (or the space after a colon) contains a full-width space U+3000 or another non-ASCII space.

What it checks: indentation and the space after `key:` are ordinary spaces.

Why it matters: YAML counts only ordinary spaces, so a full-width space silently
moves the line out of its block, or glues the value to its key.

Example fix:
    # before (the indentation is one full-width space)
    period:
    　start: 2024-04-01
    # after
    period:
      start: 2024-04-01
""",
)

declare(
    "PF033",
    "curly-quotes",
    """
A value is wrapped in curly quotes “…” or ‘…’ instead of straight quotes.

What it checks: a value that needs quoting (a target such as `>= 95%`, text with
`: `) uses `"` or `'`. Curly quotes around ordinary text are left alone.

Why it matters: YAML keeps the curly quotes as part of the value, so the target
`“>= 95%”` cannot be read and the KPI gets no status.

Example fix:
    # before
    target: “>= 95%”
    # after
    target: ">= 95%"
""",
)

declare(
    "PF034",
    "full-width-digits",
    """
A number, date or target is typed with full-width digits or signs (`２０２４`, `－`, `．`, `％`).

What it checks: numbers, dates and targets use ASCII digits `0-9` and the signs
`- + . % < > =`.

Why it matters: `２０２４－０３－０１` looks like a date but is text to every
program: the period, the Gantt chart and the budget sums cannot use it.

Example fix:
    # before
    start: ２０２４－０３－０１
    # after
    start: 2024-03-01
""",
)

declare(
    "PF035",
    "missing-space-after-colon",
    """
A key's colon is not followed by a space (`title:老客户`).

What it checks: `key: value` has a space after the colon.

Why it matters: without the space YAML reads `title:老客户` as one piece of text,
so the key is missing and the next line reports a confusing error.

Example fix:
    # before
    title:老客户唤醒月
    # after
    title: 老客户唤醒月
""",
)

declare(
    "PF036",
    "unquoted-indicator",
    """
A value starts with a character YAML reserves (`>`, `|`, `%`, `@`, a backtick) and is not quoted.

What it checks: targets and other values that start with `>` (`>= 95%`) are quoted.

Why it matters: to YAML a leading `>` starts a folded block of text, so
`target: >= 95%` is a syntax error instead of a target.

Example fix:
    # before
    target: >= 95%
    # after
    target: ">= 95%"
""",
)
