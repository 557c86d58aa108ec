"""Accuracy metrics for point and distributional forecasts, and paired bootstrap intervals.

Errors are absolute differences on DEU's 0..100 scale. A distribution is a discrete one
(values with probabilities; samples are values with equal weight). CRPS of a discrete F at
outcome y is E|X - y| - E|X - X'| / 2 (Gneiting & Raftery 2007, eq. 21). A central p%
interval runs from the (1-p)/2 to the (1+p)/2 quantile, the quantile being the smallest value
whose cumulative probability reaches the level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HIT_WITHIN = (5.0, 10.0, 20.0)
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Distribution:
    """A discrete forecast distribution on the issue scale."""

    values: np.ndarray
    probs: np.ndarray

    @classmethod
    def of(cls, values: object, probs: object | None = None) -> Distribution:
        v = np.asarray(values, dtype=float).ravel()
        p = np.full(v.shape, 1.0) if probs is None else np.asarray(probs, dtype=float).ravel()
        if v.size == 0 or v.shape != p.shape or (p < 0).any() or not np.isfinite(v).all():
            raise ValueError("a distribution needs as many non-negative probabilities as values")
        total = p.sum()
        if not total > 0:
            raise ValueError("a distribution's probabilities sum to zero")
        order = np.argsort(v, kind="stable")
        return cls(v[order], p[order] / total)

    def quantile(self, q: float) -> float:
        cum = np.cumsum(self.probs)
        k = int(np.searchsorted(cum, q - 1e-12, side="left"))
        return float(self.values[min(k, self.values.size - 1)])

    def crps(self, y: float) -> float:
        v, p = self.values, self.probs
        first = float((p * np.abs(v - y)).sum())
        second = float((p[:, None] * p[None, :] * np.abs(v[:, None] - v[None, :])).sum())
        return first - second / 2.0

    def covers(self, y: float, level: float) -> bool:
        lo, hi = self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)
        return lo - 1e-9 <= y <= hi + 1e-9


def point_metrics(forecast: np.ndarray, outcome: np.ndarray) -> dict[str, float | int | None]:
    """MAE, median AE and hit rates over the issues where the forecast exists."""
    ok = ~np.isnan(forecast)
    n = int(ok.sum())
    out: dict[str, float | int | None] = {"n": n}
    if n == 0:
        out.update({"mae": None, "median_ae": None}, **{f"hit{int(k)}": None for k in HIT_WITHIN})
        return out
    err = np.abs(forecast[ok] - outcome[ok])
    out["mae"] = float(err.mean())
    out["median_ae"] = float(np.median(err))
    for k in HIT_WITHIN:
        out[f"hit{int(k)}"] = float((err <= k + 1e-9).mean())
    return out


def distribution_metrics(dists: list[Distribution | None], outcome: np.ndarray
                         ) -> dict[str, float | int | None]:
    """Mean CRPS and 50%/80% interval coverage over the issues with a distribution."""
    pairs = [(d, float(y)) for d, y in zip(dists, outcome, strict=True) if d is not None]
    if not pairs:
        return {"n_dist": 0, "crps": None, "cover50": None, "cover80": None}
    return {
        "n_dist": len(pairs),
        "crps": float(np.mean([d.crps(y) for d, y in pairs])),
        "cover50": float(np.mean([d.covers(y, 0.5) for d, y in pairs])),
        "cover80": float(np.mean([d.covers(y, 0.8) for d, y in pairs])),
    }


@dataclass(frozen=True)
class PairedDiff:
    """Mean of (|error of model| - |error of reference|) on the shared issues, with a CI."""

    n: int
    mean: float
    low: float
    high: float
    wins: int  # issues where the model is strictly closer
    losses: int

    def to_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "mean": self.mean, "low": self.low, "high": self.high,
                "wins": self.wins, "losses": self.losses}


def paired_bootstrap(forecast: np.ndarray, reference: np.ndarray, outcome: np.ndarray, seed: int,
                     resamples: int = BOOTSTRAP_RESAMPLES, level: float = 0.95) -> PairedDiff | None:
    """Percentile bootstrap of the mean absolute-error difference, resampling issues in pairs."""
    ok = ~np.isnan(forecast) & ~np.isnan(reference)
    n = int(ok.sum())
    if n == 0:
        return None
    d = np.abs(forecast[ok] - outcome[ok]) - np.abs(reference[ok] - outcome[ok])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(resamples, n))
    means = d[idx].mean(axis=1)
    a = (1 - level) / 2
    lo, hi = np.quantile(means, [a, 1 - a])
    return PairedDiff(n, float(d.mean()), float(lo), float(hi), int((d < 0).sum()), int((d > 0).sum()))
