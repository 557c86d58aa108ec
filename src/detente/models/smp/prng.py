"""KTAB's pseudo-random generator, bit for bit: ``std::mt19937_64`` followed by ``qTrans``.

Port of ``KBase::PRNG`` from KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT licence,
Copyright (c) 2015 KAPSARC; ``KTAB/kutils/libsrc/prng.cpp``). Only the stochastic state
transition draws from it (one draw per actor per turn), so plain Python integers suffice.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
DEFAULT_SEED = 0xD67CC16FE69C185C  # KBase::dSeed = 15455440707583219804
_Q64C = 0xE08C1D668B756F83


class MT19937_64:
    """The 64-bit Mersenne Twister of C++11 ``std::mt19937_64``."""

    _N, _M = 312, 156
    _UPPER, _LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF
    _A = 0xB5026F5AA96619E9

    def __init__(self, seed: int) -> None:
        mt = [seed & MASK64]
        for i in range(1, self._N):
            prev = mt[-1]
            mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK64)
        self._mt = mt
        self._i = self._N

    def _twist(self) -> None:
        mt, n, m = self._mt, self._N, self._M
        for k in range(n):
            y = (mt[k] & self._UPPER) | (mt[(k + 1) % n] & self._LOWER)
            v = mt[(k + m) % n] ^ (y >> 1)
            mt[k] = v ^ self._A if y & 1 else v
        self._i = 0

    def next(self) -> int:
        if self._i >= self._N:
            self._twist()
        x = self._mt[self._i]
        self._i += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEF000000000
        x ^= x >> 43
        return x & MASK64


def q_trans(i: int) -> int:
    """KTAB's 1-to-1 scrambling of each 64-bit draw."""
    return ((i + _Q64C) * ((2 * i) + 3)) & MASK64


class KtabPrng:
    """``KBase::PRNG``: uniform draws and ``probSel``. Seed 0 is replaced by KTAB's default
    seed (KTAB would draw one from the OS, which is not reproducible)."""

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self._mt = MT19937_64(seed if seed else DEFAULT_SEED)

    def uniform_int(self) -> int:
        return q_trans(self._mt.next())

    def uniform(self, a: float = 0.0, b: float = 1.0) -> float:
        x = float(self.uniform_int()) / float(MASK64)
        return a + ((b - a) * x)

    def prob_sel(self, p: np.ndarray) -> int:
        """Index drawn with probabilities ``p`` (cumulative scan, as KTAB)."""
        u = self.uniform(0.0, 1.0)
        total = 0.0
        for i, pi in enumerate(p):
            total = total + float(pi)
            if u <= total:
                return i
        return len(p) - 1
