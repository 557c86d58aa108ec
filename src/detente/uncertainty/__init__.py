"""Uncertainty layer: Monte Carlo over the stated ranges, sensitivity, sweeps on several backends.

Sits above the models, games and simulation and below analysis: it may import
scenario, models, games and sim, never analysis, report or cli.
"""

from detente.uncertainty import layers as _layers  # noqa: F401  (registers the simulation hook)
from detente.uncertainty.engine import SweepOptions, SweepResult, run_sweep
from detente.uncertainty.params import Param, collect_params
from detente.uncertainty.target import (
    ScenarioTarget,
    register_batch_evaluator,
    register_draw_evaluator,
    register_outcome,
)

__all__ = ["Param", "ScenarioTarget", "SweepOptions", "SweepResult", "collect_params",
           "register_batch_evaluator", "register_draw_evaluator", "register_outcome", "run_sweep"]
