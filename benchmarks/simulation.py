"""Benchmark: 1,000 seeded runs of the founding case (geneva-2022), one process and two.

Prints wall times and the ratio against a baseline measured in the same run (one run, to
show the per-run cost). Target: well under a minute on 2 cores.
"""

from __future__ import annotations

import time

from detente.cases import case_path
from detente.scenario.loader import load_scenario
from detente.sim import compile_world, simulate


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(runs: int = 1000) -> None:
    world = compile_world(load_scenario(case_path("geneva-2022")))
    base, _ = timed(lambda: simulate(world, 2022, 1))
    one, b1 = timed(lambda: simulate(world, 2022, runs, jobs=1))
    two, b2 = timed(lambda: simulate(world, 2022, runs, jobs=2))
    same = [r.log_text() for r in b1.runs] == [r.log_text() for r in b2.runs]
    print(f"baseline: 1 run {base:.3f} s")
    print(f"{runs} runs, 1 process : {one:.2f} s ({one / base:.0f}x one run)")
    print(f"{runs} runs, 2 processes: {two:.2f} s ({two / base:.0f}x one run); identical logs: {same}")
    print(f"frequencies: {b1.frequencies}")


if __name__ == "__main__":
    main()
