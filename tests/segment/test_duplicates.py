"""Duplicate keys: found in two streaming passes over 32-bit hashes, then the real keys."""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl

from planforge.segment.run import _duplicates

KEYS = [f"K{i}" for i in range(300_000)]


def _collisions(keys: list[str]) -> int:
    hashed = pl.Series(keys).hash() // 2**32
    return len(keys) - hashed.cast(pl.UInt32).n_unique()


def test_hash_collisions_are_not_reported_as_duplicates() -> None:
    assert _collisions(KEYS) > 0  # so the second pass really compares keys
    assert _duplicates(pl.LazyFrame({"客户编号": KEYS}), "客户编号") == ([], 0)


def test_real_duplicates_name_their_rows_among_collisions() -> None:
    keys = [*KEYS, "K17", "K99", "K17"]
    found = _duplicates(pl.LazyFrame({"客户编号": keys}), "客户编号")
    n = len(KEYS)
    assert found == ([("K17", [19, n + 2, n + 4], 3), ("K99", [101, n + 3], 2)], 2)


def test_no_rows_no_duplicates() -> None:
    assert _duplicates(pl.LazyFrame({"k": []}, schema={"k": pl.String}), "k") == ([], 0)


def test_csv_scans_read_in_small_chunks() -> None:
    """Set before polars reads it (once, at its first CSV scan); a user's own setting wins."""
    code = "import os, planforge.segment.source; print(os.environ['POLARS_CSV_CHUNK_SIZE'])"
    env = {k: v for k, v in os.environ.items() if k != "POLARS_CSV_CHUNK_SIZE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == str(1 << 20)
    env["POLARS_CSV_CHUNK_SIZE"] = "4096"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "4096"
