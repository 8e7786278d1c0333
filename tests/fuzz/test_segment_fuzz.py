"""The segmentation targets of the fuzz campaign: short seeded runs find nothing, past
findings stay fixed, and the targets catch what they should."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz import segment_fuzz
from tests.fuzz.segment_fuzz import Workspace, run_data, run_differential, run_rule

DATA = Path(__file__).parent / "corpus" / "data"


@pytest.fixture(scope="module")
def ws() -> Iterator[Workspace]:
    space = Workspace()
    yield space
    space.close()


def test_a_short_seeded_rule_run_finds_nothing(ws: Workspace) -> None:
    rng = random.Random(11)
    for _ in range(60):
        rule = segment_fuzz.random_rule(rng)
        assert run_rule(ws, rule, rng.choice(["tier", "scope"])) == [], rule


def test_a_short_seeded_data_run_finds_nothing(ws: Workspace) -> None:
    rng = random.Random(12)
    for _ in range(25):
        data, suffix = segment_fuzz.random_data_file(rng)
        assert run_data(ws, data, suffix) == [], (suffix, data[:300])


def test_a_short_seeded_differential_run_finds_nothing() -> None:
    pytest.importorskip("duckdb")
    rng = random.Random(13)
    assert [f for _ in range(40) for f in run_differential(rng)] == []


@pytest.mark.parametrize("path", sorted(DATA.glob("*.*")), ids=lambda p: p.stem)
def test_past_data_findings_stay_fixed(ws: Workspace, path: Path) -> None:
    assert run_data(ws, path.read_bytes(), path.suffix) == []


def test_the_rule_grammar_reaches_every_construct() -> None:
    rng = random.Random(4)
    text = " ".join(segment_fuzz.random_rule(rng) for _ in range(400))
    for word in ("AND", "OR", "NOT", " IN (", "BETWEEN", "SYMMETRIC", "LIKE", "IS NULL",
                 "days_since(", "１", "1e400", "(((((", "'it''s'"):  # fmt: skip
        assert word in text, word


def test_an_unreadable_date_cell_is_reported_without_its_text(ws: Workspace) -> None:
    from planforge.frontdoor import Session

    data = (DATA / "fuzz-date-cell-unreadable-after-a-rule-error.csv").read_bytes()
    (ws.dir / "data" / "shape.csv").write_bytes(data)
    plan = segment_fuzz.PLAN.replace("data/customers.csv", "data/shape.csv")
    result = Session(debug=True, env={}).open_bytes(plan.encode(), str(ws.dir / "p.yaml"))
    found = [d for d in result.diagnostics if "cannot read the rows" in d.message]
    assert found and all("01/02/2024" not in d.message for d in result.diagnostics)


def test_the_rule_target_catches_a_crash(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from planforge.segment import engine

    def boom(*_args: object) -> None:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(engine.Compiler, "condition", boom)
    found = run_rule(ws, "年消费 > 1")
    assert [f.kind for f in found] == ["exception"]
    assert found[0].signature.startswith("ZeroDivisionError")
