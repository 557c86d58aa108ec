"""From a scenario's ``games:`` section to a solved, explained game (used by CLI and analysis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError
from detente.games.explain import Threshold, find_thresholds, narrative, threshold_summary
from detente.games.solve import Solution, solve
from detente.games.templates.two_track import build_two_track, knobs
from detente.games.tree import Game
from detente.scenario.schema import GameSpec, GameTemplate, Scenario

BUILDERS = {GameTemplate.two_track: build_two_track}


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
    known = ", ".join(sorted({s.id for s in specs} | {s.template.value for s in specs}))
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

    @property
    def game(self) -> Game:
        return self.solution.game

    def to_dict(self) -> dict[str, Any]:
        return {"game": self.spec_id, "template": self.template, **self.solution.to_dict(),
                "explanation": self.story, "thresholds": [t.to_dict() for t in self.thresholds],
                "threshold_summary": threshold_summary(self.thresholds, self.solution.outcome_class())
                if self.thresholds else [],
                "parameters": self.parameters, "payoff_notes": self.notes}


def run_scenario_game(sc: Scenario, name: str | None = None, method: str = "auto",
                      with_thresholds: bool = True) -> GameRun:
    spec = pick_spec(sc, name)
    game = build_game(sc, spec)
    sol = solve(game, method)
    names = {a.id: a.name for a in sc.actors}
    th: list[Threshold] = []
    if with_thresholds:
        th = find_thresholds(lambda over: build_game(sc, spec, over), knobs(sc, spec),
                             "backward" if game.perfect_information else method)
    return GameRun(spec.id, spec.template.value, sol, narrative(sol, names), th, dict(game.parameters),
                   dict(game.notes))


def run_game(game: Game, method: str = "auto", template: str = "efg") -> GameRun:
    sol = solve(game, method)
    return GameRun(None, template, sol, narrative(sol), [], dict(game.parameters), dict(game.notes))
