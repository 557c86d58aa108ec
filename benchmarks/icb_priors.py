"""Time the generation of the `prior: icb` table (run: ``.venv/bin/python benchmarks/icb_priors.py``).

Reads ../shared/data/icb (or $DETENTE_SHARED/data/icb; skips with a message when absent). Prints the
wall-clock and CPU seconds of the general crisis model's fit on all of the data (the chain of four fits
``detente backtest icb-priors`` runs) and of the table from it (the crisis-clustered covariance and
2,000 draws over 108 profiles), decision ICB9. Timings on a shared machine are inflated by other load.
"""

from __future__ import annotations

import sys
from pathlib import Path

from detente.shared_data import shared_folder

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ICB = shared_folder("data", "icb")


def main() -> int:
    if not ICB.is_dir():
        print(f"skip: ICB data not available at {ICB}")
        return 0
    from _timing import figure, timed

    from detente.backtest.icb import MappingOptions, load_icb_dir
    from detente.backtest.icb_eval import data_summary
    from detente.backtest.icb_priors import fit_all, power_mix, priors_table
    from detente.backtest.icb_structural import one_thread

    data = load_icb_dir(ICB)
    with one_thread():
        t_fit, got = timed(lambda: fit_all(data))
        fit, rows = got  # type: ignore[misc]
        t_tab, table = timed(lambda: priors_table(fit, rows, data_summary(data, MappingOptions()), 0, "sandwich",
                                                  power_mix(data)))
    print(f"general crisis model on all {fit.n} crisis actors: {t_fit.text()} ({fit.solves} solves)")
    print(f"table ({len(table['profiles'])} profiles, {table['draws']} draws): {t_tab.text()}")  # type: ignore[index]
    figure("ICB prior table generation (fit on all data + table)",
           f"{t_fit.wall + t_tab.wall:.1f} s wall, {t_fit.cpu + t_tab.cpu:.1f} s cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
