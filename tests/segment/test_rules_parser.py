"""The rule parser: allow-list, located errors, and properties (never crashes, never lets through)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from planforge.segment.rules import ALLOWED, ForbiddenError, RuleError, parse_rule


def test_a_rule_lists_its_columns_with_their_offsets() -> None:
    rule = parse_rule("年消费 >= 150000 AND days_since(最近消费日期) >= 180")
    assert [(c.name, c.offset) for c in rule.columns] == [("年消费", 0), ("最近消费日期", 29)]


@pytest.mark.parametrize(
    "text",
    [
        "x IN (1, 2) AND y IS NOT NULL",
        "x NOT BETWEEN 1 AND 2 OR NOT z LIKE 'a%'",
        '"年 消费" * 2 - 1 > 3 / 4',
        "d >= DATE '2024-01-01'",
        "flag = TRUE",
    ],
)
def test_allowed_rules_parse(text: str) -> None:
    assert parse_rule(text).tree is not None


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("x > (SELECT max(y) FROM t)", 5, "subquery"),
        ("lower(x) = 'a'", 0, "`LOWER` is not allowed"),
        ("x = 1; DELETE FROM t", 5, "not several statements"),
        ("t.x = 1", 0, "without a table"),
        ("CAST(x AS INT) = 1", 0, "not CAST"),
        ("days_since(1) > 2", 0, "one column"),
    ],
)
def test_forbidden_parts_are_refused_where_they_are(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(ForbiddenError) as err:
        parse_rule(text)
    assert fragment in str(err.value)
    assert err.value.offset == offset


@pytest.mark.parametrize(
    ("text", "offset"),
    [("x >= ", 2), ("年消费 >= AND y > 1", 7), ("x ≤ 3", 2), ("x", 0), ("", 0)],
)
def test_syntax_errors_are_located(text: str, offset: int) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert not isinstance(err.value, ForbiddenError)
    assert err.value.offset == offset


WORDS = st.sampled_from(
    [
        "年消费",
        "x",
        "SELECT",
        "FROM",
        "AND",
        "OR",
        "NOT",
        "IN",
        "BETWEEN",
        "IS",
        "NULL",
        "LIKE",
        "(",
        ")",
        ",",
        ">=",
        "=",
        "<",
        "+",
        "*",
        "1",
        "2.5",
        "'a'",
        "DATE",
        "'2024-01-01'",
        "days_since",
        "upper",
        "CASE",
        "WHEN",
        "THEN",
        "END",
        ";",
        "DROP",
        "TABLE",
        "UNION",
        "*",
        '"q"',
        "EXISTS",
        "ORDER",
        "BY",
        ".",
        "--",
        "/*",
        "::",
        "?",
        "$1",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=14).map(" ".join)))
def test_the_parser_never_crashes_and_only_allowed_nodes_pass(text: str) -> None:
    try:
        rule = parse_rule(text)
    except RuleError as err:
        assert 0 <= err.offset <= max(len(text), 1)
        return
    for node in rule.tree.walk():
        assert isinstance(node, ALLOWED), type(node)
        if isinstance(node, exp.Anonymous):
            assert str(node.this).lower() == "days_since"
    assert not list(rule.tree.find_all(exp.Select, exp.Subquery))


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["upper", "lower", "abs", "coalesce", "now", "random", "concat", "sleep"]),
    st.sampled_from(["x", "年消费", "1"]),
)
def test_any_other_function_is_always_refused(func: str, arg: str) -> None:
    with pytest.raises(ForbiddenError):
        parse_rule(f"{func}({arg}) > 1")


def test_a_rule_nested_beyond_reason_is_a_planner_error() -> None:
    with pytest.raises(RuleError, match="nested too deeply"):
        parse_rule("(" * 600 + "x > 1" + ")" * 600)


def test_a_statement_is_refused_without_sqlglot_logging_to_the_terminal() -> None:
    # A fresh process: pytest's own log capture would hide what a user's terminal shows.
    code = (
        "from planforge.segment.rules import RuleError, parse_rule\n"
        "try:\n    parse_rule('DROP TABLE2024 t')\nexcept RuleError:\n    print('refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "refused"
    assert done.stderr == ""
