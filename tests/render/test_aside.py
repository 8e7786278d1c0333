"""A part's PDF written in a forked process: the same bytes, its errors raised where the
PDF is asked for, and a writer no longer wanted ended."""

from __future__ import annotations

import os
import time

import pytest

from planforge.render import aside
from planforge.render.parts import Printed, print_in_parts


def test_the_bytes_come_back_from_the_writer() -> None:
    here = os.getpid()
    written = aside.write_aside(lambda doc: f"{doc}:{os.getpid() != here}".encode(), "part")
    assert written.pdf() == b"part:True"  # written by another process
    assert written.pdf() == b"part:True"  # asked again: the same, kept
    assert written.pid is None  # the writer is done and reaped


def test_an_error_while_writing_is_raised_where_the_pdf_is_asked_for() -> None:
    def fails(_doc: object) -> bytes:
        raise ValueError("no such font")

    written = aside.write_aside(fails, None)
    with pytest.raises(ValueError, match="no such font"):
        written.pdf()


def test_an_error_that_does_not_pickle_still_says_what_it_was() -> None:
    class Local(Exception):  # a class defined in a function cannot be pickled
        pass

    def fails(_doc: object) -> bytes:
        raise Local("lost")

    with pytest.raises(RuntimeError, match="Local: lost"):
        aside.write_aside(fails, None).pdf()


def test_running_out_of_memory_is_a_memory_error() -> None:
    def fails(_doc: object) -> bytes:
        raise MemoryError

    with pytest.raises(MemoryError):
        aside.write_aside(fails, None).pdf()


def test_an_abandoned_writer_is_ended() -> None:
    written = aside.write_aside(lambda _doc: time.sleep(60) or b"", None)
    pid = written.pid
    assert pid is not None
    start = time.monotonic()
    written.abandon()
    assert time.monotonic() - start < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and reaped: no zombie left


def test_a_document_that_fails_after_its_parts_ends_their_writers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[Printed] = []

    def parts(*_args: object) -> object:
        part = Printed(aside.write_aside(lambda _doc: time.sleep(60) or b"", None), [])
        made.append(part)
        yield part

    class Tree:
        weight, body = 10**6, object()

        def margins_only(self, _pages: object) -> object:
            raise RuntimeError("the stamp failed")

    monkeypatch.setattr("planforge.render.parts._parts", parts)
    monkeypatch.setattr("planforge.render.parts.Tree.of", lambda _root: Tree())

    class Html:
        etree_element = None

    with pytest.raises(RuntimeError, match="the stamp failed"):
        print_in_parts(Html(), lambda *_args: None, lambda _doc: b"")
    assert made and made[0].written.pid is None  # abandoned and reaped
