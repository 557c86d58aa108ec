"""The compromise model: capability x salience weighted mean of positions.

The literature's hardest baseline to beat on EU legislation (Achen 2006; Thomson et
al. 2006), and a simple variant of the Nash bargaining solution. Because it is a
ratio of sums its sensitivities are exact and cheap, so we report them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.models.base import Model, ModelResult, register
from detente.scenario.arrays import Arrays


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Sum(w x) / Sum(w) over the actor axis (-2); NaN where total weight is 0."""
    x = np.where(weight > 0, position, 0.0)
    total = weight.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * x).sum(axis=-2) / np.where(total > 0, total, 1.0),
                        np.nan)


def model_weight(arr: Arrays, use_capability: bool) -> np.ndarray:
    """Effective power of each actor on each issue under the chosen convention."""
    return arr.weight if use_capability else np.where(arr.has, arr.salience, 0.0)


@register
class CompromiseModel(Model):
    name = "compromise"
    summary = "capability x salience weighted mean (the compromise model)"

    @dataclass(frozen=True)
    class Options:
        use_capability: bool = True

    def run_arrays(self, arr: Arrays) -> ModelResult:
        w = model_weight(arr, self.options.use_capability)
        x = arr.filled_position
        f = weighted_mean(x, w)
        total = w.sum(axis=-2)
        with np.errstate(invalid="ignore", divide="ignore"):
            inv = np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), np.nan)[..., None, :]
            dev = np.where(arr.has, x - f[..., None, :], np.nan)
            cap = arr.capability if self.options.use_capability else np.ones_like(arr.capability)
            d_pos = np.where(arr.has, w * inv, np.nan)
            d_sal = cap * dev * inv
            d_cap = (arr.salience * dev * inv) if self.options.use_capability else \
                np.where(arr.has, 0.0, np.nan)
        notes = []
        if np.isnan(f).any():
            empty = [i for i, v in zip(arr.issue_ids, f, strict=True) if np.isnan(v)]
            notes.append(f"no weight on {', '.join(empty)}: every actor has salience or "
                         "capability 0 there, so no forecast")
        return self._result(
            arr, f,
            actor_figures={
                "d_forecast_d_position": d_pos,
                "d_forecast_d_salience": d_sal,
                "d_forecast_d_capability": d_cap,
            },
            notes=notes,
        )
