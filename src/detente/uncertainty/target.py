"""The target of a sweep: a function from sampled inputs to outputs, and hooks for the layers above.

:class:`ScenarioTarget` maps a (B, k) matrix of sampled parameter values to named (B,)
columns: the forecast of every model on every issue (``f.<model>.<issue>``), each claim's
verdict (``claim.<id>``: 1 holds, 0 fails, NaN not evaluated) and the outcome class
(``outcome``: index into :data:`OUTCOME_CLASSES`, NaN when no layer predicts one).

Model-level claims (forecast_near, forecast_between, strongest_actor) are evaluated here,
vectorised. Layers that predict outcomes or check other claims (crisis games, simulation)
plug in from their analysis modules, which sit above this layer:

* ``@register_batch_evaluator(kind)``: ``fn(claim, ctx: BatchContext) -> (B,) array | None``
* ``@register_draw_evaluator(kind)``: ``fn(claim, scenario) -> bool | None``, called per draw
  on a copy of the scenario with the draw's values (slow, but needs no vectorised code)
* ``@register_outcome(name, per_draw=False)``: ``fn(ctx) -> (B,) codes`` or, per draw,
  ``fn(scenario) -> OutcomeClass | str | None``.

Worker processes import the modules these hooks live in (:func:`plugin_modules`), so
registrations made in the parent reach every backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.models import MODELS, get_model
from detente.models.compromise import model_weight, weighted_mean
from detente.models.median import weighted_median
from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.schema import Claim, OutcomeClass, Scenario
from detente.uncertainty.batch import Batch, build_batch
from detente.uncertainty.params import Param, scenario_at

OUTCOME_CLASSES: tuple[str, ...] = tuple(c.value for c in OutcomeClass)


def _compromise(m: Any, arr: Arrays) -> np.ndarray:
    return weighted_mean(arr.filled_position, model_weight(arr, m.options.use_capability))


def _median(m: Any, arr: Arrays) -> np.ndarray:
    return weighted_median(arr.filled_position, model_weight(arr, m.options.use_capability), m.options.tie)


# Batched forecast functions for the static models (their run_arrays also computes per-actor
# figures that assume one scenario); other models are batched when their class sets ``batched``.
VECTORISED_MODELS: dict[str, Callable[[Any, Arrays], np.ndarray]] = {
    "compromise": _compromise, "median": _median}


@dataclass
class BatchContext:
    """One batch and what has been computed on it so far (forecasts are cached per model)."""

    scenario: Scenario
    batch: Batch
    per_draw: bool = True  # False: skip hooks that run one scenario per draw (fast mode)
    _forecasts: dict[str, np.ndarray] = field(default_factory=dict)
    _draws: list[Scenario] | None = None
    _outcome: np.ndarray | None = None
    _outcomes: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict)  # by the hooks asked

    def forecast(self, model: str) -> np.ndarray | None:
        """(B, m) forecasts of ``model``, or None when no such model is registered."""
        if model not in self._forecasts:
            if model not in MODELS:
                return None
            self._forecasts[model] = model_forecasts(model, self.batch.arrays, self.scenario)
        return self._forecasts[model]

    def scenarios(self) -> list[Scenario]:
        """One scenario per draw (built once, on demand, for per-draw hooks)."""
        if self._draws is None:
            ps = list(self.batch.params)
            self._draws = [scenario_at(self.scenario, ps, row) for row in self.batch.x]
        return self._draws


def model_forecasts(model: str, arr: Arrays, scenario: Scenario | None = None) -> np.ndarray:
    """Forecasts of a batch, (B, m): one vectorised call, or a loop for models that need one.
    With ``scenario``, the model runs with that scenario's options for it (``models:``)."""
    m = get_model(model, scenario)
    if model in VECTORISED_MODELS:
        return VECTORISED_MODELS[model](m, arr)
    if getattr(type(m), "batched", False):
        quick = getattr(m, "forecast_batch", None)  # forecasts without per-actor figures, if offered
        f = np.asarray(quick(arr) if quick else m.run_arrays(arr).forecast, dtype=float)
        if f.shape == arr.status_quo.shape:
            return f
    b = arr.position.shape[0]
    out = np.full((b, len(arr.issue_ids)), np.nan)
    for k in range(b):
        one = Arrays(arr.actor_ids, arr.issue_ids, arr.position[k], arr.salience[k], arr.capability[k],
                     arr.status_quo[k], arr.lo, arr.hi)
        out[k] = m.run_arrays(one).forecast
    return out


