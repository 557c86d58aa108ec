"""SMP timing on KTAB's own inputs (MIT, tests/data/ktab/): 13, 40, 80 and 160 actors, and 250.

Prints wall time per run (best of 3), turns, time per turn, and how time grows with actors
(exponent of a power law fitted between consecutive sizes). KTAB's own times on a 2-core
machine of our class (from the brief): SOE-Pol-Comp 0.87 s, a040 51.0 s, a080 730.6 s. The
250-actor case is KTAB's a160 resampled (seeded: rows drawn with replacement, capability and
salience x U(0.9, 1.1), position + N(0, 3)), one issue, run once; then the process's peak memory.
Run: .venv/bin/python benchmarks/bargaining_smp.py
"""

from __future__ import annotations

import itertools
import math
import resource
import time
from pathlib import Path

import numpy as np
from _timing import cpu_seconds, figure

from detente.models import get_model
from detente.scenario.formats import import_file
from detente.scenario.schema import Scenario

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "ktab"
CASES = [("SOE-Pol-Comp", 0.87), ("dummyData-a040", 51.0), ("dummyData-a080", 730.6), ("dummyData-a160", None),
         ("resampled-a250", None)]


def resampled(n: int, seed: int = 250) -> Scenario:
    """``n`` actors drawn from KTAB's dummyData-a160 (see the module docstring)."""
    base = import_file(DATA / "dummyData-a160.csv", "ktab")
    issue = base.issues[0].id
    rows = [(a.capability.value, base.positions[a.id][issue].position.value,
             base.positions[a.id][issue].salience.value) for a in base.actors]
    rng = np.random.default_rng(seed)
    actors, positions = [], {}
    for k, r in enumerate(rng.integers(0, len(rows), n)):
        cap, pos, sal = rows[r]
        aid = f"a{k:03d}"
        actors.append({"id": aid, "name": aid, "capability": float(cap * rng.uniform(0.9, 1.1))})
        positions[aid] = {issue: {"position": float(np.clip(pos + rng.normal(0, 3), 0, 100)),
                                  "salience": float(np.clip(sal * rng.uniform(0.9, 1.1), 0.01, 1))}}
    data = base.model_dump(mode="json", exclude_none=True)
    data.update(actors=actors, positions=positions)
    data["meta"]["id"] = f"resampled-a{n}"
    return Scenario.model_validate(data)


def main() -> None:
    rows = []
    for name, ktab in CASES:
        sc = resampled(250) if name == "resampled-a250" else import_file(DATA / f"{name}.csv", "ktab")
        model = get_model("smp")
        best = best_cpu = math.inf
        turns = 0
        repeat = 3 if len(sc.actors) < 200 else 1
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), cpu_seconds()
            r = model.run(sc)
            best, best_cpu = min(best, time.perf_counter() - t0), min(best_cpu, cpu_seconds() - c0)
            turns = r.details["runs"][0]["turns"]
        rows.append((name, len(sc.actors), turns, best, ktab))
        figure(f"smp {name} ({len(sc.actors)} actors, {turns} turns)",
               f"{best:.3f} s wall, {best_cpu:.3f} s cpu (best of {repeat})")
    print(f"{'scenario':<16} {'actors':>6} {'turns':>5} {'time s':>8} {'ms/turn':>8} {'KTAB s':>8} {'speed-up':>9}")
    for name, n, turns, t, ktab in rows:
        speed = f"{ktab / t:9.0f}" if ktab else f"{'-':>9}"
        print(f"{name:<16} {n:>6} {turns:>5} {t:8.3f} {1000 * t / turns:8.1f} {ktab or '-':>8} {speed}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("growth of time per turn with actors (t ~ n^k):")
    for (_, na, ta, sa, _), (_, nb, tb, sb, _) in itertools.pairwise(rows):
        k = math.log((sb / tb) / (sa / ta)) / math.log(nb / na)
        print(f"  {na:>3} -> {nb:>3} actors: k = {k:.2f}")


if __name__ == "__main__":
    main()
