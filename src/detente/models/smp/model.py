"""The registered ``smp`` model: KTAB's spatial model of politics behind detente's interface.

Algorithm ported from KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT licence, Copyright
(c) 2015 KAPSARC), ``SMPModel``/``SMPState`` in ``examples/smp/libsrc/``. Every KTAB model
parameter is an option with KTAB's default, so a default run reproduces ``smpc``.

Forecast per issue: the PCE-probability-weighted mean of the distinct final positions (the
"EV" forecast; KTAB's own log reports only the probabilities). The most probable final
position is in ``details["most_probable_position"]``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.errors import InputError
from detente.models.base import Model, ModelResult, register
from detente.models.smp import engine
from detente.models.smp.bargain import BARGAIN_MODELS, INTER_VEC_BARGAINS
from detente.models.smp.challenge import THIRD_PARTY_COMMITS
from detente.models.smp.pce import PCE_MODELS
from detente.models.smp.prng import DEFAULT_SEED
from detente.models.smp.utility import BIG_R_ADJUSTS, BIG_R_RANGES
from detente.models.smp.victory import VICTORY_MODELS
from detente.models.smp.voting import VOTING_RULES
from detente.scenario.arrays import Arrays

_CHOICES: dict[str, tuple[str, ...]] = {
    "victory_model": VICTORY_MODELS,
    "pce_model": PCE_MODELS,
    "state_transitions": ("deterministic", "stochastic"),
    "voting_rule": VOTING_RULES,
    "big_r_adjust": BIG_R_ADJUSTS,
    "big_r_range": BIG_R_RANGES,
    "third_party_commit": THIRD_PARTY_COMMITS,
    "inter_vec_bargain": INTER_VEC_BARGAINS,
    "bargain_model": BARGAIN_MODELS,
    "dimensions": ("auto", "joint", "separate"),
}


@register
class SmpModel(Model):
    name = "smp"
    summary = "KTAB spatial model of politics: challenges, bargains and probabilistic Condorcet elections"

    @dataclass(frozen=True)
    class Options:
        """KTAB's parameters (``smp.h``/``kmodel.h`` defaults) plus detente's own choices."""

        victory_model: Literal["linear", "square", "quartic", "octic", "binary"] = "linear"
        pce_model: Literal["conditional", "markov_incentive", "markov_uniform"] = "conditional"
        state_transitions: Literal["deterministic", "stochastic"] = "deterministic"
        voting_rule: Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic",
                             "asym_prospect"] = "proportional"
        big_r_adjust: Literal["none", "one_third", "half", "two_thirds", "full"] = "one_third"
        big_r_range: Literal["min", "mid", "max"] = "mid"
        third_party_commit: Literal["no_commit", "semi_commit", "full_commit"] = "semi_commit"
        inter_vec_bargain: Literal["s1p1", "s2p2", "s2pmax"] = "s2p2"
        bargain_model: Literal["init_only", "init_rcvr", "pw_comp"] = "init_only"
        seed: int = DEFAULT_SEED  # KBase::dSeed; used by stochastic state transitions only
        min_turns: int = 2
        max_turns: int = 100
        stop_ratio: float = 0.02
        # joint: all issues are dimensions of one space (KTAB); separate: one run per issue;
        # auto: joint when every actor's saliences sum to at most 1 (KTAB's budget)
        dimensions: Literal["auto", "joint", "separate"] = "auto"
        # KTAB's ideal-accommodation matrix: (actor, reference actor, weight) pairs written over
        # the identity, as KTAB's XML reader does (an actor's ideal follows positions, DECISIONS S8)
        ideal_adjustment: tuple[tuple[str, str, float], ...] = ()

        def __post_init__(self) -> None:
            pairs = []
            for k, row in enumerate(self.ideal_adjustment):
                ok = isinstance(row, (list, tuple)) and len(row) == 3 and all(isinstance(v, str) for v in row[:2]) \
                    and isinstance(row[2], (int, float)) and not isinstance(row[2], bool)
                if not ok or not 0.0 <= float(row[2]) <= 1.0:
                    raise InputError(f"smp ideal_adjustment[{k}] must be [actor, reference actor, weight in "
                                     f"[0, 1]]; got {row!r}", field="ideal_adjustment")
                pairs.append((row[0], row[1], float(row[2])))
            object.__setattr__(self, "ideal_adjustment", tuple(pairs))
            for name, choices in _CHOICES.items():
                value = getattr(self, name)
                if value not in choices:
                    raise InputError(f"smp option {name} = {value!r} is not one of {', '.join(choices)}",
                                     field=name)
            if not 1 <= self.min_turns <= self.max_turns:
                raise InputError(f"smp needs 1 <= min_turns <= max_turns; got {self.min_turns}, "
                                 f"{self.max_turns}", field="max_turns")
            if not 0 <= self.seed < 2**64:
                raise InputError(f"smp seed must be in [0, 2^64); got {self.seed}", field="seed")

    def params(self) -> engine.Params:
        o = self.options
        fields = {f.name for f in dataclasses.fields(engine.Params)}
        return engine.Params(**{k: v for k, v in dataclasses.asdict(o).items() if k in fields})

    def run_arrays(self, arr: Arrays) -> ModelResult:
        plan = self.plan(arr)
        return self.finish(arr, plan, [run_task(t) for t in plan.tasks])

    def plan(self, arr: Arrays) -> SmpPlan:
        """Everything before the turn loops: one task per SMP run (all issues jointly, or one per
        issue). The tasks are independent, so a caller may run them in other processes
        (``run_task``) and hand the outcomes to ``finish`` in task order: same result, bit for bit."""
        n, m = len(arr.actor_ids), len(arr.issue_ids)
        plan = SmpPlan(np.full(m, np.nan), np.full((n, m), np.nan), [], [], {})
        if n == 0 or m == 0:
            plan.empty = True
            return plan
        notes = plan.notes
        has = arr.has & (arr.salience >= 0)
        span = np.where(arr.span > 0, arr.span, 1.0)
        x01 = np.where(has, (arr.position - arr.lo) / span, np.nan)
        sal = np.where(has, np.clip(arr.salience, 0.0, None), 0.0)
        cap_m = np.where(has, np.clip(arr.capability, 0.0, None), np.nan)
        any_stance = has.any(axis=1)
        filled = np.where(any_stance[:, None], cap_m, 0.0)
        with np.errstate(invalid="ignore"):
            cap = np.nan_to_num(np.nanmean(np.where(any_stance[:, None], filled, 0.0), axis=1))
            spread = np.nanmax(filled, axis=1) - np.nanmin(filled, axis=1)
        if (np.nan_to_num(spread) > 1e-12).any():
            notes.append("capabilities differ across issues for some actors; SMP uses one capability "
                         "per actor, the mean over the issues it takes a stance on")
        totals = sal.sum(axis=1)
        mode = self.options.dimensions
        if mode == "auto":
            mode = "joint" if bool((totals <= 1.0 + 1e-9).all()) else "separate"
            if mode == "separate" and m > 1:
                notes.append("some actor's saliences sum to more than 1 (KTAB's budget), so each issue "
                             "is run as its own one-dimensional SMP")
        groups = [list(range(m))] if mode == "joint" else [[c] for c in range(m)]
        if self.options.state_transitions == "stochastic":
            notes.append(f"stochastic state transitions with KTAB's generator and seed {self.options.seed}; "
                         "KTAB draws in the order its threads finish, detente in actor order, so this is "
                         "one seeded path, not a copy of a given KTAB run (DECISIONS S2)")
        plan.details = {
            "forecast_method": "PCE-probability-weighted mean of the distinct final positions",
            "dimensions": mode,
            "runs": [],
        }
        params = self.params()
        for cols in groups:
            plan.steps.append(self._task(arr, cols, x01, sal, cap, has, params))
        return plan

    def finish(self, arr: Arrays, plan: SmpPlan, outcomes: list[GroupOutcome]) -> ModelResult:
        """The result from the plan and each task's outcome (in the order of ``plan.tasks``)."""
        if plan.empty:
            return self._result(arr, plan.forecast, notes=["no actors or no issues: nothing to forecast"])
        notes, details, forecast, win = list(plan.notes), plan.details, plan.forecast, plan.win
        most_probable: dict[str, float | None] = {}
        positions: dict[str, dict[str, list[float]]] = {a: {} for a in arr.actor_ids}
        win_hist: dict[str, dict[str, list[float]]] = {a: {} for a in arr.actor_ids}
        got = iter(outcomes)
        for step_notes, task in plan.steps:
            notes.extend(step_notes)
            if task is None:
                continue
            self._record(arr, task, next(got), forecast, win, most_probable, positions, win_hist,
                         details, notes)
        details["most_probable_position"] = most_probable
        details["positions"] = {a: v for a, v in positions.items() if v}
        details["win_probability"] = {a: v for a, v in win_hist.items() if v}
        return self._result(arr, forecast, actor_figures={"win_probability": win}, details=details,
                            notes=notes)

    def _accommodation(self, arr: Arrays, actors: np.ndarray) -> np.ndarray | None:
        """KTAB's ideal-accommodation matrix for ``actors`` (identity, listed pairs overwritten)."""
        pairs = self.options.ideal_adjustment
        if not pairs:
            return None
        where = {arr.actor_ids[a]: r for r, a in enumerate(actors)}
        acc = np.eye(len(actors))
        for who, ref, w in pairs:
            for name in (who, ref):
                if name not in arr.actor_ids:
                    raise InputError(f"smp ideal_adjustment names unknown actor '{name}'",
                                     field="ideal_adjustment")
            if who in where and ref in where:
                acc[where[who], where[ref]] = w
        return acc

    def _task(self, arr: Arrays, cols: list[int], x01: np.ndarray, sal: np.ndarray, cap: np.ndarray,
              has: np.ndarray, params: engine.Params) -> tuple[list[str], GroupTask | None]:
        """One SMP run over the issues ``cols`` with the actors that take a stance on any: its
        notes before the run, and the task (None when nobody takes a stance)."""
        notes: list[str] = []
        names = [arr.issue_ids[c] for c in cols]
        label = ", ".join(names)
        actors = np.flatnonzero(has[:, cols].any(axis=1))
        if len(actors) == 0:
            notes.append(f"no actor takes a stance on {label}: no forecast")
            return notes, None
        x = x01[np.ix_(actors, cols)]
        s = sal[np.ix_(actors, cols)]
        c = cap[actors]
        # a missing stance on one dimension of a joint run: the actor does not care (salience 0)
        # and sits at the capability x salience weighted mean of the others there
        for k in range(len(cols)):
            miss = np.isnan(x[:, k])
            if miss.any():
                w = np.where(miss, 0.0, c * s[:, k])
                fill = float((w * np.nan_to_num(x[:, k])).sum() / w.sum()) if w.sum() > 0 else \
                    float(np.nanmean(x[:, k]))
                x[miss, k] = fill
                notes.append(f"{int(miss.sum())} actor(s) take no stance on {names[k]}: placed at the "
                             "weighted mean of the others there, with salience 0")
        if (c <= 0).all() or (s <= 0).all():
            notes.append(f"on {label} every actor has capability 0 or salience 0: nobody can move "
                         "anybody, positions stay where they are")
        if len(actors) < 3:
            notes.append(f"{len(actors)} actor(s) on {label}: KTAB needs at least 3; run anyway "
                         "(one actor keeps its position and wins)")
        acc = self._accommodation(arr, actors)
        return notes, GroupTask(cols, actors, x, s, c, params, acc)

    def _record(self, arr: Arrays, task: GroupTask, out: GroupOutcome, forecast: np.ndarray, win: np.ndarray,
                most_probable: dict[str, float | None], positions: dict[str, dict[str, list[float]]],
                win_hist: dict[str, dict[str, list[float]]], details: dict[str, Any],
                notes: list[str]) -> None:
        """Write one run's outcome into the result's arrays, details and notes."""
        cols, actors = task.cols, task.actors
        names = [arr.issue_ids[c] for c in cols]
        label = ", ".join(names)
        if out.risk_inert:
            notes.append(f"on {label} risk attitudes change no utility (every distance is 0 or 1, e.g. "
                         "everyone at 0 or 100): KTAB stops here with 'utility values not in valid "
                         "range'; detente runs on with these utilities")
        final = out.positions[-1]
        lo, span = arr.lo[cols], arr.span[cols]
        ev = (out.unique_prob[:, None] * final[out.unique]).sum(axis=0) / out.unique_prob.sum()
        top = out.unique[int(np.argmax(out.unique_prob))]
        hist = out.positions  # (T, a, k)
        probs = out.win_probs  # (T, a)
        for k, col in enumerate(cols):
            forecast[col] = lo[k] + span[k] * ev[k]
            most_probable[arr.issue_ids[col]] = float(lo[k] + span[k] * final[top, k])
            for r, a in enumerate(actors):
                aid = arr.actor_ids[a]
                positions[aid][arr.issue_ids[col]] = [float(v) for v in lo[k] + span[k] * hist[:, r, k]]
                win_hist[aid][arr.issue_ids[col]] = [float(v) for v in probs[:, r]]
                win[a, col] = probs[-1, r]
        details["runs"].append({
            "issues": names,
            "actors": [arr.actor_ids[a] for a in actors],
            "turns": len(out.challenges),
            "stop_reason": out.stop_reason,
            "risk_attitudes": [float(v) for v in out.risk],
            "challenges": out.challenges,
        })
        if out.stop_reason == "max_turns":
            notes.append(f"on {label} the SMP did not settle within {self.options.max_turns} turns")


