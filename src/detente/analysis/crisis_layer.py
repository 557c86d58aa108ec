"""The general crisis model as a layer of ``detente analyze`` (decision C1): runs on every scenario
whose principals contest an issue, with or without a ``games:`` section."""

from __future__ import annotations

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.errors import InputError
from detente.games.crisis.run import CrisisRun, run_crisis
from detente.scenario.schema import Scenario


@register_layer("crisis")
def crisis_layer(scenario: Scenario, options: AnalyzeOptions) -> CrisisRun | None:
    try:
        return run_crisis(scenario)
    except InputError as exc:
        if "contest no issue" in str(exc) or "two actors with positions" in str(exc):
            return None  # no two-sided contest: the crisis model does not apply
        raise
