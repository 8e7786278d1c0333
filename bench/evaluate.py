"""``planforge evaluate`` at scale: 1M customers and 10M order rows, against DuckDB.

``python bench/evaluate.py [--customers N] [--orders N]``. Generates (once, into
bench/out/evaluate/) the synthetic example plan's customer list, 10M orders and
2M check-ins with polars, then runs, each in its own process (start-up included):

* ``planforge evaluate --format json`` (every measure per group, lifts, monitoring);
* the same measures as one SQL statement in DuckDB, the holdout draw included
  (:mod:`planforge.evaluate.sql`), over the same CSV files.

The figures must agree, or the benchmark fails. Prints wall time and peak memory
(the process's maximum resident set) and the machine's load average.

``python bench/evaluate.py --spark`` instead runs ``planforge evaluate --sql spark``'s
statement once on a local Spark session (pyspark and Java needed) over the synthetic
example's files (tests/evaluate/synthetic.py) and checks that it gives planforge's
figures, measure by measure and group by group.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "evaluate"
sys.path.insert(0, str(ROOT))


def generate(customers: int, orders: int) -> Path:
    """The plan and its data in OUT/<customers>-<orders>/ (made once)."""
    import polars as pl
    from tests.evaluate import synthetic

    folder = OUT / f"{customers}-{orders}"
    data = folder / "data"
    if (folder / "plan.yaml").exists():
        return folder
    data.mkdir(parents=True, exist_ok=True)
    i = pl.int_range(0, customers, dtype=pl.Int64)
    h = (i * 2654435761 + 12345) % 1_000_003
    pl.LazyFrame().select(
        ("C" + (i + 1).cast(pl.String).str.zfill(8)).alias("客户编号"),
        ("客户" + (i + 1).cast(pl.String)).alias("客户名称"),
        ((h * 7919) % 400_000).alias("年消费"),
        pl.when(h % 10 < 7).then(0).otherwise(h % 4).alias("投诉次数"),
        (pl.lit(dt.date(2024, 4, 1)) - pl.duration(days=90 + (h * 31) % 700)).alias("最近消费日期"),
    ).sink_csv(data / "customers.csv")
    j = pl.int_range(0, orders, dtype=pl.Int64)
    g = (j * 40503 + 7) % 1_000_037
    pl.LazyFrame().select(
        ("C" + ((g * 7) % int(customers * 1.05) + 1).cast(pl.String).str.zfill(8)).alias(
            "客户编号"
        ),
        (pl.lit(dt.date(2024, 1, 1)) + pl.duration(days=(g * 13) % 240)).alias("下单日期"),
        ((g % 150_00) / 100 + 1).round(2).alias("金额"),
        pl.when(g % 3 == 0).then(pl.lit("社群")).otherwise(pl.lit("门店")).alias("渠道"),
    ).sink_csv(data / "orders.csv")
    k = pl.int_range(0, orders // 5, dtype=pl.Int64)
    f = (k * 9973 + 3) % 1_000_033
    pl.LazyFrame().select(
        ("C" + ((f * 11) % customers + 1).cast(pl.String).str.zfill(8)).alias("客户编号"),
        (pl.lit(dt.date(2024, 4, 1)) + pl.duration(days=(f * 7) % 120)).alias("打卡日期"),
    ).sink_csv(data / "checkins.csv")
    plan = synthetic.PLAN.replace(
        "  survey: {source: data/survey.xlsx, key: 客户编号, date: 提交日期}\n", ""
    ).replace("  score: {mean: survey.评分, during: period}\n", "")
    plan = plan.split("  - id: satisfaction")[0] + "monitoring:" + plan.split("monitoring:")[1]
    plan = plan.replace("  cap: 60000\n", "  cap: 100000000\n")
    (folder / "plan.yaml").write_text(plan, encoding="utf-8")
    return folder


PLANFORGE = """
import datetime as dt, json, resource, sys
from planforge.evaluate.command import evaluate_document
from planforge.loader import load_file
got = evaluate_document(load_file(sys.argv[1]), dt.date(2024, 8, 31), "json")
assert got.report is not None, [d.message for d in got.result.diagnostics]
out = json.loads(got.report)
print(json.dumps({"figures": out["measures"], "groups": out["groups"],
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

DUCKDB = """
import json, resource, sys
import duckdb
sql = open(sys.argv[1], encoding="utf-8").read()
rows = duckdb.connect().execute(sql).fetchall()
print(json.dumps({"rows": [[str(v) for v in r] for r in rows],
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def duckdb_sql(folder: Path) -> str:
    """The measures as one statement: customers with their group, joined to each outcome."""
    from planforge.check import check_document
    from planforge.evaluate.sql import held_out
    from planforge.loader import load_file

    plan = check_document(load_file(str(folder / "plan.yaml"))).plan
    held = held_out(plan, "duckdb").sql(dialect="duckdb")
    data = folder / "data"
    return f"""
WITH people AS (
  SELECT TRIM(CAST("客户编号" AS VARCHAR)) AS k, {held} AS held
  FROM read_csv('{data / "customers.csv"}', types={{'客户编号': 'VARCHAR'}})
  WHERE DATE_DIFF('day', CAST("最近消费日期" AS DATE), DATE '2024-04-01') >= 90
),
orders AS (
  SELECT p.held, o."客户编号" AS k, o."金额" AS amount, o."渠道" AS channel
  FROM read_csv('{data / "orders.csv"}', types={{'客户编号': 'VARCHAR'}}) o
  JOIN people p ON p.k = o."客户编号"
  WHERE CAST(o."下单日期" AS DATE) BETWEEN DATE '2024-07-01' AND DATE '2024-07-30'
),
checkins AS (
  SELECT p.held, c."客户编号" AS k
  FROM read_csv('{data / "checkins.csv"}', types={{'客户编号': 'VARCHAR'}}) c
  JOIN people p ON p.k = c."客户编号"
  WHERE CAST(c."打卡日期" AS DATE) BETWEEN DATE '2024-04-01' AND DATE '2024-06-30'
)
SELECT g.held,
  (SELECT COUNT(*) FROM people WHERE held = g.held) AS customers,
  (SELECT COUNT(DISTINCT k) FROM checkins WHERE held = g.held) AS participants,
  (SELECT COUNT(DISTINCT k) FROM orders WHERE held = g.held) AS repurchasers,
  (SELECT COUNT(DISTINCT k) FROM orders WHERE held = g.held AND channel = '社群') AS community,
  (SELECT ROUND(SUM(amount), 2) FROM orders WHERE held = g.held) AS revenue
FROM (VALUES (false), (true)) g(held) ORDER BY g.held
"""


SPARK = """
import json, sys
from pyspark.sql import SparkSession
folder, sql = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
s = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
     .config("spark.sql.ansi.enabled", "false").getOrCreate())
s.sparkContext.setLogLevel("ERROR")
for name in ("customers", "checkins", "orders", "survey"):
    frame = s.read.option("header", True).option("inferSchema", True).csv(f"{folder}/{name}.csv")
    frame = frame.withColumn("客户编号", frame["客户编号"].cast("string"))
    frame.createOrReplaceTempView(name)
rows = s.sql(sql.rstrip().rstrip(";")).collect()
print(json.dumps([[r[0], r[1], float(r[2]) if r[2] is not None else None] for r in rows]))
s.stop()
"""


def spark_check() -> None:
    """The ``--sql spark`` statement on a local Spark session gives planforge's figures."""
    import csv

    import openpyxl
    from tests.evaluate import synthetic

    from planforge.check import check_document
    from planforge.evaluate.command import evaluate_document
    from planforge.evaluate.measures_sql import statement
    from planforge.loader import load_file

    folder = OUT / "spark"
    if not (folder / "plan.yaml").exists():
        synthetic.generate(folder)
    flat = folder / "utf8"  # Spark reads UTF-8 CSV; the shop exported GBK, the survey XLSX
    flat.mkdir(exist_ok=True)
    for name, enc in (("customers", "utf-8"), ("checkins", "utf-8"), ("orders", "gbk")):
        text = (folder / "data" / f"{name}.csv").read_text(encoding=enc)
        (flat / f"{name}.csv").write_text(text, encoding="utf-8")
    sheet = openpyxl.load_workbook(folder / "data" / "survey.xlsx").active
    with open(flat / "survey.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for i, (key, day, score) in enumerate(sheet.iter_rows(values_only=True)):
            writer.writerow([key, day if i == 0 else day.date().isoformat(), score])
    as_of = dt.date(2024, 8, 31)
    doc = load_file(str(folder / "plan.yaml"))
    sql = folder / "measures.spark.sql"
    sql.write_text(statement(check_document(doc).plan, "spark", as_of), encoding="utf-8")
    seconds, rows = timed([sys.executable, "-c", SPARK, str(flat), str(sql)])
    figures = json.loads(evaluate_document(doc, as_of, "json").report or "")
    got = {(m, g): v for m, g, v in rows}
    assert got.pop(("customers", "treated")) == figures["groups"]["treated"]
    assert got.pop(("customers", "holdout")) == figures["groups"]["holdout"]
    for name, values in figures["measures"].items():
        for group, value in values.items():
            spark = got.get((name, group))
            assert (spark is None) if value is None else abs((spark or 0) - value) < 1e-4, (
                name,
                group,
                spark,
                value,
            )
    print(f"Spark (local[2]) ran the --sql spark statement in {seconds:.1f} s: same figures")
    print("groups", figures["groups"], "repurchasers", figures["measures"]["repurchasers"])


def timed(args: list[str]) -> tuple[float, Any]:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--spark", action="store_true", help="check the Spark statement instead")
    args = parser.parse_args()
    if args.spark:
        spark_check()
        return
    folder = generate(args.customers, args.orders)
    sql = folder / "measures.sql"
    sql.write_text(duckdb_sql(folder), encoding="utf-8")
    load = os.getloadavg()[0]
    t1, pf = timed([sys.executable, "-c", PLANFORGE, str(folder / "plan.yaml")])
    t2, db = timed([sys.executable, "-c", DUCKDB, str(sql)])
    by_group = {r[0]: r[1:] for r in db["rows"]}
    for group, held in (("treated", "False"), ("holdout", "True")):
        customers, participants, repurchasers, community, revenue = by_group[held]
        f = pf["figures"]
        want = {
            "customers": pf["groups"][group],
            "participants": f["participants"][group],
            "repurchasers": f["repurchasers"][group],
            "community": f["community_buyers"][group],
            "revenue": f"{f['revenue'][group]:.2f}",
        }
        got = {
            "customers": int(customers),
            "participants": int(participants),
            "repurchasers": int(repurchasers),
            "community": int(community),
            "revenue": f"{float(revenue):.2f}",
        }
        assert got == want, (group, got, want)
    sizes = {p.name: p.stat().st_size >> 20 for p in (folder / "data").iterdir()}
    print(f"data: {sizes} MiB; load average {load:.1f}")
    print(f"planforge evaluate: {t1:.1f} s, peak {pf['rss'] >> 10} MiB")
    print(f"DuckDB, same measures: {t2:.1f} s, peak {db['rss'] >> 10} MiB")
    print("figures agree:", pf["groups"], pf["figures"]["repurchasers"])


if __name__ == "__main__":
    main()
