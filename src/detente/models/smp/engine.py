"""The SMP turn loop on KTAB's internal scale (positions and saliences on 0..1).

Port of ``SMPState::setAllAUtil``, ``SMPState::doBCN``, ``SMPState::pDist``,
``SMPState::newIdeals``, ``smpStopFn`` and ``SMPModel::configExec`` from KTAB (KAPSARC Toolkit
for Behavioral Analysis, MIT licence, Copyright (c) 2015 KAPSARC; ``examples/smp/libsrc/``).
Each turn: infer risk attitudes from a risk-neutral PCE, let every actor pick its most
profitable challenge, interpolate bargains, and let each actor adopt the bargain that a
PCE among all actors favours; stop when the last step moved < 2% of the first.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from detente.models.smp.bargain import options_per_actor, propose
from detente.models.smp.challenge import best_targets, own_challenges, view_prob
from detente.models.smp.pce import prob_ce, scalar_pce
from detente.models.smp.prng import KtabPrng
from detente.models.smp.utility import distance, perceived_risk, point_distance, risk_from_prob, util
from detente.models.smp.victory import coalitions

POS_TOL = 1e-3  # SMPModel::posTol: positions closer than this (0..1 scale) are the same
MIN_SIG_DELTA = 1e-4


@dataclass(frozen=True)
class Params:
    """KTAB's model parameters (defaults as in ``smp.h`` / ``kmodel.h``)."""

    victory_model: str = "linear"
    pce_model: str = "conditional"
    state_transitions: str = "deterministic"
    voting_rule: str = "proportional"
    big_r_adjust: str = "one_third"
    big_r_range: str = "mid"
    third_party_commit: str = "semi_commit"
    inter_vec_bargain: str = "s2p2"
    bargain_model: str = "init_only"
    seed: int = 0
    min_turns: int = 2
    max_turns: int = 100
    stop_ratio: float = 0.02


class Replay(Protocol):
    """Thread order of one KTAB run (read from its log), to replay stochastic runs exactly."""

    def bargains(self, turn: int, actor: int) -> Sequence[tuple[int, int]]: ...  # actor's list

    def drawers(self, turn: int) -> Sequence[int]: ...  # order actors drew their bargain


@dataclass
class Assessment:
    """What a state implies: risk attitudes, each actor's own utilities, win probabilities."""

    dist: np.ndarray  # (n, n) distance from i's ideal to j's position
    risk: np.ndarray  # (n,) inferred risk attitudes R_i
    perceived: np.ndarray  # (n, n) h's estimate of i's R
    own_util: np.ndarray  # (n, n) aUtil[i](i, j)
    win_prob: np.ndarray  # (n,) probability that the position each actor holds wins
    unique: np.ndarray  # indices of the distinct positions (first of each group)
    unique_prob: np.ndarray  # their PCE probabilities
    risk_inert: bool  # risk adjustment changed no utility (KTAB throws here)
    _bounded: bool | None = field(default=None, repr=False, compare=False)  # every dist <= 1

    @property
    def bounded(self) -> bool:
        """Whether every distance is <= 1 (checked once per state, not once per block of initiators)."""
        if self._bounded is None:
            self._bounded = bool(np.all(self.dist <= 1.0))
        return self._bounded

    def views(self, hs: np.ndarray) -> np.ndarray:
        """aUtil[h] for each h in hs: (len(hs), n, n)."""
        return util(self.dist[None, :, :], self.perceived[hs][:, :, None], bounded=self.bounded)


@dataclass
class Turn:
    targets: dict[int, int]  # initiator -> target
    gains: dict[int, float]  # initiator -> expected gain of its challenge
    p_win: dict[int, float]  # initiator -> its estimate that it wins
    bargain_pos: dict[int, list[float]] = field(default_factory=dict)  # actor -> adopted bargain


@dataclass
class Run:
    positions: list[np.ndarray]  # per state (n, m) on 0..1
    assessments: list[Assessment]
    turns: list[Turn]
    stop_reason: str


#: the challenge step's kernel: "auto" (compiled when Numba is installed, from KERNEL_MIN_ACTORS actors,
#: for KTAB's default voting rule and commitment), "numpy" or "numba" (tests); same numbers either way
KERNEL = "auto"
KERNEL_MIN_ACTORS = 40


