"""The two-track ultimatum game as an instance of the general crisis model (docs/DECISIONS.md C18).

A named configuration: the founding case's moves, as stages of the general model with the channel
terms of ``channels.py``, complete information, no discounting (one-time payoffs, the status quo
worth 0) and binding agreements (an accepted division ends the game, as in Fearon 1995):

  stage 0  C proposes on the public channel: nothing (the game ends at the status quo), the moderate
           demand or the maximal one; D accepts, rejects, or counters (its proposal of stage 1);
  stage 1  C answers: hold, escalate (general war: the model's lottery p u(win) + (1-p) u(lose) minus
           its war cost, in place of the template's chance node: the same expected payoffs), withdraw
           (backs down: C4's audience cost in full), or, after a counter, accept it;
  stage 2  with a closed channel, after a hold: D proposes the moderate demand on the closed channel or
           nothing; C accepts or refuses; then the standoff stands (status quo, stalemate).

The channel terms are C18's general ones with the two-track's numbers (the game spec's ``costs:``):
a public demand gains C its information benefit x the demand's share of the maximal demand (D loses
it); D accepting a public demand pays its face and credibility costs (w = 1), on the closed channel
w = closed / public audience cost; D's public counter costs it its face cost x the share it concedes
(no credibility: offering is not yielding); C accepting a counter pays its withdrawal face cost x
the share it climbs down from its own public demand. Two terms are the template's own (G3), kept as
stated mappings: C's consent to the closed deal costs w x its face cost x its public demand's share
(the whole public demand dropped, seen with weight w), and every outcome after a public demand
carries that demand's information term, war included. Values: G3's issue values (salience x
distance / span, the status quo worth 0) of the spec's issue and troops issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detente.defaults import DefaultUsed
from detente.errors import InputError
from detente.games.crisis.channels import ChannelTerms, accept_cost, check_ratio, offer_terms, ratio_of
from detente.games.templates.two_track import IssueReading
from detente.games.tree import Game
from detente.scenario.schema import CostTerm, GameSpec, Scenario


@dataclass(frozen=True)
class TwoTrackInstance:
    """The instance's numbers: outcome values per player, the channel terms and war."""

    players: tuple[str, str]
    values: dict[str, tuple[float, float]]  # outcome point -> (C, D) G3 value
    shares: dict[str, float]  # demand level -> share of the maximal demand
    counter_share: float  # the counter's share of the maximal demand
    channels: ChannelTerms
    face_withdraw: float  # C's audience cost of backing down (C4)
    war_cost: tuple[float, float]
    p: float
    closed_track: bool
    defaults: tuple[DefaultUsed, ...] = ()  # inputs the scenario did not give, listed in the output


def _spec_error(sc: Scenario, spec: GameSpec, field: str, reason: str) -> InputError:
    return InputError(reason, sc.meta.id, field=f"games.{spec.id}.{field}")


