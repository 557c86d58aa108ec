"""The scenario format (version 1): actors, issues, positions, channels, moves, claims.

The schema is strict: unknown keys are errors, so a typo never passes silently.
Cross-references (an actor that does not exist, a position off its issue's scale)
are checked in :mod:`detente.scenario.checks`, which knows where each field sits.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from detente.scenario.numbers import Evidence, Num, no_control

FORMAT_VERSION = 1
SEED_MAX = 2**32 - 1
# Sizes a scenario may have (README, Limits; docs/DECISIONS.md H3): inside them every command finishes.
MAX_ACTORS = 250
MAX_ISSUES = 1000
MAX_MOVES = 5000
MAX_SIM_MOVES = 64  # the simulation looks two steps ahead over every move: its cost grows ~ moves^2
MAX_CLAIMS = 1000
MAX_SIM_ROUNDS = 1000  # rounds of one simulated run, the history's steps included
MAX_HISTORY_STEP = MAX_SIM_ROUNDS - 9  # a run plays one round a step, then up to 8 of the crisis model's
# Model names a claim may name (the models layer registers exactly these; a test keeps them equal).
MODEL_NAMES = ("compromise", "eum", "exchange", "median", "nash", "smp")

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
Scalar = bool | int | float | str
OptionValue = Scalar | list[Scalar | list[Scalar]]  # a model option as YAML gives it
Text = Annotated[str, Field(max_length=20_000)]


def _not_bool(v: object) -> object:
    """YAML's ``true``/``yes`` is 1 to Python: a boolean where a count or a number belongs is a typo (H13)."""
    if isinstance(v, bool):
        raise ValueError(f"expected a number, got a boolean ({str(v).lower()})")
    return v


Int = Annotated[int, BeforeValidator(_not_bool)]
Float = Annotated[float, BeforeValidator(_not_bool)]


class Strict(BaseModel):
    """Unknown keys, NaN and infinities are errors; no text may hold a control character."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False)

    _text = field_validator("*", mode="after")(no_control)


class Source(Strict):
    """A published work or document the scenario draws on."""

    id: Id
    citation: Text
    url: str | None = None
    licence: str | None = None


class Meta(Strict):
    id: Id
    title: Text
    date: dt.date | None = None
    perspective: Text = Field(
        description="Whose argument this scenario encodes; shown in every report."
    )
    description: Text | None = None
    sources: list[Source] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @field_validator("title", "perspective")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        """A blank perspective passed as 'required' (H12); every report starts with it."""
        if not v.strip():
            raise ValueError("must not be blank: every report starts with the title and the perspective "
                             "(whose argument the scenario encodes)")
        return v


class ActorKind(StrEnum):
    state = "state"
    bloc = "bloc"
    organisation = "organisation"
    delegation = "delegation"
    audience = "audience"
    faction = "faction"
    person = "person"
    group = "group"
    other = "other"


class Actor(Strict):
    id: Id
    name: Text
    kind: ActorKind = ActorKind.state
    capability: Num
    groups: list[Id] = Field(default_factory=list)
    represents: Id | None = Field(
        default=None, description="For a delegation or faction: the actor it belongs to."
    )
    rank: Literal["head", "minister", "deputy", "envoy", "spokesperson", "other"] | None = None
    note: Text | None = None


class Scale(Strict):
    """What the ends of an issue's continuum mean, and its numeric range."""

    min: Float = 0.0
    max: Float = 100.0
    low: Text | None = Field(default=None, description="What the minimum means.")
    high: Text | None = Field(default=None, description="What the maximum means.")
    unit: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.max > self.min:
            raise ValueError(f"scale max {self.max:g} must be above min {self.min:g}")
        return self


class Issue(Strict):
    id: Id
    name: Text
    scale: Scale = Field(default_factory=Scale)
    status_quo: Num | None = None
    description: Text | None = None


class Stance(Strict):
    """One actor's position and salience on one issue."""

    position: Num
    salience: Num = Field(description="Share of attention, 0..1.")
    capability: Num | None = Field(
        default=None, description="Issue-specific capability, overriding the actor's."
    )
    note: Text | None = None
    evidence: Evidence | None = None


class ChannelKind(StrEnum):
    public = "public"
    closed = "closed"


class Channel(Strict):
    id: Id
    name: Text
    kind: ChannelKind
    audience_cost: Num = Field(description="Weight of the face lost by backing down here.")
    participants: list[Id] = Field(default_factory=list)
    level: Literal["head", "minister", "deputy", "envoy", "unnamed", "other"] | None = None
    note: Text | None = None


