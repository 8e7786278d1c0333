"""The holdout draw: the polars expression agrees with the one-key reference and with the
definition written with exact fractions; it ignores file order and holds out about the share."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest

from planforge.segment import holdout


def _by_definition(salt: str, key: str, share: Decimal) -> bool:
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64) < Fraction(share) / 100


KEYS = [f"C{i:06d}" for i in range(5000)] + ["客户-张三", "00123", " 7 ", "ä"]


@pytest.mark.parametrize("share", [Decimal("10"), Decimal("0.5"), Decimal("33.3"), Decimal("99")])
def test_reference_follows_the_definition(share: Decimal) -> None:
    for key in KEYS:
        assert holdout.held_out("care-2025q2", key, share) == _by_definition(
            "care-2025q2", key, share
        )


@pytest.mark.parametrize("share", [Decimal("10"), Decimal("50"), Decimal("2.5")])
def test_polars_agrees_with_the_reference(share: Decimal) -> None:
    frame = pl.DataFrame({"k": KEYS})
    got = frame.select(holdout.expr("k", "s1", share))["k"].to_list()
    assert got == [holdout.held_out("s1", k, share) for k in KEYS]


def test_the_draw_ignores_file_order_and_null_keys_stay_null() -> None:
    shuffled = KEYS[:]
    random.Random(7).shuffle(shuffled)
    a = pl.DataFrame({"k": KEYS}).with_columns(h=holdout.expr("k", "x", Decimal(10)))
    b = pl.DataFrame({"k": shuffled}).with_columns(h=holdout.expr("k", "x", Decimal(10)))
    assert dict(a.iter_rows()) == dict(b.iter_rows())
    nulls = pl.DataFrame({"k": ["A", None]}).select(holdout.expr("k", "x", Decimal(50)))
    assert nulls["k"].to_list()[1] is None


def test_about_the_share_is_held_out_and_the_salt_changes_who() -> None:
    held = [k for k in KEYS if holdout.held_out("a", k, Decimal(10))]
    # binomial(5004, 0.1): mean 500, sd 21; 5 sd either side
    assert 395 < len(held) < 605
    other = {k for k in KEYS if holdout.held_out("b", k, Decimal(10))}
    assert len(set(held) & other) < len(held) / 2


def test_threshold_is_exact_at_the_boundary() -> None:
    share = Decimal(25)
    limit = holdout.threshold(share)
    assert limit == 2**62  # 25% of 2^64 exactly
    assert Fraction(limit - 1, 2**64) < Fraction(1, 4) <= Fraction(limit, 2**64)
    assert holdout.hex_threshold(share) == "4000000000000000"
