"""Metrics against hand-computed values, and the seeded bootstrap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate

from detente.backtest.metrics import Distribution, distribution_metrics, paired_bootstrap, point_metrics

NAN = float("nan")


def test_point_metrics_by_hand():
    f = np.array([10.0, 20.0, NAN, 50.0, 75.0])
    y = np.array([0.0, 30.0, 5.0, 50.0, 50.0])
    # errors 10, 10, 0, 25 (the NaN forecast is left out)
    m = point_metrics(f, y)
    assert m["n"] == 4
    assert m["mae"] == pytest.approx(45 / 4)
    assert m["median_ae"] == pytest.approx(10.0)
    assert (m["hit5"], m["hit10"], m["hit20"]) == (pytest.approx(0.25), pytest.approx(0.75), pytest.approx(0.75))


def test_point_metrics_empty():
    m = point_metrics(np.array([NAN]), np.array([3.0]))
    assert m["n"] == 0 and m["mae"] is None


def test_crps_two_point_by_hand_and_by_integral():
    d = Distribution.of([0.0, 100.0], [0.5, 0.5])
    # E|X-y| - E|X-X'|/2 = 50 - 50/2 = 25 at y = 100
    assert d.crps(100.0) == pytest.approx(25.0)

    def integrand(x: float, y: float) -> float:
        cdf = float(d.probs[d.values <= x].sum())
        return (cdf - (1.0 if x >= y else 0.0)) ** 2

    for y in (100.0, 30.0, 50.0):
        pieces = sorted({-10.0, 0.0, y, 100.0, 110.0})
        ref = sum(integrate.quad(integrand, a, b, args=(y,))[0] for a, b in itertools.pairwise(pieces))
        assert d.crps(y) == pytest.approx(ref, abs=1e-6)


def test_crps_of_point_mass_is_absolute_error():
    assert Distribution.of([40.0]).crps(70.0) == pytest.approx(30.0)


def test_quantiles_and_coverage_by_hand():
    d = Distribution.of([100.0, 0.0, 50.0], [0.3, 0.2, 0.5])  # sorted: 0 (.2), 50 (.5), 100 (.3)
    assert d.quantile(0.25) == 50.0 and d.quantile(0.75) == 100.0
    assert d.quantile(0.10) == 0.0 and d.quantile(0.90) == 100.0
    assert not d.covers(20.0, 0.5) and d.covers(20.0, 0.8)
    m = distribution_metrics([d, None], np.array([20.0, 0.0]))
    assert m["n_dist"] == 1 and m["cover50"] == 0.0 and m["cover80"] == 1.0


def test_samples_equal_weight():
    d = Distribution.of([10.0, 20.0, 30.0, 40.0])
    assert d.quantile(0.5) == 20.0
    with pytest.raises(ValueError):
        Distribution.of([1.0, 2.0], [0.5])
    with pytest.raises(ValueError):
        Distribution.of([1.0], [0.0])


def test_bootstrap_constant_difference_and_pairing():
    y = np.array([0.0, 10.0, 20.0, 30.0])
    ref = y + 5.0          # errors 5
    f = y - 3.0            # errors 3: every issue 2 points better
    d = paired_bootstrap(f, ref, y, seed=1)
    assert (d.n, d.mean, d.low, d.high, d.wins, d.losses) == (4, -2.0, -2.0, -2.0, 4, 0)
    f2 = f.copy()
    f2[0] = NAN            # a missing forecast drops the pair, not just one side
    assert paired_bootstrap(f2, ref, y, seed=1).n == 3


def test_bootstrap_seeded_and_sensible():
    rng = np.random.default_rng(7)
    y = rng.uniform(0, 100, 200)
    ref = y + rng.normal(0, 20, 200)
    f = y + rng.normal(0, 20, 200)
    a = paired_bootstrap(f, ref, y, seed=42)
    b = paired_bootstrap(f, ref, y, seed=42)
    c = paired_bootstrap(f, ref, y, seed=43)
    assert a == b
    assert (a.low, a.high) != (c.low, c.high)
    assert a.low < a.mean < a.high
    direct = np.mean(np.abs(f - y) - np.abs(ref - y))
    assert a.mean == pytest.approx(direct)
    # the percentile interval's half-width is close to 1.96 standard errors of the mean difference
    d = np.abs(f - y) - np.abs(ref - y)
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert (a.high - a.low) / 2 == pytest.approx(1.96 * se, rel=0.15)
