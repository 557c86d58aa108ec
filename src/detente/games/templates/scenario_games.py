"""The textbook templates built from a scenario (docs/DECISIONS.md G6-G9).

Each builder reads the spec's players and issue, the named cost terms (``costs:`` -> parameters)
and, where the template needs them, channel audience costs and capabilities, then calls the
literature template with those numbers. Missing inputs are one-line errors naming the term.
"""

from __future__ import annotations

from collections.abc import Mapping

from detente.games.inputs import Inputs
from detente.games.templates.literature import (
    IIG_OUTCOMES,
    alternating_offers_game,
    audience_cost_game,
    iig_game,
    risk_return_game,
)
from detente.games.tree import Game
from detente.scenario.schema import CostTerm, GameSpec, Scenario

T = CostTerm
MAX_NODES = 200_000


def _claim(inp: Inputs, move_id: str | None, actor: str) -> float:
    """What ``actor`` asks for on the game's issue: ``move_id``'s position if that move gives one,
    else the actor's own position."""
    mv = next((m for m in inp.sc.moves if m.id == move_id), None)
    if mv is not None and mv.position is not None:
        return mv.position.value
    return inp.need_stance(actor, inp.spec.issue)[0]


def _demand(inp: Inputs) -> float:
    """The challenger's demand: the demand move's position, else its own position."""
    return _claim(inp, inp.spec.demand_move, inp.spec.challenger)


def _defender_demand(inp: Inputs) -> float:
    """The defender's counter: the counter move's position, else its own position."""
    return _claim(inp, inp.spec.counter_move, inp.spec.defender)


def _segment(inp: Inputs) -> tuple[float, float]:
    """The pie: from the defender's position (share 0) to the challenger's demand (share 1)."""
    lo, hi = _defender_demand(inp), _demand(inp)
    if abs(hi - lo) < 1e-12:
        raise inp.error("issue", "the two sides' positions coincide: there is nothing to bargain over")
    return lo, hi


def _prob(inp: Inputs, term: CostTerm, default: float | None = None) -> float:
    v = inp.term(term, default)
    if not 0.0 <= v <= 1.0:
        raise inp.error(f"costs.{term}", f"{term} = {v:g} is outside [0, 1]")
    return v


