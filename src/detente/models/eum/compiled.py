"""A compiled (Numba) kernel of the expected-utility rounds: one fused loop per draw.

The NumPy code (rounds.py, batch.py) stays the reference. This kernel runs the same
arithmetic on one draw at a time with every dyad quantity computed in a single pass, no
temporaries between steps and draws split over the machine's cores. It exists because
Monte Carlo sweeps of this model are thousands of times more work than one forecast
(issue #7's target: 10^5 draws of a 30-actor scenario in seconds, not minutes).

Agreement with the reference is to rounding (sums run in another order; ``b**r`` is
computed by the vectorisable ``_pow_unit`` below), not bit for bit;
tests/test_eum_compiled.py compares both on every option, and ties that rounding splits are
resolved alike by both (DECISIONS.md, U-K2). Numba is optional (the ``fast`` extra): without it
the model uses the NumPy path. See DECISIONS.md, U-K1.
"""

from __future__ import annotations

import threading
import time
from collections import namedtuple
from typing import Any

import numpy as np

from detente.models.eum.batch import BatchIssueRun
from detente.models.eum.choices import CHOICES
from detente.models.eum.octants import TIE as _TIE

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


def _cached_njit(fn, **kw: Any):
    """numba.njit cached on disk; uncached where Numba finds no folder it can write to.

    Numba raises at decoration when neither the source's folder (e.g. a read-only
    site-packages) nor the user's cache folder (NUMBA_CACHE_DIR, ~/.cache) is writable; the
    model then still imports and compiles in each process (``warm()`` reports the cache as off).
    """
    try:
        return numba.njit(cache=True, **kw)(fn)
    except RuntimeError as exc:
        if "cannot cache" not in str(exc):
            raise
        return numba.njit(cache=False, **kw)(fn)


def _jit(**kw: Any):
    """numba.njit, cached on disk (next to the source, else in the user's cache folder).

    ``error_model='numpy'`` lets a float division by zero give inf/NaN instead of raising,
    which the loops need to vectorise; every division here is guarded by a select anyway.
    """
    def deco(fn):
        if numba is None:
            return fn
        return _cached_njit(fn, nogil=True, error_model="numpy", **kw)
    return deco


# --- powers of bases in [0, 1] --------------------------------------------------------------
# The kernel takes two powers per ordered dyad per round; as calls to the C library's ``pow``
# they kept every loop scalar and were a third of its time. Written out here as 2 ** (r log2 b)
# (exponent bits, a polynomial for the mantissa's log2, then 2 ** t for the fraction of the
# product and exponent bits for its integer part; polynomials in Estrin's scheme for short
# dependency chains) they inline into the dyad loops and run in SIMD lanes. Relative error
# against ``np.power`` is below 1e-13 (tests/test_eum_compiled.py); bases below 1e-300 give 0.
# In this module, not a module of its own, because Numba's on-disk cache of a function does not
# notice edits to another file.

_SQRT_HALF_BITS = 0x3FE6A09E667F3BCD  # the bits of sqrt(1/2)
_EXP_MASK = -(1 << 52)  # 0xFFF0000000000000 as an int64: sign and exponent field
_TINY = 1e-300
_ROUNDER = 6755399441055744.0  # 1.5 * 2**52: adding it rounds to an integer
# Near-minimax polynomials (Lawson-weighted least squares in 40-digit arithmetic, mpmath):
# 2 atanh(s) / (s ln 2) as a polynomial in z = s^2 on [0, ((sqrt2 - 1) / (sqrt2 + 1))^2], so that
# log2 m = s * L(z), and 2^t on [-1/2, 1/2] (constant term held at 1, so 1 ** r = 1 exactly);
# relative error of each 2e-16.
_L0, _L1, _L2, _L3 = 2.885390081777927, 0.9617966939243245, 0.5770780172502898, 0.4121984014735586
_L4, _L5, _L6 = 0.3206164258132098, 0.26144311084375443, 0.24292898374306393
_E0, _E1, _E2, _E3 = 1.0, 0.6931471805599492, 0.240226506959091, 0.05550410866448152
_E4, _E5, _E6 = 0.009618129107983408, 0.0013333558225851322, 0.00015403529994034213
_E7, _E8, _E9, _E10 = 1.5252659396170066e-05, 1.3215653644021925e-06, 1.020832935461369e-07, 7.038179689639903e-09

