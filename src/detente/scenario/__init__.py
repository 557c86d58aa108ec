"""Scenario layer: the file format, its validation, arrays for models, import/export."""

from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.loader import load_scenario, load_scenario_text
from detente.scenario.numbers import Evidence, Num
from detente.scenario.schema import FORMAT_VERSION, Scenario

__all__ = [
    "FORMAT_VERSION",
    "Arrays",
    "Evidence",
    "Num",
    "Scenario",
    "load_scenario",
    "load_scenario_text",
    "point_arrays",
]
