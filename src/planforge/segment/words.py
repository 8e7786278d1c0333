"""The words of the tier list, in the plan's language (``locale``; zh-CN by default).

The planning template is Chinese, so a zh-CN plan's tier list keeps its headings
(客户编号, 所属层级, 分层依据...); an English plan's says the same in English, and
joins lists with ``, `` instead of ``、``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    headers: tuple[str, ...]  # key, name, tier, why, needs, strategy
    summary_headers: tuple[str, ...]
    unassigned: str
    total: str
    list_sheet: str
    summary_sheet: str
    no_tier: str  # why, for a customer no tier rule matched
    rest: str  # why, for a tier without a rule (it takes the rest)
    sep: str  # between the items of a list
    title: str  # the workbook's title, {title}
    source: str
    as_of: str
    scope: str
    everyone: str  # the scope without a rule
    group: str
    treated: str
    held_out: str
    rows: str  # the terminal summary's first line


ZH = Words(
    headers=("客户编号", "客户名称", "所属层级", "分层依据", "核心需求", "维护策略建议"),
    summary_headers=("层级", "层级名称", "客户数", "实际占比", "计划占比", "偏差(百分点)"),
    unassigned="未分层",
    total="合计",
    list_sheet="客户分层清单",
    summary_sheet="分层汇总",
    no_tier="未匹配任何层级规则",
    rest="其余客户",
    sep="、",
    title="{title} 客户分层清单",
    source="数据来源",
    as_of="数据基准日",
    scope="范围规则",
    everyone="全部客户",
    group="组别",
    treated="活动组",
    held_out="对照组",
    rows="{file}：共 {rows} 行，范围内 {customers} 位客户（基准日 {as_of}）",
)

EN = Words(
    headers=("Customer ID", "Customer name", "Tier", "Why this tier", "Core needs", "Strategy"),
    summary_headers=(
        "Tier",
        "Tier name",
        "Customers",
        "Actual share",
        "Planned share",
        "Gap (pts)",
    ),
    unassigned="Unassigned",
    total="Total",
    list_sheet="Tier list",
    summary_sheet="Tier summary",
    no_tier="matched no tier rule",
    rest="all other customers",
    sep=", ",
    title="{title} tier list",
    source="Data source",
    as_of="As of",
    scope="Scope rule",
    everyone="all customers",
    group="Group",
    treated="Campaign",
    held_out="Holdout",
    rows="{file}: {rows} rows, {customers} in scope (as of {as_of})",
)


def words(locale: str | None) -> Words:
    """The tier list's words for a plan in ``locale``."""
    return EN if locale == "en" else ZH
