"""Time the whole ICB benchmark fit and score (run: ``.venv/bin/python benchmarks/icb.py``).

Reads ../shared/data/icb (or $DETENTE_SHARED/data/icb; skips with a message when absent). Prints the
wall-clock and CPU seconds of ``run_icb`` (validation + rolling origins: three fitting periods, each
with the frequency baseline, the cross-validated logit, the structural game with its penalty
search and the general crisis model's maximum-likelihood fit), the general model's share, and the
ratio to the multinomial logit's fit on 1918-1979 measured in the same run.
Target (issue 16): under 60 s on 2 cores. Timings on a shared machine are inflated by other load.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

from detente.shared_data import shared_folder

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parent
ICB = shared_folder("data", "icb")


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
    from _timing import figure, timed

    def logit() -> None:
        with one_thread():
            fit_logit(train, 0)

    t_logit, _ = timed(logit)
    t_all, report = timed(lambda: run_icb(data, seed=0))
    general = sum(f["general"]["seconds"] for f in report["fits"].values())  # type: ignore[attr-defined]
    print(f"multinomial logit fit (CV, 697 actors): {t_logit.text()}")
    print(f"general crisis model (decision ICB8), its fits alone: {general:.1f} s wall")
    print(f"ratio to the logit fit: {t_all.wall / t_logit.wall:.0f}x wall, {t_all.cpu / t_logit.cpu:.0f}x cpu; "
          f"target < 60 s wall: {'met' if t_all.wall < 60 else 'NOT met'}")
    figure("ICB benchmark fit and score (validation + rolling, 3 fitting periods)", t_all.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
