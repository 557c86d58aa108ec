"""The crisis model's blind record as data (``blind_record.json``): one entry per held-out folder, as first
scored, and the pooled figures the bottom line quotes, so a new blind set is one entry, not an edit of prose."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Pooled:
    """Several blind sets taken together: total cases and hits, and each predictor's Brier score over all
    their cases (the sets' means weighted by their sizes), for the predictors every set gives."""

    era: str
    sets: tuple[str, ...]  # the folders
    n: int
    hits: int
    brier: dict[str, float]
    reading: str | None


def blind_record() -> dict[str, Any]:
    return json.loads(resources.files("detente.cases").joinpath("blind_record.json").read_text(encoding="utf-8"))


def pooled(era: str, record: dict[str, Any] | None = None) -> Pooled:
    rec = record if record is not None else blind_record()
    sets = [s for s in rec["sets"] if s["era"] == era]
    n = sum(s["n"] for s in sets)
    shared = set.intersection(*(set(s["brier"]) for s in sets)) if sets else set()
    brier = {k: sum(s["n"] * s["brier"][k] for s in sets) / n for k in sorted(shared)}
    return Pooled(era, tuple(s["folder"] for s in sets), n, sum(s["hits"] for s in sets), brier,
                  rec.get("readings", {}).get(era))
