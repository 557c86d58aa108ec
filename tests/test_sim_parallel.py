"""Batches of the founding case: any number of processes and the memos shared between runs
give the same runs as one process and the reference planner (issue 20's speed work)."""

from __future__ import annotations

import gc

import pytest

from detente.cases import case_path
from detente.scenario.loader import load_scenario
from detente.sim import compile_world, simulate
from detente.sim.engine import Simulation, run_seeds
from detente.sim.policies import Planner, ReferencePlanner


@pytest.fixture(scope="module")
def world():
    return compile_world(load_scenario(case_path("geneva-2022")))


def _logs(batch):
    return [(r.seed, r.log_text(), r.json_lines()) for r in batch.runs]


def test_two_and_three_processes_give_the_runs_of_one(world):
    one = simulate(world, 7, 24)
    assert [r.seed for r in one.runs] == run_seeds(7, 24)  # run k keeps the k-th seed
    assert _logs(simulate(world, 7, 24, jobs=2)) == _logs(one)
    assert _logs(simulate(world, 7, 24, jobs=3)) == _logs(one)
    lean = simulate(world, 7, 24, jobs=2, keep_logs=False)
    assert [(r.outcome, r.opinion_path, r.concessions) for r in lean.runs] == \
        [(r.outcome, r.opinion_path, r.concessions) for r in one.runs]


def test_shared_planner_memos_match_the_reference_run_for_run(world):
    # one fast planner serves every run (its per-world memos: lotteries, campaign rows, the last
    # opinion table and attention loads); the reference values each leaf afresh
    fast = Planner(world)
    ref = ReferencePlanner(world, cache=False)
    for seed in run_seeds(11, 8):
        a = Simulation(world, seed, None, fast).run()
        b = Simulation(world, seed, None, ref).run()
        assert a.log_text() == b.log_text() and a.records == b.records


@pytest.mark.parametrize("enabled", [True, False])
def test_a_batch_leaves_the_garbage_collector_as_it_found_it(world, enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        simulate(world, 1, 2)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_batches_in_threads_leave_the_collector_on_and_agree(world):
    # the pause is process-wide, so it is skipped while other threads run (e.g. `detente serve`)
    import threading

    out: dict[int, list] = {}

    def job(k: int) -> None:
        out[k] = _logs(simulate(world, 5, 6))

    was = gc.isenabled()
    gc.enable()
    try:
        threads = [threading.Thread(target=job, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert gc.isenabled()
        assert out[0] == out[1] == _logs(simulate(world, 5, 6))
    finally:
        gc.enable() if was else gc.disable()