BatchEvaluator = Callable[[Claim, BatchContext], np.ndarray | None]
DrawEvaluator = Callable[[Claim, Scenario], bool | None]
BATCH_EVALUATORS: dict[str, list[BatchEvaluator]] = {}
DRAW_EVALUATORS: dict[str, list[DrawEvaluator]] = {}
CHEAP_DRAW_EVALUATORS: set[DrawEvaluator] = set()  # about a millisecond a draw: run even without per_draw
OUTCOMES: dict[str, tuple[Callable[..., Any], bool]] = {}


def register_batch_evaluator(kind: str) -> Callable[[BatchEvaluator], BatchEvaluator]:
    def wrap(fn: BatchEvaluator) -> BatchEvaluator:
        BATCH_EVALUATORS.setdefault(kind, []).append(fn)
        return fn

    return wrap


def register_draw_evaluator(kind: str, cheap: bool = False) -> Callable[[DrawEvaluator], DrawEvaluator]:
    """``cheap``: the hook costs about a millisecond a draw (a small game), so sweeps run it by
    default; others (the simulation) run only when per-draw layers are asked for."""

    def wrap(fn: DrawEvaluator) -> DrawEvaluator:
        DRAW_EVALUATORS.setdefault(kind, []).append(fn)
        if cheap:
            CHEAP_DRAW_EVALUATORS.add(fn)
        return fn

    return wrap


