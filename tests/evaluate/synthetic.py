"""Synthetic data with a known effect for the seed's example plan (老客户唤醒月).

``python -m tests.evaluate.synthetic FOLDER [--customers N]`` writes ``plan.yaml``
and ``data/`` (customers.csv, checkins.csv, orders.csv in GBK, survey.xlsx) into
FOLDER. ``python -m tests.evaluate.synthetic --example`` writes the example in
``plans/`` that a new user tries ``evaluate`` on: :data:`EXAMPLE`, with its data in
``plans/data/winback-2024q2/``. Everything comes from one seeded generator, so the same arguments give the
same files. The planted effect: treated customers repurchase within 30 days after
the period with probability :data:`TREATED_RATE`, held-out customers with
:data:`HOLDOUT_RATE`. The files also hold rows that must be ignored: keys that are
not customers, out-of-scope customers and dates outside every window.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from planforge.segment.holdout import held_out

ROOT = Path(__file__).resolve().parents[2]

SEED = 20240401
SALT = "reactivation-2024q2"
HOLDOUT = Decimal(10)
TREATED_RATE, HOLDOUT_RATE = 0.14, 0.08
PARTICIPATION = 0.70
PERIOD = (dt.date(2024, 4, 1), dt.date(2024, 6, 30))

PLAN = """\
planforge: 1
id: reactivation-2024q2
title: 老客户唤醒月
locale: zh-CN
currency: CNY
owner: mkt-mgr
status: review
objective:
  statement: 2024年Q2激活近6个月未消费的中价值客户,复购率提升12%
  kpi: repurchase-rate
scope:
  segment: 近90天无消费的老客户
  departments: [市场部, 销售部, 客服部]
segmentation:
  source: data/customers.csv
  key: 客户编号
  name: 客户名称
  as_of: 2024-04-01
  scope: "days_since(最近消费日期) >= 90"
  holdout: 10%
  holdout_salt: reactivation-2024q2
period:
  start: 2024-04-01
  end: 2024-06-30
phases:
  - {id: prep, name: 预热期, start: 2024-04-01, end: 2024-04-15}
  - {id: run, name: 执行期, start: 2024-04-16, end: 2024-06-15}
  - {id: review, name: 复盘期, start: 2024-06-16, end: 2024-06-30}
team:
  - {id: mkt-mgr, name: 张经理, role: 市场部经理}
  - {id: cs, name: 赵客服, role: 客服专员}
tiers:
  - id: high
    name: 高价值客户
    share: 10%
    rule: "年消费 >= 150000"
    criteria: 年消费15万元以上
    needs: [专属关怀, 优先服务]
    strategy: 客户经理一对一邀约,赠专属礼品
  - id: mid
    name: 中价值客户
    share: 30%
    rule: "年消费 >= 50000"
    criteria: 年消费5万至15万元
    needs: [新品信息, 复购优惠]
    strategy: 社群打卡挑战,完成送马克杯
  - id: risk
    name: 风险客户
    share: 20%
    rule: "投诉次数 >= 2"
    criteria: 投诉2次及以上
    needs: [问题解决, 被重视]
    strategy: 客服先回访解决遗留问题,再邀请参加
  - id: potential
    name: 潜力客户
    share: 40%
    criteria: 其余沉睡客户
    needs: [重新认识品牌]
    strategy: 短信与社群广告触达
tasks:
  - {id: list, phase: prep, name: 客户分层与名单导出, owner: mkt-mgr, start: 2024-04-01, end: 2024-04-08}
  - {id: invite, phase: prep, name: 社群邀约与短信触达, owner: cs, start: 2024-04-09, end: 2024-04-15}
  - {id: challenge, phase: run, name: 30天挑战计划, owner: cs, start: 2024-04-16, end: 2024-05-15}
  - {id: followup, phase: run, name: 打卡客户回访, owner: cs, start: 2024-05-16, end: 2024-06-14}
  - {id: retro, phase: review, name: 活动复盘会, owner: mkt-mgr, start: 2024-06-17, end: 2024-06-28}
budget:
  cap: 60000
  lines:
    - {category: 推广费, item: 企业社群广告, amount: 2000}
    - category: 礼品费
      item: 打卡小礼品(马克杯)
      unit: 个
      unit_price: 20
      per_customer: {tiers: [mid], quantity: 1}
outcomes:
  checkins: {source: data/checkins.csv, key: 客户编号, date: 打卡日期}
  orders: {source: data/orders.csv, key: 客户编号, date: 下单日期}
  survey: {source: data/survey.xlsx, key: 客户编号, date: 提交日期}
measures:
  participants: {customers: checkins, during: period, label: 参与客户}
  repurchasers: {customers: orders, during: 30d after period, label: 复购客户}
  community_buyers:
    customers: orders
    during: 30d after period
    where: "渠道 = '社群'"
    label: 社群下单客户
  revenue: {sum: orders.金额, during: 30d after period}
  score: {mean: survey.评分, during: period}
kpis:
  - id: participation-rate
    dimension: 客户参与
    name: 目标客户参与率
    target: ">= 70%"
    formula: participants / customers
  - id: repurchase-rate
    dimension: 转化效果
    name: 活动后30天复购率
    target: ">= 13%"
    baseline: 8%
    formula: repurchasers / customers
    compare: holdout
  - id: revenue-per-customer
    dimension: 转化效果
    name: 活动后30天人均消费
    unit: 元/人
    target: ">= 100"
    formula: revenue / customers
    compare: holdout
  - id: satisfaction
    dimension: 客户反馈
    name: 满意度平均评分(5分制)
    target: ">= 4.5"
    formula: score
