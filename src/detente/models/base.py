"""One interface for every bargaining model: a scenario in, a :class:`ModelResult` out.

A model is a class with a ``name``, a frozen ``Options`` dataclass (so a run records
every choice that produced it) and ``run_arrays``, which works on
:class:`~detente.scenario.arrays.Arrays`. Models register themselves in ``MODELS``.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, MutableMapping
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
                             f"(options: {', '.join(sorted(names)) or 'none'})", field=unknown[0])
        self.options = self.Options(**options)
        self.given = dict(options)  # what the caller set explicitly (a scenario's options yield to it)
        self.from_scenario: dict[str, Any] = {}  # options taken from the scenario's ``models`` section

    def for_scenario(self, scenario: Scenario) -> Model:
        """This model with the scenario's ``models.<name>`` options under the explicit ones."""
        if not scenario.models:
            return self
        return get_model(self.name, scenario, **self.given)

    def run(self, scenario: Scenario) -> ModelResult:
        model = self.for_scenario(scenario)
        return model.noted(model.run_arrays(point_arrays(scenario)))

    def noted(self, result: ModelResult) -> ModelResult:
        """Name the options that came from the scenario file in the result's notes."""
        if self.from_scenario:
            pairs = ", ".join(f"{k}={_short(v)}" for k, v in self.from_scenario.items())
            result.notes.insert(0, f"options from the scenario's models.{self.name}: {pairs}")
        return result

    @abstractmethod
    def run_arrays(self, arr: Arrays) -> ModelResult: ...

    def _result(self, arr: Arrays, forecast: np.ndarray, **kwargs: Any) -> ModelResult:
        return ModelResult(self.name, dataclasses.asdict(self.options), arr.actor_ids,
                           arr.issue_ids, forecast, **kwargs)


STATIC_MODELS = ("compromise", "median", "nash")
DYNAMIC_MODELS = ("eum", "smp", "exchange")

# The built-in models by name and the module that registers each. A model's module (and so SciPy's
# optimiser for nash, Numba for eum's sweep kernel) is imported only when the model is first looked
# up, so `detente validate` or `forecast --model smp` do not pay for the others.
_BUILTIN = {
    "compromise": "detente.models.compromise",
    "median": "detente.models.median",
    "nash": "detente.models.nash",
    "eum": "detente.models.eum",
    "smp": "detente.models.smp",
    "exchange": "detente.models.exchange",
}


class ModelRegistry(MutableMapping[str, "type[Model]"]):
    """Model classes by name; a built-in model's module is imported on first lookup."""

    def __init__(self, lazy: dict[str, str]) -> None:
        self._lazy = dict(lazy)
        self._classes: dict[str, type[Model]] = {}

    def __getitem__(self, name: str) -> type[Model]:
        if name not in self._classes and name in self._lazy:
            importlib.import_module(self._lazy[name])  # the module calls register()
        return self._classes[name]

    def __setitem__(self, name: str, cls: type[Model]) -> None:
        self._classes[name] = cls

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._classes.pop(name, None)
        self._lazy.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._classes or name in self._lazy

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._lazy, *self._classes]))

    def __len__(self) -> int:
        return len(self._lazy.keys() | self._classes.keys())


MODELS: ModelRegistry = ModelRegistry(_BUILTIN)


def register(cls: type[Model]) -> type[Model]:
    MODELS[cls.name] = cls
    return cls


def _short(v: Any) -> str:
    text = str(v)
    return text if len(text) <= 60 else text[:57] + "..."


def get_model(name: str, scenario: Scenario | None = None, **options: Any) -> Model:
    """The registered model ``name`` with ``options``, or a one-line error. With ``scenario``, its
    ``models.<name>`` options apply where ``options`` does not set them."""
    if name not in MODELS:
        raise InputError(f"unknown model '{name}' (models: {', '.join(sorted(MODELS))})",
                         field="model")
    own = dict(scenario.models.get(name, {})) if scenario is not None else {}
    if scenario is not None:
        unknown = sorted(set(scenario.models) - set(MODELS))
        if unknown:
            raise InputError(f"unknown model '{unknown[0]}' (models: {', '.join(sorted(MODELS))})",
                             field=f"models.{unknown[0]}")
    if not own:
        model = MODELS[name](**options)
        model.given = dict(options)
        return model
    taken = {k: v for k, v in own.items() if k not in options}
    try:
        model = MODELS[name](**{**taken, **options})
    except InputError as exc:
        if exc.field in taken:
            raise InputError(exc.reason, exc.file, exc.line, f"models.{name}.{exc.field}") from None
        raise
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad option in the scenario: {exc}", field=f"models.{name}") from None
    model.given = dict(options)
    model.from_scenario = taken
    return model
