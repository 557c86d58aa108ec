"""What a sweep says: distributions and intervals of forecasts, claim and outcome probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from detente.uncertainty.target import OUTCOME_CLASSES

INTERVALS = {"50": (25.0, 75.0), "80": (10.0, 90.0), "95": (2.5, 97.5)}


def _f(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def distribution(v: np.ndarray) -> dict[str, Any]:
    """Mean, sd, median and the central 50/80/95% intervals of the finite values."""
    ok = np.isfinite(v)
    if not ok.all():  # a copy only when some draw gave no value (a sweep's column can be large)
        v = v[ok]
    del ok
    if v.size == 0:
        return {"n": 0}
    qs = np.percentile(v, [2.5, 10, 25, 50, 75, 90, 97.5])
    q = dict(zip((2.5, 10.0, 25.0, 50.0, 75.0, 90.0, 97.5), qs, strict=True))
    return {
        "n": int(v.size),
        "mean": _f(v.mean()),
        "sd": _f(v.std(ddof=1)) if v.size > 1 else 0.0,
        "median": _f(q[50.0]),
        "intervals": {k: [_f(q[a]), _f(q[b])] for k, (a, b) in INTERVALS.items()},
    }


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float] | None:
    """Clopper-Pearson (exact) interval for a share of ``k`` in ``n``: honest at 0/n and n/n,
    where a normal interval collapses to a point (docs/DECISIONS.md X3)."""
    if n <= 0:
        return None
    from scipy.stats import beta

    a = (1.0 - level) / 2
    lo = 0.0 if k <= 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k >= n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


def probability(v: np.ndarray) -> dict[str, Any]:
    """Share of evaluated draws where the claim holds: the count, its Monte Carlo standard error
    and a 95% Clopper-Pearson interval."""
    ok = np.isfinite(v)
    n = int(ok.sum())
    if n == 0:
        return {"probability": None, "evaluated": 0, "holds": 0, "se": None, "interval": None}
    k = round(float(v[ok].sum()))
    p = k / n
    iv = binomial_interval(k, n)
    return {"probability": p, "evaluated": n, "holds": k, "se": math.sqrt(max(p * (1 - p), 0.0) / n),
            "interval": list(iv) if iv else None}


def outcome_shares(v: np.ndarray) -> dict[str, float] | None:
    ok = np.isfinite(v)
    if not ok.any():
        return None
    codes = v[ok].astype(int)
    return {c: float((codes == k).mean()) for k, c in enumerate(OUTCOME_CLASSES)}


def summarise(columns: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """The summary, one column at a time (a sweep's stored columns are read from disk on access)."""
    forecasts: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    for key in columns:  # only the columns summarised are read (sampled inputs are not)
        if key.startswith("f."):
            _, model, issue = key.split(".", 2)
            forecasts.setdefault(model, {})[issue] = distribution(columns[key])
        elif key.startswith("claim."):
            claims[key[len("claim."):]] = probability(columns[key])
    return {"forecasts": forecasts, "claims": claims,
            "outcome": outcome_shares(columns["outcome"]) if "outcome" in columns else None}
