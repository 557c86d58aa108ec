"""A compiled (Numba) kernel of the expected-utility rounds: one fused loop per draw.

The NumPy code (rounds.py, batch.py) stays the reference. This kernel runs the same
arithmetic on one draw at a time with every dyad quantity computed in a single pass, no
temporaries between steps and draws split over the machine's cores. It exists because
Monte Carlo sweeps of this model are thousands of times more work than one forecast
(issue #7's target: 10^5 draws of a 30-actor scenario in seconds, not minutes).

Agreement with the reference is to rounding (sums run in another order; ``b**r`` is
computed by the vectorisable ``unit_power`` below), not bit for bit;
tests/test_eum_compiled.py compares both on every option. Numba is optional (the ``fast``
extra): without it the model uses the NumPy path. See DECISIONS.md, U-K1.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

import numpy as np

from detente.models.eum.batch import BatchIssueRun
from detente.models.eum.choices import CHOICES

try:  # optional extra: the model falls back to NumPy when Numba is absent
    import numba
except ImportError:  # pragma: no cover - exercised where numba is not installed
    numba = None

AVAILABLE = numba is not None
_LAUNCH = threading.Lock()  # one parallel kernel launch at a time (e.g. jobs of `detente serve`)



_CODED = ("voter", "forecast_stat", "probability", "t_rule", "salience_lead", "security", "compromise_sign",
          "offer_selection", "perspective")  # string options as read by _run_draw, in this order


def codes(opt: Any) -> np.ndarray:
    """The options as the float vector ``_run_draw`` reads (positions fixed there)."""
    ints = [CHOICES[k].index(getattr(opt, k)) for k in _CODED]
    flags = [opt.voter_risk, opt.capitulation_moves, opt.risk, opt.stop_when_stable]
    return np.array([*ints, *map(int, flags), int(opt.rounds), opt.q, opt.tolerance], dtype=float)


def _jit(**kw: Any):
    """numba.njit, cached on disk (next to the source, else in the user's cache folder).

    ``error_model='numpy'`` lets a float division by zero give inf/NaN instead of raising,
    which the loops need to vectorise; every division here is guarded by a select anyway.
    """
    def deco(fn):
        if numba is None:
            return fn
        return numba.njit(cache=True, nogil=True, error_model="numpy", **kw)(fn)
    return deco


# --- powers of bases in [0, 1] --------------------------------------------------------------
# The kernel takes two powers per ordered dyad per round; as calls to the C library's ``pow``
# they kept every loop scalar and were a third of its time. Written out here (exponent bits, a
# series for the mantissa's logarithm, Cody-Waite reduction and a Taylor polynomial for the
# exponential) they run in SIMD lanes. Relative error against ``np.power`` is about 1e-14
# (tests/test_eum_compiled.py); bases below 1e-300 give 0. In this module, not a module of its
# own, because Numba's on-disk cache of a function does not notice edits to another file.

_LN2_HI = 6.93147180369123816490e-01  # ln 2 split so k * _LN2_HI is exact (fdlibm's constants)
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_SQRT2 = 1.4142135623730951
_MANTISSA = 0x000FFFFFFFFFFFFF
_ONE_BITS = 0x3FF0000000000000
_TINY = 1e-300


@_jit(fastmath={"contract"})
def _split(base: np.ndarray, n: int, ex: np.ndarray, mant: np.ndarray) -> None:
    """``base = mant * 2**ex`` with ``mant`` in [1, 2) (``base`` already clipped to [0, 1])."""
    bits = base.view(np.int64)
    mbits = mant.view(np.int64)
    for j in range(n):
        b = bits[j]
        ex[j] = ((b >> 52) & 0x7FF) - 1023
        mbits[j] = (b & _MANTISSA) | _ONE_BITS


@_jit(fastmath={"contract"})
def _exp_log(base: np.ndarray, r: np.ndarray, n: int, ex: np.ndarray, mant: np.ndarray, out: np.ndarray,
             k_out: np.ndarray) -> None:
    """``out * 2**k_out = exp(r * log(base))``; the 2**k scaling is applied by ``_scale``."""
    for j in range(n):
        m = mant[j]
        e = ex[j]
        big = m > _SQRT2
        m = m * 0.5 if big else m
        e = e + 1.0 if big else e
        s = (m - 1.0) / (m + 1.0)  # ln m = 2 atanh(s), |s| < 0.172
        s2 = s * s
        ln_m = 2.0 * s * (1.0 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9 + s2 * (
            1 / 11 + s2 * (1 / 13 + s2 * (1 / 15 + s2 / 17))))))))  # next term < 1e-15 relative
        y = r[j] * (e * _LN2_HI + (ln_m + e * _LN2_LO))
        y = max(y, -708.0)
        k = np.floor(y * _INV_LN2 + 0.5)
        t = (y - k * _LN2_HI) - k * _LN2_LO  # |t| <= ln2 / 2
        p = 1.0 + t * (1.0 + t * (1 / 2 + t * (1 / 6 + t * (1 / 24 + t * (1 / 120 + t * (1 / 720 + t * (
            1 / 5040 + t * (1 / 40320 + t * (1 / 362880 + t * (1 / 3628800 + t / 39916800))))))))))  # < 7e-15
        out[j] = p if base[j] >= _TINY else 0.0
        k_out[j] = k


@_jit(fastmath={"contract"})
def _scale(out: np.ndarray, n: int, k: np.ndarray, buf: np.ndarray) -> None:
    """``out *= 2**k`` by writing the exponent bits of 2**k."""
    bits = buf.view(np.int64)
    for j in range(n):
        bits[j] = (np.int64(k[j]) + 1023) << 52
    for j in range(n):
        out[j] = out[j] * buf[j]


@_jit()
def unit_power(base: np.ndarray, r: np.ndarray, n: int, out: np.ndarray, s1: np.ndarray, s2: np.ndarray,
               s3: np.ndarray) -> None:
    """``out[:n] = base[:n] ** r[:n]`` for bases in [0, 1] and exponents in (0, 2]; s1-s3 are scratch."""
    _split(base, n, s1, s2)
    _exp_log(base, r, n, s1, s2, out, s3)
    _scale(out, n, s3, s1)



@_jit()
def _mean_voter(x, w):
    total = 0.0
    acc = 0.0
    for k in range(x.size):
        total += w[k]
        acc += w[k] * x[k]
    if total > 0:
        return acc / total
    return x.mean()


@_jit()
def _median_voter(x, w, cand):
    """Weighted median with probability.median_voter's tie rule (ties go to the weighted mean)."""
    n = x.size
    if n == 0:
        return np.nan
    total = 0.0
    for k in range(n):
        total += w[k]
    if total <= 0:
        return np.median(x)
    cand[:n] = np.sort(x)
    best_loss = np.inf
    for c in range(n):
        loss = 0.0
        for k in range(n):
            loss += w[k] * abs(x[k] - cand[c])
        cand[n + c] = loss
        if loss < best_loss:
            best_loss = loss
    tol = 1e-12 + 1e-12 * abs(best_loss)
    mean = _mean_voter(x, w)
    pick = -1
    gap_pick = -1
    lo_best, hi_best = np.inf, -np.inf
    gap_best = np.inf
    for c in range(n):
        if abs(cand[n + c] - best_loss) <= tol:
            v = cand[c]
            if pick < 0:
                pick = c
            lo_best = min(lo_best, v)
            hi_best = max(hi_best, v)
            if abs(v - mean) < gap_best:
                gap_best = abs(v - mean)
                gap_pick = c
    if lo_best == hi_best:
        return cand[pick]
    return cand[gap_pick]


@_jit()
def _voter(x, w, use_mean, cand):
    if use_mean:
        return _mean_voter(x, w)
    return _median_voter(x, w, cand)


@_jit()
def _resort(x, order):
    """Insertion sort of ``order`` by ``x``, starting from last round's order.

    Positions move little between rounds, so the order is nearly sorted already and this
    costs about n steps, against a full sort each round.
    """
    for t in range(1, order.size):
        k = order[t]
        v = x[k]
        u = t - 1
        while u >= 0 and x[order[u]] > v:
            order[u + 1] = order[u]
            u -= 1
        order[u + 1] = k


@_jit()
def _sums_sorted(x, w, num, den, sc):
    """probability._sums_sorted: vote sums for every dyad from prefix sums over sorted positions.

    Walks the dyads in sorted order, so the count of voters below each dyad's midpoint only
    ever moves forward (no binary search).
    """
    n = x.size
    order, first, cw, cwx, xs = sc.order, sc.first, sc.cw, sc.cwx, sc.xs
    _resort(x, order)
    cw[0] = 0.0
    cwx[0] = 0.0
    for t in range(n):
        k = order[t]
        xs[t] = x[k]
        cw[t + 1] = cw[t] + w[k]
        cwx[t + 1] = cwx[t] + w[k] * x[k]
        first[t] = t if t == 0 or xs[t] != xs[t - 1] else first[t - 1]  # positions strictly below xs[t]
    total = cw[n]
    for a in range(n):
        i = order[a]
        num[i, i] = 0.0
        den[i, i] = 0.0
        lo = xs[a]
        k_lo = first[a]
        km = k_lo
        for b in range(a + 1, n):
            hi = xs[b]
            mid = 0.5 * (lo + hi)
            while km < n and xs[km] < mid:
                km += 1
            k_hi = first[b]
            gap = hi - lo
            f_low = gap * cw[k_lo] + (lo + hi) * (cw[km] - cw[k_lo]) - 2.0 * (cwx[km] - cwx[k_lo])
            f_high = gap * (total - cw[k_hi]) + 2.0 * (cwx[k_hi] - cwx[km]) - (lo + hi) * (cw[k_hi] - cw[km])
            f_low = max(f_low, 0.0)
            f_high = max(f_high, 0.0)
            j = order[b]
            num[i, j] = f_low if lo < hi else f_high
            num[j, i] = f_high
            den[i, j] = den[j, i] = f_low + f_high


@_jit()
def _sums_tensor(x, w, span, r, num, den, dk):
    """probability._sums_tensor: each voter's distances bent by its own exponent, O(n^3)."""
    n = x.size
    num[:, :] = 0.0
    den[:, :] = 0.0
    for k in range(n):
        for a in range(n):
            dk[a] = (abs(x[k] - x[a]) / span) ** r[k]
        wk = w[k]
        for i in range(n):
            dki = dk[i]
            for j in range(n):
                d = dk[j] - dki
                num[i, j] += wk * max(d, 0.0)
                den[i, j] += wk * abs(d)


@_jit()
def _win_probability(x, w, span, dist, dxx, mode, tensor, r, p, den, sc):
    """probability.win_probability into ``p`` (mode 0 alliance, 1 alliance_excl, 2 scholz_code)."""
    n = x.size
    if tensor:
        _sums_tensor(x, w, span, r, p, den, sc.dk)
    else:
        _sums_sorted(x, w, p, den, sc)
    if mode == 1:
        for i in range(n):
            for j in range(n):
                own_i = dist[i, j] ** r[i] if tensor else dxx[i, j]
                own_j = dist[i, j] ** r[j] if tensor else dxx[i, j]
                p[i, j] -= w[i] * own_i
                den[i, j] = den[i, j] - w[i] * own_i - w[j] * own_j
    elif mode == 2:
        total = den.sum()
        den[:, :] = total
    for i in range(n):
        for j in range(n):
            d = den[i, j]
            v = max(p[i, j], 0.0) / (d if d > 1e-15 else 1.0)
            p[i, j] = min(max(v if d > 1e-15 else 0.5, 0.0), 1.0)
        p[i, i] = 0.5


@_jit()
def _challenge_eu(x, s, p, span, dist, mu, r, neutral, col, c, out, sc):
    """expected.challenge_eu into ``out[i, j]`` (diagonal 0).

    Exponents are the challenger's (``col`` False) or the challenged actor's (``col`` True);
    ``neutral``: every exponent 1, no power taken. ``c`` = (salience of the challenger leads,
    q, T rule code). The powers run over the whole flattened matrix at once, so the vector
    loops of unit_power see n^2 elements, not rows of n.
    """
    n = x.size
    nn = n * n
    lead_challenger, q, t_rule = c
    m = sc.mat
    rexp, bs, bf, us, uf, bb_, bw, ub, uw = m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
    for i in range(n):
        dmu = abs(x[i] - mu) / span if q < 1.0 else 0.0
        for j in range(n):
            k = i * n + j
            d = dist[i, j]
            rexp[k] = r[j] if col else r[i]
            bs[k] = min(max(0.5 - 0.5 * d, 0.0), 1.0)
            bf[k] = min(max(0.5 + 0.5 * d, 0.0), 1.0)
        if q < 1.0:
            for j in range(n):
                k = i * n + j
                bb_[k] = min(max(0.5 - 0.25 * (dmu + dist[i, j]), 0.0), 1.0)
                bw[k] = min(max(0.5 + 0.25 * (dmu + dist[i, j]), 0.0), 1.0)
    if neutral:
        us, uf, ub, uw = bs, bf, bb_, bw
    else:
        unit_power(bs, rexp, nn, us, m[9], m[10], m[11])
        unit_power(bf, rexp, nn, uf, m[9], m[10], m[11])
        if q < 1.0:
            unit_power(bb_, rexp, nn, ub, m[9], m[10], m[11])
            unit_power(bw, rexp, nn, uw, m[9], m[10], m[11])
    for i in range(n):
        dmu = abs(x[i] - mu) / span if q < 1.0 else 0.0
        for j in range(n):
            k = i * n + j
            lead = s[i] if lead_challenger else s[j]
            u_s = 2.0 - 4.0 * us[k]
            u_f = 2.0 - 4.0 * uf[k]
            value = lead * (p[i, j] * u_s + (1.0 - p[i, j]) * u_f) + (1.0 - lead) * u_s
            sq = 0.0 if neutral else 2.0 - 4.0 * sc.half_pow[j if col else i]
            no_challenge = q * sq
            if q < 1.0:
                t = (1.0 if dmu < dist[i, j] else 0.0) if t_rule == 0 else (1.0 if t_rule == 1 else 0.0)
                no_challenge = no_challenge + (1.0 - q) * (t * (2.0 - 4.0 * ub[k]) + (1.0 - t) * (2.0 - 4.0 * uw[k]))
            out[i, j] = value - no_challenge
        out[i, i] = 0.0


@_jit()
def _risk(a1, dxx, thr, challenged, sec, r):
    """risk.security and risk.risk_exponent: Sec_i over the dyads whose positions differ, then r_i."""
    n = sec.size
    sec[:] = 0.0
    for i in range(n):
        if challenged:
            acc = 0.0
            for j in range(n):
                acc += a1[i, j] if dxx[i, j] > thr else 0.0
            sec[i] = acc
        else:
            for j in range(n):
                sec[j] += a1[i, j] if dxx[i, j] > thr else 0.0
    if n == 0:
        return
    hi, lo = sec.max(), sec.min()
    flat = hi - lo <= 1e-12 * max(max(1.0, abs(hi)), abs(lo))
    for i in range(n):
        big_r = 0.0 if flat else min(max((2.0 * sec[i] - hi - lo) / (hi - lo), -1.0), 1.0)
        r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


@_jit()
def _offers(x, a, bb, dxx, thr, comp_text, capit_moves, rule, target, key):
    """octants.offers_to and the selection keys of octants.select; ``key`` is inf where i has no offer.

    Written without data-dependent branches (``&``/``|`` on booleans, selects), because which
    octant a dyad falls in is unpredictable and mispredicted branches cost more than the work.
    """
    n = x.size
    for i in range(n):
        xi = x[i]
        for j in range(n):
            ai, bj, xj = a[i, j], bb[i, j], x[j]
            frac = abs(ai / (bj if bj != 0 else 1.0)) if bj != 0 else 0.0
            lose = (ai > 0) & (bj > 0) & (bj > ai)
            a_neg = ai < 0
            b_big = abs(bj) > abs(ai)
            if comp_text:
                comp = a_neg & (bj < 0) & b_big
                capit = a_neg & (bj > 0)
            else:
                comp = a_neg & (bj > 0) & b_big
                capit = a_neg & (bj > 0) & ~b_big
            capit = capit & capit_moves
            valid = (lose | comp | capit) & (dxx[i, j] > thr)
            partial = xi + (xj - xi) * min(max(frac, 0.0), 1.0)
            t = partial if comp else xj
            move = abs(t - xi)
            if rule == 0 or rule == 4:
                k = move
            elif rule == 1:
                k = (2.0 if capit else (1.0 if comp else 0.0)) * 1e12 + move
            elif rule == 2:
                den = abs(ai) + abs(bj)
                wpos = (abs(ai) * xi + abs(bj) * xj) / (den if den > 0 else 1.0)
                k = (2.0 if capit else (1.0 if comp else 0.0)) * 1e12 + (wpos if comp else move)
            else:
                k = -bj
            target[i, j] = t
            key[i, j] = k if valid else np.inf


@_jit(fastmath={"nnan", "nsz"})
def _row_min(row, n):
    """The least value of a row (no NaN ever reaches the keys), as one vectorised reduction."""
    best = np.inf
    for j in range(n):
        best = min(best, row[j])
    return best


@_jit()
def _select(x, bb, target, key, rule, lo0, hi0, new_x):
    """octants.select: the least key per row (ties to the lower index), clipped to the start range."""
    n = x.size
    for i in range(n):
        row = key[i]
        best = _row_min(row, n)
        pick = 0
        while pick < n - 1 and row[pick] != best:
            pick += 1
        has = best < np.inf
        if has and rule == 4:  # mutual: i must be proposer pick's favourite mover
            fav = 0
            top = -np.inf
            for m in range(n):
                v = bb[m, pick] if key[m, pick] < np.inf else -np.inf
                if v > top:
                    top, fav = v, m
            has = fav == i
        v = target[i, pick] if has else x[i]
        new_x[i] = min(max(v, lo0), hi0)


Scratch = namedtuple("Scratch", "order first cw cwx xs dk half_pow mat")
_MATS = 12  # flattened n x n work matrices of _challenge_eu


@_jit()
def _scratch(n):
    """Per-draw work arrays, allocated once and reused by every round."""
    return Scratch(np.empty(n, dtype=np.intp), np.empty(n, dtype=np.intp), np.empty(n + 1), np.empty(n + 1),
                   np.empty(n), np.empty(n), np.empty(n), np.empty((_MATS, n * n)))


@_jit()
def _run_draw(x, s, w, span, c, r_first, sec_first):
    """All rounds of one draw (``x`` is updated in place); returns ``(rounds run, converged)``."""
    n = x.size
    voter, mode, t_rule, lead_ch, challenged = c[0] > 0, int(c[2]), int(c[3]), c[4] > 0, c[5] > 0
    comp_text, rule, receiver = c[6] > 0, int(c[7]), c[8] > 0
    voter_risk, capit_moves, risk, stop, rounds = c[9] > 0, c[10] > 0, c[11] > 0, c[12] > 0, int(c[13])
    q, tol = c[14], c[15]
    lo0, hi0 = x.min(), x.max()
    thr = 1e-12 * span
    dxx, dist, p, den = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    a, bb, target, key = np.empty((n, n)), np.empty((n, n)), np.empty((n, n)), np.empty((n, n))
    sc = _scratch(n)
    sc.order[:] = np.arange(n)
    cand = np.empty(2 * n)
    ones = np.ones(n)
    r = np.ones(n)
    sec = np.zeros(n)
    new_x = np.empty(n)
    eu_c = (lead_ch, q, t_rule)
    done = 0
    for t in range(rounds):
        mu = _voter(x, w, voter, cand) if q < 1.0 else 0.0
        for i in range(n):
            for j in range(n):
                dxx[i, j] = abs(x[i] - x[j])
                dist[i, j] = dxx[i, j] / span
        if risk:
            _win_probability(x, w, span, dist, dxx, mode, voter_risk, ones, p, den, sc)
            _challenge_eu(x, s, p, span, dist, mu, ones, True, False, eu_c, a, sc)
            _risk(a, dxx, thr, challenged, sec, r)
            if voter_risk:
                _win_probability(x, w, span, dist, dxx, mode, True, r, p, den, sc)
        else:
            r[:] = 1.0
            sec[:] = 0.0
            _win_probability(x, w, span, dist, dxx, mode, voter_risk, ones, p, den, sc)
        if t == 0:
            r_first[:] = r
            sec_first[:] = sec
        for i in range(n):
            sc.half_pow[i] = 0.5 ** r[i]
        _challenge_eu(x, s, p, span, dist, mu, r, False, False, eu_c, a, sc)
        if receiver:
            _challenge_eu(x, s, p, span, dist, mu, r, False, True, eu_c, den, sc)
            for i in range(n):
                for j in range(n):
                    bb[i, j] = den[j, i]
        else:
            for i in range(n):
                for j in range(n):
                    bb[i, j] = a[j, i]
        _offers(x, a, bb, dxx, thr, comp_text, capit_moves, rule, target, key)
        _select(x, bb, target, key, rule, lo0, hi0, new_x)
        moved = 0.0
        for i in range(n):
            moved = max(moved, abs(new_x[i] - x[i]))
            x[i] = new_x[i]
        done += 1
        if stop and moved <= tol * span:
            return done, True
    return done, False


def _batch(x, s, w, span, c, forecast, r_first, sec_first, rounds, converged):
    """Every draw of a (B, n) batch; draws are split over threads (``numba.prange``)."""
    b, n = x.shape
    use_mean = c[1] > 0
    for k in numba.prange(b):
        rk, ok = _run_draw(x[k], s[k], w[k], span[k], c, r_first[k], sec_first[k])
        rounds[k] = rk
        converged[k] = ok
        forecast[k] = _voter(x[k], w[k], use_mean, np.empty(2 * n))


if numba is not None:
    _batch = numba.njit(cache=True, parallel=True, error_model="numpy")(_batch)


def run_issue_compiled(x0: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, opt: Any):
    """batch.run_issue_batch on the compiled kernel: the same :class:`BatchIssueRun` fields."""
    x = np.array(x0, dtype=float, order="C")
    s = np.ascontiguousarray(s, dtype=float)
    w = np.ascontiguousarray(c, dtype=float) * s
    b, n = x.shape
    span = np.where(span > 0, span, 1.0).astype(float)
    forecast = np.empty(b)
    r_first = np.full((b, n), np.nan)
    sec_first = np.full((b, n), np.nan)
    rounds = np.zeros(b, dtype=np.int64)
    converged = np.zeros(b, dtype=np.bool_)
    with _LAUNCH:  # Numba's fallback thread pool (workqueue) aborts on launches from two threads at once
        _batch(x, s, w, span, codes(opt), forecast, r_first, sec_first, rounds, converged)
    return BatchIssueRun(forecast, x, r_first, sec_first, rounds, converged)
