"""Hooks from the layers below analysis that this layer may import: the simulation's outcome class.

One simulation run per draw, on a copy of the scenario with the draw's values and the
scenario's own seed (common random numbers: draws differ only in their inputs). About
50 ms a draw on the founding case, so it runs only when a sweep asks for per-draw layers.
"""

from __future__ import annotations

from detente.scenario.schema import Scenario
from detente.uncertainty.target import register_outcome

try:
    from detente.sim import compile_world, simulate
except ImportError:  # pragma: no cover - the simulation layer is part of the package
    simulate = None


if simulate is not None:

    @register_outcome("sim", per_draw=True)
    def sim_outcome(scenario: Scenario) -> str | None:
        """The simulated outcome class, or None for a scenario without a simulation section."""
        if getattr(scenario, "simulation", None) is None:
            return None
        return simulate(compile_world(scenario), scenario.settings.seed, runs=1).modal
