"""The main job: run every layer on a scenario, build the strong-position table, check claims.

Layers above the models (crisis games, simulation, uncertainty) plug in through
``LAYERS``: each entry takes the scenario and options and returns a result with
``to_dict()`` (or None when it does not apply), stored under its name in the analysis
and handed to the claim evaluators.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol

from detente import __version__
from detente.analysis.claims import Context, Verdict, evaluate_claims
from detente.analysis.parallel import run_models
from detente.models import (
    DYNAMIC_MODELS,
    MODELS,
    STATIC_MODELS,
    ModelResult,
    StrongPosition,
    get_model,
    strong_position,
)
from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.schema import Scenario

DEFAULT_MODELS = STATIC_MODELS + DYNAMIC_MODELS


class LayerResult(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class AnalyzeOptions:
    seed: int | None = None
    models: tuple[str, ...] = DEFAULT_MODELS
    strength_model: str = "compromise"
    win_model: str = "smp"  # whose win probabilities join the strong-position table
    sim_policy: str = "auto"  # the simulation's players: auto (the crisis model where it applies, C14), crisis, logit
    jobs: int = 1  # processes for the models' independent runs (SMP's per-issue runs); same results


LayerRunner = Callable[[Scenario, AnalyzeOptions], LayerResult | None]
LAYERS: dict[str, LayerRunner] = {}


def register_layer(name: str) -> Callable[[LayerRunner], LayerRunner]:
    def wrap(fn: LayerRunner) -> LayerRunner:
        LAYERS[name] = fn
        return fn

    return wrap


@dataclass
class Analysis:
    scenario: Scenario
    options: AnalyzeOptions
    models: dict[str, ModelResult]
    strong: StrongPosition
    claims: list[Verdict]
    layers: dict[str, LayerResult] = field(default_factory=dict)
    _summary: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def seed(self) -> int:
        return self.options.seed if self.options.seed is not None else self.scenario.settings.seed

    @property
    def summary(self) -> dict[str, Any]:
        """The bottom line (detente.analysis.summary), computed once."""
        if self._summary is None:
            from detente.analysis.summary import bottom_line

            self._summary = bottom_line(self)
        return self._summary

    def to_dict(self) -> dict[str, Any]:
        sc = self.scenario
        return {
            "detente_version": __version__,
            "summary": self.summary,
            "scenario": {
                "id": sc.meta.id,
                "title": sc.meta.title,
                "date": sc.meta.date.isoformat() if sc.meta.date else None,
                "perspective": sc.meta.perspective,
                "actors": [a.id for a in sc.actors],
                "issues": [i.id for i in sc.issues],
            },
            "seed": self.seed,
            "status_quo": {i.id: (i.status_quo.value if i.status_quo else None) for i in sc.issues},
            "known_outcome": sc.known_outcome.model_dump(mode="json", by_alias=True, exclude_none=True)
            if sc.known_outcome else None,
            "models": {name: r.to_dict() for name, r in self.models.items()},
            "strong_position": self.strong.to_dict(),
            "claims": [v.to_dict() for v in self.claims],
            **{name: r.to_dict() for name, r in self.layers.items()},
        }


def _run(name: str, scenario: Scenario, arr: Arrays) -> ModelResult:
    """A model with the scenario's own options for it (``models.<name>``), noted in the result."""
    model = get_model(name, scenario)
    return model.noted(model.run_arrays(arr))


STEP_NAMES = {"models": "bargaining models", "games": "crisis game", "sim": "simulation",
              "uncertainty": "uncertainty and sensitivity", "claims": "claim checks"}

Step = Callable[[str], AbstractContextManager[Any]]


def _no_step(name: str) -> AbstractContextManager[Any]:
    return nullcontext()


def analyze(scenario: Scenario, options: AnalyzeOptions | None = None, step: Step = _no_step) -> Analysis:
    """Run the models, the strong-position table, every registered layer and the claim checks.

    ``step(name)`` wraps each stage (a context manager), so a front end can show progress."""
    options = options or AnalyzeOptions()
    with step("models"):
        arr = point_arrays(scenario)
        names = [name for name in options.models if name in MODELS]
        results = run_models(scenario, arr, names, options.jobs, lambda name: _run(name, scenario, arr))
        base = results.get(options.strength_model) or _run(options.strength_model, scenario, arr)
        strong = strong_position(arr, base, results.get(options.win_model))
    layers: dict[str, LayerResult] = {}
    for name, runner in LAYERS.items():
        with step(name):
            res = runner(scenario, options)
        if res is not None:
            layers[name] = res
    with step("claims"):
        ctx = Context(scenario, results, dict(layers))
        verdicts = evaluate_claims(ctx)
        _attach_probabilities(verdicts, layers.get("uncertainty"))
        analysis = Analysis(scenario, options, results, strong, verdicts, layers)
        analysis.summary  # noqa: B018 - the bottom line, computed inside the step
    return analysis


def _attach_probabilities(verdicts: list[Verdict], uncertainty: LayerResult | None) -> None:
    """A model-level verdict at the point values also gets the share of draws, over the
    stated ranges, in which the claim holds (from the uncertainty layer when it ran)."""
    if uncertainty is None:
        return
    probs = uncertainty.to_dict().get("claims", {})
    for v in verdicts:
        got = probs.get(v.claim) or {}
        if v.layer == "models" and v.draws is None and got.get("evaluated"):
            v.set_count(got["holds"], got["evaluated"], "draws of the stated ranges")
    # the other way round: claims the games or the simulation counted show that same count in the
    # uncertainty section (one count per claim, X3), the crisis game's first when both count one
    order = {"games": 0, "sim": 1}
    for v in sorted(verdicts, key=lambda v: order.get(v.layer or "", 9)):
        if v.layer in order and v.draws and v.claim not in probs:
            iv = v.interval
            probs[v.claim] = {"probability": v.probability, "evaluated": v.draws, "holds": v.held,
                              "interval": list(iv) if iv else None, "counted_by": v.layer, "over": v.over}
