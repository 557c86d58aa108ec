"""Run every registered model and the simple baselines on DEU issues, one scenario per issue.

A model that raises on an issue is skipped there with a counted note, so one failure never
stops the benchmark. Forecasts are kept per issue so that any subset (a split, a procedure)
can be scored afterwards with the same paired statistics.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from detente.backtest.capability import capability_function
from detente.backtest.deu import DeuIssue, DeuTable, to_scenario
from detente.backtest.metrics import Distribution
from detente.errors import InputError
from detente.models import MODELS
from detente.models.base import ModelResult
from detente.scenario.loader import read_text
from detente.scenario.schema import Scenario

REFERENCE = "compromise"
PARTS = ("train", "dev", "test")
RANDOM_FRACTIONS = (0.4, 0.3, 0.3)


def _median_actor(issue: DeuIssue) -> float:
    return float(np.median(list(issue.positions.values())))


BASELINES: dict[str, tuple[str, Callable[[DeuIssue], float | None]]] = {
    "median-actor": ("median of the actors' positions (unweighted)", _median_actor),
    "constant-50": ("always 50, the middle of the scale", lambda issue: 50.0),
    "status-quo": ("the reference point rp (issues that have one)", lambda issue: issue.rp),
}


@dataclass
class ModelRun:
    """One predictor's forecasts on every issue (NaN where it gave none)."""

    name: str
    kind: str  # model | baseline | candidate
    summary: str
    forecast: np.ndarray
    dists: list[Distribution | None]
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)  # first line of the error -> count
    no_forecast: int = 0
    variants: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. smp-mode: most probable position

    @property
    def skipped(self) -> int:
        return sum(self.failures.values())


@dataclass
class Backtest:
    """Everything a score or a leaderboard needs."""

    table: DeuTable
    capability: str
    runs: dict[str, ModelRun]
    split: dict[str, str] | None = None
    split_label: str = "none (all issues)"
    seed: int = 0

    @property
    def issues(self) -> list[DeuIssue]:
        return self.table.issues

    @property
    def outcome(self) -> np.ndarray:
        return np.array([i.outcome for i in self.issues])

    def mask(self, part: str | None) -> np.ndarray:
        if part is None:
            return np.ones(len(self.issues), dtype=bool)
        if self.split is None:
            raise ValueError("no split")
        return np.array([self.split.get(i.id) == part for i in self.issues])


def distribution_of(result: ModelResult, issue_id: str) -> Distribution | None:
    """A model's forecast distribution on an issue, if it publishes one.

    Convention: ``details["distribution"][issue_id]`` is either a list of samples or a mapping
    with ``values`` and ``probs`` (or ``weights``/``probabilities``); ``details["samples"]``
    [issue_id] is a list of samples. Anything else means a point forecast only.
    """
    pce = _final_win_distribution(result, issue_id)
    if pce is not None:
        return pce
    for key in ("distribution", "samples"):
        per_issue = result.details.get(key)
        if not isinstance(per_issue, dict) or issue_id not in per_issue:
            continue
        d = per_issue[issue_id]
        try:
            if isinstance(d, dict):
                probs = next((d[k] for k in ("probs", "weights", "probabilities") if k in d), None)
                return Distribution.of(d["values"], probs)
            return Distribution.of(d)
        except (KeyError, TypeError, ValueError):
            return None
    return None


def _final_win_distribution(result: ModelResult, issue_id: str) -> Distribution | None:
    """SMP-style output: ``details["positions"][actor][issue]`` and ``details["win_probability"]
    [actor][issue]`` are per-turn lists; the last entries give each actor's final position and its
    PCE probability of winning, i.e. a discrete distribution of the outcome."""
    pos, win = result.details.get("positions"), result.details.get("win_probability")
    if not isinstance(pos, dict) or not isinstance(win, dict):
        return None
    values, probs = [], []
    for actor, per_issue in win.items():
        p_hist = per_issue.get(issue_id) if isinstance(per_issue, dict) else None
        x_hist = pos.get(actor, {}).get(issue_id) if isinstance(pos.get(actor), dict) else None
        if not p_hist or not x_hist:
            continue
        values.append(x_hist[-1])
        probs.append(p_hist[-1])
    try:
        return Distribution.of(values, probs) if values else None
    except (TypeError, ValueError):
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:160]


