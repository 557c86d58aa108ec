"""One interface for every bargaining model: a scenario in, a :class:`ModelResult` out.

A model is a class with a ``name``, a frozen ``Options`` dataclass (so a run records
every choice that produced it) and ``run_arrays``, which works on
:class:`~detente.scenario.arrays.Arrays`. Models register themselves in ``MODELS``.
"""

from __future__ import annotations

import dataclasses
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from detente.errors import InputError
from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.schema import Scenario


def _clean(x: Any) -> Any:
    """JSON-ready value: NaN -> None, NumPy scalars -> Python."""
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return None if math.isnan(v) else v
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


@dataclass
class ModelResult:
    """What a model says: a forecast per issue, figures per actor and issue, and notes."""

    model: str
    options: dict[str, Any]
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    forecast: np.ndarray  # (m,) NaN where the model gives no forecast
    actor_figures: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (n, m)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def forecast_of(self, issue_id: str) -> float | None:
        return _clean(self.forecast[self.issue_ids.index(issue_id)])

    def to_dict(self) -> dict[str, Any]:
        figures = {
            name: {
                a: {i: _clean(arr[r, c]) for c, i in enumerate(self.issue_ids)}
                for r, a in enumerate(self.actor_ids)
            }
            for name, arr in self.actor_figures.items()
        }
        return {
            "model": self.model,
            "options": self.options,
            "forecast": {i: _clean(self.forecast[c]) for c, i in enumerate(self.issue_ids)},
            "actor_figures": figures,
            "details": self.details,
            "notes": list(self.notes),
        }


class Model(ABC):
    """Base class: subclasses set ``name``, ``summary``, ``Options`` and ``run_arrays``."""

    name: ClassVar[str]
    summary: ClassVar[str]

    @dataclass(frozen=True)
    class Options:
        pass

    def __init__(self, **options: Any) -> None:
        names = {f.name for f in dataclasses.fields(self.Options)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise InputError(f"model '{self.name}' has no option '{unknown[0]}' "
                             f"(options: {', '.join(sorted(names)) or 'none'})")
        self.options = self.Options(**options)

    def run(self, scenario: Scenario) -> ModelResult:
        return self.run_arrays(point_arrays(scenario))

    @abstractmethod
    def run_arrays(self, arr: Arrays) -> ModelResult: ...

    def _result(self, arr: Arrays, forecast: np.ndarray, **kwargs: Any) -> ModelResult:
        return ModelResult(self.name, dataclasses.asdict(self.options), arr.actor_ids,
                           arr.issue_ids, forecast, **kwargs)


MODELS: dict[str, type[Model]] = {}


def register(cls: type[Model]) -> type[Model]:
    MODELS[cls.name] = cls
    return cls


def get_model(name: str, **options: Any) -> Model:
    """The registered model ``name`` with ``options``, or a one-line error."""
    if name not in MODELS:
        raise InputError(f"unknown model '{name}' (models: {', '.join(sorted(MODELS))})",
                         field="model")
    return MODELS[name](**options)
