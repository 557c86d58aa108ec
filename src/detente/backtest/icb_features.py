"""Design matrices from the allowed ICB predictors (decision ICB2): one-hot codes for the logit
baseline, a few named covariates for the structural model.

Levels are learnt on the fitting set only; a level never seen there becomes all zeros, and a missing
value is its own level, so nothing about a later period leaks into the encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.backtest.icb import IcbActor, predictor_names

NUMERIC = ("powdis",)
POWDIS_SCALE = 10.0
POWDIS_CLIP = 50.0
# Named covariates of the structural model (decision ICB4); each is 0/1 except the power discrepancy.
STRUCTURAL = ("pd", "pd_missing", "force_trigger", "military_trigger", "grave", "territorial", "security",
              "protracted", "long_war", "superpower")


def _category(name: str, value: int | None) -> str:
    if value is None:
        return "missing"
    if name == "trigent":
        return {996: "several states", 997: "non-state"}.get(value, "state")
    if name == "geog":
        return str(value // 10)  # the region digit of ICB's location code
    return str(value)


@dataclass
class OneHot:
    """Levels per categorical predictor, learnt on a fitting set."""

    levels: dict[str, list[str]]

    @classmethod
    def fit(cls, actors: Sequence[IcbActor]) -> OneHot:
        levels = {}
        for name in predictor_names():
            if name in NUMERIC:
                continue
            seen = sorted({_category(name, a.predictors.get(name)) for a in actors})
            levels[name] = seen[1:] if len(seen) > 1 else []  # first level is the reference
        return cls(levels)

    @property
    def columns(self) -> list[str]:
        cols = ["powdis/10", "powdis missing"]
        for name, levels in self.levels.items():
            cols += [f"{name}={lv}" for lv in levels]
        return cols

    def transform(self, actors: Sequence[IcbActor]) -> np.ndarray:
        out = np.zeros((len(actors), len(self.columns)))
        for i, a in enumerate(actors):
            pd = a.predictors.get("powdis")
            out[i, 0] = 0.0 if pd is None else np.clip(pd, -POWDIS_CLIP, POWDIS_CLIP) / POWDIS_SCALE
            out[i, 1] = pd is None
            j = 2
            for name, levels in self.levels.items():
                cat = _category(name, a.predictors.get(name))
                if cat in levels:
                    out[i, j + levels.index(cat)] = 1.0
                j += len(levels)
        return out


def structural_covariates(actors: Sequence[IcbActor]) -> np.ndarray:
    """The structural model's covariates, columns in the order of :data:`STRUCTURAL`.

    pd: power discrepancy / 10, clipped to ±5 (0 when missing); force_trigger: a violent or indirect
    violent trigger (triggr 8, 9); military_trigger: a non-violent military act (7); grave: gravity of
    grave damage or existence (gravty 5, 6); territorial: gravty 3; security: military-security issue
    (issue 1); protracted, long_war: the crisis lies within a protracted conflict (pc 2) or a long-war
    protracted conflict (pc 3; labels as generally known, unverified); superpower: powsta 4.
    """
    x = np.zeros((len(actors), len(STRUCTURAL)))
    for i, a in enumerate(actors):
        p = a.predictors
        pd = p.get("powdis")
        x[i] = (
            0.0 if pd is None else np.clip(pd, -POWDIS_CLIP, POWDIS_CLIP) / POWDIS_SCALE,
            pd is None,
            p.get("triggr") in (8, 9),
            p.get("triggr") == 7,
            p.get("gravty") in (5, 6),
            p.get("gravty") == 3,
            p.get("issue") == 1,
            p.get("pc") == 2,
            p.get("pc") == 3,
            p.get("powsta") == 4,
        )
    return x

