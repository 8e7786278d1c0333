"""KPI formulas: a tiny, safe arithmetic language over measures (never ``eval``).

Grammar::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | primary
    primary := NUMBER | NAME | "(" expr ")"

Numbers are exact decimals; names are measures or built-ins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException

from planforge.bounds import MAX_FORMULA, MAX_MAGNITUDE, MAX_NESTING, arithmetic, read_number
from planforge.messages import msg

MAX_DEPTH = MAX_NESTING
_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()]))"
)


class FormulaError(ValueError):
    """The formula cannot be read; ``column`` is 1-based within the formula text."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.column = column


class Undefined(ArithmeticError):
    """The formula has no value (division by zero)."""


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Expr
    right: Expr


Expr = Num | Name | Neg | BinOp


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            bad = len(text[pos:]) - len(text[pos:].lstrip())
            raise FormulaError(
                msg(
                    "`{char}` cannot appear in a formula (use + - * / and parentheses)",
                    char=text[pos + bad],
                ),
                pos + bad + 1,
            )
        kind = m.lastgroup or "op"
        tokens.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise FormulaError(msg("the formula ends too early"), len(self.text) + 1)
        self.i += 1
        return tok

    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(msg("the formula nests too deeply"), self.tokens[self.i - 1][2])
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Expr:
        node = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.unary())
        return node

    def unary(self) -> Expr:
        tok = self.peek()
        if tok and tok == ("op", "-", tok[2]):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(msg("the formula nests too deeply"), tok[2])
            node = Neg(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Expr:
        kind, text, col = self.take()
        if kind == "num":
            try:
                return Num(read_number(text))
            except ValueError as exc:
                raise FormulaError(str(exc), col) from None
        if kind == "name":
            return Name(text, col)
        if text == "(":
            node = self.expr()
            close = self.peek()
            if close is None or close[1] != ")":
                raise FormulaError(msg("a `(` is never closed"), col)
            self.take()
            return node
        raise FormulaError(
            msg("expected a number, a name or `(` but found `{text}`", text=text), col
        )


def parse(text: str) -> Expr:
    """Parse ``text`` into an expression tree. Raises :class:`FormulaError`."""
    if len(text) > MAX_FORMULA:
        raise FormulaError(
            msg(
                "the formula is {length} characters long; planforge reads formulas of at most"
                " {limit} characters: split it into measures",
                length=f"{len(text):,}",
                limit=MAX_FORMULA,
            ),
            MAX_FORMULA + 1,
        )
    parser = _Parser(text)
    if not parser.tokens:
        raise FormulaError(msg("the formula is empty"))
    node = parser.expr()
    extra = parser.peek()
    if extra is not None:
        raise FormulaError(msg("unexpected `{text}`", text=extra[1]), extra[2])
    return node


def names(node: Expr) -> list[Name]:
    """Every name the expression uses, in order."""
    if isinstance(node, Name):
        return [node]
    if isinstance(node, Neg):
        return names(node.operand)
    if isinstance(node, BinOp):
        return names(node.left) + names(node.right)
    return []


def evaluate(node: Expr, env: dict[str, Decimal]) -> Decimal:
    """Value of ``node`` in planforge's decimal context; every name must be in ``env``.

    Raises :class:`Undefined` for a division by zero, and for a value (or a step on
    the way) beyond the bounds of :mod:`planforge.bounds`.
    """
    with arithmetic():
        try:
            value = _eval(node, env)
        except DecimalException:
            raise Undefined(TOO_LARGE) from None
    if abs(value) >= MAX_MAGNITUDE:
        raise Undefined(TOO_LARGE)
    return value


TOO_LARGE = msg(
    "its value is too large or too small to compute: planforge works with numbers below"
    " 10^15; check the measures it divides by"
)


def _eval(node: Expr, env: dict[str, Decimal]) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Neg):
        return -_eval(node.operand, env)
    left, right = _eval(node.left, env), _eval(node.right, env)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if not right:
        raise Undefined(msg("division by zero"))
    return left / right
