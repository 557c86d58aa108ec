"""Basic utilities of the expected-utility model (Scholz, Calbert & Smith 2011, eqs. 15-16, 22-24).

Every function works on whole ``(n, n)`` dyad matrices at once: row ``i`` is the
challenger, column ``j`` the challenged actor, and ``r`` broadcasts as the risk exponent
of whoever's point of view the matrix is computed from.
"""

from __future__ import annotations

import numpy as np


def _u(base: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``2 - 4 base**r``; ``base`` is clipped to [0, 1] so rounding never yields NaN.

    With every exponent 1 (the risk-neutral pass) no power is taken: ``x**1`` is ``x``, and the
    batched code (batch.py) relies on exactly that to skip the power.
    """
    b = np.clip(base, 0.0, 1.0)
    return 2.0 - 4.0 * (b if np.all(r == 1.0) else np.power(b, r))


def success(dist: np.ndarray, r: np.ndarray) -> np.ndarray:
    """U_s: i's utility when i's challenge of j succeeds; ``dist`` = |x_i - x_j| / R."""
    return _u(0.5 - 0.5 * dist, r)


def failure(dist: np.ndarray, r: np.ndarray) -> np.ndarray:
    """U_f: i's utility when the challenge fails."""
    return _u(0.5 + 0.5 * dist, r)


def better(dist: np.ndarray, dist_mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """U_b: things get better without a challenge (j drifts toward the median/mean voter)."""
    return _u(0.5 - 0.25 * (dist_mu + dist), r)


def worse(dist: np.ndarray, dist_mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """U_w: things get worse without a challenge."""
    return _u(0.5 + 0.25 * (dist_mu + dist), r)


def status_quo(r: np.ndarray) -> np.ndarray:
    """U_sq = 2 - 4 (0.5)^r: 0 for a risk-neutral actor."""
    return 2.0 - 4.0 * np.power(0.5, r)