def instance_of(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> TwoTrackInstance:
    """The two-track instance's numbers read from ``sc`` and the game spec (the same keys as the
    template's ``overrides``: parameter names, ``audience_cost:<channel>``, ``salience:<actor>:<issue>``,
    ``position:<actor>:<issue>``, ``status_quo:<issue>``)."""
    over = dict(overrides or {})
    c, d = spec.challenger, spec.defender
    layer = f"games.{spec.id} (general instance)"
    defaults: list[DefaultUsed] = []

    def term(t: CostTerm, default: float = 0.0) -> float:
        name = spec.costs.get(t)
        if name is None:
            defaults.append(DefaultUsed(layer, f"costs.{t}", default, "no parameter named under costs:"))
            return default
        return over.get(name, sc.parameters[name].value)

    read = IssueReading(sc, spec, over)
    stance, sq_of, value = read.stance, read.sq_of, read.value
    moves = {m.id: m for m in sc.moves}

    def move_pos(mid: str | None) -> float | None:
        mv = moves.get(mid) if mid else None
        return mv.position.value if mv is not None and mv.position is not None else None

    sq = sq_of(spec.issue, "issue")
    cp, dp = stance(c, spec.issue), stance(d, spec.issue)
    if cp is None or dp is None:
        raise _spec_error(sc, spec, "issue", f"both '{c}' and '{d}' need a position on '{spec.issue}'")
    x_max = move_pos(spec.demand_move)
    if x_max is None:
        x_max = cp[0]
        defaults.append(DefaultUsed(layer, "demand_move", x_max, f"no demand move with a position: {c}'s own"))
    if abs(x_max - sq) < 1e-12:
        raise _spec_error(sc, spec, "demand_move", "the maximal demand equals the status quo")
    y = move_pos(spec.counter_move)
    if y is None:
        y = sq
        defaults.append(DefaultUsed(layer, "counter_move", sq, "no counter-proposal with a position: the status quo"))
    t_issue = spec.troops_issue
    t_sq = sq_of(t_issue, "troops_issue") if t_issue else 0.0
    t_out = t_sq
    if t_issue:
        t_out = sc.issue(t_issue).scale.min
        got = move_pos(spec.withdraw_move)
        t_out = t_out if got is None else got

    x_mod = (sq + x_max) / 2
    points = {"moderate": x_mod, "ultimatum": x_max, "counter": y, "win": cp[0], "lose": dp[0]}
    vals = {k: (value(c, x), value(d, x)) for k, x in points.items()}
    vals["withdraw"] = (value(c, sq, t_out), value(d, sq, t_out))

    def audience(ch_id: str) -> float:
        ch = next(x for x in sc.channels if x.id == ch_id)
        return over.get(f"audience_cost:{ch_id}", ch.audience_cost.value)

    a_pub = audience(spec.public_channel) if spec.public_channel else 1.0  # none named: public costs in full
    if not spec.public_channel:
        defaults.append(DefaultUsed(layer, "public_channel", 1.0, "no public channel named: public costs in full"))
    a_clo = audience(spec.closed_channel) if spec.closed_channel else 0.0
    if spec.closed_channel:
        bad = check_ratio(a_pub, a_clo)
        if bad:
            raise InputError(bad, sc.meta.id, field=f"channels.{spec.closed_channel}.audience_cost")
    ct = ChannelTerms(spec.public_channel or "public", spec.closed_channel or "", ratio_of(a_pub, a_clo),
                      face=(0.0, term(CostTerm.defender_face_accept)),
                      info=(term(CostTerm.challenger_info_benefit), 0.0),
                      public_audience=a_pub, closed_audience=a_clo,
                      credibility=(0.0, term(CostTerm.defender_credibility)))
    p = term(CostTerm.challenger_war_win_prob, 0.5)
    if not 0.0 <= p <= 1.0:
        raise _spec_error(sc, spec, "costs", f"war win probability {p:g} is outside [0, 1]")
    war = (term(CostTerm.challenger_war_cost) + term(CostTerm.challenger_sanctions_cost),
           term(CostTerm.defender_war_cost))
    return TwoTrackInstance((c, d), vals, {"moderate": (x_mod - sq) / (x_max - sq), "ultimatum": 1.0},
                            (y - sq) / (x_max - sq), ct, term(CostTerm.challenger_face_withdraw), war, p,
                            bool(spec.closed_channel), tuple(defaults))


def build_instance(inst: TwoTrackInstance) -> Game:
    """The instance's stages as a game tree (players C, D), payoffs from the general model's terms."""
    c, d = inst.players
    ct, V = inst.channels, inst.values
    g = Game([c, d], f"Two-track game as an instance of the general crisis model: {c} vs {d}")

    def end(pay: tuple[float, float], outcome: str, cls: str) -> int:
        return g.terminal([pay[0], pay[1]], outcome, cls)

    def stages(level: str, carried: tuple[float, float], counter: bool) -> dict[str, int]:
        """Stage 1 (C answers) and stage 2 (the closed channel), after a public demand at ``level``."""
        sig = inst.shares[level]
        pc, pd = inst.p, 1 - inst.p
        war = (pc * V["win"][0] + pd * V["lose"][0] - inst.war_cost[0],
               pc * V["win"][1] + pd * V["lose"][1] - inst.war_cost[1])
        out: dict[str, int] = {}
        stand = (carried[0], carried[1])
        if inst.closed_track:
            w = ct.weight(1)
            deal = (carried[0] + V["moderate"][0] - w * inst.face_withdraw * sig,
                    carried[1] + V["moderate"][1] - accept_cost(ct, 1, 1, True, False, 0.0))
            answer = g.decision(c, {"refuse": end(stand, "stalemate: closed offer refused", "stalemate"),
                                    "accept": end(deal, "face-saving deal on the closed channel", "agreement")})
            out["hold"] = g.decision(d, {"no_deal": end(stand, "stalemate: no agreement, troops stay", "stalemate"),
                                         "closed_deal": answer})
        else:
            out["hold"] = end(stand, "stalemate: no agreement, troops stay", "stalemate")
        out["escalate"] = end((carried[0] + war[0], carried[1] + war[1]), "war (the model's lottery)", "escalation")
        out["withdraw"] = end((carried[0] + V["withdraw"][0] - inst.face_withdraw, carried[1] + V["withdraw"][1]),
                              f"{c} withdraws", "capitulation")
        if counter:
            climb = inst.face_withdraw * max(0.0, sig - inst.counter_share)
            out["accept"] = end((carried[0] + V["counter"][0] - climb, carried[1] + V["counter"][1]),
                                "agreement on the counter-proposal", "agreement")
        return out

    def demand(level: str) -> int:
        # stage 0: C's public demand (info benefit: the general offer term on shares, C's own end = 1)
        _cost, info = offer_terms(ct, 0, 0, 0.0, inst.shares[level], 1.0, -1.0)
        after = (info, -info)
        # D's public counter concedes counter_share of the way: the general offer term on D's side
        d_cost, _ = offer_terms(ct, 0, 1, 0.0, -inst.counter_share, 0.0, -1.0) if inst.counter_share > 0 \
            else (0.0, 0.0)
        accept = (info + V[level][0], -info + V[level][1] - accept_cost(ct, 0, 1, True, False, 0.0))
        return g.decision(d, {
            "reject": g.decision(c, stages(level, after, False)),
            "counter": g.decision(c, stages(level, (after[0], after[1] - d_cost), True)),
            "accept": end(accept, f"{d} accepts the {'ultimatum' if level == 'ultimatum' else 'demand'}",
                          "capitulation")})

    g.decision(c, {"no_demand": end((0.0, 0.0), "status quo, no crisis", "stalemate"),
                   "moderate": demand("moderate"), "ultimatum": demand("ultimatum")})
    g.defaults = list(inst.defaults)
    return g.validate()


def two_track_instance(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    """``build_instance(instance_of(...))``: the game ``detente game --template two_track --general`` solves."""
    return build_instance(instance_of(sc, spec, overrides))


def instance_run(sc: Scenario, name: str | None, method: str = "backward") -> Any:
    """``detente game --template two_track --general``: the instance solved, checked against the template
    (the oracle): the same subgame-perfect path, payoffs and outcome class, else the difference is listed."""
    from detente.games.build import GameRun, build_game, pick_spec
    from detente.games.explain import narrative
    from detente.games.solve import solve

    spec = pick_spec(sc, name)
    if spec.template.value != "two_track":
        raise InputError(f"--general solves the two_track template; game '{spec.id}' is {spec.template.value}",
                         sc.meta.id, field="--general")
    if method not in ("auto", "backward"):
        raise InputError("--general solves the instance by backward induction (complete information): use "
                         "--solver backward or auto", field="--solver")
    inst = instance_of(sc, spec)
    sol = solve(build_instance(inst), "backward")
    oracle = solve(build_game(sc, spec), "backward")
    path = [s.chosen for s in sol.path()]
    o_path = [s.chosen for s in oracle.path()]
    diff = max(abs(a - b) for a, b in zip(sol.values, oracle.values, strict=True))
    same = path == o_path and diff < 1e-9 and sol.outcome_class() == oracle.outcome_class()
    sol.notes.append(
        "solved as the general crisis model's two-track instance (decision C18: stages with the channel terms, "
        f"war as the model's lottery); the template (oracle) gives {'the same' if same else 'a DIFFERENT'} "
        f"path ({' -> '.join(o_path)}), outcome class {oracle.outcome_class()} and payoffs (largest difference "
        f"{diff:.1e})")
    names = {a.id: a.name for a in sc.actors}
    notes = {"channels": f"closed moves weigh {inst.channels.ratio:.3g} of public ones (closed / public audience "
                         f"cost {inst.channels.closed_audience:g} / {inst.channels.public_audience:g})",
             "war": f"lottery: {spec.challenger} prevails with p = {inst.p:g}; costs {inst.war_cost[0]:g} and "
                    f"{inst.war_cost[1]:g}"}
    return GameRun(spec.id, "two_track (general crisis model instance)", sol, narrative(sol, names), [],
                   {}, notes)
