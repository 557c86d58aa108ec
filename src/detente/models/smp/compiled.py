"""A compiled (Numba) kernel of SMP's challenge step for KTAB's defaults, bit for bit the NumPy path.

``challenge.own_challenges`` with the proportional voting rule and semi-commitment of third parties
costs O(n^3) per turn in about fifteen array passes; at 250 actors it was two thirds of SMP's time
(and ``victory.coalitions`` of each state, O(n^3) too, most of the rest: compiled here as well).
This kernel runs the same arithmetic, operation for operation and in the same order, in one loop
per (initiator, target) pair, and sums the third parties' votes in NumPy's own pairwise order
(blocks of 8 accumulators up to 128 values, halves above), so every probability and gain is the
same double as the NumPy path's: the golden KTAB logs and every seeded run are unchanged
(tests/test_smp_compiled.py compares both on random inputs and the KTAB cases; DECISIONS H9).
Numba is optional (the ``fast`` extra); without it, or for other voting rules, NumPy runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # optional extra
    import numba
except ImportError:  # pragma: no cover - exercised where numba is not installed
    numba = None

AVAILABLE = numba is not None
MIN_CLTN = 1e-10  # challenge.MIN_CLTN (KTAB's floor on both coalitions of a challenge)
MIN_COALITION = 1e-8  # victory.MIN_COALITION (KTAB's floor on every coalition)
_PW_BLOCK = 128  # NumPy's PW_BLOCKSIZE


def _jit(fn: Any) -> Any:
    """numba.njit, cached on disk where a folder is writable; no fast-math (no reassociation and
    no fused multiply-add: each operation rounds as NumPy's does)."""
    if numba is None:
        return fn
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
    except RuntimeError as exc:
        if "cannot cache" not in str(exc):
            raise
        return numba.njit(cache=False, nogil=True, error_model="numpy")(fn)


@_jit
def _block_sum(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's pairwise_sum for n <= 128 values: 8 accumulators, then the rest in order."""
    if n < 8:
        res = 0.0
        for k in range(lo, lo + n):
            res += a[k]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


# NumPy's pairwise summation splits a row above 128 values into halves (the first a multiple of 8)
# and sums each the same way. Numba's cached recursive functions can crash on reload, so the recursion
# is written out as levels: level k handles rows of up to ~128 * 2^(k-1) values (MAX_ROW for six).
MAX_ROW = 4000


@_jit
def _pw1(a: np.ndarray, lo: int, n: int) -> float:
    return _block_sum(a, lo, n)


def _level(lower: Any) -> Any:
    def pw(a: np.ndarray, lo: int, n: int) -> float:
        if n <= _PW_BLOCK:
            return _block_sum(a, lo, n)
        n2 = n // 2
        n2 -= n2 % 8
        return lower(a, lo, n2) + lower(a, lo + n2, n - n2)
    return pw


_pw2 = _jit(_level(_pw1))
_pw3 = _jit(_level(_pw2))
_pw4 = _jit(_level(_pw3))
_pw5 = _jit(_level(_pw4))
_pairwise_sum = _jit(_level(_pw5))  # rows of up to MAX_ROW values; the order ``ndarray.sum`` uses


@_jit
def _challenges(dist: np.ndarray, perceived: np.ndarray, s_tot: np.ndarray, cap: np.ndarray, bounded: bool,
                prob: np.ndarray, edu: np.ndarray) -> None:
    n = dist.shape[0]
    w = np.empty(n)
    for k in range(n):
        w[k] = s_tot[k] * cap[k]
    u = np.empty((n, n))
    pos = np.empty(n)
    neg = np.empty(n)
    for i in range(n):
        # initiator i's view: u[x, y] = utility to x of y's position, x's risk as i perceives it (util)
        for x in range(n):
            r = perceived[i, x]
            for y in range(n):
                d = dist[x, y]
                one_d = 1.0 - d
                if bounded or d <= 1.0:
                    u[x, y] = one_d * (1.0 + d * r)
                else:
                    u[x, y] = one_d * (1.0 + r)
        uii = u[i, i]
        wi = w[i]
        for j in range(n):
            uij = u[i, j]
            uji = u[j, i]
            ujj = u[j, j]
            ci = wi * (uii - uij)
            cj = w[j] * (uji - ujj)
            chij = (MIN_CLTN + (ci if ci > 0 else 0.0)) + (cj if cj > 0 else 0.0)
            chji = (MIN_CLTN - (ci if ci < 0 else 0.0)) - (cj if cj < 0 else 0.0)
            ab = chij + chji
            for k in range(n):  # challenge._semi_proportional, step by step
                uni = u[k, i]
                unn = u[k, k]
                unj = u[k, j]
                wn = w[k]
                cn = (uni - unj) * wn
                pin = (cn if cn > 0.0 else 0.0) + chij
                pin = pin / (abs(cn) + ab)
                y = unj - unn
                v = (((unn - uni) - y) * pin + y) * wn
                if k == i or k == j:  # noqa: SIM109 - two compares, no tuple, in the hot loop
                    v = 0.0
                pos[k] = v if v > 0.0 else 0.0
                neg[k] = v if v < 0.0 else 0.0
            a = chij + _pairwise_sum(pos, 0, n)
            b = chji - _pairwise_sum(neg, 0, n)
            total = a + b
            phij = a / total
            phji = b / total
            prob[i, j] = phij
            sj = s_tot[j]
            eu_vict = uii + uii
            eu_chlg = (1 - sj) * eu_vict + sj * (phij * eu_vict + phji * (uij + uij))
            edu[i, j] = eu_chlg - (uii + uij)
        edu[i, i] = -np.inf


@_jit
def _coalitions(w: np.ndarray, ut: np.ndarray, out: np.ndarray) -> None:
    n, k = ut.shape
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for v in range(k):  # np.einsum's order: voter by voter from 0, each product rounded, then added
                d = ut[i, v] - ut[j, v]
                if d < 0.0:
                    d = 0.0
                acc += w[v] * d
            out[i, j] = MIN_COALITION + acc
        out[i, i] = MIN_COALITION


def coalitions(w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``victory.coalitions("proportional", w, u)`` for one (voters, options) matrix and w >= 0."""
    n = u.shape[1]
    out = np.empty((n, n))
    _coalitions(np.ascontiguousarray(w, dtype=np.float64), np.ascontiguousarray(u.T, dtype=np.float64), out)
    return out


def own_challenges_all(dist: np.ndarray, perceived: np.ndarray, s_tot: np.ndarray, cap: np.ndarray,
                       bounded: bool) -> tuple[np.ndarray, np.ndarray]:
    """``challenge.own_challenges`` for every initiator at once: (P[i beats j], dEU of i challenging j)."""
    n = dist.shape[0]
    prob = np.empty((n, n))
    edu = np.empty((n, n))
    _challenges(np.ascontiguousarray(dist, dtype=np.float64), np.ascontiguousarray(perceived, dtype=np.float64),
                np.ascontiguousarray(s_tot, dtype=np.float64), np.ascontiguousarray(cap, dtype=np.float64),
                bool(bounded), prob, edu)
    return prob, edu
