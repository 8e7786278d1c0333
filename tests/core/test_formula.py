"""The safe formula parser and evaluator."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planforge.formula import FormulaError, Undefined, evaluate, names, parse


def value(text: str, **env: int) -> Decimal:
    return evaluate(parse(text), {k: Decimal(v) for k, v in env.items()})


def test_precedence_and_parentheses() -> None:
    assert value("1 + 2 * 3") == 7
    assert value("(1 + 2) * 3") == 9
    assert value("10 - 4 - 3") == 3
    assert value("-2 * -3") == 6
    assert (
        value(
            "(promoters - detractors) / respondents * 100",
            promoters=22,
            detractors=4,
            respondents=36,
        )
        == 50
    )


def test_exact_decimals() -> None:
    assert value("0.1 + 0.2") == Decimal("0.3")


def test_names() -> None:
    assert [n.name for n in names(parse("a / (b + a)"))] == ["a", "b", "a"]


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("__import__('os')", 12),
        ("a ** b", 4),
        ("(a + b", 1),
        ("a +", 4),
        ("a b", 3),
        ("", 1),
        ("1 # comment", 3),
    ],
)
def test_errors_are_located(text: str, column: int) -> None:
    with pytest.raises(FormulaError) as info:
        parse(text)
    assert info.value.column == column


def test_division_by_zero_is_undefined() -> None:
    with pytest.raises(Undefined):
        value("a / b", a=1, b=0)


def test_nesting_is_bounded() -> None:
    with pytest.raises(FormulaError, match="deeply"):
        parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(FormulaError, match="deeply"):
        parse("-" * 200 + "1")
