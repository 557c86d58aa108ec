"""Candidate exchanges of one round (Stokman & Van Oosten's position-exchange model).

Written from the formulas (brief section 3.2), not from the Decide code. For an issue pair
(p, q) and an ordered actor pair (i, j) in which i cares relatively more about p
(``s_ip s_jq > s_jp s_iq``), **j supplies on p** (moves toward i's position there) and
**i supplies on q**. Moving a supplier by ``dx`` shifts the issue's MDS by
``dx w / W`` (the exchange ratio; ``w = c s``, ``W`` the issue's total). Equal gain:
``dp s_ip - dq s_iq = dq s_jq - dp s_jp``, i.e. ``dq = dp (s_ip + s_jp)/(s_iq + s_jq)``.
The exchange is made as large as it can be without either supplier overshooting the
demander's position and (optionally) without the MDS crossing the demander's position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK = 4_000_000  # issue pairs x n x n per block


@dataclass
class Candidates:
    """Flat arrays over all valid candidate exchanges of a round."""

    i: np.ndarray  # demander on p, supplier on q
    j: np.ndarray  # supplier on p, demander on q
    p: np.ndarray
    q: np.ndarray
    move_i: np.ndarray  # signed move of i on q
    move_j: np.ndarray  # signed move of j on p
    gain_i: np.ndarray
    gain_j: np.ndarray

    @property
    def gain(self) -> np.ndarray:
        """Ordering key: the mean of both gains (= each gain under equal gain)."""
        return 0.5 * (self.gain_i + self.gain_j)

    def take(self, idx: np.ndarray) -> Candidates:
        return Candidates(*(getattr(self, f)[idx] for f in
                            ("i", "j", "p", "q", "move_i", "move_j", "gain_i", "gain_j")))


def candidates(x: np.ndarray, s: np.ndarray, w: np.ndarray, mds: np.ndarray, mds_check: bool,
               random_rate: float, rng: np.random.Generator) -> Candidates:
    """All valid exchanges for positions ``x`` (n, m); ``w = c s`` is 0 where an actor has no stance."""
    n, m = x.shape
    total = w.sum(axis=0)
    live = w > 0
    with np.errstate(invalid="ignore"):
        side = np.where(live & (x < mds), -1, np.where(live & (x > mds), 1, 0))
    pp, qq = np.triu_indices(m, k=1)
    keep = (total[pp] > 0) & (total[qq] > 0)
    pp, qq = pp[keep], qq[keep]
    parts: list[Candidates] = []
    step = max(1, _CHUNK // max(1, n * n))
    for start in range(0, pp.size, step):
        part = _block(x, s, w, total, mds, side, pp[start:start + step], qq[start:start + step],
                      mds_check, random_rate, rng)
        if part is not None:
            parts.append(part)
    if not parts:
        e = np.zeros(0)
        ei = np.zeros(0, dtype=np.int64)
        return Candidates(ei, ei, ei, ei, e, e, e, e)
    return Candidates(*(np.concatenate([getattr(c, f) for c in parts]) for f in
                        ("i", "j", "p", "q", "move_i", "move_j", "gain_i", "gain_j")))


def _block(x: np.ndarray, s: np.ndarray, w: np.ndarray, total: np.ndarray, mds: np.ndarray,
           side: np.ndarray, pp: np.ndarray, qq: np.ndarray, mds_check: bool, random_rate: float,
           rng: np.random.Generator) -> Candidates | None:
    # shapes: (k, n, 1) for i, (k, 1, n) for j
    def col(a: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = a[:, idx].T  # (k, n)
        return v[:, :, None], v[:, None, :]

    xip, xjp = col(x, pp)
    xiq, xjq = col(x, qq)
    sip, sjp = col(s, pp)
    siq, sjq = col(s, qq)
    _, wjp = col(w, pp)
    wiq, _ = col(w, qq)
    dip, djp = col(side, pp)
    diq, djq = col(side, qq)
    tp = total[pp][:, None, None]
    tq = total[qq][:, None, None]
    op = mds[pp][:, None, None]
    oq = mds[qq][:, None, None]
    ok = (dip * djp < 0) & (diq * djq < 0) & (sip * sjq > sjp * siq) & (wjp > 0) & (wiq > 0)
    if not ok.any():
        return None
    k_idx, i_idx, j_idx = np.nonzero(ok)

    def pick(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a, ok.shape)[k_idx, i_idx, j_idx]

    xip, xjp, xiq, xjq = pick(xip), pick(xjp), pick(xiq), pick(xjq)
    sip, sjp, siq, sjq = pick(sip), pick(sjp), pick(siq), pick(sjq)
    wjp, wiq, tp, tq = pick(wjp), pick(wiq), pick(tp), pick(tq)
    dp_max = np.abs(xip - xjp) * wjp / tp  # j moves all the way to i's position on p
    dq_max = np.abs(xjq - xiq) * wiq / tq
    if mds_check:  # the MDS may not pass the demander's own position
        dp_max = np.minimum(dp_max, np.abs(pick(op) - xip))
        dq_max = np.minimum(dq_max, np.abs(pick(oq) - xjq))
    ratio = (sip + sjp) / (siq + sjq)  # dq / dp under equal gain
    if random_rate > 0:
        z = rng.random(ratio.size)
        favour_i = rng.random(ratio.size) < 0.5
        lo_ratio = sjp / np.where(sjq > 0, sjq, np.inf)  # j's gain is 0 here
        hi_ratio = np.where(siq > 0, sip / np.where(siq > 0, siq, 1.0), np.inf)  # i's gain 0
        hi_ratio = np.where(np.isfinite(hi_ratio), hi_ratio, ratio * 2.0)
        ratio = np.where(favour_i, ratio - random_rate * z * (ratio - lo_ratio),
                         ratio + random_rate * z * (hi_ratio - ratio))
    ratio = np.maximum(ratio, 1e-300)
    dp = np.minimum(dp_max, dq_max / ratio)
    dq = ratio * dp
    gain_i = dp * sip - dq * siq
    gain_j = dq * sjq - dp * sjp
    move_j = np.sign(xip - xjp) * dp * tp / wjp
    move_i = np.sign(xjq - xiq) * dq * tq / wiq
    valid = (np.minimum(gain_i, gain_j) > -1e-12) & (gain_i + gain_j > 2e-10)
    sel = np.flatnonzero(valid)
    return Candidates(i_idx[sel], j_idx[sel], pp[k_idx[sel]], qq[k_idx[sel]], move_i[sel],
                      move_j[sel], gain_i[sel], gain_j[sel])
