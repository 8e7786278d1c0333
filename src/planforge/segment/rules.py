"""Tier rules: SQL boolean expressions, parsed with sqlglot and checked against an allow-list.

A rule is never executed as SQL text: it is parsed into sqlglot's expression
tree, every node is checked against :data:`ALLOWED`, and only then compiled to
polars expressions (:mod:`planforge.segment.engine`) or printed as SQL for
another engine (:mod:`planforge.segment.sql`). Errors carry the 0-based
character offset of the mistake inside the rule text.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from planforge.messages import msg

#: sqlglot logs a warning when it falls back to a generic command (`DROP TABLE t`); the
#: rule is refused with a located error anyway, so its log never reaches the terminal.
logging.getLogger("sqlglot").addHandler(logging.NullHandler())

#: The one function a rule may call.
DAYS_SINCE = "days_since"

#: Node kinds that make a condition: connectives and comparisons.
_CONDITIONS: tuple[type[exp.Expression], ...] = (
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.In,
    exp.Between,
    exp.Is,
    exp.Like,
)

#: Node kinds a rule may contain.
ALLOWED: tuple[type[exp.Expression], ...] = (
    *_CONDITIONS,
    exp.Paren,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Neg,
    exp.Literal,
    exp.Null,
    exp.Boolean,
    exp.Column,
    exp.Identifier,
    exp.Cast,  # only DATE '…' literals, checked below
    exp.DataType,
    exp.Anonymous,  # only days_since(column), checked below
)

_LOOKALIKES = {
    "≥": ">=",
    "≤": "<=",
    "≠": "<>",
    "＝": "=",
    "＞": ">",
    "＜": "<",
    "（": "(",
    "）": ")",
}


class RuleError(ValueError):
    """A rule planforge cannot read; ``offset`` is 0-based into the rule text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


class ForbiddenError(RuleError):
    """A rule that reads but uses something a rule may not (a subquery, a function...)."""


@dataclass(frozen=True)
class ColumnRef:
    """A column a rule names, and where (0-based offset of its first character)."""

    name: str
    offset: int


@dataclass(frozen=True)
class Rule:
    """A checked rule: its text, its tree and the columns it names, in order."""

    text: str
    tree: exp.Expression
    columns: tuple[ColumnRef, ...]


def parse_rule(text: str) -> Rule:
    """Parse and check ``text``; raises :class:`RuleError` with the offset of the mistake."""
    for i, ch in enumerate(text):
        if ch in _LOOKALIKES:
            raise RuleError(
                msg("write `{good}` instead of `{bad}`", good=_LOOKALIKES[ch], bad=ch), i
            )
    if not text.strip():
        raise RuleError(msg("the rule is empty: write a condition such as `年消费 >= 150000`"))
    try:
        trees = sqlglot.parse(text)
    except (ParseError, TokenError) as exc:
        raise RuleError(*_parse_error(exc, text)) from None
    except RecursionError:
        raise RuleError("the rule is nested too deeply: write it with fewer parentheses") from None
    except Exception as exc:  # sqlglot raises others on odd input
        raise RuleError(msg("cannot read the rule ({error})", error=str(exc))) from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise ForbiddenError(
            msg(
                "a rule is one expression such as `年消费 >= 150000`, not several statements:"
                " remove the `;`"
            ),
            max(0, text.find(";")),
        )
    tree = trees[0]
    _check(tree, text)
    if not _is_boolean(tree):
        raise RuleError(
            msg(
                "a rule must be a condition (a comparison, IN, BETWEEN, LIKE, IS NULL...),"
                " e.g. `年消费 >= 150000`"
            )
        )
    return Rule(text, tree, tuple(_columns(tree)))


def _parse_error(exc: Exception, text: str) -> tuple[str, int]:
    errors = getattr(exc, "errors", None) or []
    if not errors:
        return msg("syntax error ({error})", error=str(exc)), 0
    err = errors[0]
    highlight = str(err.get("highlight") or "")
    end = _offset(text, err.get("line") or 1, err.get("col") or 1)
    start = max(0, end - len(highlight) + 1)
    desc = str(err.get("description") or "syntax error")
    if "Required keyword" in desc or "Expected" in desc:
        return (
            msg("the condition is incomplete here: a comparison needs a value on both sides"),
            start,
        )
    if highlight:
        return (
            msg(
                "syntax error near `{near}`: write a condition such as `年消费 >= 150000`",
                near=highlight,
            ),
            start,
        )
    return msg("syntax error: write a condition such as `年消费 >= 150000`"), start


def _offset(text: str, line: int, col: int) -> int:
    lines = text.split("\n")
    before = sum(len(x) + 1 for x in lines[: max(0, line - 1)])
    return min(len(text) - 1 if text else 0, max(0, before + col - 1))


_BOOLEAN = (*_CONDITIONS, exp.Boolean)


def _is_boolean(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, _BOOLEAN)


def _check(tree: exp.Expression, text: str) -> None:
    for node in tree.walk():
        if not isinstance(node, ALLOWED):
            raise ForbiddenError(_forbidden(node), _locate(node, text))
        _check_shape(node, text)
        if isinstance(node, exp.Anonymous):
            name = str(node.this)
            if name.lower() != DAYS_SINCE:
                raise ForbiddenError(
                    msg(
                        "`{name}` is not allowed: the only function is days_since(column)",
                        name=name,
                    ),
                    _locate(node, text),
                )
            args = node.expressions
            if len(args) != 1 or not isinstance(args[0], exp.Column):
                raise ForbiddenError(
                    msg("days_since takes one column: days_since(最近消费日期)"),
                    _locate(node, text),
                )
        if isinstance(node, exp.Cast):
            to = node.args.get("to")
            if not (
                isinstance(node.this, exp.Literal)
                and node.this.is_string
                and isinstance(to, exp.DataType)
                and to.this == exp.DataType.Type.DATE
            ):
                raise ForbiddenError(
                    msg("only DATE '2024-01-01' literals are allowed, not CAST"),
                    _locate(node, text),
                )
            _check_date(node.this.this, node, text)
        if isinstance(node, exp.Column) and (node.args.get("table") or node.args.get("db")):
            raise ForbiddenError(
                msg("write the column name alone, without a table: `{name}`", name=node.name),
                _locate(node, text),
            )