if numba is not None:
    from llvmlite import ir as _ir
    from numba.extending import intrinsic as _intrinsic

    @_intrinsic
    def _as_int(typingctx, v):
        """The bits of a float64 as an int64 (an LLVM bitcast, so loops stay vectorisable)."""
        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], _ir.IntType(64))
        return numba.types.int64(numba.types.float64), codegen

    @_intrinsic
    def _as_float(typingctx, v):
        """The float64 whose bits an int64 holds."""
        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], _ir.DoubleType())
        return numba.types.float64(numba.types.int64), codegen


@_jit(fastmath={"contract"})
def _split(b):
    """``b = m * 2**e`` with ``m`` in [sqrt(1/2), sqrt(2)), read from the float's bits (b > 0).

    Subtracting the bits of sqrt(1/2) first makes the exponent field round to the nearest
    power of two (as in musl's log), so no compare-and-fix of the mantissa is needed.
    """
    bits = _as_int(b)
    tmp = bits - _SQRT_HALF_BITS
    k = tmp >> 52  # arithmetic shift: the exponent, negative for b < sqrt(1/2)
    return _as_float(bits - (tmp & _EXP_MASK)), float(k)


@_jit(fastmath={"contract"})
def _exp_r_log(s, e, r, b):
    """``b ** r = 2 ** (r log2 b)`` given ``b = m * 2**e`` and ``s = (m - 1) / (m + 1)`` (ln m = 2 atanh s)."""
    z = s * s  # |s| < 0.172
    z2 = z * z
    z4 = z2 * z2
    series = ((_L0 + _L1 * z) + z2 * (_L2 + _L3 * z)) + z4 * ((_L4 + _L5 * z) + z2 * _L6)
    y = max(r * (e + s * series), -1021.0)  # log2(b ** r)
    shifted = y + _ROUNDER  # the nearest integer k to y lands in the low mantissa bits
    k = shifted - _ROUNDER
    t = y - k  # exact, |t| <= 1/2
    t2 = t * t
    t4 = t2 * t2
    t8 = t4 * t4
    p = ((_E0 + _E1 * t) + t2 * (_E2 + _E3 * t)) + t4 * ((_E4 + _E5 * t) + t2 * (_E6 + _E7 * t)) + t8 * (
        (_E8 + _E9 * t) + t2 * _E10)
    p = p * _as_float((_as_int(shifted) + 1023) << 52)  # times 2**k (the shift drops the rounder's bits)
    return p if b >= _TINY else 0.0


@_jit(fastmath={"contract"})
def _pow_unit(b, r):
    """``b ** r`` for ``b`` in [0, 1] and ``r`` in (0, 2]."""
    m, e = _split(b)
    return _exp_r_log((m - 1.0) / (m + 1.0), e, r, b)


@_jit(inline="always")
def _pow_pair(b1, b2, r):
    """``(b1 ** r, b2 ** r)``: the two atanh arguments share one division (inlined into loops)."""
    m1, e1 = _split(b1)
    m2, e2 = _split(b2)
    inv = 1.0 / ((m1 + 1.0) * (m2 + 1.0))
    return _exp_r_log((m1 - 1.0) * (m2 + 1.0) * inv, e1, r, b1), _exp_r_log((m2 - 1.0) * (m1 + 1.0) * inv, e2, r, b2)


@_jit(fastmath={"contract"})
def unit_power(base: np.ndarray, r: np.ndarray, out: np.ndarray) -> None:
    """``out = base ** r`` elementwise (bases in [0, 1], exponents in (0, 2])."""
    for k in range(base.size):
        out[k] = _pow_unit(base[k], r[k])


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


