"""Decision C24's pre-registered fit: the crisis model's outcome probabilities on the 49 development crises (the
library's 15 and src/detente/cases/heldout, heldout2, heldout3) for each candidate reading of coercion and each
grid pair, cached one JSON line per (candidate, lambda, scale); then the leave-one-out scores and the rule.

    python scripts/crisis_fit_c24.py predict --out DIR --worker 0 --workers 2   # blind to the outcomes
    python scripts/crisis_fit_c24.py score --out DIR                             # the pre-registered choice

Not part of the package: the protocol's record (C21's script is its model)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("heldout", "heldout2", "heldout3")
# C24's grid: C21's chosen pair (lambda 10, scale 0.2) and its neighbours (C21's 5 x 5 grid cut to 3 x 3 for time)
LAMS = (5.0, 10.0, 20.0)
SCALES = (0.1, 0.2, 0.4)
# (name, joining, holding): the current default first; ties go to the earlier
CANDIDATES = [
    ("default", "promise", "own"),
    ("credible", "credible", "own"),
    ("coercive", "promise", "coercive"),
    ("both", "credible", "coercive"),
]
MARGIN = 0.02  # a reading replaces the default only if its LOO Brier is lower by at least this
CLASSES = ("agreement", "stalemate", "capitulation", "escalation")
SOURCE: dict[str, str] = {}


def cases():
    from detente.analysis.crisis_backtest import load_cases

    out = []
    for n, s in load_cases(None):
        SOURCE[n] = "library"
        out.append((n, s))
    for f in FOLDERS:
        for n, s in load_cases(None, ROOT / "src" / "detente" / "cases" / f):
            SOURCE[n] = f
            out.append((n, s))
    return out


def predict(out: Path, worker: int, workers: int) -> None:
    from detente.analysis.crisis_fit import grid_worker

    jobs = [(name, lam, sc, {"joining": jo, "holding": ho}) for lam in LAMS for sc in SCALES
            for name, jo, ho in CANDIDATES]
    grid_worker(out, worker, workers, cases(), jobs)


def score(out: Path) -> None:
    from detente.analysis.crisis_fit import grid_rows, loo

    known = {n: s.known_outcome.outcome_class.value for n, s in cases()}
    rows = grid_rows(out)
    cpu = sum(r["cpu_s"] for r in rows)
    res = {}
    names = [c[0] for c in CANDIDATES]
    for name in names:
        grid = {(r["lambda"], r["scale"]): r["probs"] for r in rows if r["candidate"] == name}
        if len(grid) != len(LAMS) * len(SCALES):
            print(f"{name}: grid incomplete ({len(grid)} of {len(LAMS) * len(SCALES)}): not scored")
            continue
        res[name] = loo(dict(sorted(grid.items())), known)
    for name, r in res.items():
        pred = {c: sum(x["predicted"] == c for x in r["rows"]) for c in CLASSES}
        print(f"{name:9s} LOO Brier {r['brier']:.3f} [{r['brier_ci'][0]:.3f}, {r['brier_ci'][1]:.3f}] hits "
              f"{r['hits']}/{r['n']} [{r['hits_ci'][0]:.0f}, {r['hits_ci'][1]:.0f}]; chosen on all "
              f"{r['chosen_on_all']}; predicted {pred}; diff v freq {[round(x, 3) for x in r['brier_difference_ci']]}")
    print(f"base rates (LOO): always the others' commonest {next(iter(res.values()))['base_always_hits']} hits, "
          f"class frequencies Brier {next(iter(res.values()))['base_frequency_brier']:.3f}")
    if "default" in res:
        best = min(res, key=lambda n: (res[n]["brier"], names.index(n)))
        win = best if best == "default" or res[best]["brier"] <= res["default"]["brier"] - MARGIN else "default"
        print(f"lowest LOO Brier: {best}; rule (margin {MARGIN}): {win}; globals: {res[win]['chosen_on_all']}; "
              f"solves' CPU {cpu:.0f} s")
    for name, r in res.items():
        print(f"\n{name}: confusion (rows known, columns predicted; {', '.join(CLASSES)})")
        for k in CLASSES:
            print(f"  {k:12s} " + " ".join(f"{r['confusion'][k][c]:3d}" for c in CLASSES))
        for src in ("library", *FOLDERS):
            part = [x for x in r["rows"] if SOURCE[x["case"]] == src]
            print(f"  {src:9s} ({len(part)}): hits {sum(x['hit'] for x in part)}, Brier "
                  f"{sum(x['brier'] for x in part) / len(part):.3f}")
        caps = [x for x in r["rows"] if x["known"] == "capitulation"]
        mean_cap = sum(x["probabilities"]["capitulation"] for x in caps) / len(caps)
        print(f"  capitulations ({len(caps)}): mean P(capitulation) {mean_cap:.3f}, hits {sum(x['hit'] for x in caps)}")
    (out / "score.json").write_text(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("predict", "score"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--worker", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    predict(a.out, a.worker, a.workers) if a.what == "predict" else score(a.out)
