"""The statistics planforge takes from statsmodels, checked against the textbook formulas
computed here by hand with math and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sp

from planforge.evaluate import stats

Z = sp.norm.ppf(0.975)


def _wilson(c: int, n: int) -> tuple[float, float]:
    p = c / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("c1", "n1", "c0", "n0"),
    [(478, 3439, 29, 361), (56, 70, 48, 80), (5, 200, 1, 20), (0, 50, 0, 10)],
)
def test_proportion_lift_is_newcombe_and_the_pooled_z_test(
    c1: int, n1: int, c0: int, n0: int
) -> None:
    lift = stats.proportion_lift(c1, n1, c0, n0)
    p1, p0 = c1 / n1, c0 / n0
    l1, u1 = _wilson(c1, n1)
    l0, u0 = _wilson(c0, n0)
    low = (p1 - p0) - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = (p1 - p0) + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    assert float(lift.difference) == pytest.approx(p1 - p0, abs=1e-6)
    assert float(lift.ci_low) == pytest.approx(low, abs=1e-6)
    assert float(lift.ci_high) == pytest.approx(high, abs=1e-6)
    pooled = (c1 + c0) / (n1 + n0)
    if 0 < pooled < 1:
        z = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
        assert lift.p_value == pytest.approx(2 * sp.norm.sf(abs(z)), rel=1e-9)
    else:
        assert lift.p_value == 1.0
    assert lift.significant == (low > 0 or high < 0)


def test_mean_lift_is_welch() -> None:
    rng = np.random.default_rng(3)
    a = np.concatenate([rng.gamma(2.0, 80.0, 400), np.zeros(2600)])
    b = np.concatenate([rng.gamma(2.0, 80.0, 20), np.zeros(330)])
    lift = stats.mean_lift(a, b)
    v1, v0 = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / (len(a) - 1) + v0**2 / (len(b) - 1))
    diff = a.mean() - b.mean()
    t = sp.t.ppf(0.975, df)
    assert float(lift.difference) == pytest.approx(diff, abs=1e-5)
    assert float(lift.ci_low) == pytest.approx(diff - t * se, abs=1e-5)
    assert float(lift.ci_high) == pytest.approx(diff + t * se, abs=1e-5)
    assert lift.p_value == pytest.approx(2 * sp.t.sf(abs(diff / se), df), rel=1e-9)
    assert lift.kind == "mean"


def _power_by_hand(p0: float, p1: float, n: int, share: float) -> float:
    h = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p0)))
    held = round(n * share)
    treated = n - held
    scale = h * math.sqrt(treated * held / (treated + held))
    return sp.norm.cdf(scale - Z) + sp.norm.cdf(-scale - Z)


@pytest.mark.parametrize(("n", "share"), [(200, 0.10), (5000, 0.05), (20000, 0.2), (3800, 0.1)])
def test_power_is_cohens_h_with_the_normal_approximation(n: int, share: float) -> None:
    got = stats.power(0.08, 0.12, n, share)
    assert got.power == pytest.approx(_power_by_hand(0.08, 0.12, n, share), rel=1e-6)
    if got.holdout_needed is not None:  # the smallest whole percentage that reaches 80%
        s = got.holdout_needed
        assert _power_by_hand(0.08, 0.12, n, s / 100) >= 0.8
        assert s == 1 or _power_by_hand(0.08, 0.12, n, (s - 1) / 100) < 0.8
    else:
        assert _power_by_hand(0.08, 0.12, n, 0.5) < 0.8
    # the audience named reaches 80% (about: the groups are rounded to whole customers)
    assert _power_by_hand(0.08, 0.12, got.audience_needed, share) >= 0.799
    assert _power_by_hand(0.08, 0.12, got.audience_needed - 50, share) < 0.8


def test_the_seeds_example_is_underpowered() -> None:
    got = stats.power(0.08, 0.12, 200, 0.10)
    assert got.power < 0.2
    assert got.holdout_needed is None
