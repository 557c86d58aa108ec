"""The round loop of the expected-utility model on a batch of draws of one issue.

The same arithmetic as :func:`detente.models.eum.rounds.run_issue`, operation for
operation, with a leading batch axis: dyad matrices are ``(B, n, n)`` and the voter tensor
of the per-voter-risk reading is ``(B, n, n, n)``. The rounds stay a Python loop; draws are
never looped over. A draw that stops (``stop_when_stable``) leaves the active set, so later
rounds only compute the draws still moving. Quantities the per-draw run only records
(quadrant labels, per-round trajectories) are not computed here.

Every step mirrors the per-draw code's order of floating-point operations, so a batch gives
the same numbers, bit for bit, as running each draw alone (tests/test_eum_batch.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.models.eum.octants import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    NONE,
    first_greatest,
    first_least,
    offer_masks,
    selection_key,
)

_PAIR_ELEMENTS = 30_000  # draws per chunk x n x n (about 8 MB per dyad matrix)
_TRIPLE_ELEMENTS = 4_000_000  # draws per chunk x n x n x n (voter tensor, ~32 MB)


@dataclass
class BatchIssueRun:
    """Per-draw results of one issue: forecast, final positions, first-round risk, rounds run."""

    forecast: np.ndarray  # (B,)
    final: np.ndarray  # (B, n)
    risk: np.ndarray  # (B, n) r_i of round 1 (NaN when no round ran)
    security: np.ndarray  # (B, n) Sec_i of round 1
    rounds: np.ndarray  # (B,) rounds run
    converged: np.ndarray  # (B,) bool


def chunk_size(n: int, opt: Any) -> int:
    """Draws per chunk so the (B, n, n[, n]) tensors stay at a few MB (cache-friendly, bounded)."""
    per = n * n * (n if opt.voter_risk else 1)
    cap = _TRIPLE_ELEMENTS if opt.voter_risk else _PAIR_ELEMENTS
    return max(1, min(4096, cap // max(1, per)))


def run_issue_batch(x0: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, opt: Any) -> BatchIssueRun:
    """Run the rounds on ``B`` draws of one issue; ``x0``, ``c``, ``s`` are (B, n), ``span`` (B,)."""
    b, n = x0.shape
    step = chunk_size(n, opt)
    parts = [_run_chunk(x0[k:k + step], c[k:k + step], s[k:k + step], span[k:k + step], opt)
             for k in range(0, b, step)]
    if not parts:
        e = np.empty((0, n))
        return BatchIssueRun(np.empty(0), e, e, e, np.empty(0, dtype=int), np.empty(0, dtype=bool))
    return BatchIssueRun(*(np.concatenate([getattr(p, f) for p in parts])
                           for f in ("forecast", "final", "risk", "security", "rounds", "converged")))


def _run_chunk(x0: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, opt: Any) -> BatchIssueRun:
    # C order throughout: NumPy sums a contiguous row pairwise, a strided one sequentially, and a
    # single draw's 1-D arrays are always contiguous
    x = np.array(x0, dtype=float, order="C")
    s = np.ascontiguousarray(s, dtype=float)
    w = np.ascontiguousarray(c, dtype=float) * s
    b, n = x.shape
    span = np.where(span > 0, span, 1.0)
    lo0, hi0 = np.min(x0, axis=1), np.max(x0, axis=1)
    r_first = np.full((b, n), np.nan)
    sec_first = np.full((b, n), np.nan)
    rounds = np.zeros(b, dtype=int)
    converged = np.zeros(b, dtype=bool)
    act = np.arange(b)
    for t in range(opt.rounds):
        if act.size == 0:
            break
        xa, wa, sa, spa = x[act], w[act], s[act], span[act]
        new_x, r, sec = _round(xa, wa, sa, spa, lo0[act], hi0[act], opt)
        if t == 0:
            r_first[act], sec_first[act] = r, sec
        moved = np.max(np.abs(new_x - xa), axis=1, initial=0.0)
        x[act] = new_x
        rounds[act] += 1
        if opt.stop_when_stable:
            done = moved <= opt.tolerance * spa
            converged[act[done]] = True
            act = act[~done]
    stat = median_voter if opt.forecast_stat == "median" else mean_voter
    return BatchIssueRun(stat(x, w), x, r_first, sec_first, rounds, converged)


def _round(x: np.ndarray, w: np.ndarray, s: np.ndarray, span: np.ndarray, lo0: np.ndarray,
           hi0: np.ndarray, opt: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round for every draw in the chunk: ``(new_x, r, sec)``."""
    b, n = x.shape
    sp2 = span[:, None, None]
    mu = None
    if opt.q < 1.0:
        mu = median_voter(x, w) if opt.voter == "median" else mean_voter(x, w)
    dxx = np.abs(x[:, :, None] - x[:, None, :])
    differ = dxx > (1e-12 * span)[:, None, None]
    dist = dxx / sp2
    ones = np.ones((b, n))
    p1 = None
    if opt.risk:
        p1 = win_probability(x, w, span, dist, dxx, opt.probability, ones if opt.voter_risk else None)
        a1 = challenge_eu(x, s, p1, span, dist, mu, None, "row", opt)
        sec = security(np.where(differ, a1, 0.0), opt.security)
        r = risk_exponent(sec)
    else:
        sec, r = np.zeros((b, n)), ones
    if p1 is not None and not opt.voter_risk:
        p = p1  # the same call as the risk-neutral pass: identical numbers
    else:
        p = win_probability(x, w, span, dist, dxx, opt.probability, r if opt.voter_risk else None)
    a = challenge_eu(x, s, p, span, dist, mu, r, "row", opt)
    if opt.perspective == "own":
        bb = a.transpose(0, 2, 1)
    elif opt.perspective == "receiver":
        bb = challenge_eu(x, s, p, span, dist, mu, r, "col", opt).transpose(0, 2, 1)
    else:
        raise ValueError(f"unknown perspective {opt.perspective!r}")
    target, kind = offers_to(x, a, bb, differ, opt.compromise_sign, opt.capitulation_moves)
    new_x = select(x, a, bb, target, kind, opt.offer_selection)
    new_x = np.clip(new_x, lo0[:, None], hi0[:, None])
    return new_x, r, sec


