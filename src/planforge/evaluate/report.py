"""The evaluation as JSON (pinned keys) and as a text report in the plan's language.

JSON: rates are fractions (0.1395), money and amounts are numbers; the only
contents are aggregates, never a customer's key or row.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from planforge.messages import Message, msg
from planforge.model import KPI, Lift, Monitor, Plan

#: Places kept for a number in the JSON.
PLACES = 6


def _num(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int) or value == value.to_integral_value():
        return int(value)
    return round(float(value), PLACES)


def _value(kpi: KPI) -> float | int | None:
    """The KPI's value: a fraction for a percentage, else the number."""
    if kpi.value is None:
        return None
    return _num(kpi.value.value / 100 if kpi.value.percent else kpi.value.value)


def respond_by(mon: Monitor, as_of: dt.date) -> dt.date | None:
    """``as_of`` plus the response time, in whole days (``48h``: two days later)."""
    if mon.respond_within_hours is None:
        return None
    days = math.ceil(mon.respond_within_hours / 24)
    return as_of + dt.timedelta(days=days)


def _lift(lift: Lift | None) -> dict[str, Any] | None:
    if lift is None:
        return None
    return {
        "kind": lift.kind,
        "treated": _num(lift.treated),
        "holdout": _num(lift.holdout),
        "difference": _num(lift.difference),
        "ci_low": _num(lift.ci_low),
        "ci_high": _num(lift.ci_high),
        "p_value": None if lift.p_value is None else round(lift.p_value, PLACES),
        "significant": lift.significant,
    }


def to_json(plan: Plan) -> dict[str, Any]:
    """The evaluation with the pinned keys: groups, measures, kpis, monitoring, ignored."""
    ev = plan.evaluation
    assert ev is not None
    return {
        "plan": plan.id,
        "as_of": ev.as_of.isoformat(),
        "groups": {"treated": ev.treated, "holdout": ev.holdout},
        "measures": {
            name: {g: _num(v) for g, v in values.items()} for name, values in ev.measures.items()
        },
        "kpis": {
            kpi.id: {
                "actual": _value(kpi),
                "target": str(kpi.target) if kpi.target else None,
                "status": kpi.status,
                "lift": _lift(kpi.lift),
            }
            for kpi in plan.kpis
            if kpi.id
        },
        "monitoring": [
            {
                "kpi": mon.kpi,
                "when": str(mon.when) if mon.when else None,
                "value": _value(kpi) if (kpi := _kpi(plan, mon.kpi)) else None,
                "triggered": bool(mon.triggered),
                "respond_by": (d.isoformat() if (d := respond_by(mon, ev.as_of)) else None),
            }
            for mon in plan.monitoring
        ],
        "ignored": ev.ignored,
        "tiers": tier_rows(plan),
    }


def _kpi(plan: Plan, kpi_id: str | None) -> KPI | None:
    return next((k for k in plan.kpis if k.id == kpi_id), None)


def tier_rows(plan: Plan) -> list[dict[str, Any]]:
    """Per tier (treated customers): each customers-measure's count and rate, sorted by the
    first one's rate, lowest first; the lowest is flagged."""
    ev = plan.evaluation
    assert ev is not None
    counted = [
        m.name
        for m in plan.measure_specs.values()
        if m.kind == "customers" and ev.measures.get(m.name, {}).get("treated") is not None
    ]
    names = {t.id: t.name or t.id for t in plan.tiers if t.id}
    rows = []
    for tier_id, figures in ev.tiers.items():
        n = figures.get("customers", 0)
        row: dict[str, Any] = {"tier": tier_id, "name": names.get(tier_id), "customers": n}
        for m in counted:
            row[m] = {"customers": figures.get(m, 0), "rate": _num(_rate(figures.get(m, 0), n))}
        rows.append(row)
    if counted:
        first = counted[0]
        rows.sort(key=lambda r: (r[first]["rate"] is None, r[first]["rate"] or 0, r["tier"]))
        for i, row in enumerate(rows):
            row["lowest"] = i == 0 and row[first]["rate"] is not None
    return rows


def measure_label(plan: Plan, name: str) -> str:
    """How a measure is headed for readers: its `label`, else its id."""
    spec = plan.measure_specs.get(name)
    return (spec.label if spec else None) or name


def _rate(count: int, n: int) -> Decimal | None:
    return (Decimal(count) / n).quantize(Decimal("0.000001")) if n else None


# --- the text report ---------------------------------------------------------------


def _pct(value: float | int | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:+.2f}" if signed else f"{value * 100:.2f}"
    return text + "%"


def figure(value: float | int | None, percent: bool) -> str:
    """A figure as the report and the review print it: a percentage or a number, with two
    decimals either way (172.70 beside its holdout's 81.07, not 172.7); "—" for none."""
    if value is None or percent:
        return _pct(value)
    return f"{value:,.2f}"


def _shown(kpi: KPI, value: float | int | None) -> str:
    if value is None:
        return msg("pending")
    percent = bool(kpi.value is not None and kpi.value.percent)
    return figure(value, percent) + ("" if percent or not kpi.unit else f" {kpi.unit}")


