"""Score a backtest: metrics per predictor, paired differences against the compromise model,
and breakdowns by procedure, voting rule and dichotomous versus continuous issues."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.backtest.metrics import distribution_metrics, paired_bootstrap, point_metrics
from detente.backtest.run import REFERENCE, Backtest

GROUPS: dict[str, tuple[str, str]] = {
    "COD": ("procedure", "COD"), "CNS": ("procedure", "CNS"),
    "QMV": ("voting", "QMV"), "Unan": ("voting", "Unan"),
    "dichotomous": ("dichotomous", "yes"), "continuous": ("dichotomous", "no"),
}


def group_masks(bt: Backtest) -> dict[str, np.ndarray]:
    def attr(issue: Any, key: str) -> str:
        if key == "dichotomous":
            return "yes" if issue.dichotomous else "no"
        return str(getattr(issue, key))

    return {g: np.array([attr(i, k) == v for i in bt.issues]) for g, (k, v) in GROUPS.items()}


def score(bt: Backtest, mask: np.ndarray | None = None) -> dict[str, Any]:
    """Metrics of every predictor on the issues in ``mask`` (all issues if None)."""
    y = bt.outcome
    sel = np.ones(len(y), dtype=bool) if mask is None else mask
    ref = bt.runs[REFERENCE].forecast
    groups = group_masks(bt)
    rows: dict[str, Any] = {}
    for name, run in bt.runs.items():
        f = np.where(sel, run.forecast, np.nan)
        dists = [d if s else None for d, s in zip(run.dists, sel, strict=True)]
        row: dict[str, Any] = {"kind": run.kind, "summary": run.summary,
                               "skipped": run.skipped, "no_forecast": run.no_forecast}
        row.update(point_metrics(f, y))
        row.update(distribution_metrics(dists, y))
        diff = paired_bootstrap(f, ref, y, bt.seed) if name != REFERENCE else None
        row["vs_compromise"] = diff.to_dict() if diff else None
        by: dict[str, Any] = {}
        for g, gm in groups.items():
            fg = np.where(gm, f, np.nan)
            pm = point_metrics(fg, y)
            d = paired_bootstrap(fg, ref, y, bt.seed) if name != REFERENCE else None
            by[g] = {"n": pm["n"], "mae": pm["mae"], "vs_compromise": d.to_dict() if d else None}
        row["by_group"] = by
        rows[name] = row
    return {"n_issues": int(sel.sum()), "models": rows}