def build_audience_cost(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    """Fearon (1994): the challenger's resolve is private; backing down after a public threat costs a."""
    inp = Inputs(sc, spec, overrides)
    c, d, issue = spec.challenger, spec.defender, spec.issue
    inp.need_stance(c, issue)
    x = _demand(inp)
    stake_a, stake_b = inp.value(c, issue, x), -inp.value(d, issue, x)
    if stake_a <= 0:
        raise inp.error("issue", f"the demand ({x:g}) is worth nothing to '{c}' over the status quo")
    pi = _prob(inp, T.prior_resolve)
    if inp.has(T.challenger_audience_cost):
        a, a_src = inp.term(T.challenger_audience_cost), f"parameter {spec.costs[T.challenger_audience_cost]}"
    elif spec.public_channel is not None:
        a, a_src = inp.audience_cost(spec.public_channel) or 0.0, f"audience cost of {spec.public_channel}"
    else:
        raise inp.error("costs.challenger_audience_cost", "the audience_cost game needs "
                        "challenger_audience_cost or a public_channel with an audience_cost")
    c_b = inp.term(T.defender_war_cost)
    w_r, w_i = inp.term(T.challenger_war_value_resolved), inp.term(T.challenger_war_value_irresolute)
    g = audience_cost_game(pi, a, c_b, w_r, w_i, stake_a, stake_b, players=(c, d))
    g.title = f"Audience-cost crisis game: {c} threatens {d} over {issue}"
    g.parameters = {**inp.used, "prior_resolve": pi, "audience_cost": a, "stake_challenger": stake_a,
                    "stake_defender": stake_b, "demand": x}
    g.notes = {
        "stakes": f"a concession moves {issue} to {x:g}: worth {stake_a:.3g} to {c} and {-stake_b:+.3g} to {d} "
                  "(salience x share of the scale, status quo = 0)",
        "resolve": f"{c} is resolved with prior probability {pi:g}; {d} does not see its type",
        "audience cost": f"{c} pays {a:g} for backing down after a public threat ({a_src})",
        "war": f"war is worth {w_r:g} to a resolved and {w_i:g} to an irresolute {c}; it costs {d} {c_b:g}",
    }
    g.defaults = list(dict.fromkeys(inp.defaults))
    return g


def build_risk_return(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    """Fearon (1995): the challenger demands a share; the defender, with private war cost, accepts or fights."""
    inp = Inputs(sc, spec, overrides)
    c, d, issue = spec.challenger, spec.defender, spec.issue
    lo, hi = _segment(inp)
    p, p_src = inp.win_prob()
    c_a = inp.term(T.challenger_war_cost) + inp.term(T.challenger_sanctions_cost, 0.0)
    c_bar = inp.term(T.defender_war_cost_max)
    if c_bar < 0:
        raise inp.error("costs.defender_war_cost_max", f"defender_war_cost_max must be >= 0, got {c_bar:g}")
    n = spec.grid or 21
    g = risk_return_game(n, max(1, n - 1), p, c_a, c_bar, players=(c, d))
    g.title = f"Risk-return bargaining: {c} demands a share of {issue} from {d}"
    g.parameters = {**inp.used, "p": p, "c_a": c_a, "c_bar": c_bar, "share_0_at": lo, "share_1_at": hi}
    g.notes = {
        "shares": f"a demand x moves {issue} to {lo:g} + x·({hi:g} − {lo:g}); {c} values x, {d} 1 − x",
        "war": f"{c} prevails with p = {p:.3g} ({p_src}); war costs {c_a:g} to {c} and c_B to {d}",
        "private cost": f"{d}'s war cost c_B is uniform on [0, {c_bar:g}] (midpoints of {max(1, n - 1)} bins), "
                        f"known only to {d}",
    }
    g.defaults = list(dict.fromkeys(inp.defaults))
    return g


def build_alternating_offers(sc: Scenario, spec: GameSpec,
                             overrides: Mapping[str, float] | None = None) -> Game:
    """Finite Rubinstein bargaining over the segment between the two positions; the challenger offers first."""
    inp = Inputs(sc, spec, overrides)
    c, d, issue = spec.challenger, spec.defender, spec.issue
    lo, hi = _segment(inp)
    d1, d2 = _prob(inp, T.challenger_discount), _prob(inp, T.defender_discount)
    h = inp.term(T.horizon, 2.0)
    rounds = round(h)
    if rounds < 1 or abs(h - rounds) > 1e-9:
        raise inp.error("costs.horizon", f"the horizon must be a whole number of rounds >= 1, got {h:g}")
    grid = spec.grid or 20
    if (grid + 1) ** rounds * 2 > MAX_NODES:
        raise inp.error("grid", f"{rounds} rounds on a grid of {grid} make more than {MAX_NODES} nodes; "
                        "lower the horizon or the grid")
    g = alternating_offers_game(rounds, grid, d1, d2, players=(c, d))
    g.title = f"Alternating offers over {issue}: {c} offers first ({rounds} rounds)"
    g.parameters = {**inp.used, "d1": d1, "d2": d2, "rounds": float(rounds), "share_0_at": lo, "share_1_at": hi}
    g.notes = {
        "shares": f"{c} keeping j/{grid} moves {issue} to {lo:g} + j/{grid}·({hi:g} − {lo:g}); "
                  "no agreement after the last round is worth 0 to both",
        "patience": f"each round of delay multiplies {c}'s share by {d1:g} and {d}'s by {d2:g}",
    }
    g.defaults = list(dict.fromkeys(inp.defaults))
    return g


def iig_utilities(inp: Inputs) -> tuple[dict[str, dict[str, float]], dict[str, list[dict[str, float]]],
                                        dict[str, float]]:
    """The eight IIG outcome utilities (G9), their terms, and the numbers used."""
    spec = inp.spec
    c, d, issue = spec.challenger, spec.defender, spec.issue
    inp.need_stance(c, issue)
    inp.need_stance(d, issue)
    x_a, x_b = _demand(inp), _defender_demand(inp)
    p, _ = inp.win_prob()
    tau = inp.term(T.first_strike_advantage, 0.0)
    war_a = inp.term(T.challenger_war_cost) + inp.term(T.challenger_sanctions_cost, 0.0)
    war_b = inp.term(T.defender_war_cost)
    face_a = inp.term(T.challenger_face_withdraw, 0.0)
    face_b = (inp.term(T.defender_face_capitulate) if inp.has(T.defender_face_capitulate)
              else inp.term(T.defender_face_accept, 0.0))
    x_n = p * x_a + (1 - p) * x_b
    terms: dict[str, list[dict[str, float]]] = {}
    for o in IIG_OUTCOMES:
        per = []
        for who, war, face in ((c, war_a, face_a), (d, war_b, face_b)):
            t: dict[str, float] = {}
            if o in ("ACQ_A", "CAP_A"):
                t["issue"] = inp.value(who, issue, x_b)
            elif o in ("ACQ_B", "CAP_B"):
                t["issue"] = inp.value(who, issue, x_a)
            elif o == "NEGO":
                t["issue"] = inp.value(who, issue, x_n)
            elif o.startswith("WAR"):
                q = min(1.0, p + tau) if o == "WAR_A" else max(0.0, p - tau)
                t["issue"] = q * inp.value(who, issue, x_a) + (1 - q) * inp.value(who, issue, x_b)
                t["war cost"] = -war
            if (o == "CAP_A" and who == c) or (o == "CAP_B" and who == d):
                t["face"] = -face
            per.append(t)
        terms[o] = per
    utils = {pl: {o: sum(terms[o][k].values()) for o in IIG_OUTCOMES} for k, pl in enumerate("AB")}
    used = {**inp.used, "p": p, "first_strike_advantage": tau, "demand_challenger": x_a,
            "demand_defender": x_b, "negotiated": x_n}
    return utils, terms, used


IIG_WORDS = {"SQ": "status quo", "ACQ_A": "{a} acquiesces to {b}'s demand", "ACQ_B": "{b} acquiesces",
             "NEGO": "negotiated settlement", "CAP_A": "{a} capitulates under force",
             "CAP_B": "{b} capitulates under force", "WAR_A": "war started by {a}", "WAR_B": "war started by {b}"}


def build_iig(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    """The International Interaction Game with utilities from positions, saliences and cost terms."""
    inp = Inputs(sc, spec, overrides)
    utils, terms, used = iig_utilities(inp)
    c, d = spec.challenger, spec.defender
    labels = {o: w.format(a=c, b=d) for o, w in IIG_WORDS.items()}
    g = iig_game(utils, players=(c, d), breakdown=terms, labels=labels)
    g.title = f"International Interaction Game: {c} and {d} over {spec.issue}"
    g.parameters = used
    g.notes = {
        "demands": f"{c} demands {used['demand_challenger']:g}, {d} {used['demand_defender']:g}; a negotiated "
                   f"settlement lands at {used['negotiated']:.3g} (weighted by the war odds p = {used['p']:.3g})",
        "issue values": "salience x (|sq - pos| - |x - pos|) / span; status quo = 0",
        "war": f"the side that strikes first gains {used['first_strike_advantage']:g} in its chance to prevail",
        "capitulation": "capitulating under force costs the capitulating side its face cost",
    }
    g.defaults = list(dict.fromkeys(inp.defaults))
    return g
