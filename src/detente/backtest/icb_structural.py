"""Structural estimation of the ICB crisis game (decision ICB4), in the manner of Signorino's strategic
logit (the R package ``games`` by Kenkel and Signorino): the game's terms are linear-in-covariates
functions of a few global coefficients, every crisis is solved by agent QRE, and the coefficients
maximise the likelihood of the observed outcomes (L2 penalty on the covariate effects, its weight
chosen on inner rolling origins). The tree lives in :mod:`detente.backtest.icb_game`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from detente.backtest.icb_features import STRUCTURAL
from detente.backtest.icb_game import CrisisTerms, outcome_probs

# (name, is_intercept): intercepts are not penalised.
PARAMS: tuple[tuple[str, bool], ...] = (
    ("log_lam", True),             # log logit precision (1 / QRE temperature); D's baseline stake is 1
    ("stake_grave", False),        # log stake: grave damage or existence threatened
    ("stake_territorial", False),  # log stake: territorial threat
    ("stake_security", False),     # log stake: military-security issue
    ("stake_c", True),             # log of C's stake relative to D's
    ("win_0", True),               # D's war-win probability, logit intercept
    ("win_pd", False),             # ... per 10 points of power discrepancy in D's favour
    ("win_pd_missing", False),     # ... when the power discrepancy is not coded
    ("war_cost_d_0", True),        # log D's war cost
    ("war_cost_d_force", False),   # ... after a violent trigger (force already used)
    ("war_cost_d_military", False),  # ... after a non-violent military trigger
    ("war_cost_d_superpower", False),  # ... when D is a superpower
    ("war_cost_protracted", False),  # log war cost of both sides within a protracted conflict
    ("war_cost_long_war", False),  # ... within a long-war protracted conflict
    ("war_cost_c_0", True),        # log C's war cost
    ("war_cost_c_force", False),   # ... after a violent trigger
    ("standoff_0", True),          # log standoff cost (both sides)
    ("standoff_force", False),     # ... after a violent trigger
    ("deal_0", True),              # D's deal share: logit(win prob) + this (the concession value)
)
NAMES = tuple(n for n, _ in PARAMS)
PENALISED = np.array([not i for _, i in PARAMS])
BOUND = 8.0
PENALTIES = (30.0, 3.0, 1.0)  # L2 weights tried on the inner rolling origins
EPS = 1e-12
STEP = 1e-20  # complex step
FTOL = 1e-10  # relative reduction of the objective at which L-BFGS-B stops


def _col(x: np.ndarray, name: str) -> np.ndarray:
    return x[:, STRUCTURAL.index(name)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def terms(theta: np.ndarray, x: np.ndarray) -> CrisisTerms:
    """The game's named terms for each crisis (rows of ``x``, columns :data:`STRUCTURAL`).

    ``theta`` is one coefficient vector, or a (m, k) batch of them; a batch gives (m, n) terms.
    """
    batch = np.ndim(theta) == 2
    th = {k: (theta[:, i][:, None] if batch else theta[i]) for i, k in enumerate(NAMES)}
    force, mil = _col(x, "force_trigger"), _col(x, "military_trigger")
    stake_d = np.exp(th["stake_grave"] * _col(x, "grave") + th["stake_territorial"] * _col(x, "territorial")
                     + th["stake_security"] * _col(x, "security"))
    logit_p = th["win_0"] + th["win_pd"] * _col(x, "pd") + th["win_pd_missing"] * _col(x, "pd_missing")
    standoff = np.exp(th["standoff_0"] + th["standoff_force"] * force)
    conflict = th["war_cost_protracted"] * _col(x, "protracted") + th["war_cost_long_war"] * _col(x, "long_war")
    return CrisisTerms(
        stake_d=stake_d,
        stake_c=stake_d * np.exp(th["stake_c"]),
        win_prob=_sigmoid(logit_p),
        war_cost_d=np.exp(th["war_cost_d_0"] + th["war_cost_d_force"] * force + th["war_cost_d_military"] * mil
                          + th["war_cost_d_superpower"] * _col(x, "superpower") + conflict),
        war_cost_c=np.exp(th["war_cost_c_0"] + th["war_cost_c_force"] * force + conflict),
        standoff_cost_d=standoff,
        standoff_cost_c=standoff,
        deal_share=_sigmoid(logit_p + th["deal_0"]),
        lam=np.exp(th["log_lam"]) if batch else float(np.exp(th["log_lam"])),
    )


def predict5(theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Outcome probabilities in the game's five outcomes (capitulation split by whose)."""
    return outcome_probs(terms(theta, x))


def to_classes(p5: np.ndarray, split: bool) -> np.ndarray:
    """Five game outcomes -> detente's four classes (capitulations summed) unless ``split``."""
    if split:
        return p5
    return np.stack([p5[:, 0], p5[:, 1], p5[:, 2] + p5[:, 3], p5[:, 4]], axis=1)


def neg_loglik(theta: np.ndarray, x: np.ndarray, y5: np.ndarray, penalty: float,
               weight: np.ndarray | None = None) -> float:
    """Penalised negative log-likelihood; ``y5`` indexes the five outcomes of :data:`OUTCOMES`."""
    return float(_nll_batch(np.asarray(theta, dtype=float)[None, :], x, y5, penalty, weight)[0].real)