#: A number in a rule: at most this many digits before the point (the plan's own bound)
#: and this many after it, so it fits every engine's number types.
_MAX_INTEGER_DIGITS, _MAX_FRACTION_DIGITS = 15, 10
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _check_shape(node: exp.Expression, text: str) -> None:
    """What the types of a rule need, checked before any data is read: AND, OR and NOT
    join conditions, IN lists a value, and every number is one an engine can hold."""
    if isinstance(node, (exp.And, exp.Or, exp.Not)):
        word = "AND" if isinstance(node, exp.And) else "OR" if isinstance(node, exp.Or) else "NOT"
        for side in (node.this, node.args.get("expression")):
            if side is not None and not _is_boolean(side):
                raise RuleError(
                    msg(
                        "{word} needs a condition, and `{expr}` is not one: compare it,"
                        " e.g. `{expr} = TRUE` or `{expr} > 0`",
                        expr=side.sql()[:40],
                        word=word,
                    ),
                    _locate(side, text),
                )
    if isinstance(node, exp.In) and not node.expressions and node.args.get("query") is None:
        at = re.search(r"\bIN\s*\(", text, re.IGNORECASE)
        raise RuleError(
            msg("IN needs at least one value: `城市 IN ('上海', '北京')`"),
            at.start() if at else _locate(node, text),
        )
    if isinstance(node, exp.Literal) and not node.is_string:
        _check_number(node, text)


def _check_number(node: exp.Literal, text: str) -> None:
    try:
        value: Decimal | None = Decimal(str(node.this))
    except InvalidOperation:  # an exponent beyond what a Decimal holds, or not a number
        value = None
    if value is None and not _NUMBER.fullmatch(str(node.this)):
        raise RuleError(
            msg("`{value}` is not a number: write it as 150000 or 0.5", value=str(node.this)[:40]),
            _locate_literal(node, text),
        )
    if value is None or not value.is_finite() or _too_long(value):
        raise RuleError(
            msg(
                "`{value}` is out of range: a number in a rule has at most {whole} digits"
                " before the point and {places} after it",
                value=str(node.this)[:40],
                whole=_MAX_INTEGER_DIGITS,
                places=_MAX_FRACTION_DIGITS,
            ),
            _locate_literal(node, text),
        )


def _too_long(value: Decimal) -> bool:
    digits, exponent = value.as_tuple().digits, value.as_tuple().exponent
    assert isinstance(exponent, int)
    integer = max(len(digits) + exponent, 0)
    fraction = max(-exponent, 0) if any(digits) else 0
    return integer > _MAX_INTEGER_DIGITS or fraction > _MAX_FRACTION_DIGITS


def _locate_literal(node: exp.Literal, text: str) -> int:
    at = text.find(str(node.this))
    return at if at >= 0 else _locate(node, text)


def _check_date(value: str, node: exp.Expression, text: str) -> None:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise RuleError(
            msg("`{value}` is not a date: write DATE '2024-01-01'", value=value),
            _locate(node, text),
        ) from None


def _forbidden(node: exp.Expression) -> str:
    if isinstance(node, (exp.Select, exp.Subquery, exp.Query)):
        return msg("a subquery is not allowed in a rule: compare columns with values")
    if isinstance(node, exp.Func):
        return msg(
            "the function `{name}` is not allowed: the only function is days_since(column)",
            name=node.sql_name(),
        )
    if isinstance(node, exp.Star):
        return msg("`*` is not allowed in a rule: name a column")
    return msg(
        "`{expr}` is not allowed in a rule: use comparisons, AND/OR/NOT, IN, BETWEEN,"
        " IS NULL, LIKE, + - * /, numbers, strings, DATE '…' and days_since(column)",
        expr=node.sql()[:40],
    )


def _columns(tree: exp.Expression) -> list[ColumnRef]:
    out = [ColumnRef(c.name, offset_of(c)) for c in tree.find_all(exp.Column)]
    return sorted(out, key=lambda c: c.offset)


def offset_of(node: exp.Expression) -> int:
    """The first character of ``node`` that sqlglot located (identifiers carry positions)."""
    starts = [
        n.meta["start"] for n in node.walk() if isinstance(n.meta, dict) and "start" in n.meta
    ]
    return min(starts) if starts else -1


def _locate(node: exp.Expression, text: str) -> int:
    """Best offset for a node: a keyword or function name it starts with, else its first identifier."""
    words: list[str] = []
    if isinstance(node, exp.Anonymous):
        words.append(str(node.this))
    elif isinstance(node, exp.Func):
        words.append(node.sql_name())
    if isinstance(node, (exp.Select, exp.Subquery, exp.Query)):
        words.append("SELECT")
    if isinstance(node, exp.Cast):
        words.append("CAST")
        words.append("DATE")
    upper = text.upper()
    for word in words:
        at = upper.find(word.upper())
        if at >= 0:
            return at
    start = offset_of(node)
    return start if start >= 0 else 0


def suggest(name: str, columns: list[str]) -> str | None:
    """The closest column to ``name``, if any is close enough."""
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.5)
    return close[0] if close else None
