"""Decision C21's fit: the crisis model's outcome probabilities on the 25 development cases (the library's
15 crises and the 10 earlier blind ones in src/detente/cases/heldout/, scored once in C12) for every
candidate reading and grid pair, cached one JSON line per (reading, lambda, scale); then the scores.

    python scripts/crisis_fit_c21.py predict --out DIR --worker 0 --workers 2   # blind to the outcomes
    python scripts/crisis_fit_c21.py score --out DIR                             # the pre-registered choice

Not part of the package: the protocol's record (the CLI's `detente backtest cases --loo --with-library --dir
src/detente/cases/heldout` gives the chosen reading's leave-one-out numbers)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELD = ROOT / "src" / "detente" / "cases" / "heldout"
# C21's candidates: (name, standoff units, settlement, lambdas, scales); the grid extends C10's
LAMS = (1.25, 2.5, 5.0, 10.0, 20.0)
LUMP = (0.1, 0.2, 0.4, 0.8, 1.6)
FLOW = (1.0, 2.0, 4.0, 8.0, 16.0)
CANDIDATES = [
    ("lump-open", "lump", "open", LAMS, LUMP),  # C3 as written (the defaults before C21)
    ("flow-kept", "flow", "kept", LAMS, FLOW),  # both of C21's readings
    ("icb", "lump", "open", (2.48,), (1.38,)),  # ICB9's fit (exp 0.906, exp 0.320): not fitted on these cases
]


CLASSES = ("agreement", "stalemate", "capitulation", "escalation")
ONLY: list[str] = []  # --only NAME (repeatable): C21b re-fits the chosen reading alone
LIBRARY: set[str] = set()


def cases():
    from detente.analysis.crisis_backtest import load_cases

    lib = load_cases(None)
    LIBRARY.update(n for n, _ in lib)
    return lib + load_cases(None, HELD)


def predict(out: Path, worker: int, workers: int) -> None:
    from detente.analysis.crisis_fit import grid_worker

    jobs = [(name, lam, sc, {"standoff": so, "settlement": se}) for name, so, se, lams, scs in CANDIDATES
            for lam in lams for sc in scs if not ONLY or name in ONLY]
    grid_worker(out, worker, workers, cases(), jobs)


def score(out: Path) -> None:
    from detente.analysis.crisis_fit import grid_rows, loo

    known = {n: s.known_outcome.outcome_class.value for n, s in cases()}
    rows = grid_rows(out)
    cpu = sum(r["cpu_s"] for r in rows)
    res = {}
    def registered(r: dict, name: str) -> bool:  # only the pre-registered pairs (a stopped earlier grid left others)
        _n, _so, _se, lams, scs = next(c for c in CANDIDATES if c[0] == name)
        return r["candidate"] == name and r["lambda"] in lams and r["scale"] in scs

    for name, *_ in CANDIDATES:
        if ONLY and name not in ONLY:
            continue
        grid = {(r["lambda"], r["scale"]): r["probs"] for r in rows if registered(r, name)}
        assert len(grid) == len(CANDIDATES[[c[0] for c in CANDIDATES].index(name)][3]) * \
            len(CANDIDATES[[c[0] for c in CANDIDATES].index(name)][4]), f"{name}: grid incomplete"
        grid = dict(sorted(grid.items()))
        res[name] = loo(grid, known)
    for name, r in res.items():
        print(f"{name:10s} LOO Brier {r['brier']:.3f} [{r['brier_ci'][0]:.3f}, {r['brier_ci'][1]:.3f}] hits "
              f"{r['hits']}/{r['n']} [{r['hits_ci'][0]:.0f}, {r['hits_ci'][1]:.0f}]; chosen on all "
              f"{r['chosen_on_all']}; base: always {r['base_always_hits']}, freq Brier {r['base_frequency_brier']:.3f}")
    best = min(res, key=lambda n: (res[n]["brier"], [c[0] for c in CANDIDATES].index(n)))
    print(f"chosen (lowest leave-one-out Brier): {best}; solves' CPU time {cpu:.0f} s")
    for name, r in res.items():
        print(f"\n{name}: confusion (rows known, columns predicted; {', '.join(CLASSES)})")
        for k in CLASSES:
            print(f"  {k:12s} " + " ".join(f"{r['confusion'][k][c]:3d}" for c in CLASSES))
        lib = [x for x in r["rows"] if x["case"] in LIBRARY]
        held = [x for x in r["rows"] if x["case"] not in LIBRARY]
        for what, rows_ in (("library 15", lib), ("earlier blind 10", held)):
            print(f"  of which {what}: hits {sum(x['hit'] for x in rows_)}, Brier "
                  f"{sum(x['brier'] for x in rows_) / len(rows_):.3f}, pairs "
                  f"{sorted({(x['lambda'], x['standoff_scale']) for x in rows_})}")
    # the library alone, leave-one-out over its 15 (C10's protocol) for every candidate
    lib_known = {n: k for n, k in known.items() if n in LIBRARY}
    res_lib = {}
    for name, *_ in CANDIDATES:
        if ONLY and name not in ONLY:
            continue
        grid = {(r["lambda"], r["scale"]): {n: r["probs"][n] for n in lib_known} for r in rows
                if registered(r, name)}
        res_lib[name] = rl = loo(dict(sorted(grid.items())), lib_known)
        print(f"library only {name:10s} LOO Brier {rl['brier']:.3f} [{rl['brier_ci'][0]:.3f}, {rl['brier_ci'][1]:.3f}]"
              f" hits {rl['hits']}/15 [{rl['hits_ci'][0]:.0f}, {rl['hits_ci'][1]:.0f}]; base always "
              f"{rl['base_always_hits']}, freq {rl['base_frequency_brier']:.3f}; diff "
              f"{rl['brier_difference_ci']}; chosen on all {rl['chosen_on_all']}")
    (out / "score.json").write_text(json.dumps({"all25": res, "library15": res_lib}, indent=1, default=str))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("predict", "score"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--worker", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--only", action="append", default=[])
    a = ap.parse_args()
    ONLY.extend(a.only)
    predict(a.out, a.worker, a.workers) if a.what == "predict" else score(a.out)
