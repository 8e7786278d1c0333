"""Progress of a long segmentation run, for a person watching a terminal.

The stages (reading and tiering the rows, writing each file) call :func:`stage`;
nothing is shown unless the command installed a reporter with :func:`reporting`,
which ``planforge segment`` does only when stderr is a terminal and ``CI`` is not
set, so logs never fill with progress lines. A stage appears once it passes
:data:`SHOW_FROM` rows: small files finish without a bar.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from planforge.messages import localize

#: Rows a stage must reach before its progress is shown.
SHOW_FROM = 50_000
_WIDTH = 24
_REDRAW = 0.1  # seconds between redraws


class Stage:
    """Rows done in one stage; a no-op unless a reporter drew it."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows are done."""

    def finish(self, rows: int) -> None:
        """The stage is done, with ``rows`` rows in all (polars may call a batch
        function on a probe row or two, so the running count is only close)."""

    def close(self) -> None:
        """The stage is over."""


class Bar(Stage):
    """One line on ``stream``, redrawn in place: the label, the rows done, and a bar
    with the share done when the total is known."""

    def __init__(self, stream: TextIO, label: str, total: int | None) -> None:
        self.stream, self.label, self.total = stream, label, total
        self.done = 0
        self.drawn = 0.0
        self.shown = False

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if self.done >= SHOW_FROM and now - self.drawn >= _REDRAW:
            self.drawn = now
            self._draw()

    def finish(self, rows: int) -> None:
        self.done = rows

    def close(self) -> None:
        if self.shown or self.done >= SHOW_FROM:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        """What the bar shows now."""
        if not self.total:
            return f"{self.label}: {self.done:,}"
        part = min(self.done / self.total, 1.0)
        filled = round(part * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        return f"{self.label} [{bar}] {part:4.0%} {self.done:,}/{self.total:,}"

    def _draw(self) -> None:
        self.shown = True
        self.stream.write("\r" + self.line() + "\033[K")
        self.stream.flush()


Reporter = Callable[[str, "int | None"], Stage]
_REPORTER: contextvars.ContextVar[Reporter | None] = contextvars.ContextVar(
    "planforge_segment_progress", default=None
)


@contextlib.contextmanager
def reporting(stream: TextIO, lang: str | None = None) -> Iterator[None]:
    """Show the stages run inside the block on ``stream``, labelled in ``lang``."""
    token = _REPORTER.set(lambda label, total: Bar(stream, localize(label, lang), total))
    try:
        yield
    finally:
        _REPORTER.reset(token)


@contextlib.contextmanager
def stage(label: str, total: int | None = None) -> Iterator[Stage]:
    """A stage of ``total`` rows (None: not known in advance), labelled ``label`` (a message)."""
    reporter = _REPORTER.get()
    current = reporter(label, total) if reporter else Stage()
    try:
        yield current
    finally:
        current.close()


def wanted(stream: TextIO, environ: dict[str, str]) -> bool:
    """Whether to show progress on ``stream``: a terminal, and not a CI job."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not environ.get("CI")
