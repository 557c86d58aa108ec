"""Fast evaluation of the look-ahead's leaves: both players' values under the shadow of war.

The planner values every (move, reply) pair of a decision at the end of the round: that is
``shadowed_value(w, x, end_round(w, leaf))`` for both players ``x``. Done one leaf at a time
that is a state copy for the round's end and one per side's war move, and eight utility sums.
Here the leaves of one decision are evaluated together with numpy: the audiences' opinion step
(Friedkin–Johnsen with attention competition), the opinion and issue values, the war lottery
each side could start and the logit shadow of war, as arrays over the leaves.

It is the same model as :mod:`detente.sim.world` (which stays the reference, and the code path
of the real run); sums are taken in a different order, so values agree to rounding (about
1e-15), which ``tests/test_sim.py`` checks leaf by leaf on hand-made worlds.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from detente.sim.world import (
    State,
    World,
    _issue_value,
    _opinion_value,
    apply,
    attention_loads,
    war_outcomes,
)


class LeafBatch:
    """Evaluates the leaves of one decision; built once per world."""

    def __init__(self, w: World) -> None:
        self.w = w
        n, m, na = w.n_players, w.n_issues, len(w.audience_ids)
        self.n = n
        span = np.array(w.span, dtype=float)
        self.span = span
        # issue values: sum_i sal[x, i] (1 - |x_i - ideal[x, i]| / span_i)
        self.isal = np.zeros((n, m))
        self.iideal = np.zeros((n, m))
        for x, terms in enumerate(w.issue_terms):
            for i, sal, ideal, _span in terms:
                self.isal[x, i] = sal
                self.iideal[x, i] = ideal
        # opinion values: sum_{a, i} sal[x, a, i] (1 - |y_ai - ideal| / span_i)
        self.osal = np.zeros((n, na, m))
        self.oideal = np.zeros((n, na, m))
        for x, terms in enumerate(w.opinion_terms):
            for a, i, sal, ideal, _span in terms:
                self.osal[x, a, i] = sal
                self.oideal[x, a, i] = ideal
        anchor = np.array(w.anchor, dtype=float).reshape(na, m)
        self.cells = ~np.isnan(anchor)
        self.anchor = np.nan_to_num(anchor)
        self.sa = np.array(w.susceptibility, dtype=float).reshape(na, 1)
        # campaigns (inform moves): who sees them, their weight factor, message and issue
        self.inform = [k for k, mv in enumerate(w.moves) if mv.kind.effect == "inform"]
        self.c_index = {k: j for j, k in enumerate(self.inform)}
        nc = len(self.inform)
        self.c_seen = np.array([[k in w.seen_moves[a] for k in self.inform] for a in range(na)],
                               dtype=float).reshape(na, nc)
        self.c_factor = np.array([[w.campaign_factor[a][k] for k in self.inform] for a in range(na)],
                                 dtype=float).reshape(na, nc)
        self.c_int = np.array([w.moves[k].intensity for k in self.inform], dtype=float)
        self.c_player = np.array([w.moves[k].player for k in self.inform], dtype=int)
        self.c_target = [(w.moves[k].issue if w.moves[k].issue is not None and w.moves[k].position is not None
                          else -1, w.moves[k].position or 0.0) for k in self.inform]
        # war moves per player, in menu order (the first available one is the one played)
        self.war_moves = [[k for k in w.menu[q] if w.moves[k].kind.effect == "war"] for q in range(n)]
        self.war_issues = list(w.war_issues)
        # the news value each move adds to each audience's attention load (apply appends a
        # public, non-campaign move to the attention)
        self.att = np.zeros((len(w.moves), na))
        for k, mv in enumerate(w.moves):
            if mv.type != "pass" and mv.track != "closed" and mv.kind.effect != "inform":
                for a in range(na):
                    if k in w.seen_moves[a]:
                        self.att[k, a] = mv.intensity

        # memos: a campaign set's 0/1 row; the last decision's opinion table and attention
        # loads as arrays (tables are replaced whole, never changed in place: see State.copy)
        self._campaign_rows: dict[tuple[int, ...], list[float]] = {}
        self._lotteries: dict[tuple[object, ...], list[float]] = {}
        self._op_of: object = None
        self._op = np.zeros(0)
        self._loads_of: object = None
        self._loads = np.zeros(0)

    def _campaign_row(self, campaigns: tuple[int, ...]) -> list[float]:
        row = [0.0] * len(self.inform)
        for c in campaigns:
            row[self.c_index[c]] = 1.0
        self._campaign_rows[campaigns] = row
        return row

    def _issue_values(self, x: np.ndarray) -> np.ndarray:
        """(L, n): each player's issue value of each row of realised values ``x`` (L, m)."""
        # all players at once: the same products, each summed along its own contiguous row of
        # m issues as in a per-player sum, so the same sums bit for bit
        return (self.isal * (1.0 - np.abs(x[:, None, :] - self.iideal) / self.span)).sum(axis=2)

    def values(self, s: State, leaves: list[State], ks: Any, rs: Any) -> np.ndarray:
        """(L, n): ``shadowed_value(w, x, end_round(w, leaf))`` for each leaf grown from ``s``
        by the player's move ``ks[j]`` and the other's reply ``rs[j]``."""
        idx = list(range(len(leaves)))
        return self.values_of(s, leaves, idx, [-1] * len(leaves), Effects(), ks, rs)

    def _war_values(self, bases: list[State], war_base: list[bool]) -> dict[int, list[float]]:
        """``value(w, x, b)`` of each base at war, with each war lottery's issue values
        computed once (bases of one decision share the opinion, and often the lottery)."""
        w = self.w
        n = self.n
        out: dict[int, list[float]] = {}
        lotteries = self._lotteries  # kept across decisions: a pure function of its key
        if len(lotteries) > 100_000:
            lotteries.clear()
        ov: list[float] | None = None
        for g, b in enumerate(bases):
            if not war_base[g]:
                continue
            key = (b.war_by, tuple(b.realised), tuple(map(tuple, b.threats)))
            ev = lotteries.get(key)
            if ev is None:
                outcomes = war_outcomes(w, b, b.war_by)
                ev = [sum(prob * _issue_value(w, x, xs) for prob, xs in outcomes) for x in range(n)]
                lotteries[key] = ev
            if ov is None:
                ov = [_opinion_value(w, x, b) for x in range(n)]
            out[g] = [ev[x] + (ov[x] + b.face[x] + b.ledger[x]) - w.war_cost[x] for x in range(n)]
        return out

    def values_of(self, s: State, bases: list[State], gi: list[int], ei: list[int], eff: Effects,
                  ks: Any, rs: Any) -> np.ndarray:
        """As :meth:`values`, for leaves given as a base state ``bases[gi[j]]`` (the state after
        the player's move, or a whole leaf) plus, when ``ei[j] >= 0``, the effect ``ei[j]`` of
        the reply (see :class:`Effects`), which adds to face and ledger and sets values."""
        w = self.w
        n = self.n
        nb = len(bases)
        out = np.empty((len(gi), n))
        war_base = [b.war_by >= 0 for b in bases]
        gi_all = np.asarray(gi, dtype=int)
        at_war = np.asarray(war_base, dtype=bool)[gi_all]
        live = np.nonzero(~at_war)[0]
        if len(live) < len(gi):
            war_vals = self._war_values(bases, war_base)
            for j in np.nonzero(at_war)[0].tolist():  # the round's end changes nothing a value reads
                out[j] = war_vals[gi[j]]
        if not len(live):
            return out
        g_idx = gi_all[live]
        e_idx = np.asarray(ei, dtype=int)[live]
        nl = len(live)
        m = w.n_issues
        # one flat row per base (one conversion, not four): realised | face | ledger | threats
        flat = np.array([b.realised + b.face + b.ledger + b.threats[0] + b.threats[1] for b in bases],
                        dtype=float).reshape(nb, m + 2 * n + n * m)[g_idx]
        fd, ld = eff.arrays(n)
        realised = flat[:, :m].copy()
        face = flat[:, m:m + n] + fd[e_idx]
        ledger = flat[:, m + n:m + 2 * n] + ld[e_idx]
        threats = flat[:, m + 2 * n:].reshape(nl, n, m).copy()
        rows_of = self._campaign_rows
        member_b = [rows_of.get(b.campaigns) or self._campaign_row(b.campaigns) for b in bases]
        member = np.array(member_b, dtype=float).reshape(nb, len(self.inform))[g_idx]
        if eff.n:
            has = e_idx >= 0
            rows = np.nonzero(has)[0]
            e = e_idx[has]
            issue = np.asarray(eff.issue, dtype=int)[e]
            sets = issue >= 0
            if sets.any():
                rr, ii, ee = rows[sets], issue[sets], e[sets]
                realised[rr, ii] = np.asarray(eff.realised, dtype=float)[ee]
                thr = np.asarray(eff.threats, dtype=float).reshape(-1, n)[ee]
                for x in range(n):
                    threats[rr, x, ii] = thr[:, x]
            informs = [c for c, camp in enumerate(eff.campaigns) if camp is not None]
            if informs:
                table = np.zeros((eff.n, len(self.inform)))
                for c in informs:
                    for k in eff.campaigns[c]:  # type: ignore[union-attr]
                        table[c, self.c_index[k]] = 1.0
                sets_c = np.asarray([camp is not None for camp in eff.campaigns])[e]
                member[rows[sets_c]] = table[e[sets_c]]
        kk = np.asarray(ks, dtype=int)[live]
        rr_ = np.asarray(rs, dtype=int)[live]
        if s.opinion is not self._op_of:  # both players' decisions of a round share the table
            self._op_of = s.opinion
            self._op = np.nan_to_num(np.array(s.opinion, dtype=float).reshape(self.anchor.shape))
        if s.attention is not self._loads_of:
            self._loads_of = s.attention
            self._loads = np.array(attention_loads(w, s.attention))
        loads = self._loads + self.att[kk] + self.att[rr_]

        # the audiences' opinion step, for every leaf at once
        op = self._op
        cred = np.clip(1.0 + face, 0.1, 1.0)  # (L, n)
        act = member[:, None, :] * self.c_seen[None, :, :]  # (L, A, C)
        load = loads + (act * self.c_int).sum(axis=2)  # (L, A)
        wt = act * self.c_factor * cred[:, self.c_player][:, None, :] * self.c_int / load[:, :, None]
        big_w = np.zeros((nl, *self.anchor.shape))  # (L, A, m); a loop, not BLAS: tiny and threads
        pulled = np.zeros_like(big_w)
        for j, (i, msg) in enumerate(self.c_target):
            if i >= 0:
                big_w[:, :, i] += wt[:, :, j]
                pulled[:, :, i] += wt[:, :, j] * msg
        new_op = self.sa * ((1.0 - big_w) * op + pulled) + (1.0 - self.sa) * self.anchor
        new_op = np.where(self.cells, new_op, 0.0)
        coh = [c + rate * ((new_op[:, a, i] - w.lo[i]) / w.span[i] - c)  # cohesion after the round
               for (a, i, _start, rate), c in zip(w.cohesion_specs, s.cohesion, strict=True)]
        ov = (self.osal * (1.0 - np.abs(new_op[:, None] - self.oideal) / self.span)).sum(axis=(2, 3))
        iv = self._issue_values(realised)
        rest = ov + face + ledger
        base = iv + rest
        shadow = base.copy()

        has_threat = ~np.isnan(threats)
        any_threat = bool(has_threat.any())
        for q in range(n):
            p = 1 - q
            pending = np.ones(nl, dtype=bool)  # no war move chosen for q yet
            for k in self.war_moves[q]:
                mv = w.moves[k]
                ok = pending.copy()
                for a, i, lo_b, hi_b in mv.gates:
                    y = new_op[:, a, i]
                    ok &= (lo_b <= y) & (y <= hi_b)
                for c, lo_b, hi_b in mv.cgates:
                    ok &= (lo_b <= coh[c]) & (coh[c] <= hi_b)
                if not ok.any():
                    continue
                pending &= ~ok
                x = realised.copy()
                if mv.issue is not None and mv.position is not None:
                    x[:, mv.issue] = mv.position
                if any_threat:
                    for qq in range(n):
                        x = np.where(has_threat[:, qq, :], threats[:, qq, :], x)
                lottery = []
                for winner in (q, p):
                    xw = x.copy()
                    for i in self.war_issues:
                        if not math.isnan(w.ideal[winner][i]):
                            xw[:, i] = w.ideal[winner][i]
                    lottery.append(self._issue_values(xw))
                prob = w.win_prob[q]
                ev = prob * lottery[0] + (1.0 - prob) * lottery[1]
                played = np.array([k in b.played for b in bases], dtype=bool)[g_idx]  # replies are not q's
                led_q = np.where(played, ledger[:, q], ledger[:, q] + (mv.benefit - mv.cost))
                v_q_war = ev[:, q] + (ov[:, q] + face[:, q] + led_q) - w.war_cost[q]
                v_p_war = ev[:, p] + rest[:, p] - w.war_cost[p]
                gain = (v_q_war - base[:, q]) / w.temperature
                h = np.where(gain > -700, 1.0 / (1.0 + np.exp(-np.maximum(gain, -700.0))), 0.0)
                shadow[:, p] = np.where(ok, (1.0 - h) * base[:, p] + h * v_p_war, shadow[:, p])
        out[live] = shadow
        return out


