"""Write a printed part's PDF in a forked process while the next part is laid out.

Laying a part out and writing its PDF take about two thirds and one third of a long
document's printing. A part's writing needs nothing of the next part, so
:func:`write_aside` forks a process that writes it (from its copy of the laid-out pages)
while this process goes on laying out the next one: on two cores, the writing is
hidden. The bytes are the same; they come back through a pipe, and an exception raised
while writing is raised again here, where the PDF is asked for.

Where ``fork`` is missing or fails, the part is written at once, here. One part is
written aside at a time (each writer holds a copy of its part), and a document that fails
or is stopped ends its writer (:meth:`Written.abandon`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Any

from planforge import signals

#: The writer's exit status when it ran out of memory (the printer's limit applies to it).
OUT_OF_MEMORY = 3


class Written:
    """A part's PDF, being written in another process (:meth:`pdf` waits for it)."""

    def __init__(self, pid: int | None, fd: int | None, done: bytes | None = None) -> None:
        self._pid, self._fd, self._pdf = pid, fd, done

    @property
    def pid(self) -> int | None:
        """The writer's process while it may run; None once its PDF is read or it ended."""
        return self._pid

    def pdf(self) -> bytes:
        """The PDF (raising what its writing raised)."""
        if self._pdf is None:
            assert self._fd is not None and self._pid is not None
            with os.fdopen(self._fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(self._pid, 0)
            self._fd = self._pid = None
            if not data:
                if os.waitstatus_to_exitcode(status) == OUT_OF_MEMORY:
                    raise MemoryError
                raise RuntimeError("the process writing a part of the PDF stopped")
            kind, value = pickle.loads(data)
            if kind == "error":
                raise value
            self._pdf = value
        return self._pdf

    def abandon(self) -> None:
        """End the writer if it is still there (the document failed or was stopped)."""
        if self._pid is None:
            return
        pid, fd, self._pid, self._fd = self._pid, self._fd, None, None
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(fd)  # type: ignore[arg-type]
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


def write_aside(write: Callable[[Any], bytes], document: Any) -> Written:
    """``write(document)`` in a forked process; its PDF when :meth:`Written.pdf` is asked."""
    if not hasattr(os, "fork"):  # pragma: no cover - planforge prints on Linux and macOS
        return Written(None, None, write(document))
    parent = os.getpid()
    read, send = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to be had (a limit on processes or memory): write here
        os.close(read)
        os.close(send)
        return Written(None, None, write(document))
    if pid:
        os.close(send)
        return Written(pid, read)
    status = 0  # the writer: nothing of the printer's (atexit, buffers) runs here
    try:
        os.close(read)
        signals.die_with_parent(parent)
        try:
            answer = pickle.dumps(("pdf", write(document)))
        except MemoryError:
            answer, status = b"", OUT_OF_MEMORY
        except Exception as exc:  # raised again where the PDF is asked for
            try:
                answer = pickle.dumps(("error", exc))
            except Exception:  # an exception that does not pickle
                answer = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(send, "wb") as pipe:
            pipe.write(answer)
    except BaseException:  # stopped (the printer went), or the pipe closed: just end
        status = status or 1
    finally:
        os._exit(status)
