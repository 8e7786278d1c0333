"""Render each plan in a worker process with a time limit and a memory limit.

One huge or hostile plan then cannot hang or take down a batch: its worker is
stopped, and the plan gets a located error (PF801 time, PF802 memory) while the
other plans render as usual. Workers are forked from a parent that has already
imported the rendering stack, so each starts in milliseconds.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from planforge.diagnostics import Diagnostic, Location, Severity
from planforge.render.document import (
    Outcome,
    RenderOptions,
    check_for_render,
    output_stem,
    render_checked,
)

MIB = 1024 * 1024
#: From this many tasks, a limit is blamed on the size of the task list.
BIG_PLAN_TASKS = 200


@dataclass(frozen=True)
class Limits:
    """Per-plan limits; 0 means no limit."""

    seconds: float = 600
    memory_mb: int = 4096


def _work(conn: Connection, path: str, options: RenderOptions, memory_mb: int) -> None:
    if memory_mb:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb * MIB
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        outcome = check_for_render(path, options)
        conn.send(("checked", outcome))
        conn.send(("done", render_checked(outcome, options)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as exc:  # a bug in planforge: report it, never a bare traceback
        if options.debug:
            traceback.print_exc()
        conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _limit(outcome: Outcome, code: str, message: str) -> Outcome:
    """``outcome`` stopped by a limit: a located PF801/PF802, nothing written."""
    loc = Location()
    result = outcome.result
    data = result.document.data if result is not None else None
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if isinstance(tasks, list) and len(tasks) >= BIG_PLAN_TASKS:
        loc = result.document.source.key(("tasks",))  # type: ignore[union-attr]
        message += f"; the plan has {len(tasks):,} tasks: consider splitting it"
    outcome.limit = Diagnostic(code, Severity.ERROR, message, outcome.path, loc)
    outcome.written = []
    return outcome


def _remove_partial(outcome: Outcome, options: RenderOptions) -> None:
    """Delete temporary files a killed worker may have left while writing."""
    plan = outcome.result.plan if outcome.result else None
    if plan is None or not plan.id or not os.path.isdir(options.output):
        return
    stem = output_stem(plan.id, options.sections)
    for name in os.listdir(options.output):
        if name.startswith((f".{stem}.html.", f".{stem}.pdf.")) and name.endswith(".tmp"):
            os.unlink(os.path.join(options.output, name))


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

    if "pdf" in options.formats:
        import weasyprint  # noqa: F401

    ctx = multiprocessing.get_context("fork")
    pending = list(enumerate(files))
    running: dict[Connection, tuple[int, _Job]] = {}
    done: dict[int, Outcome] = {}
    emitted = 0
    while pending or running:
        while pending and len(running) < max(jobs, 1):
            index, path = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(child, path, options, limits.memory_mb))
            proc.start()
            child.close()
            running[parent] = (index, _Job(path, proc, parent, time.monotonic(), Outcome(path)))
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
        for conn, (index, job) in list(running.items()):
            if limits.seconds and time.monotonic() - job.started > limits.seconds:
                job.process.kill()
                job.process.join()
                conn.close()
                _remove_partial(job.outcome, options)
                del running[conn]
                done[index] = _limit(
                    job.outcome,
                    "PF801",
                    f"rendering took longer than the {limits.seconds:g} s limit (--timeout)",
                )
        while emitted in done:
            yield done.pop(emitted)
            emitted += 1


def _receive(job: _Job, limits: Limits) -> bool:
    """Read what the worker sent; True when the job is over."""
    try:
        kind, payload = job.conn.recv()
    except (EOFError, OSError):
        job.process.join()
        code = job.process.exitcode
        job.conn.close()
        job.outcome = _limit(
            job.outcome,
            "PF802",
            f"the renderer stopped (exit {code}), most likely over the {limits.memory_mb:,} MB"
            " memory limit (--memory-limit)",
        )
        return True
    if kind == "checked":
        job.outcome = payload
        return False
    job.process.join()
    job.conn.close()
    if kind == "crash":
        job.outcome.error = (
            f"planforge failed while rendering ({payload}); this is a bug: rerun with"
            " --debug and report it"
        )
    elif kind == "memory":
        job.outcome = _limit(
            job.outcome,
            "PF802",
            f"rendering needed more than the {limits.memory_mb:,} MB memory limit (--memory-limit)",
        )
    else:
        job.outcome = payload
    return True
