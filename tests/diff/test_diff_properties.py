"""Property tests for the diff: any two plans, however broken, compare without failing."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planforge.diff import compare
from planforge.diff.report import to_json, to_text
from planforge.diff.sources import split_revision
from planforge.resolve import resolve
from tests.core.test_properties import BASES

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=12),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@st.composite
def plan_data(draw: st.DrawFn) -> dict:
    """A plan from plans/ with some values replaced by junk and some items dropped."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(sorted(data)))
        value = data[key]
        if isinstance(value, list) and value and draw(st.booleans()):
            index = draw(st.integers(0, len(value) - 1))
            item = value[index]
            if isinstance(item, dict) and item and draw(st.booleans()):
                item[draw(st.sampled_from(sorted(item)))] = draw(JUNK)
            else:
                del value[index]
        elif isinstance(value, dict) and value:
            value[draw(st.sampled_from(sorted(value)))] = draw(JUNK)
        else:
            data[key] = draw(JUNK)
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_data(), plan_data(), st.sampled_from(["zh-CN", "en"]))
def test_any_two_plans_compare_and_print(old: dict, new: dict, locale: str) -> None:
    a, b = resolve(old), resolve(new)
    diff = compare(a, b)
    assert to_text(diff, "old", "new", locale).startswith("old → new\n")
    doc = json.loads(to_json(diff, "old", "new"))
    assert doc["gates"] == list(diff.gates)
    back = compare(b, a)
    flip = {"added": "removed", "removed": "added"}
    forward = sorted((c.area, c.key, flip.get(c.kind, "")) for c in diff.changes if c.kind in flip)
    backward = sorted((c.area, c.key, c.kind) for c in back.changes if c.kind in flip)
    assert forward == backward


@settings(max_examples=30, deadline=None)
@given(plan_data())
def test_a_plan_against_itself_has_no_changes(data: dict) -> None:
    assert compare(resolve(data), resolve(copy.deepcopy(data))).changes == []


@given(st.text(max_size=30))
def test_revision_specs_never_fail(spec: str) -> None:
    parsed = split_revision(spec)
    assert parsed is None or (parsed[0] and parsed[1] and f"{parsed[0]}:{parsed[1]}" == spec)
