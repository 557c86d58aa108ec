"""Realising exchanges with recalculation of the ones a realised exchange touches (DECISIONS EX3).

The Decide model does not drop an exchange that conflicts with one already realised in the
round; it computes it again from the new state. Our reading, written from that description
(not from Decide's code): exchanges are taken in descending gain (ties by the seeded RNG).
After exchange X is realised, every remaining exchange E is recomputed when

* E has a supplier on the same (actor, issue) as one of X's suppliers: that supplier now
  starts from its position after X (moves on one slot add up within the round); or
* E has a demander on the same (actor, issue) as one of X's demanders: the MDS that E's size
  limit is measured against now includes X's shift of that issue toward the same demander.

Recomputing keeps the demanders' targets (their positions at the round's start), the equal
gain split and the two size limits of EX1/EX2: no supplier passes the demander, and the MDS
(as E sees it) does not pass the demander (an E whose MDS already has is dropped). E is also
dropped if a supplier would now move the other way or not at all. Untouched exchanges keep
their values from the start of the round, as in Decide.
"""

from __future__ import annotations

import heapq

import numpy as np

from detente.models.exchange.exchanges import Candidates

_EPS_MOVE = 1e-10


class _Slots:
    """Exchanges by (actor, issue) slot key ``actor * m + issue``: sorted once, looked up by range."""

    def __init__(self, keys: list[np.ndarray]) -> None:
        flat = np.concatenate(keys)
        ids = np.concatenate([np.arange(k.size) for k in keys])
        order = np.argsort(flat, kind="stable")
        self.keys, self.ids = flat[order], ids[order]

    def get(self, key: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.keys, [key, key + 1])
        return self.ids[lo:hi]


def realise_recalculating(c: Candidates, x: np.ndarray, s: np.ndarray, w: np.ndarray, total: np.ndarray,
                          mds: np.ndarray, span: np.ndarray,
                          rng: np.random.Generator) -> tuple[Candidates, np.ndarray]:
    """The realised exchanges (final values, in realisation order) and the voting positions."""
    k = c.i.size
    cur = x.copy()  # supply positions after the exchanges realised so far
    if k == 0:
        return c, cur
    m = x.shape[1]
    i, j, p, q = c.i, c.j, c.p, c.q
    move_i, move_j = c.move_i.copy(), c.move_j.copy()
    gain_i, gain_j = c.gain_i.copy(), c.gain_j.copy()
    # MDS shift on p (resp. q) that exchange e must count: realised moves toward its demander there
    shift_p = np.zeros(k)
    shift_q = np.zeros(k)
    alive = np.ones(k, dtype=bool)
    version = np.zeros(k, dtype=np.int64)
    # each side's history of computed moves, as (earlier moves: sum, all > 0, all < 0) + the last
    hist = {side: (np.zeros(k), np.ones(k, dtype=bool), np.ones(k, dtype=bool)) for side in "ij"}
    tie = rng.random(k)
    supply_key_j, supply_key_i = j * m + p, i * m + q
    supply_of = _Slots([supply_key_j, supply_key_i])
    demand_of = _Slots([i * m + p, j * m + q])
    heap = list(zip((-0.5 * (gain_i + gain_j)).tolist(), tie.tolist(), range(k), [0] * k, strict=True))
    heapq.heapify(heap)
    done: list[int] = []
    while heap:
        _, _, e, ver = heapq.heappop(heap)
        if not alive[e] or ver != version[e]:
            continue
        alive[e] = False
        done.append(e)
        cur[j[e], p[e]] += move_j[e]
        cur[i[e], q[e]] += move_i[e]
        supplied = np.array([supply_key_j[e], supply_key_i[e]])
        parts = [supply_of.get(int(key)) for key in supplied]
        # X's demanders: i on p (j moved the MDS there) and j on q (i moved it)
        for demander, issue, shift, supplier in (
                (i[e], p[e], move_j[e] * w[j[e], p[e]] / total[p[e]], j[e]),
                (j[e], q[e], move_i[e] * w[i[e], q[e]] / total[q[e]], i[e])):
            f = demand_of.get(int(demander * m + issue))
            f = f[alive[f]]
            parts.append(f)
            on_p = (p[f] == issue) & (j[f] != supplier)
            on_q = (q[f] == issue) & (i[f] != supplier)
            shift_p[f[on_p]] += shift
            shift_q[f[on_q]] += shift
        idx = np.unique(np.concatenate(parts))
        idx = idx[alive[idx]]
        if idx.size == 0:
            continue
        mi, mj, gi, gj, ok = _recompute(idx, i, j, p, q, x, cur, s, w, total, mds, shift_p, shift_q)
        version[idx] += 1
        # a supplier whose slot X used keeps its earlier moves in the history; the other side's
        # last move is replaced (both sides' when only a demand slot was shared), as in Decide
        ok &= _extend(hist["i"], idx, move_i[idx], mi, np.isin(supply_key_i[idx], supplied), span[q[idx]])
        ok &= _extend(hist["j"], idx, move_j[idx], mj, np.isin(supply_key_j[idx], supplied), span[p[idx]])
        alive[idx[~ok]] = False
        good = idx[ok]
        move_i[good], move_j[good], gain_i[good], gain_j[good] = mi[ok], mj[ok], gi[ok], gj[ok]
        for f, g in zip(good.tolist(), (-0.5 * (gi[ok] + gj[ok])).tolist(), strict=True):
            heapq.heappush(heap, (g, tie[f], f, int(version[f])))
    order = np.array(done, dtype=np.int64)
    out = Candidates(i[order], j[order], p[order], q[order], move_i[order], move_j[order],
                     gain_i[order], gain_j[order])
    return out, cur


