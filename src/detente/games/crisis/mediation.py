"""A mediator who proposes a split (decisions C19, C20; Kydd 2003, 2006; Fey & Ramsay 2010; Powell 2006).

A node before the principals' first round: each mediating third party in turn (largest capability x
salience first) proposes a division s_m; the principals answer at once, each by its type, accept or
reject. What acceptance does is a named reading (``SPLITS``, tag ``mediated_split``, C20):

- ``renegotiable`` (default): s_m is round 0's accepted division, as any accepted offer under C3: its flow
  is round 0's and the game goes on from round 1 at status quo s_m (rung 0, agreed), where the principals
  may reopen it as they may reopen any agreement (Powell 2006: a split does not remove a commitment problem);
- ``binding``: C19's reading, the crisis is settled at s_m for good and the final state is that division (C5).

Either rejects: the next mediator proposes, and after the last the principals' game is played as solved.
Neither an acceptance nor a rejection reveals anything (beliefs stay at the prior, as C4 treats moves off
the path): a stated simplification.

A principal of type theta accepts when its value of s_m beats what it expects if the proposal fails,
counted only where it is pivotal (the other accepts): gain = sum over the other's types of
P(type) x P(the other accepts | type) x (u(s_m) - V(theta, type)). Best responses (``lam=None``: accept
on a tie, as the solver's first action) or logit at the run's precision; a damped fixed point of the
four acceptance probabilities.

Where the proposal comes from is a named reading (``PROPOSALS``):

- ``preferred`` (default): the division the mediator prefers given who would accept: it maximises its
  own expected value, P(settled | s) u_k(s) + P(fails | s) x its value of the game (Kydd 2003: a biased
  mediator's proposal leans its way as far as acceptance allows; among equal values, the likelier
  settlement, then the division nearer its ideal);
- ``nash``: the Nash bargaining point with the war lottery at round 0 as disagreement (the principals'
  expected war values at the mean war cost); the mediator's position plays no part;
- ``ideal``: the mediator's own most preferred division (its bias, unconstrained): the more it leans to
  one side, the likelier the other rejects.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.games.crisis.model import (
    BELIEF_STEP,
    CLASSES,
    NONE,
    SQ_STEP,
    VLEN,
    CrisisModel,
    CrisisSolution,
    Observer,
    _round,
    _Solver,
    classify,
    prior_expected,
)

PROPOSALS = ("preferred", "nash", "ideal")
PROPOSAL = "preferred"
SPLITS = ("renegotiable", "binding")  # what an accepted mediated split does (C20)
SPLIT = "renegotiable"
SPLIT_GRID = tuple(i / 100 for i in range(101))  # candidate divisions (the status-quo grid, C3)
ITERS = 60
TIE_TOL = 1e-9

Vectors = list[list[list[float]]]  # [θC][θD] -> the solver's value vector


@dataclass(frozen=True)
class Proposal:
    """One mediator's proposal and how it was received."""

    mediator: str
    s: float  # proposed division (0 = D's positions, 1 = C's)
    ideal: float  # the mediator's most preferred division: its bias on the axis
    accept: tuple[tuple[float, float], tuple[float, float]]  # [C, D][resolved, irresolute] P(accept)
    settled: float  # P(both accept), over the prior on types
    reading: str
    split: str = "binding"  # what acceptance does (SPLITS, C20)
    after: dict[str, float] | None = None  # renegotiable: outcome classes once the split is accepted

    def to_dict(self, players: Sequence[str]) -> dict[str, Any]:
        return {"mediator": self.mediator, "division": self.s, "mediator_ideal": self.ideal,
                "reading": self.reading, "split": self.split, "settled": self.settled,
                "outcome_after_acceptance": self.after,
                "accept": {players[i]: {"resolved": self.accept[i][0], "irresolute": self.accept[i][1]}
                           for i in (0, 1)}}

    def text(self, players: Sequence[str]) -> str:
        c, d = players
        acc = "; ".join(f"{players[i]} accepts {self.accept[i][0]:.2f} (resolved) / {self.accept[i][1]:.2f} "
                        f"(irresolute)" for i in (0, 1))
        out = (f"{self.mediator} proposes a division {self.s:.2f} of the way from {d}'s positions to {c}'s "
               f"(its own ideal: {self.ideal:.2f}; reading '{self.reading}'): {acc}; settled with probability "
               f"{self.settled:.2f}")
        if self.split == "binding":
            return out + " (binding: settled for good)."
        out += "; renegotiable: once accepted it is round 0's agreement and may be reopened"
        if self.after is not None and self.settled > 0:
            out += " (after it: " + ", ".join(f"{k} {v:.2f}" for k, v in self.after.items() if v >= 0.005) + ")"
        return out + "."


