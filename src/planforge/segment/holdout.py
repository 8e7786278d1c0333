"""The holdout draw: who, among the in-scope customers, gets no touch.

A customer is held out when the first 8 bytes of SHA-256 of ``"<salt>:<key>"``
(UTF-8), read as a big-endian unsigned integer and divided by 2^64, fall below
the holdout share. The draw depends on the salt and the key only, so it is the
same in any file order, on any machine, and in SQL (the same 16 hex digits).
"""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planforge.model import Plan

from planforge.model import Plan

SCALE = 1 << 64
#: Keys hashed per slice (bounds the Python objects alive at once).
CHUNK = 65_536


def salt(plan: Plan) -> str:
    """The text the holdout draw mixes in: ``holdout_salt``, else the plan's id."""
    seg = plan.segmentation
    return (seg.holdout_salt if seg else None) or plan.id or ""


def draw(salt: str, key: str) -> int:
    """The first 8 bytes of SHA-256(``salt:key``) as an unsigned integer (0 ≤ n < 2^64)."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def threshold(share: Decimal) -> int:
    """The smallest draw that is *not* held out, for ``share`` percent.

    ``draw / 2^64 < share / 100`` exactly when ``draw < ceil(share × 2^64 / 100)``
    (the draw is an integer), computed with exact fractions.
    """
    return math.ceil(Fraction(share) * SCALE / 100)


def held_out(salt: str, key: str, share: Decimal) -> bool:
    """The reference definition, one key at a time."""
    return draw(salt, key) < threshold(share)


def hex_threshold(share: Decimal) -> str:
    """:func:`threshold` as 16 lowercase hex digits: a held-out customer's digest prefix
    sorts below it (fixed width, so text order is number order). ``share`` < 100."""
    return f"{min(threshold(share), SCALE - 1):016x}"


def key_expr(key: str) -> Any:
    """The key column as planforge compares keys: text, without surrounding spaces."""
    import polars as pl

    return pl.col(key).cast(pl.String).str.strip_chars()


def expr(key: str | Any, salt: str, share: Decimal) -> Any:
    """A polars expression: True for the rows of held-out customers (null key: null).

    ``key`` is a column name or an expression giving the key as text.

    SHA-256 is computed batch by batch by :mod:`hashlib` (polars has no SHA-256);
    the comparison is polars' own, on unsigned 64-bit integers.
    """
    import polars as pl

    column = pl.col(key) if isinstance(key, str) else key
    limit = threshold(share)
    if limit >= SCALE:
        return column.is_not_null()
    prefix = f"{salt}:".encode()

    def chunk(keys: pl.Series) -> pl.Series:
        out = [
            None
            if k is None
            else int.from_bytes(hashlib.sha256(prefix + k.encode()).digest()[:8], "big")
            for k in keys.cast(pl.String).to_list()
        ]
        return pl.Series(keys.name, out, dtype=pl.UInt64)

    def draws(batch: pl.Series) -> pl.Series:
        # A slice at a time: Python holds one slice's keys and numbers, not a million.
        parts = [chunk(batch.slice(i, CHUNK)) for i in range(0, batch.len(), CHUNK)]
        return pl.concat(parts) if parts else pl.Series(batch.name, [], dtype=pl.UInt64)

    drawn = column.map_batches(draws, return_dtype=pl.UInt64, is_elementwise=True)
    return drawn < pl.lit(limit, dtype=pl.UInt64)
