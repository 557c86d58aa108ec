"""The general crisis model: finite-horizon crisis bargaining with a ladder, shifting power and types.

Two principals, C (challenger) and D (defender), bargain over a division s of the disputed
goods (0 = D's position on every contested issue, 1 = C's; the frontier between them is the
linkage frontier built in ``spec.py``). Each round t < T:

1. the proposer (a schedule: alternating from C, or always one side) offers a division s_k;
2. the responder accepts, holds, climbs one rung (mobilise/threaten, then fait accompli or
   limited force) or goes to full war.

Agreements are renegotiated every round (Powell 2006): an accepted division is that round's
flow and the next round's status quo. Holding gives the status-quo flow minus a per-round
standoff cost that grows with the rung. Limited force costs both sides a one-time cost and moves
the status quo toward the escalator with its chance of prevailing. War ends the game: C gets
p_t·u_C(1) + (1-p_t)·u_C(0) minus its war cost, forever (p_t shifts by round). After round T-1
(the deadline) the last status quo persists. Flows in round t weigh (1-δ)δ^t; what persists
after the deadline weighs δ^T; one-time costs in round t weigh δ^t.

Private information (Fearon 1995): each principal has two resolve types, resolved (low war
cost) and irresolute (high), with a common prior. Beliefs are updated by Bayes' rule from offers
and responses. Public escalation by a side commits it: accepting a division it values below the
status quo after its own escalation costs it its audience cost (Fearon 1994, Schultz 1999).
With channels (decision C18, ``channels.py``) each offer is made in public or in private: a public
demand commits its proposer, and a closed move's face and audience costs are scaled down.

Solving: backward induction over rounds with the belief pair in the state. At each state the
movers' type-contingent strategies are a damped fixed point: logit responses at precision λ
(agent QRE; Signorino 1999, McKelvey & Palfrey 1998) or, with ``lam=None``, best responses (the
pure equilibrium when the iteration settles; complete information: the subgame-perfect
equilibrium by backward induction). Beliefs are rounded to a grid in the state key, so results
with private information are approximate (said in the output).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from detente.games.crisis.channels import ChannelTerms, accept_cost, offer_terms
from detente.gcpause import paused_gc

CLASSES = ("agreement", "stalemate", "capitulation", "escalation")
RESPONSES = ("accept", "hold", "escalate", "war")
RUNG_NAMES = ("talks/hold", "mobilise/threaten", "fait accompli/limited force", "general war")
BELIEF_STEP = 0.25  # default grid for beliefs in the state key (solver option ``belief_step``, C8, C15)
SQ_STEP = 0.01
FIXED_POINT_ITERS = 5
TIE_TOL = 1e-9
NONE, CH, DF = 0, 1, 2  # who escalated last (for audience costs)
# value vector: [vC, vD, P(agreement), P(stalemate), P(capitulation), P(escalation), E(first accept round)],
# and with observers (third parties, C13): [..., E(discount^t of the war round; 0 without war), value to each observer]
VLEN = 7
WAR_WEIGHT = 7  # index of E(delta^t 1{war in round t}) when the model has observers
_U_CACHE: dict[tuple, dict[tuple[int, float], float]] = {}


@dataclass(frozen=True)
class Observer:
    """A third party that watches the principals' game (decision C13): its value of a division s,
    piecewise linear through ``points`` (s, value) from s = 0 to 1. It makes no move inside the
    game; the solver carries its expected value of the outcome (flows, war lottery, final status quo)
    so that its choice before the game can be compared across configurations."""

    name: str
    points: tuple[tuple[float, float], ...]

    def u(self, s: float) -> float:
        pts = self.points
        s = min(max(s, 0.0), 1.0)
        for (s0, v0), (s1, v1) in itertools.pairwise(pts):
            if s <= s1 + 1e-12:
                return v0 if s1 <= s0 else v0 + (s - s0) / (s1 - s0) * (v1 - v0)
        return pts[-1][1]


@dataclass(frozen=True)
class CrisisModel:
    """Every number the solver reads. Index 0 is the challenger, 1 the defender."""

    players: tuple[str, str]
    frontier: tuple[tuple[float, float, float], ...]  # (s, u_C, u_D) breakpoints, s from 0 to 1
    offers: tuple[float, ...]  # offer grid on s
    sq: float  # status quo division at the start (after the history)
    sq_pre: float  # status quo before the crisis (for the outcome class)
    p: tuple[float, ...]  # C's chance of prevailing in war, by round (length T)
    war_cost: tuple[tuple[float, float], tuple[float, float]]  # [player][type]: type 0 resolved, 1 irresolute
    prior: tuple[float, float]  # P(resolved) for C, D
    standoff: tuple[float, float]  # per-round cost of an unresolved standoff at rung 0
    limited_cost: tuple[float, float]  # one-time cost of limited force, to each side
    mobilise_cost: tuple[float, float]  # one-time cost of mobilising/threatening, to the one who does it
    audience: tuple[float, float]  # cost of backing down after one's own public escalation
    discount: float
    fait_accompli: float = 0.5  # share of the remaining distance a successful limited operation takes
    proposer: str = "alternate"  # alternate (C first) | challenger | defender
    responses: tuple[str, ...] = RESPONSES
    start_rung: int = 0
    start_escalator: int = NONE
    forced_at_start: bool = False
    observers: tuple[Observer, ...] = ()  # third parties whose value of the outcome is carried along (C13)
    channel: ChannelTerms | None = None  # public and closed channels (C18); None: every move public, no terms
    channel_of: tuple[int, ...] = ()  # with ``channel``: each offer's channel (0 public, 1 closed)
    # C21 readings of the standoff cost (both False: C3 as first written)
    standoff_flow: bool = False  # True: a round's standoff cost is a flow, weighted (1 - δ)δ^t as the status quo's
    settled_free: bool = False  # True: after an accepted division, holding keeps it at no standoff cost
    # C24 ``holding:coercive``: per side, what one rung of standoff costs it per round against an opponent sure to
    # prevail ((1 - δ)·stake); times the rung and the opponent's chance of prevailing that round. (0, 0): C3.
    coercion: tuple[float, float] = (0.0, 0.0)

    @property
    def vlen(self) -> int:
        return VLEN + (1 + len(self.observers) if self.observers else 0)

    @property
    def horizon(self) -> int:
        return len(self.p)

    def u(self, who: int, s: float) -> float:
        """Value of division s to player ``who`` (piecewise linear along the frontier)."""
        key = (who, s)
        got = _U_CACHE.get(self.frontier, {}).get(key)
        if got is not None:
            return got
        v = self._u(who, s)
        if len(_U_CACHE) > 256:  # draws over ranges make new frontiers: keep the cache small
            _U_CACHE.clear()
        _U_CACHE.setdefault(self.frontier, {})[key] = v
        return v

    def _u(self, who: int, s: float) -> float:
        f = self.frontier
        s = min(max(s, 0.0), 1.0)
        for (s0, c0, d0), (s1, c1, d1) in itertools.pairwise(f):
            if s <= s1 + 1e-12:
                w = 0.0 if s1 <= s0 else (s - s0) / (s1 - s0)
                return (c0 + w * (c1 - c0)) if who == 0 else (d0 + w * (d1 - d0))
        last = f[-1]
        return last[1] if who == 0 else last[2]

    def hold_cost(self, i: int, t: int, r2: int, one: tuple[float, float], kept: bool) -> float:
        """What a round of standoff at rung ``r2`` (after a hold or an escalation in round ``t``) costs
        player ``i``, with the escalator's one-time cost ``one`` (C3; C21's readings: a kept settlement
        costs nothing, a flow cost weighs as the round's status-quo flow)."""
        ow = self.discount ** t
        if not (self.standoff_flow or self.settled_free):  # C3 as written, the same float operations
            cost = ow * (self.standoff[i] * (1 + r2) + one[i])
        else:
            run = 0.0 if kept else self.standoff[i] * (1 + r2) * ((1 - self.discount) * ow if self.standoff_flow
                                                                 else ow)
            cost = run + ow * one[i]
        if self.coercion[i] and r2 and not kept:  # C24: the other side's pressure at this rung
            cost += ow * self.coercion[i] * r2 * (1.0 - self.p[t] if i == 0 else self.p[t])
        return cost

    def keeps(self, agreed: bool, response: str) -> bool:
        """Whether a hold keeps the agreement in force (C21 ``settlement: kept``): no standoff, still agreed."""
        return self.settled_free and agreed and response == "hold"

    def proposer_at(self, t: int) -> int:
        if self.proposer == "challenger":
            return 0
        if self.proposer == "defender":
            return 1
        return t % 2

    def offer_terms(self, t: int, k: int, sq: float) -> tuple[float, float]:
        """One-time (C, D) payoffs of proposing offer ``k`` in round ``t`` at status quo ``sq``, whatever the
        response (C18: a public demand's information benefit, a concession's face cost); (0, 0) without
        channels."""
        ct = self.channel
        if ct is None:
            return 0.0, 0.0
        P = self.proposer_at(t)
        own, other = (1.0, 0.0) if P == 0 else (0.0, 1.0)
        cost, info = offer_terms(ct, self.channel_of[k], P, self._u(P, sq), self._u(P, self.offers[k]),
                                 self._u(P, own), self._u(P, other))
        w = self.discount ** t
        out = [0.0, 0.0]
        out[P] = w * (info - cost)
        out[1 - P] = -w * info
        return out[0], out[1]

    def commits(self, t: int, k: int, sq: float, esc: int) -> int:
        """Who stands publicly committed after offer ``k`` is held against (C18): a public demand (a division
        the proposer values above the status quo) commits the proposer as C4's public demand does, when no
        side is committed yet; a closed offer commits no one. Without channels: ``esc`` unchanged."""
        if self.channel is None or esc != NONE or self.channel_of[k] != 0:
            return esc
        P = self.proposer_at(t)
        if self._u(P, self.offers[k]) > self._u(P, sq) + 1e-12:
            return CH if P == 0 else DF
        return esc

    def accept_back(self, t: int, k: int, sq: float, esc: int) -> tuple[float, float]:
        """What accepting offer ``k`` in round ``t`` costs the responder (C4's audience cost after its own
        public escalation; with channels, C18's face cost of a concession, both weighted by the channel)."""
        R = 1 - self.proposer_at(t)
        s = self.offers[k]
        back = [0.0, 0.0]
        ct = self.channel
        if ct is None:
            if esc == (CH if R == 0 else DF) and self._u(R, s) < self._u(R, sq) - 1e-12:
                back[R] = self.discount ** t * self.audience[R]
        else:
            below = self._u(R, s) < self._u(R, sq) - 1e-12
            back[R] = self.discount ** t * accept_cost(ct, self.channel_of[k], R, below, esc == (CH if R == 0 else DF),
                                                       self.audience[R])
        return back[0], back[1]

    def war_value(self, who: int, t: int, typ: int) -> float:
        p = self.p[t]
        win = p if who == 0 else 1.0 - p
        return win * self.u(who, 1.0 if who == 0 else 0.0) + (1 - win) * self.u(who, 0.0 if who == 0 else 1.0) \
            - self.war_cost[who][typ]


