"""A frozen copy of the crisis solver as it was before decision C17 (the speed-up): the reference
that tests/test_crisis_speed.py compares the optimised solver against, number for number.
Do not optimise this file; it is the old code path, kept private to the tests."""

from __future__ import annotations

import math
from typing import Any

from detente.games.crisis.model import (
    BELIEF_STEP,
    CH,
    CLASSES,
    DF,
    FIXED_POINT_ITERS,
    NONE,
    RESPONSES,
    SQ_STEP,
    TIE_TOL,
    VLEN,
    WAR_WEIGHT,
    CrisisModel,
    NodeRecord,
    classify,
)


class ReferenceSolver:
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
                # the model's hold cost: under C3's readings ow * (standoff * (1 + r2) + one), the same float
                # operations as frozen; with C24's coercive holding the pressure is added as the solver adds it
                hv = [fw * self.uu(i, sq2) - m.hold_cost(i, t, r2, (one[0], one[1]), False) for i in (0, 1)]
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


