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
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

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

    def proposer_at(self, t: int) -> int:
        if self.proposer == "challenger":
            return 0
        if self.proposer == "defender":
            return 1
        return t % 2

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
        m = self.model
        pc, pd = m.prior
        vals = self.type_values()
        n = len(vals[0][0])
        out = [0.0] * n
        for tc, wc in ((0, pc), (1, 1 - pc)):
            for td, wd in ((0, pd), (1, 1 - pd)):
                for i in range(n):
                    out[i] += wc * wd * vals[tc][td][i]
        return out

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

    # -- state: (t, rung, escalator, sq, forced, agreed, muC, muD) -------------------------------
    def uu(self, who: int, s: float) -> float:
        v = self._uc.get((who, s))
        if v is None:
            v = self._uc[(who, s)] = self.m._u(who, s)
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
            v += [0.0] + [w * o.u(sq) for o in self.obs]
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

    def solve_node(self, key: tuple) -> NodeRecord:
        m, lam = self.m, self.lam
        t, rung, esc, sq, forced, _agreed, mu_c, mu_d = key
        P = m.proposer_at(t)
        R = 1 - P
        mu = (mu_c, mu_d)
        K = len(m.offers)
        allowed = [a for a in RESPONSES if a in m.responses and not (a == "escalate" and rung >= 2)]
        A = len(allowed)
        fw, ow = self.flow_w[t], self.once_w[t]
        last = t + 1 >= m.horizon
        # immediate payoffs and continuation structure per (offer, response): vector per type pair
        # imm[k][a][tc][td] -> value vector without continuation; nxt[k][a] -> (t+1 state w/o beliefs) or None
        imm: list[list[list[list[list[float]]]]] = []
        nxt: list[list[tuple | None]] = []
        for k in range(K):
            row_i, row_n = [], []
            s = m.offers[k]
            for a in allowed:
                base = [[[0.0] * self.vlen for _ in range(2)] for _ in range(2)]
                if a == "war":
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
                    row_i.append(base)
                    row_n.append(None)
                    continue
                if a == "accept":
                    flows = (fw * self.uC[k], fw * self.uD[k])
                    back = [0.0, 0.0]
                    if esc == (CH if R == 0 else DF) and self.uu(R, s) < self.uu(R, sq) - 1e-12:
                        back[R] = ow * m.audience[R]
                    new = (0, NONE, _round(s, SQ_STEP), forced, True)
                    for tc in range(2):
                        for td in range(2):
                            v = base[tc][td]
                            v[0], v[1] = flows[0] - back[0], flows[1] - back[1]
                            for j in range(len(self.obs)):
                                v[VLEN + 1 + j] = fw * self.uO[j][k]
                    row_i.append(base)
                    row_n.append(("accept", new))
                    continue
                # hold or escalate: a standoff round at the (new) rung
                r2, e2, sq2, f2 = rung, esc, sq, forced
                one = [0.0, 0.0]
                if a == "escalate":
                    r2 = rung + 1
                    e2 = CH if R == 0 else DF
                    if r2 == 1:
                        one[R] = m.mobilise_cost[R]
                    else:
                        one[0], one[1] = m.limited_cost
                        win = m.p[t] if R == 0 else 1 - m.p[t]
                        target = 1.0 if R == 0 else 0.0
                        sq2 = sq + win * m.fait_accompli * (target - sq)
                        f2 = True
                hv = [fw * self.uu(i, sq2) - ow * (m.standoff[i] * (1 + r2) + one[i]) for i in (0, 1)]
                ho = [fw * o.u(sq2) for o in self.obs]
                for tc in range(2):
                    for td in range(2):
                        base[tc][td][0], base[tc][td][1] = hv
                        for j, x in enumerate(ho):
                            base[tc][td][VLEN + 1 + j] = x
                row_i.append(base)
                row_n.append(("standoff", (r2, e2, _round(sq2, SQ_STEP), f2, False)))
            imm.append(row_i)
            nxt.append(row_n)

        # strategies: start from uniform, iterate a damped fixed point
        sig_p = [[1.0 / K] * K for _ in range(2)]
        sig_r = [[[1.0 / A] * A for _ in range(K)] for _ in range(2)]
        prev = None
        ties = 0
        converged = False
        children: list[list[tuple | None]] = [[None] * A for _ in range(K)]
        # continuation and totals per (offer, response), recomputed only when the child state changes
        # (beliefs move it): the same numbers as recomputing them every iteration, with less work
        conts: list[list[Any]] = [[None] * A for _ in range(K)]
        tot: list[list[Any]] = [[None] * A for _ in range(K)]
        seen: list[list[Any]] = [[0] * A for _ in range(K)]  # 0: not yet computed
        for it in range(FIXED_POINT_ITERS):
            # beliefs after the offer (about P) and after the response (about R)
            post_p = [_bayes(mu[P], sig_p[0][k], sig_p[1][k]) for k in range(K)]
            for k in range(K):
                for ai in range(A):
                    n = nxt[k][ai]
                    if n is None:
                        if seen[k][ai] is None:
                            continue
                        seen[k][ai] = None
                        children[k][ai] = None
                        x = imm[k][ai]
                        tot[k][ai] = [[(x[tc][td][0], x[tc][td][1]) for td in (0, 1)] for tc in (0, 1)]
                        continue
                    _kind, (r2, e2, sq2, f2, ag) = n
                    if last:
                        if seen[k][ai] == 1:
                            continue
                        seen[k][ai] = 1
                        tv = self.terminal(sq2, f2, ag)
                        c = [[tv, tv], [tv, tv]]
                        children[k][ai] = None
                    else:
                        post_r = _bayes(mu[R], sig_r[0][k][ai], sig_r[1][k][ai])
                        nm = [0.0, 0.0]
                        nm[P], nm[R] = post_p[k], post_r
                        for i in (0, 1):
                            if not self.learn[i]:
                                nm[i] = mu[i]
                        bs = self.belief_step
                        ck = (t + 1, r2, e2, sq2, f2, ag, _round(nm[0], bs), _round(nm[1], bs))
                        if seen[k][ai] == ck:
                            continue
                        seen[k][ai] = ck
                        children[k][ai] = ck
                        c = self.value(ck)
                    conts[k][ai] = c
                    x = imm[k][ai]
                    # totals per (offer, response, θC, θD): (value to C, value to D)
                    tot[k][ai] = [[(x[tc][td][0] + c[tc][td][0], x[tc][td][1] + c[tc][td][1])
                                   for td in (0, 1)] for tc in (0, 1)]

            # responder: type θR knows own type, believes post_p about P's type
            new_r = []
            for th in range(2):
                per_k = []
                for k in range(K):
                    w0 = post_p[k]
                    tk = tot[k]
                    if P == 0:
                        q = [w0 * tk[ai][0][th][R] + (1 - w0) * tk[ai][1][th][R] for ai in range(A)]
                    else:
                        q = [w0 * tk[ai][th][0][R] + (1 - w0) * tk[ai][th][1][R] for ai in range(A)]
                    probs, tie = _choice(q, lam)
                    ties += tie
                    per_k.append(probs)
                new_r.append(per_k)
            new_p = []
            mr = mu[R]
            for th in range(2):
                q = []
                for k in range(K):
                    tk = tot[k]
                    r0, r1 = new_r[0][k], new_r[1][k]
                    if P == 0:
                        acc = sum(mr * r0[ai] * tk[ai][th][0][0] + (1 - mr) * r1[ai] * tk[ai][th][1][0]
                                  for ai in range(A))
                    else:
                        acc = sum(mr * r0[ai] * tk[ai][0][th][1] + (1 - mr) * r1[ai] * tk[ai][1][th][1]
                                  for ai in range(A))
                    q.append(acc)
                probs, tie = _choice(q, lam)
                ties += tie
                new_p.append(probs)
            cur = (new_p, new_r)
            if prev is not None and _maxdiff(cur, prev) < 1e-7:
                sig_p, sig_r = new_p, new_r
                converged = True
                break
            prev = cur
            damp = 0.5 if it > 2 else 1.0
            sig_p = _mix(sig_p, new_p, damp)
            sig_r = [_mix(sig_r[th], new_r[th], damp) for th in range(2)]
        if not converged:
            self.converged = False
        # node values per type pair under the final strategies
        vlen = self.vlen
        vals = [[[0.0] * vlen for _ in range(2)] for _ in range(2)]
        for tc in range(2):
            for td in range(2):
                thp, thr = (tc, td) if P == 0 else (td, tc)
                v = vals[tc][td]
                for k in range(K):
                    wp = sig_p[thp][k]
                    if wp <= 0:
                        continue
                    for ai in range(A):
                        w = wp * sig_r[thr][k][ai]
                        if w <= 0:
                            continue
                        x = imm[k][ai][tc][td]
                        c = conts[k][ai]
                        for i in range(vlen):
                            v[i] += w * (x[i] + (c[tc][td][i] if c is not None else 0.0))
                        if allowed[ai] == "accept":  # first acceptance round overrides the continuation's
                            v[6] += w * (t - (c[tc][td][6] if c is not None else 0.0))
        full_r = [[[0.0] * len(RESPONSES) for _ in range(K)] for _ in range(2)]
        for th in range(2):
            for k in range(K):
                for ai, a in enumerate(allowed):
                    full_r[th][k][RESPONSES.index(a)] = sig_r[th][k][ai]
        kids: list[list[tuple | None]] = [[None] * len(RESPONSES) for _ in range(K)]
        for k in range(K):
            for ai, a in enumerate(allowed):
                kids[k][RESPONSES.index(a)] = children[k][ai]
        return NodeRecord(sig_p, full_r, kids, vals, ties)


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
    (pa, ra), (pb, rb) = a, b
    d = 0.0
    for x, y in zip(pa, pb, strict=True):
        for u, v in zip(x, y, strict=True):
            d = max(d, abs(u - v))
    for xs, ys in zip(ra, rb, strict=True):
        for x, y in zip(xs, ys, strict=True):
            for u, v in zip(x, y, strict=True):
                d = max(d, abs(u - v))
    return d