# --- one round ------------------------------------------------------------------------------
# Every n x n matrix has rows padded to ``npad`` (a multiple of 32) columns, and so do the
# per-actor vectors read along a row (positions, saliences, weights, exponents). Loops along a
# row then run over all ``npad`` columns, a trip count LLVM vectorises whole; with rows of n = 30
# the vector loop never started and the row ran scalar. Padding columns hold finite values no
# step reads: keys there are inf, weights 0.


@_jit()
def pad_width(n):
    """Row length of the padded matrices: n rounded up to a multiple of 32."""
    return (n + 31) // 32 * 32


@_jit(fastmath={"reassoc", "contract", "nsz"})
def _sums_direct(dxx, wp, n, num, den):
    """probability.vote_sums (alliance): for each dyad, one vectorised pass over all voters.

    Voter k gives i over j the vote ``|x_k - x_j| - |x_k - x_i|`` (the rows of ``dxx``);
    ``num`` sums the positive votes times weight, each direction on its own so that actors at
    one position get bit-identical sums (offer keys then tie as in the reference), and ``den``
    adds both. O(n^3), but as dense SIMD sums it beats the O(n^2) walk over sorted positions,
    whose data-dependent branches mispredicted at every step.
    """
    npad = wp.size
    for i in range(n):
        num[i, i] = 0.0
        den[i, i] = 0.0
        di = dxx[i]
        for j in range(i + 1, n):
            dj = dxx[j]
            for_i = 0.0
            for_j = 0.0
            for k in range(npad):
                v = dj[k] - di[k]
                for_i += wp[k] * max(v, 0.0)
                for_j += wp[k] * max(-v, 0.0)
            num[i, j] = for_i
            num[j, i] = for_j
            den[i, j] = den[j, i] = for_i + for_j


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
def _win_probability(x, wp, span, dist, dxx, mode, tensor, r, p, den, dk):
    """probability.win_probability into ``p`` (mode 0 alliance, 1 alliance_excl, 2 scholz_code)."""
    n = x.size
    if tensor:
        _sums_tensor(x, wp, span, r, p, den, dk)
    else:
        _sums_direct(dxx, wp, n, p, den)
    if mode == 1:
        for i in range(n):
            for j in range(n):
                own_i = dist[i, j] ** r[i] if tensor else dxx[i, j]
                own_j = dist[i, j] ** r[j] if tensor else dxx[i, j]
                p[i, j] -= wp[i] * own_i
                den[i, j] = den[i, j] - wp[i] * own_i - wp[j] * own_j
    elif mode == 2:
        total = 0.0
        for i in range(n):
            for j in range(n):
                total += den[i, j]
        den[:, :] = total
    npad = wp.size
    for i in range(n):
        for j in range(npad):  # the padding columns too: a full-width vector loop
            d = den[i, j]
            v = max(p[i, j], 0.0) / (d if d > 1e-15 else 1.0)
            p[i, j] = min(max(v if d > 1e-15 else 0.5, 0.0), 1.0)
        p[i, i] = 0.5


