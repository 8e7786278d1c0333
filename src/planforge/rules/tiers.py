"""PF5xx: customer tiers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from planforge.model import Plan
from planforge.rules import Finding, rule


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
    if total != 100:
        listed = " + ".join(f"{s}%" for s in shares)
        yield Finding(
            ("tiers",), f"tier shares add up to {total}% ({listed}), not 100%", at_key=True
        )