class Audience(Strict):
    id: Id
    name: Text
    watches: list[Id] = Field(default_factory=list, description="Actors whose moves it sees.")
    belongs_to: Id | None = Field(default=None, description="The actor whose public this is.")
    opinion: dict[Id, Num] = Field(
        default_factory=dict, description="Initial opinion per issue, on the issue's scale."
    )
    weight: Num | None = None
    note: Text | None = None


class MoveType(StrEnum):
    """A shared vocabulary for moves, close to PLOVER's event categories."""

    demand = "demand"
    offer = "offer"
    counter_propose = "counter_propose"
    accept = "accept"
    reject = "reject"
    concede = "concede"
    hold = "hold"
    threaten = "threaten"
    mobilize = "mobilize"
    demobilize = "demobilize"
    sanction = "sanction"
    escalate = "escalate"
    withdraw = "withdraw"
    inform = "inform"
    statement = "statement"
    consult = "consult"
    reduce_relations = "reduce_relations"
    aid = "aid"
    assault = "assault"


class Move(Strict):
    id: Id
    actor: Id
    type: MoveType
    channel: Id | None = None
    target: Id | None = None
    issue: Id | None = None
    position: Num | None = Field(default=None, description="Value demanded/offered on the issue.")
    intensity: Num | None = Field(default=None, description="0..1, how strong the move is.")
    cost: Num | None = None
    step: Int | None = Field(default=None, ge=0, description=(
        "Order in a scripted sequence, from 0: the simulation plays step k in round k + 1 of its log (a "
        "history numbered from 1 leaves its first round unscripted); no step = on the menu, not played. A move "
        "with a step is also on the menu of a player who chooses (logit players, after the script): made so, it "
        "is a new move of the same kind, logged as such, not with its label."))
    label: Text | None = None
    note: Text | None = None
    evidence: Evidence | None = None


class OutcomeClass(StrEnum):
    agreement = "agreement"
    stalemate = "stalemate"
    capitulation = "capitulation"
    escalation = "escalation"


class ForecastNear(Strict):
    """The model's forecast on an issue lies within ``within`` of a target."""

    kind: Literal["forecast_near"]
    issue: Id
    target: Literal["status_quo", "known_outcome"] | Float
    within: Float = Field(ge=0)
    model: str = "compromise"

    def target_value(self, sc: Scenario) -> tuple[float | None, str]:
        """The value the forecast is compared with (None if the scenario lacks it), and its name."""
        if self.target == "status_quo":
            sq = next(i for i in sc.issues if i.id == self.issue).status_quo
            return (sq.value if sq else None), "the status quo"
        if self.target == "known_outcome":
            ko = sc.known_outcome
            v = ko.values.get(self.issue) if ko else None
            return (v.value if v else None), "the known outcome"
        return float(self.target), f"{float(self.target):g}"


class ForecastBetween(Strict):
    kind: Literal["forecast_between"]
    issue: Id
    low: Float
    high: Float
    model: str = "compromise"

    @model_validator(mode="after")
    def _ordered(self) -> ForecastBetween:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


class StrongestActor(Strict):
    """``actor`` gains most against the status quo (on ``issue``, or over all issues)."""

    kind: Literal["strongest_actor"]
    actor: Id
    issue: Id | None = None
    model: str = "compromise"


class OutcomeIs(Strict):
    """The predicted outcome class (from the crisis game, the general crisis model or the simulation)
    equals ``equals``; ``layer`` picks one of them (``any``: each that runs gives its verdict)."""

    kind: Literal["outcome_class"]
    equals: OutcomeClass
    layer: Literal["games", "crisis", "sim", "any"] = "any"


class EquilibriumAction(Strict):
    """On the equilibrium path of a crisis game, ``player`` chooses ``action``."""

    kind: Literal["equilibrium_action"]
    player: Id
    action: str
    game: str | None = None


class PayoffOrder(Strict):
    """In a crisis game, ``player`` is better off with action ``better`` than ``worse``."""

    kind: Literal["payoff_order"]
    player: Id
    better: str
    worse: str
    game: str | None = None


class ConcessionsOnly(Strict):
    """In simulation, any concession is made only on channels of this kind."""

    kind: Literal["concessions_channel"]
    channel_kind: ChannelKind


class OpinionSooner(Strict):
    """In simulation, without ``without_move`` the audience crosses ``threshold`` sooner."""

    kind: Literal["opinion_sooner_without"]
    audience: Id
    issue: Id
    threshold: Float
    without_move: Id


