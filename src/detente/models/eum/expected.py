"""Expected utility of challenge, ``E^i(U_ij)`` for every ordered dyad at once (Scholz eqs. 5-7)."""

from __future__ import annotations

import numpy as np

from detente.models.eum import utilities as u


def challenge_eu(x: np.ndarray, s: np.ndarray, p: np.ndarray, span: float, mu: float,
                 r_mat: np.ndarray, q: float, t_rule: str, salience_lead: str) -> np.ndarray:
    """``E[i, j]``: i's expected utility of challenging j.

    ``r_mat[i, j]`` is the risk exponent the dyad is evaluated with (the challenger's own
    exponent, or the receiving actor's under the Scholz-code perspective). ``salience_lead``
    picks whose salience weighs the "j resists" branch (ambiguity A1): ``responder`` = s_j,
    ``challenger`` = s_i. ``t_rule`` sets T of the no-challenge branch (irrelevant when Q = 1).
    """
    dist = np.abs(x[:, None] - x[None, :]) / span
    dist_mu = np.broadcast_to((np.abs(x - mu) / span)[:, None], dist.shape)
    lead = s[None, :] if salience_lead == "responder" else s[:, None]
    us = u.success(dist, r_mat)
    uf = u.failure(dist, r_mat)
    challenge = lead * (p * us + (1.0 - p) * uf) + (1.0 - lead) * us
    no_challenge = q * u.status_quo(r_mat)
    if q < 1.0:
        if t_rule == "median_closer":
            t = (dist_mu < dist).astype(float)
        elif t_rule in ("better", "worse"):
            t = np.full(dist.shape, 1.0 if t_rule == "better" else 0.0)
        else:
            raise ValueError(f"unknown T rule {t_rule!r}")
        no_challenge = no_challenge + (1.0 - q) * (
            t * u.better(dist, dist_mu, r_mat) + (1.0 - t) * u.worse(dist, dist_mu, r_mat))
    return challenge - no_challenge


def dyad_eus(x: np.ndarray, s: np.ndarray, p: np.ndarray, span: float, mu: float, r: np.ndarray,
             q: float, t_rule: str, salience_lead: str, perspective: str) -> tuple[np.ndarray, np.ndarray]:
    """``(A, B)`` with ``A[i, j] = E^i(U_ij)`` and ``B[i, j] = E^j(U_ji)`` as seen by actor i.

    ``perspective='own'``: each challenger's EU uses its own exponent, so ``B = A.T``.
    ``perspective='receiver'``: actor i evaluates both sides of its dyads with r_i (what
    jmckib reports Scholz's code does).
    """
    args = (x, s, p, span, mu)
    a = challenge_eu(*args, r[:, None] * np.ones_like(p), q, t_rule, salience_lead)
    if perspective == "own":
        return a, a.T
    if perspective != "receiver":
        raise ValueError(f"unknown perspective {perspective!r}")
    other = challenge_eu(*args, r[None, :] * np.ones_like(p), q, t_rule, salience_lead)
    return a, other.T
