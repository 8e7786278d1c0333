"""The scheduling benchmark: resolving a large scheduled plan, and validate against its past.

* In one process: the median time of ``resolve`` (and of its schedule stage alone) on a
  5,000-task plan whose dates are computed from durations and dependencies of every
  type, on China's calendar.
* Whole processes, interleaved: ``planforge validate`` of that plan against
  check-jsonschema (schema only) on the same file.
* Whole processes, interleaved: ``planforge validate`` of the example plan with this
  checkout against the same command from the commit before the scheduling work
  (``--baseline``), and both against check-jsonschema, so the cost of the schedule
  stage on a plan without a calendar shows as a ratio measured in one run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import scheduled
from harness import compare, compile_sources, conditions

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
EXAMPLE = "plans/reactivation-2024q2.yaml"
#: The last commit of main before the schedule stage (calendar, CPM, recurrence).
BASELINE = "f913dba"

_TIMING = """
import json, statistics, sys, time
from planforge.loader import load_file
from planforge.resolve import resolve
from planforge.schedule import engine
doc = load_file(sys.argv[1])
resolve(doc.data)  # warm: imports, the holiday data
whole, sched = [], []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); plan = resolve(doc.data); whole.append(time.perf_counter() - t)
    for task in plan.tasks:
        task.start, task.end, task.occurrences = task.written_start, task.written_end, []
    t = time.perf_counter(); engine.schedule(plan); sched.append(time.perf_counter() - t)
print(json.dumps({"resolve": statistics.median(whole), "schedule": statistics.median(sched),
                  "critical": sum(bool(t.critical) for t in plan.tasks)}))
"""

#: What the schedule stage adds to validating a plan without a calendar: its modules'
#: import time (their own share, from ``-X importtime``) and its run time on the plan.
_SHARE = """
import statistics, sys, time
from planforge.check import check_file
from planforge.loader import load_file
from planforge.resolve import resolve
from planforge.rules import all_rules
from planforge.schedule import engine
doc = load_file(sys.argv[1])
plan = resolve(doc.data)
ours = [r for r in all_rules() if r.check and "PF306" <= r.code <= "PF317"]
runs = []
for _ in range(200):
    t = time.perf_counter()
    engine.schedule(plan)
    for r in ours:
        list(r.check(plan))
    runs.append(time.perf_counter() - t)
print(statistics.median(runs))
"""
MODULES = ("planforge.schedule", "planforge.rules.calendar", "planforge.rules.schedule")

_LAUNCH = "import sys; sys.path.insert(0, sys.argv.pop(1)); from planforge.cli import main; main()"


def _baseline_tree(rev: str) -> Path | None:
    """``src`` and ``schemas`` of ``rev`` in a temporary folder, or None without git."""
    out = Path(tempfile.mkdtemp(prefix="pf-baseline-"))
    try:
        archive = subprocess.run(
            ["git", "archive", rev, "src", "schemas"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    compile_sources(out / "src")  # as the current tree: neither compiles its modules each run
    return out


def schedule_section(python: str, cjs: str, schema: Path, repeat: int, baseline: str) -> list[str]:
    """The lines of RESULTS.md's scheduling section."""
    plan = OUT / "scheduled-5000.yaml"
    plan.write_text(scheduled(5000), encoding="utf-8")
    rel = str(plan.relative_to(ROOT))
    print("schedule: resolve in one process", file=sys.stderr)
    timing = json.loads(
        subprocess.run(
            [python, "-c", _TIMING, rel, str(max(repeat, 5))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    print("schedule: validate against check-jsonschema", file=sys.stderr)
    runs = compare(
        {
            "planforge": [python, "-c", _LAUNCH, str(ROOT / "src"), "validate", rel],
            "check-jsonschema": [cjs, "--schemafile", str(schema), rel],
        },
        ROOT,
        max(repeat // 2, 2),
    )
    pf, cj = runs["planforge"], runs["check-jsonschema"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "## Scheduling",
        "",
        f"Measured on a shared machine (load average {load} on {os.cpu_count()} cores when"
        " the section ran): read the ratios, and the absolute times as upper bounds.",
        "",
        "`bench/out/scheduled-5000.yaml`: 5,000 tasks on China's calendar (`country: CN`);"
        " one in 50 has a written start, the others a duration and one or two dependencies"
        " of every type (FS, SS, FF, SF) with lags in working and calendar days.",
        "",
        "| measurement | time |",
        "|---|---|",
        f"| `resolve` (whole model, in one process, median) | {timing['resolve'] * 1000:.0f} ms |",
        f"| of which the schedule stage (dates, float, critical path) |"
        f" {timing['schedule'] * 1000:.0f} ms ({timing['critical']:,} critical tasks) |",
        f"| `planforge validate` of the plan, whole process | {pf.median:.2f} s |",
        f"| check-jsonschema of the plan (schema only), whole process | {cj.median:.2f} s"
        f" (planforge is faster by **{cj.median / pf.median:.1f}×**; {conditions(pf, cj)}) |",
        "",
    ]
    tree = _baseline_tree(baseline)
    if tree is None:
        return [*lines, f"(no git checkout: the comparison with {baseline} is skipped)", ""]
    print("schedule: example plan against the baseline", file=sys.stderr)
    runs = compare(
        {
            "now": [python, "-c", _LAUNCH, str(ROOT / "src"), "validate", EXAMPLE],
            "before": [python, "-c", _LAUNCH, str(tree / "src"), "validate", EXAMPLE],
            "check-jsonschema": [cjs, "--schemafile", str(schema), EXAMPLE],
        },
        ROOT,
        repeat * 2,
    )
    now, before, cj = runs["now"], runs["before"], runs["check-jsonschema"]
    imports = subprocess.run(
        [
            python,
            "-X",
            "importtime",
            "-c",
            "import planforge.check, planforge.rules as r; r.all_rules()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    own = (
        sum(
            int(line.split("|")[0].split(":")[1])
            for line in imports.splitlines()
            if line.startswith("import time:") and line.split("|")[2].strip().startswith(MODULES)
        )
        / 1e6
    )
    running = float(
        subprocess.run(
            [python, "-c", _SHARE, EXAMPLE], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    return [
        *lines,
        f"Validating the example plan (no `calendar:`), cold start, against commit {baseline}"
        " (before the schedule stage), interleaved in the same run:",
        "",
        "| command | median | against check-jsonschema |",
        "|---|---|---|",
        f"| `planforge validate` now | {now.median * 1000:.0f} ms |"
        f" {cj.median / now.median:.2f}× faster ({conditions(now, cj)}) |",
        f"| `planforge validate` at {baseline} | {before.median * 1000:.0f} ms |"
        f" {cj.median / before.median:.2f}× faster ({conditions(before, cj)}) |",
        f"| check-jsonschema | {cj.median * 1000:.0f} ms | |",
        "",
        f"Now / before: **{now.median / before.median:.2f}**. The baseline also lacks"
        " everything else merged into main since (bounds, exports, repository checks...),"
        " so this ratio is an upper bound on what scheduling costs. Measured directly, the"
        f" schedule stage adds {own * 1000:.1f} ms of imports (`planforge.schedule`, the"
        f" calendar and schedule rules) and {running * 1000:.2f} ms of work (the schedule"
        " stage and rules PF306-PF317 on the example): together"
        f" **{(own + running) / now.median:.1%}** of validating the example (the budget is"
        " 10%). `holidays` is not imported for a plan without `calendar.country`.",
        "",
    ]