Check = Annotated[
    ForecastNear
    | ForecastBetween
    | StrongestActor
    | OutcomeIs
    | EquilibriumAction
    | PayoffOrder
    | ConcessionsOnly
    | OpinionSooner,
    Field(discriminator="kind"),
]


CHECK_MODELS: tuple[type[Strict], ...] = (ForecastNear, ForecastBetween, StrongestActor, OutcomeIs,
                                          EquilibriumAction, PayoffOrder, ConcessionsOnly, OpinionSooner)
CLAIM_KINDS: dict[str, type[Strict]] = {m.model_fields["kind"].annotation.__args__[0]: m  # type: ignore[union-attr]
                                        for m in CHECK_MODELS}
"""Claim check kind -> its model (for messages and the format reference)."""


def check_keys(kind: str) -> list[str]:
    """The keys a check of ``kind`` takes, required first."""
    fields = CLAIM_KINDS[kind].model_fields
    return sorted((k for k in fields if k != "kind"), key=lambda k: (not fields[k].is_required(), k))


class Claim(Strict):
    id: Id
    text: Text
    check: Check
    note: Text | None = None


class KnownOutcome(Strict):
    """What actually happened, kept apart from the inputs, for backtests."""

    date: dt.date | None = None
    outcome_class: OutcomeClass = Field(alias="class")
    detail: Text | None = None
    values: dict[Id, Num] = Field(default_factory=dict)
    source: Text | None = None
    note: Text | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Settings(Strict):
    salience_budget: Float | None = Field(
        default=None,
        gt=0,
        description="If set, an actor's saliences over all issues may sum to at most this.",
    )
    seed: Int = Field(default=0, ge=0, le=SEED_MAX)


class SimGate(Strict):
    """A move becomes available only while an audience's opinion (``audience`` and ``issue``)
    or an alliance's cohesion (``cohesion``, 0..1) is past a threshold."""

    move: Id
    audience: Id | None = None
    issue: Id | None = None
    cohesion: Id | None = Field(default=None, description="An entry of simulation.cohesion.")
    at_least: Float | None = None
    at_most: Float | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> SimGate:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of 'at_least' or 'at_most'")
        if (self.cohesion is None) == (self.audience is None or self.issue is None) or \
                (self.cohesion is not None and (self.audience is not None or self.issue is not None)):
            raise ValueError("give either 'audience' and 'issue' (an opinion) or 'cohesion'")
        return self


class SimCohesion(Strict):
    """An alliance's cohesion (0..1), a state of the simulation: each round it closes ``rate`` of
    the gap to its audience's support on an issue (the opinion's share of the issue's scale)."""

    id: Id = Field(description="The alliance (an actor id, e.g. a bloc).")
    audience: Id
    issue: Id
    start: Float = Field(default=0.5, ge=0, le=1)
    rate: Float = Field(default=0.3, gt=0, le=1)
    note: Text | None = None


ParamRefs = Id | list[Id]


class SimWar(Strict):
    """What a war decides and what it costs; values are names of ``parameters``."""

    issues: list[Id] = Field(default_factory=list, description="Issues the war decides.")
    win_prob: dict[Id, Id] = Field(default_factory=dict, description=(
        "Player -> parameter name: that player's chance of winning a war it starts (the two may sum past 1: "
        "a first-strike advantage)."))
    cost: dict[Id, Id] = Field(default_factory=dict, description="Player -> parameter name.")


class Simulation(Strict):
    """Options of the simulation layer (``detente simulate``)."""

    players: list[Id] = Field(min_length=2, max_length=2, description="The two actors that choose moves.")
    rounds: Int = Field(default=10, ge=1, le=MAX_SIM_ROUNDS)
    runs: Int = Field(default=200, ge=1, le=100_000)
    temperature: Num = Field(description="Logit choice temperature, in utility units.")
    scripted: list[Id] = Field(default_factory=list, description="Players that follow the moves' steps.")
    after_script: Literal["logit", "pass"] = "logit"
    gates: list[SimGate] = Field(default_factory=list)
    cohesion: list[SimCohesion] = Field(default_factory=list)
    move_costs: dict[Id, ParamRefs] = Field(default_factory=dict)
    move_benefits: dict[Id, ParamRefs] = Field(default_factory=dict)
    war: SimWar | None = None
    trust: dict[Id, dict[Id, Float]] = Field(
        default_factory=dict, description="Audience -> source actor -> trust 0..1 (default 1)."
    )
    susceptibility: dict[Id, Float] = Field(
        default_factory=dict, description="Audience -> 1 - weight of its anchor (default 0.8)."
    )
    influence_rate: Float = Field(default=0.5, gt=0, lt=1)
    opinion_weight: Float = Field(default=0.2, ge=0)
    agreement_gap: Float = Field(default=0.05, ge=0, le=1, description="Share of the scale.")
    ranges: Literal["sample", "fixed"] = Field(
        default="sample",
        description="sample: each run draws the ranged numbers it reads (low/mode/high, the number's "
        "distribution, triangular by default) from its own seeded generator; fixed: every run uses "
        "the point values.",
    )
    note: Text | None = None


