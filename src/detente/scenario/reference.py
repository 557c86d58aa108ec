"""The scenario-format reference, generated from the schema: ``python -m detente.scenario.reference``.

Every section and field comes from the pydantic models (name, type, default, description), so
the reference cannot drift from what the loader accepts; the meanings the models do not carry
(cost terms, claim kinds, units) are the tables below, and a test fails when a term, kind or
field has no entry. ``docs/SCENARIO.md`` is this module's output, committed.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from detente.scenario.numbers import Num
from detente.scenario.schema import CLAIM_KINDS, CostTerm, GameTemplate, MoveType, Scenario, check_keys

# Meanings the models' own descriptions leave out (model.field -> meaning, with units where they matter).
FIELD_NOTES: dict[str, str] = {
    "Scenario.detente": "Format version: 1.",
    "Scenario.meta": "Title, date, perspective and sources.",
    "Scenario.settings": "Salience budget and the seed for every random step.",
    "Scenario.actors": "Who takes part.",
    "Scenario.issues": "What is contested, each on its own scale.",
    "Scenario.positions": "actor -> issue -> stance. An actor may skip issues.",
    "Scenario.channels": "Where moves are made: public or closed tracks.",
    "Scenario.audiences": "Publics whose opinion moves with the moves they see.",
    "Scenario.moves": "What was played (with a step) or was on the menu (without).",
    "Scenario.claims": "The argument's checkable claims (kinds below).",
    "Scenario.known_outcome": "What happened; kept apart from the inputs, read only by backtests and reports.",
    "Scenario.simulation": "Settings of the two-track simulation.",
    "Meta.id": "Short name of the scenario.",
    "Meta.title": "Title shown on every report.",
    "Meta.date": "Date of the situation described (YYYY-MM-DD).",
    "Meta.description": "Free text.",
    "Meta.sources": "Works the numbers draw on.",
    "Meta.tags": "Free labels.",
    "Source.id": "Short name, cited by evidence.",
    "Source.citation": "The full reference.",
    "Source.url": "Where it can be read.",
    "Source.licence": "Its licence, if known.",
    "Actor.id": "Short name, used everywhere else.",
    "Actor.name": "Display name.",
    "Actor.kind": "What sort of actor.",
    "Actor.capability": "Power it can bring to bear, any positive scale (only ratios matter).",
    "Actor.groups": "Blocs or alliances it belongs to.",
    "Actor.rank": "Rank of a delegation's head (weights its public commitments in the simulation).",
    "Actor.note": "Why these numbers.",
    "Scale.unit": "Unit of the scale, if any.",
    "Scale.min": "Lower end of the scale.",
    "Scale.max": "Upper end of the scale (above min).",
    "Evidence.quote": "A few words from the source, verbatim.",
    "Evidence.source": "The source's id (meta.sources).",
    "Evidence.start": "Character offset where the quote starts in the source text, if known.",
    "Evidence.end": "Character offset where it ends.",
    "Simulation.rounds": "Rounds per run.",
    "Simulation.runs": "Seeded runs; claims the simulation checks are counted over them.",
    "Simulation.gates": "Moves available only while an opinion or a cohesion is past a threshold.",
    "Simulation.cohesion": "Alliance cohesion states that follow an audience.",
    "Issue.id": "Short name.",
    "Issue.name": "Display name.",
    "Issue.scale": "Numeric range and what its ends mean (default 0-100).",
    "Issue.status_quo": "Where the issue stands now, on its scale. Needed by the games; the simulation "
                        "uses the midpoint without it (listed under 'defaults used').",
    "Issue.description": "Free text.",
    "Stance.position": "Where the actor wants the issue, on the issue's scale.",
    "Stance.note": "Why.",
    "Stance.evidence": "Quote and source.",
    "Channel.id": "Short name.",
    "Channel.name": "Display name.",
    "Channel.kind": "public (watched: backing down costs face) or closed (private talks).",
    "Channel.participants": "Actors at the table.",
    "Channel.level": "Level of the talks.",
    "Channel.note": "Why.",
    "Audience.id": "Short name.",
    "Audience.name": "Display name.",
    "Audience.weight": "Weight of this audience in its actor's utility.",
    "Audience.note": "Why.",
    "Move.id": "Short name.",
    "Move.actor": "Who makes it (a simulation player, or an actor representing one; others are not "
                  "simulated and are listed under 'warnings').",
    "Move.type": "What kind of move (the list below).",
    "Move.channel": "Where; no channel = a deed on the ground (counts as public; a concession only when it "
                    "moves the issue from where it stands toward the other side, to a point short of the mover's "
                    "stated position).",
    "Move.target": "Whom it is aimed at.",
    "Move.issue": "The issue it is about.",
    "Move.cost": "One-off cost to the mover, in utility units.",
    "Move.label": "Short text shown in logs.",
    "Move.note": "Why.",
    "Move.evidence": "Quote and source.",
    "Claim.id": "Short name (C1, ...).",
    "Claim.text": "The claim in the argument's own words.",
    "Claim.check": "The machine-checkable condition: a mapping with 'kind' and that kind's keys (below).",
    "Claim.note": "Free text.",
    "KnownOutcome.date": "When it happened.",
    "KnownOutcome.outcome_class": "Written 'class': agreement, stalemate, capitulation or escalation.",
    "KnownOutcome.detail": "What happened, in words.",
    "KnownOutcome.values": "issue -> the value the author codes for what happened (an assumption, drawn "
                           "hollow and labelled 'coded outcome').",
    "KnownOutcome.source": "Where it is recorded.",
    "KnownOutcome.note": "Free text.",
    "Settings.seed": "Seed for every random step: same seed, same output.",
    "GameSpec.id": "Short name.",
    "GameSpec.template": "Which crisis game (the list below).",
    "GameSpec.challenger": "The actor making the demand.",
    "GameSpec.defender": "The actor it is made of.",
    "GameSpec.public_channel": "The public track (its audience cost scales public face costs; default weight 1).",
    "GameSpec.withdraw_move": "Move whose position is where a withdrawal takes the troops issue.",
    "GameSpec.note": "Why.",
    "GamesSection.specs": "One or more game specs.",
    "Simulation.temperature": "Logit choice temperature, in utility units: utilities are salience-weighted "
                              "shares of the issue scales (0..1), plus face, move costs and opinion. Near 0 "
                              "every player takes its best move; about 0.1 lets moves within ~0.1 of the best "
                              "be chosen often; 1 or more is close to random.",
    "Simulation.after_script": "What scripted players do after their last scripted step: logit or pass.",
    "Simulation.move_costs": "move -> parameter name(s): one-off costs of the move to its mover.",
    "Simulation.move_benefits": "move -> parameter name(s): one-off benefits of the move to its mover.",
    "Simulation.war": "What a war decides and costs (without it, the capability share and zero cost stand in "
                      "and are listed under 'defaults used').",
    "Simulation.influence_rate": "How fast a campaign pulls an audience (Friedkin-Johnsen weight, 0..1).",
    "Simulation.opinion_weight": "Weight of public opinion in a player's utility, against the issues (1).",
    "Simulation.note": "Free text.",
    "SimGate.move": "The move that is gated.",
    "SimGate.audience": "Audience whose opinion gates it.",
    "SimGate.issue": "Issue of that opinion.",
    "SimGate.at_least": "Available while the opinion or cohesion is at least this.",
    "SimGate.at_most": "Available while it is at most this.",
    "SimGate.note": "Why.",
    "SimCohesion.audience": "Audience whose support it follows.",
    "SimCohesion.issue": "Issue of that support.",
    "SimCohesion.start": "Cohesion at the start, 0..1.",
    "SimCohesion.rate": "Share of the gap closed each round, 0..1.",
    "SimCohesion.note": "Why.",
}

# Cost terms: meaning, scale, and the templates that read them (docs/DECISIONS.md G3, G6-G9).
TERMS: dict[str, tuple[str, str, str]] = {
    "defender_face_accept": ("Face the defender loses by accepting the demand in public (closed track: scaled "
                             "by the closed/public audience-cost ratio).", "utility units", "two_track, iig"),
    "defender_credibility": ("Credibility the defender loses by accepting.", "utility units", "two_track"),
    "challenger_info_benefit": ("What the challenger gains by making the demand at all (re-framing, "
                                "information), times the demand's share (moderate 0.5, ultimatum 1).",
                                "utility units", "two_track"),
    "challenger_face_withdraw": ("Face the challenger loses by withdrawing or climbing down.", "utility units",
                                 "two_track, iig"),
    "challenger_war_cost": ("Cost of war to the challenger.", "utility units", "two_track, risk_return, iig"),
    "defender_war_cost": ("Cost of war to the defender.", "utility units", "two_track, audience_cost, iig"),
    "challenger_war_win_prob": ("Chance the challenger prevails in war. Unnamed: two_track takes 0.5, the "
                                "others the capability share (listed under 'defaults used').", "probability 0..1",
                                "two_track, risk_return, iig"),
    "challenger_sanctions_cost": ("Sanctions the challenger bears if it goes to war (added to its war cost).",
                                  "utility units", "two_track, risk_return, iig"),
    "prior_resolve": ("Prior probability that the challenger is resolved (its type is private).",
                      "probability 0..1", "audience_cost"),
    "challenger_audience_cost": ("Cost to the challenger of backing down after a public threat (unnamed: the "
                                 "public channel's audience cost).", "utility units", "audience_cost"),
    "challenger_war_value_resolved": ("Value of war to a resolved challenger.", "utility units", "audience_cost"),
    "challenger_war_value_irresolute": ("Value of war to an irresolute challenger.", "utility units",
                                        "audience_cost"),
    "defender_war_cost_max": ("Upper end of the defender's private war cost (uniform on [0, max]).",
                              "utility units", "risk_return"),
    "challenger_discount": ("Per-round discount factor of the challenger.", "0..1", "alternating_offers"),
    "defender_discount": ("Per-round discount factor of the defender.", "0..1", "alternating_offers"),
    "horizon": ("Number of offer rounds (unnamed: 2).", "rounds", "alternating_offers"),
    "defender_face_capitulate": ("Face the defender loses by capitulating under force (unnamed: "
                                 "defender_face_accept).", "utility units", "iig"),
    "first_strike_advantage": ("Added to the first striker's chance of prevailing (unnamed: 0).",
                               "probability", "iig"),
}

# What each move type does (H15: the Move table promised "the list below" and there was none; a trade
# dispute's `escalate` was read as war). The rung is the simulation's escalation ladder (sim/data/
# catalogue.yaml, 0 cooperation ... 6 war; a test checks these against it); the scenario layer may not
# import the simulation, so the rungs are repeated here.
MOVE_TYPES: dict[str, tuple[int, str]] = {
    "statement": (1, "Says something on an issue; commits nothing."),
    "consult": (1, "Talks with the target."),
    "inform": (1, "A campaign: pulls the audiences that watch the mover toward its position."),
    "demand": (2, "States a position to be met; in the history (with a step) a principal's first demand starts "
                  "the crisis model's crisis and commits it (an audience cost on backing down)."),
    "reject": (2, "Turns down the target's demand or offer."),
    "hold": (1, "Keeps its ground, a deed (with `position`: the issue moves there)."),
    "offer": (1, "Moves the mover's position on the issue to `position` (without one: halfway to the other side's); "
                  "a step toward the other side is a concession, costing face in public."),
    "counter_propose": (2, "Puts a new position on the table."),
    "accept": (0, "Takes the other side's position on the issue (or `position`)."),
    "concede": (0, "As `offer`: moves the mover's position toward the other side."),
    "threaten": (3, "Coercion short of force: what is threatened happens to the issue if war comes; in the "
                    "crisis model's history, rung 1."),
    "reduce_relations": (3, "Recalls envoys, cuts ties: coercion in words."),
    "sanction": (3, "Coercion short of force, a deed on the ground (with `position`: the issue moves there); "
                    "use it, not `escalate`, for economic pressure in a trade dispute."),
    "mobilize": (4, "A show of force: pulls the simulation's tension toward rung 4, and a run whose tension "
                    "ends at or above it counts as escalation; in the crisis model's history rung 1, or a fait "
                    "accompli (rung 2) when `position` moves its issue beyond the status quo."),
    "demobilize": (1, "Stands forces down, a deed (with `position`: the issue moves there)."),
    "withdraw": (1, "Pulls back (with `position`: the issue moves there)."),
    "aid": (0, "Helps the target."),
    "escalate": (6, "The use of force. The simulation's logit players read it as war: the run ends in "
                    "escalation (a scripted one makes every run a war); the crisis model's history reads it "
                    "as limited force: a fait accompli (rung 2) with `position` beyond the status quo, "
                    "else rung 1."),
    "assault": (6, "An attack: read as `escalate`."),
}

TEMPLATES: dict[str, str] = {
    "two_track": "Ultimatum or moderate demand, reject/counter/accept, then hold/escalate/withdraw, with an "
                 "optional closed-track deal (G3).",
    "iig": "Bueno de Mesquita and Lalman's International Interaction Game (G9).",
    "audience_cost": "Fearon (1994): private resolve, public threats that cost face to retract (G6).",
    "risk_return": "Powell's risk-return trade-off: demand size against the defender's private war cost (G7).",
    "alternating_offers": "Rubinstein bargaining over a finite horizon (G8).",
}

CLAIM_NOTES: dict[str, str] = {
    "forecast_near": "A model's forecast on an issue lies within `within` of `target` (status_quo, "
                     "known_outcome or a number). Layer: models; counted over draws of the stated ranges.",
    "forecast_between": "A model's forecast on an issue lies in [low, high]. Layer: models.",
    "strongest_actor": "`actor` gains most against the status quo (over all issues, or on `issue`). Layer: "
                       "models. Also read by the bottom line's strong-position check.",
    "outcome_class": "The predicted outcome class equals `equals` (agreement, stalemate, capitulation, "
                     "escalation); `layer` games (the crisis game), crisis (the general crisis model: its "
                     "most likely class, with its probability), sim or any (each that runs).",
    "equilibrium_action": "On the crisis game's equilibrium path `player` chooses `action`. Layer: games.",
    "payoff_order": "At its decision on the path, `player` is better off with `better` than with `worse`. "
                    "Layer: games.",
    "concessions_channel": "In the simulation, concessions appear only on channels of `channel_kind`. "
                           "Layer: sim; counted over the simulated runs that have a concession (holds when "
                           "at least half of them keep to the channel); not evaluated when no run has one.",
    "opinion_sooner_without": "In the simulation, `audience` crosses `threshold` on `issue` sooner without "
                              "move `without_move`. Layer: sim; counted over paired runs.",
}


def _type_name(ann: Any) -> str:
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if ann is Num:
        return "number (point or range)"
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(parts)) + (" (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"{_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return " / ".join(f"`{m.value}`" for m in ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return f"[{ann.__name__}](#{ann.__name__.lower()})"
    if ann is str:
        return "text or id"
    return getattr(ann, "__name__", str(ann))


def _default(f: FieldInfo) -> str:
    if f.is_required():
        return "required"
    if f.default_factory is not None:
        return "empty" if f.default_factory in (list, dict) else "default"
    d = f.default
    if d is None:
        return "—"
    return f"`{d.value if isinstance(d, enum.Enum) else d}`"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model reachable from ``root``, in first-seen order (claim checks are their own table)."""
    seen: list[type[BaseModel]] = []

    def walk(ann: Any) -> None:
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann in seen or ann is Num or ann.__name__ in {m.__name__ for m in CLAIM_KINDS.values()}:
                return
            seen.append(ann)
            for f in ann.model_fields.values():
                walk(f.annotation)
            return
        for a in typing.get_args(ann):
            walk(a)

    walk(root)
    return seen