@_jit(inline="always")
def _eu_row(i, dist, p, out, dxx, dmu, ctx, neutral, with_q, sink):
    """One row of expected.challenge_eu; ``neutral``, ``with_q``, ``sink`` are constants where it is inlined.

    ``sink``: instead of storing the row, add each EU to the challenged actor's security
    (``sec[j]``, over the dyads whose positions differ): the risk-neutral pass needs nothing else.
    No fused multiply-adds here (only inside ``_pow_unit``): the EU combines as in NumPy, so
    dyads whose EUs tie exactly in the reference (e.g. P = 1, where salience drops out) tie
    here too and go to the same actor. ``ctx``: see ``_challenge_eu``.
    """
    e_col, col, lead_col, lead_challenger, sq_col, q, t_rule, thr, n, sec = ctx
    d_row, p_row, out_row, dxx_row = dist[i], p[i], out[i], dxx[i]
    e_i, lead_i, sq_i = e_col[i], lead_col[i], sq_col[i]
    for j in range(lead_col.size):
        d = d_row[j]
        e = e_col[j] if col else e_i
        bs = min(max(0.5 - 0.5 * d, 0.0), 1.0)
        bf = min(max(0.5 + 0.5 * d, 0.0), 1.0)
        if not neutral:
            bs, bf = _pow_pair(bs, bf, e)
        u_s = 2.0 - 4.0 * bs
        u_f = 2.0 - 4.0 * bf
        lead = lead_i if lead_challenger else lead_col[j]
        pk = p_row[j]
        value = lead * (pk * u_s + (1.0 - pk) * u_f) + (1.0 - lead) * u_s
        no_challenge = q * (0.0 if neutral else (sq_col[j] if col else sq_i))
        if with_q:
            b_b = min(max(0.5 - 0.25 * (dmu + d), 0.0), 1.0)
            b_w = min(max(0.5 + 0.25 * (dmu + d), 0.0), 1.0)
            if not neutral:
                b_b, b_w = _pow_pair(b_b, b_w, e)
            u_b = 2.0 - 4.0 * b_b
            u_w = 2.0 - 4.0 * b_w
            t = (1.0 if dmu < d else 0.0) if t_rule == 0 else (1.0 if t_rule == 1 else 0.0)
            no_challenge = no_challenge + (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
        if sink:
            sec[j] += value - no_challenge if (dxx_row[j] > thr) & (j < n) else 0.0
        else:
            out_row[j] = value - no_challenge


@_jit()
def _challenge_eu(x, sp, p, span, dist, mu, r, sq, neutral, col, c, out, sink, dxx, thr, sec):
    """expected.challenge_eu into ``out[i, j]`` (diagonal 0), or (``sink``) summed into ``sec``.

    Exponents are the challenger's (``col`` False) or the challenged actor's (``col`` True);
    ``neutral``: every exponent 1, no power taken. ``c`` = (salience of the challenger leads,
    q, T rule code); ``sq[i] = 2 - 4 * 0.5 ** r_i``, the status quo's utility. ``sink`` (risk-
    neutral pass only): ``sec[j] += E^i(U_ij)`` over the dyads whose positions differ, the
    security of the challenged (risk.security, "challengers"). Each case has its own copy of
    the row loop, so the powers it does not need are not computed.
    """
    n = x.size
    lead_ch, q, t_rule = c
    with_q = q < 1.0
    ctx = (r, col, sp, lead_ch, sq, q, t_rule, thr, n, sec)
    for i in range(n):
        dmu = abs(x[i] - mu) / span if with_q else 0.0
        if neutral and sink and with_q:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, True, True, True)
        elif neutral and sink:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, True, False, True)
        elif neutral and with_q:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, True, True, False)
        elif neutral:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, True, False, False)
        elif with_q:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, False, True, False)
        else:
            _eu_row(i, dist, p, out, dxx, dmu, ctx, False, False, False)
        out[i, i] = 0.0


@_jit(fastmath={"reassoc"})
def _security_rows(a1, dxx, thr, n, sec):
    """risk.security, "challenged": Sec_i = sum_j E^i(U_ij) over the dyads whose positions differ."""
    npad = sec.size
    sec[:] = 0.0
    for i in range(n):
        acc = 0.0
        for j in range(npad):
            acc += a1[i, j] if (dxx[i, j] > thr) & (j < n) else 0.0
        sec[i] = acc


@_jit()
def _risk_exponents(sec, n, r):
    """risk.risk_exponent: r_i from the actors' security (the first n entries of ``sec``)."""
    if n == 0:
        return
    hi, lo = sec[:n].max(), sec[:n].min()
    flat = hi - lo <= 1e-12 * max(max(1.0, abs(hi)), abs(lo))
    for i in range(n):
        big_r = 0.0 if flat else min(max((2.0 * sec[i] - hi - lo) / (hi - lo), -1.0), 1.0)
        r[i] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


@_jit(inline="always")
def _offer_rows(xp, n, a, bb, dxx, thr, comp_text, capit_moves, rule, target, key):
    """The body of ``_offers`` for one selection rule (a constant where it is inlined)."""
    npad = xp.size
    for i in range(n):
        xi = xp[i]
        for j in range(npad):
            ai, bj, xj = a[i, j], bb[i, j], xp[j]
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
            valid = (lose | comp | capit) & (dxx[i, j] > thr) & (j < n)
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


