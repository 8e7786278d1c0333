"""Docs of the codes the loader emits (PF0xx)."""

from planforge.diagnostics import Severity
from planforge.rules.base import declare

declare(
    "PF001",
    "not-utf8",
    """
The file is not saved as UTF-8.

What it checks: plan files are UTF-8 text, with or without a byte-order mark, with
LF or CRLF line ends. Anything else (GBK/GB18030, Big5, Latin-1, UTF-16) is refused,
and planforge names the encoding it most likely is.

Why it matters: a plan saved by Excel or Notepad in GBK reads as garbage on every
other machine, in git diffs, in CI and in the printed PDF.

Example fix:
    iconv -f GB18030 -t UTF-8 plan.yaml > plan.utf8.yaml && mv plan.utf8.yaml plan.yaml
    (or in your editor: "Save with encoding" -> UTF-8)
""",
)

declare(
    "PF002",
    "yaml-syntax",
    """
The YAML cannot be read.

What it checks: the file is well-formed YAML: indented with spaces (never tabs),
quotes closed, `key: value` pairs, values containing `: ` or starting with `>`, `*`,
`&`, `!` or `%` quoted.

Why it matters: nothing else can be checked until the file can be read.

Example fix:
    # before (a tab before `name`, and an unquoted `>`)
    tasks:
    \t- name: 准备
      target: >= 70%
    # after
    tasks:
      - name: 准备
        target: ">= 70%"
""",
)

declare(
    "PF003",
    "duplicate-key",
    """
The same key appears twice in one block.

What it checks: each key appears at most once in a block; the message names both lines.

Why it matters: most YAML tools silently keep the last value, so a copy-paste
accident overwrites a date or an amount without anybody noticing.

Example fix:
    # before
    - id: invite
      start: 2024-04-11
      start: 2024-04-12
    # after: keep the one you mean
    - id: invite
      start: 2024-04-12
""",
)

declare(
    "PF004",
    "unsupported-yaml",
    """
A YAML feature that plans do not allow: tags such as `!!python/object`, and merge keys (`<<`).

What it checks: values carry no tags other than YAML's plain ones (`!!str`, `!!int`,
`!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`), and no merge keys are used.

Why it matters: tags like `!!python/object/apply` are how YAML files run code on a
machine that loads them unsafely; merge keys are a YAML 1.1 feature that many
tools read differently. planforge never constructs tagged values.

Example fix:
    # before
    title: !!python/object/apply:os.system ["rm -rf /"]
    # after
    title: 老客户唤醒月
""",
)

declare(
    "PF005",
    "resource-limit",
    """
The file nests too deeply, or its aliases expand too far (an "alias bomb").

What it checks: blocks nest at most 64 levels deep; aliases (`*name`) expand to at
most 100,000 values in all; an alias never refers to a block that contains it.

Why it matters: a few lines of nested aliases can expand to billions of values and
hang or crash CI. A real plan needs about five levels and few aliases.

Example fix:
    # before
    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]   # ... and so on
    # after: write the values out where they are needed
""",
)

declare(
    "PF006",
    "not-a-plan",
    """
The file is empty, too large, holds several documents, or is not a block of keys.

What it checks: a plan file holds exactly one YAML document whose top level is a
block of `key: value` lines, and is at most 16 MB.

Why it matters: such a file is usually the wrong file (an export, a list, two plans
pasted together).

Example fix:
    # before
    - planforge: 1
    # after
    planforge: 1
    id: reactivation-2024q2
""",
)

declare(
    "PF900",
    "internal-error",
    """
planforge itself failed while checking this file (a bug).

What it checks: nothing; it reports that one of planforge's own checks crashed,
so the other findings are still shown and the file is not passed as clean.

Why it matters: a crash must never look like a clean plan.

Example fix:
    Run `planforge validate --debug FILE` and report the traceback with the plan.
""",
)

declare(
    "PF801",
    "render-time-limit",
    """
Rendering the plan took longer than the time limit.

What it checks: `planforge render` prints each plan in a worker process and stops it
after `--timeout` seconds (600 by default); the plan is reported, not rendered, and
the other plans of the batch go on. `planforge preview` renders each save the same way
and shows the error on the page.

Why it matters: one enormous or hostile plan must not hold up every other plan's
PDF, or CI, forever.

Example fix:
    Split a plan with thousands of tasks into one plan per phase or quarter, or raise
    the limit: planforge render plans/big.yaml --timeout 1800
""",
)

declare(
    "PF802",
    "render-memory-limit",
    """
Rendering the plan needed more memory than the limit.

What it checks: each plan's worker may use at most `--memory-limit` MB (4096 by
default); a worker that needs more is stopped and the plan reported (by `preview`,
on the page).

Why it matters: one huge plan must not exhaust the machine's memory and take the
whole batch (or the CI runner) down with it.

Example fix:
    Split the plan, or raise the limit: planforge render plans/big.yaml --memory-limit 8192
""",
)

declare(
    "PF007",
    "not-a-regular-file",
    """
A plan path that is a named pipe (FIFO), a device, a socket or a folder.

What it checks: planforge reads only regular files. It looks before it opens, and
again once the file is open, so nothing can make it wait on a pipe or read a device
that never ends.

Why it matters: a FIFO called `plan.yaml` in a plans folder would otherwise hang
`validate` (and a pre-commit hook or a CI job) forever.

Example fix:
    rm plans/inbox.yaml        # or move it out of the plans folder
""",
)

declare(
    "PF008",
    "unreadable-file",
    """
A plan file that cannot be opened: a dangling symbolic link, or no permission.

What it checks: every file found in a plans folder can be opened and read. The rest
of the batch is still checked and reported.

Why it matters: a plan nobody can read is a plan nobody checks; a link to a moved or
deleted file usually means the plan was renamed.

Example fix:
    ls -l plans/old.yaml       # plans/old.yaml -> ../archive/old.yaml (missing)
    rm plans/old.yaml          # or point the link at the right file
""",
)

declare(
    "PF009",
    "too-many-values",
    """
The plan holds more than 60,000 values.

What it checks: a plan holds at most 60,000 values (each number, text, list and
block counts once; keys do not). Loading stops at the first value over the bound,
before any other check runs.

Why it matters: a campaign plan holds a few hundred to a few thousand values (a plan
with 5,000 tasks holds about 54,000); a file this large is a generated or wrong file,
and checking it would make `validate` and every CI job slow.

Example fix:
    split the plan into one plan per campaign (plans/2024q2-north.yaml,
    plans/2024q2-south.yaml, ...), or point planforge at the right file
""",
)

declare(
    "PF010",
    "fix-not-written",
    """
`validate --fix` found safe fixes but did not write them.

What it checks: `--fix` writes a file only when it still holds the bytes that were
checked, and only when it can be written. When the file was saved during the check
(an editor's autosave), the fixes would land at stale positions and could mangle
what was just saved (`locale: enCNYrrency: cny`); when the file or its folder is
read-only or the disk is full, nothing can be written. The file is left exactly as
it is, the rest of a batch is still fixed and reported.

Why it matters: `--fix` must never corrupt or replace a planner's work.

Example fix:
    planforge validate --fix plans/vip.yaml     # again, once the editor has saved
    chmod u+w plans/vip.yaml                     # when the file is read-only
""",
    Severity.WARNING,
)
