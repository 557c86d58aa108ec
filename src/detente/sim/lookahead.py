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

import numpy as np

from detente.sim.world import State, World, attention_loads, value


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
        onehot = np.zeros((nc, m))
        pos = np.zeros((nc, m))
        for j, k in enumerate(self.inform):
            mv = w.moves[k]
            if mv.issue is not None and mv.position is not None:
                onehot[j, mv.issue] = 1.0
                pos[j, mv.issue] = mv.position
        self.c_onehot, self.c_pos = onehot, pos
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

    def _issue_values(self, x: np.ndarray) -> np.ndarray:
        """(L, n): each player's issue value of each row of realised values ``x`` (L, m)."""
        return np.stack([(self.isal[p] * (1.0 - np.abs(x - self.iideal[p]) / self.span)).sum(axis=1)
                         for p in range(self.n)], axis=1)

    def values(self, s: State, leaves: list[State], moves: list[tuple[int, int]]) -> np.ndarray:
        """(L, n): ``shadowed_value(w, x, end_round(w, leaf))`` for each leaf grown from ``s``
        by the moves ``(k, r)`` (player's move, other's reply)."""
        w = self.w
        n = self.n
        out = np.empty((len(leaves), n))
        live = [j for j, sr in enumerate(leaves) if sr.war_by < 0]
        for j, sr in enumerate(leaves):
            if sr.war_by >= 0:  # the round's end changes nothing a value reads
                out[j] = [value(w, x, sr) for x in range(n)]
        if not live:
            return out
        rows = [leaves[j] for j in live]
        nl = len(rows)
        realised = np.array([sr.realised for sr in rows], dtype=float)
        face = np.array([sr.face for sr in rows], dtype=float)
        ledger = np.array([sr.ledger for sr in rows], dtype=float)
        kr = np.array([moves[j] for j in live], dtype=int).reshape(nl, 2)
        loads = np.array(attention_loads(w, s.attention)) + self.att[kr[:, 0]] + self.att[kr[:, 1]]
        member = np.zeros((nl, len(self.inform)))
        for r, sr in enumerate(rows):
            for c in sr.campaigns:
                member[r, self.c_index[c]] = 1.0

        # the audiences' opinion step, for every leaf at once
        op = np.nan_to_num(np.array(s.opinion, dtype=float).reshape(self.anchor.shape))
        cred = np.clip(1.0 + face, 0.1, 1.0)  # (L, n)
        act = member[:, None, :] * self.c_seen[None, :, :]  # (L, A, C)
        load = loads + (act * self.c_int).sum(axis=2)  # (L, A)
        wt = act * self.c_factor * cred[:, self.c_player][:, None, :] * self.c_int / load[:, :, None]
        big_w = wt @ self.c_onehot  # (L, A, m)
        pulled = wt @ self.c_pos
        new_op = self.sa * ((1.0 - big_w) * op + pulled) + (1.0 - self.sa) * self.anchor
        new_op = np.where(self.cells, new_op, 0.0)
        ov = np.stack([(self.osal[p] * (1.0 - np.abs(new_op - self.oideal[p]) / self.span)).sum(axis=(1, 2))
                       for p in range(n)], axis=1)
        iv = self._issue_values(realised)
        rest = ov + face + ledger
        base = iv + rest
        shadow = base.copy()

        threats = np.array([sr.threats for sr in rows], dtype=float).reshape(nl, n, -1)
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
                played = np.array([k in sr.played for sr in rows], dtype=bool)
                led_q = np.where(played, ledger[:, q], ledger[:, q] + (mv.benefit - mv.cost))
                v_q_war = ev[:, q] + (ov[:, q] + face[:, q] + led_q) - w.war_cost[q]
                v_p_war = ev[:, p] + rest[:, p] - w.war_cost[p]
                gain = (v_q_war - base[:, q]) / w.temperature
                h = np.where(gain > -700, 1.0 / (1.0 + np.exp(-np.maximum(gain, -700.0))), 0.0)
                shadow[:, p] = np.where(ok, (1.0 - h) * base[:, p] + h * v_p_war, shadow[:, p])
        out[live] = shadow
        return out