@_jit()
def _offers(xp, n, a, bb, dxx, thr, comp_text, capit_moves, rule, target, key):
    """octants.offers_to and the selection keys of octants.select; ``key`` is inf where i has no offer.

    Written without data-dependent branches (``&``/``|`` on booleans, selects), because which
    octant a dyad falls in is unpredictable and mispredicted branches cost more than the work;
    one copy of the loop per rule, so a rule's keys cost only their own arithmetic.
    Padding columns (``j >= n``) get no offer.
    """
    if rule == 0 or rule == 4:
        _offer_rows(xp, n, a, bb, dxx, thr, comp_text, capit_moves, 0, target, key)
    elif rule == 1:
        _offer_rows(xp, n, a, bb, dxx, thr, comp_text, capit_moves, 1, target, key)
    elif rule == 2:
        _offer_rows(xp, n, a, bb, dxx, thr, comp_text, capit_moves, 2, target, key)
    else:
        _offer_rows(xp, n, a, bb, dxx, thr, comp_text, capit_moves, 3, target, key)


@_jit(fastmath={"nnan", "nsz"})
def _row_min(m, i):
    """The least value of row i (no NaN ever reaches the keys), as one vectorised reduction."""
    best = np.inf
    for j in range(m.shape[1]):
        best = min(best, m[i, j])
    return best


@_jit()
def _first_at_most(m, i, limit):
    """The first column of row i whose value is at most ``limit`` (row length if none), as a vectorised min."""
    npad = m.shape[1]
    first = npad
    for j in range(npad):
        first = min(first, j if m[i, j] <= limit else npad)
    return first


@_jit()
def _select(x, bb, target, key, rule, lo0, hi0, new_x):
    """octants.select: the least key per row (ties within TIE to the lower index), clipped to the start range."""
    n = x.size
    for i in range(n):
        best = _row_min(key, i)
        pick = _first_at_most(key, i, best + _TIE)
        has = best < np.inf
        if has and rule == 4:  # mutual: i must be proposer pick's favourite mover
            top = -np.inf
            for m in range(n):
                top = max(top, bb[m, pick] if key[m, pick] < np.inf else -np.inf)
            fav = 0
            while fav < n - 1 and not (bb[fav, pick] if key[fav, pick] < np.inf else -np.inf) >= top - _TIE:
                fav += 1
            has = fav == i
        v = target[i, pick] if has else x[i]
        new_x[i] = min(max(v, lo0), hi0)


Work = namedtuple("Work", "dxx dist p den a bb target key xp sp wp ones r sq dk cand sec new_x")


@_jit()
def _work(n):
    """One thread's work arrays, allocated once and reused for every draw it runs.

    Matrices and the per-actor vectors read along rows have ``pad_width(n)`` columns. Nothing
    carries over between draws: every round rewrites what it reads, and the padding columns only
    ever hold finite values (zeros, or numbers no step reads).
    """
    npad = pad_width(n)
    return Work(np.zeros((n, npad)), np.zeros((n, npad)), np.zeros((n, npad)), np.zeros((n, npad)),
                np.zeros((n, npad)), np.zeros((n, npad)), np.zeros((n, npad)), np.zeros((n, npad)),
                np.zeros(npad), np.zeros(npad), np.zeros(npad), np.ones(npad), np.ones(npad), np.zeros(npad),
                np.empty(n), np.empty(2 * n), np.zeros(npad), np.empty(n))


