"""The voter position (median or mean) and the alliance-sum probability that i beats j.

``P[i, j]`` is the share of (capability x salience weighted) support that sides with i
against j. Votes come from every actor ``k``: ``d_k = |x_k - x_j| - |x_k - x_i|`` (> 0 when k
is closer to i). The triple ``(k, i, j)`` tensor is built in chunks of voters so memory stays
bounded for hundreds of actors; no Python loop runs over actor triples.
"""

from __future__ import annotations

import numpy as np

_CHUNK_ELEMENTS = 4_000_000  # voters per chunk x n x n


def median_voter(x: np.ndarray, w: np.ndarray) -> float:
    """Condorcet winner among the actors' positions under weighted pairwise votes.

    On a line with distance-based utilities the winner of Scholz's pairwise vote
    ``v(j, k) = sum_i w_i (|x_i - x_k| - |x_i - x_j|) / R`` is the position that minimises
    ``sum_i w_i |x_i - c|`` (the weighted median). Ties (a flat interval) go to the candidate
    nearest the weighted mean, so the choice never depends on the actors' order.
    """
    cand = np.unique(x)
    if w.sum() <= 0:
        return float(np.median(x))
    loss = (w[None, :] * np.abs(x[None, :] - cand[:, None])).sum(axis=1)
    best = np.flatnonzero(np.isclose(loss, loss.min(), rtol=1e-12, atol=1e-12))
    if best.size == 1:
        return float(cand[best[0]])
    mean = mean_voter(x, w)
    return float(cand[best[np.argmin(np.abs(cand[best] - mean))]])


def mean_voter(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted mean ``sum w x / sum w`` (BdM's "mean" forecast; the compromise model)."""
    total = w.sum()
    return float((w * x).sum() / total) if total > 0 else float(x.mean())


def _votes(x: np.ndarray, span: float, r_voter: np.ndarray | None, ks: slice) -> np.ndarray:
    """``d[k, i, j]`` for the voters in ``ks``; with voter risk, distances are ``(|.|/R)**r_k``."""
    dist = np.abs(x[ks, None] - x[None, :])  # (chunk, n): |x_k - x_a|
    if r_voter is not None:
        dist = np.power(dist / span, r_voter[ks, None])
    return dist[:, None, :] - dist[:, :, None]  # |x_k - x_j| - |x_k - x_i|


def _sums_tensor(x: np.ndarray, w: np.ndarray, span: float,
                 r_voter: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Support for i against j and all absolute votes, from the (voter, i, j) tensor in chunks."""
    n = x.size
    num = np.zeros((n, n))
    den = np.zeros((n, n))
    step = max(1, _CHUNK_ELEMENTS // max(1, n * n))
    for start in range(0, n, step):
        ks = slice(start, min(n, start + step))
        d = _votes(x, span, r_voter, ks)
        wk = w[ks, None, None]
        num += (wk * np.clip(d, 0.0, None)).sum(axis=0)
        den += (wk * np.abs(d)).sum(axis=0)
    return num, den


def _sums_sorted(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same sums in O(n^2 log n) for linear distances.

    For a dyad with ends lo < hi, a voter's vote for the low end is
    ``f(x_k) = hi - lo`` left of lo, ``lo + hi - 2 x_k`` up to the midpoint and 0 beyond, a
    continuous function, so prefix sums of ``w`` and ``w x`` over sorted positions give it.
    """
    order = np.argsort(x, kind="stable")
    xs = x[order]
    cw = np.concatenate([[0.0], np.cumsum(w[order])])
    cwx = np.concatenate([[0.0], np.cumsum((w * x)[order])])

    def below(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = np.searchsorted(xs, t, side="left")
        return cw[k], cwx[k]

    lo = np.minimum(x[:, None], x[None, :])
    hi = np.maximum(x[:, None], x[None, :])
    mid = 0.5 * (lo + hi)
    gap = hi - lo
    w_lo, wx_lo = below(lo)
    w_mid, wx_mid = below(mid)
    w_hi, wx_hi = below(hi)
    for_low = gap * w_lo + (lo + hi) * (w_mid - w_lo) - 2.0 * (wx_mid - wx_lo)
    for_high = gap * (cw[-1] - w_hi) + 2.0 * (wx_hi - wx_mid) - (lo + hi) * (w_hi - w_mid)
    for_low = np.clip(for_low, 0.0, None)
    for_high = np.clip(for_high, 0.0, None)
    i_low = x[:, None] < x[None, :]
    num = np.where(i_low, for_low, for_high)
    return num, for_low + for_high


def win_probability(x: np.ndarray, w: np.ndarray, span: float, mode: str = "alliance",
                    r_voter: np.ndarray | None = None) -> np.ndarray:
    """``P[i, j]``, the probability that i prevails against j (diagonal 0.5).

    ``mode``: ``alliance`` divides by all voters' absolute votes on the dyad (so
    ``P_ij + P_ji = 1``); ``alliance_excl`` leaves i and j themselves out of the sums;
    ``scholz_code`` divides by the sum of absolute votes over *all* dyads, as the code of
    Scholz et al. does according to jmckib's replication (probabilities become tiny).
    ``r_voter`` bends each voter's distances by its own risk exponent (Scholz code).
    """
    n = x.size
    num, den = _sums_sorted(x, w) if r_voter is None else _sums_tensor(x, w, span, r_voter)
    if mode == "alliance_excl":
        own = np.abs(x[:, None] - x[None, :])  # i's and j's own votes on the dyad
        own_i = np.power(own / span, r_voter[:, None]) if r_voter is not None else own
        own_j = np.power(own / span, r_voter[None, :]) if r_voter is not None else own
        num = num - w[:, None] * own_i
        den = den - w[:, None] * own_i - w[None, :] * own_j
    elif mode == "scholz_code":
        den = np.full((n, n), den.sum())
    elif mode != "alliance":
        raise ValueError(f"unknown probability mode {mode!r}")
    num = np.clip(num, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 1e-15, num / np.where(den > 1e-15, den, 1.0), 0.5)
    np.fill_diagonal(p, 0.5)
    return np.clip(p, 0.0, 1.0)
