"""Property-based tests (hypothesis): mutations never crash the checks, budget totals
are exact sums, and every plan that validates also renders."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planforge.check import check_document
from planforge.loader import load_text
from planforge.render.document import RenderOptions, render_file
from planforge.resolve import resolve
from tests.conftest import PLANS

BASES = [load_text(p.read_text("utf-8")).data for p in sorted(PLANS.glob("*.yaml"))]
TEXTS = [p.read_text("utf-8") for p in sorted(PLANS.glob("*.yaml"))]


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))


def dump(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


def paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


#: Values just beyond planforge's bounds (issue #8's reproducers among them).
BEYOND = [
    Decimal("1e-999999"),
    Decimal("1e-24"),
    Decimal("1e400"),
    Decimal("15.3846153846153846153846153846"),
    "9999-12-31",
    "0001-01-01",
    "15.3846153846153846153846153846%",
    "(" * 40 + "a" + ")" * 40,
    "\x1b]0;pwned\x07\u202e",
    Decimal(3_000_000),
]

junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30).map(Decimal),
        st.decimals(allow_nan=True, allow_infinity=True, places=3),
        st.text(max_size=30),
        st.sampled_from(["2024-02-30", "2024-04-01", ">= 70%", "70%", "48h", "a..b", "<script>"]),
        st.sampled_from(BEYOND),
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(data)[1:]))
        parent = data
        for part in where[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        key = where[-1]
        if action == "replace":
            parent[key] = draw(junk)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        paths_ok = paths(data)
        if len(paths_ok) < 2:
            break
    return dump(data)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_plans_never_crash_validate(text: str) -> None:
    result = check_document(load_text(text, "mutant.yaml"), debug=True)
    assert all(d.code != "PF900" for d in result.diagnostics)
    assert all(d.line >= 1 and d.col >= 1 for d in result.diagnostics)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TEXTS), st.integers(0, 10**6), st.text(max_size=5), st.integers(0, 5))
def test_text_edits_never_crash_validate(text: str, where: int, insert: str, cut: int) -> None:
    at = where % (len(text) + 1)
    mutant = text[:at] + insert + text[at + cut :]
    result = check_document(load_text(mutant, "mutant.yaml"), debug=True)
    assert all(d.code != "PF900" for d in result.diagnostics)


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
qty = st.decimals(min_value=Decimal("0.001"), max_value=10**5, places=3, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.tuples(qty, money), money), min_size=1, max_size=40))
def test_budget_total_is_the_exact_sum_of_its_lines(lines: list) -> None:
    raw = [
        {"category": "c", "item": f"i{i}", "quantity": q[0], "unit_price": q[1]}
        if isinstance(q, tuple)
        else {"category": "c", "item": f"i{i}", "amount": q}
        for i, q in enumerate(lines)
    ]
    plan = resolve({"currency": "CNY", "budget": {"lines": raw}})
    expected = Decimal(0)
    for line in raw:
        if "amount" in line:
            expected += line["amount"]
        else:
            exact = line["quantity"] * line["unit_price"]
            expected += exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert plan.budget.total == expected
    assert plan.budget.total == sum((ln.amount for ln in plan.budget.lines), Decimal(0))
    assert plan.budget.categories[0].amount == plan.budget.total


@st.composite
def valid_variant(draw: st.DrawFn) -> str:
    """A plan from plans/ with harmless edits that keep it valid."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    data["title"] = draw(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
    task = draw(st.sampled_from(data["tasks"]))
    task["name"] = draw(st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
    kpi = draw(st.sampled_from(data["kpis"]))
    kpi["analysis"] = draw(st.text(min_size=1, max_size=80).filter(lambda s: s.strip()))
    return dump(data)


def _renders(tmp_path_factory, text: str, formats: tuple[str, ...]) -> None:
    folder = Path(tmp_path_factory.mktemp("prop"))
    shutil.copytree(PLANS / "data", folder / "data")  # the example plans' customer data
    plan = folder / "plan.yaml"
    plan.write_text(text, "utf-8")
    result = check_document(load_text(text, str(plan)))
    if result.failed():  # hypothesis found text the schema refuses (e.g. control characters,
        # or `0E0` and `1E100`, which PyYAML writes unquoted and YAML 1.2 reads as numbers;
        # or a value starting with a no-break space, PF032's input-method mistake)
        refused = {"PF002", "PF032", "PF103", "PF104", "PF106"}
        assert all(d.code in refused for d in result.diagnostics)
        return
    outcome = render_file(str(plan), RenderOptions(output=str(folder / "out"), formats=formats))
    assert outcome.ok, outcome.error
    assert len(outcome.written) == len(formats)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_variant())
