"""The garbage-collector policy while printing: set, then restored; output unchanged."""

from __future__ import annotations

import gc

import pytest

from planforge.render import collector


def test_printing_freezes_and_collects_rarely_then_restores() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with collector.printing():
        assert gc.get_threshold() == collector.THRESHOLDS
        assert gc.get_freeze_count() > frozen  # what was alive is set aside
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_restored_after_a_failure() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with pytest.raises(ZeroDivisionError), collector.printing():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_part_done_collects_its_cycles() -> None:
    class Node:
        pass

    with collector.printing():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector frees
        del a, b
        assert [o for o in gc.get_objects() if type(o) is Node]  # the threshold is high
        collector.part_done()
        assert not [o for o in gc.get_objects() if type(o) is Node]
