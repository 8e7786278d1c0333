"""Segmentation benchmark: ``planforge`` on 1M and 10M synthetic customers, CSV and Parquet,
and the ``--sql spark`` statement on a local Spark session over the same data.

Run by ``./dev bench`` after ``bench/run.py``, or alone: ``python bench/segment.py``.
The data is generated once into bench/out/segment/ (10M rows of CSV are ~0.8 GB) and
reused. Each measurement is a whole process (start-up included): ``planforge validate
--data`` reads every row, assigns tiers, counts them and checks the key for duplicates;
``planforge segment`` also writes the tier list (1M and 10M rows). Peak memory is the
process's maximum resident set. The same commands at the commit before the polars tier
list (BEFORE) are the peer for time and memory, and the ``--sql spark`` statement on a
local Spark session (1M and 10M CSV rows) must give the same counts as planforge, or the
benchmark fails. The load average is recorded next to each figure (the machine is
shared). Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import compare

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "segment"
PLAN = ROOT / "plans" / "crm-tiers-2024q2.yaml"
RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- segment: written by bench/segment.py -->", "<!-- /segment -->"
SIZES = {"1M": 1_000_000, "10M": 10_000_000}


def generate(rows: int, stem: str) -> tuple[Path, Path]:
    """Synthetic CRM exports (CSV and Parquet) with the example plan's columns, streamed."""
    import polars as pl

    csv, parquet = OUT / f"{stem}.csv", OUT / f"{stem}.parquet"
    if csv.exists() and parquet.exists():
        return csv, parquet
    OUT.mkdir(parents=True, exist_ok=True)
    i = pl.int_range(0, rows, dtype=pl.Int64)
    h = (i * 2654435761 + 12345) % 1_000_003
    frame = pl.LazyFrame().select(
        ("C" + (i + 1).cast(pl.String).str.zfill(8)).alias("客户编号"),
        ("客户" + (i + 1).cast(pl.String)).alias("客户名称"),
        ((h * 7919) % 400_000).alias("年消费"),
        (h % 9).alias("合作年限"),
        pl.when(h % 10 < 7).then(0).otherwise(h % 4).alias("投诉次数"),
        (pl.lit(dt.date(2024, 4, 1)) - pl.duration(days=(h * 31) % 760)).alias("最近消费日期"),
        (h % 13).alias("咨询次数"),
        ("13" + ((h * 104729) % 1_000_000_000).cast(pl.String).str.zfill(9)).alias("手机号"),
    )
    frame.sink_csv(csv)
    pl.scan_csv(
        csv, schema_overrides={"客户编号": pl.String, "手机号": pl.String}, try_parse_dates=True
    ).sink_parquet(parquet)
    return csv, parquet


def plan_for(source: Path) -> Path:
    """The example plan pointed at ``source``."""
    text = PLAN.read_text("utf-8").replace("source: data/customers.csv", f"source: {source}")
    text = text.replace("  cap: 10000\n", "  cap: 1000000000\n")  # a million customers' gifts
    path = OUT / f"plan-{source.stem}-{source.suffix[1:]}.yaml"
    path.write_text(text, "utf-8")
    return path


def counts(planforge: str, plan: Path) -> dict[str, int]:
    """Tier counts as planforge resolves them (``export``)."""
    out = subprocess.run(
        [planforge, "export", str(plan)], capture_output=True, text=True, check=False
    )
    data = json.loads(out.stdout)
    return {t["id"]: t["customers"] for t in data["tiers"]}


