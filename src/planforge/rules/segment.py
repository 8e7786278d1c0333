"""PF502–PF529: tiers from customer data (the ``segmentation`` block and tier rules).

These rules only read what resolve recorded in ``plan.segmentation``; they never
import the data engine, so ``validate`` stays light for plans without data.
"""

from __future__ import annotations

from collections.abc import Iterator

from planforge.confined import short_name
from planforge.diagnostics import Severity, Suggestion
from planforge.messages import join, msg
from planforge.model import Plan, Segmentation
from planforge.rules.base import Finding, rule
from planforge.rules.common import label

SEG = ("segmentation",)


def _problems(plan: Plan, code: str) -> Iterator[Finding]:
    seg = plan.segmentation
    if seg is None:
        return
    for p in seg.problems:
        if p.code == code:
            yield Finding(p.path, p.message, offset=p.offset)


@rule("PF502", "source-unreadable")
def source_unreadable(plan: Plan) -> Iterator[Finding]:
    """The segmentation source cannot be read.

    What it checks: `segmentation.source` names an existing CSV (UTF-8 or
    GBK/GB18030), XLSX or Parquet file, relative to the plan, with a header row,
    inside the plan's folder (or a folder below it), symlinks resolved.

    Why it matters: without the customer data no tier can be counted and no
    tier list can be written; planforge writes nothing rather than a stale list.
    A source outside the plan's folder (`../`, an absolute path, a symlink to
    `/proc/self/environ`) is never read: a plan under review could otherwise
    copy any file of the machine checking it into the report.

    Example fix:
        # before
        source: data/customer.csv
        # after: the file the CRM export was saved as
        source: data/customers.csv
    """
    seg = plan.segmentation
    if seg is None:
        return
    if seg.source_error:
        yield Finding((*SEG, "source"), seg.source_error)
    elif seg.data_error and seg.data_error_path == (*SEG, "source"):
        yield Finding((*SEG, "source"), seg.data_error)


@rule("PF503", "rule-syntax")
def rule_syntax(plan: Plan) -> Iterator[Finding]:
    """A tier rule or the scope is not a readable SQL condition.

    What it checks: `rule` and `segmentation.scope` are one SQL boolean
    expression: comparisons, AND/OR/NOT, IN, BETWEEN, IS NULL, LIKE, + - * /,
    numbers, 'text', DATE '2024-01-01' and days_since(column). The error points
    at the column inside the rule.

    Why it matters: a rule that cannot be read puts no customer in the tier.

    Example fix:
        # before
        rule: "年消费 >= AND 合作年限 >= 3"
        # after
        rule: "年消费 >= 150000 AND 合作年限 >= 3"
    """
    yield from _problems(plan, "PF503")


@rule("PF504", "rule-forbidden")
def rule_forbidden(plan: Plan) -> Iterator[Finding]:
    """A tier rule uses something rules may not: a function, a subquery, a statement.

    What it checks: every part of a rule is on the allow-list; the only
    function is days_since(column). Rules are parsed by a SQL parser and checked,
    never run as SQL text.

    Why it matters: rules run on customer data, here and in a warehouse; a
    subquery or an arbitrary function could read other tables or behave
    differently from engine to engine.

    Example fix:
        # before
        rule: "UPPER(所在城市) = '上海'"
        # after
        rule: "所在城市 = '上海'"
    """
    yield from _problems(plan, "PF504")


@rule("PF505", "rule-unknown-column")
def rule_unknown_column(plan: Plan) -> Iterator[Finding]:
    """A tier rule or the scope names a column the source does not have.

    What it checks: every column in a rule is in the source's header (only the
    header is read); the message suggests the closest column.

    Why it matters: the CRM export's column names are the contract; a renamed
    or misspelt column would silently put nobody in the tier.

    Example fix:
        # before
        rule: "年消费额 >= 150000"
        # after
        rule: "年消费 >= 150000"
    """
    yield from _problems(plan, "PF505")


@rule("PF506", "unknown-column")
def unknown_column(plan: Plan) -> Iterator[Finding]:
    """`key`, `name` or a `show` column is not in the source.

    What it checks: the key column, the name column and every `show` column are
    in the source's header.

    Why it matters: the tier list is keyed and labelled by these columns.

    Example fix:
        # before
        key: 客户ID
        # after
        key: 客户编号
    """
    yield from _problems(plan, "PF506")


