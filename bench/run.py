"""planforge benchmarks: ``./dev bench`` (or ``python bench/run.py``) writes bench/RESULTS.md.

Measured side by side, in the same run, as whole processes:

* ``planforge validate`` against check-jsonschema with the project's schema, on
  300 generated example-sized plans (files per second, and the ratio);
* a single-file cold start for both (the cost of one CI step or pre-commit hook);
* both on plans with 50, 1,000 and 5,000 tasks, with peak memory;
* ``planforge render`` of the example plan to PDF against headless Chromium's
  ``--print-to-pdf`` of planforge's own HTML;
* render scaling: time, peak memory and PDF size at 100, 1,000, 2,000 and 5,000 tasks,
  against Chromium printing the same HTML; and ``preview``'s re-render after a save
  (``--only-render`` runs just the render part);
* scheduling (``bench/schedule.py``): resolving a 5,000-task plan on China's calendar,
  and validating the example against the commit before the schedule stage.

planforge runs every semantic rule on top of the schema; check-jsonschema runs
only the schema. Peers run interleaved, and every ratio names the load average while
its runs ran and the machine (CPU, cores, Python, Chromium). planforge's modules are
compiled to bytecode first, as installing the wheel does (see ``compile_sources``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import example_sized, many_tasks
from harness import Measure, chromium, compare, compile_sources, conditions, machine, run_once
from large_inputs import section as large_inputs
from schedule import BASELINE, schedule_section

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SCHEMA = ROOT / "schemas" / "plan.schema.json"
EXAMPLE = ROOT / "plans" / "reactivation-2024q2.yaml"


def faster(ours: Measure, peer: Measure) -> str:
    """The ratio cell: how many times faster planforge is than its peer (below 1: slower),
    planforge's time as a share of the peer's, and what it was measured on."""
    line = (
        f"**{peer.median / ours.median:.1f}×** ({ours.median / peer.median:.2f}× the peer's"
        f" time; {conditions(ours, peer)})"
    )
    print(f"{ours.name} against {peer.name}: {line}", file=sys.stderr)
    return line


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: run ./dev bench (it installs the dev dependencies)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=300, help="size of the plan corpus")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument(
        "--baseline", default=BASELINE, help="commit to compare example validation against"
    )
    parser.add_argument(
        "--only-schedule",
        action="store_true",
        help="run only the scheduling benchmark and replace its section of RESULTS.md",
    )
    parser.add_argument(
        "--only-validate",
        action="store_true",
        help="run only the validate comparisons (corpus and one file) and print them",
    )
    parser.add_argument(
        "--only-render",
        action="store_true",
        help="run only the render benchmarks and replace their section of RESULTS.md",
    )
    args = parser.parse_args()
    compile_sources(ROOT / "src")
    if args.only_render:
        planforge = tool("planforge")
        OUT.mkdir(parents=True, exist_ok=True)
        lines = render_lines(planforge, args.repeat)
        replace_marked(args.output, lines)
        print("\n".join(lines))
        return

    planforge, cjs = tool("planforge"), tool("check-jsonschema")
    OUT.mkdir(parents=True, exist_ok=True)
    python = str(Path(planforge).with_name("python"))
    schedule_rows = []
    if not args.only_validate:
        schedule_rows = schedule_section(python, cjs, SCHEMA, args.repeat, args.baseline)
    if args.only_schedule:
        replace_section(args.output, schedule_rows)
        print("\n".join(schedule_rows))
        return
    corpus = OUT / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    files = example_sized(corpus, args.files)
    rel = [str(p.relative_to(ROOT)) for p in files]
    big = {}
    for n in (50, 1000, 5000):
        path = OUT / f"tasks-{n}.yaml"
        path.write_text(many_tasks(n), encoding="utf-8")
        big[n] = str(path.relative_to(ROOT))

    def against_cjs(ours: list[str], theirs: list[str], repeat: int) -> tuple[Measure, Measure]:
        runs = compare(
            {
                "planforge": [planforge, "validate", *ours],
                "check-jsonschema": [cjs, "--schemafile", str(SCHEMA), *theirs],
            },
            ROOT,
            repeat,
        )
        return runs["planforge"], runs["check-jsonschema"]

    rows: list[str] = []
    print(f"corpus: {len(files)} plans", file=sys.stderr)
    folder = str(corpus.relative_to(ROOT))
    for label, jobs in (("one process per CPU, the default", []), ("`-j 1`", ["-j", "1"])):
        pf, cj = against_cjs([*jobs, folder], rel, max(args.repeat // 2, 2))
        rows.append(
            f"| {len(files):,} example-sized plans (`planforge validate DIR`, {label}) | "
            f"{pf.median:.2f} s ({len(files) / pf.median:,.0f} files/s; CPU {pf.cpu_median:.2f} s)"
            f" | {cj.median:.2f} s ({len(files) / cj.median:,.0f} files/s; CPU"
            f" {cj.cpu_median:.2f} s) | {faster(pf, cj)}; CPU time"
            f" {pf.cpu_median / cj.cpu_median:.2f}× the peer's |"
        )
    print("single file", file=sys.stderr)
    example = [str(EXAMPLE.relative_to(ROOT))]
    pf, cj = against_cjs(example, example, args.repeat * 2)
    rows.append(
        f"| one plan, cold start | {pf.median * 1000:.0f} ms | {cj.median * 1000:.0f} ms |"
        f" {faster(pf, cj)} |"
    )
    if args.only_validate:
        print("\n".join(rows))
        return
    scale_rows = []
    for n, path in big.items():
        print(f"{n} tasks", file=sys.stderr)
        pf, cj = against_cjs([path], [path], max(args.repeat // 2, 2))
        rows.append(
            f"| one plan with {n:,} tasks | {pf.median:.2f} s | {cj.median:.2f} s |"
            f" {faster(pf, cj)} |"
        )
        scale_rows.append(
            f"| {n:,} | {pf.median:.2f} s | {pf.peak_mib:.0f} MiB | {cj.median:.2f} s |"
            f" {cj.peak_mib:.0f} MiB |"
        )

    render = render_lines(planforge, args.repeat)

    versions = ", ".join(
        f"{name} {md.version(name)}"
        for name in ("planforge", "check-jsonschema", "jsonschema", "PyYAML")
    )
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Written by `./dev bench` on {dt.date.today()}. Median of interleaved runs of whole"
            " processes (start-up included); ratios compare peers measured in the same run.",
            "",
            "## Machine",
            "",
            *machine(),
            f"- Versions: {versions}",
            "",
            "## `planforge validate` against check-jsonschema",
            "",
            "planforge runs the schema and all of its semantic rules; check-jsonschema"
            " (`--schemafile schemas/plan.schema.json`) runs the schema only.",
            "",
            "| workload | planforge | check-jsonschema | planforge is faster by |",
            "|---|---|---|---|",
            *rows,
            "",
            "## Scaling with plan size (validate)",
            "",
            "| tasks | planforge time | planforge peak memory | check-jsonschema time |"
            " check-jsonschema peak memory |",
            "|---|---|---|---|---|",
            *scale_rows,
            "",
            *schedule_rows,
            *render,
            "",
            *large_inputs(planforge),
            "",
        ]
    )
    args.output.write_text(text, encoding="utf-8")
    print(text)


def replace_section(results: Path, lines: list[str]) -> None:
    """Put ``lines`` (a ``## `` section) into RESULTS.md in place of the old one, or before
    the render section, leaving the other measurements as they were."""
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    title, section = lines[0], "\n".join(lines) + "\n"
    if title in text:
        before, rest = text.split(title, 1)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    elif "## `planforge render`" in text:
        before, after = text.split("## `planforge render`", 1)
        text = before + section + "\n## `planforge render`" + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results.write_text(text, encoding="utf-8")


def pages(pdf: Path) -> str:
    """The page count, from poppler's pdfinfo (``?`` without it)."""
    exe = shutil.which("pdfinfo")
    if not exe:
        return "?"
    info = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=False).stdout
    return next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")), "?")


