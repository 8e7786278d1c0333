"""Input-method slips, found where they are typed, before YAML reads the file (PF030–PF036).

A Chinese input method left on while typing YAML produces characters that look
right but mean something else to YAML: ``title：x`` (no key), ``[a，b]`` (one item),
an indentation of U+3000, “curly” quotes, ``２０２４``. libyaml then reports a
puzzling error a line later, or nothing at all. :func:`scan` finds each slip at its
exact line and column, says which character to type instead, and returns the text
with the slips repaired, so that loading goes on and the rest of the plan is still
checked. Only plain YAML structure is looked at: comments, quoted text and the
lines of ``|`` / ``>`` blocks are never touched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from planforge.diagnostics import Diagnostic, Edit, Fix, Location, Severity
from planforge.messages import N_, Message, msg

#: Whitespace YAML does not count as indentation or separation, and what to type instead.
SPACES = {
    "\u3000": "  ",  # IDEOGRAPHIC SPACE: two columns wide, so two spaces
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u202f": " ",
    "\u205f": " ",
    "\ufeff": "",
}
_DIGITS = {chr(0xFF10 + i): str(i) for i in range(10)}
#: Full-width signs in numbers, dates and targets.
_SIGNS = {
    "－": "-",
    "—": "-",
    "–": "-",
    "−": "-",
    "＋": "+",
    "．": ".",
    "％": "%",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "。": ".",
}
NUMERIC = {**_DIGITS, **_SIGNS}
_COMMAS = {"，": ",", "、": ","}
_CURLY_OPEN, _CURLY_CLOSE = "“‘", "”’"
_NAMES = {  # translated where they are used (a message's argument)
    "：": N_("full-width colon"),
    "，": N_("full-width comma"),
    "、": N_("enumeration comma"),
    "\u3000": N_("full-width space (U+3000)"),
    "\u00a0": N_("no-break space (U+00A0)"),
    "\u2002": N_("en space (U+2002)"),
    "\u2003": N_("em space (U+2003)"),
    "\u2009": N_("thin space (U+2009)"),
    "\u200b": N_("zero-width space (U+200B)"),
    "\u202f": N_("narrow no-break space (U+202F)"),
    "\u205f": N_("medium mathematical space (U+205F)"),
    "\ufeff": N_("zero-width no-break space (U+FEFF)"),
    "“": N_("curly quote"),
    "”": N_("curly quote"),
    "‘": N_("curly quote"),
    "’": N_("curly quote"),
}

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)\s*([:：])")
_BLOCK_HEADER = re.compile(r"[|>][+-]?[1-9]?[+-]?\s*(#.*)?$")
_NUMBERISH = re.compile(
    r"(?:[<>=≥≤]=?\s*)?[-+]?\d+(?:\.\d+)?%?(?:\s*\.\.\s*[-+]?\d+(?:\.\d+)?%?)?"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    # a duration, lag or response time: 5wd, 3个工作日, 24小时, 2 days
    r"|[-+]?\d+(?:\.\d+)?\s*(?:(?i:wd|h|hrs?|hours?|d|days?|w|wks?|weeks?)"
    r"|个?工作日|个?小时|个?钟头|天|周|个?星期|个?礼拜)"
)
_NEEDS_QUOTES = tuple(">|%@`*&!")


@dataclass
class Slip:
    """One input-method mistake: where, which code, what to say, and how to repair it."""

    code: str
    line: int
    col: int  # 1-based, characters
    end_col: int
    message: Message
    fix: Message
    edits: list[tuple[int, int, str]]  # (col, end_col, replacement) on ``line``
    severity: Severity = Severity.ERROR


def _name(char: str) -> str:
    """The character's name, as a message (so a Chinese message names it in Chinese)."""
    if char in _NAMES:
        return msg(_NAMES[char])
    return unicodedata.name(char, f"U+{ord(char):04X}").lower()


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Scanner:
    def __init__(self) -> None:
        self.slips: list[Slip] = []
        self.open_quote = ""  # a quoted value left open on the line just scanned

    def add(self, slip: Slip) -> None:
        self.slips.append(slip)

    def line(self, num: int, line: str) -> int | None:
        """Scan one line; returns its indentation when it opens a ``|``/``>`` block."""
        indent = self.indentation(num, line)
        pos = indent
        while line[pos : pos + 1] == "-" and line[pos + 1 : pos + 2] in ("", " ", *SPACES):
            pos += 1
            while pos < len(line) and (line[pos] == " " or line[pos] in SPACES):
                if line[pos] in SPACES:
                    self.space(num, pos, line[pos], "-")
                pos += 1
        rest = line[pos:]
        if not rest or rest.startswith("#"):
            return None
        key = _KEY.match(rest)
        if key is None or (key.group(2) == ":" and not self.ends_key(rest, key.end())):
            if key is not None and key.group(2) == ":" and key.group(1) in plan_keys():
                self.missing_space(num, pos, key)
            value_at = pos
        else:
            colon = pos + key.start(2)
            if key.group(2) == "：":
                self.full_width_colon(num, line, colon)
            value_at = colon + 1
            while value_at < len(line) and line[value_at] in " \t" + "".join(SPACES):
                if line[value_at] in SPACES:
                    self.space(num, value_at, line[value_at], ":")
                value_at += 1
        value = line[value_at:]
        if _BLOCK_HEADER.match(value):
            return indent
        self.value(num, value_at, value)
        return None

    @staticmethod
    def ends_key(rest: str, end: int) -> bool:
        after = rest[end : end + 1]
        return after in ("", " ", "\t", "\r") or after in SPACES

    def indentation(self, num: int, line: str) -> int:
        pos = 0
        while pos < len(line) and (line[pos] in " \t" or line[pos] in SPACES):
            if line[pos] in SPACES:
                self.space(num, pos, line[pos], "in")
            pos += 1
        return pos

    def space(self, num: int, pos: int, char: str, where: str) -> None:
        typed = SPACES[char]
        text = (
            msg("type {n} ordinary spaces instead", n=len(typed))
            if typed
            else msg("delete it (it is invisible)")
        )
        message = (
            msg(
                "the indentation contains a {char}: YAML only counts ordinary spaces, so this"
                " line's block is misread",
                char=_name(char),
            )
            if where == "in"
            else msg(
                "a {char} follows `{sign}`: YAML needs an ordinary space after it",
                char=_name(char),
                sign=where,
            )
        )
        self.add(Slip("PF032", num, pos + 1, pos + 2, message, text, [(pos + 1, pos + 2, typed)]))

    def full_width_colon(self, num: int, line: str, colon: int) -> None:
        after = line[colon + 1 : colon + 2]
        typed = ":" if after in ("", " ", "\r") else ": "
        key = line[:colon].strip(" -")
        value = line[colon + 1 :].strip()
        self.add(
            Slip(
                "PF030",
                num,
                colon + 1,
                colon + 2,
                msg(
                    "`{key}` is followed by a full-width colon `：`, which YAML does not read"
                    " as `key: value` (the input method was in Chinese mode)",
                    key=key,
                ),
                msg("type an ASCII colon and a space: `{fixed}`", fixed=f"{key}: {value}".rstrip()),
                [(colon + 1, colon + 2, typed)],
            )
        )

    def missing_space(self, num: int, pos: int, key: re.Match[str]) -> None:
        colon = pos + key.start(2)
        rest = key.string[key.end() :].rstrip()
        self.add(
            Slip(
                "PF035",
                num,
                colon + 1,
                colon + 2,
                msg(
                    "no space after the colon in `{text}`: YAML reads it as one piece of text,"
                    " not as the key `{key}`",
                    text=key.group(0) + rest,
                    key=key.group(1),
                ),
                msg("type a space after the colon: `{fixed}`", fixed=f"{key.group(1)}: {rest}"),
                [(colon + 2, colon + 2, " ")],
            )
        )

    def value(self, num: int, at: int, value: str) -> None:
        plain = _strip_comment(value).rstrip()
        if not plain:
            return
        first = plain[0]
        if first in "\"'":
            end = _closing(plain, first, 1)
            if end < 0:
                self.open_quote = first  # the text goes on over the next lines
                return
            self.numeric(num, at + 1, plain[1:end])
        elif first in _CURLY_OPEN:
            self.curly(num, at, plain)
        elif first in "[{":
            self.flow(num, at, plain)
        elif first in _NEEDS_QUOTES:
            self.needs_quotes(num, at, plain)
        else:
            self.numeric(num, at, plain)

    def needs_quotes(self, num: int, at: int, plain: str) -> None:
        if plain[0] in "*&!":
            return  # an alias, anchor or tag: the loader explains those
        fixed = _quoted(plain)
        self.add(
            Slip(
                "PF036",
                num,
                at + 1,
                at + 1 + len(plain),
                msg(
                    "`{value}`: a value that starts with `{char}` must be quoted, or YAML reads"
                    " `{char}` as one of its own signs",
                    value=plain,
                    char=plain[0],
                ),
                msg("type `{fixed}`", fixed=fixed),
                [(at + 1, at + 1 + len(plain), fixed)],
            )
        )

    def curly(self, num: int, at: int, plain: str) -> None:
        inner = plain[1:-1]
        if plain[-1] not in _CURLY_CLOSE or any(c in inner for c in _CURLY_OPEN + _CURLY_CLOSE):
            return
        meant = inner.strip()
        if not (
            meant.startswith(_NEEDS_QUOTES + tuple("<=≥≤#-"))
            or ": " in meant
            or " #" in meant
            or _NUMBERISH.fullmatch(_ascii(meant))
        ):
            return  # typographic quotes around text are the planner's choice
        fixed = _quoted(inner)
        self.add(
            Slip(
                "PF033",
                num,
                at + 1,
                at + 2,
                msg(
                    "the value is wrapped in curly quotes {open}…{close}: YAML only knows"
                    " straight quotes `\"` and `'`, so the curly ones become part of the value",
                    open=plain[0],
                    close=plain[-1],
                ),
                msg("type straight quotes: `{fixed}`", fixed=fixed),
                [(at + 1, at + 2, '"'), (at + len(plain), at + len(plain) + 1, '"')],
            )
        )
        self.numeric(num, at + 1, inner)

    def flow(self, num: int, at: int, plain: str) -> None:
        if plain.isascii():
            return  # full-width commas and digits are the only slips inside a flow
        close = "]" if plain[0] == "[" else "}"
        opened: list[str] = []
        quote, commas = "", []
        for i, c in enumerate(plain):
            if quote:
                quote = "" if c == quote else quote
            elif c in "\"'" and (i == 0 or plain[i - 1] in "[{, "):
                quote = c
            elif c in "[{":
                opened.append(c)
            elif c in "]}":
                opened.pop() if opened else None
                if not opened:
                    break
            elif c in _COMMAS and (
                opened[-1:] == ["["] or _KEY.match(plain, i + 1 + _spaces(plain, i + 1))
            ):
                commas.append(i)
        if commas:
            chars = "".join(sorted({plain[i] for i in commas}, key=plain.index))
            end = plain.find(close)
            body = plain[1 : end if end > 0 else None]
            items = re.split("[,，、]", body)
            merged = next((p for p in body.split(",") if any(c in p for c in _COMMAS)), body)
            fixed = plain[0] + ", ".join(s.strip() for s in items) + (close if end > 0 else "")
            self.add(
                Slip(
                    "PF031",
                    num,
                    at + commas[0] + 1,
                    at + commas[0] + 2,
                    msg(
                        "the list separates its items with {chars}, which YAML does not read as"
                        " a separator: `{value}` is one single item",
                        chars=" ".join(f"`{c}`" for c in chars),
                        value=merged.strip(),
                    ),
                    msg("separate the items with ASCII commas: `{fixed}`", fixed=fixed),
                    [(at + i + 1, at + i + 2, ", ") for i in commas],
                )
            )
        for item in re.finditer(r"[^\[\]{},，、:\s][^\[\]{},，、:]*", plain):
            self.numeric(num, at + item.start(), item.group(0).rstrip())

    def numeric(self, num: int, at: int, text: str) -> None:
        if text.isascii():
            return
        wide = [i for i, c in enumerate(text) if c in NUMERIC]
        if not wide or not any(c.isdigit() for c in text):
            return
        meant = _ascii(text)
        if not _NUMBERISH.fullmatch(meant.strip()):
            return
        signs = "".join(sorted({text[i] for i in wide if text[i] in _SIGNS}, key=text.index))
        chars = [f"`{c}` → `{_SIGNS[c]}`" for c in signs]
        if any(text[i] in _DIGITS for i in wide):
            chars.insert(0, "`０-９` → `0-9`")
        self.add(
            Slip(
                "PF034",
                num,
                at + wide[0] + 1,
                at + wide[-1] + 2,
                msg(
                    "`{value}` is typed with full-width characters ({chars}): numbers, dates"
                    " and targets need ASCII digits and signs, `{fixed}`",
                    value=text,
                    chars=", ".join(chars),
                    fixed=meant,
                ),
                msg("type `{fixed}`", fixed=meant),
                [(at + i + 1, at + i + 2, NUMERIC[text[i]]) for i in wide],
            )
        )


