"""Signals end planforge like Ctrl-C does: an exception, so every ``finally`` cleans up.

SIGINT raises :class:`KeyboardInterrupt` (Python's default); :func:`install` makes
SIGTERM and SIGHUP raise :class:`Stopped`. The command then removes its temporary
files, stops its render workers and exits with 128 + the signal's number, after one
line on stderr. A render worker dies with its parent (:func:`die_with_parent`).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

PR_SET_PDEATHSIG = 1


class Stopped(BaseException):
    """The process received SIGTERM or SIGHUP."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


def install() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` (main thread only)."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, _raise):
            signal.signal(sig, _raise)


#: The signals that stop planforge and its workers.
STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """A no-op handler (not SIG_IGN: a signal already pending would then raise OSError)."""


def _raise_once(signum: int, _frame: FrameType | None) -> None:
    for sig in STOPS:  # cleaning up must not be cut short by the next signal
        signal.signal(sig, _ignore)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signum)


def install_once() -> None:
    """For a worker: the first of SIGINT, SIGTERM, SIGHUP stops it; later ones are ignored.

    Ctrl-C reaches the worker from the terminal and then SIGTERM from its parent; the
    second must not interrupt the cleanup the first started.
    """
    for sig in STOPS:
        signal.signal(sig, _raise_once)


def exit_status(exc: BaseException) -> int:
    """128 + the signal's number, as a shell reports a process ended by it."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)


def die_with_parent(parent: int) -> None:
    """Have the kernel send this process SIGTERM when ``parent`` exits (Linux).

    If the parent is already gone, :class:`Stopped` is raised at once.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)  # the symbols already loaded: libc's
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        raise Stopped(signal.SIGTERM)