class GameTemplate(StrEnum):
    two_track = "two_track"
    iig = "iig"
    audience_cost = "audience_cost"
    risk_return = "risk_return"
    alternating_offers = "alternating_offers"


class CostTerm(StrEnum):
    """Named cost terms a crisis game reads from ``parameters`` (see detente.games)."""

    defender_face_accept = "defender_face_accept"
    defender_credibility = "defender_credibility"
    challenger_info_benefit = "challenger_info_benefit"
    challenger_face_withdraw = "challenger_face_withdraw"
    challenger_war_cost = "challenger_war_cost"
    defender_war_cost = "defender_war_cost"
    challenger_war_win_prob = "challenger_war_win_prob"
    challenger_sanctions_cost = "challenger_sanctions_cost"
    # audience_cost, risk_return, alternating_offers and iig (docs/DECISIONS.md G6-G9)
    prior_resolve = "prior_resolve"
    challenger_audience_cost = "challenger_audience_cost"
    challenger_war_value_resolved = "challenger_war_value_resolved"
    challenger_war_value_irresolute = "challenger_war_value_irresolute"
    defender_war_cost_max = "defender_war_cost_max"
    challenger_discount = "challenger_discount"
    defender_discount = "defender_discount"
    horizon = "horizon"
    defender_face_capitulate = "defender_face_capitulate"
    first_strike_advantage = "first_strike_advantage"


class GameSpec(Strict):
    """One crisis game built from the scenario: who plays, over which issue, with which costs."""

    id: Id
    template: GameTemplate = GameTemplate.two_track
    challenger: Id
    defender: Id
    issue: Id = Field(description="The issue the challenger's demand is about.")
    troops_issue: Id | None = Field(default=None, description="Issue a withdrawal moves (e.g. troops).")
    public_channel: Id | None = None
    closed_channel: Id | None = Field(default=None, description="If set, the closed track is in the game.")
    demand_move: Id | None = Field(default=None, description="Move whose position is the maximal demand.")
    counter_move: Id | None = Field(default=None, description="Move whose position is the counter-proposal.")
    withdraw_move: Id | None = None
    costs: dict[CostTerm, Id] = Field(default_factory=dict, description="Cost term -> parameter name.")
    grid: Int | None = Field(default=None, ge=2, le=2001, description="risk_return: demands and defender "
                             "types; alternating_offers: offers per round (default 21 / 20 / 20).")
    note: Text | None = None


class GamesSection(Strict):
    default: Id | None = Field(default=None, description="Game run by `detente analyze` (default: first).")
    specs: list[GameSpec] = Field(min_length=1)


class Scenario(Strict):
    """A whole scenario file."""

    detente: Literal[1] = Field(description="Format version.")
    meta: Meta
    settings: Settings = Field(default_factory=Settings)
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(min_length=1)
    positions: dict[Id, dict[Id, Stance]]
    channels: list[Channel] = Field(default_factory=list)
    audiences: list[Audience] = Field(default_factory=list)
    moves: list[Move] = Field(default_factory=list)
    parameters: dict[Id, Num] = Field(
        default_factory=dict, description="Named cost and payoff terms used by games and sim."
    )
    games: GamesSection | None = Field(default=None, description="Crisis games built from this scenario.")
    claims: list[Claim] = Field(default_factory=list)
    known_outcome: KnownOutcome | None = None
    simulation: Simulation | None = None
    models: dict[Id, dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")], OptionValue]] = Field(
        default_factory=dict,
        description="Options for bargaining models run on this scenario (model -> option -> value), e.g. "
        "the model parameters of a KTAB XML file; options given to a run explicitly take precedence.",
    )

    @field_validator("detente", mode="before")
    @classmethod
    def _version_is_a_number(cls, v: object) -> object:
        if isinstance(v, bool):  # `detente: true` equals 1 in Python; it is not a version number
            raise ValueError("the format version must be the number 1, not a boolean")
        return v

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)
