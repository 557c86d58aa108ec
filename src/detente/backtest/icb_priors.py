"""Empirical priors from the general crisis model fitted on ICB (decision ICB9; ICB6 before it).

The general model of decision ICB8 (``icb_general``) is fitted on all of the ICB data it is given
(before 1990: the training and validation periods together, the fit ``--test-data`` uses, reached by
the same fixed chain of starting points). Its ten globals then give, for each covariate profile,
the cost terms of an analyst's crisis scenario in the crisis model's own units:

- ``war_cost``: the defender's war cost over its stake (``d_war_cost`` / the defender's salience of
  the one contested stake): the war cost as a share of what the defender stands to lose;
- ``war_cost_challenger``: the challenger's war cost over its own stake (``c_war_cost`` / its salience);
- ``standoff_cost``: the per-round standoff cost over the actor's stake: the fitted standoff scale
  (spec.py's default standoff is scale x stake), the same share for both sides;
- ``win_prob``: the defender's probability of winning a war, 1 - ``c_war_win_prob``.

In a scenario whose actor holds the whole of one issue at salience s, the crisis model's war and
standoff costs are these shares times s (at s = 1 they are the numbers themselves). A profile is
four covariates known at the trigger (power, trigger, threat, issue); they reach the model as
``icb_general.config`` reads ICB rows: power ``unknown`` = ``equal`` (not coded = equal), and a
``grave`` or ``territorial`` threat are one level (both raise the defender's salience). For an
``unknown`` power the mode is the model's reading (equal) and, by default (``mixture``), the interval
draws the power level from the shares of the coded levels in the data, so it is not the false
certainty of exactly 0.5 (``equal``: the model's reading only).

Uncertainty: the mode is the estimate; low/high are the 5% and 95% of draws of the globals from a
normal around the estimate with a named covariance (``sandwich``: clustered by crisis, the default;
``information``: the inverse expected information). A global at the estimator's bound (+-8) is held
there: the likelihood is flat in it. The scenario layer reads the table (``detente.scenario.priors``);
this module only writes it (``detente backtest icb-priors``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from detente.backtest import icb_general as gen
from detente.backtest.icb import IcbData
from detente.errors import InputError
from detente.games.crisis.model import CLASSES

POWER = {"much weaker": -3.0, "weaker": -1.0, "equal": 0.0, "stronger": 1.0, "much stronger": 3.0, "unknown": 0.0}
TRIGGER = ("violent", "military", "other")
THREAT = ("grave", "territorial", "other")
ISSUE = ("security", "other")
TERMS = {
    "war_cost": "the defender's war cost, as a share of its own stake",
    "war_cost_challenger": "the challenger's war cost, as a share of its own stake",
    "standoff_cost": "the per-round standoff cost to each side, as a share of its own stake",
    "win_prob": "the defender's probability of winning a war",
}
COVARIANCES = ("sandwich", "information")
UNKNOWN_POWER = ("mixture", "equal")
DRAWS = 2000
STEP = gen.FD_STEP  # central differences for the covariance (the fit's forward step, both ways)


def profile_config(power: str, trigger: str, threat: str, issue: str) -> gen.Config:
    """A table profile as the general model's configuration (how ``icb_general.config`` reads a row)."""
    return gen.Config(POWER[power], trigger, threat in ("grave", "territorial"), issue == "security")


def terms(cfg: gen.Config, theta: Sequence[float]) -> dict[str, float]:
    """The four cost terms of one configuration at one parameter vector (module docstring)."""
    n = gen.numbers(cfg, theta)
    return {"war_cost": n.war_cost_d / n.sal_d, "war_cost_challenger": n.war_cost_c / n.sal_c,
            "standoff_cost": n.scale, "win_prob": 1.0 - n.win_c}


def power_mix(data: IcbData) -> dict[float, float]:
    """Shares of the five power levels among the scored crisis actors whose power discrepancy is coded."""
    coded = [gen.power_level(a.predictors["powdis"]) for a in data.scored if a.predictors.get("powdis") is not None]
    if not coded:
        return {0.0: 1.0}
    return {lv: coded.count(lv) / len(coded) for lv in gen.POWER_LEVELS if lv in coded}