def _kernel(n: int, p: Params) -> Any:
    """The compiled challenge module when it applies, else None (Numba is imported only then)."""
    if KERNEL == "numpy" or p.voting_rule != "proportional" or p.third_party_commit != "semi_commit":
        return None
    if KERNEL == "auto" and (n < KERNEL_MIN_ACTORS or importlib.util.find_spec("numba") is None):
        return None
    from detente.models.smp import compiled

    return compiled if compiled.AVAILABLE and n <= compiled.MAX_ROW else None


def equivalence(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique indices, group of each actor) under KTAB's ``equivNdx`` (norm < 1e-3):
    first appearance opens a group (``ueIndices``); an actor reports the last group whose
    representative is within tolerance (``State::posProb``)."""
    n = pos.shape[0]
    close = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=-1)) < POS_TOL
    uniq: list[int] = []
    covered = np.zeros(n, dtype=bool)  # within tolerance of a representative so far (close is symmetric)
    for i in range(n):
        if not covered[i]:
            uniq.append(i)
            covered |= close[i]
    u = np.array(uniq, dtype=int)
    member = close[:, u]
    group = np.where(member.any(axis=1), member.shape[1] - 1 - np.argmax(member[:, ::-1], axis=1), 0)
    return u, group


def assess(pos: np.ndarray, ideal: np.ndarray, sal: np.ndarray, cap: np.ndarray, p: Params) -> Assessment:
    """``setAllAUtil`` plus ``pDist(-1)`` for one state."""
    d = distance(ideal, pos, sal)
    rn = util(d, 0.0)
    kernel = _kernel(pos.shape[0], p)
    if kernel is not None and bool((cap >= 0).all()):  # same numbers, compiled (DECISIONS H9)
        c = kernel.coalitions(cap, rn)
    else:
        c = coalitions(p.voting_rule, cap, rn)
    prob, _ = prob_ce(p.pce_model, p.victory_model, c)
    risk = risk_from_prob(prob, p.big_r_range)
    ra = util(d, risk[:, None])
    perceived = perceived_risk(risk[:, None], risk[None, :], p.big_r_adjust)
    own = util(d, np.diag(perceived)[:, None])
    uniq, group = equivalence(pos)
    up = scalar_pce(cap, own[:, uniq], p.voting_rule, p.victory_model, p.pce_model)
    inert = bool(np.sqrt(((rn - ra) ** 2).sum()) <= 1e-6)
    return Assessment(d, risk, perceived, own, up[group], uniq, up, inert)


def step(pos: np.ndarray, ideal: np.ndarray, sal: np.ndarray, cap: np.ndarray, a: Assessment,
         p: Params, rng: KtabPrng | None, replay: Replay | None = None,
         turn_no: int = 0) -> tuple[np.ndarray, Turn]:
    """One ``doBCN``: challenges, bargains, and each actor's choice among its bargains."""
    n = pos.shape[0]
    s_tot = sal.sum(axis=1)
    kernel = _kernel(n, p)
    if kernel is not None:  # the same numbers, bit for bit, compiled (DECISIONS H9)
        prob, edu = kernel.own_challenges_all(a.dist, a.perceived, s_tot, cap, a.bounded)
    else:
        prob = np.zeros((n, n))
        edu = np.full((n, n), -np.inf)
        block = max(1, 100_000 // max(1, n * n))  # ~0.8 MB per (block, n, n) array: stays in cache
        for start in range(0, n, block):
            hs = np.arange(start, min(n, start + block))
            pb, eb = own_challenges(a.views(hs), s_tot, cap, p.voting_rule, p.third_party_commit, rows=hs)
            prob[hs], edu[hs] = pb, eb
    best, ok = best_targets(edu)
    init = np.flatnonzero(ok)
    rcvr = best[init]
    p_init = prob[init, rcvr]
    turn = Turn({int(i): int(j) for i, j in zip(init, rcvr, strict=True)},
                {int(i): float(edu[i, j]) for i, j in zip(init, rcvr, strict=True)},
                {int(i): float(q) for i, q in zip(init, p_init, strict=True)})
    new_pos = pos.copy()
    if len(init) == 0:
        return new_pos, turn
    p_rcvr = None
    if p.bargain_model != "init_only":
        p_rcvr = view_prob(a.views(rcvr), s_tot, cap, p.voting_rule, p.third_party_commit, init, rcvr)
    b = propose(p.bargain_model, p.inter_vec_bargain, pos, sal, cap, init, rcvr, p_init, p_rcvr)

    # utility to every actor of the state after each bargain, averaged over positions
    own = a.own_util
    total = own.sum(axis=1)  # status quo
    r_self = np.diag(a.perceived)
    u_init = util(point_distance(ideal[:, None, :], b.pos_init[None, :, :], sal[:, None, :]), r_self[:, None])
    u_rcvr = util(point_distance(ideal[:, None, :], b.pos_rcvr[None, :, :], sal[:, None, :]), r_self[:, None])
    rest = total[:, None] - own[:, b.init] - own[:, b.rcvr]
    u_brgn = ((u_init + u_rcvr) + rest) / n  # (n, B)
    u_sq = total / n
    u_all = np.concatenate([u_brgn, u_sq[:, None]], axis=1)  # index -1 -> status quo

    lists = options_per_actor(n, b, (lambda k: replay.bargains(turn_no, k)) if replay else None)
    chosen = np.full(n, -1)
    probs: list[np.ndarray | None] = [None] * n
    by_size: dict[int, list[int]] = {}
    for k, opts in enumerate(lists):
        by_size.setdefault(len(opts), []).append(k)
    for size, ks in by_size.items():
        if size == 1:
            for k in ks:
                probs[k] = np.ones(1)
            continue
        opt = np.stack([lists[k] for k in ks])  # (g, size)
        u = u_all[:, opt]  # (n, g, size)
        pk = scalar_pce(cap, np.moveaxis(u, 0, 1), p.voting_rule, p.victory_model, p.pce_model)
        for r, k in enumerate(ks):
            probs[k] = pk[r]
    draw = rng.prob_sel if (p.state_transitions == "stochastic" and rng is not None) else None
    order = replay.drawers(turn_no) if replay else range(n)
    for k in order:  # KTAB draws in thread order; we draw in actor order
        pk = probs[k]
        assert pk is not None
        m = draw(pk) if draw is not None else int(np.argmax(np.abs(pk)))  # first maximum, as ndxMaxAbs
        chosen[k] = lists[k][m]
    for k in range(n):
        bi = chosen[k]
        if bi < 0:
            continue
        new_pos[k] = b.pos_init[bi] if b.init[bi] == k else b.pos_rcvr[bi]
        turn.bargain_pos[k] = [float(x) for x in new_pos[k]]
    return new_pos, turn


def state_dist(x: np.ndarray, y: np.ndarray) -> float:
    """Sum over actors of the Euclidean distance between their positions (``stateDist``)."""
    return float(np.sqrt(((x - y) ** 2).sum(axis=1)).sum())


def run(pos0: np.ndarray, sal: np.ndarray, cap: np.ndarray, p: Params,
        accommodation: np.ndarray | None = None, replay: Replay | None = None) -> Run:
    """Run the SMP from positions ``pos0`` (n, m), saliences ``sal`` (n, m), capabilities
    ``cap`` (n,), all on 0..1 (capabilities on any positive scale)."""
    n = pos0.shape[0]
    acc = np.eye(n) if accommodation is None else accommodation
    identity = accommodation is None or bool(np.allclose(acc, np.eye(n), atol=1e-10, rtol=0))
    rng = KtabPrng(p.seed) if p.state_transitions == "stochastic" else None
    pos, ideal = pos0.astype(float).copy(), pos0.astype(float).copy()
    positions = [pos.copy()]
    assessments = [assess(pos, ideal, sal, cap, p)]
    turns: list[Turn] = []
    reason = "max_turns"
    it = 0
    while True:
        it += 1
        new_pos, turn = step(pos, ideal, sal, cap, assessments[-1], p, rng, replay, it - 1)
        turns.append(turn)
        if identity:
            ideal = new_pos.copy()
        else:
            lag = 1.0 - np.minimum(acc.sum(axis=1), 1.0)
            ideal = acc @ new_pos + lag[:, None] * ideal
        pos = new_pos
        positions.append(pos.copy())
        assessments.append(assess(pos, ideal, sal, cap, p))
        d01 = state_dist(positions[0], positions[1]) + MIN_SIG_DELTA
        dxy = state_dist(positions[it], positions[it - 1])
        if it >= p.max_turns:
            reason = "max_turns"
            break
        if it >= p.min_turns and dxy / d01 < p.stop_ratio:
            reason = "converged"
            break
    return Run(positions, assessments, turns, reason)
