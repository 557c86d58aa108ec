"""Empirical priors for cost terms: a lookup in a table from the general crisis model fitted on ICB
crises (decisions ICB6, ICB9).

The table (``data/icb_priors.json``) is written by ``detente backtest icb-priors``; this module
only reads it, so the scenario layer never depends on the backtest layer. A profile is four covariates
known at a crisis trigger; a covariate not given takes its "not known" level, and the source says so.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from detente.errors import InputError

PRIOR_FILE = "data/icb_priors.json"
COVARIATES = ("power", "trigger", "threat", "issue")
DEFAULTS = {"power": "unknown", "trigger": "other", "threat": "other", "issue": "other"}
POWER_BINS = ((-20.0, "much weaker"), (-5.0, "weaker"), (5.0, "equal"), (20.0, "stronger"))
# The drafter's names for the cost terms the table informs -> the table's term (decisions ICB6, ICB9).
DRAFT_TERMS = {"war_cost": "war_cost", "war_win_prob": "win_prob", "win_prob": "win_prob",
               "standoff_cost": "standoff_cost", "war_cost_challenger": "war_cost_challenger"}


@functools.cache
def load_table() -> dict[str, Any]:
    try:
        text = resources.files("detente.scenario").joinpath(PRIOR_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no ICB prior table is installed (write it with detente backtest icb-priors)",
                         PRIOR_FILE) from None
    return json.loads(text)


def base_rates() -> dict[str, Any] | None:
    """ICB's class frequencies from the prior table (``classes``, ``n``, ``what``), or None without a table
    that carries them: the baseline a crisis forecast is read against."""
    try:
        return load_table().get("base_rates")
    except InputError:
        return None


def power_level(powdis: float) -> str:
    """ICB power discrepancy (the defender's advantage, negative when weaker) -> the table's level."""
    for upper, name in POWER_BINS:
        if powdis < upper:
            return name
    return "much stronger"


def icb_prior(term: str, covariates: Mapping[str, Any] | None = None,
              table: Mapping[str, Any] | None = None) -> tuple[float, float, float, str]:
    """(low, mode, high, source) of ``term`` for a crisis with these covariates (see the table's
    ``levels``; ``power`` may also be an ICB power discrepancy number)."""
    t = table if table is not None else load_table()
    if term not in t["terms"]:
        raise InputError(f"unknown ICB prior term '{term}' (choose {', '.join(t['terms'])})", field="term")
    given = dict(covariates or {})
    unknown = [k for k in given if k not in COVARIATES]
    if unknown:
        raise InputError(f"unknown ICB prior covariate '{unknown[0]}' (choose {', '.join(COVARIATES)})",
                         field=unknown[0])
    if isinstance(given.get("power"), (int, float)) and not isinstance(given.get("power"), bool):
        given["power"] = power_level(float(given["power"]))
    profile = {}
    for k in COVARIATES:
        level = str(given.get(k, DEFAULTS[k]))
        if level not in t["levels"][k]:
            raise InputError(f"'{level}' is not a level of {k} (choose {', '.join(t['levels'][k])})", field=k)
        profile[k] = level
    row = next(r for r in t["profiles"] if all(r[k] == profile[k] for k in COVARIATES))
    low, mode, high = row[term]
    defaulted = [k for k in COVARIATES if k not in given]
    source = f"prior icb: {t['source']}; profile " + ", ".join(f"{k}={profile[k]}" for k in COVARIATES)
    if defaulted:
        source += f" ({', '.join(defaulted)} not given: taken as {', '.join(DEFAULTS[k] for k in defaulted)})"
    return float(low), float(mode), float(high), source


def draft_prior(term: str, covariates: Mapping[str, Any] | None = None) -> tuple[float, float, float, str] | None:
    """The drafter's entry point: (value, low, high, source) of the prior for a drafter term, or None for a
    term the table does not inform (face costs, power shift, horizon, discount)."""
    if term not in DRAFT_TERMS:
        return None
    low, mode, high, source = icb_prior(DRAFT_TERMS[term], covariates)
    return mode, low, high, source
