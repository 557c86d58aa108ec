"""Challenges: h's estimate of the probability that i beats j, and of what i gains by trying.

Vectorised port of ``SMPState::probEduChlg``, ``Actor::vProbLittle``,
``Actor::thirdPartyVoteSU`` and ``SMPState::bestChallenge`` from KTAB (KAPSARC Toolkit for
Behavioral Analysis, MIT licence, Copyright (c) 2015 KAPSARC; ``examples/smp/libsrc/smpbcn.cpp``,
``KTAB/kmodel/libsrc/kmodel.cpp``).

KTAB evaluates ``probEduChlg(h, k, i, j)`` for every (h, k, i, j) inside nested loops and
threads, which costs O(n^5) per turn; but only the initiator's own view ``(i, i, i, j)``
decides anything (the rest is written to its SQLite tables). Here that view is computed for
all (i, j) pairs and every third party n at once, in blocks of initiators to bound memory:
O(n^3) work per turn in a handful of array operations.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from detente.models.smp.voting import vote

ThirdPartyCommit = Literal["no_commit", "semi_commit", "full_commit"]
THIRD_PARTY_COMMITS: tuple[str, ...] = ("no_commit", "semi_commit", "full_commit")

MIN_CLTN = 1e-10  # KTAB's floor on both coalitions of a challenge
MIN_SIG_EDU = 1e-5  # a challenge must be worth more than this to be made


def _third_party_vote(rule: str, commit: str, wn: np.ndarray, pin: np.ndarray, uni: np.ndarray,
                      unj: np.ndarray, unn: np.ndarray) -> np.ndarray:
    """n's vote on (i:j) from the utilities of the two 3-actor outcomes (sum-of-utilities)."""
    pjn = 1.0 - pin
    if commit == "semi_commit":
        ik_def_j, j_def_ik = uni + uni + unn, unj + unj + unj
        i_def_jk, jk_def_i = uni + uni + uni, unj + unj + unn
    elif commit == "full_commit":
        ik_def_j, j_def_ik = uni + uni + uni, unj + unj + unj
        i_def_jk, jk_def_i = uni + uni + uni, unj + unj + unj
    elif commit == "no_commit":
        ik_def_j, j_def_ik = uni + uni + unn, unj + unj + unn
        i_def_jk, jk_def_i = uni + uni + unn, unj + unj + unn
    else:
        raise ValueError(f"unknown third-party commitment {commit!r}")
    u_ik_j = (pin * ik_def_j) + (pjn * j_def_ik)
    u_i_jk = (pin * i_def_jk) + (pjn * jk_def_i)
    return vote(rule, wn, u_ik_j, u_i_jk)