@dataclass
class NodeRecord:
    sigma_p: list[list[float]]  # [proposer type][offer]
    sigma_r: list[list[list[float]]]  # [responder type][offer][response]
    children: list[list[tuple | None]]  # [offer][response] -> child key (None: terminal)
    values: list[list[list[float]]]  # [θC][θD] -> value vector
    ties: int = 0


@dataclass
class CrisisSolution:
    model: CrisisModel
    lam: float | None
    root: tuple
    nodes: dict[tuple, NodeRecord]
    converged: bool
    ties_on_path: int = 0
    notes: list[str] = field(default_factory=list)

    def type_values(self) -> list[list[list[float]]]:
        return self.nodes[self.root].values

    def outcome_probs(self) -> dict[str, float]:
        v = self.expected()
        tot = sum(v[2:6]) or 1.0
        return {c: max(0.0, v[2 + i]) / tot for i, c in enumerate(CLASSES)}

    def expected(self) -> list[float]:
        return prior_expected(self.model, self.type_values())

    def observer_value(self, j: int) -> float:
        """Observer j's expected value of the outcome (C13)."""
        return self.expected()[VLEN + 1 + j]

    @property
    def war_weight(self) -> float:
        """E(delta^t) over the round t in which war comes (0 without war): a joiner's war cost is paid with it."""
        return self.expected()[WAR_WEIGHT] if self.model.observers else 0.0

    def outcome_class(self) -> str:
        pr = self.outcome_probs()
        return max(CLASSES, key=lambda c: (pr[c], c == "escalation"))

    @property
    def war_probability(self) -> float:
        return self.outcome_probs()["escalation"]


