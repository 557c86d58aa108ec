"""Bargains: interpolated positions for a challenger and its target, and each actor's choice.

Port of ``SMPActor::interpolateBrgn`` (with ``interpBrgnSnPm`` and ``interpBrgnS2PMax``),
the bargain construction in ``SMPState::doBCN`` and ``SMPState::updateBestBrgnPositions``
from KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT licence, Copyright (c) 2015 KAPSARC;
``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

InterVecBargain = Literal["s1p1", "s2p2", "s2pmax"]
INTER_VEC_BARGAINS: tuple[str, ...] = ("s1p1", "s2p2", "s2pmax")
BargainModel = Literal["init_only", "init_rcvr", "pw_comp"]
BARGAIN_MODELS: tuple[str, ...] = ("init_only", "init_rcvr", "pw_comp")

_MIN_W = 1e-6


def round4(x: np.ndarray) -> np.ndarray:
    """KTAB's ``(int)(0.5 + x * 10000) / 10000``: 4 decimals on the 0..1 scale."""
    return np.trunc(0.5 + (x * 10000.0)) / 10000.0


def interpolate(kind: str, ti: np.ndarray, si: np.ndarray, pi: np.ndarray, tj: np.ndarray,
                sj: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bargain positions (for i, for j) per dimension: each side's weight is salience^a times
    win probability^b (S2P2: squares), so the likelier and keener side moves less."""
    pi = pi[..., None]
    pj = pj[..., None]
    if kind in ("s1p1", "s2p2"):
        if kind == "s2p2":
            wi = (si * si) * (pi * pi)
            wj = (sj * sj) * (pj * pj)
        else:
            wi = si * pi
            wj = sj * pj
        den = wi + _MIN_W + wj
        bi = round4(((wi + _MIN_W) * ti + wj * tj) / den)
        bj = round4((wi * ti + (_MIN_W + wj) * tj) / den)
        return bi, bj
    if kind == "s2pmax":
        di = np.where(pj > pi, pj - pi, 0.0)
        dj = np.where(pi > pj, pi - pj, 0.0)
        si2, sj2 = si * si, sj * sj
        dik = (di * sj2) / ((di * sj2) + _MIN_W + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + _MIN_W + ((1 - dj) * sj2))
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    raise ValueError(f"unknown bargain interpolation {kind!r}")


@dataclass
class Bargains:
    """All bargains proposed in a turn (status-quo bargains are implicit)."""

    init: np.ndarray  # (B,) initiator
    rcvr: np.ndarray  # (B,) receiver
    pos_init: np.ndarray  # (B, m) position offered to the initiator
    pos_rcvr: np.ndarray  # (B, m) position offered to the receiver


def propose(model: str, kind: str, pos: np.ndarray, sal: np.ndarray, cap: np.ndarray,
            init: np.ndarray, rcvr: np.ndarray, p_init_view: np.ndarray,
            p_rcvr_view: np.ndarray | None) -> Bargains:
    """Bargains of each challenger ``init`` with its target ``rcvr``.

    ``p_init_view``: the initiator's estimate that it wins; ``p_rcvr_view``: the target's
    estimate that the initiator wins (needed by init_rcvr and pw_comp)."""
    ti, tj, si, sj = pos[init], pos[rcvr], sal[init], sal[rcvr]
    bi, bj = interpolate(kind, ti, si, p_init_view, tj, sj, 1 - p_init_view)
    if model == "init_only":
        return Bargains(init, rcvr, bi, bj)
    assert p_rcvr_view is not None
    ci, cj = interpolate(kind, ti, si, p_rcvr_view, tj, sj, 1 - p_rcvr_view)
    if model == "init_rcvr":  # both views, initiator's first, in both actors' lists
        order = np.stack([np.arange(len(init))] * 2, axis=1).ravel()
        first = np.tile([True, False], len(init))
        return Bargains(init[order], rcvr[order], np.where(first[:, None], bi[order], ci[order]),
                        np.where(first[:, None], bj[order], cj[order]))
    if model == "pw_comp":
        # KTAB weighs i's view by c_i * sum(s_i) and j's view by c_i * sum(s_j): the second
        # capability is read from the initiator of the j-view bargain, i.e. i again.
        wi = (cap[init] * sal[init].sum(axis=1))[:, None]
        wj = (cap[init] * sal[rcvr].sum(axis=1))[:, None]
        return Bargains(init, rcvr, (wi * bi + wj * ci) / (wi + wj), (wi * bj + wj * cj) / (wi + wj))
    raise ValueError(f"unknown bargain model {model!r}")


def options_per_actor(n: int, b: Bargains,
                      order: Callable[[int], Sequence[tuple[int, int]]] | None = None) -> list[np.ndarray]:
    """For each actor, the indices of the bargains it is party to, status quo (-1) first.

    KTAB fills these lists from threads in the order the initiators finish, so their order
    is not fixed there; by default we use the initiators' index order. The order matters
    only for exact ties (deterministic) and for which bargain a stochastic draw lands on.
    ``order(k)`` may give actor k's list as (initiator, receiver) pairs, (k, k) for the
    status quo, to replay a logged KTAB run."""
    lists: list[list[int]] = [[-1] for _ in range(n)]
    for idx in range(len(b.init)):
        lists[int(b.init[idx])].append(idx)
        if b.rcvr[idx] != b.init[idx]:
            lists[int(b.rcvr[idx])].append(idx)
    if order is not None:
        for k in range(n):
            rank = {pair: r for r, pair in enumerate(order(k))}
            key = {x: ((k, k) if x < 0 else (int(b.init[x]), int(b.rcvr[x]))) for x in lists[k]}
            lists[k].sort(key=lambda x: (rank.get(key[x], len(rank)), x))
    return [np.array(x, dtype=int) for x in lists]
