"""What the closed channel changes in a solved crisis model, in words and numbers (docs/DECISIONS.md C18).

Two readings: (1) the counterfactual with the public channel only (the same model and terms, the closed
offers removed), solved at the same settings; (2) on the best-response path, every offer made on the
closed channel, with the responder's value of accepting it there and of accepting the same division in
public, against its next best response, and the proposer's value of each channel.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from detente.games.crisis.channels import CHANNEL_NAMES
from detente.games.crisis.model import (
    CLASSES,
    RESPONSES,
    CrisisModel,
    CrisisSolution,
    _Solver,
    solve_crisis,
    typed_reach,
)


def public_only(m: CrisisModel) -> CrisisModel:
    """The same model with the closed offers removed (the channel terms of public moves kept)."""
    keep = [k for k, ch in enumerate(m.channel_of) if ch == 0]
    return replace(m, offers=tuple(m.offers[k] for k in keep), channel_of=tuple(0 for _ in keep))


def _top(probs: dict[str, float]) -> str:
    return max(CLASSES, key=lambda c: (probs[c], c == "escalation"))


def response_values(sv: _Solver, sol: CrisisSolution, key: tuple, k: int, tc: int, td: int) -> dict[str, list[float]]:
    """(C, D) value of each response to offer ``k`` at state ``key`` for the type pair (tc, td):
    the move's own payoffs plus what follows under the solution's strategies."""
    t, rung, esc, sq, forced = key[:5]
    st = sv.static(t, rung, esc, sq, forced)
    rec = sol.nodes[key]
    out = {}
    for ai, a in enumerate(st.allowed):
        x = st.imm[k][ai][tc][td]
        child = rec.children[k][RESPONSES.index(a)]
        if child is not None:
            c = sol.nodes[child].values[tc][td]
        else:
            cont = st.conts0[k][ai]
            c = cont[tc][td] if cont is not None else [0.0, 0.0]
        out[a] = [x[0] + c[0], x[1] + c[1]]
    return out


def explain_channels(m: CrisisModel, best: CrisisSolution, qre: CrisisSolution, belief_step: float
                     ) -> dict[str, Any]:
    """The closed channel's effect on ``m``'s solutions (``best``: lam=None; ``qre``: at its lam)."""
    ct = m.channel
    assert ct is not None
    c, d = m.players
    K = len(m.offers) // 2
    pub = public_only(m)
    pub_best = solve_crisis(pub, None, belief_step).outcome_probs()
    pub_qre = solve_crisis(pub, qre.lam, belief_step).outcome_probs()
    both_best, both_qre = best.outcome_probs(), qre.outcome_probs()
    lines = [f"Channels (C18): {ct.public} is public (audience cost {ct.public_audience:g}), {ct.closed} closed "
             f"({ct.closed_audience:g}): a closed move's face and audience costs weigh {ct.ratio:.3g} of a public "
             f"one's. Face cost of conceding in public: {c} {ct.face[0]:g}, {d} {ct.face[1]:g} (and credibility "
             f"lost by accepting a demand: {c} {ct.credibility[0]:g}, {d} {ct.credibility[1]:g}); "
             f"information benefit of a maximal public demand: {c} {ct.info[0]:g}, {d} {ct.info[1]:g}."]
    b_top, p_top = _top(both_best), _top(pub_best)
    lines.append(f"With the closed channel the best-response outcome is {b_top} ({both_best[b_top]:.2f}); with the "
                 f"public channel only it is {p_top} ({pub_best[p_top]:.2f}). QRE at lambda={qre.lam:g}: agreement "
                 f"{both_qre['agreement']:.2f} with it, {pub_qre['agreement']:.2f} without; escalation "
                 f"{both_qre['escalation']:.2f} against {pub_qre['escalation']:.2f}.")
    sv = _Solver(m, None, belief_step)
    moves = []
    for key, rec, P, pairs in typed_reach(best):
        R = 1 - P
        w, thp, thr = max(pairs)
        tc, td = (thp, thr) if P == 0 else (thr, thp)
        k = max(range(len(m.offers)), key=lambda j: rec.sigma_p[thp][j])
        if m.channel_of[k] != 1:
            continue
        kp = k - K  # the same division on the public channel
        closed = response_values(sv, best, key, k, tc, td)
        public = response_values(sv, best, key, kp, tc, td)
        ai = max(range(len(RESPONSES)), key=lambda j: rec.sigma_r[thr][k][j])
        chosen = RESPONSES[ai]
        alt_c = max((a for a in closed if a != "accept"), key=lambda a: closed[a][R])
        alt_p = max((a for a in public if a != "accept"), key=lambda a: public[a][R])
        s = m.offers[k]
        who_p, who_r = m.players[P], m.players[R]
        row = {"round": key[0], "proposer": who_p, "responder": who_r, "offer": s, "reach": w,
               "response": chosen, "closed": closed, "public": public}
        acc_c, acc_p = closed.get("accept", [0.0, 0.0])[R], public.get("accept", [0.0, 0.0])[R]
        extra = acc_c - acc_p
        text = (f"Round {key[0]} (status quo s={key[3]:.2f}): {who_p} offers s={s:.2f} on the closed channel and "
                f"{who_r} {chosen}s. "
                f"Accepting there is worth {acc_c:+.3f} to {who_r} against {closed[alt_c][R]:+.3f} for {alt_c}; "
                f"in public the same acceptance would be worth {acc_p:+.3f} ({extra:.3f} less: face and audience "
                f"costs in full and any public demand's information loss) against {public[alt_p][R]:+.3f} for "
                f"{alt_p}")
        if chosen == "accept" and acc_p < public[alt_p][R] - 1e-9:
            text += f": the deal is reachable only in private ({who_r} would {alt_p} in public)."
            row["only_in_private"] = True
        else:
            text += "."
            row["only_in_private"] = False
        # the proposer's side: its value of this offer on each channel, given the responder's replies
        val_c = _offer_value(rec, closed, thr, k, P)
        val_p = _offer_value(rec, public, thr, kp, P)
        text += (f" {who_p} values the offer at {val_c:+.3f} made in private and {val_p:+.3f} made in public.")
        row["proposer_value"] = {"closed": val_c, "public": val_p}
        row["text"] = text
        moves.append(row)
        lines.append(text)
    if not moves:
        lines.append("No offer on the best-response path is made on the closed channel.")
    return {"ratio": ct.ratio, "with_closed": {"best_response": both_best, "qre": both_qre},
            "public_only": {"best_response": pub_best, "qre": pub_qre}, "closed_moves": moves, "text": lines,
            "channel_names": list(CHANNEL_NAMES)}


def _offer_value(rec: Any, vals: dict[str, list[float]], thr: int, k: int, P: int) -> float:
    return sum(rec.sigma_r[thr][k][RESPONSES.index(a)] * v[P] for a, v in vals.items())
