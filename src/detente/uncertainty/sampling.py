"""Drawing the uncertain inputs: inverse-CDF transforms of uniforms from a seeded generator.

Every distribution is applied as a quantile function to uniform numbers, so the same
code serves Monte Carlo (uniforms from ``numpy.random.Generator``), Sobol designs (uniforms
from SALib's quasi-random sequence) and tests (known quantiles). Distributions:

* ``triangular`` (default): ``low``, ``mode``, ``high`` as written.
* ``uniform``: flat on ``[low, high]``; the mode is ignored.
* ``normal``: mean = mode, standard deviation = (high - low) / 4 (so the range is about
  +-2 sd when the mode is central), truncated to ``[low, high]``.
* ``lognormal``: ``normal`` on the log scale: median = mode, log standard deviation =
  (ln high - ln low) / 4, truncated to ``[low, high]``; needs low > 0. For numbers known to
  within a factor, e.g. the ICB priors' cost shares, whose intervals span orders of magnitude
  (decision P7).
* ``fixed``: always the mode (switches a range off without editing the file).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from detente.uncertainty.params import Param


def quantile(p: Param, u: np.ndarray) -> np.ndarray:
    """Values of ``p`` at probabilities ``u`` (any shape, entries in [0, 1])."""
    return _quantiles(_kind(p), p.low, p.mode, p.high, np.asarray(u, dtype=float))


def _kind(p: Param) -> str:
    return "fixed" if p.dist == "fixed" or p.high <= p.low else p.dist


def _quantiles(dist: str, lo, mode, hi, u: np.ndarray) -> np.ndarray:
    """One distribution's quantile function; ``lo``/``mode``/``hi`` scalars or per-column arrays."""
    if dist == "fixed":
        return np.broadcast_to(mode, u.shape).astype(float, copy=True)
    if dist == "uniform":
        return lo + u * (hi - lo)
    if dist == "normal":
        sd = (hi - lo) / 4.0
        a, b = ndtr((lo - mode) / sd), ndtr((hi - mode) / sd)
        return np.clip(mode + sd * ndtri(a + u * (b - a)), lo, hi)
    if dist == "lognormal":
        llo, lhi, lmode = np.log(lo), np.log(hi), np.log(mode)
        sd = (lhi - llo) / 4.0
        a, b = ndtr((llo - lmode) / sd), ndtr((lhi - lmode) / sd)
        return np.clip(np.exp(lmode + sd * ndtri(a + u * (b - a))), lo, hi)
    if dist == "triangular":
        c = (mode - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
        return np.where(u < c, left, right)
    raise ValueError(f"unknown distribution {dist!r}")


_BLOCK = 65_536  # numbers per block of rows in transform


def transform(params: list[Param], u: np.ndarray) -> np.ndarray:
    """Map a (B, k) matrix of uniforms to parameter values.

    The columns of one distribution go through its quantile function together (elementwise,
    so the numbers are those of one column at a time, only without a Python loop per column).
    """
    u = np.asarray(u, dtype=float)
    out = np.empty_like(u)
    kinds = np.array([_kind(p) for p in params])
    bounds = np.array([(p.low, p.mode, p.high) for p in params], dtype=float).reshape(len(params), 3)
    groups = [(dist, np.flatnonzero(kinds == dist)) for dist in dict.fromkeys(kinds.tolist())]
    step = max(1, _BLOCK // max(1, len(params)))  # rows per block: temporaries stay in cache
    for start in range(0, u.shape[0], step):
        rows = slice(start, start + step)
        for dist, cols in groups:
            lo, mode, hi = bounds[cols].T
            if cols.size == len(params):
                out[rows] = _quantiles(dist, lo, mode, hi, u[rows])
            else:
                out[rows, cols] = _quantiles(dist, lo, mode, hi, u[rows][:, cols])
    return out


def sample(params: list[Param], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` independent draws of every parameter: a (n, k) matrix."""
    return transform(params, rng.random((n, len(params))))


def modes(params: list[Param]) -> np.ndarray:
    return np.array([p.mode for p in params], dtype=float)
