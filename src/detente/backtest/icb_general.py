"""ICB scored through the general crisis model (decision ICB8): each crisis actor becomes a scenario
(the crisis actor as defender, the triggering entity as challenger, one contested stake), read by
:mod:`detente.games.crisis.spec` into a :class:`CrisisModel` and solved by its logit QRE; ten global
numbers are estimated by maximum likelihood on the fitting period, as in Signorino's strategic logit.

Only the allowed predictors of decision ICB2 enter, through four coarse covariates: the power
discrepancy (five levels; not coded = equal), the trigger (violent, non-violent military, other),
whether the threat is grave or territorial, and whether the issue is military security. Crisis
actors with the same covariates have the same model, so each configuration is solved once per
parameter vector. The scenario path (``scenario_for`` -> ``spec.build_inputs``) builds each
configuration's model once; later parameter vectors change its numbers with ``fast_model``, which
computes exactly what ``build_inputs`` would (a test checks the two agree), because building and
validating a scenario costs more than solving its two-round model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from detente.backtest.icb import IcbActor
from detente.games.crisis.model import CLASSES, CrisisModel, solve_crisis

POWER_LEVELS = (-3.0, -1.0, 0.0, 1.0, 3.0)  # much weaker .. much stronger (powdis/10, as ICB6's table)
TRIGGERS = ("violent", "military", "other")
HORIZON = 2  # C proposes, D answers; D proposes, C answers; then the deadline
DISCOUNT = 0.9  # the crisis model's default (C6)
STATUS_QUO = 50.0  # the stake is contested at the trigger: the status quo sits midway (ICB4's stalemate share)
TRIGGER_DEED = 60.0  # a violent trigger: the challenger's fait accompli takes a tenth of the stake (rung 2)
LIMITED_SHARE = 0.3  # spec.DEFAULTS["limited_share"]: limited force costs this share of the war cost
# (name, start): the start is the crisis model's own defaults (C6, C10: lambda 5, war cost 0.5, scale 0.4).
PARAMS: tuple[tuple[str, float], ...] = (
    ("log_lam", math.log(5.0)),       # QRE precision
    ("stake_d_0", 0.0),               # logit of the defender's salience of the stake
    ("stake_d_threat", 0.0),          # ... when grave damage, existence or territory is threatened
    ("stake_d_security", 0.0),        # ... when the issue is military security
    ("stake_c", 0.0),                 # logit of the challenger's salience
    ("win_pd", 0.0),                  # the challenger's war-win probability: logit = -win_pd x power level
    ("war_cost_d", math.log(0.5)),    # log of the defender's war cost (salience units)
    ("war_cost_c", math.log(0.5)),    # log of the challenger's war cost
    ("war_cost_violent", 0.0),        # added to both log war costs after a violent trigger
    ("log_standoff_scale", math.log(0.4)),  # standoff and mobilising cost = scale x the actor's stake
)
NAMES = tuple(n for n, _ in PARAMS)
START = np.array([v for _, v in PARAMS])
BOUND = 8.0
EPS = 1e-12
FD_STEP = 0.02  # forward differences; larger than the solver's 0.01 rounding of the status quo can fool
MAX_ITER = 20
TOL = 0.05  # stop when an accepted step lowers the negative log-likelihood by less than this


@dataclass(frozen=True)
class Config:
    """The covariates of one crisis actor that reach the model (from ICB2's allowed columns only)."""

    power: float  # power discrepancy level, defender minus challenger (powdis / 10, binned)
    trigger: str
    threat: bool  # grave damage, existence or territory threatened (gravty 3, 5, 6)
    security: bool  # military-security issue (issue 1)


def power_level(powdis: int | None) -> float:
    if powdis is None:
        return 0.0
    for cut, level in ((-20, -3.0), (-5, -1.0), (5, 0.0), (20, 1.0)):
        if powdis < cut:
            return level
    return 3.0


def config(a: IcbActor) -> Config:
    p = a.predictors
    t = p.get("triggr")
    trigger = "violent" if t in (8, 9) else "military" if t == 7 else "other"
    return Config(power_level(p.get("powdis")), trigger, p.get("gravty") in (3, 5, 6), p.get("issue") == 1)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


@dataclass(frozen=True)
class Numbers:
    """The model's numbers for one configuration at one parameter vector."""

    sal_d: float
    sal_c: float
    win_c: float
    war_cost_d: float
    war_cost_c: float
    scale: float
    lam: float


def numbers(cfg: Config, theta: Sequence[float]) -> Numbers:
    th = dict(zip(NAMES, (float(v) for v in theta), strict=True))
    violent = th["war_cost_violent"] if cfg.trigger == "violent" else 0.0
    return Numbers(
        sal_d=_sigmoid(th["stake_d_0"] + th["stake_d_threat"] * cfg.threat + th["stake_d_security"] * cfg.security),
        sal_c=_sigmoid(th["stake_c"]),
        win_c=_sigmoid(-th["win_pd"] * cfg.power),
        war_cost_d=math.exp(th["war_cost_d"] + violent),
        war_cost_c=math.exp(th["war_cost_c"] + violent),
        scale=math.exp(th["log_standoff_scale"]),
        lam=math.exp(th["log_lam"]),
    )


def scenario_data(cfg: Config, theta: Sequence[float]) -> dict[str, Any]:
    """The scenario a user would write for this crisis actor (values at ``theta``)."""
    n = numbers(cfg, theta)
    if cfg.trigger == "violent":
        move = {"id": "trigger", "actor": "c", "type": "assault", "issue": "stake", "position": TRIGGER_DEED,
                "step": 1, "note": "violent trigger: force used, a small fait accompli"}
    elif cfg.trigger == "military":
        move = {"id": "trigger", "actor": "c", "type": "mobilize", "step": 1, "note": "non-violent military act"}
    else:
        move = {"id": "trigger", "actor": "c", "type": "demand", "issue": "stake", "position": 100.0, "step": 1,
                "note": "verbal, political, economic or other non-violent trigger"}
    return {
        "detente": 1,
        # holding:own: C3's standoff reading, with which ICB8's ten globals were fitted (``fast_model`` has no C24
        # coercive term)
        "meta": {"id": "icb-general", "title": "ICB crisis actor (decision ICB8)",
                 "tags": ["crisis", "challenger:c", "defender:d", "holding:own"],
                 "perspective": "ICB covariates known at the trigger, read by the fitted general crisis model"},
        "actors": [{"id": "c", "name": "triggering entity", "capability": 1},
                   {"id": "d", "name": "crisis actor", "capability": 1}],
        "issues": [{"id": "stake", "name": "the value threatened", "status_quo": STATUS_QUO}],
        "positions": {"c": {"stake": {"position": 100.0, "salience": n.sal_c}},
                      "d": {"stake": {"position": 0.0, "salience": n.sal_d}}},
        "moves": [move],
        "parameters": {"c_war_win_prob": n.win_c, "c_war_cost": n.war_cost_c, "d_war_cost": n.war_cost_d,
                       "horizon": HORIZON, "discount": DISCOUNT},
    }


def scenario_model(cfg: Config, theta: Sequence[float]) -> CrisisModel:
    """The model through the user's path: scenario -> games/crisis/spec.py -> CrisisModel."""
    from detente.games.crisis.spec import build_inputs
    from detente.scenario.loader import scenario_from_data

    sc = scenario_from_data(scenario_data(cfg, theta), "icb-general")
    return build_inputs(sc, standoff_scale=numbers(cfg, theta).scale).model


def fast_model(template: CrisisModel, cfg: Config, theta: Sequence[float]) -> CrisisModel:
    """``scenario_model(cfg, theta)`` without building a scenario: the template (built by the scenario
    path for this configuration) with the numbers that depend on ``theta`` replaced as spec.py sets them."""
    n = numbers(cfg, theta)
    return replace(
        template, frontier=((0.0, 0.0, n.sal_d), (1.0, n.sal_c, 0.0)), p=(min(1.0, max(0.0, n.win_c)),) * HORIZON,
        war_cost=((n.war_cost_c, n.war_cost_c), (n.war_cost_d, n.war_cost_d)),
        standoff=(round(n.scale * n.sal_c, 6), round(n.scale * n.sal_d, 6)),
        limited_cost=(round(LIMITED_SHARE * n.war_cost_c, 6), round(LIMITED_SHARE * n.war_cost_d, 6)),
        mobilise_cost=(round(n.scale * n.sal_c, 6), round(n.scale * n.sal_d, 6)))


class Solver:
    """Outcome probabilities per configuration, each (model, lambda) solved once and cached."""

    def __init__(self) -> None:
        self.templates: dict[Config, CrisisModel] = {}
        self.cache: dict[tuple[CrisisModel, float], np.ndarray] = {}
        self.solves = 0

    def probs(self, cfg: Config, theta: Sequence[float]) -> np.ndarray:
        if cfg not in self.templates:
            self.templates[cfg] = scenario_model(cfg, START)
        m = fast_model(self.templates[cfg], cfg, theta)
        lam = numbers(cfg, theta).lam
        key = (m, lam)
        got = self.cache.get(key)
        if got is None:
            pr = solve_crisis(m, lam).outcome_probs()
            got = self.cache[key] = np.array([pr[c] for c in CLASSES])
            self.solves += 1
            if len(self.cache) > 200_000:
                self.cache.clear()
        return got

    def table(self, cfgs: Sequence[Config], theta: Sequence[float]) -> np.ndarray:
        return np.stack([self.probs(c, theta) for c in cfgs])


def group(configs: Sequence[Config], y: Sequence[int]) -> tuple[list[Config], np.ndarray]:
    """Unique configurations and their class counts (n_configs, 4): the likelihood's sufficient statistic."""
    uniq = sorted(set(configs), key=lambda c: (c.power, c.trigger, c.threat, c.security))
    pos = {c: i for i, c in enumerate(uniq)}
    counts = np.zeros((len(uniq), len(CLASSES)))
    for c, k in zip(configs, y, strict=True):
        counts[pos[c], k] += 1
    return uniq, counts


def neg_loglik(solver: Solver, cfgs: Sequence[Config], counts: np.ndarray, theta: Sequence[float]) -> float:
    p = solver.table(cfgs, theta)
    return float(-(counts * np.log(np.clip(p, EPS, None))).sum())


@dataclass
class GeneralFit:
    theta: np.ndarray
    loglik: float
    n: int
    configs: int
    iterations: int
    converged: bool
    history: list[float] = field(default_factory=list)  # negative log-likelihood after each accepted step
    solves: int = 0
    seconds: float = 0.0
    solver: Solver = field(default_factory=Solver, repr=False)

    def params(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(NAMES, self.theta, strict=True)}

    def predict(self, actors: Sequence[IcbActor]) -> np.ndarray:
        return np.stack([self.solver.probs(config(a), self.theta) for a in actors]) if actors else \
            np.zeros((0, len(CLASSES)))


def fit(configs: Sequence[Config], y: Sequence[int], x0: np.ndarray | None = None, max_iter: int = MAX_ITER,
        tick: Callable[[str], None] = lambda _: None, solver: Solver | None = None) -> GeneralFit:
    """Maximum likelihood by Fisher scoring with a Levenberg-Marquardt damping: forward-difference
    derivatives of each configuration's class probabilities, the expected information as the curvature,
    and a step accepted only if it lowers the negative log-likelihood (so it never rises)."""
    t0 = time.perf_counter()
    solver = solver or Solver()
    cfgs, counts = group(configs, y)
    n_c = counts.sum(axis=1)
    theta = np.clip(START if x0 is None else np.asarray(x0, dtype=float), -BOUND, BOUND)
    f = neg_loglik(solver, cfgs, counts, theta)
    history = [f]
    mu, k, it, converged = 1e-3, len(NAMES), 0, False
    for it in range(1, max_iter + 1):
        tick(f"iteration {it}, -loglik {f:.2f}")
        p = np.clip(solver.table(cfgs, theta), EPS, None)
        dp = np.zeros((len(cfgs), len(CLASSES), k))
        for j in range(k):
            e = np.zeros(k)
            e[j] = FD_STEP if theta[j] + FD_STEP <= BOUND else -FD_STEP
            dp[:, :, j] = (solver.table(cfgs, theta + e) - p) / e[j]
        grad = -np.einsum("ck,ckj->j", counts / p, dp)
        info = np.einsum("c,ck,ckj,ckl->jl", n_c, 1.0 / p, dp, dp)
        accepted = False
        for _ in range(8):
            a = info + mu * np.diag(np.diag(info) + 1e-8)
            try:
                step = np.linalg.solve(a, -grad)
            except np.linalg.LinAlgError:
                mu *= 10
                continue
            cand = np.clip(theta + step, -BOUND, BOUND)
            fc = neg_loglik(solver, cfgs, counts, cand)
            if fc < f:
                accepted = True
                gain = f - fc
                theta, f = cand, fc
                history.append(f)
                mu = max(mu / 3, 1e-6)
                break
            mu *= 10
        if not accepted or gain < TOL:
            converged = True
            break
    return GeneralFit(theta, -f, int(counts.sum()), len(cfgs), it, converged, history, solver.solves,
                      time.perf_counter() - t0, solver)


def start_of(end: int | None, first_origin: int, all_from: int) -> int | None:
    """The fitting period whose estimate starts the fit ending at ``end``: the previous decade's, down to
    the first rolling origin (which starts from the model's defaults); the fit on all the data starts from
    ``all_from``'s. The chain is fixed, so a fit's result does not depend on which other sets were run."""
    if end is None:
        return all_from
    return end - 10 if end - 10 >= first_origin else None


def fit_chain(rows: Sequence[tuple[int, Config, int]], ends: Sequence[int | None], first_origin: int,
              all_from: int, status: Callable[[str], None] = lambda _: None,
              keep_solver: bool = True) -> dict[int | None, tuple[GeneralFit, str]]:
    """Fit every period in ``ends`` (rows: trigger year, configuration, class index), each started from
    its predecessor's estimate (:func:`start_of`); returns the fit and what it started from. With
    ``keep_solver=False`` the fits carry an empty solver (small to send back from a second process)."""
    solver = Solver()
    out: dict[int | None, tuple[GeneralFit, str]] = {}

    def one(end: int | None) -> GeneralFit:
        if end not in out:
            prev = start_of(end, first_origin, all_from)
            prev_classes = {y for yr, _, y in rows if prev is not None and yr < prev}
            x0 = one(prev).theta if len(prev_classes) >= 2 else None
            train = [(c, y) for yr, c, y in rows if end is None or yr < end]
            label = "all of --data" if end is None else f"before {end}"
            f = fit([c for c, _ in train], [y for _, y in train], x0=x0, solver=solver,
                    tick=lambda s: status(f"{label}: general crisis model, {s}"))
            out[end] = (f, "the model's defaults" if x0 is None else f"the fit before {prev}")
        return out[end][0]

    for e in ends:
        one(e)
    if not keep_solver:
        for f, _ in out.values():
            f.solver = Solver()
    return out


class ChainRunner:
    """The general model's fits, in a second process when asked (they take about as long as every other
    fit of the benchmark together, so on two cores they run beside them) or here, lazily."""

    def __init__(self, rows: Sequence[tuple[int, Config, int]], ends: Sequence[int | None], first_origin: int,
                 all_from: int, processes: int, status: Callable[[str], None]) -> None:
        self.args = (list(rows), list(ends), first_origin, all_from)
        self.status = status
        self.result: dict[int | None, tuple[GeneralFit, str]] | None = None
        self.pool = self.future = None
        if processes > 1 and ends:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self.future = self.pool.submit(fit_chain, *self.args, keep_solver=False)

    def get(self, end: int | None) -> tuple[GeneralFit, str]:
        if self.result is None:
            if self.future is not None:
                self.status("general crisis model: waiting for its fits (second process)")
                self.result = self.future.result()
                shared = Solver()
                for f, _ in self.result.values():
                    f.solver = shared
            else:
                self.result = fit_chain(*self.args, status=self.status)
        return self.result[end]

    def close(self, kill: bool = False) -> None:
        """Shut the second process down; ``kill`` (after an error or an interrupt) stops its fits at once."""
        if self.pool is not None:
            if kill:
                for proc in list(getattr(self.pool, "_processes", {}).values()):
                    proc.terminate()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