def test_a_plan_that_validates_also_renders_html(tmp_path_factory, text: str) -> None:
    _renders(tmp_path_factory, text, ("html",))


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_variant())
def test_a_plan_that_validates_also_renders_pdf(tmp_path_factory, text: str) -> None:
    _renders(tmp_path_factory, text, ("pdf",))


# -- extreme but schema-valid values (issue #8: the strategies above never reached them) --

EDGE_DATES = [
    dt.date(1970, 1, 1),
    dt.date(2199, 12, 31),
    dt.date(2024, 2, 29),
    dt.date(2199, 12, 1),
]
edge_money = st.one_of(
    st.decimals(min_value=0, max_value=10**12, places=10, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal("0.0000000001"), Decimal("999999999999.9999999999")]),
)
edge_count = st.one_of(
    st.decimals(min_value=0, max_value=10**12, places=10, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal("0.0000000001"), Decimal(10**12)]),
)
edge_date = st.one_of(
    st.dates(min_value=EDGE_DATES[0], max_value=EDGE_DATES[1]), st.sampled_from(EDGE_DATES)
)
edge_percent = st.decimals(
    min_value=0, max_value=10**6, places=10, allow_nan=False, allow_infinity=False
).map(lambda d: f"{d}%")
edge_formula = st.one_of(
    st.integers(0, 31).map(lambda n: "(" * n + "promoters / respondents" + ")" * n),
    st.integers(1, 40).map(lambda n: "respondents" + " / respondents" * n),
    st.integers(1, 40).map(lambda n: "promoters" + " * promoters" * n),
    st.integers(0, 30).map(lambda n: "-" * n + "detractors / respondents"),
)
edge_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=2000
).filter(lambda s: s.strip())


@st.composite
def extreme_plan(draw: st.DrawFn) -> str:
    """A plan from plans/ with numbers, dates, formulas and texts at the schema's edges."""
    data = copy.deepcopy(
        BASES[[p.name for p in sorted(PLANS.glob("*.yaml"))].index("key-accounts-care-2024h2.yaml")]
    )
    start, end = sorted([draw(edge_date), draw(edge_date)])
    data["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    for phase in data["phases"]:
        a, b = sorted([draw(edge_date), draw(edge_date)])
        phase["start"], phase["end"] = a.isoformat(), b.isoformat()
    data["review"]["within_working_days"] = draw(st.integers(0, 60))
    budget = data["budget"]
    budget["cap"] = draw(edge_money)
    for line in budget["lines"]:
        for key in ("amount", "actual", "unit_price"):
            if key in line:
                line[key] = draw(edge_money)
        if "quantity" in line:
            line["quantity"] = draw(edge_count.filter(lambda d: d <= 10**9))
    data["measures"] = {k: draw(edge_count) for k in data["measures"]}
    for kpi in data["kpis"]:
        kpi["formula"] = draw(edge_formula)
        if draw(st.booleans()):
            kpi["actual"] = draw(edge_percent)
    data["tiers"][0]["share"] = draw(edge_percent)
    data["title"] = draw(edge_text)
    return dump(data)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_plan())
def test_extreme_but_valid_values_never_crash_and_every_report_is_well_formed(text: str) -> None:
    import json
    import xml.etree.ElementTree as ET

    from planforge.export import export_json
    from planforge.reporters import FORMATS, get

    result = check_document(load_text(text, "edge.yaml"), debug=True)
    assert all(d.code != "PF900" for d in result.diagnostics)
    for fmt in FORMATS:
        out = get(fmt)([result], strict=True)
        if fmt in ("json", "sarif"):
            json.loads(out)
        elif fmt == "junit":
            ET.fromstring(out.split("\n", 1)[1])
    if result.plan is not None and not result.errors():
        json.loads(export_json(result.plan, "edge.yaml"))