def register_outcome(name: str, per_draw: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        OUTCOMES[name] = (fn, per_draw)
        return fn

    return wrap


def plugin_modules() -> tuple[str, ...]:
    """Modules holding registered hooks; workers import them to see the same registry."""
    fns = [f for fs in BATCH_EVALUATORS.values() for f in fs]
    fns += [f for fs in DRAW_EVALUATORS.values() for f in fs]
    fns += [f for f, _ in OUTCOMES.values()]
    return tuple(sorted({f.__module__ for f in fns} - {__name__}))


def load_plugins(modules: tuple[str, ...]) -> None:
    for mod in modules:
        importlib.import_module(mod)


def evaluable(claim: Claim) -> bool:
    """Whether any hook can evaluate ``claim`` in a sweep."""
    k = claim.check.kind
    return bool(BATCH_EVALUATORS.get(k) or DRAW_EVALUATORS.get(k))


def claim_column(claim: Claim, ctx: BatchContext) -> np.ndarray:
    """(B,) verdicts of one claim: 1 holds, 0 fails, NaN where no hook could evaluate it."""
    return claim_columns([claim], ctx)[claim.id]


def _verdicts(vals: list[bool | None]) -> np.ndarray | None:
    if not any(v is not None for v in vals):
        return None
    return np.array([np.nan if v is None else float(bool(v)) for v in vals])


def claim_columns(claims: list[Claim], ctx: BatchContext) -> dict[str, np.ndarray]:
    """(B,) verdicts of each claim, by id. A claim takes the first batch hook that answers, else the
    first per-draw hook that answers on some draw. Per-draw hooks run draw by draw across the
    claims, so claims answered by one solve of a draw (the crisis game's) share it through the
    hook's small cache instead of each claim solving every draw again."""
    out: dict[str, np.ndarray] = {}
    per_draw: list[tuple[Claim, list[DrawEvaluator]]] = []
    for claim in claims:
        for bfn in BATCH_EVALUATORS.get(claim.check.kind, []):
            v = bfn(claim, ctx)
            if v is not None:
                out[claim.id] = np.asarray(v, dtype=float)
                break
        else:
            fns = [fn for fn in DRAW_EVALUATORS.get(claim.check.kind, [])
                   if ctx.per_draw or fn in CHEAP_DRAW_EVALUATORS]
            if fns:
                per_draw.append((claim, fns))
            else:
                out[claim.id] = np.full(ctx.batch.size, np.nan)
    if per_draw:
        firsts: list[list[bool | None]] = [[] for _ in per_draw]
        for s in ctx.scenarios():
            for vals, (claim, fns) in zip(firsts, per_draw, strict=True):
                vals.append(fns[0](claim, s))
        for vals, (claim, fns) in zip(firsts, per_draw, strict=True):
            col = _verdicts(vals)
            for fn in fns[1:]:
                if col is not None:
                    break
                col = _verdicts([fn(claim, s) for s in ctx.scenarios()])
            out[claim.id] = np.full(ctx.batch.size, np.nan) if col is None else col
    return out


def outcome_column(ctx: BatchContext) -> np.ndarray:
    """(B,) outcome-class codes from the first outcome hook that answers, else NaN (cached)."""
    if ctx._outcome is None:
        ctx._outcome = _outcome_column(ctx)
    return ctx._outcome


def _outcome_column(ctx: BatchContext, names: tuple[str, ...] | None = None) -> np.ndarray:
    """From the first of ``names`` (default: every registered hook, in order) that answers."""
    hooks = OUTCOMES.values() if names is None else [OUTCOMES[n] for n in names if n in OUTCOMES]
    for fn, per_draw in hooks:
        if per_draw and not ctx.per_draw:
            continue
        if per_draw:
            vals = [fn(s) for s in ctx.scenarios()]
            if any(v is not None for v in vals):
                return np.array([np.nan if v is None else float(OUTCOME_CLASSES.index(str(getattr(v, "value", v))))
                                 for v in vals])
        else:
            v = fn(ctx)
            if v is not None:
                return np.asarray(v, dtype=float)
    return np.full(ctx.batch.size, np.nan)


BLOCK_CELLS = 2_000_000  # draws x actors x issues in one evaluation (16 MB per float array)


@dataclass
class ScenarioTarget:
    """The default target: forecasts of ``models``, claim verdicts and the outcome class."""

    scenario: Scenario
    params: tuple[Param, ...]
    models: tuple[str, ...] = ("compromise", "median")
    per_draw: bool = True
    plugins: tuple[str, ...] = field(default_factory=plugin_modules)
    _base: Arrays | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.models = tuple(m for m in self.models if m in MODELS)

    @property
    def base(self) -> Arrays:
        if self._base is None:
            self._base = point_arrays(self.scenario)
        return self._base

    def columns(self) -> list[str]:
        cols = [f"f.{m}.{i.id}" for m in self.models for i in self.scenario.issues]
        return cols + [f"claim.{c.id}" for c in self.scenario.claims] + ["outcome"]

    def context(self, x: np.ndarray) -> BatchContext:
        return BatchContext(self.scenario, build_batch(self.scenario, self.params, x, self.base), self.per_draw)

    def __call__(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Outputs for each row of ``x``, evaluated in blocks of at most BLOCK_CELLS draws x actors x
        issues: rows are independent, so the values are the same, and memory no longer grows with
        the rows asked for at once (the flip finder's 32,000 rows at 250 x 10 took ~11 GB)."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        rows = max(1, BLOCK_CELLS // max(1, len(self.base.actor_ids) * len(self.base.issue_ids)))
        if len(x) <= rows:
            return self._evaluate(x)
        parts = [self._evaluate(x[i:i + rows]) for i in range(0, len(x), rows)]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def _evaluate(self, x: np.ndarray) -> dict[str, np.ndarray]:
        load_plugins(self.plugins)
        ctx = self.context(x)
        out: dict[str, np.ndarray] = {}
        for m in self.models:
            f = ctx.forecast(m)
            for c, issue in enumerate(self.scenario.issues):
                out[f"f.{m}.{issue.id}"] = f[:, c]
        cols = claim_columns(list(self.scenario.claims), ctx)
        for claim in self.scenario.claims:
            out[f"claim.{claim.id}"] = cols[claim.id]
        out["outcome"] = outcome_column(ctx)
        return out


# --- model-level claims, vectorised -------------------------------------------------------

_TOL = 1e-9


def _issue_col(ctx: BatchContext, issue: str) -> int | None:
    ids = ctx.batch.arrays.issue_ids
    return ids.index(issue) if issue in ids else None


def _nan_where_missing(f: np.ndarray, verdict: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(f), np.nan, verdict.astype(float))


@register_batch_evaluator("forecast_near")
def _near(claim: Claim, ctx: BatchContext) -> np.ndarray | None:
    ch = claim.check
    f_all, c = ctx.forecast(ch.model), _issue_col(ctx, ch.issue)
    if f_all is None or c is None:
        return None
    f = f_all[:, c]
    if ch.target == "status_quo":  # sampled per draw
        target = ctx.batch.arrays.status_quo[:, c]
    else:
        value, _ = ch.target_value(ctx.scenario)
        if value is None:
            return None
        target = np.full_like(f, value)
    with np.errstate(invalid="ignore"):
        verdict = np.abs(f - target) <= ch.within + _TOL
    return np.where(np.isnan(target), np.nan, _nan_where_missing(f, verdict))


@register_batch_evaluator("forecast_between")
def _between(claim: Claim, ctx: BatchContext) -> np.ndarray | None:
    ch = claim.check
    f_all, c = ctx.forecast(ch.model), _issue_col(ctx, ch.issue)
    if f_all is None or c is None:
        return None
    f = f_all[:, c]
    with np.errstate(invalid="ignore"):
        return _nan_where_missing(f, (ch.low - _TOL <= f) & (f <= ch.high + _TOL))


OUTCOME_HOOKS_BY_LAYER = {"sim": ("sim",), "any": ("games", "sim")}


@register_batch_evaluator("outcome_class")
def _outcome_is(claim: Claim, ctx: BatchContext) -> np.ndarray | None:
    """Outcome class per draw equals the claimed one, from the hook of the claim's layer: ``sim`` the
    simulation's, ``any`` the crisis game's where it answers, else the simulation's; ``games`` is left to
    the crisis game's per-draw evaluator, and ``crisis`` (the general crisis model gives a probability,
    not a count) to none (H11: each was counted by whichever hook answered first, the simulation's
    with --per-draw-layers)."""
    layer = str(getattr(claim.check, "layer", "any"))
    names = OUTCOME_HOOKS_BY_LAYER.get(layer, ())
    if layer == "any":  # then any other registered hook (a plug-in's)
        names += tuple(n for n in OUTCOMES if n not in names)
    if not names:
        return None
    if names not in ctx._outcomes:
        ctx._outcomes[names] = _outcome_column(ctx, names)
    codes = ctx._outcomes[names]
    if np.isnan(codes).all():
        return None
    want = OUTCOME_CLASSES.index(str(getattr(claim.check.equals, "value", claim.check.equals)))
    return np.where(np.isnan(codes), np.nan, (codes == want).astype(float))


@register_batch_evaluator("strongest_actor")
def _strongest(claim: Claim, ctx: BatchContext) -> np.ndarray | None:
    """Largest salience-weighted gain against the status quo (as in the strong-position table)."""
    ch = claim.check
    f = ctx.forecast(ch.model)
    arr = ctx.batch.arrays
    if f is None or ch.actor not in arr.actor_ids:
        return None
    with np.errstate(invalid="ignore"):
        gain = arr.salience * (np.abs(arr.position - arr.status_quo[:, None, :])
                               - np.abs(arr.position - f[:, None, :])) / arr.span
    ok = arr.has & ~np.isnan(f)[:, None, :]
    if ch.issue is not None:
        c = _issue_col(ctx, ch.issue)
        if c is None:
            return None
        g = np.where(ok[:, :, c] & ~np.isnan(gain[:, :, c]), gain[:, :, c], -np.inf)
    else:
        g = np.where(ok.any(axis=2), np.nansum(np.where(ok, gain, np.nan), axis=2), -np.inf)
    best = np.argmax(g, axis=1)
    valid = np.isfinite(g).any(axis=1)
    return np.where(valid, (best == arr.actor_ids.index(ch.actor)).astype(float), np.nan)
