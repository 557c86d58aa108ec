"""The move catalogue and escalation ladder, read from the data file shipped with the package.

One table says what every kind of move does (its PLOVER category, tone, rung and effect), so
the engine, the log and the report share one vocabulary and no number hides in code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

EFFECTS = frozenset({"state", "position", "deed", "threat", "inform", "talk", "war"})


@dataclass(frozen=True)
class MoveKind:
    type: str
    plover: str
    score: float
    rung: int
    effect: str
    intensity: float
    verb: str


@dataclass(frozen=True)
class Rung:
    rung: int
    name: str
    note: str


@dataclass(frozen=True)
class Catalogue:
    ladder: tuple[Rung, ...]
    kinds: dict[str, MoveKind]
    ranks: dict[str, float]
    escalation_rung: int
    field_audience_cost: float
    dynamics: dict[str, float]

    @property
    def top(self) -> int:
        return self.ladder[-1].rung

    def rung_name(self, level: float) -> str:
        k = max(0, min(int(level + 1e-9), self.top))
        return self.ladder[k].name


def _parse(data: dict[str, Any]) -> Catalogue:
    ladder = tuple(Rung(int(r["rung"]), str(r["name"]), str(r.get("note", ""))) for r in data["ladder"])
    if [r.rung for r in ladder] != list(range(len(ladder))):
        raise ValueError("catalogue ladder rungs must be 0, 1, 2, ... in order")
    kinds = {}
    for row in data["moves"]:
        kind = MoveKind(str(row["type"]), str(row["plover"]), float(row["score"]), int(row["rung"]),
                        str(row["effect"]), float(row["intensity"]), str(row["verb"]))
        if kind.effect not in EFFECTS:
            raise ValueError(f"catalogue move '{kind.type}': unknown effect '{kind.effect}'")
        if not -1.0 <= kind.score <= 1.0 or not 0 <= kind.rung <= ladder[-1].rung:
            raise ValueError(f"catalogue move '{kind.type}': score or rung out of range")
        kinds[kind.type] = kind
    return Catalogue(ladder, kinds, {str(k): float(v) for k, v in data["ranks"].items()},
                     int(data["escalation_rung"]), float(data["field_audience_cost"]),
                     {str(k): float(v) for k, v in data["dynamics"].items()})


@functools.cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped in ``detente/sim/data/catalogue.yaml``."""
    text = resources.files("detente.sim").joinpath("data/catalogue.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))
