"""The fuzz campaign in CI: a short seeded run finds nothing; the engine finds what it should."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.fuzz import campaign
from tests.fuzz.campaign import Campaign, minimise, run_one

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.slow
def test_a_short_seeded_campaign_finds_nothing() -> None:
    result = Campaign(seed=8, inputs=2_000, minimise=False).run()
    assert result.ran == 2_000
    assert result.summary()["findings"] == []


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_past_findings_stay_fixed(path: Path) -> None:
    assert run_one(path.read_bytes()) == []


def test_the_seeds_include_every_fixture() -> None:
    pool = campaign.seeds()
    cases = len(list((Path(campaign.ROOT) / "tests/rules/cases").glob("*.yaml")))
    assert len(pool) > cases + 2  # every fixture file holds at least one plan
    assert any(b"planforge: 1" in s and b"budget:" in s for s in pool)  # whole plans too


def test_mutations_are_deterministic_and_reach_every_kind() -> None:
    pool = campaign.seeds()
    first = [campaign.mutate(random.Random(3), pool[0], pool) for _ in range(5)]
    again = [campaign.mutate(random.Random(3), pool[0], pool) for _ in range(5)]
    assert first == again
    rng = random.Random(4)
    out = b"".join(campaign._unicode_mutation(rng, pool[0], pool) for _ in range(300))
    text = out.decode("utf-8", "replace")
    assert any(c in text for c in ("\u202e", "\u2066", "\u200f"))  # bidi
    assert "\u200b" in text or "\ufeff" in text  # zero-width
    assert any(ord(c) >= 0xFF01 and ord(c) <= 0xFF5E for c in text)  # full-width


def test_the_engine_catches_a_crash_and_minimises_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import planforge.resolve as resolve

    real = resolve._task

    def fragile(r):  # a planted bug: a task named `boom` crashes the resolver
        if r.text("name") == "boom":
            raise ZeroDivisionError("planted")
        return real(r)

    monkeypatch.setattr(resolve, "_task", fragile)
    data = (Path(campaign.ROOT) / "plans/reactivation-2024q2.yaml").read_bytes()
    data = data.replace("name: 客户分组与电话邀约".encode(), b"name: boom")
    found = run_one(data)
    assert [f.kind for f in found] == ["exception"]
    assert found[0].signature.startswith("ZeroDivisionError at")
    key = (found[0].kind, found[0].signature)
    small = minimise(data, lambda d: any((f.kind, f.signature) == key for f in run_one(d)))
    assert len(small) < len(data) // 5 and b"boom" in small


def test_the_engine_flags_a_malformed_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from planforge.reporters import junit

    monkeypatch.setattr(junit, "xml_safe", lambda text: text)  # undo the fix
    found = run_one(b'planforge: 1\ntitle: "a\\x01b"\nstatus: "\\x01"\n')
    assert any(f.kind == "malformed" and "junit" in f.signature for f in found)


def test_the_engine_stops_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    import planforge.check as check

    def forever(*_args, **_kwargs):
        while True:
            pass

    monkeypatch.setattr(check, "resolve", forever)
    found = run_one(b"planforge: 1\n", time_limit=0.2)
    assert [f.kind for f in found] == ["hang"]