@rule("PF507", "duplicate-keys")
def duplicate_keys(plan: Plan) -> Iterator[Finding]:
    """The key column has the same value on several rows of the data.

    What it checks: (when the data is read: `segment`, `export`, `render`,
    `validate --data`) each value of the key column appears once. The message
    names the rows (row 1 is the header): for the first 5 keys, their first 5
    rows and how many rows hold each, then how many more keys repeat.

    Why it matters: a customer exported twice is counted twice and would get
    two vouchers.

    Example fix:
        # remove the duplicate rows from the export, or pick a unique key
        key: 客户编号
    """
    seg = plan.segmentation
    if seg is None or not seg.duplicates:
        return
    shown = join([_repeated_key(k, rows, n) for k, rows, n in seg.duplicates], "; ")
    more = seg.duplicate_keys - len(seg.duplicates)
    if more > 0:
        shown = join([shown, msg("{count} more keys", count=f"{more:,}")], "; ")
    yield Finding(
        (*SEG, "key"),
        msg(
            "the key `{key}` is not unique in `{source}`: {shown}",
            key=seg.key,
            source=seg.source,
            shown=shown,
        ),
        fix=Suggestion(msg("remove the duplicate rows from the source")),
    )


def _repeated_key(key: str, rows: list[int], count: int) -> str:
    """One repeated key in PF507: its first rows, and how many rows in all (bounded)."""
    listed = ", ".join(map(str, rows))
    if count <= len(rows):
        return msg("`{key}` on rows {rows}", key=short_name(key), rows=listed)
    return msg(
        "`{key}` on {count} rows ({rows}, ...)",
        key=short_name(key),
        count=f"{count:,}",
        rows=listed,
    )


@rule("PF508", "empty-source")
def empty_source(plan: Plan) -> Iterator[Finding]:
    """The segmentation source has a header but no customers.

    What it checks: (when the data is read) the source has at least one row.

    Why it matters: an empty export usually means the CRM filter or the export
    failed; every tier would count 0 customers.

    Example fix:
        # export the customer list again, with rows
        source: data/customers.csv
    """
    seg = plan.segmentation
    if seg is not None and seg.read and seg.rows == 0:
        yield Finding(
            (*SEG, "source"),
            msg("`{source}` has a header but no customer rows", source=seg.source),
            fix=Suggestion(msg("export the customer list again, with its rows")),
        )


@rule("PF509", "share-off", Severity.WARNING)
def share_off(plan: Plan) -> Iterator[Finding]:
    """A tier's actual share of the data is far from its planned `share`.

    What it checks: (when the data is read) the share of in-scope customers a
    tier's rule selects is within `segmentation.share_tolerance` (default 5
    percentage points) of its planned `share`.

    Why it matters: budget and staffing were planned on the share; if the data
    says 25% instead of 10%, the plan needs another look.

    Example fix:
        # before (the data puts 25% of the customers in this tier)
        share: 10%
        # after
        share: 25%
    """
    seg = plan.segmentation
    if seg is None or not seg.read:
        return
    for tier in plan.tiers:
        if tier.share is None or tier.actual_share is None:
            continue
        gap = abs(tier.actual_share - tier.share.value)
        if gap > seg.share_tolerance:
            yield Finding(
                (*tier.path, "share"),
                msg(
                    "{tier} is planned at {share} but the data gives {actual}% ({count} of"
                    " {customers} customers), {gap} points off (tolerance {tolerance})",
                    tier=label(tier, "tier"),
                    share=str(tier.share),
                    actual=tier.actual_share,
                    count=tier.customers,
                    customers=seg.customers,
                    gap=gap,
                    tolerance=seg.share_tolerance,
                ),
                fix=Suggestion(
                    msg("write `share: {actual}%`, or change the rule", actual=tier.actual_share),
                    f"{tier.actual_share}%",
                ),
            )


@rule("PF510", "customers-disagree", Severity.WARNING)
def customers_disagree(plan: Plan) -> Iterator[Finding]:
    """`scope.customers` written in the plan disagrees with the data.

    What it checks: (when the data is read) a hand-written `scope.customers`
    equals the number of in-scope customers in the source.

    Why it matters: with a segmentation the data counts the customers; a stale
    hand-written number misleads whoever reads the YAML.

    Example fix:
        # before (the data has 31 customers in scope)
        customers: 200
        # after: leave it out, the data gives it
        segment: 中价值客户
    """
    seg = plan.segmentation
    declared = plan.scope.declared_customers
    if seg is None or not seg.read or declared is None or declared == seg.customers:
        return
    yield Finding(
        (*plan.scope.path, "customers"),
        msg(
            "`scope.customers` says {declared} but `{source}` has {customers} customers in scope",
            declared=declared,
            source=seg.source,
            customers=seg.customers,
        ),
        fix=Suggestion(
            msg(
                "remove `customers` (the data gives it) or write {customers}",
                customers=seg.customers,
            ),
            str(seg.customers),
        ),
    )