def ideal_point(ob: Observer) -> float:
    """The division a third party values most (the midpoint of the best ones on the grid)."""
    vals = [ob.u(s) for s in SPLIT_GRID]
    top = max(vals)
    best = [s for s, v in zip(SPLIT_GRID, vals, strict=True) if v >= top - TIE_TOL * max(1.0, abs(top))]
    return best[len(best) // 2]


def _resp(gain: float, lam: float | None) -> float:
    if lam is None:
        return 1.0 if gain >= -TIE_TOL else 0.0
    z = lam * gain
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def acceptance(m: CrisisModel, s: float, cont: Vectors, lam: float | None, split: Vectors | None = None
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """P(accept) per principal and type for a proposal ``s`` against the continuation ``cont``. ``split``: each
    type pair's value vector once both accept (None: settled at ``s`` for good, reading ``binding``)."""
    pc, pd = m.prior
    if split is None:
        sv = settle_vector(m, s, len(cont[0][0]))
        split = [[sv, sv], [sv, sv]]
    # what accepting gains each type against each of the other's types: C's [θC][θD], D's [θD][θC]
    dc = ((split[0][0][0] - cont[0][0][0], split[0][1][0] - cont[0][1][0]),
          (split[1][0][0] - cont[1][0][0], split[1][1][0] - cont[1][1][0]))
    dd = ((split[0][0][1] - cont[0][0][1], split[1][0][1] - cont[1][0][1]),
          (split[0][1][1] - cont[0][1][1], split[1][1][1] - cont[1][1][1]))
    wc, wd = (pc, 1 - pc), (pd, 1 - pd)

    def gains(d: Any, w: tuple[float, float], other: tuple[float, float]) -> tuple[float, float]:
        a0, a1 = w[0] * other[0], w[1] * other[1]
        return a0 * d[0][0] + a1 * d[0][1], a0 * d[1][0] + a1 * d[1][1]

    one = (1.0, 1.0)
    g = gains(dc, wd, one), gains(dd, wc, one)
    # start: each type answers as if its answer decided alone; then pivotal answers (logit: damped once the
    # plain iteration stops contracting)
    ac = (_resp(g[0][0], lam), _resp(g[0][1], lam))
    ad = (_resp(g[1][0], lam), _resp(g[1][1], lam))
    damp, last = False, math.inf
    for _it in range(ITERS):
        gc, gd = gains(dc, wd, ad), gains(dd, wc, ac)
        nc = (_resp(gc[0], lam), _resp(gc[1], lam))
        nd = (_resp(gd[0], lam), _resp(gd[1], lam))
        if lam is None:  # best responses: a side nobody is pivotal for keeps its stand-alone answer
            if wd[0] * ad[0] + wd[1] * ad[1] <= TIE_TOL:
                nc = ac
            if wc[0] * ac[0] + wc[1] * ac[1] <= TIE_TOL:
                nd = ad
        diff = max(abs(nc[0] - ac[0]), abs(nc[1] - ac[1]), abs(nd[0] - ad[0]), abs(nd[1] - ad[1]))
        damp = damp or (lam is not None and diff >= last)  # undamped while it contracts, then halfway steps
        last = diff
        if not damp:
            ac, ad = nc, nd
        else:
            ac = (0.5 * (ac[0] + nc[0]), 0.5 * (ac[1] + nc[1]))
            ad = (0.5 * (ad[0] + nd[0]), 0.5 * (ad[1] + nd[1]))
        if diff < 1e-10:
            break
    return ac, ad


def settle_vector(m: CrisisModel, s: float, n: int) -> list[float]:
    """The solver's value vector of a settlement at ``s`` for good (flows sum to 1 over all rounds)."""
    v = [m.u(0, s), m.u(1, s), 0.0, 0.0, 0.0, 0.0, 0.0]
    v[2 + CLASSES.index(classify(round(s / SQ_STEP) * SQ_STEP, m.sq_pre, m.forced_at_start, True, m.sq))] = 1.0
    if m.observers:
        v += [0.0] + [o.u(s) for o in m.observers]
    return v[:n]


def split_key(m: CrisisModel, s: float, beliefs: Sequence[float]) -> tuple:
    """The state a split accepted before round 0 leads to (C20, ``renegotiable``): round 1, rung 0, nobody
    escalated, status quo s on the grid, force as at the start, agreed, the beliefs unchanged."""
    return (1, 0, NONE, _round(s, SQ_STEP), m.forced_at_start, True, *beliefs)


class Continuation:
    """The principals' game after a split accepted before round 0, read as round 0's agreement (C20,
    ``renegotiable``): a solver of the same model carrying on from round 1 at status quo s, sharing the states
    ``sol`` already solved. ``split_vectors(s)`` gives each type pair's value vector, as the solver counts an
    accepted offer in round 0 (its flow now, the state it leads to after)."""

    def __init__(self, sol: CrisisSolution, belief_step: float = BELIEF_STEP) -> None:
        m = sol.model
        self.m, self.sol = m, sol
        self.solver = _Solver(m, sol.lam, belief_step)
        self.solver.nodes.update(sol.nodes)  # the same numbers the solver would compute again
        vlen = m.vlen
        self.solver._varr.update({k: np.array(r.values, dtype=float).reshape(4, vlen) for k, r in sol.nodes.items()})
        self.beliefs = sol.root[6:8]  # the prior on the grid: accepting reveals nothing (C20)
        self._got: dict[float, Vectors] = {}


    def split_vectors(self, s: float) -> Vectors:
        got = self._got.get(s)
        if got is not None:
            return got
        m, sv = self.m, self.solver
        fw = 1.0 - m.discount
        x = [0.0] * m.vlen
        x[0], x[1] = fw * m.u(0, s), fw * m.u(1, s)
        for j, o in enumerate(m.observers):
            x[VLEN + 1 + j] = fw * o.u(s)
        if m.horizon <= 1:  # the deadline: the split persists as the last status quo
            tv = sv.terminal(_round(s, SQ_STEP), m.forced_at_start, True)
            cont = [[tv, tv], [tv, tv]]
        else:
            cont = sv.value(split_key(m, s, self.beliefs))
        out: Vectors = [[[], []], [[], []]]
        for tc in (0, 1):
            for td in (0, 1):
                v = [a + b for a, b in zip(x, cont[tc][td], strict=True)]
                v[6] = 0.0  # first acceptance in round 0
                out[tc][td] = v
        self._got[s] = out
        return out

    @property
    def converged(self) -> bool:
        return self.solver.converged


def _after(m: CrisisModel, acc: Any, cont: Vectors, split: Vectors) -> Vectors:
    out: Vectors = [[[], []], [[], []]]
    for tc in (0, 1):
        for td in (0, 1):
            p = acc[0][tc] * acc[1][td]
            out[tc][td] = [p * a + (1 - p) * b for a, b in zip(split[tc][td], cont[tc][td], strict=True)]
    return out


def _settled(m: CrisisModel, acc: Any) -> float:
    pc, pd = m.prior
    return sum(wc * wd * acc[0][tc] * acc[1][td] for tc, wc in ((0, pc), (1, 1 - pc))
               for td, wd in ((0, pd), (1, 1 - pd)))


def _after_acceptance(m: CrisisModel, acc: Any, split: Vectors) -> dict[str, float] | None:
    """Outcome classes once the split is accepted (weighted by who accepts), or None if nobody would."""
    pc, pd = m.prior
    v = [0.0] * 4
    tot = 0.0
    for tc, wc in ((0, pc), (1, 1 - pc)):
        for td, wd in ((0, pd), (1, 1 - pd)):
            w = wc * wd * acc[0][tc] * acc[1][td]
            tot += w
            v = [a + w * b for a, b in zip(v, split[tc][td][2:6], strict=True)]
    if tot <= 1e-12:
        return None
    return {c: max(0.0, v[i]) / tot for i, c in enumerate(CLASSES)}


def nash_point(m: CrisisModel, mean_cost: tuple[float, float]) -> float:
    """The Nash bargaining division with the round-0 war lottery (at the mean war costs) as disagreement."""
    p = m.p[0]
    d = (p * m.u(0, 1.0) + (1 - p) * m.u(0, 0.0) - mean_cost[0],
         (1 - p) * m.u(1, 0.0) + p * m.u(1, 1.0) - mean_cost[1])
    best, arg = -math.inf, 0.5
    for s in SPLIT_GRID:
        gc, gd = m.u(0, s) - d[0], m.u(1, s) - d[1]
        score = gc * gd if gc >= 0 and gd >= 0 else -math.inf
        if score > best + TIE_TOL:
            best, arg = score, s
    if best == -math.inf:  # no division beats war for both: the one that comes closest for the worse-off side
        arg = max(SPLIT_GRID, key=lambda s: min(m.u(0, s) - d[0], m.u(1, s) - d[1]))
    return arg


Splitter = Any  # callable s -> Vectors: each type pair's value once a split at s is accepted


def _preferred(m: CrisisModel, j: int, ob: Observer, cont: Vectors, lam: float | None, split: Splitter) -> float:
    """The mediator's best proposal; ties: the likelier settlement, then the division nearer its ideal. Best
    responses: every point of the 0.01 grid; logit (smooth in s): the 0.05 grid, then the 0.01 points
    within 0.04 of its best."""
    top = ideal_point(ob)
    best, arg, best_key = -math.inf, 0.5, (-1.0, -math.inf)

    def consider(x: float) -> None:
        nonlocal best, arg, best_key
        sv = split(x)
        acc = acceptance(m, x, cont, lam, sv)
        v = prior_expected(m, _after(m, acc, cont, sv))[VLEN + 1 + j]
        key = _settled(m, acc), -abs(x - top)
        tol = TIE_TOL * max(1.0, abs(best)) if best > -math.inf else 0.0
        if v > best + tol or (v >= best - tol and key > best_key):
            best, arg, best_key = max(v, best), x, key

    if lam is None:
        for x in SPLIT_GRID:
            consider(x)
        return arg
    for x in SPLIT_GRID[::5]:
        consider(x)
    centre = round(arg * 100)
    for i in range(max(0, centre - 4), min(100, centre + 4) + 1):
        if i % 5:
            consider(SPLIT_GRID[i])
    return arg


def mediate(sol: CrisisSolution, mediators: Sequence[int], lam: float | None, reading: str = PROPOSAL,
            split: str = SPLIT, belief_step: float = BELIEF_STEP) -> tuple[Vectors, list[Proposal]]:
    """The value vectors per type pair after the mediation node, and each proposal. ``mediators``: indices
    of the model's observers who mediate, in the order they propose; ``split``: what acceptance does (C20);
    ``belief_step``: the grid ``sol`` was solved on (the renegotiation is solved on the same)."""
    if reading not in PROPOSALS:
        raise ValueError(f"mediator proposal must be one of {', '.join(PROPOSALS)}, got '{reading}'")
    if split not in SPLITS:
        raise ValueError(f"mediated split must be one of {', '.join(SPLITS)}, got '{split}'")
    m = sol.model
    cont = sol.type_values()
    n = len(cont[0][0])
    if split == "renegotiable":
        splitter: Splitter = Continuation(sol, belief_step).split_vectors
    else:
        def splitter(s: float) -> Vectors:
            sv = settle_vector(m, s, n)
            return [[sv, sv], [sv, sv]]
    mean = (m.prior[0] * m.war_cost[0][0] + (1 - m.prior[0]) * m.war_cost[0][1],
            m.prior[1] * m.war_cost[1][0] + (1 - m.prior[1]) * m.war_cost[1][1])
    found: list[tuple[int, float, Any, Vectors]] = []
    for j in reversed(list(mediators)):  # the last proposer's fallback is the game; earlier ones fall back on later
        ob = m.observers[j]
        if reading == "ideal":
            s = ideal_point(ob)
        elif reading == "nash":
            s = nash_point(m, mean)
        else:
            s = _preferred(m, j, ob, cont, lam, splitter)
        sv = splitter(s)
        acc = acceptance(m, s, cont, lam, sv)
        cont = _after(m, acc, cont, sv)
        found.append((j, s, acc, sv))
    props = [Proposal(m.observers[j].name, s, ideal_point(m.observers[j]), acc, _settled(m, acc), reading, split,
                      _after_acceptance(m, acc, sv) if split == "renegotiable" else None)
             for j, s, acc, sv in reversed(found)]
    return cont, props