def fit_all(data: IcbData, status: Callable[[str], None] = lambda _: None) -> tuple[gen.GeneralFit, list]:
    """The general model fitted on all of ``data`` exactly as ``detente backtest icb`` fits it for
    ``--test-data`` (the same rows, the same chain of starts); also the rows (year, config, class, crisis)."""
    from detente.backtest.icb_eval import ROLLING, SPLIT_YEAR, labels

    scored = data.scored
    if len(set(labels(scored))) < 2:
        raise InputError(f"{len(scored)} crisis actors with a usable outcome: a fit needs at least two classes",
                         data.source, field="outcom")
    rows = [(a.year, gen.config(a), int(y)) for a, y in zip(scored, labels(scored), strict=True)]
    fits = gen.fit_chain(rows, [None], ROLLING[0], SPLIT_YEAR, status=status)
    return fits[None][0], [(yr, c, y, a.crisno) for (yr, c, y), a in zip(rows, scored, strict=True)]


def free_params(theta: np.ndarray) -> list[int]:
    """Globals not at the estimator's bound (a global at +-BOUND is held there)."""
    return [j for j, v in enumerate(theta) if abs(v) < gen.BOUND - 1e-9]


def covariance(fit: gen.GeneralFit, rows: Sequence[tuple[int, gen.Config, int, int]], kind: str = "sandwich"
               ) -> tuple[np.ndarray, list[int]]:
    """Covariance of the free globals (and their indices). ``information``: the inverse expected
    information at the estimate; ``sandwich``: I^-1 B I^-1 with B the outer product of the score summed
    within each crisis (crisis actors of one crisis are not independent), times G/(G-1) for G crises."""
    if kind not in COVARIANCES:
        raise InputError(f"unknown covariance '{kind}' (choose {', '.join(COVARIANCES)})", field="covariance")
    theta = np.asarray(fit.theta, dtype=float)
    free = free_params(theta)
    cfgs, counts = gen.group([r[1] for r in rows], [r[2] for r in rows])
    solver = fit.solver
    p = np.clip(solver.table(cfgs, theta), gen.EPS, None)
    dp = np.zeros((len(cfgs), counts.shape[1], len(free)))
    for i, j in enumerate(free):
        e = np.zeros(theta.size)
        e[j] = STEP
        dp[:, :, i] = (solver.table(cfgs, theta + e) - solver.table(cfgs, theta - e)) / (2 * STEP)
    info = np.einsum("c,ck,ckj,ckl->jl", counts.sum(axis=1), 1.0 / p, dp, dp)
    inv = np.linalg.pinv((info + info.T) / 2)
    if kind == "information":
        return inv, free
    pos = {c: i for i, c in enumerate(cfgs)}
    by_crisis: dict[int, np.ndarray] = {}
    for _, c, y, crisis in rows:
        i = pos[c]
        s = dp[i, y] / p[i, y]
        by_crisis[crisis] = by_crisis.get(crisis, 0.0) + s
    g = np.stack(list(by_crisis.values()))
    meat = g.T @ g * len(g) / max(len(g) - 1, 1)
    cov = inv @ meat @ inv
    return (cov + cov.T) / 2, free


def draws(fit: gen.GeneralFit, cov: np.ndarray, free: list[int], seed: int, n: int = DRAWS) -> np.ndarray:
    """``n`` draws of the ten globals: the free ones from N(estimate, cov), the rest at the estimate;
    clipped to the estimator's bounds."""
    theta = np.asarray(fit.theta, dtype=float)
    out = np.tile(theta, (n, 1))
    rng = np.random.default_rng(seed)
    out[:, free] = rng.multivariate_normal(theta[free], cov, size=n, method="eigh")
    return np.clip(out, -gen.BOUND, gen.BOUND)