@rule("PF511", "data-stale", Severity.WARNING)
def data_stale(plan: Plan) -> Iterator[Finding]:
    """The customer data is older than the plan's reference date (数据滞后).

    What it checks: the source file was last written on or after
    `segmentation.as_of` (default `period.start`).

    Why it matters: tiers must rest on current data; an export from before the
    reference date misses recent purchases and complaints, and customers land
    in the wrong tier.

    Example fix:
        # export the customer list again from the CRM, then
        planforge segment plans/x.yaml
    """
    seg = plan.segmentation
    if seg is None or seg.modified is None or seg.as_of is None or seg.modified >= seg.as_of:
        return
    yield Finding(
        (*SEG, "source"),
        msg(
            "数据滞后: `{source}` was written on {modified}, before the plan's as_of date {as_of}",
            source=seg.source,
            modified=seg.modified,
            as_of=seg.as_of,
        ),
        fix=Suggestion(msg("export the customer list again")),
    )


@rule("PF512", "unassigned", Severity.WARNING)
def unassigned(plan: Plan) -> Iterator[Finding]:
    """Some in-scope customers match no tier's rule.

    What it checks: (when the data is read) every in-scope customer lands in a
    tier. Tiers are tried in order; a last tier without a `rule` takes the rest.

    Why it matters: unassigned customers get no treatment at all.

    Example fix:
        # add a last tier without a rule
        - {id: other, name: 其他客户, share: 10%}
    """
    seg = plan.segmentation
    if seg is None or not seg.read or not seg.unassigned:
        return
    yield Finding(
        ("tiers",),
        msg(
            "{unassigned} of {customers} customers in scope match no tier's rule",
            unassigned=seg.unassigned,
            customers=seg.customers,
        ),
        at_key=True,
        fix=Suggestion(msg("widen a rule, or add a last tier without `rule`")),
    )


@rule("PF513", "rule-without-data", Severity.WARNING)
def rule_without_data(plan: Plan) -> Iterator[Finding]:
    """A tier has a `rule` but the plan has no `segmentation` to apply it to.

    What it checks: a plan with tier rules has a `segmentation` block naming
    the customer data.

    Why it matters: without a source the rule is never applied; counts still
    come from `share × scope.customers`.

    Example fix:
        segmentation:
          source: data/customers.csv
          key: 客户编号
    """
    if plan.segmentation is not None:
        return
    for tier in plan.tiers:
        if tier.rule is not None:
            yield Finding(
                (*tier.path, "rule"),
                msg(
                    "{tier} has a rule but the plan has no `segmentation` block",
                    tier=label(tier, "tier"),
                ),
                fix=Suggestion(msg("add a `segmentation` block naming the customer data")),
            )


@rule("PF514", "unreachable-tier")
def unreachable_tier(plan: Plan) -> Iterator[Finding]:
    """A tier comes after a tier without a rule, so it can never get a customer.

    What it checks: with a `segmentation`, a tier without `rule` (which takes
    every remaining customer) is the last tier.

    Why it matters: tiers are tried in order and the first match wins; tiers
    after a catch-all stay empty.

    Example fix:
        # move the tier without a rule to the end of `tiers`
    """
    if plan.segmentation is None:
        return
    rest = None
    for tier in plan.tiers:
        if rest is not None:
            yield Finding(
                (*tier.path, "id"),
                msg(
                    "{tier} comes after {rest}, which has no rule and takes every remaining"
                    " customer",
                    tier=label(tier, "tier"),
                    rest=label(rest, "tier"),
                ),
                fix=Suggestion(msg("move {rest} last", rest=label(rest, "tier"))),
            )
        elif tier.rule is None:
            rest = tier


@rule("PF515", "rule-data-mismatch")
def rule_data_mismatch(plan: Plan) -> Iterator[Finding]:
    """A tier rule does not fit the data's column types.

    What it checks: (when the data is read) a rule compares numbers with
    numbers, dates with dates and text with text, and days_since gets a date column.

    Why it matters: `年消费 >= 150000` on a column holding "15万" compares
    text with a number; no engine agrees on what that means.

    Example fix:
        # before (the column 等级 holds text such as A, B)
        rule: "等级 = 1"
        # after
        rule: "等级 = 'A'"
    """
    seg: Segmentation | None = plan.segmentation
    if seg is None or not seg.data_error or seg.data_error_path == (*SEG, "source"):
        return
    yield Finding(seg.data_error_path, seg.data_error, offset=seg.data_error_offset)
