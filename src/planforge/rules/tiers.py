"""PF5xx: customer tiers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from planforge.diagnostics import Suggestion
from planforge.messages import msg
from planforge.model import Plan
from planforge.rules.base import Finding, rule


@rule("PF501", "shares-not-100")
def shares_not_100(plan: Plan) -> Iterator[Finding]:
    """Tier shares do not add up to 100%.

    What it checks: the `share` of all tiers adds up to exactly 100%.

    Why it matters: tiers split the target customers; shares that add up to 90%
    or 110% mean a group is missing or counted twice, and every per-tier
    customer count is wrong.

    Example fix:
        # before: 10% + 30% + 40% + 10% = 90%
        - {id: risk, share: 10%}
        # after
        - {id: risk, share: 20%}
    """
    shares = [t.share.value for t in plan.tiers if t.share is not None]
    if not shares or len(shares) != len(plan.tiers):
        return
    total = sum(shares, Decimal(0))
    if total == 100:
        return
    listed = " + ".join(f"{s}%" for s in shares)
    diff = total - 100
    # Change the largest tier that can absorb the difference (its share stays above 0).
    tier = max(
        (t for t in plan.tiers if t.share.value - diff > 0),
        key=lambda t: t.share.value,
        default=None,
    )  # type: ignore[union-attr]
    if tier is None:
        fix = Suggestion(msg("change the shares so that they add up to 100%"))
    else:
        new = tier.share.value - diff  # type: ignore[union-attr]
        fix = Suggestion(
            msg(
                "{how} tier `{tier}` by {diff}%, from {old}% to {new}%",
                how=msg("lower") if diff > 0 else msg("raise"),
                tier=tier.id,
                diff=abs(diff),
                old=tier.share.value,  # type: ignore[union-attr]
                new=new,
            )
        )
    yield Finding(
        ("tiers",),
        msg("tier shares add up to {total}% ({listed}), not 100%", total=total, listed=listed),
        at_key=True,
        fix=fix,
    )
