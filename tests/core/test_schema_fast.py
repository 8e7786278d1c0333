"""The schema check's fast path (jsonschema-rs) judges plans exactly as ``jsonschema`` does.

A plan the fast path accepts skips ``jsonschema`` altogether, so it must never accept
a plan in which ``jsonschema`` finds an error; and on the values it judges, it
should accept every plan ``jsonschema`` accepts (or validation gets no faster).
Each example is a real plan with one thing changed: a value replaced by a nasty one
(huge or long numbers, ``.nan``, dates real and not, text with newlines, full-width
digits and odd spaces, wrong types), a key removed or added, a list item repeated.
"""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planforge import schema_fast
from planforge.loader import Document, load_bytes, load_file
from planforge.rules.schema_check import check_schema
from planforge.schema import schema_text

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "rules" / "cases").glob("PF*.yaml"))


def slow_errors(doc: Document) -> list[Any]:
    """The schema diagnostics of today's ``jsonschema`` path alone."""
    with mock.patch.object(schema_fast, "accepts", return_value=False):
        return check_schema(doc)


def fast(data: Any) -> bool:
    return schema_fast.accepts(data, schema_text())


def agree(doc: Document) -> None:
    errors = slow_errors(doc)
    if fast(doc.data):
        assert errors == [], "the fast path accepted a plan jsonschema rejects"
    elif schema_fast.judgeable(doc.data):
        assert errors, "the fast path rejected a plan jsonschema accepts"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_the_example_plans_take_the_fast_path(path: Path) -> None:
    doc = load_file(path)
    assert fast(doc.data)
    assert check_schema(doc) == slow_errors(doc) == []


def _rule_case_plans() -> list[tuple[str, bytes]]:
    out = []
    for path in CASES:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("fail", "pass"):
            for i, case in enumerate(spec.get(kind) or []):
                out.append((f"{path.stem}-{kind}-{i}", case["plan"].encode("utf-8")))
    return out


def test_every_rule_fixture_is_judged_alike() -> None:
    """Each fixture plan alone, and merged into the example plan (so that the rest of
    the plan is valid and the fixture's own values decide)."""
    base = load_file(ROOT / "plans" / "reactivation-2024q2.yaml").data
    assert base is not None
    judged = 0
    for _name, text in _rule_case_plans():
        doc = load_bytes(text)
        if not isinstance(doc.data, dict):
            continue
        agree(doc)
        merged = Document("<merged>", data={**copy.deepcopy(base), **doc.data})
        agree(merged)
        judged += 1
    assert judged > 200


# -- generated plans -----------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "reactivation\n",
        "10%\n",
        "１０%",
        "10\x1c%",
        "\u3000>= 20%",
        ">= ２０%",
        "2024-04-01\n",
        "２０２４-04-01",
        "2024-02-30",
        "2024-02-29",
        "2023-02-29",
        "1969-12-31",
        "2200-01-01",
        "2024-4-1",
        "Invite Call",
        "invite_call",
        "a" * 201,
        "a" * 2001,
        "CNY",
        "cny",
        "zh-CN",
        "2wd",
        "-1wd",
        "每2周",
        "\ud800",
        "NaN",
    ]
)
NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**16), max_value=10**16, places=10),
    st.sampled_from(
        [
            Decimal("0"),
            Decimal("-0.0"),
            Decimal("1.0"),
            Decimal("1E+2"),
            Decimal("0.0000000001"),
            Decimal("1E-11"),
            Decimal("999999999999999.9999999999"),
            Decimal("1000000000000"),
            Decimal("1000000000000.0000000001"),
            Decimal("1000000000"),
            Decimal("1000000000.0000000001"),
            Decimal("60.0"),
            Decimal("1E+400"),
            Decimal("sNaN"),
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
)
SCALARS = st.one_of(
    ODD_TEXT,
    st.text(max_size=30),
    NUMBERS,
    st.booleans(),
    st.none(),
    st.dates().map(lambda d: d),
    st.sampled_from([dt.date(2024, 4, 1), dt.datetime(2024, 4, 1, 9, 0), b"bytes", 1.5]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


BASES = [load_file(p).data for p in PLANS]
PATHS = [(i, path) for i, base in enumerate(BASES) for path in _paths(base) if path]


def _parent(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    index, path = draw(st.sampled_from(PATHS))
    data = copy.deepcopy(BASES[index])
    parent, last = _parent(data, path), path[-1]
    action = draw(st.sampled_from(["replace", "replace", "twist", "delete", "add", "repeat"]))
    if action == "replace":
        parent[last] = draw(VALUES)
    elif action == "twist":  # the same value, slightly wrong
        old = parent[last]
        parent[last] = draw(
            st.sampled_from(
                [str(old), f"{old}\n", f" {old}", f"{old}x", [old], {"v": old}]
                + (
                    [old + Decimal("0.0000000001"), -old, old * 1000]
                    if isinstance(old, Decimal)
                    else []
                )
            )
        )
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "Name", "owner ", "名称", str(last) + "_x"]))] = draw(
            VALUES
        )
    elif isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_both_paths_agree_on_mutated_plans(data: Any) -> None:
    agree(Document("<generated>", data=data))


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_both_paths_agree_on_any_value_as_a_plan(data: Any) -> None:
    agree(Document("<generated>", data=data))


def test_a_valid_plan_is_validated_without_importing_jsonschema() -> None:
    code = (
        "import sys\nfrom planforge.cli import main\n"
        "try:\n    main(['validate', 'plans'])\nexcept SystemExit as e:\n    code = e.code\n"
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('jsonschema', 'referencing', 'rpds', 'attrs', 'jsonschema_specifications')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().endswith("\n0 []"), done.stdout


def test_an_invalid_plan_still_gets_jsonschemas_explanations(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = (ROOT / "plans" / "reactivation-2024q2.yaml").read_text("utf-8")
    plan.write_text(text.replace("status: ", "statsu: ", 1), "utf-8")
    doc = load_file(plan)
    assert not fast(doc.data)
    found = check_schema(doc)
    assert found == slow_errors(doc)
    assert any(d.code == "PF102" and "did you mean `status`" in d.message for d in found)
