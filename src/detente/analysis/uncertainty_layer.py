"""The uncertainty section of ``detente analyze``: claim probabilities, intervals, top sensitivities.

Draws are modest by default (2,000 under the stated ranges, 2,000 under ranges twice as
wide, a 256-point Sobol design and the flip finder), so an analysis stays fast; ``detente
sweep`` and ``detente sensitivity`` run the large versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.errors import InputError
from detente.scenario.schema import Scenario
from detente.uncertainty.engine import SweepOptions, prepare, run_sweep
from detente.uncertainty.sensitivity import find_flips, sobol_indices

DRAWS = 2_000
WIDER = 2.0
SOBOL_BASE = 256
OUTCOME_DRAWS = 32  # the simulation runs once per draw (~50 ms): a rough share, reported with its draws


@dataclass
class UncertaintyResult:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


@register_layer("uncertainty")
def uncertainty_layer(scenario: Scenario, options: AnalyzeOptions) -> UncertaintyResult | None:
    seed = scenario.settings.seed if options.seed is None else options.seed
    opts = SweepOptions(draws=DRAWS, seed=seed, chunk_size=DRAWS, store="none")
    params, target = prepare(scenario, opts)
    if not params:
        return None
    stated = run_sweep(scenario, opts)
    wider = run_sweep(scenario, SweepOptions(draws=DRAWS, seed=seed, chunk_size=DRAWS, widen=WIDER, store="none"))
    outcome = {}
    for label, factor in (("stated", 1.0), ("wider", WIDER)):
        res = run_sweep(scenario, SweepOptions(draws=OUTCOME_DRAWS, seed=seed, chunk_size=OUTCOME_DRAWS, widen=factor,
                                               models=("compromise",), per_draw=True, store="none"))
        outcome[label] = {"draws": OUTCOME_DRAWS, "shares": res.summary["outcome"],
                          "claims": {k: v for k, v in res.summary["claims"].items()
                                     if v["evaluated"] and stated.summary["claims"][k]["evaluated"] == 0}}
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
        "claims": {**stated.summary["claims"], **outcome["stated"]["claims"]},
        "claim_texts": {c.id: " ".join(c.text.split()) for c in scenario.claims},
        "outcome": outcome["stated"]["shares"],
        "per_draw_layers": outcome,
        "wider": {"factor": WIDER, "claims": {**wider.summary["claims"], **outcome["wider"]["claims"]},
                  "outcome": outcome["wider"]["shares"],
                  "forecasts": wider.summary["forecasts"]},
        "top_sensitivities": top,
        "sobol": sobol.to_dict() if sobol else {"skipped": {"*": "SALib is not installed"}},
        "flips": flips,
    })