def _nll_batch(thetas: np.ndarray, x: np.ndarray, y5: np.ndarray, penalty: float,
               weight: np.ndarray | None) -> np.ndarray:
    p = outcome_probs(terms(thetas, x))[:, np.arange(len(y5)), y5]
    w = np.ones(len(y5)) if weight is None else weight
    return -(np.log(p + EPS) * w).sum(axis=1) + penalty * ((thetas * PENALISED) ** 2).sum(axis=1)


def value_and_grad(theta: np.ndarray, x: np.ndarray, y5: np.ndarray, penalty: float,
                   weight: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """The objective and its exact gradient by complex step (one batched solve of all k directions)."""
    k = theta.size
    thetas = theta[None, :] + 1j * STEP * np.eye(k)
    f = _nll_batch(thetas, x, y5, penalty, weight)
    return float(f[0].real), f.imag / STEP


def _compress(x: np.ndarray, y5: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identical (covariates, outcome) rows once, with their count as weight: same likelihood, less work."""
    keys, counts = np.unique(np.column_stack([x, y5]), axis=0, return_counts=True)
    return keys[:, :-1], keys[:, -1].astype(int), counts.astype(float)


@dataclass
class StructuralFit:
    theta: np.ndarray
    penalty: float
    loglik: float
    n: int
    converged: bool
    hessian: np.ndarray | None = None

    def params(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(NAMES, self.theta, strict=True)}

    def predict(self, x: np.ndarray, split: bool = False) -> np.ndarray:
        return to_classes(predict5(self.theta, x), split)

    def covariance(self) -> np.ndarray | None:
        """Inverse of the penalised Hessian (None if it is not positive definite)."""
        if self.hessian is None:
            return None
        try:
            cov = np.linalg.inv(self.hessian)
        except np.linalg.LinAlgError:
            return None
        cov = (cov + cov.T) / 2
        return cov if np.all(np.linalg.eigvalsh(cov) > 0) else None


def fit(x: np.ndarray, y5: np.ndarray, penalty: float = 1.0, seed: int = 0, starts: int = 3,
        hessian: bool = False, x0: np.ndarray | None = None) -> StructuralFit:
    """Maximum (penalised) likelihood from ``starts`` starting points: ``x0`` (default all zeros),
    then random normal draws around zero (seeded)."""
    with one_thread():
        return _fit(x, y5, penalty, seed, starts, hessian, x0)


def one_thread():
    """BLAS threads fight over 16x16 matrices inside L-BFGS-B (10x slower on a busy machine): use one."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (the icb extra)
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


def _fit(x: np.ndarray, y5: np.ndarray, penalty: float, seed: int, starts: int, hessian: bool,
         start: np.ndarray | None) -> StructuralFit:
    rng = np.random.default_rng(seed)
    xu, yu, wu = _compress(x, y5)
    bounds = [(-BOUND, BOUND)] * len(NAMES)
    best = None
    for s in range(starts):
        if s == 0:
            x0 = np.zeros(len(NAMES)) if start is None else np.clip(start, -BOUND, BOUND)
        else:
            x0 = rng.normal(0.0, 0.7, len(NAMES))
        res = minimize(value_and_grad, x0, args=(xu, yu, penalty, wu), jac=True, method="L-BFGS-B",
                       bounds=bounds, options={"maxiter": 3000, "ftol": FTOL})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    theta = np.asarray(best.x)
    ll = -neg_loglik(theta, xu, yu, 0.0, wu)
    h = numerical_hessian(lambda t: value_and_grad(t, xu, yu, penalty, wu)[1], theta) if hessian else None
    return StructuralFit(theta, penalty, ll, len(y5), bool(best.success), h)


def numerical_hessian(grad, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Central differences of the exact gradient, symmetrised."""
    k = theta.size
    h = np.zeros((k, k))
    for i in range(k):
        e = np.eye(k)[i] * step
        h[i] = (grad(theta + e) - grad(theta - e)) / (2 * step)
    return (h + h.T) / 2


def fold_losses(fold: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], seed: int = 0,
                penalties: Sequence[float] = PENALTIES, split: bool = False) -> dict[float, float]:
    """Log loss on one inner (x_fit, y5_fit, x_score, y_score) fold for each penalty, visited from the
    largest down, each fit starting where the previous one ended."""
    xf, yf, xs, ys = fold
    out, start = {}, None
    for pen in sorted(penalties, reverse=True):
        f = fit(xf, yf, pen, seed, starts=1, x0=start)
        start = f.theta
        p = f.predict(xs, split).real[np.arange(len(ys)), ys]
        out[pen] = float(-np.log(np.clip(p, EPS, None)).mean())
    return out


def choose_penalty(folds: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], seed: int = 0,
                   penalties: Sequence[float] = PENALTIES, split: bool = False,
                   losses: Sequence[dict[float, float]] | None = None) -> tuple[float, dict[float, float]]:
    """The L2 weight with the lowest mean log loss (detente's four classes unless ``split``) over the
    inner folds (or their precomputed ``losses``); ties go to the larger penalty."""
    per_fold = list(losses) if losses is not None else [fold_losses(f, seed, penalties, split) for f in folds]
    scores = {pen: float(np.mean([d[pen] for d in per_fold])) for pen in penalties}
    best = min(scores, key=lambda k: (round(scores[k], 12), -k))
    return best, scores


def simulate(theta: np.ndarray, x: np.ndarray, seed: int) -> np.ndarray:
    """Draw outcomes (indices into the five game outcomes) from the model at ``theta``."""
    p = predict5(theta, x).real
    u = np.random.default_rng(seed).random(len(x))[:, None]
    return np.minimum((u > np.cumsum(p, axis=1)).sum(axis=1), p.shape[1] - 1)