@_jit()
def _run_draw(x, s, w, span, c, r_first, sec_first, ws):
    """All rounds of one draw (``x`` is updated in place); returns ``(rounds run, converged)``."""
    n = x.size
    npad = ws.xp.size
    voter, mode, t_rule, lead_ch, challenged = c[0] > 0, int(c[2]), int(c[3]), c[4] > 0, c[5] > 0
    comp_text, rule, receiver = c[6] > 0, int(c[7]), c[8] > 0
    voter_risk, capit_moves, risk, stop, rounds = c[9] > 0, c[10] > 0, c[11] > 0, c[12] > 0, int(c[13])
    q, tol = c[14], c[15]
    lo0, hi0 = x.min(), x.max()
    thr = 1e-12 * span
    dxx, dist, p, den, a, bb, target, key = ws.dxx, ws.dist, ws.p, ws.den, ws.a, ws.bb, ws.target, ws.key
    xp, sp, wp, ones, r, sq, dk, cand, sec, new_x = ws.xp, ws.sp, ws.wp, ws.ones, ws.r, ws.sq, ws.dk, ws.cand, \
        ws.sec, ws.new_x
    sp[:n] = s
    wp[:n] = w
    r[:] = 1.0
    eu_c = (lead_ch, q, t_rule)
    done = 0
    for t in range(rounds):
        mu = _voter(x, w, voter, cand) if q < 1.0 else 0.0
        xp[:n] = x
        for i in range(n):
            xi = x[i]
            for j in range(npad):
                dxx[i, j] = abs(xp[j] - xi)
                dist[i, j] = dxx[i, j] / span
        if risk:
            _win_probability(x, wp, span, dist, dxx, mode, voter_risk, ones, p, den, dk)
            if challenged:
                _challenge_eu(x, sp, p, span, dist, mu, ones, sq, True, False, eu_c, a, False, dxx, thr, sec)
                _security_rows(a, dxx, thr, n, sec)
            else:  # the challengers' EUs go straight into the security sums
                sec[:] = 0.0
                _challenge_eu(x, sp, p, span, dist, mu, ones, sq, True, False, eu_c, a, True, dxx, thr, sec)
            _risk_exponents(sec, n, r)
            if voter_risk:
                _win_probability(x, wp, span, dist, dxx, mode, True, r, p, den, dk)
        else:  # r stays at the 1.0 set for the draw
            sec[:] = 0.0
            _win_probability(x, wp, span, dist, dxx, mode, voter_risk, ones, p, den, dk)
        if t == 0:
            r_first[:] = r[:n]
            sec_first[:] = sec[:n]
        for i in range(npad):
            sq[i] = 2.0 - 4.0 * _pow_unit(0.5, r[i])
        _challenge_eu(x, sp, p, span, dist, mu, r, sq, False, False, eu_c, a, False, dxx, thr, sec)
        src = a
        if receiver:
            _challenge_eu(x, sp, p, span, dist, mu, r, sq, False, True, eu_c, den, False, dxx, thr, sec)
            src = den
        for i in range(n):
            for j in range(n):
                bb[i, j] = src[j, i]
        _offers(xp, n, a, bb, dxx, thr, comp_text, capit_moves, rule, target, key)
        _select(x, bb, target, key, rule, lo0, hi0, new_x)
        moved = 0.0
        for i in range(n):
            moved = max(moved, abs(new_x[i] - x[i]))
            x[i] = new_x[i]
        done += 1
        if stop and moved <= tol * span:
            return done, True
    return done, False


