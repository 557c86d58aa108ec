"""The weighted median: the position no weighted majority can beat on a single issue.

On one dimension with single-peaked preferences this is the Condorcet winner (the
median voter). Ties at exactly half the weight are a convention; see DECISIONS.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.models.base import Model, ModelResult, register
from detente.models.compromise import model_weight
from detente.scenario.arrays import Arrays


def weighted_median(position: np.ndarray, weight: np.ndarray,
                    tie: Literal["lower", "midpoint", "upper"] = "lower") -> np.ndarray:
    """Weighted median over the actor axis (-2) of arrays shaped (..., n, m)."""
    x = np.swapaxes(np.where(weight > 0, position, np.inf), -1, -2)  # (..., m, n)
    w = np.swapaxes(np.where(weight > 0, weight, 0.0), -1, -2)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    total = cum[..., -1:]
    half = total / 2.0
    eps = 1e-12 * np.maximum(total, 1.0)
    n = x.shape[-1]
    lower_idx = np.minimum((cum < half - eps).sum(axis=-1), n - 1)
    exact = np.abs(np.take_along_axis(cum, lower_idx[..., None], -1)[..., 0] - half[..., 0]) <= eps[..., 0]
    upper_idx = np.minimum((cum <= half + eps).sum(axis=-1), n - 1)
    lower = np.take_along_axis(xs, lower_idx[..., None], -1)[..., 0]
    upper = np.take_along_axis(xs, upper_idx[..., None], -1)[..., 0]
    upper = np.where(np.isfinite(upper), upper, lower)
    if tie == "lower":
        out = lower
    elif tie == "upper":
        out = np.where(exact, upper, lower)
    else:
        out = np.where(exact, (lower + upper) / 2.0, lower)
    return np.where((total[..., 0] > 0) & np.isfinite(out), out, np.nan)


@register
class MedianModel(Model):
    name = "median"
    summary = "weighted median (median voter / Condorcet position)"

    @dataclass(frozen=True)
    class Options:
        use_capability: bool = True
        tie: Literal["lower", "midpoint", "upper"] = "lower"

    def run_arrays(self, arr: Arrays) -> ModelResult:
        w = model_weight(arr, self.options.use_capability)
        f = weighted_median(arr.filled_position, w, self.options.tie)
        return self._result(arr, f)