class _Solver:
    """Backward induction with a damped fixed point at each state. Decision C17: the work that does not
    depend on the beliefs in a state (immediate payoffs, the states an offer and a response lead to,
    the totals of terminal moves) is built once per (round, rung, escalator, status quo, force used)
    and shared by every belief pair; the fixed point then does the same float operations, in the same
    order, as the reference (tests/crisis_reference.py), so the numbers are identical to the last bit."""

    def __init__(self, m: CrisisModel, lam: float | None, belief_step: float = BELIEF_STEP) -> None:
        self.m, self.lam, self.belief_step = m, lam, belief_step
        self.nodes: dict[tuple, NodeRecord] = {}
        self._term: dict[tuple, list[float]] = {}
        self.converged = True
        T = m.horizon
        d = m.discount
        self.flow_w = [(1 - d) * d ** t for t in range(T)]
        self.once_w = [d ** t for t in range(T + 1)]
        self.wv = [[[m.war_value(w, t, th) for th in (0, 1)] for t in range(T)] for w in (0, 1)]
        self._uc: dict[tuple[int, float], float] = {}
        self.uC = [m.u(0, s) for s in m.offers]
        self.uD = [m.u(1, s) for s in m.offers]
        self.vlen = m.vlen
        self.obs = m.observers
        self.uO = [[o.u(s) for s in m.offers] for o in self.obs]
        # observers' war lottery by round (C wins with p_t), without any joiner's cost (carried apart)
        self.wO = [[m.p[t] * o.u(1.0) + (1 - m.p[t]) * o.u(0.0) for t in range(T)] for o in self.obs]
        # beliefs about a player with one type (or a degenerate prior) never change: keep them fixed
        self.learn = [abs(m.war_cost[i][0] - m.war_cost[i][1]) > 1e-12 and 0.0 < m.prior[i] < 1.0
                      for i in (0, 1)]
        self.allowed = {r: [a for a in RESPONSES if a in m.responses and not (a == "escalate" and r >= 2)]
                        for r in range(3)}
        self._static: dict[tuple, _Static] = {}
        self._ou: dict[float, list[float]] = {}
        self._rb: dict[float, float] = {}
        self._wars: dict[int, tuple] = {}
        self._index: dict[tuple, tuple] = {}
        self._varr: dict[tuple, Any] = {}  # node values as arrays [θC θD][i]

    def solve_levels(self, root: tuple) -> bool:
        """Every state from ``root`` round by round, by arrays over states (logit only; P8); False when the
        rounds are too large (then ``value(root)`` solves depth first)."""
        from detente.games.crisis.levels import solve_levels

        return solve_levels(self, root)

    # -- state: (t, rung, escalator, sq, forced, agreed, muC, muD) -------------------------------
    def uu(self, who: int, s: float) -> float:
        v = self._uc.get((who, s))
        if v is None:
            v = self._uc[(who, s)] = self.m._u(who, s)
        return v

    def ou(self, s: float) -> list[float]:
        """Each observer's value of division s (cached: the same numbers as calling ``Observer.u``)."""
        v = self._ou.get(s)
        if v is None:
            v = self._ou[s] = [o.u(s) for o in self.obs]
        return v

    def terminal(self, sq: float, forced: bool, agreed: bool) -> list[float]:
        hit = self._term.get((sq, forced, agreed))
        if hit is None:
            hit = self._term[(sq, forced, agreed)] = self._terminal(sq, forced, agreed)
        return hit

    def _terminal(self, sq: float, forced: bool, agreed: bool) -> list[float]:
        m = self.m
        w = self.once_w[m.horizon]
        v = [w * self.uu(0, sq), w * self.uu(1, sq), 0.0, 0.0, 0.0, 0.0, float(m.horizon)]
        if self.obs:
            v += [0.0] + [w * x for x in self.ou(sq)]
        v[2 + CLASSES.index(classify(sq, m.sq_pre, forced, agreed, m.sq))] = 1.0
        return v

    def value(self, key: tuple) -> list[list[list[float]]]:
        rec = self.nodes.get(key)
        if rec is None:
            rec = self.solve_node(key)
            self.nodes[key] = rec
        return rec.values

    def cont(self, key: tuple | None, term: list[list[list[float]]] | None) -> list[list[list[float]]]:
        return term if key is None else self.value(key)  # type: ignore[return-value]

    def static(self, t: int, rung: int, esc: int, sq: float, forced: bool, agreed: bool = False) -> _Static:
        """What a state's moves pay and where they lead, whatever the beliefs (built once, C17).
        ``agreed`` matters only with C21's kept settlements."""
        agreed = agreed and self.m.settled_free
        skey = (t, rung, esc, sq, forced, agreed)
        st = self._static.get(skey)
        if st is None:
            st = self._static[skey] = self._build_static(t, rung, esc, sq, forced, agreed)
        return st

    def _build_static(self, t: int, rung: int, esc: int, sq: float, forced: bool, agreed: bool = False) -> _Static:
        m = self.m
        P = m.proposer_at(t)
        R = 1 - P
        K = len(m.offers)
        allowed = self.allowed[min(rung, 2)]
        fw, ow = self.flow_w[t], self.once_w[t]
        last = t + 1 >= m.horizon
        nobs = len(self.obs)
        # imm[k][a][tc][td] -> value vector without continuation
        imm: list[list[list[list[list[float]]]]] = []
        # per (offer, response): fixed totals (war, or a terminal child after the last round) with their
        # continuation, or the child state's prefix and the immediate (C, D) payoffs (the same for all types)
        fixed: list[list[Any]] = []
        for k in range(K):
            row_i: list[list[list[list[float]]]] = []
            row_f: list[Any] = []
            s = m.offers[k]
            op = m.offer_terms(t, k, sq) if m.channel is not None else None  # C18, paid whatever the response
            for a in allowed:
                if a == "war":
                    base, wtot = self._war(t)
                    if op is not None:
                        base = [[[v[0] + op[0], v[1] + op[1], *v[2:]] for v in row] for row in base]
                        wtot = tuple(x + op[i % 2] for i, x in enumerate(wtot))
                    row_i.append(base)
                    row_f.append(("fixed", wtot, None))
                    continue
                if a == "accept":
                    flows = (fw * self.uC[k], fw * self.uD[k])
                    back = [0.0, 0.0]
                    if op is not None:
                        b0, b1 = m.accept_back(t, k, sq, esc)
                        back = [b0 - op[0], b1 - op[1]]
                    elif esc == (CH if R == 0 else DF) and self.uu(R, s) < self.uu(R, sq) - 1e-12:
                        back[R] = ow * m.audience[R]
                    nxt = (0, NONE, _round(s, SQ_STEP), forced, True)
                    x = [0.0] * self.vlen
                    x[0], x[1] = flows[0] - back[0], flows[1] - back[1]
                    for j in range(nobs):
                        x[VLEN + 1 + j] = fw * self.uO[j][k]
                else:
                    # hold or escalate: a standoff round at the (new) rung
                    r2, e2, sq2, f2, one = standoff_move(m, t, R, a, rung, m.commits(t, k, sq, esc), sq, forced)
                    kept = m.keeps(agreed, a)
                    hv = [fw * self.uu(i, sq2) - m.hold_cost(i, t, r2, one, kept) for i in (0, 1)]
                    if op is not None:
                        hv = [hv[0] + op[0], hv[1] + op[1]]
                    x = [0.0] * self.vlen
                    x[0], x[1] = hv
                    if nobs:
                        x[VLEN + 1:] = [fw * y for y in self.ou(sq2)]
                    nxt = (r2, e2, _round(sq2, SQ_STEP), f2, kept)
                # the same vector for every type pair (read only)
                row_i.append([[x, x], [x, x]])
                x0, x1 = x[0], x[1]
                if last:
                    tv = self.terminal(*nxt[2:])
                    row_f.append(("fixed", (x0 + tv[0], x1 + tv[1]) * 4, [[tv, tv], [tv, tv]]))
                else:
                    row_f.append(("child", (t + 1, *nxt), x0, x1))
            imm.append(row_i)
            fixed.append(row_f)
        tot0 = [[f[1] if f[0] == "fixed" else None for f in row] for row in fixed]
        conts0 = [[f[2] if f[0] == "fixed" else None for f in row] for row in fixed]
        dspec = [(k, ai, f[1], f[2], f[3]) for k, row in enumerate(fixed) for ai, f in enumerate(row)
                 if f[0] != "fixed"]
        return _Static(P, allowed, imm, tot0, conts0, dspec, self._value_layout(t, P, allowed, imm, fixed))

    def _war(self, t: int) -> tuple[list[list[list[float]]], tuple[float, ...]]:
        """War in round t: its value vector per type pair, and its (C, D) totals (flat, as in ``tot``)."""
        got = self._wars.get(t)
        if got is None:
            m, ow = self.m, self.once_w[t]
            base = [[[0.0] * self.vlen for _ in range(2)] for _ in range(2)]
            for tc in range(2):
                for td in range(2):
                    v = base[tc][td]
                    v[0] = ow * self.wv[0][t][tc]
                    v[1] = ow * self.wv[1][t][td]
                    v[5] = 1.0
                    v[6] = float(m.horizon)
                    if self.obs:
                        v[WAR_WEIGHT] = ow
                        for j in range(len(self.obs)):
                            v[VLEN + 1 + j] = ow * self.wO[j][t]
            got = self._wars[t] = (base, tuple(base[tc][td][i] for tc in (0, 1) for td in (0, 1) for i in (0, 1)))
        return got

    def _value_layout(self, t: int, P: int, allowed: list[str], imm: list, fixed: list) -> _Layout:
        """Arrays for a state's values: one row per (offer, response) in the reference's order, each
        followed, for an acceptance, by its first-acceptance-round correction (column 6 only)."""
        K, A, vlen = len(imm), len(allowed), self.vlen
        n = K * A
        ikey = (P, tuple(allowed))
        idx = self._index.get(ikey)
        if idx is None:
            acc = [p for p in range(n) if allowed[p % A] == "accept"]
            # row 0: zeros, so the running sum starts from 0.0 as the reference's; src: the pair whose
            # weight each row takes
            pos_p, pos_e, src = [], [], [0]
            for p in range(n):
                pos_p.append(len(src))
                src.append(p)
                if p in acc:
                    pos_e.append(len(src))
                    src.append(p)
            pairs = [(tc, td) if P == 0 else (td, tc) for tc in (0, 1) for td in (0, 1)]
            kr = np.array([p // A for p in src])
            ar = np.array([p % A for p in src])
            idx = self._index[ikey] = (np.array(acc, dtype=int), np.array(pos_p), np.array(pos_e, dtype=int),
                                       len(src), kr, ar, np.array([a for a, _ in pairs]),
                                       np.array([b for _, b in pairs]))
        x = np.array(imm, dtype=float).reshape(n, 4, vlen)  # [offer][response][θC][θD][i], flattened in that order
        c0 = np.zeros((n, 4, vlen))
        dyn = []
        for p in range(n):
            f = fixed[p // A][p % A]
            if f[0] != "fixed":
                dyn.append(p)
            elif f[2] is not None:
                c0[p] = f[2][0][0]
        lay = _Layout(x, c0, dyn, *idx)
        return lay

    def solve_node(self, key: tuple) -> NodeRecord:
        lam = self.lam
        t, rung, esc, sq, forced, agreed, mu_c, mu_d = key
        st = self.static(t, rung, esc, sq, forced, agreed)
        P, allowed, imm = st.P, st.allowed, st.imm
        R = 1 - P
        mu = (mu_c, mu_d)
        K = len(imm)
        A = len(allowed)
        # fixed totals and continuations now; the others once the beliefs they lead to are known
        # totals per (offer, response): (C, D) value per type pair, flat: index 4 θC + 2 θD + player
        tot: list[list[Any]] = [r[:] for r in st.tot0]
        conts: list[list[Any]] = [r[:] for r in st.conts0]
        children: list[list[tuple | None]] = [[None] * A for _ in range(K)]
        dyn = [(k, ai, pre, x0, x1, tot[k], conts[k], children[k]) for k, ai, pre, x0, x1 in st.dspec]
        seen: list[Any] = [None] * len(dyn)
        mu_p, mu_r = mu[P], mu[R]
        mu_p1, mu_r1 = 1 - mu_p, 1 - mu_r
        learn_p, learn_r = self.learn[P], self.learn[R]
        rb, bs, value = self._rb, self.belief_step, self.value
        # where the responder's (i0, i1: proposer of type 0, 1) and the proposer's (j0, j1: responder of
        # type 0, 1) values sit in the flat totals, by own type
        if P == 0:
            ri = [(th * 2 + R, 4 + th * 2 + R) for th in (0, 1)]
            pj = [(th * 4, th * 4 + 2) for th in (0, 1)]
        else:
            ri = [(th * 4 + R, th * 4 + 2 + R) for th in (0, 1)]
            pj = [(th * 2 + 1, 4 + th * 2 + 1) for th in (0, 1)]
        exp = math.exp
        (i00, i01), (i10, i11) = ri
        (j00, j01), (j10, j11) = pj

        # strategies: start from uniform, iterate a damped fixed point
        sig_p = [[1.0 / K] * K for _ in range(2)]
        sig_r = [[[1.0 / A] * A for _ in range(K)] for _ in range(2)]
        prev: Any = None
        ties = 0
        converged = False
        for it in range(FIXED_POINT_ITERS):
            # beliefs after the offer (about P) and after the response (about R)
            post_p = []
            for l0, l1 in zip(sig_p[0], sig_p[1], strict=True):
                den = mu_p * l0 + mu_p1 * l1
                post_p.append(mu_p if den <= 1e-300 else mu_p * l0 / den)
            sr0, sr1 = sig_r
            for i, (k, ai, pre, x0, x1, tk, ck_row, ch_row) in enumerate(dyn):
                l0, l1 = sr0[k][ai], sr1[k][ai]
                den = mu_r * l0 + mu_r1 * l1
                b_p = post_p[k] if learn_p else mu_p
                b_r = (mu_r if den <= 1e-300 else mu_r * l0 / den) if learn_r else mu_r
                b0, b1 = (b_p, b_r) if P == 0 else (b_r, b_p)
                g0 = rb.get(b0)
                if g0 is None:
                    g0 = rb[b0] = _round(b0, bs)
                g1 = rb.get(b1)
                if g1 is None:
                    g1 = rb[b1] = _round(b1, bs)
                ck = (*pre, g0, g1)
                if seen[i] == ck:
                    continue
                seen[i] = ck
                ch_row[ai] = ck
                c = value(ck)
                ck_row[ai] = c
                c0, c1 = c
                tk[ai] = (x0 + c0[0][0], x1 + c0[0][1], x0 + c0[1][0], x1 + c0[1][1],
                          x0 + c1[0][0], x1 + c1[0][1], x0 + c1[1][0], x1 + c1[1][1])

            # responder: type θR knows own type, believes post_p about P's type
            r0s, r1s = [], []
            for k in range(K):
                w0 = post_p[k]
                w1 = 1 - w0
                tk = tot[k]
                for q, out_r in (([w0 * x[i00] + w1 * x[i01] for x in tk], r0s),
                                 ([w0 * x[i10] + w1 * x[i11] for x in tk], r1s)):
                    if lam is None:
                        probs, tie = _choice(q, lam)
                        ties += tie
                    else:
                        mx = max(q)
                        ws = [exp(lam * (x - mx)) for x in q]
                        z = sum(ws)
                        probs = [x / z for x in ws]
                    out_r.append(probs)
            new_r = [r0s, r1s]
            # proposer: (mu_r * r0[a]) * x + ... as the reference, the products shared by both its types
            q0, q1 = [], []
            for r0, r1, tk in zip(r0s, r1s, tot, strict=True):
                m0 = [mu_r * a for a in r0]
                m1 = [mu_r1 * a for a in r1]
                q0.append(sum([a0 * x[j00] + a1 * x[j01] for a0, a1, x in zip(m0, m1, tk, strict=True)]))
                q1.append(sum([a0 * x[j10] + a1 * x[j11] for a0, a1, x in zip(m0, m1, tk, strict=True)]))
            new_p = []
            for q in (q0, q1):
                probs, tie = _choice(q, lam)
                ties += tie
                new_p.append(probs)
            if prev is not None and _maxdiff((new_p, new_r), prev) < 1e-7:
                sig_p, sig_r = new_p, new_r
                converged = True
                break
            prev = (new_p, new_r)
            if it > 2:
                sig_p = _mix(sig_p, new_p, 0.5)
                sig_r = [_mix(sig_r[th], new_r[th], 0.5) for th in range(2)]
            else:  # undamped: (1 - 1.0) * old + 1.0 * new is new, bit for bit (probabilities are finite, >= 0)
                sig_p, sig_r = new_p, new_r
        if not converged:
            self.converged = False
        # node values per type pair under the final strategies: the reference's running sum over
        # (offer, response), v += w (x + c) (and the acceptance round's correction), done by numpy's
        # accumulate, which adds row after row (elementwise IEEE operations: the same numbers)
        lay = st.layout
        if lay.dyn:
            cont = lay.c0.copy()
            varr = self._varr
            for p in lay.dyn:
                cont[p] = varr[children[p // A][p % A]]
            rows = lay.rows_with(t, cont, self.vlen)
        else:  # built on first use (the round-by-round solve, P8, does not need them)
            if lay.fixed_rows is None:
                lay.fixed_rows = lay.rows_with(t, lay.c0, self.vlen)
            rows = lay.fixed_rows
        sp, sr = np.array(sig_p), np.array(sig_r)
        ww = (sp[lay.thp][:, lay.kr] * sr[lay.thr][:, lay.kr, lay.ar]).T  # [row][type pair]
        out = np.add.accumulate(ww[:, :, None] * rows, axis=0)[-1]
        self._varr[key] = out
        vals = out.reshape(2, 2, self.vlen).tolist()
        # responses in RESPONSES order (0 and no child for those not allowed); the lists are not changed later
        if len(allowed) == len(RESPONSES):
            return NodeRecord(sig_p, sig_r, children, vals, ties)
        slot = [allowed.index(a) if a in allowed else None for a in RESPONSES]
        full_r = [[[r[i] if i is not None else 0.0 for i in slot] for r in sig_r[th]] for th in (0, 1)]
        kids = [[c[i] if i is not None else None for i in slot] for c in children]
        return NodeRecord(sig_p, full_r, kids, vals, ties)


@dataclass
class _Static:
    P: int  # proposer
    allowed: list[str]  # responses allowed at this rung
    imm: list[list[list[list[list[float]]]]]  # [offer][response][θC][θD] -> immediate value vector
    tot0: list[list[Any]]  # [offer][response] -> fixed (C, D) totals (war, terminal children), else None
    conts0: list[list[Any]]  # ... and their continuation (None for war)
    dspec: list[tuple]  # (offer, response, child prefix, x_C, x_D) of the moves that lead to a child state
    layout: _Layout


@dataclass
class _Layout:
    x: Any  # [pair][type pair][i]: immediate values
    c0: Any  # [pair][type pair][i]: continuation of the fixed pairs (zeros for war)
    dyn: list[int]  # pairs whose continuation is a child state
    acc: Any  # pairs that are acceptances
    pos_p: Any  # row of each pair
    pos_e: Any  # row of each acceptance's correction
    rows: int
    kr: Any  # offer of the pair whose weight each row takes
    ar: Any  # response of that pair
    thp: Any  # proposer's type in each type pair
    thr: Any  # responder's type
    fixed_rows: Any = None  # the rows, when no pair leads to a child state

    def rows_with(self, t: int, cont: Any, vlen: int) -> Any:
        """Row p: x + c of its pair; an acceptance's correction row: t - c in column 6, zeros elsewhere."""
        rows = np.zeros((self.rows, 4, vlen))
        rows[self.pos_p] = self.x + cont
        if len(self.acc):
            rows[self.pos_e, :, 6] = t - cont[self.acc, :, 6]
        return rows


def _round(x: float, step: float) -> float:
    return round(round(x / step) * step, 10)


def _bayes(prior: float, l0: float, l1: float) -> float:
    den = prior * l0 + (1 - prior) * l1
    if den <= 1e-300:
        return prior  # off the path: beliefs stay at the prior (a stated choice, C4)
    return prior * l0 / den


def _choice(q: list[float], lam: float | None) -> tuple[list[float], int]:
    mx = max(q)
    if lam is None:
        best = [i for i, x in enumerate(q) if x >= mx - TIE_TOL * max(1.0, abs(mx))]
        out = [0.0] * len(q)
        out[best[0]] = 1.0
        return out, int(len(best) > 1)
    w = [math.exp(lam * (x - mx)) for x in q]
    tot = sum(w)
    return [x / tot for x in w], 0


def _mix(old: list[list[float]], new: list[list[float]], w: float) -> list[list[float]]:
    return [[(1 - w) * a + w * b for a, b in zip(o, n, strict=True)] for o, n in zip(old, new, strict=True)]


def _maxdiff(a: Any, b: Any) -> float:
    """The largest absolute difference (folded from 0.0 in the same order as a loop of max(d, |u - v|))."""
    (pa, ra), (pb, rb) = a, b
    d = [0.0]
    for x, y in zip(pa, pb, strict=True):
        d += map(abs, map(operator.sub, x, y))
    for xs, ys in zip(ra, rb, strict=True):
        for x, y in zip(xs, ys, strict=True):
            d += map(abs, map(operator.sub, x, y))
    return max(d)


def classify(sq: float, sq_pre: float, forced: bool, agreed: bool, sq_start: float) -> str:
    """Outcome class of a final state (decision C5): force used -> escalation; an accepted division
    near one side's position -> capitulation, else agreement; a standoff at the deadline ->
    stalemate, unless a fait accompli stands far from the pre-crisis status quo (capitulation)."""
    return classify_rule(sq, sq_pre, forced, agreed, sq_start)[0]


def classify_rule(sq: float, sq_pre: float, forced: bool, agreed: bool, sq_start: float) -> tuple[str, str]:
    """:func:`classify`'s class and which of C5's rules gave it (what a run's log says: H15): "force",
    "end" (an agreement at one side's end), "near_moved" / "near" (an agreement near the pre-crisis division,
    after history moved the start or not), "far" (a standoff far from it), or "" (agreement or stalemate as such)."""
    if forced:
        return "escalation", "force"
    if agreed:
        if (sq >= 0.85 and sq_pre < 0.85) or (sq <= 0.15 and sq_pre > 0.15):
            return "capitulation", "end"
        if abs(sq - sq_pre) < 0.1:
            return ("capitulation", "near_moved") if sq_start != sq_pre else ("stalemate", "near")
        return "agreement", ""
    return ("capitulation", "far") if abs(sq - sq_pre) >= 0.5 else ("stalemate", "")


def solve_crisis(m: CrisisModel, lam: float | None = 20.0, belief_step: float = BELIEF_STEP) -> CrisisSolution:
    """Solve ``m``: agent logit QRE at precision ``lam`` with Bayesian beliefs, or best responses
    (``lam=None``). Beliefs in a state are rounded to multiples of ``belief_step`` (an
    approximation that bounds the number of states; smaller is closer and slower)."""
    if m.horizon < 1:
        raise ValueError("the horizon must be at least one round")
    if not (0.0 < belief_step <= 0.5 and abs(1 / belief_step - round(1 / belief_step)) < 1e-9):
        raise ValueError(f"belief_step must be 1/n for a whole n >= 2 (0.25, 0.1, 0.05, ...), got {belief_step:g}")
    s = _Solver(m, lam, belief_step)
    root = (0, m.start_rung, m.start_escalator, _round(m.sq, SQ_STEP), m.forced_at_start, False,
            _round(m.prior[0], belief_step), _round(m.prior[1], belief_step))
    with paused_gc():
        # logit: round by round (P8); best responses, and a model too small or too large for it, depth first
        if not (lam is not None and s.solve_levels(root)):
            s.value(root)
    sol = CrisisSolution(m, lam, root, s.nodes, s.converged)
    if any(rec.ties for rec in s.nodes.values()):  # only best responses count ties: a logit solve has none
        on_path = set(_path_keys(sol))
        sol.ties_on_path = sum(rec.ties for key, rec in s.nodes.items() if key in on_path)
    if not s.converged:
        sol.notes.append("the strategy iteration did not settle at some states (cycling best responses); "
                         "the last damped iterate is reported")
    return sol


def _path_keys(sol: CrisisSolution, min_reach: float = 1e-6) -> list[tuple]:
    return [k for k, _ in forward(sol, min_reach)]


def forward(sol: CrisisSolution, min_reach: float = 1e-6) -> list[tuple[tuple, list[list[float]]]]:
    """States on the path with their reach probability per type pair [θC][θD] (prior included)."""
    m = sol.model
    pc, pd = m.prior
    reach = {sol.root: [[pc * pd, pc * (1 - pd)], [(1 - pc) * pd, (1 - pc) * (1 - pd)]]}
    order = [sol.root]
    out = []
    i = 0
    while i < len(order):
        key = order[i]
        i += 1
        r = reach[key]
        out.append((key, r))
        rec = sol.nodes[key]
        P = m.proposer_at(key[0])
        for k in range(len(m.offers)):
            for ai in range(len(RESPONSES)):
                ck = rec.children[k][ai]
                if ck is None:
                    continue
                add = [[0.0, 0.0], [0.0, 0.0]]
                tot = 0.0
                for tc in range(2):
                    for td in range(2):
                        thp, thr = (tc, td) if P == 0 else (td, tc)
                        w = r[tc][td] * rec.sigma_p[thp][k] * rec.sigma_r[thr][k][ai]
                        add[tc][td] = w
                        tot += w
                if tot <= min_reach:
                    continue
                if ck not in reach:
                    reach[ck] = [[0.0, 0.0], [0.0, 0.0]]
                    order.append(ck)
                for tc in range(2):
                    for td in range(2):
                        reach[ck][tc][td] += add[tc][td]
    return out


def typed_reach(sol: CrisisSolution) -> Iterator[tuple[tuple, Any, int, list[tuple[float, int, int]]]]:
    """Each state on the path: its key, node, proposer and, per type pair it is reached with, the
    weight and the proposer's and responder's types (pairs in [θC][θD] order, zero weights left out)."""
    m = sol.model
    for key, r in forward(sol):
        P = m.proposer_at(key[0])
        pairs = [(r[tc][td], *((tc, td) if P == 0 else (td, tc))) for tc in range(2) for td in range(2)
                 if r[tc][td] > 0]
        yield key, sol.nodes[key], P, pairs


def round_summary(sol: CrisisSolution) -> list[dict[str, Any]]:
    """Per round: who proposes, the expected offer, and the response shares, over types and states."""
    m = sol.model
    rows: dict[int, dict[str, Any]] = {}
    for key, rec, P, pairs in typed_reach(sol):
        t = key[0]
        row = rows.setdefault(t, {"round": t, "proposer": m.players[P], "responder": m.players[1 - P],
                                  "reach": 0.0, "offer": 0.0, "power": m.p[t],
                                  "responses": dict.fromkeys(RESPONSES, 0.0), "rung": dict.fromkeys(range(3), 0.0)})
        for w, thp, thr in pairs:
            row["reach"] += w
            row["rung"][key[1]] += w
            for k, s in enumerate(m.offers):
                wk = w * rec.sigma_p[thp][k]
                row["offer"] += wk * s
                for ai, a in enumerate(RESPONSES):
                    row["responses"][a] += wk * rec.sigma_r[thr][k][ai]
    out = []
    for t in sorted(rows):
        row = rows[t]
        z = row["reach"] or 1.0
        row["offer"] /= z
        row["responses"] = {a: v / z for a, v in row["responses"].items()}
        row["rung"] = {RUNG_NAMES[k]: v / z for k, v in row["rung"].items() if v > 0}
        out.append(row)
    return out


def with_changes(m: CrisisModel, **kw: Any) -> CrisisModel:
    return replace(m, **kw)


def step_state(m: CrisisModel, key: tuple, offer: int, response: str) -> tuple[int, int, float, bool, bool] | None:
    """(rung, escalator, status quo, force used, agreed) after ``offer`` and ``response`` at state ``key``,
    as ``solve_node`` moves (None after war): for players that walk the model's states one play at a
    time (the simulation, C14). A test checks it against every solved node's children."""
    t, rung, esc, sq, forced = key[:5]
    R = 1 - m.proposer_at(t)
    if response == "war":
        return None
    if response == "accept":
        return 0, NONE, _round(m.offers[offer], SQ_STEP), forced, True
    r2, e2, sq2, f2, _one = standoff_move(m, t, R, response, rung, m.commits(t, offer, sq, esc), sq, forced)
    return r2, e2, _round(sq2, SQ_STEP), f2, m.keeps(bool(key[5]), response)


def standoff_move(m: CrisisModel, t: int, R: int, response: str, rung: int, esc: int, sq: float,
                  forced: bool) -> tuple[int, int, float, bool, tuple[float, float]]:
    """What a hold or an escalation by responder ``R`` in round ``t`` does (C3): the new rung, who
    escalated last, the unrounded status quo (a limited operation takes ``fait_accompli`` of the
    remaining distance with the escalator's chance of prevailing), whether force was used, and the
    one-time costs to (C, D). One definition for the solver, the exported tree and the simulation."""
    if response != "escalate":
        return rung, esc, sq, forced, (0.0, 0.0)
    r2, e2 = rung + 1, (CH if R == 0 else DF)
    if r2 == 1:
        return r2, e2, sq, forced, ((m.mobilise_cost[0], 0.0) if R == 0 else (0.0, m.mobilise_cost[1]))
    win = m.p[t] if R == 0 else 1 - m.p[t]
    target = 1.0 if R == 0 else 0.0
    return r2, e2, sq + win * m.fait_accompli * (target - sq), True, m.limited_cost


def prior_expected(m: CrisisModel, vals: list[list[list[float]]]) -> list[float]:
    """The value vector averaged over both principals' types at the common prior (``vals[θC][θD]``)."""
    pc, pd = m.prior
    n = len(vals[0][0])
    out = [0.0] * n
    for tc, wc in ((0, pc), (1, 1 - pc)):
        for td, wd in ((0, pd), (1, 1 - pd)):
            for i in range(n):
                out[i] += wc * wd * vals[tc][td][i]
    return out