# --- voter position -----------------------------------------------------------------------

def mean_voter(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(B,) weighted means, as probability.mean_voter per row."""
    total = w.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, (w * x).sum(axis=1) / safe, x.mean(axis=1))


def median_voter(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(B,) weighted medians, as probability.median_voter per row (ties to the weighted mean)."""
    if x.shape[1] == 0:
        return np.full(x.shape[0], np.nan)
    cand = np.sort(x, axis=1)  # duplicates give identical losses, so the pick is unchanged
    loss = (w[:, None, :] * np.abs(x[:, None, :] - cand[:, :, None])).sum(axis=2)
    lmin = loss.min(axis=1, keepdims=True)
    best = np.isclose(loss, lmin, rtol=1e-12, atol=1e-12)
    mean = mean_voter(x, w)
    gap = np.where(best, np.abs(cand - mean[:, None]), np.inf)
    first = np.argmax(best, axis=1)
    unique = (np.where(best, cand, -np.inf).max(axis=1) == np.where(best, cand, np.inf).min(axis=1))
    pick = np.where(unique, first, np.argmin(gap, axis=1))
    med = np.take_along_axis(cand, pick[:, None], axis=1)[:, 0]
    return np.where(w.sum(axis=1) <= 0, np.median(x, axis=1), med)


# --- win probability ------------------------------------------------------------------------

def _count_below(xs: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``searchsorted(xs[b], t[b, i, j], 'left')`` per row: how many positions lie below each t.

    Counted by comparison (an exact (B, n, n, n) byte tensor); NumPy has no batched searchsorted.
    """
    below = (xs[:, None, None, :] < t[:, :, :, None]).view(np.uint8)
    return below.sum(axis=3, dtype=np.uint8 if xs.shape[1] < 256 else np.intp).astype(np.intp)


def _sums_sorted(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """probability._sums_sorted per row."""
    b, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    zero = np.zeros((b, 1))
    cw = np.concatenate([zero, np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)], axis=1)
    cwx = np.concatenate([zero, np.cumsum(np.take_along_axis(w * x, order, axis=1), axis=1)], axis=1)
    # searchsorted(xs, x_i, 'left') is the number of positions strictly below x_i
    first = np.empty((b, n), dtype=np.intp)
    new = np.ones((b, n), dtype=bool)
    new[:, 1:] = xs[:, 1:] != xs[:, :-1]
    idx = np.maximum.accumulate(np.where(new, np.arange(n), 0), axis=1)
    np.put_along_axis(first, order, idx, axis=1)
    xi, xj = x[:, :, None], x[:, None, :]
    le = xi <= xj
    lo = np.minimum(xi, xj)
    hi = np.maximum(xi, xj)
    mid = 0.5 * (lo + hi)
    gap = hi - lo
    k_mid = _count_below(xs, mid)
    rows = (np.arange(b) * (n + 1))[:, None, None]
    w_mid, wx_mid = cw.ravel()[rows + k_mid], cwx.ravel()[rows + k_mid]
    cw_at, cwx_at = np.take_along_axis(cw, first, axis=1), np.take_along_axis(cwx, first, axis=1)
    w_lo = np.where(le, cw_at[:, :, None], cw_at[:, None, :])  # = cw[k_lo]
    wx_lo = np.where(le, cwx_at[:, :, None], cwx_at[:, None, :])
    w_hi = np.where(le, cw_at[:, None, :], cw_at[:, :, None])
    wx_hi = np.where(le, cwx_at[:, None, :], cwx_at[:, :, None])
    total = cw[:, -1][:, None, None]
    for_low = gap * w_lo + (lo + hi) * (w_mid - w_lo) - 2.0 * (wx_mid - wx_lo)
    for_high = gap * (total - w_hi) + 2.0 * (wx_hi - wx_mid) - (lo + hi) * (w_hi - w_mid)
    for_low = np.maximum(for_low, 0.0)
    for_high = np.maximum(for_high, 0.0)
    num = np.where(xi < xj, for_low, for_high)
    return num, for_low + for_high


def _sums_tensor(x: np.ndarray, w: np.ndarray, span: np.ndarray, r_voter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """probability._sums_tensor per row (all voters in one block: n x n x n fits the chunk)."""
    b, n = x.shape
    dist = np.abs(x[:, :, None] - x[:, None, :])  # (B, k, a): |x_k - x_a|
    dist = np.power(dist / span[:, None, None], r_voter[:, :, None])
    d = dist[:, :, None, :] - dist[:, :, :, None]  # (B, k, i, j)
    wk = w[:, :, None, None]
    num = np.zeros((b, n, n)) + (wk * np.clip(d, 0.0, None)).sum(axis=1)
    den = np.zeros((b, n, n)) + (wk * np.abs(d)).sum(axis=1)
    return num, den


def win_probability(x: np.ndarray, w: np.ndarray, span: np.ndarray, dist: np.ndarray, own: np.ndarray,
                    mode: str, r_voter: np.ndarray | None) -> np.ndarray:
    """probability.win_probability per row: (B, n, n)."""
    b, n = x.shape
    if r_voter is None:
        num, den = _sums_sorted(x, w)
    else:
        num, den = _sums_tensor(x, w, span, r_voter)
    if mode == "alliance_excl":
        own_i = np.power(dist, r_voter[:, :, None]) if r_voter is not None else own
        own_j = np.power(dist, r_voter[:, None, :]) if r_voter is not None else own
        num = num - w[:, :, None] * own_i
        den = den - w[:, :, None] * own_i - w[:, None, :] * own_j
    elif mode == "scholz_code":
        den = np.broadcast_to(den.reshape(b, n * n).sum(axis=1)[:, None, None], (b, n, n))
    elif mode != "alliance":
        raise ValueError(f"unknown probability mode {mode!r}")
    num = np.clip(num, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(den > 1e-15, num / np.where(den > 1e-15, den, 1.0), 0.5)
    diag = np.arange(n)
    p[:, diag, diag] = 0.5
    return np.clip(p, 0.0, 1.0)


# --- expected utilities, security, risk ----------------------------------------------------------

def _u(base: np.ndarray, r: np.ndarray | None) -> np.ndarray:
    """utilities._u; ``r`` None means every exponent is 1 (no power taken, as there)."""
    base = np.minimum(np.maximum(base, 0.0), 1.0)
    return 2.0 - 4.0 * (base if r is None else np.power(base, r))


def challenge_eu(x: np.ndarray, s: np.ndarray, p: np.ndarray, span: np.ndarray, dist: np.ndarray,
                 mu: np.ndarray | None, r: np.ndarray | None, side: str, opt: Any) -> np.ndarray:
    """expected.challenge_eu per row; ``dist`` = |x_i - x_j| / R is shared by every call of a round.

    ``r`` (B, n) are the exponents of the challengers (``side='row'``) or of the challenged
    (``side='col'``); None: all 1.
    """
    lead = s[:, None, :] if opt.salience_lead == "responder" else s[:, :, None]
    if r is None:
        r_mat = None
        sq = np.zeros(1)
    else:
        r_mat = np.ascontiguousarray(np.broadcast_to(r[:, :, None] if side == "row" else r[:, None, :], p.shape))
        sq_1 = 2.0 - 4.0 * np.power(0.5, r)
        sq = sq_1[:, :, None] if side == "row" else sq_1[:, None, :]
    us = _u(0.5 - 0.5 * dist, r_mat)
    uf = _u(0.5 + 0.5 * dist, r_mat)
    challenge = lead * (p * us + (1.0 - p) * uf) + (1.0 - lead) * us
    no_challenge = opt.q * sq
    if opt.q < 1.0:
        dist_mu = np.broadcast_to((np.abs(x - mu[:, None]) / span[:, None])[:, :, None], dist.shape)
        if opt.t_rule == "median_closer":
            t = (dist_mu < dist).astype(float)
        elif opt.t_rule in ("better", "worse"):
            t = np.full(dist.shape, 1.0 if opt.t_rule == "better" else 0.0)
        else:
            raise ValueError(f"unknown T rule {opt.t_rule!r}")
        no_challenge = no_challenge + (1.0 - opt.q) * (
            t * _u(0.5 - 0.25 * (dist_mu + dist), r_mat) + (1.0 - t) * _u(0.5 + 0.25 * (dist_mu + dist), r_mat))
    return challenge - no_challenge


def security(e: np.ndarray, reading: str) -> np.ndarray:
    """risk.security per row (the diagonal is already 0: positions never differ from themselves)."""
    if reading == "challengers":
        return e.sum(axis=1)
    if reading == "challenged":
        return e.sum(axis=2)
    raise ValueError(f"unknown security reading {reading!r}")


def risk_exponent(sec: np.ndarray) -> np.ndarray:
    """risk.risk_exponent per row: the exponents r."""
    if sec.shape[1] == 0:
        return np.ones_like(sec)
    hi, lo = sec.max(axis=1, keepdims=True), sec.min(axis=1, keepdims=True)
    flat = hi - lo <= 1e-12 * np.maximum(np.maximum(1.0, np.abs(hi)), np.abs(lo))
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.clip((2.0 * sec - hi - lo) / np.where(flat, 1.0, hi - lo), -1.0, 1.0)
    big_r = np.where(flat, 0.0, big_r)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


# --- offers and choices ----------------------------------------------------------------------

def offers_to(x: np.ndarray, a: np.ndarray, b: np.ndarray, differ: np.ndarray, compromise_sign: str,
              capitulation_moves: bool) -> tuple[np.ndarray, np.ndarray]:
    """octants.offers_to per row."""
    xi, xj = x[:, :, None], x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(b != 0, np.abs(a / np.where(b != 0, b, 1.0)), 0.0)
    partial = xi + (xj - xi) * np.clip(frac, 0.0, 1.0)
    xj_full = np.broadcast_to(xj, a.shape)
    lose, comp, capit = offer_masks(a, b, compromise_sign)
    target = np.where(lose, xj_full, np.nan)
    kind = np.where(lose, CONFRONTATION, NONE).astype(np.int8)
    target = np.where(comp, partial, target)
    kind[comp] = COMPROMISE
    if capitulation_moves:
        target = np.where(capit, xj_full, target)
        kind[capit] = CAPITULATION
    target = np.where(differ, target, np.nan)
    kind[~differ] = NONE
    return target, kind


def select(x: np.ndarray, a: np.ndarray, b: np.ndarray, target: np.ndarray, kind: np.ndarray,
           rule: str) -> np.ndarray:
    """octants.select per row: the new positions."""
    valid, key = selection_key(x[:, :, None], x[:, None, :], a, b, target, kind, rule)
    n = x.shape[1]
    has = valid.any(axis=2)
    pick = first_least(key, axis=2)
    if rule == "mutual" and n:
        fav = first_greatest(np.where(valid, b, -np.inf), axis=1)  # (B, j): proposer j's favourite mover
        has = has & (np.take_along_axis(fav, pick, axis=1) == np.arange(n))
    chosen = np.take_along_axis(target, pick[:, :, None], axis=2)[:, :, 0]
    return np.where(has, chosen, x)
