"""SMP timing on KTAB's own inputs (MIT, tests/data/ktab/): 13, 40, 80 and 160 actors.

Prints wall time per run (best of 3), turns, time per turn, and how time grows with actors
(exponent of a power law fitted between consecutive sizes). KTAB's own times on a 2-core
machine of our class (from the brief): SOE-Pol-Comp 0.87 s, a040 51.0 s, a080 730.6 s.
Run: .venv/bin/python benchmarks/bargaining_smp.py
"""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

from _timing import cpu_seconds, figure

from detente.models import get_model
from detente.scenario.formats import import_file

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "ktab"
CASES = [("SOE-Pol-Comp", 0.87), ("dummyData-a040", 51.0), ("dummyData-a080", 730.6), ("dummyData-a160", None)]


def main() -> None:
    rows = []
    for name, ktab in CASES:
        sc = import_file(DATA / f"{name}.csv", "ktab")
        model = get_model("smp")
        best = best_cpu = math.inf
        turns = 0
        for _ in range(3):
            t0, c0 = time.perf_counter(), cpu_seconds()
            r = model.run(sc)
            best, best_cpu = min(best, time.perf_counter() - t0), min(best_cpu, cpu_seconds() - c0)
            turns = r.details["runs"][0]["turns"]
        rows.append((name, len(sc.actors), turns, best, ktab))
        figure(f"smp {name} ({len(sc.actors)} actors, {turns} turns)",
               f"{best:.3f} s wall, {best_cpu:.3f} s cpu (best of 3)")
    print(f"{'scenario':<16} {'actors':>6} {'turns':>5} {'time s':>8} {'ms/turn':>8} {'KTAB s':>8} {'speed-up':>9}")
    for name, n, turns, t, ktab in rows:
        speed = f"{ktab / t:9.0f}" if ktab else f"{'-':>9}"
        print(f"{name:<16} {n:>6} {turns:>5} {t:8.3f} {1000 * t / turns:8.1f} {ktab or '-':>8} {speed}")
    print("growth of time per turn with actors (t ~ n^k):")
    for (_, na, ta, sa, _), (_, nb, tb, sb, _) in itertools.pairwise(rows):
        k = math.log((sb / tb) / (sa / ta)) / math.log(nb / na)
        print(f"  {na:>3} -> {nb:>3} actors: k = {k:.2f}")


if __name__ == "__main__":
    main()
