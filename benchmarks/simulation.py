"""Benchmark: seeded runs of the founding case (geneva-2022), one process and two.

Prints wall and CPU times and ratios against baselines measured in the same run: the
reference planner (each look-ahead leaf valued one at a time by ``detente.sim.world``, the
algorithm before the batched leaves) on the same seeds, and one run. Also checks that the fast
path and the reference produce the same logs, and that one and two processes agree.
Target (issue 20): 1,000 runs <= 3 s on 2 cores; the two-process CPU adds the workers' (all
children's) CPU to the calling process's, which plays one chunk itself. Last, the sim layer of
``detente analyze`` on the founding case (target about 2 s).

    .venv/bin/python benchmarks/simulation.py [RUNS]
"""

from __future__ import annotations

import resource
import sys
import time

from _timing import figure

from detente.cases import case_path
from detente.scenario.loader import load_scenario
from detente.sim import compile_world, simulate
from detente.sim.engine import Simulation, run_seeds
from detente.sim.policies import Planner, ReferencePlanner


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


def children_cpu() -> float:
    """User + system CPU of this process's finished child processes (the workers)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main(runs: int = 1000) -> None:
    world = compile_world(load_scenario(case_path("geneva-2022")))
    base, _, _ = timed(lambda: simulate(world, 2022, 1))
    ref_n = max(1, runs // 10)
    seeds = run_seeds(2022, ref_n)

    def with_planner(cls):
        planner = cls(world)
        return [Simulation(world, s, None, planner).run().log_text() for s in seeds]

    ref_w, ref_c, ref_logs = timed(lambda: with_planner(ReferencePlanner))
    fast_w, fast_c, fast_logs = timed(lambda: with_planner(Planner))
    print(f"baseline: 1 run {base:.3f} s wall")
    print(f"{ref_n} runs, reference planner: {ref_w:.2f} s wall, {ref_c:.2f} s cpu")
    print(f"{ref_n} runs, batched planner  : {fast_w:.2f} s wall, {fast_c:.2f} s cpu "
          f"({ref_c / fast_c:.1f}x less cpu); same logs: {ref_logs == fast_logs}")
    one, one_c, b1 = timed(lambda: simulate(world, 2022, runs, jobs=1))
    kids = children_cpu()
    two, two_c, b2 = timed(lambda: simulate(world, 2022, runs, jobs=2))
    two_c += children_cpu() - kids  # the calling process plays one chunk, a forked worker the other
    lean, _, b3 = timed(lambda: simulate(world, 2022, runs, jobs=2, keep_logs=False))
    same = [r.log_text() for r in b1.runs] == [r.log_text() for r in b2.runs]
    same_lean = [r.outcome for r in b1.runs] == [r.outcome for r in b3.runs]
    print(f"{runs} runs, 1 process : {one:.2f} s wall, {one_c:.2f} s cpu ({one / base:.0f}x one run)")
    print(f"{runs} runs, 2 processes: {two:.2f} s wall, {two_c:.2f} s cpu in both ({two / base:.0f}x one run); "
          f"identical logs: {same}")
    print(f"{runs} runs, 2 processes, lean results: {lean:.2f} s wall; identical outcomes: {same_lean}")
    figure(f"simulation, {runs} runs of the founding case, 1 process", f"{one:.2f} s wall, {one_c:.2f} s cpu")
    figure(f"simulation, {runs} runs of the founding case, 2 processes", f"{two:.2f} s wall, {two_c:.2f} s cpu in both")
    print(f"frequencies: {b1.frequencies}")
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.sim_layer import sim_layer

    sc = load_scenario(case_path("geneva-2022"))
    lw, lc, res = timed(lambda: sim_layer(sc, AnalyzeOptions()))
    d = res.to_dict()
    print(f"sim layer of detente analyze ({d['runs']} runs + {d['runs']} counterfactual, ranges "
          f"{d['ranges']}, break-evens): {lw:.2f} s wall, {lc:.2f} s cpu; frequencies {d['frequencies']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