class Effects:
    """What replies do to the numbers a leaf's value reads, found once per decision by applying
    each reply to the decision's state: the change of face and ledger, and the values it sets on
    its issue (the situation on the ground, the threats). A reply's effect is the same after any
    move of the player that leaves the reply's issue alone (see :func:`touches`)."""

    def __init__(self) -> None:
        self.face: list[tuple[float, ...]] = []
        self.ledger: list[tuple[float, ...]] = []
        self.issue: list[int] = []
        self.realised: list[float] = []
        self.threats: list[float] = []
        self.campaigns: list[tuple[int, ...] | None] = []
        self.by_move: dict[int, int] = {}

    @property
    def n(self) -> int:
        return len(self.issue)

    def of(self, w: World, s: State, r: int) -> int:
        """The index of reply ``r``'s effect on ``s`` (applied once, then remembered)."""
        hit = self.by_move.get(r)
        if hit is not None:
            return hit
        sr = apply(w, s, r)
        mv = w.moves[r]
        # a dyad (M1): rows indexed by player come in pairs
        f0, f1 = s.face
        self.face.append((sr.face[0] - f0, sr.face[1] - f1))
        l0, l1 = s.ledger
        self.ledger.append((sr.ledger[0] - l0, sr.ledger[1] - l1))
        i = mv.issue
        if i is None:
            self.issue.append(-1)
            self.realised.append(0.0)
            self.threats += (0.0, 0.0)
        else:
            self.issue.append(i)
            self.realised.append(sr.realised[i])
            self.threats += (sr.threats[0][i], sr.threats[1][i])
        self.campaigns.append(sr.campaigns if mv.kind.effect == "inform" else None)
        self.by_move[r] = len(self.issue) - 1
        return self.by_move[r]

    def arrays(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Face and ledger changes, with a row of zeros last (for leaves with no effect, index -1)."""
        zero = [(0.0,) * n]
        return (np.array(self.face + zero, dtype=float).reshape(-1, n),
                np.array(self.ledger + zero, dtype=float).reshape(-1, n))


def touches(w: World, k: int, r: int) -> bool:
    """Whether reply ``r``'s effect may depend on the player's move ``k`` before it: the same
    issue, an issue-less threat (it commits on every contested issue), two campaigns (the newer
    one replaces the older), or a war reply (valued as a whole state)."""
    mk, mr = w.moves[k], w.moves[r]
    if mr.kind.effect == "war":
        return True
    if mr.issue is None:
        return False
    if mk.issue == mr.issue:
        return True
    if mk.kind.effect == "threat" and mk.issue is None:
        return True
    return mk.kind.effect == "inform" and mr.kind.effect == "inform"
