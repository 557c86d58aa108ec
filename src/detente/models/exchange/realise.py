"""Realising exchanges: descending gain, ties broken by a seeded RNG, conflicts dropped.

Sequential greedy ("take the best remaining exchange, drop every exchange that uses one of
its slots, repeat") is computed with the equivalent locally-dominant rule: an exchange is
taken when it ranks first among all remaining exchanges on each of its slots. Both give the
same set when ranks are unique, and the vectorised rule needs only a few passes.
"""

from __future__ import annotations

import numpy as np

from detente.models.exchange.exchanges import Candidates


def slots(c: Candidates, m: int, conflict: str) -> np.ndarray:
    """Slot ids each exchange occupies: its two supply positions, or all four actor-issues."""
    cols = [c.j * m + c.p, c.i * m + c.q]
    if conflict == "actor_issue":
        cols += [c.i * m + c.p, c.j * m + c.q]
    elif conflict != "supply":
        raise ValueError(f"unknown conflict rule {conflict!r}")
    return np.stack(cols, axis=1)


def greedy(c: Candidates, n: int, m: int, conflict: str, rng: np.random.Generator) -> np.ndarray:
    """Indices of the realised exchanges, in realisation order (descending gain)."""
    k = c.i.size
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    tie = rng.random(k)
    order = np.lexsort((tie, -c.gain))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    sl = slots(c, m, conflict)
    used = np.zeros(n * m, dtype=bool)
    alive = np.ones(k, dtype=bool)
    taken: list[np.ndarray] = []
    while alive.any():
        idx = np.flatnonzero(alive)
        best = np.full(n * m, k, dtype=np.int64)
        for col in range(sl.shape[1]):
            np.minimum.at(best, sl[idx, col], rank[idx])
        win = idx[np.all(best[sl[idx]] == rank[idx, None], axis=1)]
        taken.append(win)
        used[sl[win].ravel()] = True
        alive[idx] = ~used[sl[idx]].any(axis=1)
    out = np.concatenate(taken)
    return out[np.argsort(rank[out])]
