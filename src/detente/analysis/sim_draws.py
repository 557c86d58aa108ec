"""Per-run draws of a scenario's ranged numbers for the simulation (``simulation.ranges: sample``).

The simulation sits below the uncertainty layer, so it cannot import its sampler; it takes a
:data:`~detente.sim.engine.WorldSampler` instead. This module, above both, builds one from the
uncertainty layer's own parameter list and quantile transform (``collect_params``, ``sample``),
so there is one sampler in detente, not two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.scenario.schema import Scenario
from detente.sim import World, compile_world
from detente.uncertainty.params import Param, collect_params
from detente.uncertainty.sampling import sample


@dataclass(frozen=True)
class RangedWorlds:
    """Builds a run's world after drawing its ranged numbers from the run's own generator.

    Only the numbers the full world reads are drawn, in :func:`collect_params` order, so a
    counterfactual world (``without`` some moves) gets the same draws run for run (common
    random numbers) and the comparison is paired.
    """

    scenario: Scenario
    params: tuple[Param, ...]
    rounds: int | None = None
    without: frozenset[str] = frozenset()

    def __call__(self, rng: np.random.Generator) -> World:
        if not self.params:
            return compile_world(self.scenario, rounds=self.rounds, without=self.without)
        vals = sample(list(self.params), 1, rng)[0]
        values = {p.key: float(v) for p, v in zip(self.params, vals, strict=True)}
        return compile_world(self.scenario, rounds=self.rounds, without=self.without, values=values,
                             strict=False)

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.params]


def ranged_worlds(sc: Scenario, *, rounds: int | None = None,
                  without: frozenset[str] = frozenset()) -> RangedWorlds:
    """The sampler for ``sc``: its ranged numbers that the simulation reads."""
    reads = compile_world(sc, rounds=rounds).keys
    params = tuple(p for p in collect_params(sc) if p.key in reads)
    return RangedWorlds(sc, params, rounds, without)
