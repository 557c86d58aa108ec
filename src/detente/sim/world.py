"""The simulated world: a scenario compiled into flat tables, the state, and what moves do.

:class:`World` is static (built once per scenario); :class:`State` is the small mutable record
of one run (positions stated in public and offered in private, the situation on the ground,
commitments, face, the tension level, audience opinion, running campaigns). ``apply`` and
``end_round`` are pure functions of (world, state, move): no randomness, so the agents'
look-ahead and the real run use the same code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError
from detente.scenario.numbers import Num
from detente.scenario.schema import Scenario
from detente.sim.catalogue import Catalogue, MoveKind, load_catalogue

NAN = float("nan")
PASS = "pass"


@dataclass(frozen=True)
class SimMove:
    """A move on a player's menu, with everything the engine needs resolved."""

    id: str
    actor: str  # who makes it (may be a delegation)
    player: int  # index of the player it counts for
    type: str
    kind: MoveKind
    channel: str | None
    track: str  # "public", "closed" or "field" (a deed, seen by all)
    audience_cost: float
    rank_weight: float
    target: str | None
    issue: int | None
    position: float | None
    intensity: float
    cost: float  # one-off utility cost, charged the first time the move is made
    benefit: float  # one-off utility benefit
    step: int | None
    label: str
    gates: tuple[tuple[int, int, float, float], ...] = ()  # (audience, issue, at_least, at_most)
    cgates: tuple[tuple[int, float, float], ...] = ()  # (alliance, at_least, at_most) on cohesion