@functools.lru_cache(maxsize=1)
def plan_keys() -> frozenset[str]:
    """Every key the plan format defines (``title:x`` is a slip only for a real key)."""
    from planforge.schema import schema

    keys: set[str] = set()
    stack: list[object] = [schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                keys.update(props)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(keys)


def _spaces(text: str, at: int) -> int:
    return len(text[at:]) - len(text[at:].lstrip(" "))


def _ascii(text: str) -> str:
    return "".join(NUMERIC.get(c, c) for c in text)


def _strip_comment(value: str) -> str:
    quote = ""
    for i, c in enumerate(value):
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'" and (i == 0 or value[i - 1] in " [{,"):
            quote = c
        elif c == "#" and (i == 0 or value[i - 1] in " \t"):
            return value[:i]
    return value


def _slip_characters() -> re.Pattern[str]:
    chars = "".join(
        sorted({*SPACES, *NUMERIC, *_COMMAS, "：", *_CURLY_OPEN, *_CURLY_CLOSE, '"', "'"})
    )
    return re.compile("[" + re.escape(chars) + "]")


_SLIP_CHARACTER = _slip_characters()
_TIGHT_COLON = re.compile(r":\S")
_LEADING_SIGN = re.compile(r"[>|%@`]")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_WORD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


def suspects(text: str) -> list[int]:
    """Positions, in order, on the lines worth a closer look (at least one on each): a slip
    character, ``key:x``, or a value led by ``>|%@``` (at the start of a line or after
    ``:`` or ``-``, spaces between).

    Three searches for a single character or two, each confirmed by looking back, are
    several times faster than one regular expression trying every alternative at every
    character.
    """
    found = {m.start() for m in _SLIP_CHARACTER.finditer(text)}
    for m in _TIGHT_COLON.finditer(text):  # `key:x`: the word before the colon is a key
        at = begin = m.start()
        while begin > 0 and text[begin - 1] in _WORD:
            begin -= 1
        if begin < at and text[begin] in _WORD_START:
            found.add(at)
    for m in _LEADING_SIGN.finditer(text):
        begin = m.start()
        while begin > 0 and text[begin - 1] in " \t":
            begin -= 1
        if begin == 0 or text[begin - 1] in ":-\n":
            found.add(m.start())
    return sorted(found)


#: Lines longer than this are not scanned for slips: the scan is per character in Python,
#: and such a line is a generated or hostile file, not something typed with an input method.
MAX_LINE = 20_000


def scan(text: str) -> list[Slip]:
    """Every input-method slip in ``text``, in reading order.

    Most lines hold none of the characters a slip needs, so a few searches over the
    whole text (:func:`suspects`) find the lines worth parsing (the headers of ``|``/``>``
    blocks among them, so that the text inside a block is left alone).
    """
    scanner = _Scanner()
    lines = text.split("\n")
    block: tuple[int, int] | None = None  # (header line, its indentation)
    num, last, line_end, quoted_to = 1, 0, -1, 0
    for at in suspects(text):
        if at <= line_end:
            continue  # this line is done
        num += text.count("\n", last, at)
        last = at
        end = text.find("\n", last)
        line_end = len(text) if end < 0 else end
        if block is not None:
            if _inside(lines, block, num):
                continue
            block = None
        if num <= quoted_to:
            continue
        line = lines[num - 1].rstrip("\r")
        if len(line) > MAX_LINE:
            continue  # no plan writes such a line by hand; the bounds (PF108, PF009) report it
        if line.strip():
            indent = scanner.line(num, line)
            if indent is not None:
                block = (num, indent)
            if scanner.open_quote:
                quoted_to = _quote_end(lines, num, scanner.open_quote)
                scanner.open_quote = ""
    return scanner.slips


def _closing(text: str, quote: str, start: int) -> int:
    """Index of the quote that closes a YAML quoted value in ``text`` (-1 when open)."""
    i = start
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2  # '' is an escaped quote
                continue
            return i
        i += 1
    return -1


def _quote_end(lines: list[str], num: int, quote: str) -> int:
    """The line on which a quoted value opened on line ``num`` closes (the last line if never)."""
    for k in range(num, len(lines)):
        if _closing(lines[k], quote, 0) >= 0:
            return k + 1
    return len(lines)


def _inside(lines: list[str], block: tuple[int, int], num: int) -> bool:
    """True when line ``num`` is still text of the block opened on line ``block[0]``."""
    header, indent = block
    for line in lines[header:num]:
        stripped = line.rstrip("\r").lstrip(" ")
        if stripped and len(line) - len(line.lstrip(" ")) <= indent:
            return False
    return True


def repair(text: str, slips: list[Slip]) -> tuple[str, dict[int, list[tuple[int, int]]]]:
    """``text`` with every slip's edits applied, and per line the column shifts they cause.

    The shifts map a column in the repaired text back to the original: a list of
    (repaired column from which it applies, characters to subtract).
    """
    lines = text.split("\n")
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for slip in slips:
        by_line.setdefault(slip.line, []).extend(slip.edits)
    shifts: dict[int, list[tuple[int, int]]] = {}
    for num, edits in by_line.items():
        line = lines[num - 1]
        delta, marks, out, last = 0, [], [], 1
        for col, end, new in sorted(set(edits)):
            if col < last:
                continue  # overlapping edits: the first wins
            out += [line[last - 1 : col - 1], new]
            last = end
            before, delta = delta, delta + len(new) - (end - col)
            if delta != before:
                marks.append((col + before + len(new), delta))
        out.append(line[last - 1 :])
        lines[num - 1] = "".join(out)
        if marks:
            shifts[num] = marks
    return "\n".join(lines), shifts


def unshift(loc: Location, shifts: dict[int, list[tuple[int, int]]]) -> Location:
    """A location in the repaired text, moved back to where it is in the original."""

    def col(line: int, c: int | None) -> int | None:
        if c is None:
            return None
        back = 0
        for start, delta in shifts.get(line, ()):
            if c >= start:
                back = delta
        return max(c - back, 1)

    end_line = loc.end_line if loc.end_line is not None else loc.line
    return Location(loc.line, col(loc.line, loc.col) or 1, loc.end_line, col(end_line, loc.end_col))


def diagnostics(slips: list[Slip], path: str) -> list[Diagnostic]:
    """The slips as diagnostics, each with its exact, safe fix."""
    out = []
    for s in slips:
        edits = tuple(Edit((s.line, c), (s.line, e), new) for c, e, new in s.edits)
        loc = Location(s.line, s.col, s.line, s.end_col)
        out.append(
            Diagnostic(s.code, s.severity, s.message, path, loc, fix=Fix(s.fix, edits, True))
        )
    return out
