"""Probabilistic Condorcet elections (PCE): the probability that each option wins.

Port of ``KBase::Model::probCE2``, ``condPCE``, ``markovUniformPCE``,
``markovIncentivePCE`` and ``scalarPCE`` from KTAB (KAPSARC Toolkit for Behavioral
Analysis, MIT licence, Copyright (c) 2015 KAPSARC; ``KTAB/kmodel/libsrc/kmodel.cpp``).
The Markov variants iterate ``p <- (p + q) / 2`` until no entry moves by more than the
KTAB tolerance, exactly as KTAB does (so the fixed points agree to that tolerance).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from detente.models.smp.victory import coalitions, victory_matrix

PceModel = Literal["conditional", "markov_incentive", "markov_uniform"]
PCE_MODELS: tuple[str, ...] = ("conditional", "markov_incentive", "markov_uniform")

_MAX_ITER = 1000


def conditional(pv: np.ndarray) -> np.ndarray:
    """``p_i`` proportional to the product over j of ``P[i > j]`` (one-step conditional)."""
    p = np.prod(pv, axis=-1)
    return p / p.sum(axis=-1, keepdims=True)


def _iterate(step, p: np.ndarray, tol: float) -> np.ndarray:
    """KTAB's damped iteration ``p <- (p + q) / 2``, stopped per option set (leading axes)
    once the largest change of that set is within ``tol``, as KTAB does for one set."""
    active = np.ones(p.shape[:-1], dtype=bool)
    for _ in range(_MAX_ITER):
        q = step(p)
        change = np.abs(q - p).max(axis=-1)
        p = np.where(active[..., None], (p + q) / 2.0, p)
        active &= change > tol
        if not active.any():
            break
    return p


def markov_uniform(pv: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Fixed point of ``p_i = (1/n) sum_j P[i>j] (p_i + p_j)`` (uniform challenges)."""
    n = pv.shape[-1]

    def step(p: np.ndarray) -> np.ndarray:
        return (pv * (p[..., :, None] + p[..., None, :])).sum(axis=-1) / n

    return _iterate(step, np.full(pv.shape[:-1], 1.0 / n), tol)


def markov_incentive(c: np.ndarray, pv: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Markov chain whose challenge probabilities are proportional to ``C_ij P[i>j]``."""
    n = c.shape[-1]
    inctv = c * pv
    idx = np.arange(n)
    inctv[..., idx, idx] += 1e-10
    chlg_t = np.swapaxes(inctv / inctv.sum(axis=-2, keepdims=True), -1, -2)  # [i,j] = P[j -> i]

    def step(p: np.ndarray) -> np.ndarray:
        ct = p[..., :, None] * chlg_t
        return (pv * (ct + np.swapaxes(ct, -1, -2))).sum(axis=-1)

    return _iterate(step, np.full(c.shape[:-1], 1.0 / n), tol)


def prob_ce(pce: str, victory: str, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probability of each option, victory matrix) from coalition strengths ``c``."""
    pv = victory_matrix(victory, c)
    if pce == "conditional":
        p = conditional(pv)
    elif pce == "markov_uniform":
        p = markov_uniform(pv)
    elif pce == "markov_incentive":
        p = markov_incentive(c, pv)
    else:
        raise ValueError(f"unknown PCE model {pce!r}")
    return p, pv


def scalar_pce(w: np.ndarray, u: np.ndarray, rule: str, victory: str, pce: str) -> np.ndarray:
    """Option probabilities when voters of weight ``w`` (voters,) value options ``u``
    (..., voters, options)."""
    c = coalitions(rule, w, u)
    return prob_ce(pce, victory, c)[0]
