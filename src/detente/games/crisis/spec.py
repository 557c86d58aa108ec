"""The general crisis model's inputs, read from any scenario (docs/DECISIONS.md C1-C9).

Every term the model needs is read from a named parameter (``<actor>_war_cost`` ...), from the
scenario's ``games:`` spec mapping, or from the scenario's structure (positions, capabilities,
moves already played, cohesion entries); a term the scenario does not give gets a stated default
that is listed in ``defaults`` and printed. Parameters no layer reads are listed in ``unused``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from detente.errors import InputError
from detente.games.crisis import channels as CHN
from detente.games.crisis import coercion as CO
from detente.games.crisis import third as TP
from detente.games.crisis.model import CH, DF, NONE, CrisisModel, Observer
from detente.scenario.schema import CostTerm, Scenario
from detente.scenario.tags import tag_choice

# Global defaults (C6). STANDOFF_SCALE and LAMBDA are the only numbers chosen by leave-one-out.
DEFAULTS = {
    "horizon": 4,  # rounds until the deadline
    "discount": 0.9,  # per round
    "war_cost": 0.5,  # in units of salience-weighted shares of the scales
    "limited_share": 0.3,  # limited force costs this share of the war cost
    "fait_accompli": 0.5,  # share of the remaining distance a successful limited operation takes
    "grid": 6,  # offers on the frontier
}
STANDOFF_SCALE = 0.2  # default per-round standoff cost = scale x the actor's stake (fitted, C10; C21: on 25 cases)
LAMBDA = 10.0  # QRE precision (fitted, C10; C21: on 25 cases)
JOIN_SALIENCE = 0.5  # an aligned third party with this salience or more joins its side in war
ALIGN_SHARE = 0.25  # aligned: within this share of the principals' distance of one of them
MEDIATION_MAX = 0.5
# Third parties (C13): "strategic" (each chooses stay out / join / pressure / mediate in equilibrium) or
# "rule" (C7's stated rule). A scenario may choose with the tag third_parties:rule|strategic.
THIRD_PARTY_MODES = ("strategic", "rule")
THIRD_PARTY_MODE = "strategic"
# C21: how the standoff cost reads. ``standoff:lump`` (C3 as written: each round's cost is a one-time sum
# weighted δ^t) or ``standoff:flow`` (a per-round flow weighted (1-δ)δ^t, as the status quo's flow: Powell 2006's
# per-period payoffs); ``settlement:open`` (C3: after an agreement a hold still pays the standoff cost and
# ends the agreement) or ``settlement:kept`` (an accepted division stands at no standoff cost until one side
# escalates or a new offer is accepted: the crisis is over, Powell 2006's status quo).
STANDOFF_UNITS = ("lump", "flow")
STANDOFF_UNIT = "lump"
SETTLEMENTS = ("open", "kept")
SETTLEMENT = "open"
THIRD_DEFAULTS = {
    "third_party_join_cost_scale": 0.5,  # join cost = this x its capability / the principals' together
    "third_party_pressure_cost_scale": 0.1,  # pressure cost = this x its capability / the principals' together
    "third_party_mediation_cost": 0.02,  # one-time cost of mediating
}
TERMS = {
    "<actor>_war_cost": "cost of general war to a principal (units: salience-weighted shares of the issue "
                        "scales; a range low..high gives the resolved and irresolute types)",
    "<actor>_war_win_prob": "the actor's chance of prevailing in general war (0..1)",
    "<actor>_sanctions_cost / sanctions_cost_<actor>": "added to the actor's war cost",
    "<actor>_standoff_cost": "per-round cost of an unresolved standoff at rung 0 (x2 mobilised, x3 after "
                             "limited force)",
    "<actor>_limited_war_cost": "one-time cost of limited force / a fait accompli, to each side",
    "<actor>_mobilise_cost": "one-time cost of mobilising or a public threat, to the one who does it",
    "<actor>_face_cost_withdraw / _face_cost_accept": "audience cost of backing down after one's own "
                                                     "public escalation",
    "power_shift": "change in the challenger's war-win probability per round (a trend)",
    "horizon": "rounds until the deadline (after it the last status quo persists)",
    "discount": "per-round discount factor",
    "fait_accompli_share": "share of the remaining distance a successful limited operation takes",
    "<actor>_join_cost": "a third party's cost of joining a war, paid if war comes (default: "
                         "third_party_join_cost_scale x its capability / the principals' together)",
    "<actor>_pressure_cost": "a third party's one-time cost of pressuring or sanctioning a principal (default: "
                             "third_party_pressure_cost_scale x its capability / the principals' together)",
    "<actor>_mediation_cost": "a third party's one-time cost of mediating (default: third_party_mediation_cost)",
    "channels: (public, closed)": "with the option channels: both (C18) the proposer makes each offer on the public "
                                  "channel or the closed one; a closed move's costs are weighted by closed / public "
                                  "audience cost (0..1; a closed cost above the public one is an error)",
    "<actor>_face_cost_accept (+ <actor>_credibility_cost)": "channels: both: cost of accepting a concession in "
                                                             "public (default 0); a public offer that concedes "
                                                             "costs the face cost in proportion",
    "<actor>_info_benefit": "channels: both: gain from a maximal public demand (x the share demanded), lost by "
                            "the other side (default 0)",
}

# The parameter names TERMS describes: <actor>_<term> for each actor term, and the global ones (what analyze
# warns about when a scenario it does not treat as a crisis states them, H15).
ACTOR_TERMS = ("war_cost", "war_win_prob", "sanctions_cost", "standoff_cost", "limited_war_cost", "mobilise_cost",
               "face_cost_withdraw", "face_cost_accept", "credibility_cost", "info_benefit", "join_cost",
               "pressure_cost", "mediation_cost")
GLOBAL_TERMS = ("power_shift", "horizon", "discount", "fait_accompli_share")


UNSOLVED = "parameters of third parties that are not solved (only the largest by capability x salience choose: " \
    f"{TP.MAX_STRATEGIC}), so not read: "


@dataclass
class CrisisInputs:
    """A scenario read for the crisis model: the model plus what was assumed and how."""

    model: CrisisModel
    challenger: str
    defender: str
    issues: list[str]
    main_issue: str
    third_parties: list[dict[str, Any]]
    history: list[str]
    under_way: bool
    read: dict[str, str] = field(default_factory=dict)  # term -> where it came from
    defaults: dict[str, float] = field(default_factory=dict)  # term -> default used
    unused: list[str] = field(default_factory=list)
    unsolved: list[str] = field(default_factory=list)  # third parties' cost terms read by no one: see warnings()
    changed: list[str] = field(default_factory=list)  # inputs changed to be used (a clipped trend)
    unread: list[str] = field(default_factory=list)  # stated numbers the model does not read (see unread_win_prob)
    mediation: float = 0.0
    power_source: str = "none"
    cohesion_path: list[float] | None = None
    third_mode: str = "rule"
    third_setup: TP.ThirdSetup | None = None  # strategic third parties: what the equilibrium needs (C13)
    third_eq: TP.ThirdEquilibrium | None = None  # filled by run_crisis
    channel_mode: str = CHN.CHANNEL_MODE  # C18: public (every move public) or both (public or closed)
    channel_note: str = ""
    joining: str = CO.JOINING  # C24: third parties' promises to join a war believed, or only the credible ones
    holding: str = CO.HOLDING  # C24: the standoff costs a side its own cost, or also the other's pressure

    def warnings(self) -> list[str]:
        out = [f"default used for {k}: {v:g}" for k, v in self.defaults.items()]
        if self.unused:
            out.append("parameters no layer reads: " + ", ".join(self.unused))
        if self.unsolved:
            out.append(UNSOLVED + ", ".join(self.unsolved))
        return out + self.changed + self.unread

    def to_dict(self) -> dict[str, Any]:
        m = self.model
        return {"challenger": self.challenger, "defender": self.defender, "issues": self.issues,
                "main_issue": self.main_issue, "third_parties": self.third_parties, "history": self.history,
                "under_way": self.under_way, "read": self.read, "defaults_used": self.defaults,
                "unused_parameters": self.unused, "unsolved_parameters": self.unsolved, "mediation": self.mediation,
                "power_source": self.power_source,
                "power_by_round": list(m.p), "cohesion_by_round": self.cohesion_path,
                "third_parties_mode": self.third_mode,
                "third_party_equilibrium": self.third_eq.to_dict() if self.third_eq is not None else None,
                "status_quo_share": m.sq, "pre_crisis_status_quo_share": m.sq_pre,
                "war_cost_types": {m.players[i]: {"resolved": m.war_cost[i][0], "irresolute": m.war_cost[i][1],
                                                  "prior_resolved": m.prior[i]} for i in (0, 1)},
                "standoff_cost": dict(zip(m.players, m.standoff, strict=True)),
                "audience_cost": dict(zip(m.players, m.audience, strict=True)),
                "discount": m.discount, "horizon": m.horizon,
                "start_rung": m.start_rung, "channels_mode": self.channel_mode,
                "standoff_units": "flow" if m.standoff_flow else "lump",
                "settlement": "kept" if m.settled_free else "open",
                "holding": self.holding, "coercion_scale": dict(zip(m.players, m.coercion, strict=True)),
                # C7's rule (third_parties:rule) joins by salience: C24's reading of joins is not used there (H14)
                "joining": self.joining if self.third_mode == "strategic" else f"not used ({self.third_mode} mode)",
                "joins_not_credible": [
                    f"{p.actor} joining {m.players[i]}" for p in (self.third_setup.parties if self.third_setup else ())
                    for i in (0, 1) if not p.can_join[i]],
                "channels": m.channel.to_dict() if m.channel is not None else None,
                **({"channels_note": self.channel_note} if self.channel_note else {})}


def _owner(sc: Scenario) -> dict[str, str]:
    return {a.id: (a.represents or a.id) for a in sc.actors}


def principals(sc: Scenario) -> tuple[str, str, str]:
    """(challenger, defender, source): tags, then the games spec, then the simulation players,
    then the two largest capability x salience actors (the further from the status quo first)."""
    tags = dict(t.split(":", 1) for t in sc.meta.tags if t.startswith(("challenger:", "defender:")))
    if "challenger" in tags and "defender" in tags:
        return tags["challenger"], tags["defender"], "meta tags"
    if sc.games is not None:
        spec = next((s for s in sc.games.specs if s.id == sc.games.default), sc.games.specs[0])
        return spec.challenger, spec.defender, f"games spec {spec.id}"
    if sc.simulation is not None:
        return sc.simulation.players[0], sc.simulation.players[1], "simulation players"
    cands = []
    for a in sc.actors:
        pos = sc.positions.get(a.id, {})
        if a.represents or not pos:
            continue
        w = a.capability.value * sum(st.salience.value for st in pos.values())
        far = 0.0
        for iid, st in pos.items():
            iss = sc.issue(iid)
            if iss.status_quo is not None:
                far += st.salience.value * abs(st.position.value - iss.status_quo.value) / \
                    max(1e-9, iss.scale.max - iss.scale.min)
        cands.append((w, far, a.id))
    cands.sort(key=lambda x: -x[0])
    if len(cands) < 2:
        raise InputError("the crisis model needs two actors with positions", sc.meta.id, field="positions")
    top = sorted(cands[:2], key=lambda x: -x[1])
    return top[0][2], top[1][2], "largest capability x salience"


WIN_TOL = 0.01  # two stated chances of the same war may miss summing to 1 by this much (rounding)


def win_prob_names(sc: Scenario, c: str, d: str) -> tuple[str, str] | None:
    """(the name the crisis model reads, the defender's own) when the scenario states both sides' chances of
    winning the war between ``c`` and ``d``; the model reads one number, the challenger's, and gives the
    defender the rest, so the second is never read (H13: 0.9 for each side passed without a word)."""
    spec = next((s for s in sc.games.specs if s.id == sc.games.default), sc.games.specs[0]) if sc.games else None
    names = [f"{c}_war_win_prob", *([spec.costs[CostTerm.challenger_war_win_prob]]
                                    if spec is not None and CostTerm.challenger_war_win_prob in spec.costs else [])]
    read = next((n for n in names if n in sc.parameters), None)
    other = f"{d}_war_win_prob"
    return (read, other) if read is not None and other in sc.parameters and other != read else None


def unread_win_prob(sc: Scenario, c: str, d: str) -> str | None:
    """What the output says when the defender's stated chance is not the complement of the challenger's
    (mode or range ends off by more than WIN_TOL): the number that is not read, and the one used instead."""
    names = win_prob_names(sc, c, d)
    if names is None:
        return None
    pc, pd = sc.parameters[names[0]], sc.parameters[names[1]]
    (cl, ch), (dl, dh) = pc.bounds, pd.bounds
    if max(abs(pc.value + pd.value - 1), abs(cl + dh - 1), abs(ch + dl - 1)) <= WIN_TOL:
        return None

    def shown(n: Any) -> str:
        return f"{n.value:g}" + (f" [{n.bounds[0]:g}, {n.bounds[1]:g}]" if n.bounds[0] != n.bounds[1] else "")

    war = sc.simulation.war if sc.simulation is not None else None
    sim = next((f"; the simulation reads it as {who}'s chance when {who} starts the war" for who, n in
                (war.win_prob.items() if war is not None else ()) if n == names[1]), "")
    return (f"the crisis model does not read {names[1]} ({shown(pd)}): it reads one chance of the war, "
            f"{names[0]} ({shown(pc)}), and gives {d} the rest ({1 - pc.value:g}); the two stated sum to "
            f"{pc.value + pd.value:g}{sim}")


class _Reader:
    def __init__(self, sc: Scenario, overrides: Mapping[str, float] | None) -> None:
        self.sc, self.over = sc, dict(overrides or {})
        self.read: dict[str, str] = {}
        self.defaults: dict[str, float] = {}
        self.used: set[str] = set()
        self.unsolved: list[str] = []  # parameters of third parties beyond the largest MAX_STRATEGIC (H12)
        self.changed: list[str] = []  # inputs the model had to change to use them (H12), said in warnings()
        self.unread: list[str] = []  # stated numbers it does not read (the defender's war chance), said too
        self.spec_costs: dict[str, str] = {}
        if sc.games is not None:
            spec = next((s for s in sc.games.specs if s.id == sc.games.default), sc.games.specs[0])
            self.spec_costs = {str(k): v for k, v in spec.costs.items()}

    def num(self, name: str) -> tuple[float, float, float] | None:
        p = self.sc.parameters.get(name)
        if p is None:
            return None
        self.used.add(name)
        v = self.over.get(name, p.value)
        lo, hi = p.bounds
        if name in self.over:
            lo, hi = min(lo, v), max(hi, v)
        return v, lo, hi

    def first(self, term: str, names: list[str]) -> tuple[float, float, float] | None:
        for n in names:
            got = self.num(n)
            if got is not None:
                self.read[term] = f"parameter {n}"
                return got
        return None

    def default(self, term: str, value: float) -> float:
        self.defaults[term] = value
        return value


def _stake_axis(sc: Scenario, c: str, d: str) -> tuple[list[tuple[str, float, float, float, float]], list[str]]:
    """Contested issues: (issue, gain to C of full concession, loss to D, D's pos, C's pos)."""
    rows = []
    for iss in sc.issues:
        pc, pd = sc.positions.get(c, {}).get(iss.id), sc.positions.get(d, {}).get(iss.id)
        if pc is None or pd is None:
            continue
        span = max(1e-9, iss.scale.max - iss.scale.min)
        dist = abs(pc.position.value - pd.position.value) / span
        if dist < 0.05:
            continue
        rows.append((iss.id, pc.salience.value * dist, pd.salience.value * dist, pd.position.value,
                     pc.position.value))
    if not rows:
        raise InputError(f"'{c}' and '{d}' contest no issue (their positions coincide everywhere)",
                         sc.meta.id, field="positions")
    if not any(r[1] > 0 or r[2] > 0 for r in rows):  # the frontier divided by zero (H13)
        raise InputError(f"'{c}' and '{d}' both have salience 0 on every issue they contest "
                         f"({', '.join(r[0] for r in rows)}): nothing is at stake for either side",
                         sc.meta.id, field=f"positions.{c}")
    return rows, [r[0] for r in rows]


def _frontier_points(rows: list[tuple[str, float, float, float, float]]
                     ) -> list[tuple[float, float, float, dict[str, float]]]:
    """Linkage frontier (C2) with each breakpoint's share of every issue conceded: D concedes issues in
    order of C's gain per unit of D's loss. Breakpoints: (s, u_C, u_D, issue -> share conceded)."""
    gd_tot = sum(r[2] for r in rows)
    gc_tot = sum(r[1] for r in rows)
    order = sorted(rows, key=lambda r: -(r[1] / r[2] if r[2] > 0 else float("inf")))
    done = dict.fromkeys((r[0] for r in rows), 0.0)
    pts = [(0.0, 0.0, gd_tot, dict(done))]
    cum_d = cum_c = 0.0
    for r in order:
        cum_d += r[2]
        cum_c += r[1]
        done[r[0]] = 1.0
        s = cum_d / gd_tot if gd_tot > 0 else cum_c / gc_tot
        pts.append((s, cum_c, gd_tot - cum_d, dict(done)))
    out = [pts[0]]
    for p in pts[1:]:
        if p[0] > out[-1][0] + 1e-12:
            out.append(p)
    if out[-1][0] < 1.0:
        out.append((1.0, gc_tot, 0.0, dict.fromkeys(done, 1.0)))
    return out


def _frontier(rows: list[tuple[str, float, float, float, float]]) -> tuple[tuple[float, float, float], ...]:
    """Linkage frontier (C2): D concedes issues in order of C's gain per unit of D's loss."""
    return tuple((s, c, d) for s, c, d, _ in _frontier_points(rows))


def _share(rows: list[tuple[str, float, float, float, float]], front: tuple, at: Mapping[str, float]) -> float:
    """A point (issue -> value) on the axis, by the challenger's value of it (C2)."""
    gain = 0.0
    for iid, gc, _gd, xd, xc in rows:
        x = at.get(iid)
        if x is None:
            continue
        t = (x - xd) / (xc - xd)
        gain += gc * min(max(t, 0.0), 1.0)
    for (s0, c0, _), (s1, c1, _) in itertools.pairwise(front):
        if gain <= c1 + 1e-12:
            return s0 if c1 <= c0 else s0 + (s1 - s0) * (gain - c0) / (c1 - c0)
    return 1.0


def third_party_mode(sc: Scenario, mode: str | None = None) -> str:
    """``mode`` if given, else the scenario's tag ``third_parties:rule|strategic``, else the default."""
    return tag_choice(sc.meta.tags, "third_parties", THIRD_PARTY_MODES, THIRD_PARTY_MODE, mode, sc.meta.id,
                      "third parties")


def channel_mode(sc: Scenario, mode: str | None = None) -> str:
    """``mode`` if given, else the scenario's tag ``channels:public|both``, else the default (C18)."""
    return tag_choice(sc.meta.tags, "channels", CHN.CHANNEL_MODES, CHN.CHANNEL_MODE, mode, sc.meta.id)


def reading(sc: Scenario, tag: str, choices: tuple[str, ...], default: str, given: str | None = None) -> str:
    """``given`` if not None, else the scenario's last tag ``<tag>:<choice>``, else ``default`` (C21)."""
    return tag_choice(sc.meta.tags, tag, choices, default, given, sc.meta.id)


def build_inputs(sc: Scenario, overrides: Mapping[str, float] | None = None,
                 standoff_scale: float | None = None, third_parties: str | None = None,
                 channels: str | None = None, standoff: str | None = None,
                 settlement: str | None = None, joining: str | None = None,
                 holding: str | None = None) -> CrisisInputs:
    """The crisis model for ``sc`` (``overrides``: parameter name -> value, for draws and what-ifs;
    ``third_parties``: "strategic" or "rule", else the scenario's tag, else the default; C13;
    ``channels``: "public" or "both", else the scenario's tag, else the default; C18; ``standoff``: "lump"
    or "flow", ``settlement``: "open" or "kept", each else its tag, else the default; C21; ``joining``: "promise"
    or "credible", ``holding``: "own" or "coercive", each else its tag, else the default; C24)."""
    mode = third_party_mode(sc, third_parties)
    credible = reading(sc, "joining", CO.JOININGS, CO.JOINING, joining) == "credible"
    coercive = reading(sc, "holding", CO.HOLDINGS, CO.HOLDING, holding) == "coercive"
    flow = reading(sc, "standoff", STANDOFF_UNITS, STANDOFF_UNIT, standoff) == "flow"
    kept = reading(sc, "settlement", SETTLEMENTS, SETTLEMENT, settlement) == "kept"
    ch_mode = channel_mode(sc, channels)
    rd = _Reader(sc, overrides)
    c, d, psrc = principals(sc)
    for who in (c, d):
        if who not in {a.id for a in sc.actors}:
            raise InputError(f"principal '{who}' is not an actor", sc.meta.id, field="meta.tags")
    rd.read["principals"] = psrc
    rows, issues = _stake_axis(sc, c, d)
    front = _frontier(rows)
    main = max(rows, key=lambda r: r[1] + r[2])[0]
    owner = _owner(sc)
    scale = STANDOFF_SCALE if standoff_scale is None else standoff_scale

    # status quo before the crisis, then the history (moves with a step) applied in order
    sq_pre_at = {i.id: i.status_quo.value for i in sc.issues if i.status_quo is not None}
    missing = [iid for iid in issues if iid not in sq_pre_at]
    for iid in missing:
        sq_pre_at[iid] = next(r[3] for r in rows if r[0] == iid)
        rd.defaults[f"status_quo:{iid}"] = sq_pre_at[iid]
    sq_at = dict(sq_pre_at)
    rung, esc = 0, NONE
    history: list[str] = []
    under_way = False
    played = sorted((m for m in sc.moves if m.step is not None), key=lambda m: m.step or 0)
    for mv in played:
        who = owner.get(mv.actor, mv.actor)
        if who not in (c, d):
            continue
        side = CH if who == c else DF
        t = mv.type.value
        if t in ("demand", "threaten", "mobilize", "escalate", "assault", "reject", "sanction", "hold"):
            under_way = True
        if t == "demand" and esc == NONE:
            esc = side
            history.append(f"{mv.id}: public demand by {who} (commits it: audience cost on backing down)")
        elif t in ("threaten", "mobilize", "escalate", "assault"):
            deed = False
            if mv.issue in sq_at and mv.position is not None:
                iss = sc.issue(mv.issue)
                span = max(1e-9, iss.scale.max - iss.scale.min)
                new = mv.position.value
                pre = sq_pre_at[mv.issue]
                deed = abs(new - pre) > abs(sq_at[mv.issue] - pre) + 0.05 * span and t != "threaten"
                if deed:
                    sq_at[mv.issue] = new
            if deed:
                rung, esc = 2, side
                history.append(f"{mv.id}: fait accompli by {who} ({mv.issue} -> {mv.position.value:g}); rung 2")
            else:
                rung = max(rung, 1)
                esc = side
                history.append(f"{mv.id}: {t} by {who}; rung {rung}")
    sq_pre = _share(rows, front, sq_pre_at)
    sq = _share(rows, front, sq_at)

    # war: probability, costs, types
    caps = {a.id: a.capability.value for a in sc.actors}
    third = []
    xc_pos = {r[0]: r[4] for r in rows}
    xd_pos = {r[0]: r[3] for r in rows}
    principals_set = {c, d}
    join_cap = {c: 0.0, d: 0.0}
    pressure = {c: 0.0, d: 0.0}
    mediation = 0.0
    strategic: list[tuple[float, dict[str, Any], list[tuple[str, float, float, float, float, float]]]] = []
    for a in sc.actors:
        if a.id in principals_set or owner.get(a.id) in principals_set:
            continue
        pos = sc.positions.get(a.id, {})
        share_w = sal_w = 0.0
        stakes = []
        for iid in issues:
            st = pos.get(iid)
            if st is None:
                continue
            t = (st.position.value - xd_pos[iid]) / (xc_pos[iid] - xd_pos[iid])
            share_w += st.salience.value * min(max(t, 0.0), 1.0)
            sal_w += st.salience.value
            iss = sc.issue(iid)
            stakes.append((iid, st.salience.value, st.position.value, xd_pos[iid], xc_pos[iid],
                           max(1e-9, iss.scale.max - iss.scale.min)))
        if sal_w <= 0:
            continue
        lean = share_w / sal_w
        sal = sal_w / len(issues)
        cap = caps.get(a.id, 0.0)
        row: dict[str, Any] = {"actor": a.id, "lean": round(lean, 3), "salience": round(sal, 3), "capability": cap}
        third.append(row)
        if mode == "strategic":
            strategic.append((cap * sal, row, stakes))
            continue
        side = c if lean >= 1 - ALIGN_SHARE else d if lean <= ALIGN_SHARE else None
        if side is not None and sal >= JOIN_SALIENCE:
            role = f"joins {side} in war"
            join_cap[side] += cap
        elif side is not None:
            role = f"pressures {side} to settle"
            pressure[side] += scale * sal * min(1.0, cap / max(1e-9, caps.get(side, 1.0)))
        else:
            m_j = min(MEDIATION_MAX, sal * cap / max(1e-9, caps.get(c, 0.0) + caps.get(d, 0.0)))
            role = f"mediates (reveals resolve with probability {m_j:.2f})"
            mediation = max(mediation, m_j)
        row["role"] = role

    pw = rd.first("war_win_prob", [f"{c}_war_win_prob", *([rd.spec_costs["challenger_war_win_prob"]]
                                                          if "challenger_war_win_prob" in rd.spec_costs else [])])
    if pw is None:
        pd_ = rd.first("war_win_prob", [f"{d}_war_win_prob"])
        if pd_ is not None:
            pw = (1 - pd_[0], 1 - pd_[2], 1 - pd_[1])
    if pw is not None:
        p0 = pw[0]
        power_source = rd.read["war_win_prob"]
        if mode == "strategic" and strategic:
            power_source += " (read as the principals' own chance: third parties who join move it by the odds " \
                            "ratio of the coalition capabilities)"
    else:
        cc, cd = caps.get(c, 0.0) + join_cap[c], caps.get(d, 0.0) + join_cap[d]
        if cc + cd <= 0:
            raise InputError("both sides' capabilities are zero: give <challenger>_war_win_prob", sc.meta.id,
                             field="parameters")
        p0 = cc / (cc + cd)
        power_source = ("capability shares incl. third parties who join" if mode == "rule" else
                        "capability shares of the principals and the third parties who join")
        rd.read["war_win_prob"] = power_source
    if not 0.0 <= p0 <= 1.0:
        raise InputError(f"war win probability {p0:g} is outside [0, 1]", sc.meta.id, field="parameters")
    if (unread := unread_win_prob(sc, c, d)) is not None:
        rd.unread.append(unread)

    horizon_n = rd.first("horizon", ["horizon"])
    T = round(horizon_n[0]) if horizon_n else int(rd.default("horizon", DEFAULTS["horizon"]))
    stated = sc.parameters.get("horizon")  # a ranged horizon (and its draws) is rounded; a stated point is not
    whole = (stated is None or "horizon" in rd.over or stated.bounds[0] != stated.bounds[1]
             or stated.value == round(stated.value))
    if T < 1 or T > 8 or not whole:
        got = f"{stated.value:g}" if stated is not None and "horizon" not in rd.over else f"{T}"
        raise InputError(f"horizon must be a whole number of rounds from 1 to 8, got {got}", sc.meta.id,
                         field="parameters.horizon")
    disc_n = rd.first("discount", ["discount"])
    delta = disc_n[0] if disc_n else rd.default("discount", DEFAULTS["discount"])
    if not 0.0 < delta <= 1.0:
        raise InputError(f"discount must be in (0, 1], got {delta:g}", sc.meta.id, field="parameters.discount")

    shift = rd.first("power_shift", ["power_shift"])
    cohesion_path = None
    if shift is not None:
        ps = [p0 + shift[0] * t for t in range(T)]
        power_source += f"; trend power_shift {shift[0]:+g} per round"
    else:
        ps, cohesion_path, note = _cohesion_power(sc, c, d, p0, T, caps, owner, xc_pos, xd_pos)
        if note:
            power_source += "; " + note
            rd.read["power_shift"] = note
        else:
            rd.default("power_shift", 0.0)
    out = next((t for t, x in enumerate(ps) if not 0.0 <= x <= 1.0), None)
    if out is not None:  # a trend past certainty: clipped, and said (H12)
        rd.changed.append(f"the challenger's win probability {ps[out]:.2f} in round {out} (power_shift trend) is "
                          "outside [0, 1]: clipped to [0, 1] from that round on")
    ps = [min(1.0, max(0.0, x)) for x in ps]

    def war_cost(who: str, role: str) -> tuple[float, float, float]:
        names = [f"{who}_war_cost"]
        if role + "_war_cost" in rd.spec_costs:
            names.insert(0, rd.spec_costs[role + "_war_cost"])
        got = rd.first(f"{who}_war_cost", names)
        if got is None:
            v = rd.default(f"{who}_war_cost", DEFAULTS["war_cost"])
            got = (v, v, v)
        sn = [f"{who}_sanctions_cost", f"sanctions_cost_{who}"]
        if role == "challenger" and "challenger_sanctions_cost" in rd.spec_costs:
            sn.insert(0, rd.spec_costs["challenger_sanctions_cost"])
        sanc = rd.first(f"{who}_sanctions_cost", sn)
        if sanc is not None:
            got = (got[0] + sanc[0], got[1] + sanc[1], got[2] + sanc[2])
        return got

    wc, wd = war_cost(c, "challenger"), war_cost(d, "defender")

    def types(v: tuple[float, float, float]) -> tuple[tuple[float, float], float]:
        val, lo, hi = v
        if hi - lo <= 1e-12:
            return (val, val), 1.0
        return (lo, hi), (hi - val) / (hi - lo)

    (tc_, pic), (td_, pid) = types(wc), types(wd)
    stake = {c: front[-1][1], d: front[0][2]}

    def per_actor(term: str, who: str, dflt: float) -> float:
        got = rd.first(f"{who}_{term}", [f"{who}_{term}"])
        return got[0] if got else rd.default(f"{who}_{term}", round(dflt, 6))

    standoff = tuple(per_actor("standoff_cost", w, scale * stake[w]) + pressure[w] for w in (c, d))
    limited = tuple(per_actor("limited_war_cost", w, DEFAULTS["limited_share"] * v[0])
                    for w, v in ((c, wc), (d, wd)))
    one_round = (1 - delta) if flow else 1.0  # a one-time cost of one round's standoff (C6, C21)
    mobil = tuple(per_actor("mobilise_cost", w, one_round * scale * stake[w]) for w in (c, d))

    def audience(who: str) -> float:
        got = rd.first(f"{who}_audience_cost", [f"{who}_face_cost_withdraw", f"{who}_face_cost_accept"])
        if got is not None:
            return got[0]
        best = max((ch.audience_cost.value for ch in sc.channels if ch.kind.value == "public"
                    and (not ch.participants or who in {owner.get(p, p) for p in ch.participants})), default=None)
        if best is not None:
            rd.read[f"{who}_audience_cost"] = "largest public-channel audience cost"
            return best
        return rd.default(f"{who}_audience_cost", 0.0)

    aud = (audience(c), audience(d))
    fa_n = rd.first("fait_accompli_share", ["fait_accompli_share"])
    fa = fa_n[0] if fa_n else rd.default("fait_accompli_share", DEFAULTS["fait_accompli"])
    if fa_n is not None and not 0.0 <= min(fa_n) <= max(fa_n) <= 1.0:  # a share (H12: 2 was taken as given)
        raise InputError(f"fait_accompli_share is a share of the remaining distance and must lie in [0, 1], got "
                         f"{fa:g}" + (f" (range {fa_n[1]:g}-{fa_n[2]:g})" if fa_n[1] != fa_n[2] else ""),
                         sc.meta.id, field="parameters.fait_accompli_share")
    grid = DEFAULTS["grid"]
    offers = tuple(i / (grid - 1) for i in range(grid))

    ct, ch_note = (_channel_terms(sc, rd, (c, d), owner) if ch_mode == "both" else (None, ""))
    channel_of: tuple[int, ...] = ()
    if ct is not None:
        offers, channel_of = CHN.double_offers(offers)
    model = CrisisModel(
        players=(c, d), frontier=front, offers=offers, sq=sq, sq_pre=sq_pre, p=tuple(ps),
        war_cost=(tc_, td_), prior=(pic, pid), standoff=standoff, limited_cost=limited,  # type: ignore[arg-type]
        mobilise_cost=mobil, audience=aud, discount=delta, fait_accompli=fa,  # type: ignore[arg-type]
        start_rung=rung, start_escalator=esc, forced_at_start=False, channel=ct, channel_of=channel_of,
        standoff_flow=flow, settled_free=kept,
        coercion=CO.coercion_scale((stake[c], stake[d]), delta) if coercive else (0.0, 0.0))
    setup = None
    if mode == "strategic":
        setup = _third_setup(sc, rd, model, strategic, rows, (c, d), caps, scale, cohesion_path)
        if credible:
            setup = CO.credible_joins(setup)
        model = setup.base
    read_by_others = _read_elsewhere(sc)
    unused = sorted(n for n in sc.parameters if n not in rd.used and n not in read_by_others)
    return CrisisInputs(model, c, d, issues, main, third, history, under_way, rd.read, rd.defaults, unused,
                        unsolved=rd.unsolved, changed=rd.changed, unread=rd.unread, mediation=mediation,
                        power_source=power_source,
                        cohesion_path=cohesion_path, third_mode=mode, third_setup=setup, channel_mode=ch_mode,
                        channel_note=ch_note, joining="credible" if credible else "promise",
                        holding="coercive" if coercive else "own")


def _channel_terms(sc: Scenario, rd: _Reader, pair: tuple[str, str], owner: Mapping[str, str]
                   ) -> tuple[CHN.ChannelTerms | None, str]:
    """C18's channel terms, or None (with the reason) when the principals share no closed channel."""
    named: tuple[str | None, str | None] = (None, None)
    if sc.games is not None:
        spec = next((s for s in sc.games.specs if s.id == sc.games.default), sc.games.specs[0])
        named = (spec.public_channel, spec.closed_channel)
    got = CHN.pick_channels(sc, pair, dict(owner), named)
    if got is None:
        return None, "no closed channel open to both principals: every move is public (the model before C18)"
    pub, clo = got
    a_pub = rd.over.get(f"audience_cost:{pub.id}", pub.audience_cost.value)
    a_clo = rd.over.get(f"audience_cost:{clo.id}", clo.audience_cost.value)
    bad = CHN.check_ratio(a_pub, a_clo)
    if not bad and clo.audience_cost.bounds[1] > pub.audience_cost.bounds[0] + 1e-12:
        bad = (f"the closed channel's audience cost range reaches {clo.audience_cost.bounds[1]:g}, above the public "
               f"channel {pub.id}'s low {pub.audience_cost.bounds[0]:g}: a draw could make the closed move costlier")
    if bad:
        raise InputError(bad, sc.meta.id, field=f"channels.{clo.id}.audience_cost")
    rd.read["channels"] = f"public {pub.id} (audience cost {a_pub:g}), closed {clo.id} ({a_clo:g})"
    roles = ("challenger", "defender")
    face, cred, info = [], [], []
    for i, who in enumerate(pair):
        names = [f"{who}_face_cost_accept"]
        if i == 1 and "defender_face_accept" in rd.spec_costs:
            names.insert(0, rd.spec_costs["defender_face_accept"])
        f = rd.first(f"{who}_face_cost_accept", names)
        cred_names = [f"{who}_credibility_cost"]
        if i == 1 and "defender_credibility" in rd.spec_costs:
            cred_names.insert(0, rd.spec_costs["defender_credibility"])
        cr = rd.first(f"{who}_credibility_cost", cred_names)
        face.append(f[0] if f else rd.default(f"{who}_face_cost_accept", 0.0))
        cred.append(cr[0] if cr else rd.default(f"{who}_credibility_cost", 0.0))  # listed, as face and info
        inames = [f"{who}_info_benefit"]
        if f"{roles[i]}_info_benefit" in rd.spec_costs:
            inames.insert(0, rd.spec_costs[f"{roles[i]}_info_benefit"])
        b = rd.first(f"{who}_info_benefit", inames)
        info.append(b[0] if b else rd.default(f"{who}_info_benefit", 0.0))
    if min(face + cred + info) < 0:
        raise InputError("a face cost or information benefit of the channel model cannot be negative", sc.meta.id,
                         field="parameters")
    same = tuple(rd.read.get(f"{who}_audience_cost") == rd.read.get(f"{who}_face_cost_accept", "-") for who in pair)
    ct = CHN.ChannelTerms(pub.id, clo.id, CHN.ratio_of(a_pub, a_clo), (face[0], face[1]), (info[0], info[1]),
                          a_pub, a_clo, (cred[0], cred[1]), (same[0], same[1]))
    return ct, ""


def _third_setup(sc: Scenario, rd: _Reader, model: CrisisModel,
                 cands: list[tuple[float, dict[str, Any], list[tuple[str, float, float, float, float, float]]]],
                 rows: list[tuple[str, float, float, float, float]], pair: tuple[str, str],
                 caps: Mapping[str, float], scale: float, cohesion_path: list[float] | None) -> TP.ThirdSetup:
    """Strategic third parties (C13): the largest MAX_STRATEGIC by capability x salience choose; their
    utilities on the frontier, costs (parameters or listed defaults) and levers."""
    c, d = pair
    cap_c, cap_d = caps.get(c, 0.0), caps.get(d, 0.0)
    zero = next((x for x, cap in ((c, cap_c), (d, cap_d)) if cap <= 0), None)
    if zero is not None and cands:  # a joiner moves the odds by (cap + joiner's) / cap: undefined at 0 (H12)
        raise InputError(f"principal '{zero}' has capability 0, but strategic third parties who join a side move "
                         "its chance of winning by the ratio of the coalition's capability to its own; give it a "
                         "positive capability or tag third_parties:rule", sc.meta.id,
                         field=f"actors.{zero}.capability")
    both = max(1e-9, cap_c + cap_d)
    order = sorted(range(len(cands)), key=lambda i: -cands[i][0])
    chosen = sorted(order[:TP.MAX_STRATEGIC])
    left = [cands[i][1]["actor"] for i in order[TP.MAX_STRATEGIC:]]
    points = [(s, frac) for s, _c, _d, frac in _frontier_points(rows)]
    parties = []

    def nonneg(name: str, got: tuple[float, float, float]) -> float:
        if min(got) < 0:  # a negative cost would pay a third party to join, press or mediate
            raise InputError(f"a third party's cost cannot be negative, got {min(got):g}", sc.meta.id,
                             field=f"parameters.{name}")
        return got[0]

    def scale_term(name: str) -> float:
        got = rd.first(name, [name])
        return nonneg(name, got) if got else rd.default(name, THIRD_DEFAULTS[name])

    for i in chosen:
        _w, row, stakes = cands[i]
        k, cap = row["actor"], row["capability"]
        sal_exact = sum(x[1] for x in stakes) / len(rows)
        src: dict[str, str] = {}

        def cost(term: str, dflt_scale: str, per_cap: bool, k: str = k, cap: float = cap,
                 src: dict[str, str] = src) -> float:
            got = rd.first(f"{k}_{term}", [f"{k}_{term}"])
            if got is not None:
                src[term] = f"parameter {k}_{term}"
                return nonneg(f"{k}_{term}", got)
            base = scale_term(dflt_scale)
            src[term] = f"default: {dflt_scale} {base:g}" + (" x capability / the principals' together"
                                                             if per_cap else "")
            return base * cap / both if per_cap else base

        parties.append(TP.ThirdParty(
            actor=k, lean=row["lean"], salience=sal_exact, capability=cap,
            utility=TP.utility_points(points, stakes),
            join_cost=cost("join_cost", "third_party_join_cost_scale", True),
            pressure_cost=cost("pressure_cost", "third_party_pressure_cost_scale", True),
            mediation_cost=cost("mediation_cost", "third_party_mediation_cost", False),
            pressure_effect=(scale * sal_exact * min(1.0, cap / max(1e-9, cap_c)),
                             scale * sal_exact * min(1.0, cap / max(1e-9, cap_d))),
            reveal=min(MEDIATION_MAX, sal_exact * cap / both), sources=src))
    for name in left:
        row = next(r for _w, r, _s in cands if r["actor"] == name)
        row["role"] = f"stays out (not solved: only the {TP.MAX_STRATEGIC} largest third parties choose)"
        for term in ("join_cost", "pressure_cost", "mediation_cost"):  # stated, but its party never chooses
            if f"{name}_{term}" in sc.parameters:
                rd.used.add(f"{name}_{term}")
                rd.unsolved.append(f"{name}_{term}")
    coh = None
    sim = sc.simulation
    if cohesion_path is not None and sim is not None and sim.cohesion:
        bloc = sim.cohesion[0].id
        pos = sc.positions.get(bloc, {})
        xc_pos = {r[0]: r[4] for r in rows}
        xd_pos = {r[0]: r[3] for r in rows}
        lean = [(pos[i].position.value - xd_pos[i]) / (xc_pos[i] - xd_pos[i]) for i in xc_pos if i in pos]
        side = 0 if lean and sum(lean) / len(lean) > 0.5 else 1
        coh = (bloc, side, tuple(cohesion_path))
    base = replace(model, observers=tuple(Observer(p.actor, p.utility) for p in parties))
    return TP.ThirdSetup(base, tuple(parties), (cap_c, cap_d), coh, tuple(left))


def _read_elsewhere(sc: Scenario) -> set[str]:
    """Parameters read by the other layers (games specs, the simulation)."""
    out: set[str] = set()
    if sc.games is not None:
        for s in sc.games.specs:
            out |= set(s.costs.values())
    sim = sc.simulation
    if sim is not None:
        for v in (*sim.move_costs.values(), *sim.move_benefits.values()):
            out |= {v} if isinstance(v, str) else set(v)
        if sim.war is not None:
            out |= set(sim.war.win_prob.values()) | set(sim.war.cost.values())
    return out


def _cohesion_power(sc: Scenario, c: str, d: str, p0: float, T: int, caps: Mapping[str, float],
                    owner: Mapping[str, str], xc_pos: Mapping[str, float],
                    xd_pos: Mapping[str, float]) -> tuple[list[float], list[float] | None, str]:
    """Power by round from an alliance's cohesion (C3): the bloc adds cohesion x its capability to
    the side it leans to; the stated p holds at round 0, later rounds move by the odds ratio."""
    sim = sc.simulation
    if sim is None or not sim.cohesion:
        return [p0] * T, None, ""
    coh = sim.cohesion[0]
    bloc = coh.id
    if bloc not in caps:
        return [p0] * T, None, ""
    pos = sc.positions.get(bloc, {})
    lean = [(pos[i].position.value - xd_pos[i]) / (xc_pos[i] - xd_pos[i]) for i in xc_pos if i in pos]
    side = c if lean and sum(lean) / len(lean) > 0.5 else d
    aud = next((a for a in sc.audiences if a.id == coh.audience), None)
    iss = next((i for i in sc.issues if i.id == coh.issue), None)
    if aud is None or iss is None or coh.issue not in aud.opinion:
        return [p0] * T, None, ""
    span = max(1e-9, iss.scale.max - iss.scale.min)
    o = aud.opinion[coh.issue].value
    trust = sim.trust.get(aud.id, {})
    for mv in sorted((m for m in sc.moves if m.step is not None and m.type.value == "inform"
                      and m.issue == coh.issue and m.position is not None), key=lambda m: m.step or 0):
        src = owner.get(mv.actor, mv.actor)
        k = (mv.intensity.value if mv.intensity else 0.5) * trust.get(src, trust.get(mv.actor, 1.0))
        o += k * (mv.position.value - o)
    target = (o - iss.scale.min) / span
    path = [coh.start]
    for _ in range(T - 1):
        path.append(path[-1] + coh.rate * (target - path[-1]))
    cap_side = caps.get(side, 0.0)
    base = cap_side + path[0] * caps[bloc]
    odds0 = p0 / max(1e-9, 1 - p0)
    ps = []
    for ct in path:
        k = (cap_side + ct * caps[bloc]) / max(1e-9, base)
        odds = odds0 * k if side == c else odds0 / k
        ps.append(odds / (1 + odds))
    note = (f"cohesion of {bloc} ({side}'s side) from {path[0]:.2f} toward {target:.2f} "
            f"({aud.id}'s opinion on {coh.issue} after the information moves played)")
    return ps, path, note
