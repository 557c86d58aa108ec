"""Security levels and risk exponents (Scholz eqs. 32-34; BdM 1985 conversion)."""

from __future__ import annotations

import numpy as np


def security(eu_r1: np.ndarray, reading: str = "challengers") -> np.ndarray:
    """``Sec_i`` from the risk-neutral EU matrix ``eu_r1[i, j] = E^i(U_ij)`` (r = 1 for all).

    Ambiguity A2: ``challengers`` (prose of Scholz section 5) sums what the others expect
    from challenging i, ``sum_j E^j(U_ji)`` (column sums); ``challenged`` sums what i expects
    from challenging the others, ``sum_j E^i(U_ij)`` (row sums). With every r = 1 the printed
    superscript ``E^i(U_ji)`` is numerically the challengers' reading, so the second choice
    is the only distinct alternative.
    """
    e = eu_r1.copy()
    np.fill_diagonal(e, 0.0)
    if reading == "challengers":
        return e.sum(axis=0)
    if reading == "challenged":
        return e.sum(axis=1)
    raise ValueError(f"unknown security reading {reading!r}")


def risk_exponent(sec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(R, r)``: risk basis in [-1, 1] and exponent ``r = (1 - R/3)/(1 + R/3)`` in [0.5, 2].

    When all security levels are equal (one actor, identical positions) R = 0 and r = 1.
    """
    if sec.size == 0:
        return sec.copy(), np.ones_like(sec)
    hi, lo = float(sec.max()), float(sec.min())
    if hi - lo <= 1e-12 * max(1.0, abs(hi), abs(lo)):
        big_r = np.zeros_like(sec)
    else:
        big_r = np.clip((2.0 * sec - hi - lo) / (hi - lo), -1.0, 1.0)
    return big_r, (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
