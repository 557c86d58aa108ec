"""Time the full DEU III backtest per model (run: ``.venv/bin/python benchmarks/backtest.py``).

Reads ../shared/data/deu3/deu3.csv (skips with a message when absent). Prints, per registered
model, the seconds for all 351 issues, per-issue mean, and the ratio to the compromise model
measured in the same run; then the time to load and convert, and to score with bootstrap CIs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from _timing import figure

REPO = Path(__file__).resolve().parents[1]
DEU = REPO.parent / "shared" / "data" / "deu3" / "deu3.csv"


def main() -> int:
    if not DEU.exists():
        print(f"skip: DEU III data not available at {DEU}")
        return 0
    from detente.backtest.capability import capability_function
    from detente.backtest.deu import load_deu, to_scenario
    from detente.backtest.run import resolve_models, run_backtest, run_model
    from detente.backtest.score import score

    t0 = time.perf_counter()
    table = load_deu(DEU)
    t_load = time.perf_counter() - t0
    cap = capability_function("equal", table)
    t0 = time.perf_counter()
    scenarios = [to_scenario(i, cap) for i in table.issues]
    t_conv = time.perf_counter() - t0
    n = len(scenarios)
    print(f"DEU III: {n} issues; load {t_load:.3f} s, convert to scenarios {t_conv:.3f} s")
    times: dict[str, float] = {}
    for name in resolve_models(None):
        best = min(_timed(run_model, name, scenarios) for _ in range(2 if name in ("compromise", "median") else 1))
        times[name] = best
    base = times["compromise"]
    print(f"{'model':<12} {'total s':>9} {'ms/issue':>9} {'× compromise':>13}")
    for name, t in sorted(times.items(), key=lambda kv: kv[1]):
        print(f"{name:<12} {t:>9.3f} {1000 * t / n:>9.2f} {t / base:>13.1f}")
    t0, c0 = time.perf_counter(), time.process_time()
    bt = run_backtest(table, "equal")
    t_all = time.perf_counter() - t0
    figure(f"all models on the {n} DEU III issues",
           f"{t_all:.2f} s wall, {time.process_time() - c0:.2f} s cpu (one run)")
    t0 = time.perf_counter()
    score(bt)
    t_score = time.perf_counter() - t0
    print(f"full run (all models + baselines): {t_all:.2f} s; scoring with paired bootstrap "
          f"(2000 resamples × {len(bt.runs)} predictors × 7 groups): {t_score:.2f} s")
    return 0


def _timed(fn: Callable[..., object], *args: object) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