def _batch(x, s, w, span, c, forecast, r_first, sec_first, rounds, converged, parts):
    """Every draw of a (B, n) batch, split into ``parts`` blocks run by Numba's threads (``prange``)."""
    b, n = x.shape
    use_mean = c[1] > 0
    for part in numba.prange(parts):  # contiguous blocks of draws, one work area each
        ws = _work(n)
        for k in range(part * b // parts, (part + 1) * b // parts):
            rk, ok = _run_draw(x[k], s[k], w[k], span[k], c, r_first[k], sec_first[k], ws)
            rounds[k] = rk
            converged[k] = ok
            forecast[k] = _voter(x[k], w[k], use_mean, ws.cand)


if numba is not None:
    _batch = _cached_njit(_batch, parallel=True, error_model="numpy")


def run_issue_compiled(x0: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, opt: Any):
    """batch.run_issue_batch on the compiled kernel: the same :class:`BatchIssueRun` fields."""
    x = np.array(x0, dtype=float, order="C")
    s = np.ascontiguousarray(s, dtype=float)
    w = np.ascontiguousarray(c, dtype=float) * s
    b, n = x.shape
    span = np.where(span > 0, span, 1.0).astype(float)
    forecast = np.empty(b)
    make = np.empty if opt.rounds > 0 else lambda shape: np.full(shape, np.nan)  # round 1 writes them
    r_first = make((b, n))
    sec_first = make((b, n))
    rounds = np.zeros(b, dtype=np.int64)
    converged = np.zeros(b, dtype=np.bool_)
    with _LAUNCH:  # Numba's fallback thread pool (workqueue) aborts on launches from two threads at once
        parts = max(1, min(b, numba.get_num_threads()))
        _batch(x, s, w, span, codes(opt), forecast, r_first, sec_first, rounds, converged, parts)
    return BatchIssueRun(forecast, x, r_first, sec_first, rounds, converged)


def warm() -> dict[str, Any]:
    """Load the kernel from Numba's on-disk cache now, or compile (and cache) it: what happened, how long.

    The first batch in a process otherwise pays for this inside whatever it is timed with: about
    0.2 s of CPU to load a warm cache, about 30 s to compile a cold one (a fresh install, a new
    version of this file, or another CPU: Numba keys its cache on the source file's time stamp and
    the host CPU's name and features). Benchmarks call this before any timing (DECISIONS.md, P1).
    ``cache``: ``warm`` (loaded from disk), ``cold`` (compiled now, saved to ``path`` for the next
    process), ``in memory`` (already loaded in this process), ``off`` (compiled, no writable cache
    folder: see :func:`_cached_njit`) or ``none`` (no Numba).
    """
    if numba is None:
        return {"cache": "none", "action": "nothing", "wall": 0.0, "cpu": 0.0, "path": None}
    before = sum(_batch.stats.cache_hits.values()), sum(_batch.stats.cache_misses.values())
    loaded = bool(_batch.signatures)
    t0, c0 = time.perf_counter(), time.process_time()
    x = np.array([[0.0, 50.0, 100.0]])
    ones = np.ones_like(x)
    c = np.zeros(len(_CODED) + 7)
    c[len(_CODED) + 4:] = (1.0, 1.0, 1e-9)  # one round, q = 1, tolerance
    _batch(x, ones, ones, np.ones(1), c, np.empty(1), np.empty((1, 3)), np.empty((1, 3)),
           np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.bool_), 1)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    hits = sum(_batch.stats.cache_hits.values()) - before[0]
    misses = sum(_batch.stats.cache_misses.values()) - before[1]
    if loaded:
        cache, action = "in memory", "already loaded"
    elif hits:
        cache, action = "warm", "loaded"
    else:
        cache, action = "cold" if misses else "off", "compiled"
    return {"cache": cache, "action": action, "wall": wall, "cpu": cpu, "path": _batch.stats.cache_path}


def target() -> dict[str, Any]:
    """The machine code Numba generates here: LLVM's target CPU, its widest vector unit, threads.

    Measured on one AMD EPYC (Zen 5) machine, CPU time per draw of the benchmark's 30 x 3 sweep
    (1 thread): AVX-512 0.16-0.18 ms, AVX2 only (``NUMBA_CPU_NAME=haswell`` with Haswell's
    features) 0.28 ms, ``NUMBA_CPU_NAME=generic`` (SSE2, no FMA) 1.0 ms: the loops vectorise on
    each, so the cost follows the vector width (DECISIONS.md, U-K1).
    """
    if numba is None:
        return {"cpu": None, "vector": "none (no Numba)", "generic": False, "threads": 1}
    from llvmlite import binding as ll

    cpu = numba.config.CPU_NAME or ll.get_host_cpu_name()
    features = numba.config.CPU_FEATURES
    if features is None:
        features = ll.get_host_cpu_features().flatten()
    on = {f[1:] for f in features.split(",") if f.startswith("+")}
    vector = "AVX-512" if "avx512f" in on else "AVX2" if "avx2" in on else "AVX" if "avx" in on else "SSE only"
    return {"cpu": cpu, "set_by": "NUMBA_CPU_NAME" if numba.config.CPU_NAME else "host",
            "vector": vector, "fma": "fma" in on, "generic": cpu.lower() == "generic",
            "threads": numba.get_num_threads()}