def run_model(name: str, scenarios: list[Scenario]) -> ModelRun:
    """Run a registered model issue by issue, counting the issues where it raises."""
    cls = MODELS[name]
    model = cls()
    m = len(scenarios)
    run = ModelRun(name, "model", getattr(cls, "summary", name), np.full(m, np.nan), [None] * m)
    modes = np.full(m, np.nan)
    t0 = time.perf_counter()
    for k, sc in enumerate(scenarios):
        issue_id = sc.issues[0].id
        try:
            res = model.run(sc)
            value = res.forecast_of(issue_id)
        except Exception as exc:  # a model bug on one issue must not stop the benchmark
            run.failures[_first_line(exc)] += 1
            continue
        if value is None or not np.isfinite(value):
            run.no_forecast += 1
            continue
        run.forecast[k] = value
        run.dists[k] = distribution_of(res, issue_id)
        mode = res.details.get("most_probable_position")
        if isinstance(mode, dict) and isinstance(mode.get(issue_id), (int, float)):
            modes[k] = float(mode[issue_id])
    run.seconds = time.perf_counter() - t0
    if not np.isnan(modes).all():
        run.variants[f"{name}-mode"] = modes
    return run


def run_baseline(name: str, issues: list[DeuIssue]) -> ModelRun:
    summary, fn = BASELINES[name]
    t0 = time.perf_counter()
    values = [fn(i) for i in issues]
    f = np.array([np.nan if v is None else v for v in values], dtype=float)
    run = ModelRun(name, "baseline", summary, f, [None] * len(issues))
    run.no_forecast = int(np.isnan(f).sum())
    run.seconds = time.perf_counter() - t0
    return run


def resolve_models(names: Iterable[str] | None) -> list[str]:
    """Registered model names to run ('all' or None = every one), compromise always included."""
    wanted = list(dict.fromkeys(names or ["all"]))
    if "all" in wanted:
        chosen = sorted(MODELS)
    else:
        unknown = [n for n in wanted if n not in MODELS and n not in BASELINES]
        if unknown:
            raise InputError(f"unknown model '{unknown[0]}' (models: "
                             f"{', '.join(sorted(MODELS))}; baselines: {', '.join(BASELINES)})",
                             field="models")
        chosen = [n for n in wanted if n in MODELS]  # baselines always run
    if REFERENCE not in chosen:
        chosen.insert(0, REFERENCE)
    return chosen


def read_split(path: str | Path, table: DeuTable) -> tuple[dict[str, str], str]:
    """A pre-registered split: JSON with ``assignment`` = {issue id: train|dev|test}."""
    p = Path(path)
    text = read_text(p)  # refuses a missing file, a folder, binary or non-UTF-8 data in one line
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc})", file=str(p), field="split") from None
    assignment = data.get("assignment") if isinstance(data, dict) else None
    if not isinstance(assignment, dict) or not assignment:
        raise InputError("expected an object with 'assignment': {issue id: train|dev|test}",
                         file=str(p), field="assignment")
    bad = next(((k, v) for k, v in assignment.items() if v not in PARTS), None)
    if bad is not None:
        raise InputError(f"issue '{bad[0]}' is assigned to '{bad[1]}' (expected train, dev or test)",
                         file=str(p), field="assignment")
    known = {i.id for i in table.issues}
    covered = sum(1 for k in assignment if k in known)
    if covered == 0:
        raise InputError("no issue id of the split occurs in the data", file=str(p), field="assignment")
    return {k: str(v) for k, v in assignment.items() if k in known}, f"{p.name} ({covered} issues)"


def random_split(issue_ids: list[str], seed: int,
                 fractions: tuple[float, float, float] = RANDOM_FRACTIONS) -> dict[str, str]:
    """A seeded train/dev/test assignment (40/30/30 by default) of the sorted issue ids."""
    ids = sorted(issue_ids)
    order = np.random.default_rng(seed).permutation(len(ids))
    n_train = round(fractions[0] * len(ids))
    n_dev = round(fractions[1] * len(ids))
    out: dict[str, str] = {}
    for rank, k in enumerate(order):
        out[ids[k]] = "train" if rank < n_train else "dev" if rank < n_train + n_dev else "test"
    return out


def run_backtest(table: DeuTable, capability: str = "equal", models: Iterable[str] | None = None,
                 split: dict[str, str] | None = None, split_label: str = "none (all issues)",
                 seed: int = 0, progress: Callable[[str], None] | None = None) -> Backtest:
    """Convert every issue, run the chosen models and the baselines, keep all forecasts."""
    cap = capability_function(capability, table)
    scenarios = [to_scenario(i, cap) for i in table.issues]
    wanted = list(models or ["all"])
    runs: dict[str, ModelRun] = {}
    for name in resolve_models(wanted):
        if progress:
            progress(name)
        runs[name] = run = run_model(name, scenarios)
        for vname, f in run.variants.items():
            runs[vname] = ModelRun(vname, "model", f"{name}: most probable final position", f,
                                   [None] * len(f), failures=run.failures.copy(),
                                   no_forecast=int(np.isnan(f).sum()) - run.skipped)
    for name in BASELINES:  # cheap and the point of comparison: always run
        runs[name] = run_baseline(name, table.issues)
    return Backtest(table, capability, runs, split, split_label, seed)
