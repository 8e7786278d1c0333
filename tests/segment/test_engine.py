"""The polars compiler: SQL semantics on a small frame (first match wins, NULL never matches)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from planforge.segment.engine import Compiler, assign
from planforge.segment.rules import RuleError, parse_rule

FRAME = pl.DataFrame(
    {
        "年消费": [180000, 60000, None, 20000],
        "城市": ["上海", "北京", "上海", None],
        "最近消费日期": [dt.date(2024, 3, 1), dt.date(2023, 9, 1), None, dt.date(2023, 1, 1)],
        "文本日期": ["2024/03/01", "2023-09-01", "", "20230101"],
    }
)
AS_OF = dt.date(2024, 4, 1)


def matches(text: str) -> list[bool]:
    cond = Compiler(dict(FRAME.schema), AS_OF).condition(parse_rule(text))
    return FRAME.select(cond.fill_null(False).alias("m"))["m"].to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年消费 >= 150000", [True, False, False, False]),
        ("NOT 年消费 >= 150000", [False, True, False, True]),  # NULL stays unknown
        ("年消费 BETWEEN 50000 AND 200000", [True, True, False, False]),
        ("城市 IN ('上海', '杭州')", [True, False, True, False]),
        ("城市 LIKE '上%'", [True, False, True, False]),
        ("城市 IS NULL", [False, False, False, True]),
        ("days_since(最近消费日期) >= 180", [False, True, False, True]),
        ("days_since(文本日期) >= 180", [False, True, False, True]),
        ("最近消费日期 < DATE '2023-12-31'", [False, True, False, True]),
        ("最近消费日期 < '2023-12-31'", [False, True, False, True]),
        ("年消费 / 1000 + 1 > 100", [True, False, False, False]),
    ],
)
def test_rules_follow_sql_semantics(text: str, expected: list[bool]) -> None:
    assert matches(text) == expected


def test_first_matching_tier_wins_and_a_tier_without_rule_takes_the_rest() -> None:
    compiler = Compiler(dict(FRAME.schema), AS_OF)
    tiers = [
        ("high", compiler.condition(parse_rule("年消费 >= 150000"))),
        ("sh", compiler.condition(parse_rule("城市 = '上海'"))),
        ("rest", None),
    ]
    assert FRAME.select(assign(tiers).alias("t"))["t"].to_list() == ["high", "rest", "sh", "rest"]
    only = [("high", compiler.condition(parse_rule("年消费 >= 150000")))]
    assert FRAME.select(assign(only).alias("t"))["t"].to_list() == ["high", None, None, None]


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("城市 = 1", 0, "compare like with like"),
        ("年消费 > '很多'", 0, "compare like with like"),
        ("days_since(年消费) > 1", 11, "needs a date column"),
        ("城市 + 1 > 2", 0, "not a number"),
    ],
)
def test_type_mismatches_are_located(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(RuleError) as err:
        Compiler(dict(FRAME.schema), AS_OF).condition(parse_rule(text))
    assert fragment in str(err.value) and err.value.offset == offset
