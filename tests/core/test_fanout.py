"""planforge.fanout: the same results as the plain loop, in order, whatever a worker does."""

from __future__ import annotations

import os
import signal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planforge import fanout
from planforge.fanout import MIN_EACH, fan_out, processes


@pytest.fixture(autouse=True)
def _forks_here(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest's process may run other threads by now (the data reader's pool, started by
    an earlier test), and fan_out then rightly runs everything in one process. These
    tests' functions touch no lock another thread could hold, so they fork regardless;
    the test of that refusal itself sees the real answer."""
    if "threads" not in request.node.name:
        monkeypatch.setattr(fanout, "single_threaded", lambda: True)


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 5 * MIN_EACH), jobs=st.integers(1, 4))
def test_the_results_are_the_plain_loops_in_order(count: int, jobs: int) -> None:
    items = list(range(count))
    got = fan_out(_square_and_pid, items, jobs)
    assert [value for value, _ in got] == [x * x for x in items]


def test_each_process_does_its_share() -> None:
    items = list(range(4 * MIN_EACH))
    got = fan_out(_square_and_pid, items, 3)
    pids = [pid for _, pid in got]
    assert len(set(pids)) == 3 and os.getpid() in pids
    assert all(pids[i] == pids[i % 3] for i in range(len(items)))  # item i: process i % 3


def test_too_few_items_run_here() -> None:
    assert processes(2 * MIN_EACH - 1, 4) == 1
    assert processes(2 * MIN_EACH, 4) == 2
    assert processes(100 * MIN_EACH, 3) == 3
    got = fan_out(_square_and_pid, list(range(MIN_EACH)), 4)
    assert {pid for _, pid in got} == {os.getpid()}


def test_a_failing_worker_share_is_done_here() -> None:
    parent = os.getpid()

    def fails_elsewhere(x: int) -> tuple[int, int]:
        if os.getpid() != parent:
            raise RuntimeError("only in the worker")
        return x + 1, os.getpid()

    got = fan_out(fails_elsewhere, list(range(3 * MIN_EACH)), 2)
    assert [v for v, _ in got] == [x + 1 for x in range(3 * MIN_EACH)]
    assert {pid for _, pid in got} == {parent}


def test_a_killed_worker_share_is_done_here() -> None:
    parent = os.getpid()

    def killed_elsewhere(x: int) -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return -x

    assert fan_out(killed_elsewhere, list(range(3 * MIN_EACH)), 3) == [
        -x for x in range(3 * MIN_EACH)
    ]


def test_results_that_do_not_pickle_are_made_here() -> None:
    parent = os.getpid()

    def unpicklable_elsewhere(x: int) -> object:
        return (lambda: x) if os.getpid() != parent else x

    assert fan_out(unpicklable_elsewhere, list(range(2 * MIN_EACH)), 2) == list(range(2 * MIN_EACH))


def test_an_exception_is_raised_here() -> None:
    def bad(x: int) -> int:
        if x in (5, 40):
            raise ValueError(f"item {x}")
        return x

    with pytest.raises(ValueError, match=r"item (5|40)"):
        fan_out(bad, list(range(4 * MIN_EACH)), 2)


def test_no_process_or_pipe_is_left_behind() -> None:
    before = _open_fds()
    fan_out(_square_and_pid, list(range(4 * MIN_EACH)), 4)
    with pytest.raises(ZeroDivisionError):
        fan_out(lambda x: 1 // (x - 3), list(range(4 * MIN_EACH)), 4)  # fails here, first
    assert _open_fds() == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left, not even a zombie


def test_no_fork_runs_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(fanout.os, "fork")
    assert processes(100 * MIN_EACH, 4) == 1
    got = fan_out(_square_and_pid, list(range(4 * MIN_EACH)), 4)
    assert {pid for _, pid in got} == {os.getpid()}


def test_a_process_running_threads_does_not_fork() -> None:  # (name: see _forks_here)
    """A forked copy would keep only this thread, with the others' locks held for ever."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not fanout.single_threaded()
        assert processes(100 * MIN_EACH, 4) == 1
        got = fan_out(_square_and_pid, list(range(4 * MIN_EACH)), 4)
        assert {pid for _, pid in got} == {os.getpid()}
    finally:
        stop.set()
        thread.join()
