"""The uncertainty section of ``detente analyze``: claim probabilities, intervals, top sensitivities.

Draws are modest by default (2,000 under the stated ranges, 2,000 under ranges twice as
wide, a 256-point Sobol design and the flip finder), so an analysis stays fast; ``detente
sweep`` and ``detente sensitivity`` run the large versions. The outcome class over draws is
the crisis game's and the simulation's to report (their own sections), not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.errors import InputError
from detente.formatting import scale_digits
from detente.scenario.schema import Claim, Scenario
from detente.uncertainty.engine import SweepOptions, prepare, run_sweep
from detente.uncertainty.sensitivity import find_flips, sobol_indices
from detente.uncertainty.target import CHEAP_DRAW_EVALUATORS, DRAW_EVALUATORS

DRAWS = 2_000
WIDER = 2.0
SOBOL_BASE = 256
MODEL_CLAIMS = ("forecast_near", "forecast_between", "strongest_actor")  # the models layer's verdicts
GAME_CLAIMS = ("equilibrium_action", "payoff_order", "outcome_class")  # the crisis game's (games_layer)
GAME_WIDER_DRAWS = 200  # crisis-game claims under the wider ranges (about 1 ms a draw)


@dataclass
class UncertaintyResult:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _only(scenario: Scenario, keep: Callable[[Claim], bool]) -> Scenario:
    return scenario.model_copy(update={"claims": [c for c in scenario.claims if keep(c)]})


@register_layer("uncertainty")
def uncertainty_layer(scenario: Scenario, options: AnalyzeOptions) -> UncertaintyResult | None:
    """Claims the models check are counted here over DRAWS draws; claims the crisis game checks are
    counted by the games layer and the simulation's by its runs (one count per claim, X3). Under
    the wider ranges, game claims get their own GAME_WIDER_DRAWS draws, reported with that count."""
    seed = scenario.settings.seed if options.seed is None else options.seed
    opts = SweepOptions(draws=DRAWS, seed=seed, chunk_size=DRAWS, store="none", per_draw=False)
    models_only = _only(scenario, lambda c: c.check.kind in MODEL_CLAIMS)
    params, target = prepare(models_only, opts)  # flips of game verdicts: the games layer's thresholds
    if not params:
        return None
    stated = run_sweep(models_only, opts)
    wider = run_sweep(models_only, replace(opts, widen=WIDER))
    games_only = _only(scenario, lambda c: c.check.kind in GAME_CLAIMS and getattr(c.check, "layer", "games")
                       in ("games", "any") and any(f in CHEAP_DRAW_EVALUATORS
                                                   for f in DRAW_EVALUATORS.get(c.check.kind, [])))
    wider_games: dict[str, Any] = {}
    if games_only.claims and scenario.games is not None:
        wg = run_sweep(games_only, SweepOptions(draws=GAME_WIDER_DRAWS, seed=seed, chunk_size=GAME_WIDER_DRAWS,
                                                widen=WIDER, models=("compromise",), store="none", per_draw=False))
        wider_games = {k: v for k, v in wg.summary["claims"].items() if v["evaluated"]}
    try:
        sobol = sobol_indices(target, params, SOBOL_BASE, seed=seed,
                              outputs=[c for c in target.columns() if c.startswith("f.compromise.")])
    except InputError:  # SALib not installed: the rest of the section still stands
        sobol = None
    flips = find_flips(target, params)
    top = {out: [{"param": k, "ST": v} for k, v in sobol.top(out, 3)] for out in sobol.indices} if sobol else {}
    return UncertaintyResult({
        "draws": DRAWS,
        "seed": seed,
        "parameters": [p.key for p in params],
        "forecasts": stated.summary["forecasts"],
        "issue_digits": {i.id: scale_digits(i.scale.max - i.scale.min) for i in scenario.issues},
        "claims": {k: v for k, v in stated.summary["claims"].items() if v["evaluated"]},
        "claim_texts": {c.id: " ".join(c.text.split()) for c in scenario.claims},
        "outcome": None,
        "wider": {"factor": WIDER,
                  "claims": {**{k: v for k, v in wider.summary["claims"].items() if v["evaluated"]},
                             **wider_games},
                  "forecasts": wider.summary["forecasts"]},
        "top_sensitivities": top,
        "sobol": sobol.to_dict() if sobol else {"skipped": {"*": "SALib is not installed"}},
        "flips": flips,
    })
