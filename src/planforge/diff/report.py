"""A diff for people (text, in the plan's locale) and for tools (JSON, format version 1)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from planforge import __version__
from planforge.diff.compare import Change, Diff
from planforge.present.formatting import date, money, target_text
from planforge.quantities import Quantity, Target

JSON_VERSION = 1
MONEY_FIELDS = {"amount", "unit_price", "actual", "cap", "total"}

_WORDS = {
    "en": {
        "areas": {
            "plan": "Plan",
            "period": "Period",
            "phases": "Phases",
            "tasks": "Tasks",
            "budget": "Budget",
            "kpis": "KPIs",
            "tiers": "Tiers",
            "scope": "Scope and objective",
        },
        "added": "added",
        "removed": "removed",
        "reassigned": "reassigned from {old} to {new}",
        "later": "{n} working days later",
        "earlier": "{n} working days earlier",
        "later1": "1 working day later",
        "earlier1": "1 working day earlier",
        "same": "same working day",
        "moved": "{field} {old} → {new} ({how}, {days:+d} days)",
        "target": "target {kind} from {old} to {new}",
        "easier": "easier to meet",
        "harder": "harder to meet",
        "kinds": {
            "raised": "raised",
            "lowered": "lowered",
            "changed": "changed",
            "widened": "widened",
            "narrowed": "narrowed",
        },
        "total": "total {old} → {new} ({delta})",
        "cap_over": "over the cap of {cap} by {over}",
        "cap_under": "{left} left under the cap of {cap}",
        "no_cap": "no cap",
        "none": "no changes",
        "gates": "gates: {names}",
        "span": "moved {how}: {old} → {new} ({days:+d} days)",
        "paren": " ({text})",
        "fields": {"unit_price": "unit price", "depends_on": "depends on"},
        "sep": "; ",
    },
    "zh-CN": {
        "areas": {
            "plan": "计划",
            "period": "活动周期",
            "phases": "阶段",
            "tasks": "任务",
            "budget": "预算",
            "kpis": "评估指标",
            "tiers": "客户分层",
            "scope": "范围与目标",
        },
        "added": "新增",
        "removed": "删除",
        "reassigned": "负责人由 {old} 改为 {new}",
        "later": "推迟 {n} 个工作日",
        "earlier": "提前 {n} 个工作日",
        "later1": "推迟 1 个工作日",
        "earlier1": "提前 1 个工作日",
        "same": "同一工作日",
        "moved": "{field} {old} → {new}（{how}，{days:+d} 天）",
        "target": "目标值{kind}：{old} → {new}",
        "easier": "更容易达成",
        "harder": "更难达成",
        "kinds": {
            "raised": "提高",
            "lowered": "降低",
            "changed": "修改",
            "widened": "放宽",
            "narrowed": "收窄",
        },
        "total": "合计 {old} → {new}（{delta}）",
        "cap_over": "超出上限（{cap}）{over}",
        "cap_under": "距上限 {cap} 还剩 {left}",
        "no_cap": "无上限",
        "none": "没有变化",
        "gates": "触发的门禁：{names}",
        "span": "{how}：{old} → {new}（{days:+d} 天）",
        "paren": "（{text}）",
        "fields": {
            "start": "开始",
            "end": "结束",
            "days": "天数",
            "status": "状态",
            "version": "版本",
            "title": "标题",
            "owner": "负责人",
            "currency": "币种",
            "segment": "目标客户",
            "customers": "客户数",
            "departments": "参与部门",
            "statement": "目标",
            "kpi": "衡量指标",
            "name": "名称",
            "phase": "阶段",
            "depends_on": "前置任务",
            "deliverable": "完成标准",
            "milestone": "里程碑",
            "category": "科目",
            "item": "明细",
            "quantity": "数量",
            "unit_price": "单价",
            "amount": "金额",
            "actual": "实际",
            "cap": "上限",
            "formula": "公式",
            "value": "数值",
            "share": "占比",
            "criteria": "分层依据",
            "rule": "分层规则",
            "strategy": "维护策略",
        },
        "sep": "；",
    },
}


def _plain(value: Any) -> Any:
    """A JSON value: decimals as strings, dates ISO, targets and quantities as written."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (Target, Quantity)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json(diff: Diff, old_label: str, new_label: str) -> str:
    """The diff as JSON (format version :data:`JSON_VERSION`, documented in docs/ci.en.md)."""
    b = diff.budget
    doc = {
        "version": JSON_VERSION,
        "tool": {"name": "planforge", "version": __version__},
        "old": {
            "source": old_label,
            "id": diff.old.id,
            "status": diff.old.status,
            "version": diff.old.version,
        },
        "new": {
            "source": new_label,
            "id": diff.new.id,
            "status": diff.new.status,
            "version": diff.new.version,
        },
        "budget": {
            "old_total": _plain(b.old_total),
            "new_total": _plain(b.new_total),
            "delta": _plain(b.delta),
            "old_cap": _plain(b.old_cap),
            "new_cap": _plain(b.new_cap),
            "remaining": _plain(b.remaining),
            "over_cap": b.over_cap,
        },
        "changes": [_change_json(c) for c in diff.changes],
        "gates": list(diff.gates),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _change_json(c: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"area": c.area, "kind": c.kind, "key": c.key}
    if c.name is not None:
        out["name"] = c.name
    out["fields"] = {k: {"old": _plain(a), "new": _plain(b)} for k, (a, b) in c.fields.items()}
    if c.shifts:
        out["shifts"] = {k: {"days": d, "working_days": w} for k, (d, w) in c.shifts.items()}
    if c.easier is not None:
        out["easier"] = c.easier
    out["gates"] = list(c.gates)
    return out


class _Text:
    def __init__(self, diff: Diff, locale: str) -> None:
        self.locale = locale if locale in _WORDS else "en"
        self.w = _WORDS[self.locale]
        self.currency = diff.new.currency or diff.old.currency or "CNY"
        self.people = {p.id: p.name or p.id for p in (*diff.old.team, *diff.new.team) if p.id}

    def value(self, name: str, value: Any) -> str:
        if value is None:
            return "—"
        if name in MONEY_FIELDS and isinstance(value, Decimal):
            return money(value, self.currency, self.locale)
        if isinstance(value, dt.date):
            return date(value, self.locale)
        if isinstance(value, Target):
            return target_text(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or "—"
        return str(value)

    def signed(self, value: Decimal) -> str:
        text = money(abs(value), self.currency, self.locale)
        return ("+" if value >= 0 else "-") + text

    def how(self, working: int) -> str:
        if working == 0:
            return self.w["same"]
        if abs(working) == 1:
            return self.w["later1" if working > 0 else "earlier1"]
        return self.w["later" if working > 0 else "earlier"].format(n=abs(working))

    def describe(self, c: Change) -> str:
        w = self.w
        title = f"`{c.key}`" + (f" {c.name}" if c.name and c.name not in c.key else "")
        if c.kind in ("added", "removed"):
            values = {k: v[1] if c.kind == "added" else v[0] for k, v in c.fields.items()}
            detail = [self.value(k, v) for k, v in values.items() if k not in ("start", "end")]
            if values.get("start") or values.get("end"):
                first, last = (
                    self.value("start", values.get("start")),
                    self.value("end", values.get("end")),
                )
                detail.insert(0, f"{first} – {last}")
            detail = [d for d in detail if d != "—"]
            sign = "+" if c.kind == "added" else "-"
            listed = w["paren"].format(text=", ".join(detail)) if detail else ""
            return f"{sign} {title}: {w[c.kind]}{listed}"
        parts = []
        fields = dict(c.fields)
        start, end = c.shifts.get("start"), c.shifts.get("end")
        if start is not None and start == end:  # the whole span moved
            (a0, b0), (a1, b1) = fields.pop("start"), fields.pop("end")
            parts.append(
                w["span"].format(
                    how=self.how(start[1]),
                    old=f"{self.value('start', a0)} – {self.value('end', a1)}",
                    new=f"{self.value('start', b0)} – {self.value('end', b1)}",
                    days=start[0],
                )
            )
        for name, (a, b) in fields.items():
            if name in c.shifts:
                days, working = c.shifts[name]
                label = w["fields"].get(name, name)
                parts.append(
                    w["moved"].format(
                        field=label,
                        old=self.value(name, a),
                        new=self.value(name, b),
                        how=self.how(working),
                        days=days,
                    )
                )
            elif c.kind == "reassigned":
                parts.append(
                    w["reassigned"].format(old=self.people.get(a, a), new=self.people.get(b, b))
                )
            elif name == "target" and c.kind in w["kinds"]:
                text = w["target"].format(
                    kind=w["kinds"][c.kind], old=self.value(name, a), new=self.value(name, b)
                )
                if c.easier is not None:
                    text += w["paren"].format(text=w["easier"] if c.easier else w["harder"])
                parts.append(text)
            else:
                delta = ""
                if name in MONEY_FIELDS and isinstance(a, Decimal) and isinstance(b, Decimal):
                    delta = w["paren"].format(text=self.signed(b - a))
                label = w["fields"].get(name, name)
                parts.append(f"{label} {self.value(name, a)} → {self.value(name, b)}{delta}")
        return f"~ {title}: " + w["sep"].join(parts)

    def budget_line(self, diff: Diff) -> str | None:
        b, w = diff.budget, self.w
        if b.old_total == b.new_total and b.old_cap == b.new_cap:
            return None
        text = w["total"].format(
            old=self.value("total", b.old_total),
            new=self.value("total", b.new_total),
            delta=self.signed(b.delta) if b.delta is not None else "—",
        )
        if b.remaining is None:
            return f"{text}{w['sep']}{w['no_cap']}"
        cap = self.value("cap", b.new_cap)
        if b.over_cap:
            return f"{text}{w['sep']}" + w["cap_over"].format(
                cap=cap, over=self.value("total", -b.remaining)
            )
        return f"{text}{w['sep']}" + w["cap_under"].format(
            cap=cap, left=self.value("total", b.remaining)
        )


def groups(diff: Diff, locale: str | None = None) -> list[tuple[str, list[str]]]:
    """The changes as (area heading, lines) in the plan's locale; the budget's total first."""
    t = _Text(diff, locale or diff.new.locale or diff.old.locale or "zh-CN")
    areas: dict[str, list[Change]] = {}
    for c in diff.changes:
        areas.setdefault(c.area, []).append(c)
    out = []
    for area, changes in areas.items():
        lines = [t.describe(c) for c in changes]
        summary = t.budget_line(diff) if area == "budget" else None
        out.append((t.w["areas"][area], [summary, *lines] if summary else lines))
    return out


def phrase(key: str, locale: str) -> str:
    """One of the report's fixed phrases (``none``) in ``locale``."""
    return _WORDS.get(locale, _WORDS["en"])[key]


def to_text(diff: Diff, old_label: str, new_label: str, locale: str | None = None) -> str:
    """The diff for people, grouped by area, money and dates in the plan's locale."""
    locale = locale or diff.new.locale or diff.old.locale or "zh-CN"
    lines = [f"{old_label} → {new_label}"]
    if not diff.changes:
        lines.append(phrase("none", locale))
        return "\n".join(lines) + "\n"
    for heading, items in groups(diff, locale):
        lines += ["", heading, *(f"  {item}" for item in items)]
    if diff.gates:
        lines += ["", phrase("gates", locale).format(names=", ".join(diff.gates))]
    return "\n".join(lines) + "\n"