def _extend(h: tuple[np.ndarray, np.ndarray, np.ndarray], idx: np.ndarray, last: np.ndarray, new: np.ndarray,
            keep: np.ndarray, span: np.ndarray) -> np.ndarray:
    """Add ``new`` moves to the histories ``h`` of exchanges ``idx`` (whose last moves are ``last``;
    ``keep``: the last move stays, else it is replaced). True where Decide's move check passes:
    one direction throughout, and the signed total not above the issue's range (a check on
    upward totals only, kept as Decide has it)."""
    total, pos, neg = h
    t, ps, ng = total[idx], pos[idx], neg[idx]
    t = np.where(keep, t + last, t)
    ps = np.where(keep, ps & (last > 0), ps)
    ng = np.where(keep, ng & (last < 0), ng)
    total[idx], pos[idx], neg[idx] = t, ps, ng
    return ((ps & (new > 0)) | (ng & (new < 0))) & (t + new <= span * (1 + 1e-9))


def _recompute(idx: np.ndarray, i: np.ndarray, j: np.ndarray, p: np.ndarray, q: np.ndarray, x: np.ndarray,
               cur: np.ndarray, s: np.ndarray, w: np.ndarray, total: np.ndarray, mds: np.ndarray,
               shift_p: np.ndarray, shift_q: np.ndarray) -> tuple[np.ndarray, ...]:
    """Equal-gain exchanges ``idx`` computed again from the current supply positions."""
    ii, jj, pp, qq = i[idx], j[idx], p[idx], q[idx]
    xip, xjq = x[ii, pp], x[jj, qq]  # demanders' targets: their positions at the round's start
    cjp, ciq = cur[jj, pp], cur[ii, qq]  # suppliers start where earlier exchanges left them
    wjp, wiq = w[jj, pp], w[ii, qq]
    tp, tq = total[pp], total[qq]
    # the MDS as this exchange sees it: round start, its own supplier's current position, and
    # the realised shifts toward its demanders
    seen_p = mds[pp] + (cjp - x[jj, pp]) * wjp / tp + shift_p[idx]
    seen_q = mds[qq] + (ciq - x[ii, qq]) * wiq / tq + shift_q[idx]
    dir_p = np.sign(xip - cjp)
    dir_q = np.sign(xjq - ciq)
    room_p = np.maximum(dir_p * (xip - seen_p), 0.0)  # MDS distance left before it passes i on p
    room_q = np.maximum(dir_q * (xjq - seen_q), 0.0)
    dp_max = np.minimum(np.abs(xip - cjp) * wjp / tp, room_p)
    dq_max = np.minimum(np.abs(xjq - ciq) * wiq / tq, room_q)
    sip, sjp, siq, sjq = s[ii, pp], s[jj, pp], s[ii, qq], s[jj, qq]
    ratio = np.maximum((sip + sjp) / (siq + sjq), 1e-300)
    dp = np.minimum(dp_max, dq_max / ratio)
    dq = ratio * dp
    gain_i = dp * sip - dq * siq
    gain_j = dq * sjq - dp * sjp
    move_j = dir_p * dp * tp / wjp
    move_i = dir_q * dq * tq / wiq
    ok = (np.minimum(gain_i, gain_j) > -1e-12) & (gain_i + gain_j > 2e-10) & \
        (np.abs(move_i) > _EPS_MOVE) & (np.abs(move_j) > _EPS_MOVE)
    return move_i, move_j, gain_i, gain_j, ok
