"""The collector's policy while a batch of plans is opened: set, then restored; the
findings are those of plans opened one by one."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from planforge.frontdoor import BATCH_THRESHOLDS, Session

ROOT = Path(__file__).resolve().parents[2]


def test_a_batch_collects_rarely_then_restores() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with Session().batch():
        assert gc.get_threshold() == BATCH_THRESHOLDS
        assert gc.get_freeze_count() == frozen  # nothing set aside: plans come and go
    assert gc.get_threshold() == before


def test_restored_after_a_failure() -> None:
    before = gc.get_threshold()
    with pytest.raises(ZeroDivisionError), Session().batch():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == before


def test_a_batch_finds_what_single_opens_find(tmp_path: Path) -> None:
    for name in ("PF003.yaml", "PF101.yaml"):
        shutil.copy(ROOT / "tests" / "rules" / "cases" / name, tmp_path / name)
    session = Session(read_data=False)
    alone = {p.name: session.open(str(p)).diagnostics for p in sorted(tmp_path.iterdir())}
    together = session.open_all([str(tmp_path)])
    assert {Path(r.path).name: r.diagnostics for r in together} == alone
    assert all(alone.values())  # each case has findings to compare