def text(plan: Plan, lang: str | None = None) -> str:
    """A readable report in ``lang`` (default: the plan's language)."""
    from planforge.present.labels import labels

    lang = lang or plan.locale or "en"
    words = labels(lang if lang in ("zh-CN", "en") else "en")
    data = to_json(plan)
    ev = plan.evaluation
    assert ev is not None
    out: list[str] = []

    def say(message: Message) -> None:
        out.append(message.localize(lang))

    say(
        msg(
            "Evaluation of {title}, as of {as_of}",
            title=plan.title or plan.id or "",
            as_of=ev.as_of,
        )
    )
    share = plan.segmentation.holdout if plan.segmentation else None
    say(
        msg(
            "Groups: {treated} customers treated, {holdout} held out ({share}%)",
            treated=f"{ev.treated:,}",
            holdout=f"{ev.holdout:,}",
            share=f"{share.normalize():f}" if share is not None else "0",
        )
    )
    out.append("")
    say(msg("KPIs"))
    for kpi in plan.kpis:
        entry = data["kpis"].get(kpi.id or "", {})
        status = words.get(f"kpi.{kpi.status}", kpi.status or "")
        say(
            msg(
                "  {name}: {value} (target {target}) {status}",
                name=kpi.name or kpi.id or "",
                value=_shown(kpi, entry.get("actual")),
                target=str(kpi.target) if kpi.target else "—",
                status=status,
            )
        )
        if kpi.lift is not None:
            say(_lift_line(kpi, lang))
    if plan.monitoring:
        out.append("")
        say(msg("Monitoring"))
        for mon, row in zip(plan.monitoring, data["monitoring"], strict=True):
            kpi = _kpi(plan, mon.kpi)
            shown = _shown(kpi, row["value"]) if kpi else "—"
            if row["triggered"]:
                say(
                    msg(
                        "  TRIGGERED {kpi} {when}: now {value}; respond by {date}: {action}",
                        kpi=(kpi.name if kpi else None) or mon.kpi or "",
                        when=row["when"] or "",
                        value=shown,
                        date=row["respond_by"] or "—",
                        action=mon.action or "",
                    )
                )
            else:
                say(
                    msg(
                        "  {kpi} {when}: now {value}, not triggered",
                        kpi=(kpi.name if kpi else None) or mon.kpi or "",
                        when=row["when"] or "",
                        value=shown,
                    )
                )
    counted = [k for k in (data["tiers"] or [{}])[0] if isinstance(data["tiers"][0][k], dict)]
    if data["tiers"] and counted:
        out.append("")
        say(
            msg(
                "Per tier (treated customers), lowest {measure} rate first",
                measure=measure_label(plan, counted[0]),
            )
        )
        sep = "，" if lang == "zh-CN" else ", "
        for row in data["tiers"]:
            rates = sep.join(
                msg(
                    "{measure} {count} ({rate})",
                    measure=measure_label(plan, m),
                    count=f"{row[m]['customers']:,}",
                    rate=_pct(row[m]["rate"]),
                ).localize(lang)
                for m in counted
            )
            flag = msg("  ← lowest").localize(lang) if row.get("lowest") else ""
            line = msg(
                "  {tier}: {customers}; {rates}",
                tier=row["name"],
                customers=f"{row['customers']:,}",
                rates=rates,
            )
            out.append(line.localize(lang) + flag)
    if ev.ignored:
        out.append("")
        say(msg("Rows not counted"))
        for source, counts in ev.ignored.items():
            say(
                msg(
                    "  {source}: {unknown} with a key not in the customer data,"
                    " {out} of out-of-scope customers, {outside} outside every window",
                    source=source,
                    unknown=f"{counts['unknown_key']:,}",
                    out=f"{counts['out_of_scope']:,}",
                    outside=f"{counts['outside_window']:,}",
                )
            )
            if counts["after_as_of"]:
                say(
                    msg(
                        "    and {late} dated after {as_of}, the evaluation's as-of date",
                        late=f"{counts['after_as_of']:,}",
                        as_of=ev.as_of.isoformat(),
                    )
                )
    return "\n".join(out) + "\n"


def lift_sentence(kpi: KPI, lang: str | None) -> str:
    """The lift in one sentence for the evaluation form ("" without one): the holdout's
    figure, the lift with its 95% CI, and plainly whether it is significant."""
    if kpi.lift is None:
        return ""
    return _lift_line(kpi, lang or "en").localize(lang).strip()


def lift_unit(kpi: KPI) -> str:
    """The unit an amount's lift is in (`` 元/人``); a rate's lift is in points, none."""
    lift = kpi.lift
    return f" {kpi.unit}" if kpi.unit and lift is not None and lift.kind != "proportion" else ""


def _lift_line(kpi: KPI, lang: str) -> Message:
    lift = kpi.lift
    assert lift is not None
    if lift.kind == "proportion":
        fmt = lambda v: _pct(_num(v))  # noqa: E731
        diff = lambda v: msg("{value} pp", value=f"{float(v) * 100:+.2f}").localize(lang)  # noqa: E731
    else:
        fmt = lambda v: f"{float(v):,.2f}"  # noqa: E731
        diff = lambda v: f"{float(v):+,.2f}"  # noqa: E731
    unit = lift_unit(kpi)
    low = diff(lift.ci_low) if lift.ci_low is not None else "—"
    high = diff(lift.ci_high) if lift.ci_high is not None else "—"
    if lift.p_value is None:
        p = "= —"
    else:
        p = "< 0.001" if lift.p_value < 0.001 else f"= {lift.p_value:.3f}"
    verdict = (
        msg("significant: the campaign made a difference")
        if lift.significant
        else msg("not significant: the difference may be chance")
    )
    return msg(
        "    holdout {holdout}, lift {difference} (95% CI {low} to {high}), p {p}: {verdict}",
        holdout=fmt(lift.holdout) + unit,
        difference=diff(lift.difference) + unit,
        low=low,
        high=high,
        p=p,
        verdict=verdict,
    )
