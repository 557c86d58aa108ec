"""The general crisis model as a layer of ``detente analyze`` (decision C1): runs on every crisis
scenario (tagged ``crisis``, or with a ``games:``/``simulation:`` section or a war-cost parameter)
whose principals contest an issue, with or without a ``games:`` section."""

from __future__ import annotations

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.errors import InputError
from detente.games.crisis.run import CrisisRun, run_crisis
from detente.scenario.schema import Scenario


def is_crisis(sc: Scenario) -> bool:
    """A scenario about a crisis, not e.g. a legislative bargain (where war is not on the menu)."""
    return ("crisis" in sc.meta.tags or sc.games is not None or sc.simulation is not None
            or any(k.endswith("_war_cost") for k in sc.parameters))


@register_layer("crisis")
def crisis_layer(scenario: Scenario, options: AnalyzeOptions) -> CrisisRun | None:
    if not is_crisis(scenario):
        return None
    try:
        return run_crisis(scenario)
    except InputError as exc:
        if "contest no issue" in str(exc) or "two actors with positions" in str(exc):
            return None  # no two-sided contest: the crisis model does not apply
        raise
