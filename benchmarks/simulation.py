"""Benchmark: seeded runs of the founding case (geneva-2022), one process and two.

Prints wall and CPU times and ratios against baselines measured in the same run: the
reference planner (each look-ahead leaf valued one at a time by ``detente.sim.world``, the
algorithm before the batched leaves) on the same seeds, and one run. Also checks that the fast
path and the reference produce the same logs, and that one and two processes agree.
Target (issue 20): 1,000 runs <= 3 s on 2 cores; the two-process CPU adds the workers' (all
children's) CPU to the calling process's, which plays one chunk itself. Then the same runs with
the crisis model's players (DECISIONS C14, the default), and last the sim layer of ``detente
analyze`` on the founding case with each policy (target about 2 s).

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
    from detente.analysis.sim_layer import run_batch, sim_layer
    from detente.sim.crisis_play import build_plan

    sc = load_scenario(case_path("geneva-2022"))
    # the crisis model's players (the default, DECISIONS C14): the model solved once, then the runs
    pw, pc, plan = timed(lambda: build_plan(sc))
    cw1, cc1, c1 = timed(lambda: run_batch(sc, 2022, runs, plan=plan, keep_logs=True))
    kids = children_cpu()
    cw2, cc2, c2 = timed(lambda: run_batch(sc, 2022, runs, plan=plan, keep_logs=True, jobs=2))
    cc2 += children_cpu() - kids
    same = [r.to_dict(True) for r in c1.runs] == [r.to_dict(True) for r in c2.runs]
    print(f"crisis-model players: model solved once {pw:.2f} s wall, {pc:.2f} s cpu; {runs} runs (ranges drawn "
          f"per run) 1 process {cw1:.2f} s wall, {cc1:.2f} s cpu; 2 processes {cw2:.2f} s wall, {cc2:.2f} s cpu "
          f"in both; identical: {same}")
    print(f"  frequencies {c1.frequencies}; the model's probabilities {plan.probs}")
    figure(f"simulation, crisis-model players, {runs} runs of the founding case, 1 process (plus the solve)",
           f"{cw1 + pw:.2f} s wall, {cc1 + pc:.2f} s cpu")
    for policy in ("crisis", "logit"):
        lw, lc, res = timed(lambda policy=policy: sim_layer(sc, AnalyzeOptions(sim_policy=policy)))
        d = res.to_dict()
        print(f"sim layer of detente analyze, {policy} players ({d['runs']} runs + {d['runs']} counterfactual, "
              f"ranges {d['ranges']}{', break-evens' if policy == 'logit' else ''}): {lw:.2f} s wall, "
              f"{lc:.2f} s cpu; frequencies {d['frequencies']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
