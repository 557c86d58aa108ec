"""Who holds the strong position: power shares, distance to the forecast, gain on the status quo.

For every actor and issue: its share of effective power (capability x salience), how far
the forecast lands from what it wants, and how much closer the forecast brings it than
the status quo (salience-weighted, in scale units / span). Summed over issues, the gain
ranks the actors: the answer to the founding article's title question for any scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.models.base import ModelResult, _clean
from detente.scenario.arrays import Arrays


@dataclass
class ActorStrength:
    actor: str
    power_share: float  # mean share of effective power over the issues it cares about
    distance: float  # salience-weighted mean |position - forecast| / span
    gain: float | None  # sum over issues of salience x (|x - sq| - |x - f|) / span
    issues: dict[str, dict[str, float | None]]
    win_probability: float | None = None  # mean over issues of the PCE probability its position wins

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "power_share": _clean(self.power_share),
            "distance": _clean(self.distance),
            "gain": _clean(self.gain) if self.gain is not None else None,
            "win_probability": _clean(self.win_probability) if self.win_probability is not None else None,
            "issues": self.issues,
        }


@dataclass
class StrongPosition:
    """The table, ranked by gain (then power share)."""

    based_on: str
    rows: list[ActorStrength]
    win_probability_from: str | None = None  # the model whose win probabilities joined the table

    def to_dict(self) -> dict[str, Any]:
        return {"based_on": self.based_on, "win_probability_from": self.win_probability_from,
                "rows": [r.to_dict() for r in self.rows]}


def strong_position(arr: Arrays, result: ModelResult, wins: ModelResult | None = None) -> StrongPosition:
    """Rank actors by what the forecast of ``result`` gives them against the status quo.

    ``wins``, if given, is a model result with a ``win_probability`` figure per actor and
    issue (KTAB's PCE): the chance that the position the actor holds when the model stops wins, averaged
    over its issues (DECISIONS S6: actors ending at one position each get its whole chance).
    """
    w = arr.weight
    total = w.sum(axis=0)
    f = result.forecast
    span = arr.span
    has = arr.has
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has & (total > 0), w / np.where(total > 0, total, 1.0), np.nan)
        dist = np.abs(arr.position - f) / span
        gain = arr.salience * (np.abs(arr.position - arr.status_quo) - np.abs(arr.position - f)) / span
    rows = []
    for r, actor in enumerate(arr.actor_ids):
        mask = has[r] & ~np.isnan(f)
        if not mask.any():
            continue
        s = arr.salience[r, mask]
        mean_share = float(np.nanmean(share[r, mask]))
        mean_dist = float(np.average(dist[r, mask], weights=s)) if s.sum() > 0 else \
            float(np.mean(dist[r, mask]))
        g = gain[r, mask]
        total_gain = float(np.nansum(g)) if (~np.isnan(g)).any() else None
        per_issue = {
            arr.issue_ids[c]: {
                "position": _clean(arr.position[r, c]),
                "salience": _clean(arr.salience[r, c]),
                "power_share": _clean(share[r, c]),
                "distance": _clean(dist[r, c]),
                "gain": _clean(gain[r, c]),
            }
            for c in np.flatnonzero(mask)
        }
        win = None
        if wins is not None and "win_probability" in wins.actor_figures:
            p = wins.actor_figures["win_probability"][r, mask]
            if (~np.isnan(p)).any():
                win = float(np.nanmean(p))
                for c in np.flatnonzero(mask):
                    per_issue[arr.issue_ids[c]]["win_probability"] = _clean(wins.actor_figures["win_probability"][r, c])
        rows.append(ActorStrength(actor, mean_share, mean_dist, total_gain, per_issue, win))
    rows.sort(key=lambda r: (-(r.gain if r.gain is not None else -np.inf), -r.power_share, r.actor))
    return StrongPosition(result.model, rows, wins.model if wins is not None else None)
