"""A printer process for one plan: it imports WeasyPrint while the plan is checked.

Rendering a folder imports WeasyPrint once, in the parent, before the workers fork. For a
single plan that import (about 0.2 s) would come before everything else; a printer forked
at the start of ``planforge render`` does it alongside the rest of the start-up and the
plan's check, then prints the HTML the plan's worker sends it. The PDF is the same: it is
made by :func:`planforge.render.pdf.html_to_pdf`, in a process started the same way.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from multiprocessing.connection import Connection
from typing import Any

_current: list[Printer] = []


class Refused(RuntimeError):
    """The printer cannot print quickly (no HarfBuzz subsetter): the message says why."""


class Printer:
    """The printer process and both ends of its pipes (see :func:`start`)."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self.status, status = ctx.Pipe(duplex=False)
        self.jobs, jobs = ctx.Pipe(duplex=True)
        parent = os.getpid()
        theirs = (self.status, self.jobs)
        self.process = ctx.Process(target=_serve, args=(status, jobs, parent, theirs), daemon=True)
        self.process.start()
        status.close()
        jobs.close()
        self._refusal: str | None = None
        self._ready = False

    def wait_ready(self) -> None:
        """Block until WeasyPrint is imported; raise :class:`Refused` if it cannot print."""
        if not self._ready:
            try:
                self._refusal = self.status.recv()
            except EOFError:
                self._refusal = "the printer process stopped while starting"
            self._ready = True
        if self._refusal:
            raise Refused(self._refusal)

    def print_pdf(self, *args: Any, **kwargs: Any) -> bytes:
        """:func:`~planforge.render.pdf.html_to_pdf` in the printer, within the calling
        worker's memory limit and with its ``SOURCE_DATE_EPOCH``."""
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        self.jobs.send((limit, args, kwargs, os.environ.get("SOURCE_DATE_EPOCH")))
        try:
            kind, value = self.jobs.recv()
        except EOFError:
            raise RuntimeError("the printer process stopped") from None
        if kind == "pdf":
            return value
        if kind == "memory":
            raise MemoryError
        raise value

    def stop(self) -> None:
        """End the printer: its work is done, or no longer wanted (a timeout, Ctrl-C)."""
        for conn in (self.status, self.jobs):
            conn.close()  # an idle printer sees the end of its pipe and exits
        if self._ready:
            self.process.join(1)
        # else it is still starting (the run stopped before printing): nothing to wait for
        if self.process.is_alive():  # still printing for a plan stopped by a limit
            self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def start() -> Printer:
    """Fork the printer (once per process); :func:`current` then returns it."""
    if not _current:
        _current.append(Printer())
    return _current[0]


def current() -> Printer | None:
    return _current[0] if _current else None


def stop() -> None:
    if _current:
        _current.pop().stop()


def _serve(
    status: Connection, jobs: Connection, parent: int, theirs: tuple[Connection, ...]
) -> None:
    from planforge import signals

    for conn in theirs:  # the parent's ends: held here, they would keep the pipes open
        conn.close()
    try:
        signals.install_once()
        signals.die_with_parent(parent)
        from planforge.render.fonts import MissingFont, require_subsetter

        try:
            require_subsetter()
            import planforge.render.pdf  # noqa: F401 - and the rest of the printing stack
        except MissingFont as exc:
            status.send(str(exc))
            return
        status.send(None)
        status.close()
        while True:
            try:
                limit, args, kwargs, epoch = jobs.recv()
            except EOFError:
                return
            answer = _print(limit, args, kwargs, epoch)
            try:
                jobs.send(answer)
            except Exception as exc:  # an exception that does not pickle
                jobs.send(("error", RuntimeError(f"{type(answer[1]).__name__}: {exc}")))
    except (KeyboardInterrupt, signals.Stopped, BrokenPipeError, OSError):
        pass
    finally:
        try:  # a stop signal arriving now must not print a traceback
            signal.pthread_sigmask(signal.SIG_BLOCK, signals.STOPS)
        finally:
            os._exit(0)  # nothing of the parent's (atexit, buffers) runs twice


def _print(limit: int, args: tuple, kwargs: dict, epoch: str | None) -> tuple[str, Any]:
    from planforge.render import pdf

    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    if epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        return "pdf", pdf.html_to_pdf(*args, **kwargs)
    except MemoryError:
        return "memory", None
    except Exception as exc:  # RenderError, MissingFont, or a bug: the worker raises it
        return "error", exc
