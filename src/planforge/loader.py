"""Load a plan file into plain data plus a :class:`SourceMap` of where each value is.

The YAML is read as a stream of parser events (libyaml's when available) and built
here, iteratively, so that every value keeps its line and column and every hostile
construct is refused before it costs anything:

* duplicate keys, ``!!python/...`` and other tags, and merge keys are errors;
* nesting deeper than :data:`MAX_DEPTH` and alias expansion beyond
  :data:`MAX_ALIAS_NODES` are refused (billion-laughs documents stop at once);
* scalars get their YAML 1.2 meaning with exact decimals (see :mod:`planforge.scalars`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import yaml

from planforge import ime
from planforge.bounds import MAX_TEXT, MAX_VALUES
from planforge.diagnostics import Diagnostic, Edit, Fix, Location, Related, Severity
from planforge.encoding import DecodeError, decode
from planforge.messages import Message, msg
from planforge.scalars import NUMBER_STARTS, WORDS, NumberOutOfBounds, parse_number, plain_scalar
from planforge.source import Path, SourceMap

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 100_000

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null")}


@dataclass
class Document:
    """A loaded plan file: its text, its data, where each value is, and what went wrong."""

    path: str
    text: str = ""
    data: dict[str, Any] | None = None
    sha256: str = ""  # of the file's bytes: printed plans name the exact source
    source: SourceMap = field(default_factory=SourceMap)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    def lines(self) -> list[str]:
        """The text's lines (split once, however many findings quote them)."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines


class LoadError(Exception):
    """A problem that stops loading: the file cannot be turned into a plan at all."""

    def __init__(self, code: str, message: str, location: Location, fix: Fix | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.location = location
        self.fix = fix


#: ``Location`` built from a plain tuple: a C call, where the named tuple's own
#: constructor is a Python function (the loader makes one per key and value).
_location = functools.partial(tuple.__new__, Location)


def _loc(start: yaml.Mark, end: yaml.Mark | None = None) -> Location:
    if end is None:
        return _location((start.line + 1, start.column + 1, None, None))
    return _location((start.line + 1, start.column + 1, end.line + 1, end.column + 1))


def load_file(path: str | os.PathLike[str]) -> Document:
    """Read and load a plan file; never raises for the file itself.

    Only regular files are read: a FIFO, a device or a directory is PF007 (reading
    one could hang or never end), a file that cannot be opened (a dangling symlink,
    no permission) is PF008. The file is opened without blocking and checked again
    once open, so swapping a FIFO in after the check cannot hang either.
    """
    name = os.fspath(path)
    try:
        data = _read_regular(name)
    except _NotRegular as exc:
        return _unreadable(name, "PF007", str(exc))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if os.path.islink(name) and not os.path.exists(name):
            reason = f"it is a symbolic link to `{os.readlink(name)}`, which does not exist"
        return _unreadable(name, "PF008", f"the file cannot be read: {reason}")
    return load_bytes(data, name)


class _NotRegular(Exception):
    pass


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_regular(name: str) -> bytes:
    kind = _kind(os.stat(name).st_mode)
    if kind is None:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            kind = _kind(os.fstat(fd).st_mode)
            if kind is None:
                return fh.read(MAX_BYTES + 1)
    raise _NotRegular(
        f"this is {kind}, not a plan file: planforge reads only regular files; move it out of"
        " the plans folder or rename it so it does not end in .yaml/.yml"
    )


def _unreadable(name: str, code: str, message: str) -> Document:
    doc = Document(name)
    doc.diagnostics.append(Diagnostic(code, Severity.ERROR, message, name))
    return doc


def load_bytes(data: bytes, path: str = "<bytes>") -> Document:
    """Load a plan from raw bytes: size limit, then UTF-8 decoding, then YAML."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        doc = Document(path)
        doc.diagnostics.append(
            Diagnostic(
                "PF006",
                Severity.ERROR,
                msg(
                    "the file is larger than {mb} MB; a plan is a few hundred kilobytes at most",
                    mb=MAX_BYTES // (1024 * 1024),
                ),
                path,
                fix=Fix(msg("split it, or check it is the right file")),
            )
        )
        return doc
    try:
        text = decode(data)
    except DecodeError as exc:
        doc = Document(path, sha256=digest)
        doc.diagnostics.append(
            Diagnostic(
                "PF001",
                Severity.ERROR,
                exc.message,
                path,
                Location(exc.line, exc.col),
                fix=Fix(msg("save the file as UTF-8 (in your editor: Save with encoding → UTF-8)")),
            )
        )
        return doc
    doc = load_text(text, path)
    doc.sha256 = digest
    return doc


def load_text(text: str, path: str = "<string>") -> Document:
    """Load plan text (already decoded). Never raises for bad content: see ``diagnostics``.

    Input-method slips (:mod:`planforge.ime`) are reported first; YAML then reads the
    text with them repaired, so the rest of the plan is still checked.
    """
    doc = Document(path, text)
    slips = ime.scan(text)
    parsed, shifts = ime.repair(text, slips) if slips else (text, {})
    builder = _Builder(doc)
    try:
        doc.data = builder.build(parsed)
    except LoadError as exc:
        doc.data = None
        doc.diagnostics.append(
            Diagnostic(exc.code, Severity.ERROR, exc.message, path, exc.location, fix=exc.fix)
        )
    if shifts:
        _unshift(doc, shifts)
    doc.diagnostics[:0] = ime.diagnostics(slips, path)
    return doc


def _unshift(doc: Document, shifts: dict[int, list[tuple[int, int]]]) -> None:
    """Move locations found in the repaired text back to the original's columns."""
    for table in (doc.source.values, doc.source.keys):
        for key, loc in table.items():
            if loc.line in shifts or loc.end_line in shifts:
                table[key] = ime.unshift(loc, shifts)
    doc.diagnostics = [
        replace(d, location=ime.unshift(d.location, shifts)) for d in doc.diagnostics
    ]


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    size: int = 1
    key: str | None = None
    key_loc: Location | None = None
    has_key: bool = False
    discard: bool = False  # under a dropped key: build, but record nothing
    rejected: bool = False  # carried a forbidden tag: becomes None


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.source = doc.source
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.alias_nodes = 0
        self.values = 0
        self.stack: list[_Frame] = []
        self.value_locs = doc.source.values
        self.key_locs = doc.source.keys
        self.root: Any = None
        self.root_set = False
        self.documents = 0

    def error(
        self,
        code: str,
        message: str,
        loc: Location,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
    ) -> None:
        self.doc.diagnostics.append(
            Diagnostic(code, Severity.ERROR, message, self.doc.path, loc, related, fix)
        )

    def build(self, text: str) -> dict[str, Any]:
        loader = None
        try:
            loader = _Loader(text)
            self.events(loader.get_event)
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(exc, text) from None
        except yaml.reader.ReaderError as exc:
            raise _reader_error(exc, text) from None
        except yaml.YAMLError as exc:  # pragma: no cover - libyaml errors always carry a mark
            raise LoadError(
                "PF002", msg("the YAML cannot be read: {error}", error=str(exc)), Location()
            ) from None
        finally:
            if loader is not None:
                loader.dispose()
        if not self.root_set or self.root is None:
            raise LoadError(
                "PF006",
                msg("the file is empty"),
                Location(),
                Fix(
                    msg(
                        "start with `planforge: 1` followed by the plan's blocks, or run `planforge init`"
                    )
                ),
            )
        if not isinstance(self.root, dict):
            kind = (
                msg("a list")
                if isinstance(self.root, list)
                else msg("the single value `{value}`", value=self.root)
            )
            raise LoadError(
                "PF006",
                msg("the file holds {kind}, not a plan", kind=kind),
                self.source.value(()),
                Fix(msg("a plan is a set of `key: value` blocks starting with `planforge: 1`")),
            )
        return self.root

    # -- events -------------------------------------------------------------------------

    def events(self, next_event: Callable[[], yaml.Event | None]) -> None:
        """Handle every event of the stream.

        Most events are untagged scalars without an anchor inside a block: a new key, or
        a plain or quoted value of ordinary length. Those are handled here, in one loop
        (what :meth:`scalar`, :meth:`count` and :meth:`add` do for them, without the
        calls); every other event goes to its method.
        """
        dispatch = {  # a local: kept on self, its bound methods would make a reference cycle
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.document_start,
        }
        scalar, scalar_event = self.scalar, yaml.ScalarEvent
        plain = self.plain_value
        stack, value_locs, key_locs = self.stack, self.value_locs, self.key_locs
        location, words, starts = _location, WORDS, NUMBER_STARTS
        while (ev := next_event()) is not None:
            kind = type(ev)
            if kind is not scalar_event:
                handler = dispatch.get(kind)
                if handler is not None:
                    handler(ev)
                continue
            text = ev.value
            if not stack or ev.tag is not None or ev.anchor or len(text) > MAX_TEXT:
                scalar(ev)
                continue
            top = stack[-1]
            container = top.container
            is_map = type(container) is dict
            if is_map and not top.has_key:
                if text == "<<" or text in container:
                    scalar(ev)
                    continue
                start, end = ev.start_mark, ev.end_mark
                top.key, top.has_key = text, True
                top.key_loc = location(
                    (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                )
                continue
            start, end = ev.start_mark, ev.end_mark
            loc = location((start.line + 1, start.column + 1, end.line + 1, end.column + 1))
            self.values += 1
            if self.values > MAX_VALUES:
                raise _too_many(loc)
            if ev.style not in ("", None):  # quoted text without a tag: itself
                value: Any = text
            elif text in words:
                value = words[text]
            elif text[:1] not in starts:
                value = text
            else:
                value = plain(ev, loc, text)
            top.size += 1
            if is_map:
                key, top.has_key = top.key, False
                if key is None:
                    continue
                if not top.discard:
                    path = (*top.path, key)
                    value_locs[path] = loc
                    if top.key_loc is not None:
                        key_locs[path] = top.key_loc
                container[key] = value  # type: ignore[index]
            else:
                if not top.discard:
                    value_locs[(*top.path, len(container))] = loc
                container.append(value)  # type: ignore[union-attr]

    def plain_value(self, ev: yaml.ScalarEvent, loc: Location, text: str) -> Any:
        """An untagged plain scalar's value: a number, a date, a word or the text itself."""
        try:
            return plain_scalar(text)
        except NumberOutOfBounds as exc:
            return self.out_of_bounds(ev, loc, exc)

    def document_start(self, ev: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise LoadError(
                "PF006",
                msg("the file holds more than one YAML document (a second `---`)"),
                _loc(ev.start_mark),
                Fix(msg("keep one plan per file")),
            )

    def child_path(self) -> Path | None:
        """Path of the value about to be added, or None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.discard:
            return None
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if not top.has_key:
            return None
        return (*top.path, top.key) if top.key is not None else None

    def scalar(self, ev: yaml.ScalarEvent) -> None:
        start, end = ev.start_mark, ev.end_mark
        loc = _location((start.line + 1, start.column + 1, end.line + 1, end.column + 1))
        plain = ev.style in ("", None)
        text, stack = ev.value, self.stack
        if stack and not stack[-1].has_key and type(stack[-1].container) is dict:
            top = stack[-1]
            if (
                ev.tag is None
                and text != "<<"
                and text not in top.container
                and len(text) <= MAX_TEXT
            ):
                top.key, top.key_loc, top.has_key = text, loc, True  # a key like most
            else:
                self.key(ev, loc, plain)
            return
        self.count(loc)
        if ev.tag is not None or len(text) > MAX_TEXT:
            value = self.bounded_value(ev, loc, plain)
        elif not plain:  # quoted text without a tag: itself
            value = text
        else:
            value = self.plain_value(ev, loc, text)
        if ev.anchor:
            self.anchors[ev.anchor] = (value, 1)
        self.add(value, loc, 1)

    def count(self, loc: Location) -> None:
        """One more value; past :data:`MAX_VALUES` loading stops, before any check runs."""
        self.values += 1
        if self.values > MAX_VALUES:
            raise _too_many(loc)

    def key(self, ev: yaml.ScalarEvent, loc: Location, plain: bool) -> None:
        top = self.stack[-1]
        assert isinstance(top.container, dict)
        name: str | None = ev.value
        if len(ev.value) > MAX_TEXT:
            self.error("PF108", _too_long("key", ev.value), loc)
            name = None
        elif ev.tag not in (None, "!", _STD + "str"):
            self.error(
                "PF004",
                msg("a key cannot carry the tag `{tag}`", tag=ev.tag),
                loc,
                fix=Fix(msg("remove the tag")),
            )
        if plain and name == "<<" and ev.tag is None:
            self.error(
                "PF004",
                msg("merge keys (`<<: *anchor`) are a YAML 1.1 feature planforge does not support"),
                loc,
                fix=Fix(msg("write the keys out instead of `<<`")),
            )
            name = None
        elif name in top.container:
            first = self.source.keys.get((*top.path, name), Location())
            self.error(
                "PF003",
                msg(
                    "the key `{name}` appears twice in this block (first on line {line})",
                    name=name,
                    line=first.line,
                ),
                loc,
                (Related(msg("`{name}` first defined here", name=name), first),),
                Fix(msg("keep one of the two `{name}` lines and delete the other", name=name)),
            )
            name = None
        top.key = name
        top.key_loc = loc
        top.has_key = True

    def bounded_value(self, ev: yaml.ScalarEvent, loc: Location, plain: bool) -> Any:
        """The scalar's value, or None (with a PF106/PF108 error) when it is out of bounds."""
        if len(ev.value) > MAX_TEXT and not (plain and parse_number_text(ev.value)):
            self.error("PF108", _too_long("value", ev.value), loc)
            return None
        try:
            return self.scalar_value(ev, loc, plain)
        except NumberOutOfBounds as exc:
            return self.out_of_bounds(ev, loc, exc)

    def out_of_bounds(self, ev: yaml.ScalarEvent, loc: Location, exc: NumberOutOfBounds) -> None:
        """PF106 for a number beyond planforge's bounds; the value becomes None."""
        self.error(
            "PF106",
            msg("the number `{value}` {problem}", value=_clip(ev.value), problem=exc.args[0]),
            loc,
            fix=Fix(msg("round it, or count in a smaller unit")),
        )

    def scalar_value(self, ev: yaml.ScalarEvent, loc: Location, plain: bool) -> Any:
        tag = ev.tag
        if tag in (None, "!"):
            return plain_scalar(ev.value) if plain and tag is None else ev.value
        if tag == _STD + "str":
            return ev.value
        if tag in _SCALAR_TAGS:
            value = plain_scalar(ev.value)
            ok = {
                _STD + "int": isinstance(value, Decimal) and value == value.to_integral_value(),
                _STD + "float": parse_number(ev.value) is not None,
                _STD + "bool": isinstance(value, bool),
                _STD + "null": value is None,
            }[tag]
            if ok:
                return value
            self.error(
                "PF004",
                msg("`{value}` does not fit its tag `{tag}`", value=ev.value, tag=tag),
                loc,
                fix=Fix(msg("remove the tag")),
            )
            return None
        self.unsupported_tag(tag, loc)
        return None

    def unsupported_tag(self, tag: str, loc: Location) -> None:
        short = tag.replace(_STD, "!!")
        message = (
            msg("the tag `{tag}` is not allowed in a plan (it could run code)", tag=short)
            if "python" in tag
            else msg("the tag `{tag}` is not allowed in a plan", tag=short)
        )
        self.error("PF004", message, loc, fix=Fix(msg("remove `{tag}`", tag=short)))

    def start(self, ev: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        loc = _loc(ev.start_mark)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, dict) and not top.has_key:
            raise LoadError(
                "PF002",
                msg("a key must be plain text, not a list or a block"),
                loc,
                Fix(msg("write `key: value`")),
            )
        if len(self.stack) >= MAX_DEPTH:
            raise _too_deep(loc)
        self.count(loc)
        is_map = isinstance(ev, yaml.MappingStartEvent)
        path = self.child_path()
        frame = _Frame({} if is_map else [], path or (), ev.anchor, discard=path is None)
        if ev.tag not in (None, "!", _STD + ("map" if is_map else "seq")):
            self.unsupported_tag(ev.tag, loc)
            frame.rejected = True
        if path is not None:
            self.source.values[path] = loc
        if ev.anchor:
            self.open_anchors.add(ev.anchor)
        self.stack.append(frame)

    def end(self, ev: yaml.MappingEndEvent | yaml.SequenceEndEvent) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
        value = None if frame.rejected else frame.container
        if frame.anchor:
            self.anchors[frame.anchor] = (value, frame.size)
        self.add(value, None, frame.size)

    def alias(self, ev: yaml.AliasEvent) -> None:
        loc = _loc(ev.start_mark, ev.end_mark)
        if ev.anchor in self.open_anchors:
            raise LoadError(
                "PF005",
                msg("the alias `*{name}` refers to a block that contains it", name=ev.anchor),
                loc,
                Fix(msg("write the values out instead of the alias")),
            )
        if ev.anchor not in self.anchors:
            raise LoadError(
                "PF002",
                msg("the alias `*{name}` has no matching `&{name}`", name=ev.anchor),
                loc,
                Fix(msg('a value starting with `*` must be quoted: `"*{name}"`', name=ev.anchor)),
            )
        value, size = self.anchors[ev.anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise LoadError(
                "PF005",
                msg(
                    "aliases expand to more than {limit} values (an 'alias bomb')",
                    limit=f"{MAX_ALIAS_NODES:,}",
                ),
                loc,
                Fix(msg("write the repeated parts out, or use fewer nested aliases")),
            )
        if self.stack and isinstance(self.stack[-1].container, dict) and not self.stack[-1].has_key:
            raise LoadError(
                "PF002", msg("an alias cannot be used as a key"), loc, Fix(msg("write the key out"))
            )
        self.add(value, loc, size)

    def add(self, value: Any, loc: Location | None, size: int) -> None:
        """Attach a finished value to its parent (or make it the root)."""
        if not self.stack:
            self.root, self.root_set = value, True
            if loc is not None:
                self.source.values[()] = loc
            return
        top = self.stack[-1]
        top.size += size
        container = top.container
        if type(container) is list:
            if loc is not None and not top.discard:
                self.value_locs[(*top.path, len(container))] = loc
            container.append(value)
            return
        key, top.has_key = top.key, False
        if key is None:
            return
        if not top.discard:
            path = (*top.path, key)
            if loc is not None:
                self.value_locs[path] = loc
            if top.key_loc is not None:
                self.key_locs[path] = top.key_loc
        container[key] = value


def _too_many(loc: Location) -> LoadError:
    return LoadError(
        "PF009",
        msg(
            "the plan holds more than {limit} values (this is the first one over); a"
            " campaign plan holds a few hundred to a few thousand",
            limit=f"{MAX_VALUES:,}",
        ),
        loc,
        Fix(msg("split it into several plans, or check that it is the right file")),
    )


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _too_long(what: str, text: str) -> Message:
    return msg(
        "this {what} (`{text}`) is {length} characters long; planforge reads at most {limit}"
        " characters in one value: shorten it or move it to a document",
        what=msg("key") if what == "key" else msg("value"),
        text=_clip(text),
        length=f"{len(text):,}",
        limit=f"{MAX_TEXT:,}",
    )


def parse_number_text(text: str) -> bool:
    """True when ``text`` is written like a number (however long)."""
    try:
        return parse_number(text) is not None
    except NumberOutOfBounds:
        return True


def _reader_error(exc: yaml.reader.ReaderError, text: str) -> LoadError:
    """A character YAML does not allow (control characters pasted from Word or Excel)."""
    pos = max(exc.position, 0)
    if _Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, not characters
        pos = len(text.encode("utf-8")[:pos].decode("utf-8", errors="ignore"))
    pos = min(pos, len(text))
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return LoadError(
        "PF002",
        msg(
            "the character U+{code} is not allowed in YAML (control characters often come"
            " from text copied out of Word or Excel)",
            code=f"{char:04X}",
        ),
        Location(line, col),
        Fix(msg("delete it"), (Edit((line, col), (line, col + 1), ""),)),
    )


def _too_deep(loc: Location) -> LoadError:
    return LoadError(
        "PF005",
        msg("the plan nests deeper than {limit} levels; a plan needs about five", limit=MAX_DEPTH),
        loc,
        Fix(msg("flatten the blocks: a plan needs about five levels")),
    )


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> LoadError:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(mark.line + 1, mark.column + 1) if mark else Location()
    problem = exc.problem or str(exc)
    lines = text.splitlines()
    line = lines[loc.line - 1] if 0 < loc.line <= len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent or "'\\t'" in problem:
        tab_col = line.find("\t") + 1 if "\t" in line else loc.col
        return LoadError(
            "PF002",
            msg("a tab character is used for indentation; YAML needs spaces"),
            Location(loc.line, tab_col),
            Fix(msg("indent with spaces (set your editor to insert spaces for Tab)")),
        )
    if "maximum nesting depth" in problem:  # PyYAML >= 6.0.3 stops deep flow nesting itself
        return _too_deep(loc)
    context = exc.context or ""
    start = exc.context_mark
    at = Location(start.line + 1, start.column + 1) if start else loc
    opened = lines[at.line - 1] if 0 < at.line <= len(lines) else ""
    if "quoted scalar" in context:
        quote = opened[at.col - 1 : at.col] or '"'
        return LoadError(
            "PF002",
            msg(
                "the quote {quote} opened here is never closed, so YAML reads the rest of"
                " the file as part of this value",
                quote=f"`{quote}`",
            ),
            at,
            _append_fix(at.line, opened, quote, msg("close the quote at the end of the value")),
        )
    if "flow sequence" in context or "flow mapping" in context:
        bracket = opened[at.col - 1 : at.col] or "["
        close = "]" if bracket == "[" else "}"
        return LoadError(
            "PF002",
            msg(
                "the {bracket} opened here is never closed: a list written in brackets"
                " ends with {close} on the same line",
                bracket=f"`{bracket}`",
                close=f"`{close}`",
            ),
            at,
            _append_fix(at.line, opened, close, msg("end the list with {close}", close=close)),
        )
    if "simple key" in context and "expected ':'" in problem:
        return LoadError(
            "PF002",
            msg(
                "this line is neither `key: value` nor a list item `- ...`: is the colon after"
                " the key missing, or is it text that belongs on the line above?"
            ),
            at,
            Fix(msg("write it as `key: value`, e.g. `title: 老客户唤醒月`")),
        )
    if "mapping values are not allowed" in problem:
        colon = line.find(": ")
        value = line[colon + 2 :].strip() if colon >= 0 else ""
        fixed = f'{line[:colon].strip()}: "{value}"' if value else ""
        return LoadError(
            "PF002",
            msg("a second `: ` on this line: a value that contains `: ` must be put in quotes"),
            loc,
            Fix(msg("type `{fixed}`", fixed=fixed) if fixed else msg("put the value in quotes")),
        )
    detail = f"{context}: {problem}" if context else problem
    return LoadError(
        "PF002",
        msg("the YAML cannot be read here ({detail})", detail=detail),
        loc,
        Fix(msg("compare the line with a `key: value` line of the example plan")),
    )


def _append_fix(line_no: int, line: str, char: str, text: Message) -> Fix:
    body = line.rstrip("\r")
    comment = body.find(" #")
    end = len(body.rstrip()) if comment < 0 else len(body[:comment].rstrip())
    return Fix(text, (Edit((line_no, end + 1), (line_no, end + 1), char),))
