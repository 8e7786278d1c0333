"""Generate benchmark corpora: many example-sized plans, and plans with many tasks.

Every generated plan is valid (the benchmark checks that), so both tools do their
full work on every file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "plans" / "reactivation-2024q2.yaml"


def example_sized(out: Path, count: int) -> list[Path]:
    """``count`` variants of the example plan (ids, titles and segment sizes differ)."""
    out.mkdir(parents=True, exist_ok=True)
    base = EXAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        text = (
            base.replace("id: reactivation-2024q2", f"id: reactivation-{i:04d}")
            .replace("title: 老客户唤醒月", f"title: 老客户唤醒月 第{i + 1}期")
            .replace("customers: 200", f"customers: {200 + 20 * (i % 50)}")
        )
        path = out / f"plan-{i:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def many_tasks(n: int) -> str:
    """A valid plan with ``n`` tasks in three phases, each task depending on earlier ones."""
    start = dt.date(2024, 1, 1)
    run_days = max(n // 4, 30)
    prep_end = start + dt.timedelta(days=13)
    run_start, run_end = prep_end + dt.timedelta(days=1), prep_end + dt.timedelta(days=run_days)
    end = run_end + dt.timedelta(days=14)
    lines = [
        "planforge: 1",
        f"id: scale-{n}",
        f"title: 规模测试 {n} 项任务",
        "locale: zh-CN",
        "currency: CNY",
        "owner: p0",
        "status: draft",
        "objective:",
        "  statement: 测试大计划的校验与渲染速度",
        "  kpi: k0",
        "scope:",
        "  segment: 全部客户",
        "  customers: 10000",
        "  departments: [市场部, 销售部]",
        "period:",
        f"  start: {start}",
        f"  end: {end}",
        "phases:",
        f"  - {{id: prep, name: 预热期, start: {start}, end: {prep_end}}}",
        f"  - {{id: run, name: 执行期, start: {run_start}, end: {run_end}}}",
        f"  - {{id: review, name: 复盘期, start: {run_end + dt.timedelta(days=1)}, end: {end}}}",
        "team:",
    ]
    lines += [f"  - {{id: p{i}, name: 员工{i}, role: 专员}}" for i in range(10)]
    lines.append("tasks:")
    for i in range(n):
        offset = (i * run_days) // max(n, 1)
        day = run_start + dt.timedelta(days=offset)
        deps = f", depends_on: [t{i - 40}]" if i >= 40 and (i - 40) * run_days // n < offset else ""
        lines.append(
            f"  - {{id: t{i}, phase: run, name: 任务{i} 客户回访, owner: p{i % 10},"
            f" start: {day}, end: {day}{deps}, deliverable: 完成记录}}"
        )
    lines += ["budget:", "  cap: 10000000", "  lines:"]
    lines += [
        f"    - {{category: 类别{i % 5}, item: 项目{i}, quantity: {i % 7 + 1}, unit: 个,"
        f" unit_price: {i % 90 + 10}}}"
        for i in range(max(n // 10, 5))
    ]
    lines += ["kpis:"]
    lines += [
        f'  - {{id: k{i}, dimension: 维度{i % 4}, name: 指标{i}, target: ">= {i % 50 + 10}%",'
        f" actual: {i % 60 + 5}%}}"
        for i in range(max(n // 50, 4))
    ]
    return "\n".join(lines) + "\n"


def scheduled(n: int) -> str:
    """A valid plan with ``n`` tasks whose dates the scheduler computes on China's calendar.

    The first task of every 50 has a written start; the others have a duration and
    depend on one or two earlier tasks, with every dependency type and lags in working
    and calendar days, so the forward and backward passes see a real network.
    """
    kinds = [
        "{pred}",
        "{{task: {pred}, type: SS, lag: 2wd}}",
        "{{task: {pred}, type: FF, lag: 1wd}}",
        "{{task: {pred}, lag: 3d}}",
        "{{task: {pred}, type: SF, lag: 4wd}}",
        "{{task: {pred}, lag: -1wd}}",
    ]
    base = many_tasks(n).split("tasks:\n")[0].replace("  end: ", "  end: ", 1)
    lines = [base.rstrip("\n").replace("period:", "calendar:\n  country: CN\nperiod:", 1), "tasks:"]
    start = dt.date(2024, 1, 15)
    for i in range(n):
        if i % 50 == 0:
            when = start + dt.timedelta(days=(i // 50) % 20)
            lines.append(
                f"  - {{id: t{i}, phase: run, name: 任务{i}, owner: p{i % 10},"
                f" start: {when}, duration: {i % 5 + 1}wd}}"
            )
            continue
        preds = [kinds[i % len(kinds)].format(pred=f"t{i - 1}")]
        if i % 3 == 0 and i % 50 > 2:
            preds.append(f"t{i - 2}")
        lines.append(
            f"  - {{id: t{i}, phase: run, name: 任务{i}, owner: p{i % 10},"
            f" duration: {i % 4 + 1}wd, depends_on: [{', '.join(preds)}]}}"
        )
    tail = many_tasks(n).split("\nbudget:\n", 1)[1]
    return "\n".join(lines) + "\nbudget:\n" + tail
