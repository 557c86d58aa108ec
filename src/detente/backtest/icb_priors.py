"""Empirical priors from the fitted ICB crisis game (decision ICB6): for each covariate profile, the
defender's war cost, the challenger's war cost and the standoff cost (each as a share of the
defender's stake) and the defender's war-win probability, with a 90% interval from the estimates'
asymptotic covariance. The model's other covariates are held at their reference levels (no
protracted conflict, a defender that is not a superpower). The table is read by
:mod:`detente.scenario.priors`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from detente.backtest.icb_features import STRUCTURAL
from detente.backtest.icb_structural import BOUND, StructuralFit, terms

POWER = {"much weaker": -3.0, "weaker": -1.0, "equal": 0.0, "stronger": 1.0, "much stronger": 3.0, "unknown": None}
TRIGGER = ("violent", "military", "other")
THREAT = ("grave", "territorial", "other")
ISSUE = ("security", "other")
TERMS = {
    "war_cost": "the defender's war cost, as a share of its stake",
    "war_cost_challenger": "the challenger's war cost, as a share of the defender's stake",
    "standoff_cost": "the cost of a stalemate to each side, as a share of the defender's stake",
    "win_prob": "the defender's probability of winning a war",
}
DRAWS = 2000


def _row(power: str, trigger: str, threat: str, issue: str) -> np.ndarray:
    pd = POWER[power]
    x = dict.fromkeys(STRUCTURAL, 0.0)
    x.update(pd=0.0 if pd is None else pd, pd_missing=float(pd is None), force_trigger=float(trigger == "violent"),
             military_trigger=float(trigger == "military"), grave=float(threat == "grave"),
             territorial=float(threat == "territorial"), security=float(issue == "security"))
    return np.array([x[k] for k in STRUCTURAL])


def _values(thetas: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
    t = terms(thetas, x)
    sd = np.asarray(t.stake_d)
    return {"war_cost": np.asarray(t.war_cost_d) / sd, "war_cost_challenger": np.asarray(t.war_cost_c) / sd,
            "standoff_cost": np.asarray(t.standoff_cost_d) / sd, "win_prob": np.asarray(t.win_prob)}


def _covariance(fit: StructuralFit) -> np.ndarray:
    """Inverse penalised Hessian; eigenvalues floored so a flat direction cannot break the draws."""
    h = fit.hessian if fit.hessian is not None else np.eye(fit.theta.size)
    w, v = np.linalg.eigh((h + h.T) / 2)
    return (v / np.maximum(w, 1e-6)) @ v.T


def priors_table(fit: StructuralFit, data: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    profiles = list(itertools.product(POWER, TRIGGER, THREAT, ISSUE))
    x = np.stack([_row(*p) for p in profiles])
    draws = np.random.default_rng(seed).multivariate_normal(fit.theta, _covariance(fit), size=DRAWS)
    draws = np.clip(draws, -BOUND, BOUND)  # the estimator's own bounds
    point = _values(fit.theta, x)
    sampled = _values(draws, x)
    rows = []
    for i, (power, trigger, threat, issue) in enumerate(profiles):
        row: dict[str, Any] = {"power": power, "trigger": trigger, "threat": threat, "issue": issue}
        for k in TERMS:
            lo, hi = np.nanquantile(sampled[k][:, i], [0.05, 0.95])
            mode = float(point[k][i])
            row[k] = [round(min(float(lo), mode), 4), round(mode, 4), round(max(float(hi), mode), 4)]
        rows.append(row)
    years = data.get("years", ["?", "?"])
    return {
        "source": (f"ICB v14 structural crisis game fitted on {fit.n} crisis actors, {years[0]}-{years[1]} "
                   "(detente backtest icb, decision ICB6); 90% interval from the asymptotic covariance"),
        "terms": TERMS,
        "levels": {"power": list(POWER), "trigger": list(TRIGGER), "threat": list(THREAT), "issue": list(ISSUE)},
        "covariates": {
            "power": "ICB power discrepancy (defender minus challenger): much weaker < -20 <= weaker < -5 <= "
                     "equal < 5 <= stronger < 20 <= much stronger; unknown when not coded",
            "trigger": "violent: violent or indirect violent act; military: non-violent military act; other",
            "threat": "grave: grave damage or existence threatened; territorial; other",
            "issue": "security: military-security issue; other",
        },
        "held_at": "not within a protracted conflict (pc 1) and a defender that is not a superpower (powsta < 4)",
        "params": fit.params(),
        "profiles": rows,
    }
