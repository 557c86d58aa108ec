"""Honest attempts to beat the compromise model: fit on train, choose on dev, score test once.

Every candidate is a small family of forecasts built from scenario data (the weighted mean,
the status quo, the dichotomous flag, other models' forecasts) with one or two parameters
fitted by grid search on the TRAIN issues only. The DEV split says whether it is worth a
test; the TEST split is scored once for every candidate and all are reported, failures
included. A candidate would ship only if its paired 95% interval against the compromise
model on test lies below zero and its mean difference over 20 seeded random re-splits is
negative too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.backtest.metrics import paired_bootstrap
from detente.backtest.run import REFERENCE, Backtest, random_split

RESPLITS = 20
MIN_TEST = 30  # fewer test issues than this: no candidate ships, whatever its interval

Predict = Callable[[tuple[float, ...], np.ndarray], np.ndarray]  # (params, issue mask) -> forecast


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    grid: list[tuple[float, ...]]
    identity: tuple[float, ...]  # the parameters that reproduce the compromise model
    predict: Callable[[tuple[float, ...]], np.ndarray]  # forecasts on all issues


def families(bt: Backtest) -> list[Family]:
    """The candidate families tried, built from the backtest's forecasts."""
    w = bt.runs[REFERENCE].forecast
    rp = np.array([np.nan if i.rp is None else i.rp for i in bt.issues])
    has_rp = ~np.isnan(rp)
    dich = np.array([i.dichotomous for i in bt.issues])
    cod = np.array([i.procedure == "COD" for i in bt.issues])
    lam = [(x,) for x in np.round(np.linspace(0, 1, 101), 2)]

    def gravity(p: tuple[float, ...]) -> np.ndarray:
        return np.where(has_rp, p[0] * w + (1 - p[0]) * np.nan_to_num(rp), w)

    def gravity_proc(p: tuple[float, ...]) -> np.ndarray:
        lam_ = np.where(cod, p[0], p[1])
        return np.where(has_rp, lam_ * w + (1 - lam_) * np.nan_to_num(rp), w)

    def snap(p: tuple[float, ...]) -> np.ndarray:
        far = np.abs(w - 50.0) >= p[0]
        return np.where(dich & far, np.where(w > 50.0, 100.0, np.where(w < 50.0, 0.0, 50.0)), w)

    out = [
        Family("sq-gravity", "λ·wmean + (1−λ)·rp where rp is coded (else wmean)", lam, (1.0,), gravity),
        Family("sq-gravity-by-procedure", "status-quo gravity with separate λ for COD and CNS",
               [(a, b) for a in np.round(np.linspace(0, 1, 21), 2) for b in np.round(np.linspace(0, 1, 21), 2)],
               (1.0, 1.0), gravity_proc),
        Family("pole-snap", "on dichotomous issues, predict the pole on the wmean's side when "
               "abs(wmean−50) ≥ τ", [(float(t),) for t in range(0, 52)], (51.0,), snap),
    ]
    for name, run in bt.runs.items():
        if name == REFERENCE or run.kind == "candidate" or name == "status-quo":
            continue
        other = run.forecast

        def blend(p: tuple[float, ...], other: np.ndarray = other) -> np.ndarray:
            return np.where(np.isnan(other), w, p[0] * w + (1 - p[0]) * other)

        out.append(Family(f"blend-{name}", f"α·wmean + (1−α)·{name} (wmean where {name} gives none)",
                          [(x,) for x in np.round(np.linspace(0, 1, 21), 2)], (1.0,), blend))
    return out


def _mae(f: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    ok = mask & ~np.isnan(f)
    return float(np.abs(f[ok] - y[ok]).mean()) if ok.any() else float("nan")


def fit(fam: Family, y: np.ndarray, train: np.ndarray) -> tuple[tuple[float, ...], list[np.ndarray]]:
    """Grid search on train; ties go to the parameters closest to the compromise model."""
    preds = [fam.predict(p) for p in fam.grid]
    scores = [_mae(f, y, train) for f in preds]
    best = min(range(len(fam.grid)), key=lambda k: (round(scores[k], 10),
                                                     float(np.abs(np.subtract(fam.grid[k], fam.identity)).sum())))
    return fam.grid[best], preds


def evaluate(bt: Backtest, resplits: int = RESPLITS) -> list[dict[str, Any]]:
    """Every candidate: fitted parameters, train/dev/test MAE, paired test CI, re-split mean."""
    if bt.split is None:
        return []
    y = bt.outcome
    w = bt.runs[REFERENCE].forecast
    train, dev, test = bt.mask("train"), bt.mask("dev"), bt.mask("test")
    ids = [i.id for i in bt.issues]
    rs_masks = []
    for s in range(resplits):
        a = random_split(ids, bt.seed + 1 + s)
        rs_masks.append((np.array([a[i] == "train" for i in ids]), np.array([a[i] == "test" for i in ids])))
    rows = []
    for fam in families(bt):
        params, preds = fit(fam, y, train)
        f = fam.predict(params)
        diff = paired_bootstrap(np.where(test, f, np.nan), w, y, bt.seed)
        deltas = []
        for tr, te in rs_masks:
            p_rs, _ = fit(fam, y, tr)
            f_rs = preds[fam.grid.index(p_rs)]
            deltas.append(_mae(f_rs, y, te) - _mae(w, y, te))
        dev_gain = _mae(w, y, dev) - _mae(f, y, dev)
        ships = bool(dev_gain > 0 and diff is not None and diff.n >= MIN_TEST and diff.high < 0
                     and float(np.mean(deltas)) < 0)
        rows.append({
            "name": fam.name, "description": fam.description,
            "params": [float(p) for p in params], "identity": list(fam.identity),
            "train_mae": _mae(f, y, train), "train_ref": _mae(w, y, train),
            "dev_mae": _mae(f, y, dev), "dev_ref": _mae(w, y, dev), "dev_pass": dev_gain > 0,
            "test_mae": _mae(f, y, test), "test_ref": _mae(w, y, test),
            "test_diff": diff.to_dict() if diff else None,
            "resplit_mean_diff": float(np.mean(deltas)),
            "resplit_worse": int(sum(d > 0 for d in deltas)), "resplits": resplits,
            "ships": ships,
        })
    return rows
