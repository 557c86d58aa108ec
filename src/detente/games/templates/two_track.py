"""The founding case's two-track ultimatum game, built from a scenario.

Tree (challenger C, defender D):
  C: no_demand | moderate | ultimatum            (public track)
  D: reject | counter | accept                   (after a demand)
  C: hold | escalate | withdraw                  (after reject; after counter also accept)
  D: no_deal | closed_deal,  C: refuse | accept  (optional closed track, after hold)
  escalate -> chance: C prevails (p) | D prevails (1 - p)

Payoff mapping (docs/DECISIONS.md, G3): an outcome moves the game's issue (and the
troops issue) to new positions; an actor's issue value is
  sum_k salience_k * (|sq_k - pos_k| - |x_k - pos_k|) / span_k,
its gain over the status quo in salience-weighted shares of each scale (so the status
quo is worth 0). Named cost terms from ``parameters`` are then added:
  info benefit b (to C, and lost by D) for a public demand, scaled by the demand's
  share of the maximal demand; D's face and credibility cost for accepting in public;
  D's face cost for a public counter-offer, in proportion to what it offers; C's face
  cost for withdrawing, in full after withdrawing and in proportion after accepting a
  counter-offer; war costs and sanctions on escalation. Costs on the closed track are
  scaled by closed/public audience cost of the channels.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from detente.defaults import DefaultUsed
from detente.errors import InputError
from detente.games.inputs import stance_of
from detente.games.tree import Game
from detente.scenario.schema import CostTerm, GameSpec, Scenario

PROB_TERMS = {CostTerm.challenger_war_win_prob, CostTerm.prior_resolve, CostTerm.challenger_discount,
              CostTerm.defender_discount}
FIXED_TERMS = {CostTerm.horizon}  # whole numbers: not searched for thresholds
SALIENCE_TEMPLATES = {"two_track", "iig", "audience_cost"}


@dataclass(frozen=True)
class Knob:
    """One number the game is built from, which the threshold search may vary."""

    key: str  # parameter name, or "audience_cost:<channel>"
    term: str  # what it is in the game
    value: float
    low: float  # search range
    high: float
    unit: float | None = None  # the scenario's stated range (high - low), for joint distances


def knobs(sc: Scenario, spec: GameSpec) -> list[Knob]:
    """The numbers the threshold search varies: cost terms, audience costs, the two saliences."""
    out = []
    for term, name in spec.costs.items():
        if term in FIXED_TERMS:
            continue
        num = sc.parameters[name]
        if term in PROB_TERMS:
            lo, hi = 0.0, 1.0
        else:
            lo = min(0.0, num.bounds[0])
            hi = max(4 * abs(num.value), 2 * num.bounds[1], 1.0)
        out.append(Knob(name, str(term), num.value, lo, hi, num.bounds[1] - num.bounds[0]))
    channels = (spec.public_channel, spec.closed_channel) if spec.template == "two_track" else \
        (spec.public_channel,) if spec.template == "audience_cost" and \
        CostTerm.challenger_audience_cost not in spec.costs else ()
    for ch_id in channels:
        if ch_id is not None:
            ch = next(c for c in sc.channels if c.id == ch_id)
            v = ch.audience_cost.value
            out.append(Knob(f"audience_cost:{ch_id}", f"audience cost of {ch_id}", v, 0.0,
                            max(4 * v, 2 * ch.audience_cost.bounds[1], 1.0)))
    for actor in (spec.challenger, spec.defender) if spec.template in SALIENCE_TEMPLATES else ():
        st = sc.positions.get(actor, {}).get(spec.issue)
        if st is not None:
            out.append(Knob(f"salience:{actor}:{spec.issue}", f"salience of {spec.issue} to {actor}",
                            st.salience.value, 0.0, 1.0))
    return out


DEFAULT_REASON = {
    CostTerm.challenger_war_win_prob: "no parameter named: the challenger's chance of prevailing in war is "
                                      "taken as a coin flip (0.5), not from the capabilities",
}


def _spec_error(sc: Scenario, spec: GameSpec, field: str, reason: str) -> InputError:
    return InputError(reason, sc.meta.id, field=f"games.{spec.id}.{field}")


@dataclass(frozen=True)
class IssueReading:
    """The scenario's numbers the two-track payoffs read (decision G3), with what-if ``over``rides by the
    template's keys; shared by the template and the general model's instance of it (C18)."""

    sc: Scenario
    spec: GameSpec
    over: Mapping[str, float]

    def stance(self, actor: str, issue: str) -> tuple[float, float] | None:
        """(position, salience) of ``actor`` on ``issue``, or None."""
        return stance_of(self.sc, self.over, actor, issue)

    def sq_of(self, issue_id: str, field: str) -> float:
        iss = self.sc.issue(issue_id)
        if iss.status_quo is None:
            raise _spec_error(self.sc, self.spec, field, f"issue '{issue_id}' needs a status_quo for the game")
        return self.over.get(f"status_quo:{issue_id}", iss.status_quo.value)

    def value(self, actor: str, x: float, troops: float | None = None) -> float:
        """G3: the actor's gain over the status quo from the game's issue at ``x`` (and the troops issue
        at ``troops``), in salience-weighted shares of each scale."""
        v = 0.0
        for issue_id, at in ((self.spec.issue, x), (self.spec.troops_issue, troops)):
            if issue_id is None or at is None:
                continue
            st = self.stance(actor, issue_id)
            if st:
                scale = self.sc.issue(issue_id).scale
                v += st[1] * (abs(self.sq_of(issue_id, "issue") - st[0]) - abs(at - st[0])) / (scale.max - scale.min)
        return v


def build_two_track(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    """Build the two-track game; ``overrides`` replace parameter values (by name) for what-ifs."""
    over = dict(overrides or {})
    c_id, d_id = spec.challenger, spec.defender
    params = {name: over.get(name, sc.parameters[name].value) for name in spec.costs.values()}

    defaults: list[DefaultUsed] = []
    layer = f"games.{spec.id}"

    def cost(term: CostTerm, default: float = 0.0) -> float:
        name = spec.costs.get(term)
        if name is None:
            defaults.append(DefaultUsed(layer, f"costs.{term}", default, DEFAULT_REASON.get(
                term, "no parameter named under costs:, so the term is left out (0)")))
            return default
        return params[name]

    read = IssueReading(sc, spec, over)
    stance, sq_of = read.stance, read.sq_of
    # The tree asks for the same few issue values ~40 times (each final stage repeats them): read each once.
    value = functools.cache(read.value)
    sq = sq_of(spec.issue, "issue")
    moves = {m.id: m for m in sc.moves}
    c_pos = stance(c_id, spec.issue)
    d_pos = stance(d_id, spec.issue)
    if c_pos is None or d_pos is None:
        raise _spec_error(sc, spec, "issue", f"both '{c_id}' and '{d_id}' need a position on '{spec.issue}'")
    x_max = c_pos[0]
    if spec.demand_move and moves[spec.demand_move].position is not None:
        x_max = moves[spec.demand_move].position.value  # type: ignore[union-attr]
    if abs(x_max - sq) < 1e-12:
        raise _spec_error(sc, spec, "demand_move", "the maximal demand equals the status quo")
    x_mod = (sq + x_max) / 2
    y = sq
    if spec.counter_move and moves[spec.counter_move].position is not None:
        y = moves[spec.counter_move].position.value  # type: ignore[union-attr]

    t_issue = spec.troops_issue
    t_sq = sq_of(t_issue, "troops_issue") if t_issue else 0.0
    t_out = t_sq
    if t_issue:
        t_out = sc.issue(t_issue).scale.min
        if spec.withdraw_move and moves[spec.withdraw_move].position is not None:
            t_out = moves[spec.withdraw_move].position.value  # type: ignore[union-attr]

    def ac(ch_id: str | None, default: float) -> float:
        if ch_id is None:
            return default
        key = f"audience_cost:{ch_id}"
        return over.get(key, next(c for c in sc.channels if c.id == ch_id).audience_cost.value)

    a_pub = ac(spec.public_channel, 1.0)
    if spec.public_channel is None:
        defaults.append(DefaultUsed(layer, "public_channel", 1.0, "no public channel named: public face costs "
                                    "are taken at full weight"))
    if not spec.counter_move or moves[spec.counter_move].position is None:
        defaults.append(DefaultUsed(layer, "counter_move", sq, "no counter-proposal with a position: the "
                                    "defender's counter is the status quo"))
    if not spec.demand_move or moves[spec.demand_move].position is None:
        defaults.append(DefaultUsed(layer, "demand_move", x_max, "no demand move with a position: the maximal "
                                    f"demand is {c_id}'s own position"))
    closed_ratio = ac(spec.closed_channel, 0.0) / a_pub if a_pub > 0 else 0.0

    info = cost(CostTerm.challenger_info_benefit)
    face_acc = cost(CostTerm.defender_face_accept)
    cred = cost(CostTerm.defender_credibility)
    face_wd = cost(CostTerm.challenger_face_withdraw)
    war_c = cost(CostTerm.challenger_war_cost) + cost(CostTerm.challenger_sanctions_cost)
    war_d = cost(CostTerm.defender_war_cost)
    p_win = cost(CostTerm.challenger_war_win_prob, 0.5)
    if not 0.0 <= p_win <= 1.0:
        raise _spec_error(sc, spec, "costs", f"war win probability {p_win:g} is outside [0, 1]")

    g = Game([c_id, d_id], f"Two-track ultimatum game: {c_id} vs {d_id} on {spec.issue}")
    share = {"moderate": 0.5, "ultimatum": 1.0}
    demand_at = {"moderate": x_mod, "ultimatum": x_max}

    def t(cv: dict[str, float], dv: dict[str, float], outcome: str, cls: str) -> int:
        bd = [{k: v for k, v in cv.items() if v}, {k: v for k, v in dv.items() if v}]
        return g.terminal([sum(cv.values()), sum(dv.values())], outcome, cls, breakdown=bd)

    def final_stage(level: str, d_extra: float) -> dict[str, int]:
        b = info * share[level]
        ex = {"face (counter-offer)": -d_extra}
        war = g.chance(
            {f"{c_id} prevails": t({"issue": value(c_id, c_pos[0]), "info": b, "war cost": -war_c},
                                   {"issue": value(d_id, c_pos[0]), "info": -b, "war cost": -war_d, **ex},
                                   f"war, {c_id} prevails", "escalation"),
             f"{d_id} prevails": t({"issue": value(c_id, d_pos[0]), "info": b, "war cost": -war_c},
                                   {"issue": value(d_id, d_pos[0]), "info": -b, "war cost": -war_d, **ex},
                                   f"war, {d_id} prevails", "escalation")},
            [p_win, 1 - p_win])
        if not spec.closed_channel:
            hold = t({"info": b}, {"info": -b, **ex}, "stalemate: no agreement, troops stay", "stalemate")
        else:
            deal_acc = t({"issue": value(c_id, x_mod), "info": b, "face": -face_wd * closed_ratio * share[level]},
                         {"issue": value(d_id, x_mod), "info": -b, **ex,
                          "face": -face_acc * closed_ratio, "credibility": -cred * closed_ratio},
                         "face-saving deal on the closed track", "agreement")
            refuse = t({"info": b}, {"info": -b, **ex}, "stalemate: closed offer refused", "stalemate")
            offer = g.decision(c_id, {"refuse": refuse, "accept": deal_acc})
            no_deal = t({"info": b}, {"info": -b, **ex}, "stalemate: no agreement, troops stay", "stalemate")
            hold = g.decision(d_id, {"no_deal": no_deal, "closed_deal": offer})
        withdraw = t({"issue": value(c_id, sq, t_out), "info": b, "face": -face_wd},
                     {"issue": value(d_id, sq, t_out), "info": -b, **ex}, f"{c_id} withdraws", "capitulation")
        return {"hold": hold, "escalate": war, "withdraw": withdraw}

    def demand(level: str) -> int:
        x = demand_at[level]
        b = info * share[level]
        after_reject = g.decision(c_id, final_stage(level, 0.0))
        d_counter = face_acc * (y - sq) / (x_max - sq) if (y - sq) * (x_max - sq) > 0 else 0.0
        climb = face_wd * max(0.0, (x - y) / (x_max - sq))
        counter_moves = final_stage(level, d_counter)
        agree = t({"issue": value(c_id, y), "info": b, "face": -climb},
                  {"issue": value(d_id, y), "info": -b, "face (counter-offer)": -d_counter},
                  "agreement on the counter-proposal", "agreement")
        after_counter = g.decision(c_id, {**counter_moves, "accept": agree})
        accept = t({"issue": value(c_id, x), "info": b},
                   {"issue": value(d_id, x), "info": -b, "face": -face_acc, "credibility": -cred},
                   f"{d_id} accepts the {'ultimatum' if level == 'ultimatum' else 'demand'}", "capitulation")
        return g.decision(d_id, {"reject": after_reject, "counter": after_counter, "accept": accept})

    quiet = t({}, {}, "status quo, no crisis", "stalemate")
    g.decision(c_id, {"no_demand": quiet, "moderate": demand("moderate"), "ultimatum": demand("ultimatum")})
    g.defaults = defaults
    g.parameters = {**params, "public_audience_cost": a_pub, "closed_ratio": closed_ratio,
                    "demand_max": x_max, "demand_moderate": x_mod, "counter": y, "status_quo": sq}
    g.notes = {
        "issue values": "salience x (|sq - pos| - |x - pos|) / span per issue moved; status quo = 0",
        "info benefit": f"{info:g} x demand share, gained by {c_id} and lost by {d_id}",
        "accept": f"{d_id} pays face {face_acc:g} + credibility {cred:g} for accepting in public",
        "closed track": f"costs scaled by {closed_ratio:.3g} (closed / public audience cost)",
        "war": f"{c_id} prevails with p = {p_win:g}; costs {war_c:g} ({c_id}) and {war_d:g} ({d_id})",
    }
    return g.validate()
