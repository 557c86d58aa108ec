"""The Nash bargaining solution over the issue space, disagreement point = status quo.

Each actor's utility is a salience-weighted loss in distance to its ideal (quadratic by
default, so the problem is strictly concave and has one answer). The solution maximises
the (capability-weighted) product of gains over the status quo. If no point makes every
salient actor better off, the only agreement all accept is the status quo itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.models.base import Model, ModelResult, register
from detente.scenario.arrays import Arrays

_TOL = 1e-9


def _loss(x: np.ndarray, ideal: np.ndarray, sal: np.ndarray, kind: str) -> np.ndarray:
    d = x[None, :] - ideal
    return (sal * (d * d if kind == "quadratic" else np.sqrt(d * d + 1e-12))).sum(axis=1)


def _loss_grad(x: np.ndarray, ideal: np.ndarray, sal: np.ndarray, kind: str) -> np.ndarray:
    """d loss_i / d x_k, shaped (actors, issues): analytic, so SLSQP needs no finite differences
    (with m issues those cost m evaluations per step and made 1,000 issues take minutes)."""
    d = x[None, :] - ideal
    return sal * (2.0 * d if kind == "quadratic" else d / np.sqrt(d * d + 1e-12))


def nash_solution(ideal: np.ndarray, sal: np.ndarray, sq: np.ndarray, power: np.ndarray,
                  utility: str) -> tuple[np.ndarray, bool]:
    """Solve on the unit cube. Returns (point, agreement_possible)."""
    from scipy.optimize import minimize  # ~0.25 s to import: only when this model runs

    m = sq.shape[0]
    d_sq = _loss(sq, ideal, sal, utility)

    def gains(x: np.ndarray) -> np.ndarray:
        return d_sq - _loss(x, ideal, sal, utility)

    def gains_jac(x: np.ndarray) -> np.ndarray:
        return -_loss_grad(x, ideal, sal, utility)

    last = np.zeros(m + 1)
    last[-1] = -1.0
    minus_one = -np.ones((ideal.shape[0], 1))

    # Phase 1: the point that maximises the smallest gain (is anyone's gain > 0 everywhere?).
    z0 = np.append(np.average(ideal, axis=0, weights=np.maximum(power[:, None] * sal, 1e-12)), 0.0)
    res = minimize(lambda z: -z[-1], z0, method="SLSQP", jac=lambda z: last,
                   bounds=[(0.0, 1.0)] * m + [(None, None)],
                   constraints=[{"type": "ineq", "fun": lambda z: gains(z[:-1]) - z[-1],
                                 "jac": lambda z: np.hstack([gains_jac(z[:-1]), minus_one])}],
                   options={"maxiter": 500, "ftol": 1e-12})
    # Judge by the point found, not the solver's flag: with linear loss the kink at each
    # ideal stops SLSQP from declaring convergence even when it has the answer.
    start = np.clip(res.x[:-1], 0.0, 1.0)
    if gains(start).min() <= _TOL:
        return sq.copy(), False
    w = power / power.sum()

    def objective(x: np.ndarray) -> float:
        g = np.maximum(gains(x), 1e-300)
        return -float((w * np.log(g)).sum())

    def objective_jac(x: np.ndarray) -> np.ndarray:
        g = np.maximum(gains(x), 1e-300)
        return -((w / g)[:, None] * gains_jac(x)).sum(axis=0)

    res2 = minimize(objective, start, method="SLSQP", jac=objective_jac, bounds=[(0.0, 1.0)] * m,
                    constraints=[{"type": "ineq", "fun": lambda x: gains(x) - _TOL, "jac": gains_jac}],
                    options={"maxiter": 1000, "ftol": 1e-14})
    x = np.clip(res2.x, 0.0, 1.0)
    if gains(x).min() <= 0 or objective(x) > objective(start):
        x = start
    return x, True


@register
class NashModel(Model):
    name = "nash"
    summary = "Nash bargaining solution over all issues, disagreement = status quo"

    @dataclass(frozen=True)
    class Options:
        utility: Literal["quadratic", "linear"] = "quadratic"
        weights: Literal["capability", "equal"] = "capability"

    def run_arrays(self, arr: Arrays) -> ModelResult:
        m = len(arr.issue_ids)
        forecast = np.full(m, np.nan)
        notes: list[str] = []
        with_sq = ~np.isnan(arr.status_quo)
        if not with_sq.any():
            notes.append("no issue has a status quo, which the Nash solution needs as its "
                         "disagreement point")
            return self._result(arr, forecast, notes=notes)
        if not with_sq.all():
            missing = [i for i, ok in zip(arr.issue_ids, with_sq, strict=True) if not ok]
            notes.append(f"no status quo on {', '.join(missing)}: left out of the solution")
        cols = np.flatnonzero(with_sq)
        span = arr.span[cols]
        ideal = (arr.filled_position[:, cols] - arr.lo[cols]) / span
        sal = np.where(arr.has[:, cols], arr.salience[:, cols], 0.0)
        sq = (arr.status_quo[cols] - arr.lo[cols]) / span
        cap = arr.capability[:, cols].max(axis=1) if self.options.weights == "capability" \
            else np.ones(len(arr.actor_ids))
        players = (sal.sum(axis=1) > 0) & (cap > 0)
        if not players.any():
            notes.append("no actor has both capability and salience")
            return self._result(arr, forecast, notes=notes)
        x, agreed = nash_solution(ideal[players], sal[players], sq, cap[players],
                                  self.options.utility)
        forecast[cols] = arr.lo[cols] + x * span
        if not agreed:
            notes.append("no point leaves every actor better off than the status quo, so the "
                         "Nash solution is the status quo (no agreement)")
        return self._result(arr, forecast, details={"agreement_possible": agreed}, notes=notes)