def contest(rule: str, commit: str, uii: np.ndarray, uij: np.ndarray, uji: np.ndarray,
            ujj: np.ndarray, wi: np.ndarray, wj: np.ndarray, uni: np.ndarray, unj: np.ndarray,
            unn: np.ndarray, wn: np.ndarray, third: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P[i beats j], P[j beats i]) as estimated from one utility matrix.

    Principal terms have shape S, third-party terms S + (n,); ``third`` masks out i and j.
    Each third party joins the side it prefers after weighing the little (i:j) contest
    with only the principals and itself in it."""
    ci = vote(rule, wi, uii, uij)
    cj = vote(rule, wj, uji, ujj)
    chij = MIN_CLTN + np.where(ci > 0, ci, 0.0) + np.where(cj > 0, cj, 0.0)
    chji = MIN_CLTN - np.where(ci < 0, ci, 0.0) - np.where(cj < 0, cj, 0.0)
    a, b = chij[..., None], chji[..., None]
    if rule == "proportional" and commit == "semi_commit":
        vn = _semi_proportional(a, b, uni, unj, unn, wn)
    else:
        vn = _third_party(rule, commit, a, b, uni, unj, unn, wn)
    # i and j cast no third-party vote: a zero adds nothing to either sum (same sums, bit for bit,
    # as masking inside each sum, in two fewer passes)
    vn = np.where(third, vn, 0.0)
    side = np.maximum(vn, 0.0)
    chij = chij + side.sum(axis=-1)
    np.minimum(vn, 0.0, out=side)
    chji = chji - side.sum(axis=-1)
    total = chij + chji
    return chij / total, chji / total


def _semi_proportional(a: np.ndarray, b: np.ndarray, uni: np.ndarray, unj: np.ndarray, unn: np.ndarray,
                       wn: np.ndarray) -> np.ndarray:
    """Third-party votes for KTAB's defaults (proportional, semi-commit) in fewer array passes:
    the vote is ``w_n [P_in (u_nn - u_ni) + (1 - P_in)(u_nj - u_nn)]`` (same value up to rounding)."""
    cn = uni - unj
    cn *= wn
    pin = np.maximum(cn, 0.0)
    pin += a
    np.abs(cn, out=cn)
    cn += a + b
    pin /= cn  # P_in
    y = unj - unn
    cn = (unn - uni) - y
    cn *= pin
    cn += y
    cn *= wn
    return cn


def _third_party(rule: str, commit: str, a: np.ndarray, b: np.ndarray, uni: np.ndarray, unj: np.ndarray,
                 unn: np.ndarray, wn: np.ndarray) -> np.ndarray:
    """Third-party votes, any voting rule and commitment, following KTAB step by step."""
    cn = vote(rule, wn, uni, unj)
    cni = np.where(cn > 0, a + cn, a)
    cnj = np.where(cn < 0, b - cn, b)
    pin = cni / (cni + cnj)
    return _third_party_vote(rule, commit, wn, pin, uni, unj, unn)


def own_challenges(u: np.ndarray, s_tot: np.ndarray, cap: np.ndarray, rule: str, commit: str,
                   rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For initiators ``rows`` and every target j, i's own estimate (h = k = i) of P[i beats j]
    and of i's expected gain from challenging j, ``(P, dEU)``, both (len(rows), n).

    ``u[b]`` is initiator ``rows[b]``'s view: ``u[b, x, y]`` = utility to x of y's position."""
    n = u.shape[-1]
    w = s_tot * cap
    nn = np.arange(n)
    r = np.arange(len(rows))
    uii = u[r, rows, rows][:, None]  # (b, 1)
    uij = u[r, rows, :]  # (b, n_j)
    uji = u[r, :, rows]  # (b, n_j)
    ujj = u[:, nn, nn]  # (b, n_j)
    uni = uji[:, None, :]  # (b, 1, n)
    unj = np.swapaxes(u, 1, 2)  # (b, n_j, n): u[b, n, j]
    unn = ujj[:, None, :]  # (b, 1, n)
    third = (nn[None, None, :] != rows[:, None, None]) & (nn[None, None, :] != nn[None, :, None])
    phij, phji = contest(rule, commit, uii, uij, uji, ujj, w[rows][:, None], w[None, :],
                         uni, unj, unn, w[None, None, :], third)
    sj = s_tot[None, :]
    eu_sq = uii + uij
    eu_vict = uii + uii
    eu_cntst = phij * eu_vict + phji * (uij + uij)
    eu_chlg = (1 - sj) * eu_vict + sj * eu_cntst
    d = eu_chlg - eu_sq
    d[r, rows] = -np.inf
    return phij, d


def view_prob(u: np.ndarray, s_tot: np.ndarray, cap: np.ndarray, rule: str, commit: str,
              i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """P[i beats j] for pairs (i, j), each seen through its own utility view ``u[b]``."""
    n = u.shape[-1]
    w = s_tot * cap
    r = np.arange(len(i))
    nn = np.arange(n)
    third = (nn[None, :] != i[:, None]) & (nn[None, :] != j[:, None])
    phij, _ = contest(rule, commit, u[r, i, i], u[r, i, j], u[r, j, i], u[r, j, j], w[i], w[j],
                      u[r, :, i], u[r, :, j], u[:, nn, nn], w[None, :], third)
    return phij


def best_targets(edu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each initiator's target (first j of largest gain) and whether the gain clears 1e-5."""
    best = np.argmax(edu, axis=1)
    worth = edu[np.arange(edu.shape[0]), best]
    return best, worth > MIN_SIG_EDU
