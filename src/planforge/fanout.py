"""Do the same work for many items in a few forked processes; results in the items' order.

``validate`` checks a folder of plans this way: each plan is about 2 ms of work that
shares nothing with the others, so on a machine with several CPUs the wall time divides
(300 example-sized plans on 2 CPUs: about 0.6 s instead of 0.9 s). The CPU time does
not: every process does its share, plus the cost of sending its results back.

Item ``i`` goes to process ``i % n`` (this one takes its share too), so files of every
size are spread evenly. Each forked worker sends its results back pickled through a
pipe. Should a worker fail in any way (an exception, a memory limit, a signal, results
that do not arrive whole), this process does that worker's items itself, so whatever
goes wrong is raised here, as it would be without the workers. Without ``fork`` (Windows), or
with too few items to be worth a process, or once this process runs other threads,
everything runs here, one item after another.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Fewest items a process is started for: below this, starting it costs more than it saves.
MIN_EACH = 16


def processes(count: int, jobs: int) -> int:
    """How many processes ``count`` items are spread over, at most ``jobs``.

    One (this process) without ``fork``, or once this process runs other threads: a
    forked copy holds only the thread that forked, so a lock another thread held (say,
    in the thread pool that reads customer data) would never be released in it.
    """
    most = min(jobs, count // MIN_EACH)
    if most < 2 or not hasattr(os, "fork") or not single_threaded():
        return 1
    return most


def single_threaded() -> bool:
    """Whether this process runs one thread, native ones included where that can be seen."""
    try:
        return len(os.listdir("/proc/self/task")) == 1  # Linux: every thread
    except OSError:
        import threading

        return threading.active_count() == 1


def fan_out(func: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[func(x) for x in items]``, spread over up to ``jobs`` processes (see the module).

    ``func``'s results should pickle (those of a share that do not are made here). An
    exception from ``func`` is raised here, but not always the one the plain loop would
    meet first: a caller that must report the first in order returns errors as values.
    """
    n = processes(len(items), jobs)
    if n < 2:
        return [func(x) for x in items]
    return _spread(func, items, n)


def _spread(func: Callable[[T], R], items: Sequence[T], n: int) -> list[R]:
    """:func:`fan_out` over ``n`` processes, this one included."""
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        stream.flush()
    reads: list[int] = []
    running: list[tuple[int, int, int]] = []  # (share, pid, read end of its pipe)
    gc.freeze()  # the workers' collector never walks (so never copies) what they inherit
    try:
        for share in range(1, n):
            read, write = os.pipe()
            reads.append(read)
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the worker, which never returns
                os.close(read)
                _work(func, items[share::n], write, parent)
            os.close(write)
            running.append((share, pid, read))
        gc.unfreeze()
        out: list[R | None] = [None] * len(items)
        out[0::n] = [func(x) for x in items[0::n]]
        while running:
            share, pid, read = running[0]
            data = _drain(read)
            status = os.waitpid(pid, 0)[1]
            running.pop(0)
            got = _results(data, status, len(items[share::n]))
            out[share::n] = got if got is not None else [func(x) for x in items[share::n]]
        return out  # type: ignore[return-value]
    finally:
        gc.unfreeze()
        for _, pid, _ in running:  # this process failed or was stopped: so do they
            _end(pid)
        for read in reads:
            os.close(read)


def _work(func: Callable[[T], R], share: Sequence[T], write: int, parent: int) -> None:
    """In the worker: do ``share``, send the pickled results, exit (never return)."""
    import pickle

    from planforge import signals

    status = 1
    try:
        signals.die_with_parent(parent)
        data = pickle.dumps([func(x) for x in share], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # the parent does this share itself, and reports what fails
        pass
    finally:
        os._exit(status)  # nothing of the parent's (atexit, click's cleanup) runs here


def _drain(read: int) -> bytes:
    """Everything a worker writes, until it closes its end."""
    chunks = []
    while chunk := os.read(read, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _results(data: bytes, status: int, count: int) -> list | None:
    """A worker's results, or None when it did not send them all."""
    import pickle

    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        got = pickle.loads(data)
    except Exception:
        return None
    return got if isinstance(got, list) and len(got) == count else None


def _end(pid: int) -> None:
    """Stop a worker at once: it holds nothing but its share and its end of a pipe."""
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
