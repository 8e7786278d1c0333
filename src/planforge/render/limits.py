"""Render each plan in a worker process with a time limit and a memory limit.

One huge or hostile plan then cannot hang or take down a batch: its worker is
stopped, and the plan gets a located error (PF801 time, PF802 memory) while the
other plans render as usual. Workers are forked from a parent that has already
imported the rendering stack, so each starts in milliseconds; for a single plan, an
early printer process (:mod:`planforge.render.printer`) imports it instead, while the
worker checks the plan.

A worker dies with its parent (PR_SET_PDEATHSIG) and stops quietly on SIGINT,
SIGTERM or SIGHUP; when the parent is interrupted it stops its workers, and after
any worker ends abnormally it sweeps the output folder (:func:`planforge.atomic.sweep`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from planforge import signals
from planforge.atomic import sweep
from planforge.diagnostics import Diagnostic, Location, Severity
from planforge.messages import msg
from planforge.render import printer
from planforge.render.document import Outcome, RenderOptions, check_for_render, render_checked

MIB = 1024 * 1024
#: From this many tasks, a limit is blamed on the size of the task list.
BIG_PLAN_TASKS = 200


@dataclass(frozen=True)
class Limits:
    """Per-plan limits; 0 means no limit."""

    seconds: float = 600
    memory_mb: int = 4096


#: How long stopped workers get to remove their staging files before being killed.
STOP_GRACE = 5.0


@contextlib.contextmanager
def _worker(conn: Connection, memory_mb: int, parent: int, debug: bool = False) -> Iterator[None]:
    """A worker's body: signals and the memory limit set, what stops it sent to the parent."""
    try:
        signals.install_once()
        signals.die_with_parent(parent)
        _limit_memory(memory_mb)  # the early printer, if any, prints within it too
        yield
    except MemoryError:
        conn.send(("memory", None))
    except (KeyboardInterrupt, signals.Stopped) as exc:
        sys.exit(signals.exit_status(exc))  # the parent reports it, once
    except Exception as exc:  # a bug in planforge: report it, never a bare traceback
        if debug:
            traceback.print_exc()
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _work(conn: Connection, path: str, options: RenderOptions, memory_mb: int, parent: int) -> None:
    with _worker(conn, memory_mb, parent, options.debug):
        outcome = check_for_render(path, options)
        conn.send(("checked", outcome))
        conn.send(("done", render_checked(outcome, options)))


def _limit_memory(memory_mb: int) -> None:
    if memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * MIB
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def time_limit_message(seconds: float) -> str:
    """PF801's message: the time limit was reached."""
    return msg(
        "rendering took longer than the {seconds} s limit (--timeout)", seconds=f"{seconds:g}"
    )


def crash_message(error: str) -> str:
    """What the user reads when a worker failed with a bug in planforge."""
    return msg(
        "planforge failed while rendering ({error}); this is a bug: rerun with --debug and"
        " report it",
        error=error,
    )


def memory_limit_message(memory_mb: int) -> str:
    """PF802's message: the memory limit was reached."""
    return msg(
        "rendering needed more than the {mb} MB memory limit (--memory-limit)",
        mb=f"{memory_mb:,}",
    )


def _call(conn: Connection, func: Callable[[], Any], memory_mb: int, parent: int) -> None:
    with _worker(conn, memory_mb, parent):
        conn.send(("done", func()))


def call_limited(func: Callable[[], Any], limits: Limits) -> tuple[str, Any]:
    """``func()`` in a forked worker under ``limits``, as a render runs (``preview``).

    Returns ``("done", result)``, ``("PF801", message)`` when the time limit stopped it,
    ``("PF802", message)`` for the memory limit (or a worker that died), or
    ``("crash", error)``. The worker never outlives the call.
    """
    ctx = multiprocessing.get_context("fork")
    conn, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_call, args=(child, func, limits.memory_mb, os.getpid()))
    proc.start()
    child.close()
    try:
        if not conn.poll(limits.seconds or None):
            return "PF801", time_limit_message(limits.seconds)
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            kind, payload = "memory", None
        if kind == "memory":
            return "PF802", memory_limit_message(limits.memory_mb)
        return kind, payload
    finally:
        conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join()


def _limit(outcome: Outcome, code: str, message: str) -> Outcome:
    """``outcome`` stopped by a limit: a located PF801/PF802, nothing written."""
    loc = Location()
    result = outcome.result
    data = result.document.data if result is not None else None
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if isinstance(tasks, list) and len(tasks) >= BIG_PLAN_TASKS:
        loc = result.document.source.key(("tasks",))  # type: ignore[union-attr]
        message = msg(
            "{why}; the plan has {count} tasks: consider splitting it",
            why=message,
            count=f"{len(tasks):,}",
        )
    outcome.limit = Diagnostic(code, Severity.ERROR, message, outcome.path, loc)
    outcome.written = []
    return outcome