monitoring:
  - kpi: participation-rate
    when: "< 60%"
    respond_within: 48h
    action: 增加礼品吸引力、优化沟通话术
"""


@dataclass(frozen=True)
class Campaign:
    """What differs between the tests' plan and the example in ``plans/``."""

    plan_id: str = SALT
    title: str = "老客户唤醒月"
    status: str = "review"
    plan_file: str = "plan.yaml"
    data: str = "data"
    holdout: Decimal = HOLDOUT
    approved_by: str = ""  # the approval line of an approved plan

    def plan(self) -> str:
        """The plan's text: :data:`PLAN` with this campaign's id, title, status, holdout
        share and data folder, and its approval at the end."""
        text = (
            PLAN.replace(f"id: {SALT}\n", f"id: {self.plan_id}\n")
            .replace(f"holdout_salt: {SALT}\n", f"holdout_salt: {self.plan_id}\n")
            .replace("title: 老客户唤醒月\n", f"title: {self.title}\n")
            .replace("status: review\n", f"status: {self.status}\n")
            .replace("source: data/", f"source: {self.data}/")
            .replace(f"holdout: {HOLDOUT}%\n", f"holdout: {self.holdout}%\n")
        )
        return text + (f"approvals:\n  - {self.approved_by}\n" if self.approved_by else "")


#: The tests' campaign: ``plan.yaml`` and ``data/`` in a temporary folder.
TESTS = Campaign()

#: The example in ``plans/``: the seed's plan as a finished campaign, with outcome data.
EXAMPLE = Campaign(
    plan_id="winback-2024q2",
    title="沉睡客户召回月",
    status="approved",
    plan_file="winback-2024q2.yaml",
    data="data/winback-2024q2",
    holdout=Decimal(20),
    approved_by="{role: 市场部经理, person: mkt-mgr, date: 2024-03-28}",
)
EXAMPLE_CUSTOMERS = 2000


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def generate(
    folder: Path, customers: int = 4000, seed: int = SEED, campaign: Campaign = TESTS
) -> None:
    """Write the plan and its data into ``folder``."""
    rng = random.Random(seed)
    data = folder / campaign.data
    data.mkdir(parents=True, exist_ok=True)
    (folder / campaign.plan_file).write_text(campaign.plan(), encoding="utf-8")
    people, checkins, orders, survey = [], [], [], []
    after = (PERIOD[1] + dt.timedelta(days=1), PERIOD[1] + dt.timedelta(days=30))
    for i in range(1, customers + 1):
        key = f"C{i:06d}"
        spend = rng.choice(
            [rng.randrange(150_000, 400_000)] * 1
            + [rng.randrange(50_000, 150_000)] * 3
            + [rng.randrange(5_000, 50_000)] * 6
        )
        complaints = rng.choice([0, 0, 0, 1, 2, 3])
        recent = rng.random() < 0.05  # bought lately: out of scope
        last = (
            _day(rng, dt.date(2024, 1, 15), dt.date(2024, 3, 31))
            if recent
            else _day(rng, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
        )
        people.append([key, f"客户{i}", spend, complaints, last.isoformat()])
        held = held_out(campaign.plan_id, key, campaign.holdout)
        if not held and rng.random() < PARTICIPATION:
            for _ in range(rng.randrange(1, 4)):  # several check-ins count once
                checkins.append(
                    [key, _day(rng, dt.date(2024, 4, 16), dt.date(2024, 4, 30)).isoformat()]
                )
            if rng.random() < 0.5:
                survey.append(
                    [
                        key,
                        _day(rng, dt.date(2024, 5, 6), dt.date(2024, 5, 10)),
                        rng.choice([3, 4, 4, 5, 5]),
                    ]
                )
        if rng.random() < (HOLDOUT_RATE if held else TREATED_RATE):
            for _ in range(rng.randrange(1, 3)):
                amount = Decimal(rng.randrange(5_000, 150_000)) / 100
                channel = rng.choice(["社群", "门店", "电话"])
                orders.append([key, _day(rng, *after).isoformat(), f"{amount}", channel])
        if rng.random() < 0.05:  # an order outside every window
            orders.append(
                [
                    key,
                    _day(rng, dt.date(2024, 1, 1), dt.date(2024, 3, 1)).isoformat(),
                    "88.00",
                    "门店",
                ]
            )
    for j in range(25):  # keys the CRM does not know
        orders.append([f"X{j:05d}", after[0].isoformat(), "10.00", "门店"])
        checkins.append([f"X{j:05d}", "2024-04-20"])
    rng.shuffle(orders)
    _csv(
        data / "customers.csv",
        ["客户编号", "客户名称", "年消费", "投诉次数", "最近消费日期"],
        people,
    )
    _csv(data / "checkins.csv", ["客户编号", "打卡日期"], checkins)
    _csv(data / "orders.csv", ["客户编号", "下单日期", "金额", "渠道"], orders, "gbk")
    _xlsx(data / "survey.xlsx", ["客户编号", "提交日期", "评分"], survey)


def _csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2024, 7, 1)})
    sheet = wb.add_worksheet("问卷")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, (key, day, score) in enumerate(rows, 1):
        sheet.write_string(r, 0, key)
        sheet.write_datetime(r, 1, dt.datetime.combine(day, dt.time()), fmt)
        sheet.write_number(r, 2, score)
    wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--customers", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--example", action="store_true", help="rewrite the example in plans/")
    args = parser.parse_args()
    if args.example:
        generate(ROOT / "plans", EXAMPLE_CUSTOMERS, SEED, EXAMPLE)
    elif args.folder:
        generate(args.folder, args.customers, args.seed)
    else:
        parser.error("give a FOLDER or --example")


if __name__ == "__main__":
    main()