@dataclass(frozen=True)
class World:
    scenario_id: str
    catalogue: Catalogue
    player_ids: tuple[str, ...]
    player_names: tuple[str, ...]
    issue_ids: tuple[str, ...]
    issue_names: tuple[str, ...]
    lo: tuple[float, ...]
    span: tuple[float, ...]
    status_quo: tuple[float, ...]
    ideal: tuple[tuple[float, ...], ...]  # [player][issue], NaN where no stance
    salience: tuple[tuple[float, ...], ...]
    contested: tuple[bool, ...]
    audience_ids: tuple[str, ...]
    audience_names: tuple[str, ...]
    anchor: tuple[tuple[float, ...], ...]  # [audience][issue], NaN where no opinion
    susceptibility: tuple[float, ...]
    sees: tuple[frozenset[str], ...]  # actors (and their delegations) each audience watches
    trust: tuple[dict[str, float], ...]
    moves: tuple[SimMove, ...]
    menu: tuple[tuple[int, ...], ...]  # move indices per player; the last one is "pass"
    temperature: float
    rounds: int
    runs: int
    scripted: frozenset[int]
    after_script: str
    influence_rate: float
    opinion_weight: float
    agreement_gap: float
    war_issues: tuple[int, ...]
    win_prob: tuple[float, ...]
    war_cost: tuple[float, ...]
    actor_names: dict[str, str] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)
    actor_kinds: dict[str, str] = field(default_factory=dict)
    scale_text: tuple[tuple[str, str], ...] = ()  # what each issue's minimum and maximum mean
    # (issue, salience share, ideal, span) per player; (audience, issue, weight, ideal, span) per player
    issue_terms: tuple[tuple[tuple[int, float, float, float], ...], ...] = ()
    opinion_cells: tuple[tuple[int, ...], ...] = ()  # issues each audience holds an opinion on
    opinion_terms: tuple[tuple[tuple[int, int, float, float, float], ...], ...] = ()
    seen_moves: tuple[frozenset[int], ...] = ()  # moves each audience sees (by their actor)
    campaign_factor: tuple[dict[int, float], ...] = ()  # influence_rate x trust, per audience and move
    keys: frozenset[str] = frozenset()  # the readable keys of the numbers it was built from
    cohesion_ids: tuple[str, ...] = ()
    cohesion_specs: tuple[tuple[int, int, float, float], ...] = ()  # (audience, issue, start, rate)

    @property
    def n_players(self) -> int:
        return len(self.player_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    def move_index(self, move_id: str) -> int:
        for k, m in enumerate(self.moves):
            if m.id == move_id:
                return k
        raise KeyError(move_id)

    def max_step(self) -> int:
        steps = [m.step for m in self.moves if m.step is not None]
        return max(steps) if steps else -1


# ---------------------------------------------------------------- compiling a scenario

class Reader:
    """Reads a scenario's numbers by the readable key the uncertainty layer gives them
    (``parameters.rus_war_cost``, ``positions.rus.donbass.salience``, ...), taking an override
    from ``values`` when there is one (a sampled draw, or a point of a break-even search)."""

    def __init__(self, values: Mapping[str, float] | None) -> None:
        self.values = dict(values or {})
        self.read: set[str] = set()

    def __call__(self, key: str, num: Num) -> float:
        self.read.add(key)
        got = self.values.get(key)
        return num.value if got is None else float(got)

    def param(self, sc: Scenario, name: str) -> float:
        return self(f"parameters.{name}", sc.parameters[name])

    def refs_total(self, sc: Scenario, refs: str | list[str] | None) -> float:
        if refs is None:
            return 0.0
        return sum(self.param(sc, r) for r in ([refs] if isinstance(refs, str) else refs))

    def check(self, scenario_id: str) -> None:
        """Every override names a number this world reads (a typo is a user error)."""
        unknown = sorted(set(self.values) - self.read)
        if unknown:
            raise InputError(f"the simulation reads no number called '{unknown[0]}'", scenario_id,
                             field="simulation")


def _check_steps(sc: Scenario) -> None:
    """A run plays the history one round a step (then the crisis model's horizon): a step of 10^9 made the
    crisis players' runs 10^9 rounds long, without end (H13); past the rounds' limit it is refused."""
    from detente.scenario.schema import MAX_HISTORY_STEP, MAX_SIM_ROUNDS

    for k, mv in enumerate(sc.moves):
        if mv.step is not None and mv.step > MAX_HISTORY_STEP:
            raise InputError(f"step {mv.step}: a simulated run plays one round per step of the history (then up "
                             f"to 8 of the crisis model's), so a step above {MAX_HISTORY_STEP} would take it past "
                             f"the limit of {MAX_SIM_ROUNDS} rounds; number the steps 0, 1, 2, ...", sc.meta.id,
                             field=f"moves[{k}].step")


def compile_world(sc: Scenario, *, rounds: int | None = None, without: frozenset[str] = frozenset(),
                  catalogue: Catalogue | None = None, values: Mapping[str, float] | None = None,
                  strict: bool = True) -> World:
    """Build the static world of ``sc``; ``without`` drops moves (for counterfactual runs);
    ``values`` overrides numbers by key (see :class:`Reader`); with ``strict``, a key the world
    does not read is an error (a sampled draw may hold numbers of dropped moves: not strict)."""
    cat = catalogue or load_catalogue()
    sim = sc.simulation
    val = Reader(values)
    if sim is None:
        raise InputError("the scenario has no 'simulation:' section (players, temperature, ...)",
                         sc.meta.id, field="simulation")
    _check_steps(sc)
    players = tuple(sim.players)
    p_index = {p: k for k, p in enumerate(players)}
    actors = {a.id: a for a in sc.actors}

    def player_of(actor_id: str) -> int | None:
        seen: set[str] = set()
        cur: str | None = actor_id
        while cur is not None and cur not in seen:
            if cur in p_index:
                return p_index[cur]
            seen.add(cur)
            cur = actors[cur].represents if cur in actors else None
        return None

    issues = sc.issues
    lo = tuple(i.scale.min for i in issues)
    span = tuple(i.scale.max - i.scale.min for i in issues)
    sq = tuple(val(f"issues.{i.id}.status_quo", i.status_quo) if i.status_quo else (i.scale.min + i.scale.max) / 2
               for i in issues)
    ideal = []
    sal = []
    for p in players:
        stances = sc.positions.get(p, {})
        ideal.append(tuple(val(f"positions.{p}.{i.id}.position", stances[i.id].position)
                           if i.id in stances else NAN for i in issues))
        sal.append(tuple(val(f"positions.{p}.{i.id}.salience", stances[i.id].salience)
                         if i.id in stances else 0.0 for i in issues))
    gap = sim.agreement_gap
    contested = tuple(
        not math.isnan(ideal[0][k]) and not math.isnan(ideal[1][k])
        and abs(ideal[0][k] - ideal[1][k]) > gap * span[k] + 1e-12
        for k in range(len(issues))
    )

    i_index = {i.id: k for k, i in enumerate(issues)}
    aud_ids = tuple(a.id for a in sc.audiences)
    a_index = {a: k for k, a in enumerate(aud_ids)}
    anchor = tuple(tuple(val(f"audiences.{a.id}.opinion.{i.id}", a.opinion[i.id]) if i.id in a.opinion else NAN
                         for i in issues) for a in sc.audiences)
    sees = []
    for a in sc.audiences:
        watched = set(a.watches)
        watched |= {x.id for x in sc.actors if x.represents in watched}
        sees.append(frozenset(watched))
    trust = tuple(dict(sim.trust.get(a.id, {})) for a in sc.audiences)
    susc = tuple(sim.susceptibility.get(a.id, 0.8) for a in sc.audiences)

    channels = {c.id: c for c in sc.channels}
    for k, c in enumerate(sim.cohesion):
        if math.isnan(anchor[a_index[c.audience]][i_index[c.issue]]):
            raise InputError(f"cohesion '{c.id}' follows audience '{c.audience}' on '{c.issue}', on which it "
                             "holds no opinion", sc.meta.id, field=f"simulation.cohesion[{k}]")
    gates: dict[str, list[tuple[int, int, float, float]]] = {}
    cgates: dict[str, list[tuple[int, float, float]]] = {}
    c_index = {c.id: k for k, c in enumerate(sim.cohesion)}
    for g in sim.gates:
        lo_b = g.at_least if g.at_least is not None else -math.inf
        hi_b = g.at_most if g.at_most is not None else math.inf
        if g.cohesion is not None:
            cgates.setdefault(g.move, []).append((c_index[g.cohesion], lo_b, hi_b))
        else:
            assert g.audience is not None and g.issue is not None
            gates.setdefault(g.move, []).append((a_index[g.audience], i_index[g.issue], lo_b, hi_b))

    moves: list[SimMove] = []
    for mv in sc.moves:
        if mv.id in without:
            continue
        p = player_of(mv.actor)
        if p is None:
            continue  # moves of actors outside the dyad are not simulated
        kind = cat.kinds[mv.type.value]
        ch = channels.get(mv.channel) if mv.channel else None
        if ch is None:
            track, ac, level = "field", cat.field_audience_cost, None
        else:
            track, ac, level = ch.kind.value, val(f"channels.{ch.id}.audience_cost", ch.audience_cost), ch.level
        rank = actors[mv.actor].rank if mv.actor in actors else None
        rank_weight = cat.ranks.get(rank or level or "state", cat.ranks["state"])
        cost = (val(f"moves.{mv.id}.cost", mv.cost) if mv.cost else 0.0) + val.refs_total(sc, sim.move_costs.get(mv.id))
        moves.append(SimMove(
            id=mv.id, actor=mv.actor, player=p, type=mv.type.value, kind=kind, channel=mv.channel,
            track=track, audience_cost=ac, rank_weight=rank_weight, target=mv.target,
            issue=i_index[mv.issue] if mv.issue else None,
            position=val(f"moves.{mv.id}.position", mv.position) if mv.position else None,
            intensity=val(f"moves.{mv.id}.intensity", mv.intensity) if mv.intensity else kind.intensity,
            cost=cost, benefit=val.refs_total(sc, sim.move_benefits.get(mv.id)), step=mv.step,
            label=" ".join((mv.label or mv.id).split()), gates=tuple(gates.get(mv.id, ())),
            cgates=tuple(cgates.get(mv.id, ())),
        ))
    pass_kind = MoveKind("pass", "none", 0.0, 0, "talk", 0.0, "makes no new move")
    menu = []
    for p, pid in enumerate(players):
        own = [k for k, m in enumerate(moves) if m.player == p]
        moves.append(SimMove(id=f"{pid}.{PASS}", actor=pid, player=p, type=PASS, kind=pass_kind,
                             channel=None, track="field", audience_cost=0.0, rank_weight=0.0,
                             target=None, issue=None, position=None, intensity=0.0, cost=0.0,
                             benefit=0.0, step=None, label="makes no new move"))
        menu.append((*own, len(moves) - 1))

    war = sim.war
    caps = [val(f"actors.{p}.capability", actors[p].capability) for p in players]
    win = []
    for k, p in enumerate(players):
        if war is not None and p in war.win_prob:
            win.append(val.param(sc, war.win_prob[p]))
        else:
            total = sum(caps)
            win.append(caps[k] / total if total > 0 else 0.5)
    war_cost = tuple(val.param(sc, war.cost[p]) if war is not None and p in war.cost else 0.0 for p in players)

    issue_terms = []
    opinion_terms = []
    for p in range(len(players)):
        have = [i for i in range(len(issues)) if sal[p][i] > 0 and not math.isnan(ideal[p][i])]
        norm = sum(sal[p][i] for i in have)
        issue_terms.append(tuple((i, sal[p][i] / norm, ideal[p][i], span[i]) for i in have) if norm else ())
        pairs = [(a, i) for a in range(len(aud_ids)) for i in have if not math.isnan(anchor[a][i])]
        onorm = sum(sal[p][i] for _, i in pairs)
        opinion_terms.append(tuple((a, i, sim.opinion_weight * sal[p][i] / onorm, ideal[p][i], span[i])
                                   for a, i in pairs) if onorm and sim.opinion_weight else ())

    seen_moves = tuple(frozenset(k for k, m in enumerate(moves) if m.actor in sees[a])
                       for a in range(len(aud_ids)))
    campaign_factor = tuple(
        {k: sim.influence_rate * trust[a].get(m.actor, trust[a].get(players[m.player], 1.0))
         for k, m in enumerate(moves) if m.kind.effect == "inform"}
        for a in range(len(aud_ids)))
    if strict:
        val.check(sc.meta.id)
    return World(
        scenario_id=sc.meta.id, catalogue=cat, player_ids=players,
        player_names=tuple(actors[p].name for p in players),
        issue_ids=tuple(i.id for i in issues), issue_names=tuple(i.name for i in issues),
        lo=lo, span=span, status_quo=sq, ideal=tuple(ideal), salience=tuple(sal), contested=contested,
        audience_ids=aud_ids, audience_names=tuple(a.name for a in sc.audiences), anchor=anchor,
        susceptibility=susc, sees=tuple(sees), trust=trust, moves=tuple(moves), menu=tuple(menu),
        temperature=sim.temperature.value, rounds=rounds or sim.rounds, runs=sim.runs,
        scripted=frozenset(p_index[p] for p in sim.scripted), after_script=sim.after_script,
        influence_rate=sim.influence_rate, opinion_weight=sim.opinion_weight, agreement_gap=gap,
        war_issues=tuple(i_index[i] for i in war.issues) if war else (),
        win_prob=tuple(win), war_cost=war_cost,
        actor_names={a.id: a.name for a in sc.actors}, channel_names={c.id: c.name for c in sc.channels},
        actor_kinds={a.id: str(getattr(a.kind, "value", a.kind) or "") for a in sc.actors},
        scale_text=tuple((" ".join((i.scale.low or "").split()), " ".join((i.scale.high or "").split()))
                         for i in issues),
        issue_terms=tuple(issue_terms), opinion_terms=tuple(opinion_terms),
        seen_moves=seen_moves, campaign_factor=campaign_factor, keys=frozenset(val.read),
        cohesion_ids=tuple(c.id for c in sim.cohesion),
        cohesion_specs=tuple((a_index[c.audience], i_index[c.issue], c.start, c.rate) for c in sim.cohesion),
        opinion_cells=tuple(tuple(i for i in range(len(issues)) if not math.isnan(anchor[a][i]))
                            for a in range(len(aud_ids))),
    )


# ---------------------------------------------------------------- state

@dataclass
class State:
    """One run's state. Lists indexed [player][issue] or [audience][issue]."""

    round: int
    stated: list[list[float]]  # public positions
    offer: list[list[float]]  # closed-track positions
    realised: list[float]  # the situation on the ground / the settled value
    settled: list[bool]
    commit: list[list[float]]  # public commitment weight per player and issue
    threats: list[list[float]]  # what a player has threatened to do to an issue if war comes
    face: list[float]
    ledger: list[float]  # one-off move costs and benefits
    level: float
    opinion: list[list[float]]
    campaigns: tuple[int, ...]
    attention: tuple[tuple[int, float], ...]  # (move, news value) of recent public events
    played: frozenset[int]
    war_by: int = -1
    cohesion: list[float] = field(default_factory=list)  # per alliance, 0..1 (replaced whole, never in place)

    def copy(self) -> State:
        """A copy to change. The opinion table is shared: it is only ever replaced whole
        (by :func:`end_round`), never written in place, so sharing it is safe and cheap.
        Rows indexed by player come in pairs (a dyad, M1)."""
        new = object.__new__(State)
        d = self.__dict__.copy()
        a, b = self.stated
        d["stated"] = [a[:], b[:]]
        a, b = self.offer
        d["offer"] = [a[:], b[:]]
        a, b = self.commit
        d["commit"] = [a[:], b[:]]
        a, b = self.threats
        d["threats"] = [a[:], b[:]]
        d["realised"] = self.realised[:]
        d["settled"] = self.settled[:]
        d["face"] = self.face[:]
        d["ledger"] = self.ledger[:]
        new.__dict__ = d
        return new

    def key(self) -> tuple[Any, ...]:
        """A hashable fingerprint (rounded) for caching decisions on identical states."""
        r = _rounded
        return (self.round, *map(r, self.stated), *map(r, self.offer), r(self.realised), tuple(self.settled),
                *map(r, self.commit), *map(r, self.threats), r(self.face), r(self.ledger),
                round(self.level, 9), *map(r, self.opinion), self.campaigns,
                tuple((m, round(v, 9)) for m, v in self.attention), self.played, self.war_by, r(self.cohesion))

    def to_dict(self) -> dict[str, Any]:
        def clean(x: Any) -> Any:
            if isinstance(x, float):
                return None if x != x else x
            if isinstance(x, (list, tuple, frozenset)):
                return [clean(v) for v in (sorted(x) if isinstance(x, frozenset) else x)]
            return x
        return {k: clean(getattr(self, k)) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> State:
        def f(x: Any) -> float:
            return NAN if x is None else float(x)
        return cls(
            round=int(d["round"]), stated=[[f(x) for x in r] for r in d["stated"]],
            offer=[[f(x) for x in r] for r in d["offer"]], realised=[f(x) for x in d["realised"]],
            settled=[bool(x) for x in d["settled"]], commit=[[f(x) for x in r] for r in d["commit"]],
            threats=[[f(x) for x in r] for r in d["threats"]], face=[f(x) for x in d["face"]],
            ledger=[f(x) for x in d["ledger"]], level=float(d["level"]),
            opinion=[[f(x) for x in r] for r in d["opinion"]], campaigns=tuple(d["campaigns"]),
            attention=tuple((int(m), float(v)) for m, v in d["attention"]), played=frozenset(d["played"]),
            war_by=int(d["war_by"]), cohesion=[f(x) for x in d.get("cohesion", [])],
        )


def _rounded(xs: list[float]) -> tuple[float, ...]:
    """``xs`` rounded to 9 decimals, NaN as -1e99 (NaN never equals itself, so no cache hit)."""
    return tuple([round(x, 9) if x == x else -1e99 for x in xs])


def initial_state(w: World) -> State:
    n, m = w.n_players, w.n_issues
    stated = [[w.ideal[p][i] if not math.isnan(w.ideal[p][i]) else w.status_quo[i] for i in range(m)]
              for p in range(n)]
    return State(
        round=0, stated=stated, offer=[r[:] for r in stated], realised=list(w.status_quo),
        settled=[False] * m, commit=[[0.0] * m for _ in range(n)], threats=[[NAN] * m for _ in range(n)],
        face=[0.0] * n, ledger=[0.0] * n, level=0.0, opinion=[list(a) for a in w.anchor],
        campaigns=(), attention=(), played=frozenset(),
        cohesion=[start for _a, _i, start, _rate in w.cohesion_specs],
    )


# ---------------------------------------------------------------- moves

def available(w: World, s: State, p: int) -> list[int]:
    """Indices of the moves player ``p`` may make now (gates checked; none after war)."""
    if s.war_by >= 0:
        return []
    out = []
    for k in w.menu[p]:
        ok = True
        for aud, iss, lo_b, hi_b in w.moves[k].gates:
            y = s.opinion[aud][iss]
            if not (lo_b <= y <= hi_b):
                ok = False
                break
        for c, lo_b, hi_b in w.moves[k].cgates:
            if not (lo_b <= s.cohesion[c] <= hi_b):
                ok = False
        if ok:
            out.append(k)
    return out


def _toward(w: World, p: int, i: int, old: float, new: float) -> float:
    """How far (share of the scale) moving from ``old`` to ``new`` goes toward the other player."""
    other = w.ideal[1 - p][i]
    if math.isnan(other):
        return 0.0
    return (abs(old - other) - abs(new - other)) / w.span[i]


def _most_forthcoming(w: World, s: State, p: int, i: int) -> float:
    other = w.ideal[1 - p][i]
    a, b = s.stated[p][i], s.offer[p][i]
    if math.isnan(other):
        return a
    return a if abs(a - other) <= abs(b - other) else b


def apply(w: World, s: State, k: int, events: list[dict[str, Any]] | None = None) -> State:
    """The state after move ``k``; appends what happened to ``events`` when given."""
    mv = w.moves[k]
    s = s.copy()
    p = mv.player
    rec: dict[str, Any] = {"move": mv.id}
    if mv.type == PASS:
        if events is not None:
            events.append(rec)
        return s
    if k not in s.played:
        s.ledger[p] += mv.benefit - mv.cost
        s.played = s.played | {k}
    dyn = w.catalogue.dynamics
    kind = mv.kind
    if kind.effect == "war":
        s.war_by = p
        s.level = float(w.catalogue.top)
        if mv.issue is not None and mv.position is not None:
            s.realised[mv.issue] = mv.position
    elif kind.score < 0 and kind.rung > s.level:
        s.level += (kind.rung - s.level) * mv.intensity * dyn["level_pull"]
    elif kind.score > 0:
        s.level = max(0.0, s.level - kind.score * mv.intensity * dyn["level_relief"])
    if mv.track != "closed" and kind.effect != "inform":
        s.attention = (*s.attention, (k, mv.intensity))
    i = mv.issue
    commit_w = mv.audience_cost * mv.rank_weight
    if kind.effect == "state" and i is not None:
        if mv.position is not None:
            _reposition(w, s, p, i, mv.position, mv, rec)
        if mv.track != "closed":
            s.commit[p][i] = max(s.commit[p][i], commit_w * mv.intensity)
    elif kind.effect == "position" and i is not None:
        new = mv.position
        if new is None:
            other = s.stated[1 - p][i] if mv.track != "closed" else s.offer[1 - p][i]
            mine = s.stated[p][i] if mv.track != "closed" else s.offer[p][i]
            new = other if mv.type == "accept" else (mine + other) / 2
        _reposition(w, s, p, i, new, mv, rec)
    elif kind.effect == "deed" and i is not None:
        if mv.position is not None:
            # a concession only when the deed gives ground (moves the issue from where it stands
            # toward the other side) to a point short of the mover's stated position; a sanction or
            # a show of force that holds or pushes the issue is no concession, whatever the mover
            # says it wants (SF5: Japan's sanction at the status quo was logged as one)
            # H17: a mover with no stance on the issue and no public word on it yet has no stated position to
            # fall short of (its stated value is the status quo only as a placeholder): no concession
            before = s.realised[i]
            s.realised[i] = mv.position
            said = not math.isnan(w.ideal[p][i]) or s.commit[p][i] > 0
            if said and _toward(w, p, i, before, mv.position) > 0 \
                    and _toward(w, p, i, s.stated[p][i], mv.position) > 0:
                _reposition(w, s, p, i, mv.position, mv, rec)
                if "concession" in rec:
                    rec["concession"]["ground"] = [before, mv.position]
        s.commit[p][i] = max(s.commit[p][i], commit_w * mv.intensity)
    elif kind.effect == "threat":
        if i is not None:
            if mv.position is not None:
                s.threats[p][i] = mv.position
            s.commit[p][i] = max(s.commit[p][i], commit_w * mv.intensity)
        else:
            for j in range(w.n_issues):
                if w.contested[j]:
                    s.commit[p][j] = max(s.commit[p][j], commit_w * mv.intensity)
    elif kind.effect == "inform" and i is not None and mv.position is not None and k not in s.campaigns:
        keep = tuple(c for c in s.campaigns
                     if not (w.moves[c].player == p and w.moves[c].issue == i))
        s.campaigns = (*keep, k)
        rec["campaign"] = "started"
    if i is not None and w.contested[i] and not s.settled[i] and s.war_by < 0:
        _check_settlement(w, s, i, rec)
    if events is not None:
        events.append(rec)
    return s


def _reposition(w: World, s: State, p: int, i: int, new: float, mv: SimMove, rec: dict[str, Any]) -> None:
    """Move ``p``'s position on ``i`` on the move's track; a step toward the other side is a
    concession and, in public, costs face by the commitment it breaks."""
    if mv.track == "closed":
        step = _toward(w, p, i, s.offer[p][i], new)
        s.offer[p][i] = new
        loss = max(step, 0.0) * mv.audience_cost * mv.rank_weight
    else:
        step = _toward(w, p, i, s.stated[p][i], new)
        s.stated[p][i] = new
        if _toward(w, p, i, s.offer[p][i], new) > 0:
            s.offer[p][i] = new
        loss = max(step, 0.0) * max(s.commit[p][i], mv.audience_cost * mv.rank_weight)
        s.commit[p][i] = max(s.commit[p][i], mv.audience_cost * mv.rank_weight)
    if step > 1e-12:
        s.face[p] -= loss
        rec["concession"] = {"issue": w.issue_ids[i], "track": mv.track, "amount": step, "face_cost": loss}


def _check_settlement(w: World, s: State, i: int, rec: dict[str, Any]) -> None:
    # _most_forthcoming for both players, inlined (this runs after most moves of the look-ahead)
    o1, o0 = w.ideal[1][i], w.ideal[0][i]
    a, b = s.stated[0][i], s.offer[0][i]
    if o1 == o1 and abs(a - o1) > abs(b - o1):
        a = b
    b, c = s.stated[1][i], s.offer[1][i]
    if o0 == o0 and abs(b - o0) > abs(c - o0):
        b = c
    if abs(a - b) > w.agreement_gap * w.span[i] + 1e-12:
        return
    mid = (a + b) / 2
    s.settled[i] = True
    s.realised[i] = mid
    disc = w.catalogue.dynamics["announce_discount"]
    for p in range(w.n_players):
        step = _toward(w, p, i, s.stated[p][i], mid)
        if step > 0:
            s.face[p] -= step * s.commit[p][i] * disc
        s.stated[p][i] = mid
        s.offer[p][i] = mid
    rec["settled"] = {"issue": w.issue_ids[i], "value": mid}


def end_round(w: World, s: State) -> State:
    """Audiences update their opinion (Friedkin–Johnsen), news fades, tension decays."""
    s = s.copy()
    if s.war_by < 0:
        s.opinion = opinion_step(w, s)
        if w.cohesion_specs:
            s.cohesion = cohesion_step(w, s.opinion, s.cohesion)
    dyn = w.catalogue.dynamics
    s.attention = tuple((m, v * dyn["attention_decay"]) for m, v in s.attention
                        if v * dyn["attention_decay"] >= 0.01)
    if s.war_by < 0:
        s.level *= 1.0 - dyn["level_decay"]
    return s


def cohesion_step(w: World, opinion: list[list[float]], cohesion: list[float]) -> list[float]:
    """Each alliance closes ``rate`` of the gap between its cohesion and its audience's support
    (the audience's opinion on the issue as a share of the issue's scale, 0..1)."""
    out = []
    for (a, i, _start, rate), c in zip(w.cohesion_specs, cohesion, strict=True):
        support = (opinion[a][i] - w.lo[i]) / w.span[i]
        out.append(c + rate * (support - c))
    return out


def credibility(s: State, p: int) -> float:
    """A player's credibility as a source: face lost in public erodes it (1 = intact, floor 0.1)."""
    return max(0.1, min(1.0, 1.0 + s.face[p]))


def attention_loads(w: World, attention: tuple[tuple[int, float], ...],
                    start: tuple[float, ...] | None = None) -> tuple[float, ...]:
    """Per audience, 1 + the news value of the public events it sees (``start``: a running sum)."""
    out = []
    for a, seen in enumerate(w.seen_moves):
        load = 1.0 if start is None else start[a]
        for m, v in attention:
            if m in seen:
                load += v
        out.append(load)
    return tuple(out)


def messages(w: World, s: State, a: int, load: float | None = None) -> list[tuple[int, float, float]]:
    """The campaigns audience ``a`` receives now, as (issue, message, weight).

    A campaign's weight is reach x trust x the source's credibility x its share of the
    audience's attention, which every public event and campaign it sees competes for
    (``load``: the audience's attention load from public events, computed when not given).
    """
    if load is None:
        load = attention_loads(w, s.attention)[a]
    return _messages(w, a, s.campaigns, s.face, load)


def _messages(w: World, a: int, campaigns: tuple[int, ...], face: list[float],
              load: float) -> list[tuple[int, float, float]]:
    seen = w.seen_moves[a]
    active = [c for c in campaigns if c in seen]
    if not active:
        return []
    moves = w.moves
    for c in active:
        load += moves[c].intensity
    factor = w.campaign_factor[a]
    out = []
    for c in active:
        mv = moves[c]
        cred = max(0.1, min(1.0, 1.0 + face[mv.player]))
        out.append((mv.issue, mv.position, factor[c] * cred * mv.intensity / load))
    return out  # type: ignore[return-value]


def opinion_step(w: World, s: State, loads: tuple[float, ...] | None = None) -> list[list[float]]:
    """One Friedkin–Johnsen step per audience and issue.

    y' = s_a [(1 - W) y + sum_k w_k m_k] + (1 - s_a) y0, with w_k the weight of campaign k
    and y0 the audience's anchor (its prior). ``loads``: the attention loads, if known.
    """
    if loads is None:
        loads = attention_loads(w, s.attention)
    new = [row[:] for row in s.opinion]
    for a, cells in enumerate(w.opinion_cells):
        if not cells:
            continue
        msgs = _messages(w, a, s.campaigns, s.face, loads[a])
        sa = w.susceptibility[a]
        row = new[a]
        anchor = w.anchor[a]
        for i in cells:
            big_w = 0.0
            pulled = 0.0
            for iss, m, wt in msgs:
                if iss == i:
                    big_w += wt
                    pulled += m * wt
            row[i] = sa * ((1.0 - big_w) * row[i] + pulled) + (1.0 - sa) * anchor[i]
    return new


# ---------------------------------------------------------------- utility

def _issue_value(w: World, p: int, x: list[float]) -> float:
    total = 0.0
    for i, sal, ideal, span in w.issue_terms[p]:
        total += sal * (1.0 - abs(x[i] - ideal) / span)
    return total


def _opinion_value(w: World, p: int, s: State) -> float:
    return opinion_value(w, p, s.opinion)


def opinion_value(w: World, p: int, opinion: list[list[float]]) -> float:
    """Player ``p``'s value of the audiences' opinion (``opinion_weight`` of its utility)."""
    total = 0.0
    for a, i, sal, ideal, span in w.opinion_terms[p]:
        total += sal * (1.0 - abs(opinion[a][i] - ideal) / span)
    return total


def war_outcomes(w: World, s: State, by: int) -> list[tuple[float, list[float]]]:
    """The war lottery started by ``by``: (probability, realised values) for a win and a loss.
    Threats made before the war are carried out; the war issues go to the winner's ideal."""
    base = s.realised[:]
    for q in range(w.n_players):
        for i in range(w.n_issues):
            if not math.isnan(s.threats[q][i]):
                base[i] = s.threats[q][i]
    out = []
    for winner, prob in ((by, w.win_prob[by]), (1 - by, 1.0 - w.win_prob[by])):
        x = base[:]
        for i in w.war_issues:
            if not math.isnan(w.ideal[winner][i]):
                x[i] = w.ideal[winner][i]
        out.append((prob, x))
    return out


def value(w: World, p: int, s: State) -> float:
    """Player ``p``'s utility of a state: issues (situation on the ground), public opinion,
    face and one-off move costs; in war, the expected value of the war lottery less its cost."""
    rest = _opinion_value(w, p, s) + s.face[p] + s.ledger[p]
    if s.war_by >= 0:
        ev = sum(prob * _issue_value(w, p, x) for prob, x in war_outcomes(w, s, s.war_by))
        return ev + rest - w.war_cost[p]
    return _issue_value(w, p, s.realised) + rest


def war_move(w: World, s: State, q: int) -> int | None:
    for k in available(w, s, q):
        if w.moves[k].kind.effect == "war":
            return k
    return None


def shadowed_value(w: World, p: int, s: State) -> float:
    """``p``'s value of ``s`` under the shadow of war: the other player escalates from ``s``
    with the logit probability its own gain from war implies."""
    v = value(w, p, s)
    if s.war_by >= 0:
        return v
    q = 1 - p
    k = war_move(w, s, q)
    if k is None:
        return v
    sw = apply(w, s, k)
    gain = (value(w, q, sw) - value(w, q, s)) / w.temperature
    h = 1.0 / (1.0 + math.exp(-gain)) if gain > -700 else 0.0
    return (1.0 - h) * v + h * value(w, p, sw)