def _stop(jobs: Sequence[_Job], options: RenderOptions) -> None:
    """Stop ``jobs`` (they clean up after themselves), kill the slow ones, then sweep."""
    for job in jobs:
        if job.process.is_alive():
            os.kill(job.process.pid, signal.SIGTERM)  # type: ignore[arg-type]
    deadline = time.monotonic() + STOP_GRACE
    for job in jobs:
        job.process.join(max(deadline - time.monotonic(), 0))
        if job.process.is_alive():
            job.process.kill()
            job.process.join()
        job.conn.close()
    sweep(options.output)


@dataclass
class _Job:
    path: str
    process: multiprocessing.process.BaseProcess
    conn: Connection
    started: float
    outcome: Outcome


def run(
    files: Sequence[str], options: RenderOptions, jobs: int, limits: Limits
) -> Iterator[Outcome]:
    """Render ``files`` in limited workers, ``jobs`` at a time; outcomes in input order."""
    import planforge.render.pdf  # noqa: F401 - import once, before forking

    early = printer.current()  # with one, the worker checks the plan while it starts
    if "pdf" in options.formats and early is None:
        from planforge.render.libs import import_weasyprint

        import_weasyprint()
        if len(files) > 1 and options.templates is None:
            from planforge.render.html import builtin_templates
            from planforge.render.pdf import warm_up

            warm_up(str(builtin_templates()))

    ctx = multiprocessing.get_context("fork")
    sweep(options.output)  # what a killed earlier run left
    pending = list(enumerate(files))
    running: dict[Connection, tuple[int, _Job]] = {}
    try:
        yield from _loop(ctx, pending, running, options, jobs, limits, early)
    finally:  # interrupted, or the consumer stopped early
        if running:
            _stop([job for _, job in running.values()], options)


def _loop(
    ctx: multiprocessing.context.BaseContext,
    pending: list[tuple[int, str]],
    running: dict[Connection, tuple[int, _Job]],
    options: RenderOptions,
    jobs: int,
    limits: Limits,
    early: printer.Printer | None = None,
) -> Iterator[Outcome]:
    done: dict[int, Outcome] = {}
    emitted = 0
    refused: printer.Refused | None = None
    me = os.getpid()
    while pending or running:
        while pending and len(running) < max(jobs, 1):
            index, path = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(child, path, options, limits.memory_mb, me))
            proc.start()
            child.close()
            running[parent] = (index, _Job(path, proc, parent, time.monotonic(), Outcome(path)))
        if early is not None and refused is None:
            try:
                early.wait_ready()
            except printer.Refused as exc:  # the worker fails at printing, and stops
                refused, pending[:] = exc, []
        timeout = None
        if limits.seconds:
            soonest = min(job.started for _, job in running.values()) + limits.seconds
            timeout = max(soonest - time.monotonic(), 0)
        for conn in wait(list(running), timeout):
            index, job = running[conn]
            finished = _receive(job, limits)
            if finished:
                del running[conn]
                done[index] = job.outcome
                if job.process.exitcode:
                    sweep(options.output)
        for conn, (index, job) in list(running.items()):
            if limits.seconds and time.monotonic() - job.started > limits.seconds:
                job.process.kill()
                job.process.join()
                conn.close()
                sweep(options.output)
                del running[conn]
                done[index] = _limit(job.outcome, "PF801", time_limit_message(limits.seconds))
        if refused is not None and not running:
            raise refused  # no PDF can be made quickly: the run stops, nothing reported
        while emitted in done:
            yield done.pop(emitted)
            emitted += 1


def _stopped_by(code: int | None) -> str | None:
    """The signal that ended a worker, when it was asked to stop rather than failing."""
    asked = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for sig in asked:
        if code in (128 + sig, -sig):
            return sig.name
    return None


def _receive(job: _Job, limits: Limits) -> bool:
    """Read what the worker sent; True when the job is over."""
    try:
        kind, payload = job.conn.recv()
    except (EOFError, OSError):
        job.process.join()
        code = job.process.exitcode
        job.conn.close()
        stopped = _stopped_by(code)
        if stopped:
            job.outcome.error = msg(
                "the renderer was stopped by {signal}; nothing was written", signal=stopped
            )
            return True
        job.outcome = _limit(
            job.outcome,
            "PF802",
            msg(
                "the renderer stopped (exit {code}), most likely over the {mb} MB memory limit"
                " (--memory-limit)",
                code=code,
                mb=f"{limits.memory_mb:,}",
            ),
        )
        return True
    if kind == "checked":
        job.outcome = payload
        return False
    job.process.join()
    job.conn.close()
    if kind == "crash":
        job.outcome.error = crash_message(payload)
    elif kind == "memory":
        job.outcome = _limit(job.outcome, "PF802", memory_limit_message(limits.memory_mb))
    else:
        job.outcome = payload
    return True