def spark(planforge: str, plan: Path, csv: Path) -> tuple[dict[str, int], float, float] | None:
    """The ``--sql spark`` statement on a local Spark session over ``csv``: counts, seconds
    for the query alone, and seconds for the whole run including the JVM start."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return None
    if not shutil.which("java"):
        return None
    sql = subprocess.run(
        [planforge, "segment", str(plan), "--sql", "spark", "--table", "customers"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script = OUT / "spark_run.py"
    script.write_text(
        "import json, sys, time\n"
        "from pyspark.sql import SparkSession\n"
        "t0 = time.perf_counter()\n"
        "s = SparkSession.builder.master('local[2]').appName('planforge')"
        ".config('spark.ui.enabled', 'false').config('spark.driver.memory', '2g').getOrCreate()\n"
        "s.sparkContext.setLogLevel('ERROR')\n"
        f"df = s.read.csv({str(csv)!r}, header=True, inferSchema=True)\n"
        "df.createOrReplaceTempView('customers')\n"
        "t1 = time.perf_counter()\n"
        f"rows = s.sql({sql.rstrip().rstrip(';')!r}).collect()\n"
        "t2 = time.perf_counter()\n"
        "print(json.dumps({'counts': {r['tier']: r['customers'] for r in rows if r['tier']},"
        " 'query': t2 - t1}))\n",
        "utf-8",
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    total = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["counts"], result["query"], total


COMMANDS = {"validate": "validate --data", "segment": "segment --format csv"}
#: The commit before the tier list moved to polars expressions (cells masked and
#: formatted in Python, one row at a time): the peer for the tier list and for memory.
BEFORE = "0d11d47"


def before_checkout() -> list[str] | None:
    """``planforge`` as it was at BEFORE, run from an archive of that commit."""
    target = OUT / f"before-{BEFORE}"
    if not (target / "src").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BEFORE, "src", "schemas", "templates"],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            return None
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return ["env", f"PYTHONPATH={target / 'src'}", sys.executable, "-m", "planforge"]


def load() -> str:
    """The load average now, as ``uptime`` prints it."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark comparison")
    args = parser.parse_args()
    planforge = str(Path(sys.executable).with_name("planforge"))
    before = before_checkout()
    rows, spark_rows, before_rows = [], [], []
    loads = [load()]
    for label in args.sizes.split(","):
        n = SIZES[label]
        print(f"generating {label}", file=sys.stderr)
        csv, parquet = generate(n, f"customers-{label}")
        for source in (csv, parquet):
            plan = plan_for(source)
            size = source.stat().st_size / 2**20
            cmds = {"validate": [planforge, "validate", "--data", str(plan)]}
            if source.suffix == ".csv":
                cmds["segment"] = [
                    planforge,
                    "segment",
                    str(plan),
                    "-o",
                    str(OUT / "list"),
                    "--format",
                    "csv",
                ]
            print(f"{label} {source.suffix} (load {load()})", file=sys.stderr)
            repeat = args.repeat if n <= 1_000_000 else 1
            at = load()
            measured = compare(cmds, ROOT, repeat, warmup=n <= 1_000_000)
            for name, m in measured.items():
                what = (
                    "tier counts + duplicate keys (`validate --data`)"
                    if name == "validate"
                    else "tier list written (`segment --format csv`)"
                )
                rows.append(
                    f"| {label} | {source.suffix[1:].upper()} ({size:,.0f} MiB) | {what} |"
                    f" {m.median:.2f} s | {m.peak_mib:,.0f} MiB | {at} |"
                )
            if before and source.suffix == ".csv":
                before_rows += compare_before(before, cmds, label, n)
            if source.suffix == ".csv" and not args.no_spark:
                ours = counts(planforge, plan)
                print(f"spark {label} (load {load()})", file=sys.stderr)
                at = load()
                theirs = spark(planforge, plan, csv)
                if theirs is None:
                    spark_rows.append(f"| {label} CSV | not run (pyspark or Java missing) | | | |")
                    continue
                got, query, total = theirs
                if got != ours:
                    sys.exit(f"Spark counts {got} differ from planforge's {ours}")
                pf = measured["validate"].median
                spark_rows.append(
                    f"| {label} CSV | identical: {', '.join(f'{k} {v:,}' for k, v in ours.items())} |"
                    f" {pf:.2f} s | {query:.2f} s query, {total:.1f} s with JVM start |"
                    f" **{total / pf:.1f}×** | {at} |"
                )
        loads.append(load())
    write_section(rows, spark_rows, before_rows, loads)


def compare_before(before: list[str], cmds: dict[str, list[str]], label: str, n: int) -> list[str]:
    """The same commands at BEFORE and now, interleaved: the rows of the before/after
    table. ``validate`` runs three times at 1M and twice at 10M; the tier list once, at
    1M only (before, it takes seconds to minutes a million rows)."""
    repeats = {"validate": 3 if n <= 1_000_000 else 2}
    if n <= 1_000_000:
        repeats["segment"] = 1
    out = []
    for name, repeat in repeats.items():
        at = load()
        print(f"{label} {name} before/after (load {at})", file=sys.stderr)
        runs = {"before": before + cmds[name][1:], "now": cmds[name]}
        measured = compare(runs, ROOT, repeat, warmup=False)
        old, new = measured["before"], measured["now"]
        out.append(
            f"| {label} CSV | `{COMMANDS[name]}` | {repeat} |"
            f" {old.median:.2f} s, {old.peak_mib:,.0f} MiB | {new.median:.2f} s,"
            f" {new.peak_mib:,.0f} MiB | {old.median / new.median:.2f}× |"
            f" {old.peak_mib / new.peak_mib:.1f}× | {at} |"
        )
    return out


def write_section(
    rows: list[str], spark_rows: list[str], before_rows: list[str], loads: list[str]
) -> None:
    section = "\n".join(
        [
            BEGIN,
            "## Segmentation (`planforge segment`, data-driven tiers)",
            "",
            f"Measured on {dt.date.today().isoformat()} by `bench/segment.py`. The example"
            " plan's rules (`plans/crm-tiers-2024q2.yaml`) over synthetic customers"
            " (bench/segment.py generates them). Whole processes; polars scans CSV and Parquet"
            " lazily with the streaming engine, so memory stays bounded by the work, not the"
            " file. The machine (2 cores) was shared with other agents: the load average"
            f" (1, 5, 15 minutes) was {loads[0]} at the start and {loads[-1]} at the end, and"
            " is given next to each measurement; compare figures within one table.",
            "",
            "| customers | source | work | wall time | peak memory | load average |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Against planforge at {BEFORE} (the tier list masked and formatted in Python, one"
            " cell at a time; the key check sorted 64-bit hashes), interleaved in the same"
            " run (median of the runs; above 1× means now is faster, or smaller):",
            "",
            "| data | command | runs | before | now | time, before / now |"
            " memory, before / now | load average |",
            "|---|---|---|---|---|---|---|---|",
            *before_rows,
            "",
            "The `--sql spark` statement on a local Spark session (`local[2]`, CSV with"
            " `inferSchema`) over the same files must give identical counts:",
            "",
            "| data | tier counts | planforge `validate --data` (whole process) | Spark |"
            " planforge is faster by | load average |",
            "|---|---|---|---|---|---|",
            *spark_rows,
            END,
        ]
    )
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in text:
        text = re.sub(
            re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, "utf-8")
    print(section)


if __name__ == "__main__":
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    main()
