"""The statistics, all from statsmodels (the ``data`` extra), never hand-written formulas.

* A rate (customers with an outcome / customers): the difference treated − holdout,
  its 95% CI by Newcombe's hybrid score method, a two-sided pooled z-test.
* An amount per customer (sum / customers, zero for customers without rows):
  Welch's t CI for the difference and Welch's p-value.
* Power at plan time: Cohen's h and the normal approximation, two-sided, α = 0.05.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planforge.model import Lift

ALPHA = 0.05
POWER = 0.8
#: Figures are kept to this many decimal places (a rate: 0.1395 is 13.95%).
PLACES = Decimal("0.000001")


def _dec(value: float) -> Decimal | None:
    if value is None or not math.isfinite(value):
        return None
    return Decimal(repr(float(value))).quantize(PLACES)


def _p(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def proportion_lift(treated: int, n_treated: int, holdout: int, n_holdout: int) -> Lift:
    """Lift of a rate: ``treated / n_treated`` against ``holdout / n_holdout``."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    p1, p0 = treated / n_treated, holdout / n_holdout
    low, high = confint_proportions_2indep(
        treated, n_treated, holdout, n_holdout, method="newcomb", compare="diff", alpha=ALPHA
    )
    if treated + holdout in (0, n_treated + n_holdout):
        p_value = 1.0  # both rates are 0% (or 100%): no evidence of a difference
    else:
        _, p_value = proportions_ztest([treated, holdout], [n_treated, n_holdout])
    return Lift(
        "proportion",
        _dec(p1) or Decimal(0),
        _dec(p0) or Decimal(0),
        _dec(p1 - p0) or Decimal(0),
        _dec(low),
        _dec(high),
        _p(p_value),
    )


def mean_lift(treated: Any, holdout: Any) -> Lift:
    """Lift of an amount per customer: two arrays with one value per customer (zeros included)."""
    import numpy as np
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    a, b = np.asarray(treated, dtype=float), np.asarray(holdout, dtype=float)
    compare = CompareMeans(DescrStatsW(a), DescrStatsW(b))
    if len(a) < 2 or len(b) < 2 or (a.var() == 0 and b.var() == 0):
        low = high = p_value = float("nan")
    else:
        low, high = compare.tconfint_diff(alpha=ALPHA, alternative="two-sided", usevar="unequal")
        _, p_value, _ = compare.ttest_ind(alternative="two-sided", usevar="unequal")
    m1, m0 = float(a.mean()) if len(a) else 0.0, float(b.mean()) if len(b) else 0.0
    return Lift(
        "mean",
        _dec(m1) or Decimal(0),
        _dec(m0) or Decimal(0),
        _dec(m1 - m0) or Decimal(0),
        _dec(low),
        _dec(high),
        _p(p_value),
    )


@dataclass(frozen=True)
class Power:
    """The chance to tell ``target`` from ``baseline`` with the planned groups, and what would do."""

    power: float
    effect: float  # Cohen's h
    #: The smallest holdout share (percent, whole) giving 80% power with this audience; None: none.
    holdout_needed: int | None
    #: The audience giving 80% power at this holdout share.
    audience_needed: int | None


def power(baseline: float, target: float, customers: int, share: float) -> Power:
    """Power of a two-sided test (α = 0.05) to tell ``target`` from ``baseline`` (fractions)
    with ``customers`` in scope and ``share`` (a fraction) of them held out."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = float(proportion_effectsize(target, baseline))
    analysis = NormalIndPower()

    def at(n: int, s: float) -> float:
        treated, held = n - round(n * s), round(n * s)
        if treated < 1 or held < 1 or h == 0:
            return 0.0
        return float(analysis.power(abs(h), treated, ALPHA, ratio=held / treated))

    now = at(customers, share)
    holdout = next((s for s in range(1, 51) if at(customers, s / 100) >= POWER), None)
    audience = None
    if h != 0:
        nobs1 = analysis.solve_power(
            abs(h), nobs1=None, alpha=ALPHA, power=POWER, ratio=share / (1 - share)
        )
        audience = math.ceil(float(nobs1) / (1 - share))
    return Power(now, h, holdout, audience)