def classify(sq: float, sq_pre: float, forced: bool, agreed: bool, sq_start: float) -> str:
    """Outcome class of a final state (decision C5): force used -> escalation; an accepted division
    near one side's position -> capitulation, else agreement; a standoff at the deadline ->
    stalemate, unless a fait accompli stands far from the pre-crisis status quo (capitulation)."""
    if forced:
        return "escalation"
    if agreed:
        if (sq >= 0.85 and sq_pre < 0.85) or (sq <= 0.15 and sq_pre > 0.15):
            return "capitulation"
        if abs(sq - sq_pre) < 0.1:
            return "capitulation" if sq_start != sq_pre else "stalemate"
        return "agreement"
    return "capitulation" if abs(sq - sq_pre) >= 0.5 else "stalemate"


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
    s.value(root)
    sol = CrisisSolution(m, lam, root, s.nodes, s.converged)
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
    r2, e2, sq2, f2 = rung, esc, sq, forced
    if response == "escalate":
        r2, e2 = rung + 1, (CH if R == 0 else DF)
        if r2 >= 2:
            win = m.p[t] if R == 0 else 1 - m.p[t]
            sq2 = sq + win * m.fait_accompli * ((1.0 if R == 0 else 0.0) - sq)
            f2 = True
    return r2, e2, _round(sq2, SQ_STEP), f2, False