def meaning(model: type[BaseModel], name: str, f: FieldInfo) -> str:
    return (f.description or FIELD_NOTES.get(f"{model.__name__}.{name}", "")).replace("|", "\\|")


def missing_meanings() -> list[str]:
    """Fields, terms, kinds or templates without a meaning (the up-to-date test reads this)."""
    out = [f"{m.__name__}.{n}" for m in _models(Scenario) for n, f in m.model_fields.items()
           if not meaning(m, n, f)]
    out += [f"cost term {t.value}" for t in CostTerm if t.value not in TERMS]
    out += [f"claim kind {k}" for k in CLAIM_KINDS if k not in CLAIM_NOTES]
    out += [f"template {t.value}" for t in GameTemplate if t.value not in TEMPLATES]
    out += [f"move type {t.value}" for t in MoveType if t.value not in MOVE_TYPES]
    return out


def render() -> str:
    lines = ["# The scenario format (version 1): reference", "",
             "Generated from the schema by `python -m detente.scenario.reference > docs/SCENARIO.md`; do not "
             "edit by hand (a test checks it is up to date). Unknown keys are errors. A *number* is a point "
             "(`70`) or a range (`{low: 55, mode: 70, high: 80, dist: triangular, note: ..., evidence: ...}`); "
             "ranged numbers are what the uncertainty layer draws.", "",
             "*Utility units*: the crisis games and the simulation value an outcome as salience × the share of "
             "the issue's scale moved toward the actor's position, relative to the status quo (0); cost terms, "
             "face, move costs and the simulation's temperature are in the same units. A default used in place "
             "of a missing input is listed under 'defaults used' in every output.", ""]
    for m in _models(Scenario):
        lines += [f"## {m.__name__}", ""]
        doc = " ".join((m.__doc__ or "").split())
        if doc and not doc.startswith(("Usage docs", "!!!")):
            lines += [doc, ""]
        lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
        for name, f in m.model_fields.items():
            key = f.alias or name
            lines.append(f"| `{key}` | {_type_name(f.annotation)} | {_default(f)} | {meaning(m, name, f)} |")
        lines.append("")
    lines += ["## Claim kinds (`claims[].check.kind`)", "", "| kind | keys (required first) | meaning |",
              "|---|---|---|"]
    for kind in CLAIM_KINDS:
        lines.append(f"| `{kind}` | {', '.join(f'`{k}`' for k in check_keys(kind))} | {CLAIM_NOTES.get(kind, '')} |")
    lines += ["", "## Move types (`moves[].type`)", "", "Rung: the simulation's escalation ladder (0 cooperation, "
              "1 dialogue, 2 dispute, 3 coercion, 4 show of force, 5 brink, 6 war).", "",
              "| type | rung | what it does |", "|---|---|---|"]
    lines += [f"| `{t.value}` | {MOVE_TYPES[t.value][0]} | {MOVE_TYPES[t.value][1]} |" for t in MoveType
              if t.value in MOVE_TYPES]
    lines += ["", "## Crisis-game templates (`games.specs[].template`)", "", "| template | what |", "|---|---|"]
    lines += [f"| `{t.value}` | {TEMPLATES.get(t.value, '')} |" for t in GameTemplate]
    lines += ["", "## Cost terms (`games.specs[].costs`: term → parameter name)", "",
              "| term | meaning | scale | read by |", "|---|---|---|---|"]
    for t in CostTerm:
        what, scale, by = TERMS.get(t.value, ("", "", ""))
        lines.append(f"| `{t.value}` | {what} | {scale} | {by} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