@dataclass
class GroupTask:
    """One SMP run's inputs on KTAB's 0..1 scale (picklable: it may run in another process)."""

    cols: list[int]  # issue columns of this run
    actors: np.ndarray  # actor rows taking part
    x: np.ndarray  # (a, k) positions
    s: np.ndarray  # (a, k) saliences
    c: np.ndarray  # (a,) capabilities
    params: engine.Params
    acc: np.ndarray | None  # ideal-accommodation matrix, None = identity

    @property
    def work(self) -> int:
        """Rough cost, for deciding whether other processes pay: actors^3 per turn."""
        return len(self.actors) ** 3


@dataclass
class GroupOutcome:
    """What the result keeps of one run (the full per-turn assessments stay in the worker)."""

    positions: np.ndarray  # (T, a, k) per state
    win_probs: np.ndarray  # (T, a) per state
    unique: np.ndarray  # distinct final positions (indices)
    unique_prob: np.ndarray  # their PCE probabilities
    risk: np.ndarray  # (a,) final risk attitudes
    risk_inert: bool  # at the first state
    stop_reason: str
    challenges: list[dict[str, int]]  # per turn: initiator -> target


def run_task(task: GroupTask) -> GroupOutcome:
    """Run one SMP (``engine.run``) and keep what ``SmpModel.finish`` reads."""
    run = engine.run(task.x, task.s, task.c, task.params, accommodation=task.acc)
    last = run.assessments[-1]
    return GroupOutcome(np.stack(run.positions), np.stack([a.win_prob for a in run.assessments]),
                        last.unique, last.unique_prob, last.risk, run.assessments[0].risk_inert,
                        run.stop_reason, [{str(i): j for i, j in t.targets.items()} for t in run.turns])


@dataclass
class SmpPlan:
    """What ``SmpModel.plan`` prepares: arrays the runs fill, notes so far, and the runs."""

    forecast: np.ndarray
    win: np.ndarray
    notes: list[str]
    steps: list[tuple[list[str], GroupTask | None]]  # per run: notes before it, and its task
    details: dict[str, Any]
    empty: bool = False

    @property
    def tasks(self) -> list[GroupTask]:
        return [t for _, t in self.steps if t is not None]
