"""The holdout in ``segment``'s outputs: the group column of the tier list, and
``<id>-holdout.csv``, the execution team's suppression list (the keys only)."""

from __future__ import annotations

from typing import Any

from planforge.evaluate import holdout
from planforge.evaluate.plan import salt
from planforge.model import Plan

GROUP_HEADER = "组别"
TREATED, HELD_OUT = "活动组", "对照组"
#: Rows per batch written to the suppression list.
BATCH = 100_000


def held(plan: Plan) -> Any | None:
    """A polars expression, True for a held-out customer's row; None without a holdout."""
    seg = plan.segmentation
    if seg is None or seg.holdout is None or not seg.key:
        return None
    return holdout.expr(holdout.key_expr(seg.key), salt(plan), seg.holdout)


def group(plan: Plan) -> Any | None:
    """The tier list's 组别 cell: 对照组 for a held-out customer, else 活动组."""
    import polars as pl

    cond = held(plan)
    if cond is None:
        return None
    return pl.when(cond.fill_null(False)).then(pl.lit(HELD_OUT)).otherwise(pl.lit(TREATED))


def has_holdout_list(plan: Plan) -> bool:
    """True when ``segment`` writes ``<id>-holdout.csv`` for ``plan`` (it holds customers out)."""
    seg = plan.segmentation
    return held(plan) is not None and seg is not None and seg.rules is not None and bool(seg.key)


def write_holdout_list(plan: Plan, path: str) -> None:
    """Write to ``path`` the key of every in-scope held-out customer, one per line (UTF-8
    with a BOM, the key column's name as header), streamed in source order.

    ``segment`` names it ``<id>-holdout.csv`` and writes it with the tier list, as one
    set (``path`` is then a staging file); only for a plan :func:`has_holdout_list`.
    """
    import polars as pl

    from planforge.segment.run import IN_SCOPE, prepare

    seg = plan.segmentation
    cond = held(plan)
    assert cond is not None and seg is not None and seg.rules is not None and seg.key
    frame = prepare(plan, seg.rules).frame
    keys = frame.filter(pl.col(IN_SCOPE) & cond.fill_null(False)).select(
        holdout.key_expr(seg.key).alias(seg.key)
    )
    with open(path, "wb") as fh:
        fh.write(("\ufeff" + _header(seg.key) + "\r\n").encode("utf-8"))
        for batch in keys.collect_batches(chunk_size=BATCH, engine="streaming"):
            batch.write_csv(fh, include_header=False, line_terminator="\r\n")


def _header(name: str) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([name])
    return out.getvalue()
