"""Time the whole ICB benchmark fit and score (run: ``.venv/bin/python benchmarks/icb.py``).

Reads ../shared/data/icb (or $DETENTE_SHARED/data/icb; skips with a message when absent). Prints the
wall-clock and CPU seconds of ``run_icb`` (validation + rolling origins: three fitting periods, each
with the frequency baseline, the cross-validated logit and the structural game with its penalty
search), and the ratio to the multinomial logit's fit on 1918-1979 measured in the same run.
Target (issue 16): under 60 s on 2 cores. Timings on a shared machine are inflated by other load.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ["DETENTE_SHARED"]) if os.environ.get("DETENTE_SHARED") else REPO.parent / "shared"
ICB = SHARED / "data" / "icb"


def main() -> int:
    if not ICB.is_dir():
        print(f"skip: ICB data not available at {ICB}")
        return 0
    warnings.simplefilter("ignore", FutureWarning)
    from detente.backtest.icb import load_icb_dir
    from detente.backtest.icb_eval import fit_logit, run_icb
    from detente.backtest.icb_structural import one_thread

    t0 = time.perf_counter()
    data = load_icb_dir(ICB)
    print(f"ICB: {len(data.actors)} crisis actors; load {time.perf_counter() - t0:.2f} s")
    train = [a for a in data.scored if a.year < 1980]
    w0, c0 = time.perf_counter(), time.process_time()
    with one_thread():
        fit_logit(train, 0)
    logit_wall, logit_cpu = time.perf_counter() - w0, time.process_time() - c0
    w0, c0 = time.perf_counter(), time.process_time()
    run_icb(data, seed=0)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"multinomial logit fit (CV, 697 actors): {logit_wall:.2f} s wall, {logit_cpu:.2f} s CPU")
    print(f"whole benchmark fit and score: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({wall / logit_wall:.0f}x the logit fit's wall time, {cpu / logit_cpu:.0f}x its CPU time); "
          f"target < 60 s wall: {'met' if wall < 60 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
