"""Victory-probability models and coalition strengths.

Port of ``KBase::Model::vProb`` and ``KBase::Model::coalitions`` from KTAB (MIT licence,
Copyright (c) 2015 KAPSARC; ``KTAB/kmodel/libsrc/kmodel.cpp``): the probability that the
coalition behind option i beats the one behind j, from their strengths.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from detente.models.smp.voting import vote

VictoryModel = Literal["linear", "square", "quartic", "octic", "binary"]
VICTORY_MODELS: tuple[str, ...] = ("linear", "square", "quartic", "octic", "binary")

MIN_COALITION = 1e-8  # KTAB's floor on every coalition, so that no contest is 0:0
_BINARY_THRESHOLD = 1.10  # binary law: a 10% advantage wins for certain
_MIN_X = 1e-6


def pair_probs(model: str, s1: np.ndarray, s2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P[s1 beats s2], P[s2 beats s1]) for coalition strengths s1, s2 (elementwise)."""
    s1 = np.asarray(s1, dtype=float)
    s2 = np.asarray(s2, dtype=float)
    if model == "linear":
        x1, x2 = s1, s2
    elif model == "square":
        x1, x2 = s1 * s1, s2 * s2
    elif model == "quartic":
        x1, x2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
    elif model == "octic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        x1, x2 = q1 * q1, q2 * q2
    elif model == "binary":
        t = _BINARY_THRESHOLD
        with np.errstate(invalid="ignore", divide="ignore"):
            r12 = s1 / (s1 + s2)
        p12 = (r12 * (t + 1.0) - 1.0) / (t - 1.0)
        win1 = s1 >= t * s2
        win2 = ~win1 & (s2 >= t * s1)
        x1 = np.where(win1, 1.0, np.where(win2, _MIN_X, p12))
        x2 = np.where(win1, _MIN_X, np.where(win2, 1.0, 1.0 - p12))
    else:
        raise ValueError(f"unknown victory-probability model {model!r}")
    total = x1 + x2
    return x1 / total, x2 / total


def victory_matrix(model: str, c: np.ndarray) -> np.ndarray:
    """Square ``P[i > j]`` from coalition strengths ``c[..., i, j]``; diagonal 1/2.

    As in KTAB, each pair is evaluated once from its lower-left entry (i > j) and the
    upper-right entry gets the complementary probability of that same evaluation."""
    ct = np.swapaxes(c, -1, -2)
    p1, p2 = pair_probs(model, c, ct)
    n = c.shape[-1]
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    q = np.where(lower, p1, np.swapaxes(p2, -1, -2))
    idx = np.arange(n)
    q[..., idx, idx] = 0.5
    return q


_BLOCK = 200_000  # (voters, rows, options) entries per block: ~1.6 MB, stays in cache


def coalitions(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``c[..., i, j]`` = strength of the coalition for option i against j.

    ``w`` is ``(..., voters)``, ``u`` is ``(..., voters, options)``. As in KTAB, each pair is
    voted once from its lower-left entry (i > j): voters with a positive vote join i's
    side, the others j's side (this matters for the asymmetric prospect rule), and both
    sides start from the 1e-8 floor.

    Computed in blocks of rows i, so memory is O(options^2) rather than the (voters, options,
    options) tensor (7.5 GB at 1,000 actors); each entry sums over voters in the same order as
    one whole-tensor pass, so the numbers are bit for bit those of that pass (S9, S10)."""
    k, n = u.shape[-2], u.shape[-1]
    c = np.empty((*np.broadcast_shapes(w.shape[:-1], u.shape[:-2]), n, n))
    step = max(1, _BLOCK // max(1, k * n))
    if rule == "proportional" and bool((w >= 0).all()):
        # w_k max(du, 0) == max(w_k du, 0) for w_k >= 0: sum with a product. The upper entry
        # sums max(-du[j, i], 0) = max(du[i, j], 0) exactly, so every entry is the same sum.
        for s in range(0, n, step):
            du = u[..., :, s:s + step, None] - u[..., :, None, :]  # (..., k, rows, j)
            np.maximum(du, 0.0, out=du)
            c[..., s:s + step, :] = MIN_COALITION + np.einsum("...k,...kij->...ij", w, du)
    else:
        lower = np.tril(np.ones((n, n), dtype=bool), -1)
        wk = w[..., :, None, None]
        for s in range(0, n, step):
            rows = slice(s, s + step)
            v = vote(rule, wk, u[..., :, rows, None], u[..., :, None, :])  # (..., k, rows, j): i = rows
            pos = MIN_COALITION + np.where(v > 0, v, 0.0).sum(axis=-3)
            v = vote(rule, wk, u[..., :, :, None], u[..., :, None, rows])  # (..., k, j, rows): j beats rows?
            neg = MIN_COALITION + np.where(v < 0, -v, 0.0).sum(axis=-3)
            c[..., rows, :] = np.where(lower[rows], pos, np.swapaxes(neg, -1, -2))
    idx = np.arange(n)
    c[..., idx, idx] = MIN_COALITION
    return c
