"""Drawing the uncertain inputs: inverse-CDF transforms of uniforms from a seeded generator.

Every distribution is applied as a quantile function to uniform numbers, so the same
code serves Monte Carlo (uniforms from ``numpy.random.Generator``), Sobol designs (uniforms
from SALib's quasi-random sequence) and tests (known quantiles). Distributions:

* ``triangular`` (default): ``low``, ``mode``, ``high`` as written.
* ``uniform``: flat on ``[low, high]``; the mode is ignored.
* ``normal``: mean = mode, standard deviation = (high - low) / 4 (so the range is about
  +-2 sd when the mode is central), truncated to ``[low, high]``.
* ``fixed``: always the mode (switches a range off without editing the file).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from detente.uncertainty.params import Param


def quantile(p: Param, u: np.ndarray) -> np.ndarray:
    """Values of ``p`` at probabilities ``u`` (any shape, entries in [0, 1])."""
    lo, mode, hi = p.low, p.mode, p.high
    u = np.asarray(u, dtype=float)
    if p.dist == "fixed" or hi <= lo:
        return np.full_like(u, mode)
    if p.dist == "uniform":
        return lo + u * (hi - lo)
    if p.dist == "normal":
        sd = (hi - lo) / 4.0
        a, b = ndtr((lo - mode) / sd), ndtr((hi - mode) / sd)
        return np.clip(mode + sd * ndtri(a + u * (b - a)), lo, hi)
    if p.dist == "triangular":
        c = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        return np.where(u < c, left, right)
    raise ValueError(f"unknown distribution {p.dist!r}")


def transform(params: list[Param], u: np.ndarray) -> np.ndarray:
    """Map a (B, k) matrix of uniforms to parameter values, column by column."""
    out = np.empty_like(u, dtype=float)
    for j, p in enumerate(params):
        out[:, j] = quantile(p, u[:, j])
    return out


def sample(params: list[Param], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` independent draws of every parameter: a (n, k) matrix."""
    return transform(params, rng.random((n, len(params))))


def modes(params: list[Param]) -> np.ndarray:
    return np.array([p.mode for p in params], dtype=float)
