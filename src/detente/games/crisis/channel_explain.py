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

MAX_LINES = 8  # closed offers told in the text (all are in the JSON)
TYPE_NAMES = ("resolved", "irresolute")


def public_only(m: CrisisModel) -> CrisisModel:
    """The same model with the closed offers removed (the channel terms of public moves kept)."""
    keep = [k for k, ch in enumerate(m.channel_of) if ch == 0]
    return replace(m, offers=tuple(m.offers[k] for k in keep), channel_of=tuple(0 for _ in keep))


def _top(probs: dict[str, float]) -> str:
    return max(CLASSES, key=lambda c: (probs[c], c == "escalation"))


def response_values(sv: _Solver, sol: CrisisSolution, key: tuple, k: int, tc: int, td: int) -> dict[str, list[float]]:
    """(C, D) value of each response to offer ``k`` at state ``key`` for the type pair (tc, td):
    the move's own payoffs plus what follows under the solution's strategies."""
    t, rung, esc, sq, forced, agreed = key[:6]
    st = sv.static(t, rung, esc, sq, forced, agreed)
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


def explain_channels(m: CrisisModel, best: CrisisSolution, qre: CrisisSolution, belief_step: float,
                     probs: dict[str, float] | None = None, mediation: float = 0.0, mean: Any = None
                     ) -> dict[str, Any]:
    """The closed channel's effect on ``m``'s solutions (``best``: lam=None; ``qre``: at its lam). ``probs``:
    the run's QRE outcome probabilities, which with a mediator (``mediation`` > 0) mix the complete-information
    solution in (C7, at the mean costs ``mean``); the public-only counterfactual is mixed the same way."""
    ct = m.channel
    assert ct is not None
    c, d = m.players
    K = len(m.offers) // 2
    pub = public_only(m)
    pub_best = solve_crisis(pub, None, belief_step).outcome_probs()
    pub_qre = solve_crisis(pub, qre.lam, belief_step).outcome_probs()
    both_best, both_qre = best.outcome_probs(), (qre.outcome_probs() if probs is None else dict(probs))
    if mediation > 0:  # as the run's headline (run.py): the counterfactual with the same mediator
        from detente.games.crisis.mechanisms import complete_info

        ci = solve_crisis(complete_info(pub, mean), qre.lam, belief_step).outcome_probs()
        pub_qre = {k: (1 - mediation) * pub_qre[k] + mediation * ci[k] for k in CLASSES}
    lines = [f"Channels (C18): {ct.public} is public (audience cost {ct.public_audience:g}), {ct.closed} closed "
             f"({ct.closed_audience:g}): a closed move's face and audience costs weigh {ct.ratio:.3g} of a public "
             f"one's. Face cost of conceding in public: {c} {ct.face[0]:g}, {d} {ct.face[1]:g} (and credibility "
             f"lost by accepting a demand: {c} {ct.credibility[0]:g}, {d} {ct.credibility[1]:g}); "
             f"information benefit of a maximal public demand: {c} {ct.info[0]:g}, {d} {ct.info[1]:g}."]
    b_top, p_top = _top(both_best), _top(pub_best)
    lines.append(f"With the closed channel the best-response outcome is {b_top} ({both_best[b_top]:.2f}); with the "
                 f"public channel only it is {p_top} ({pub_best[p_top]:.2f}). QRE at lambda={qre.lam:g}: agreement "
                 f"{both_qre['agreement']:.2f} with it, {pub_qre['agreement']:.2f} without; escalation "
                 f"{both_qre['escalation']:.2f} against {pub_qre['escalation']:.2f}"
                 + (f" (a mediator's revelation mixed in with probability {mediation:.2f} in both)." if mediation > 0
                    else "."))
    sv = _Solver(m, None, belief_step)
    two = [abs(m.war_cost[i][0] - m.war_cost[i][1]) > 1e-12 and 0.0 < m.prior[i] < 1.0 for i in (0, 1)]
    moves = []
    for key, rec, P, pairs in typed_reach(best):
        for w, thp, thr in pairs:
            row = _closed_move(m, sv, best, key, rec, P, w, thp, thr, K, two)
            if row is not None:
                moves.append(row)
    moves.sort(key=lambda r: (r["round"], -r["reach"]))
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for r in moves:  # one line per state, offer and responder type: the proposer's types share it
        groups.setdefault((r["key"], r["offer_index"], r["types"][r["responder"]]), []).append(r)
    told = sorted(groups.values(), key=lambda g: (g[0]["round"], -sum(r["reach"] for r in g)))
    texts = [_group_text(g, two) for g in told]
    lines.extend(texts[:MAX_LINES])
    if len(told) > MAX_LINES:
        lines.append(f"... and {len(told) - MAX_LINES} more closed-channel offers on the path (JSON: channels).")
    for r in moves:
        del r["key"], r["offer_index"]
    if not moves:
        lines.append("No offer on the best-response path is made on the closed channel.")
    return {"ratio": ct.ratio, "with_closed": {"best_response": both_best, "qre": both_qre},
            "public_only": {"best_response": pub_best, "qre": pub_qre}, "closed_moves": moves, "text": lines,
            "channel_names": list(CHANNEL_NAMES)}


