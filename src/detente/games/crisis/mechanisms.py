"""Which rationalist mechanism drives war in a solved crisis model (Fearon 1995; Powell 2006).

Counterfactual solves separate the two mechanisms: complete information (each principal's war cost
fixed at its stated value, types common knowledge) and no shift in power (p fixed at round 0).
The escalation probability's drop when private information is removed is the information effect;
its drop under complete information when the shift is removed is the commitment effect. Under a
finite QRE precision some escalation remains with neither (mistakes); that floor is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from detente.games.crisis.model import CrisisModel, CrisisSolution, solve_crisis

EFFECT_MIN = 0.05  # an effect below this share of escalation probability is "none"


@dataclass
class Diagnosis:
    mechanism: str  # "private information", "commitment problem", "both", "none"
    text: list[str]
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"mechanism": self.mechanism, "explanation": self.text, "numbers": self.numbers}


def complete_info(m: CrisisModel, mean: tuple[float, float]) -> CrisisModel:
    return replace(m, war_cost=((mean[0], mean[0]), (mean[1], mean[1])), prior=(1.0, 1.0))


def no_shift(m: CrisisModel) -> CrisisModel:
    return replace(m, p=tuple(m.p[0] for _ in m.p))


def type_behaviour(sol: CrisisSolution) -> dict[str, dict[str, dict[str, float]]]:
    """Per principal and type: the share of its responses on the path that were accept/hold/escalate/war."""
    m = sol.model
    out: dict[str, dict[str, dict[str, float]]] = {}
    acc: dict[tuple[int, int], dict[str, float]] = {}
    from detente.games.crisis.model import RESPONSES, typed_reach

    for _key, rec, P, pairs in typed_reach(sol):
        R = 1 - P
        for w, thp, thr in pairs:
            d = acc.setdefault((R, thr), dict.fromkeys(RESPONSES, 0.0))
            for k in range(len(m.offers)):
                for ai, a in enumerate(RESPONSES):
                    d[a] += w * rec.sigma_p[thp][k] * rec.sigma_r[thr][k][ai]
    for (who, th), d in acc.items():
        z = sum(d.values()) or 1.0
        out.setdefault(m.players[who], {})["resolved" if th == 0 else "irresolute"] = {
            a: v / z for a, v in d.items()}
    return out


def diagnose(m: CrisisModel, sol: CrisisSolution, mean_cost: tuple[float, float], lam: float | None) -> Diagnosis:
    ci = solve_crisis(complete_info(m, mean_cost), lam)
    ci_ns = solve_crisis(no_shift(complete_info(m, mean_cost)), lam)
    full = sol.war_probability
    p_ci, p_ci_ns = ci.war_probability, ci_ns.war_probability
    info = full - p_ci
    commit = p_ci - p_ci_ns
    _c, _d = m.players
    T = m.horizon
    nums: dict[str, Any] = {"escalation": full, "escalation_complete_info": p_ci,
                            "escalation_complete_info_no_shift": p_ci_ns,
                            "information_effect": info, "commitment_effect": commit}
    text: list[str] = []
    # Powell's test for the side whose chance of prevailing falls most
    drop_c = m.p[0] - m.p[-1]
    loser = 0 if drop_c >= 0 else 1
    other = 1 - loser
    share0 = m.p[0] if loser == 0 else 1 - m.p[0]
    shareT = m.p[-1] if loser == 0 else 1 - m.p[-1]
    w_now = m.war_value(loser, 0, 0 if m.prior[loser] >= 0.5 else 1) if T else 0.0
    w_next = m.war_value(loser, min(1, T - 1), 0 if m.prior[loser] >= 0.5 else 1)
    full_stake = m.u(loser, 1.0 if loser == 0 else 0.0)
    cover = (1 - m.discount) * full_stake + m.discount * max(w_next, m.u(loser, 0.0 if loser == 0 else 1.0))
    span = abs(m.u(loser, 1.0) - m.u(loser, 0.0)) or 1.0
    need = max(0.0, (1 - m.discount) * (full_stake - w_now) / (m.discount * span)) if m.discount > 0 else 0.0
    step = abs(m.p[0] - m.p[1]) if T > 1 else 0.0
    nums.update({"declining_side": m.players[loser], "share_now": share0, "share_at_deadline": shareT,
                 "deadline_round": T - 1, "war_value_now": w_now, "most_credible_offer_value": cover,
                 "powell_gap": w_now - cover, "shift_needed_in_one_round": need, "shift_first_round": step})
    if abs(drop_c) > 1e-9:
        text.append(f"{m.players[loser]}'s chance of prevailing falls from {share0:.2f} now to {shareT:.2f} by "
                    f"round {T - 1}. War now is worth {w_now:+.3f} to it; the most {m.players[other]} can credibly "
                    f"give (everything this round, then only what {m.players[loser]} could force next round) is "
                    f"worth {cover:+.3f}" + (" — it does not cover the loss." if w_now > cover else
                                             " — enough to cover the loss.")
                    + f" A commitment problem needs its chance to fall by {need:.3f} in one round; it falls by "
                      f"{step:.3f}.")
    if full < EFFECT_MIN:
        mech = "none"
        text.insert(0, f"None applies: escalation has probability {full:.2f}; the bargaining range is open and "
                       "the model's offers settle or freeze the crisis.")
    else:
        named = []
        if info >= EFFECT_MIN:
            named.append("private information")
            beh = type_behaviour(sol)
            bits = []
            for who, types in beh.items():
                r, i = types.get("resolved"), types.get("irresolute")
                if r and i:
                    bits.append(f"{who}'s resolved type goes to war in {r['war']:.0%} of its responses and "
                                f"escalates in {r['escalate']:.0%}; its irresolute type escalates (bluffs) in "
                                f"{i['escalate']:.0%} and accepts in {i['accept']:.0%}")
            nums["type_behaviour"] = beh
            text.append(f"Private information: with war costs known to both, escalation would have probability "
                        f"{p_ci:.2f} instead of {full:.2f}. Each side has an incentive to look resolved, so offers "
                        "screen and are sometimes refused (Fearon 1995's risk-return trade-off). " + "; ".join(bits))
        if commit >= EFFECT_MIN:
            named.append("commitment problem")
            text.append(f"Commitment problem: with complete information escalation has probability {p_ci:.2f}, and "
                        f"{p_ci_ns:.2f} if power did not shift (Powell 2006): {m.players[loser]} fights before the "
                        "balance turns because no offer can bind the future.")
        if not named:
            mech = "none"
            text.insert(0, f"Neither rationalist mechanism accounts for the escalation probability ({full:.2f}): "
                           f"it stays at {p_ci_ns:.2f} with complete information and no shift, so it comes from "
                           "the model's choice noise (QRE) and the costs of standing firm.")
        else:
            mech = "both" if len(named) == 2 else named[0]
            text.insert(0, f"Mechanism: {' and '.join(named)} (escalation {full:.2f}; complete information "
                           f"{p_ci:.2f}; complete information without the power shift {p_ci_ns:.2f}).")
            if p_ci_ns >= EFFECT_MIN:
                # "most" only when it is: 0.09 of 0.91 is the small remainder the mechanisms leave
                share = "Most of it" if p_ci_ns >= full / 2 else "The rest"
                text.insert(1, f"{share} ({p_ci_ns:.2f}) comes from neither mechanism: it remains with complete "
                               "information and no shift, from the costs of standing firm (per-round standoff "
                               "costs against the one-time cost of war) and the model's choice noise (QRE).")
    return Diagnosis(mech, text, nums)