BATCH = 20


def batch_rows(planforge: str, chromium_cmd: list[str], out: Path, repeat: int) -> list[str]:
    """20 example-sized plans: `planforge render DIR` (one worker per CPU, then -j 1) against
    20 Chromium runs, with the time per plan."""
    corpus = OUT / "render-batch"
    shutil.rmtree(corpus, ignore_errors=True)
    example_sized(corpus, BATCH)
    html_out = out / "batch-html"
    run_once([planforge, "render", str(corpus), "--format", "html", "-o", str(html_out)], ROOT)
    script = " && ".join(
        " ".join(chromium_cmd[:-2])
        + f" --print-to-pdf={out / 'batch-chromium.pdf'} {html.as_uri()}"
        for html in sorted(html_out.glob("*.html"))
    )
    command = [planforge, "render", str(corpus), "--format", "pdf", "-o", str(out / "batch")]
    runs = compare(
        {
            "planforge": command,
            "planforge -j 1": [*command, "-j", "1"],
            "chromium": ["sh", "-c", script],
        },
        ROOT,
        max(repeat // 2, 2),
    )
    ch = runs["chromium"]
    rows = []
    for name, label in (
        ("planforge", "one worker per CPU, the default"),
        ("planforge -j 1", "`-j 1`"),
    ):
        pf = runs[name]
        rows.append(
            f"| {BATCH} example-sized plans to PDF (`planforge render DIR`, {label}, against"
            f" {BATCH} Chromium runs) | {pf.median:.2f} s ({pf.median / BATCH:.2f} s a plan) |"
            f" {ch.median:.2f} s ({ch.median / BATCH:.2f} s a plan) | {faster(pf, ch)} |"
        )
    return rows


RENDER_START, RENDER_END = "<!-- render: bench/run.py -->", "<!-- /render -->"


def render_lines(planforge: str, repeat: int) -> list[str]:
    """The render sections of RESULTS.md, between their markers."""
    import os

    load = os.getloadavg()
    rows, scale = render_section(planforge, repeat)
    after = os.getloadavg()
    return [
        RENDER_START,
        "## `planforge render` against headless Chromium",
        "",
        f"Measured on {dt.date.today()} by `python bench/run.py --only-render` (load average"
        f" {load[0]:.1f} before, {after[0]:.1f} after, on {os.cpu_count()} CPUs)."
        " Both print planforge's HTML for `plans/reactivation-2024q2.yaml` to PDF, as whole"
        " processes: `planforge render --format pdf` (checks, resolves, fills the templates,"
        " prints with WeasyPrint) against `chromium --headless --print-to-pdf` of the HTML"
        " that planforge wrote. Chromium's peak memory is its browser process only (its"
        " renderer and GPU processes come on top).",
        "",
        "| workload | planforge | Chromium | planforge is faster by |",
        "|---|---|---|---|",
        *rows,
        "",
        "## Render scaling (PDF)",
        "",
        "Generated plans (`bench/generate.py`): planforge's whole process against Chromium"
        " printing the HTML planforge wrote for the same plan, one run each. Above about"
        " 34 pages, planforge prints in parts (`src/planforge/render/parts.py`), so its memory"
        " stays flat; the PDF is larger because each part embeds its own font subset.",
        "",
        "| tasks | pages | planforge | peak memory | PDF size | Chromium | planforge is faster by |",
        "|---|---|---|---|---|---|---|",
        *scale,
        "",
        RENDER_END,
    ]


def replace_marked(results: Path, lines: list[str]) -> None:
    """Put ``lines`` into RESULTS.md in place of the text between the same markers."""
    text = results.read_text(encoding="utf-8")
    start, end = lines[0], lines[-1]
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + "\n".join(lines) + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    results.write_text(text, encoding="utf-8")


PREVIEW = """
import os, statistics, sys, time
from pathlib import Path
from planforge.preview import Preview
from planforge.render.document import RenderOptions
plan = Path(sys.argv[1])
preview = Preview(plan, RenderOptions())
preview.refresh()
times = []
for i in range(15):
    os.utime(plan, ns=(i * 10**9, i * 10**9))  # a save: the stamp changes
    start = time.perf_counter()
    assert preview.refresh()
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def preview_row(planforge: str, chromium: Measure) -> str:
    """`planforge preview`'s re-render after a save: a warm process checks the plan and
    fills the templates; the browser shows the HTML (no PDF is printed)."""
    plan = OUT / "preview-plan.yaml"
    shutil.copy(EXAMPLE, plan)
    python = str(Path(planforge).with_name("python"))
    done = subprocess.run(
        [python, "-c", PREVIEW, str(plan)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    seconds = float(done.stdout.split()[-1])
    return (
        "| `planforge preview`: check and HTML again after a save (warm process, median of 15;"
        f" the browser then lays the page out) | {seconds * 1000:.0f} ms |"
        f" {chromium.median:.2f} s to print the same document | (not the same work) |"
    )


def render_section(planforge: str, repeat: int) -> tuple[list[str], list[str]]:
    """Example plan to PDF against Chromium, then scaling with plan size."""
    out = OUT / "render"
    shutil.rmtree(out, ignore_errors=True)
    example = str(EXAMPLE.relative_to(ROOT))
    run_once([planforge, "render", example, "--format", "html", "-o", str(out)], ROOT)
    html = out / "reactivation-2024q2.html"
    rows = []
    browser = chromium()
    print("render: example plan", file=sys.stderr)
    commands = {"planforge": [planforge, "render", example, "--format", "pdf", "-o", str(out)]}
    if browser:
        profile = tempfile.mkdtemp(prefix="pf-chromium-")
        commands["chromium"] = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out / 'chromium.pdf'}",
            html.as_uri(),
        ]
    runs = compare(commands, ROOT, repeat)
    pf = runs["planforge"]
    if browser:
        ch = runs["chromium"]
        rows.append(
            f"| example plan to PDF, one process | {pf.median:.2f} s ({pf.peak_mib:.0f} MiB) |"
            f" {ch.median:.2f} s ({ch.peak_mib:.0f} MiB) | {faster(pf, ch)} |"
        )
        rows.extend(batch_rows(planforge, commands["chromium"], out, repeat))
        rows.append(preview_row(planforge, ch))
    else:
        rows.append(f"| example plan to PDF | {pf.median:.2f} s | (no Chromium installed) | |")
    scale = []
    for n in (100, 1000, 2000, 5000):
        print(f"render: {n} tasks", file=sys.stderr)
        path = OUT / f"render-{n}.yaml"
        path.write_text(many_tasks(n), encoding="utf-8")
        cmd = [planforge, "render", str(path), "--format", "pdf", "-o", str(out)]
        peers = {"planforge": cmd}
        if browser:
            run_once([planforge, "render", str(path), "--format", "html", "-o", str(out)], ROOT)
            peers["chromium"] = [
                *commands["chromium"][:-2],
                f"--print-to-pdf={out / f'chromium-{n}.pdf'}",
                (out / f"scale-{n}.html").as_uri(),
            ]
        result = compare(peers, ROOT, 1 if n >= 1000 else 2, warmup=n < 1000)
        m = result["planforge"]
        pdf = out / f"scale-{n}.pdf"
        peer = result.get("chromium")
        scale.append(
            f"| {n:,} | {pages(pdf)} | {m.median:.1f} s | {m.peak_mib:.0f} MiB |"
            f" {pdf.stat().st_size / 2**20:.1f} MiB |"
            + (f" {peer.median:.1f} s | {faster(m, peer)} |" if peer else " | |")
        )
        print(scale[-1], file=sys.stderr)
    return rows, scale


if __name__ == "__main__":
    main()
