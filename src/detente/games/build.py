"""From a scenario's ``games:`` section to a solved, explained game (used by CLI and analysis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError
from detente.games.explain import Threshold, find_thresholds, narrative, threshold_summary
from detente.games.inputs import override_key
from detente.games.joint import JointChange, joint_search
from detente.games.solve import Solution, solve
from detente.games.templates.scenario_games import (
    build_alternating_offers,
    build_audience_cost,
    build_iig,
    build_risk_return,
)
from detente.games.templates.two_track import build_two_track, knobs
from detente.games.tree import Game
from detente.scenario.schema import GameSpec, GameTemplate, Scenario

BUILDERS = {GameTemplate.two_track: build_two_track, GameTemplate.iig: build_iig,
            GameTemplate.audience_cost: build_audience_cost, GameTemplate.risk_return: build_risk_return,
            GameTemplate.alternating_offers: build_alternating_offers}


THRESHOLD_MAX_NODES = 20_000  # each threshold search solves a few hundred variants
JOINT_MAX_NODES = 5_000  # the joint search solves ~1,000 variants: small perfect-information games only


def pick_spec(sc: Scenario, name: str | None = None) -> GameSpec:
    """The spec called ``name`` (by id or template), else the default one."""
    if sc.games is None:
        raise InputError("the scenario has no 'games:' section", sc.meta.id, field="games")
    specs = sc.games.specs
    if name is None:
        name = sc.games.default or specs[0].id
    for s in specs:
        if s.id == name:
            return s
    for s in specs:
        if s.template.value == name:
            return s
    if name in {t.value for t in GameTemplate}:
        # another template on the default game's players, issue and cost terms (G10)
        base = next((s for s in specs if s.id == sc.games.default), specs[0])
        return base.model_copy(update={"template": GameTemplate(name), "id": f"{base.id}.{name}"})
    known = ", ".join(sorted({s.id for s in specs} | {t.value for t in GameTemplate}))
    raise InputError(f"no game '{name}' in this scenario (known: {known})", sc.meta.id, field="--template")


def build_game(sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> Game:
    return BUILDERS[spec.template](sc, spec, overrides)


@dataclass
class GameRun:
    """A solved game with its explanation and thresholds: what the games layer reports."""

    spec_id: str | None
    template: str
    solution: Solution
    story: list[str]
    thresholds: list[Threshold] = field(default_factory=list)
    parameters: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    joint: JointChange | None = None
    ranges: dict[str, Any] | None = None  # equilibrium paths over draws of the stated ranges

    @property
    def game(self) -> Game:
        return self.solution.game

    def to_dict(self) -> dict[str, Any]:
        return {"game": self.spec_id, "template": self.template, **self.solution.to_dict(),
                "explanation": self.story, "thresholds": [t.to_dict() for t in self.thresholds],
                "threshold_summary": threshold_summary(self.thresholds, self.solution.outcome_class())
                if self.thresholds else [],
                "joint_change": self.joint.to_dict() if self.joint else None,
                "parameters": self.parameters, "payoff_notes": self.notes,
                "defaults_used": [d.to_dict() for d in getattr(self.game, "defaults", [])],
                **({"ranges": self.ranges} if self.ranges is not None else {})}


def run_scenario_game(sc: Scenario, name: str | None = None, method: str = "auto",
                      with_thresholds: bool = True) -> GameRun:
    spec = pick_spec(sc, name)
    game = build_game(sc, spec)
    sol = solve(game, method)
    names = {a.id: a.name for a in sc.actors}
    th: list[Threshold] = []
    joint = None
    if with_thresholds and len(game) > THRESHOLD_MAX_NODES:
        sol.notes.append(f"thresholds skipped: {len(game)} nodes is more than {THRESHOLD_MAX_NODES:,} "
                         "(lower the spec's grid to get them)")
    elif with_thresholds:
        # only the numbers this template read (another template may carry unused cost terms)
        ks = [k for k in knobs(sc, spec) if ":" in k.key or k.key in game.parameters]
        how = "backward" if game.perfect_information else method
        fine = game.perfect_information
        th = find_thresholds(lambda over: build_game(sc, spec, over), ks, how, grid=41 if fine else 11,
                             tol=1e-6 if fine else 1e-5)
        if game.perfect_information and len(game) <= JOINT_MAX_NODES:
            cost_knobs = [k for k in ks if k.key in spec.costs.values()]
            joint = joint_search(lambda over: build_game(sc, spec, over), cost_knobs, sol.outcome_class(), how)
    return GameRun(spec.id, spec.template.value, sol, narrative(sol, names), th, dict(game.parameters),
                   dict(game.notes), joint)


def run_game(game: Game, method: str = "auto", template: str = "efg") -> GameRun:
    sol = solve(game, method)
    return GameRun(None, template, sol, narrative(sol), [], dict(game.parameters), dict(game.notes))


def run_at(sc: Scenario, spec: GameSpec, values: Mapping[str, float], method: str = "auto") -> GameRun:
    """Solve ``spec`` with some of the scenario's numbers replaced (no story, no thresholds).

    ``values`` are keyed by scenario paths as the uncertainty layer names them
    (``parameters.x``, ``channels.c.audience_cost``, ``positions.a.i.salience``, ...); paths the
    games do not read are ignored. This is how the layers above evaluate draws over the stated
    ranges without importing them here.
    """
    over = {k: v for path, v in values.items() if (k := override_key(path)) is not None}
    game = build_game(sc, spec, over)
    sol = solve(game, method, check=False, enumerate_pure=False)
    return GameRun(spec.id, spec.template.value, sol, [], [], dict(game.parameters), dict(game.notes))
