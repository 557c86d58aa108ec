"""Spatial utility with risk attitudes, as in KTAB's SMP.

Port of ``SMPModel::bvDiff``, ``SMPModel::bsUtil``, ``KBase::Model::bigRfromProb`` and
``KBase::Model::estNRA`` from KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT licence,
Copyright (c) 2015 KAPSARC; ``examples/smp/libsrc/smp.cpp``, ``KTAB/kmodel/libsrc/kmodel.cpp``).
Positions and saliences are on KTAB's internal 0..1 scale.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

BigRAdjust = Literal["none", "one_third", "half", "two_thirds", "full"]
BIG_R_ADJUSTS: tuple[str, ...] = ("none", "one_third", "half", "two_thirds", "full")
BigRRange = Literal["min", "mid", "max"]
BIG_R_RANGES: tuple[str, ...] = ("min", "mid", "max")


def distance(ideal: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """``d[..., i, j]``: salience-weighted distance from i's ideal to j's position.

    ``sqrt(sum_k (s_ik (ideal_ik - x_jk))^2 / sum_k s_ik^2)``; an actor with no salience
    anywhere is indifferent (distance 0) where KTAB throws."""
    diff = ideal[..., :, None, :] - pos[..., None, :, :]  # (..., i, j, k)
    ds = diff * sal[..., :, None, :]
    num = (ds * ds).sum(axis=-1)
    den = (sal * sal).sum(axis=-1)[..., :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, np.sqrt(num / np.where(den > 0, den, 1.0)), 0.0)


def point_distance(ideal: np.ndarray, points: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """Distance from each actor's ideal (a, k) to points (..., a, k) seen by that actor."""
    ds = (ideal - points) * sal
    num = (ds * ds).sum(axis=-1)
    den = (sal * sal).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, np.sqrt(num / np.where(den > 0, den, 1.0)), 0.0)


def util(d: np.ndarray, r: np.ndarray | float, bounded: bool | None = None) -> np.ndarray:
    """``u = (1 - d)(1 + d R)`` for d <= 1 (KTAB ``bsUtil``); R > 0 is risk-averse.

    Distances on the 0..1 scale never exceed 1, so the second branch is only computed when
    some do (same numbers, a third of the array passes). ``bounded``: whether every d <= 1,
    when the caller already knows (None: check).
    """
    one_d = 1.0 - d
    if bounded if bounded is not None else bool(np.all(d <= 1.0)):
        return one_d * (1.0 + d * r)
    return np.where(d <= 1.0, one_d * (1.0 + d * r), one_d * (1.0 + r))


def risk_from_prob(p: np.ndarray, rng: str = "mid") -> np.ndarray:
    """Risk attitudes from win probabilities (``bigRfromProb``): likely winners turn
    risk-averse. When every probability is equal KTAB divides 0 by 0; we return 0."""
    pmin, pmax = p.min(), p.max()
    spread = pmax - pmin
    if not spread > 0:
        return np.zeros_like(p)
    if rng == "min":
        return (p - pmin) / spread
    if rng == "mid":
        return (3 * p - (pmax + 2 * pmin)) / (2 * spread)
    if rng == "max":
        return (2 * p - (pmax + pmin)) / spread
    raise ValueError(f"unknown big-R range {rng!r}")


def perceived_risk(rh: np.ndarray, ri: np.ndarray, adjust: str) -> np.ndarray:
    """h's estimate of i's risk attitude (``estNRA``), anchored on h's own."""
    if adjust == "full":
        return ri + 0.0 * rh
    if adjust == "two_thirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "half":
        return (rh + ri) / 2
    if adjust == "one_third":
        return ((2.0 * rh) + ri) / 3.0
    if adjust == "none":
        return rh + 0.0 * ri
    raise ValueError(f"unknown big-R adjustment {adjust!r}")