def priors_table(fit: gen.GeneralFit, rows: Sequence[tuple[int, gen.Config, int, int]], data: dict[str, Any],
                 seed: int = 0, kind: str = "sandwich", mix: dict[float, float] | None = None,
                 n_draws: int = DRAWS) -> dict[str, Any]:
    """The table the scenario layer reads: 108 profiles x four terms, [low, mode, high] each. ``mix``
    (power level -> share): an ``unknown`` power draws its level from these shares in each draw (the
    mode stays the model's reading, equal); None: ``unknown`` is exactly ``equal``."""
    cov, free = covariance(fit, rows, kind)
    thetas = draws(fit, cov, free, seed, n_draws)
    levels = None
    if mix is not None:
        keys = sorted(mix)
        levels = np.random.default_rng([seed, 1]).choice(keys, size=len(thetas), p=[mix[k] for k in keys])
    profiles = list(itertools.product(POWER, TRIGGER, THREAT, ISSUE))
    per_cfg: dict[tuple[str, gen.Config], dict[str, np.ndarray]] = {}
    out = []
    for prof in profiles:
        cfg = profile_config(*prof)
        mixed = prof[0] == "unknown" and levels is not None
        key = ("mix" if mixed else "", cfg)
        if key not in per_cfg:
            sampled = [terms(replace(cfg, power=float(lv)) if mixed else cfg, t)
                       for t, lv in zip(thetas, levels if mixed else itertools.repeat(0.0), strict=False)]
            per_cfg[key] = {k: np.array([s[k] for s in sampled]) for k in TERMS}
        point = terms(cfg, fit.theta)
        row: dict[str, Any] = dict(zip(("power", "trigger", "threat", "issue"), prof, strict=True))
        for k in TERMS:
            lo, hi = np.quantile(per_cfg[key][k], [0.05, 0.95])
            row[k] = [_r(lo), _r(point[k]), _r(hi)]
        out.append(row)
    years = data.get("years", ["?", "?"])
    names = gen.NAMES
    ys = [r[2] for r in rows]
    base = {"classes": {c: round(ys.count(k) / len(ys), 4) for k, c in enumerate(CLASSES)}, "n": len(ys),
            "what": f"outcome classes of the {len(ys)} ICB crisis actors {years[0]}–{years[1]} the model was "
                    "fitted on (decision ICB1's mapping): the base rate a crisis forecast is read against"}
    se = np.full(len(names), np.nan)
    se[free] = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return {
        "source": (f"ICB general crisis model, fitted {years[0]}–{years[1]}, {fit.n} crisis actors "
                   f"(detente backtest icb-priors, decisions ICB8, ICB9); 90% interval from {n_draws} draws, "
                   f"{kind} covariance"),
        "terms": TERMS,
        "levels": {"power": list(POWER), "trigger": list(TRIGGER), "threat": list(THREAT), "issue": list(ISSUE)},
        "covariates": {
            "power": "ICB power discrepancy (defender minus challenger): much weaker < -20 <= weaker < -5 <= "
                     "equal < 5 <= stronger < 20 <= much stronger; unknown: the model reads it as equal (the "
                     "mode); " + ("its interval mixes the coded levels' shares " + ", ".join(
                         f"{lv:+g}: {w:.3f}" for lv, w in sorted(mix.items())) if mix is not None else
                                  "its interval is equal's"),
            "trigger": "violent: violent or indirect violent act; military: non-violent military act; other",
            "threat": "grave: grave damage or existence threatened; territorial; other (grave and territorial "
                      "are one level of the general model)",
            "issue": "security: military-security issue; other",
        },
        "units": "war and standoff costs are shares of the actor's own stake (the crisis model's cost = share x "
                 "the actor's salience of the whole issue)",
        "fit": {"n": fit.n, "configurations": fit.configs, "loglik": round(fit.loglik, 4),
                "iterations": fit.iterations, "converged": fit.converged,
                "fitted_on": "all of --data (training and validation periods together, as --test-data fits)"},
        "covariance": kind,
        "unknown_power": "mixture" if mix is not None else "equal",
        "held_at_bound": [names[j] for j in range(len(names)) if j not in free],
        "seed": seed,
        "draws": n_draws,
        "params": {k: round(float(v), 6) for k, v in zip(names, fit.theta, strict=True)},
        "std_errors": {k: (None if np.isnan(v) else round(float(v), 6)) for k, v in zip(names, se, strict=True)},
        "base_rates": base,
        "profiles": out,
    }


def _r(x: float) -> float:
    """Four significant digits: shares run from ~0.01 to the hundreds."""
    return float(f"{float(x):.4g}")