def _decision_values(m: CrisisModel, sv: _Solver, best: CrisisSolution, key: tuple, rec: Any, P: int, j: int,
                     thp: int, thr: int) -> tuple[dict[str, float], float]:
    """The responder's (type ``thr``) value of each response to offer ``j``, over the proposer's types at
    its belief after the offer (Bayes' rule, as the solver), and the proposer's (type ``thp``) value of
    making the offer, over the responder's types at its belief, given the responders' strategies."""
    R = 1 - P
    mu_p, mu_r = key[6 + P], key[6 + R]
    post = mu_p
    if sv.learn[P]:
        den = mu_p * rec.sigma_p[0][j] + (1 - mu_p) * rec.sigma_p[1][j]
        post = mu_p if den <= 1e-300 else mu_p * rec.sigma_p[0][j] / den
    resp: dict[str, float] = {}
    for th_p, wp in ((0, post), (1, 1 - post)):
        if wp == 0:
            continue
        tc, td = (th_p, thr) if P == 0 else (thr, th_p)
        for a, v in response_values(sv, best, key, j, tc, td).items():
            resp[a] = resp.get(a, 0.0) + wp * v[R]
    prop = 0.0
    for th_r, wr in ((0, mu_r), (1, 1 - mu_r)):
        if wr == 0:
            continue
        tc, td = (thp, th_r) if P == 0 else (th_r, thp)
        vals = response_values(sv, best, key, j, tc, td)
        prop += wr * sum(rec.sigma_r[th_r][j][RESPONSES.index(a)] * v[P] for a, v in vals.items())
    return resp, prop


def _closed_move(m: CrisisModel, sv: _Solver, best: CrisisSolution, key: tuple, rec: Any, P: int, w: float,
                 thp: int, thr: int, K: int, two: list[bool]) -> dict[str, Any] | None:
    """One closed offer on the path (state ``key``, proposer of type ``thp``, responder of type ``thr``):
    the responder's values of answering it in private and the same division in public, in numbers."""
    R = 1 - P
    tc, td = (thp, thr) if P == 0 else (thr, thp)
    k = max(range(len(m.offers)), key=lambda j: rec.sigma_p[thp][j])
    if m.channel_of[k] != 1:
        return None
    kp = k - K  # the same division on the public channel
    closed, val_c = _decision_values(m, sv, best, key, rec, P, k, thp, thr)
    public, val_p = _decision_values(m, sv, best, key, rec, P, kp, thp, thr)
    chosen = RESPONSES[max(range(len(RESPONSES)), key=lambda j: rec.sigma_r[thr][k][j])]
    alt_c = max((a for a in closed if a != "accept"), key=lambda a: closed[a])
    alt_p = max((a for a in public if a != "accept"), key=lambda a: public[a])
    s = m.offers[k]
    only = chosen == "accept" and public.get("accept", 0.0) < public[alt_p] - 1e-9
    return {"round": key[0], "status_quo": key[3], "proposer": m.players[P], "responder": m.players[R],
            "types": {m.players[0]: TYPE_NAMES[tc], m.players[1]: TYPE_NAMES[td]}, "offer": s, "reach": w,
            "response": chosen, "responder_value": {"closed": closed, "public": public}, "only_in_private": only,
            "alternative": {"closed": alt_c, "public": alt_p},
            "proposer_value": {"closed": val_c, "public": val_p}, "key": key, "offer_index": k}


def _group_text(rows: list[dict[str, Any]], two: list[bool]) -> str:
    """One closed offer in words: the responder's values in private and in public, the proposer's (per type)."""
    r = rows[0]
    P, R = r["proposer"], r["responder"]
    players = list(r["types"])
    ip = players.index(P)
    who_r = R + (f" ({r['types'][R]})" if two[1 - ip] else "")
    who_p = P + (f" ({r['types'][P]})" if two[ip] and len(rows) == 1 else "")
    closed, public = r["responder_value"]["closed"], r["responder_value"]["public"]
    alt_c, alt_p = r["alternative"]["closed"], r["alternative"]["public"]
    acc_c, acc_p = closed.get("accept", 0.0), public.get("accept", 0.0)
    guess = " (expected over its belief about the proposer's type)" if two[ip] else ""
    text = (f"Closed channel, round {r['round']} (status quo s={r['status_quo']:.2f}; probability "
            f"{sum(x['reach'] for x in rows):.2f}): {who_p} offers s={r['offer']:.2f} in private and {who_r} "
            f"{r['response']}s. Accepting there is worth {acc_c:+.3f} to it{guess} against {closed[alt_c]:+.3f} for "
            f"{alt_c}; in public the same acceptance would be worth {acc_p:+.3f} ({acc_c - acc_p:.3f} less: face "
            f"and audience costs in full, and a public demand's information loss) against {public[alt_p]:+.3f} for "
            f"{alt_p}")
    text += f": the deal is reachable only in private ({R} would {alt_p} in public)." if r["only_in_private"] else "."
    vals = "; ".join(f"{x['proposer_value']['closed']:+.3f} in private and {x['proposer_value']['public']:+.3f} in "
                     f"public" + (f" ({x['types'][P]})" if len(rows) > 1 else "") for x in rows)
    text += f" To {P} the offer is worth {vals}."
    for x in rows:
        x["text"] = text
    return text
