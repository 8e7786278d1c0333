"""The segmentation stage of resolve: header checks always, tier counts when the data is read.

Codes of the problems found here (reported by :mod:`planforge.rules.segment`):
PF502 source unreadable, PF503 rule syntax, PF504 forbidden in a rule, PF505 unknown
column in a rule, PF506 unknown key/name/show column, PF515 rule that does not fit
the data's types.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planforge.confined import allowed, nameable, outside_message, short_name
from planforge.dates import parse_date
from planforge.messages import msg
from planforge.model import Plan, RuleProblem, Segmentation
from planforge.quantities import parse_quantity
from planforge.segment.rules import ForbiddenError, Rule, RuleError, parse_rule, suggest
from planforge.segment.source import SourceError, header, modified
from planforge.source import Path

SEG: Path = ("segmentation",)
SHARE_PLACES = Decimal("0.1")
#: At most this many duplicate keys are named in PF507, each with at most this many rows.
DUPLICATES_SHOWN = 5
DUPLICATE_ROWS_SHOWN = 5


@dataclass
class Rules:
    """A plan's parsed rules: the scope, and one entry per tier (None: takes the rest)."""

    scope: Rule | None
    tiers: list[tuple[str, Rule | None]]


def resolve_segmentation(plan: Plan, raw: dict[str, Any], base: str, read_data: bool) -> None:
    """Fill ``plan.segmentation`` from the ``segmentation`` block (the header only; the
    rows are counted by :func:`planforge.segment.run.count`, when :func:`countable`)."""
    seg = Segmentation(SEG)
    plan.segmentation = seg
    seg.source = _text(raw.get("source"))
    seg.key = _text(raw.get("key"))
    seg.name = _text(raw.get("name"))
    seg.scope = _text(raw.get("scope"))
    seg.as_of = parse_date(raw.get("as_of")) or plan.period.start
    show = raw.get("show")
    seg.show_given = isinstance(show, list)
    seg.show = [s for s in show if isinstance(s, str)] if isinstance(show, list) else []
    tolerance = _text(raw.get("share_tolerance"))
    if tolerance:
        try:
            q = parse_quantity(tolerance)
            if q.percent:
                seg.share_tolerance = q.value
        except ValueError:
            pass
    rules = seg.rules = parse_rules(plan)
    if seg.source and nameable(seg.source):  # else the schema's PF104 says why
        seg.source_file = os.path.normpath(os.path.join(base, seg.source))
        try:
            if not allowed(seg.source_file, base):
                raise SourceError(outside_message(seg.source))
            seg.columns = header(seg.source_file)
            seg.modified = modified(seg.source_file)
        except SourceError as exc:
            seg.source_error = exc.args[0]
        except OSError as exc:
            seg.source_error = msg(
                "cannot read `{file}`: {error}", file=seg.source, error=exc.strerror or str(exc)
            )
    if seg.columns:
        _check_columns(plan, rules)
    if not seg.show_given:
        seg.show = default_show(seg, rules)


def countable(plan: Plan) -> bool:
    """True when the segmentation's data can be counted: its header was read and its
    rules fit it (:func:`planforge.segment.run.count` reads the rows)."""
    seg = plan.segmentation
    return bool(seg is not None and seg.columns and not seg.problems)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_rules(plan: Plan) -> Rules:
    """Parse the scope and the tier rules, recording each refusal as a located problem."""
    seg = plan.segmentation
    assert seg is not None
    scope = _parse(seg, (*SEG, "scope"), seg.scope) if seg.scope else None
    tiers = []
    for tier in plan.tiers:
        rule = _parse(seg, (*tier.path, "rule"), tier.rule) if tier.rule is not None else None
        tiers.append((tier.id or "?", rule))
    return Rules(scope, tiers)


def _parse(seg: Segmentation, path: Path, text: str) -> Rule | None:
    try:
        return parse_rule(text)
    except ForbiddenError as exc:
        seg.problems.append(RuleProblem(path, exc.args[0], exc.offset, "PF504"))
    except RuleError as exc:
        seg.problems.append(RuleProblem(path, exc.args[0], exc.offset, "PF503"))
    return None


def rule_paths(plan: Plan, rules: Rules) -> list[tuple[Path, Rule]]:
    out: list[tuple[Path, Rule]] = []
    if rules.scope:
        out.append(((*SEG, "scope"), rules.scope))
    for tier, (_, rule) in zip(plan.tiers, rules.tiers, strict=True):
        if rule:
            out.append(((*tier.path, "rule"), rule))
    return out


def _check_columns(plan: Plan, rules: Rules) -> None:
    seg = plan.segmentation
    assert seg is not None
    known = seg.columns
    listed = _listed(known)
    where = os.path.basename(seg.source or "")
    for path, rule in rule_paths(plan, rules):
        for ref in rule.columns:
            if ref.name not in known:
                seg.problems.append(
                    RuleProblem(path, _unknown(ref.name, known, where, listed), ref.offset, "PF505")
                )
    fields = [("key", seg.key), ("name", seg.name)]
    fields += [(("show", i), c) for i, c in enumerate(seg.show)]
    for field, name in fields:
        if name is not None and name not in known:
            path = (*SEG, *field) if isinstance(field, tuple) else (*SEG, field)
            seg.problems.append(RuleProblem(path, _unknown(name, known, where, listed), 0, "PF506"))


def _listed(known: list[str]) -> str:
    """The first columns of a header, each shortened (:func:`short_name`)."""
    return ", ".join(map(short_name, known[:12])) + (" …" if len(known) > 12 else "")


def _unknown(name: str, known: list[str], where: str, listed: str) -> str:
    close = suggest(name, known)
    if close:
        return msg(
            "`{file}` has no column `{name}`; did you mean `{close}`?",
            file=where,
            name=short_name(name),
            close=short_name(close),
        )
    return msg(
        "`{file}` has no column `{name}` (its columns: {listed})",
        file=where,
        name=short_name(name),
        listed=listed,
    )


def default_show(seg: Segmentation, rules: Rules) -> list[str]:
    """Without ``show``: the key, the name and the columns the rules use."""
    out = [c for c in (seg.key, seg.name) if c]
    for _, rule in rules.tiers:
        for ref in rule.columns if rule else ():
            if ref.name not in out:
                out.append(ref.name)
    return [c for c in out if not seg.columns or c in seg.columns]


def share(count: int, total: int) -> Decimal | None:
    """``count`` as a percentage of ``total``, to one decimal."""
    if not total:
        return None
    return (Decimal(count) * 100 / total).quantize(SHARE_PLACES, ROUND_HALF_UP)


def stale(seg: Segmentation) -> bool:
    """True when the source was written before the plan's reference date (数据滞后)."""
    return bool(seg.modified and seg.as_of and seg.modified < seg.as_of)


def unknown_column(name: str, known: list[str], file: str) -> str:
    """```file` has no column `name`; did you mean …?`` (or the file's columns)."""
    return _unknown(name, known, file, _listed(known))
