"""Leave-one-out choice of the crisis model's two global numbers (decision C10).

The QRE precision (lambda) and the default standoff-cost scale are the only fitted numbers. Each
case is predicted with the pair that minimises the mean Brier score on the *other* cases (ties go
to the earlier pair in grid order), so no case is scored with numbers chosen on itself. Hits,
Brier scores, bootstrap intervals and the confusion table are reported for those LOO predictions,
next to the always-one-class and class-frequency baselines (also leave-one-out).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from detente.analysis.crisis_backtest import CLASSES, brier, confusion, frequencies, inputs_only, most_common
from detente.scenario.schema import Scenario

# C21's grid (C10's moved past the edge it had chosen); the standoff scale's grid follows the package's reading
# of the standoff cost (a flow cost at delta 0.9 is a tenth of the same lump sum)
GRID_LAMBDA = (1.25, 2.5, 5.0, 10.0, 20.0)
GRID_SCALES = {"lump": (0.1, 0.2, 0.4, 0.8, 1.6), "flow": (1.0, 2.0, 4.0, 8.0, 16.0)}
BOOT = 2000


def grid_scale() -> tuple[float, ...]:
    """The standoff scales searched, for the package's default reading (C21)."""
    from detente.games.crisis.spec import STANDOFF_UNIT

    return GRID_SCALES[STANDOFF_UNIT]


def predict_grid(cases: Sequence[tuple[str, Scenario]], lams: Sequence[float] = GRID_LAMBDA,
                 scales: Sequence[float] | None = None) -> dict[tuple[float, float], dict[str, dict[str, float]]]:
    """Outcome probabilities of every case at every (lambda, scale) pair (blind to the outcome)."""
    from detente.games.crisis.run import run_crisis

    out: dict[tuple[float, float], dict[str, dict[str, float]]] = {}
    for lam in lams:
        for scale in (grid_scale() if scales is None else scales):
            out[(lam, scale)] = {name: run_crisis(inputs_only(sc), lam=lam, standoff_scale=scale,
                                                  explain=False).probs for name, sc in cases}
    return out


def _top(p: dict[str, float]) -> str:
    return max(CLASSES, key=lambda c: (p[c], c == "escalation"))


def boot_ci(values: np.ndarray, seed: int) -> tuple[float, float]:
    """95% interval of the mean over BOOT resamples of the cases (seeded); the blind-score script uses it too."""
    rng = np.random.default_rng(seed)
    n = len(values)
    means = values[rng.integers(0, n, size=(BOOT, n))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def loo(grid: dict[tuple[float, float], dict[str, dict[str, float]]], known: dict[str, str],
        seed: int = 0) -> dict[str, Any]:
    names = list(known)
    pairs = list(grid)
    rows = []
    for name in names:
        others = [n for n in names if n != name]
        best = min(pairs, key=lambda pr: (float(np.mean([brier(grid[pr][o], known[o]) for o in others])),
                                          pairs.index(pr)))
        p = grid[best][name]
        rest = [known[o] for o in others]
        rows.append({"case": name, "known": known[name], "lambda": best[0], "standoff_scale": best[1],
                     "probabilities": p, "predicted": _top(p), "hit": _top(p) == known[name],
                     "brier": brier(p, known[name]),
                     "base_always": most_common(rest), "base_always_hit": most_common(rest) == known[name],
                     "base_frequency_brier": brier(frequencies(rest), known[name])})
    hits = np.array([r["hit"] for r in rows], dtype=float)
    br = np.array([r["brier"] for r in rows])
    bh = np.array([r["base_always_hit"] for r in rows], dtype=float)
    bb = np.array([r["base_frequency_brier"] for r in rows])
    in_sample = {f"{lam:g}/{sc:g}": float(np.mean([brier(grid[(lam, sc)][n], known[n]) for n in names]))
                 for lam, sc in pairs}
    best_all = min(pairs, key=lambda pr: (in_sample[f"{pr[0]:g}/{pr[1]:g}"], pairs.index(pr)))
    return {
        "protocol": "leave-one-out over the cases scored: lambda and the standoff-cost scale chosen on the other "
                    "cases by mean Brier score",
        "n": len(rows), "rows": rows,
        "hits": int(hits.sum()), "hits_ci": [x * len(rows) for x in boot_ci(hits, seed)],
        "brier": float(br.mean()), "brier_ci": list(boot_ci(br, seed + 1)),
        "base_always_hits": int(bh.sum()), "base_always_hits_ci": [x * len(rows) for x in boot_ci(bh, seed + 2)],
        "base_frequency_brier": float(bb.mean()), "base_frequency_brier_ci": list(boot_ci(bb, seed + 3)),
        "brier_difference_ci": list(boot_ci(br - bb, seed + 4)),
        "confusion": confusion((r["known"], r["predicted"]) for r in rows),
        "in_sample_brier_by_pair": in_sample,
        "chosen_on_all": {"lambda": best_all[0], "standoff_scale": best_all[1]},
    }


def grid_worker(out: Any, worker: int, workers: int, cases: Sequence[tuple[str, Scenario]],
                jobs: Sequence[tuple[str, float, float, dict[str, Any]]]) -> None:
    """Solve this worker's share of a candidate x (lambda, scale) grid, resumably (the fit scripts of C21, C24).

    ``jobs`` are (candidate, lambda, scale, run_crisis keywords); job j belongs to worker ``j % workers``. Each
    finished job appends one JSON line (every case's class probabilities, CPU seconds) to
    ``out/grid-<worker>.jsonl``; a restarted worker skips the jobs already there, so a long grid on a shared
    machine can be stopped and resumed without redoing or double-counting a solve."""
    import json
    import time
    from pathlib import Path

    from detente.games.crisis.run import run_crisis

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"grid-{worker}.jsonl"
    done = set()
    if path.exists():
        done = {(d["candidate"], d["lambda"], d["scale"]) for d in map(json.loads, path.read_text().splitlines())}
    with path.open("a") as f:
        for j, (name, lam, sc, kw) in enumerate(jobs):
            if j % workers != worker or (name, lam, sc) in done:
                continue
            t0 = time.process_time()
            probs = {n: run_crisis(inputs_only(s), lam=lam, standoff_scale=sc, explain=False, **kw).probs
                     for n, s in cases}
            f.write(json.dumps({"candidate": name, "lambda": lam, "scale": sc, "probs": probs,
                                "cpu_s": round(time.process_time() - t0, 2)}) + "\n")
            f.flush()


def grid_rows(out: Any) -> list[dict[str, Any]]:
    """Every line the grid's workers wrote (:func:`grid_worker`'s format), in worker order: the fit scripts'
    scoring step reads the grid through this, so the file format is written and read in one module."""
    import json
    from pathlib import Path

    return [json.loads(x) for p in sorted(Path(out).glob("grid-*.jsonl")) for x in p.read_text().splitlines()]
