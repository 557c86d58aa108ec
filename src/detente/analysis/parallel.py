"""The bargaining models of `detente analyze`, with SMP's independent runs in other processes.

SMP dominates `analyze` on large scenarios (O(actors^3) per turn; ten one-issue runs at 250 actors x
10 issues). Its runs are independent, so with ``jobs > 1`` they go to a pool of worker processes
while this process runs the other models; the outcomes are assembled in task order, so the result
is the same, bit for bit, as one process running everything (DECISIONS H9). Small scenarios stay
in this process: starting workers costs more than it saves.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from detente.models import ModelResult, get_model
from detente.scenario.arrays import Arrays
from detente.scenario.schema import Scenario

#: below this much SMP work (sum of actors^3 over its runs) the runs stay in this process; two
#: one-issue runs of 100 actors take ~1 CPU s together, about what starting the workers costs
PARALLEL_MIN_WORK = 2 * 100**3
MAX_JOBS = 64


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    return min(usable_cores(), MAX_JOBS)


def _one_thread() -> None:
    """Worker start-up: one thread per process for compiled kernels and BLAS (when not yet loaded)."""
    from detente.uncertainty.backends import ONE_THREAD

    os.environ.update(ONE_THREAD)


def _context() -> mp.context.BaseContext:
    """Fork when this process runs one thread (no re-import in the workers), else spawn: forking a
    process with other threads (a progress spinner, a web server) can deadlock in the child."""
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def run_models(scenario: Scenario, arr: Arrays, names: Sequence[str], jobs: int,
               run_one: Callable[[str], ModelResult]) -> dict[str, ModelResult]:
    """``{name: run_one(name)}`` in the order of ``names``; with ``jobs > 1`` and enough SMP work,
    SMP's runs go to ``jobs`` worker processes meanwhile (same results)."""
    if jobs <= 1 or "smp" not in names:
        return {name: run_one(name) for name in names}
    from detente.models.smp.model import run_task

    smp = get_model("smp", scenario)
    plan = smp.plan(arr)
    tasks = plan.tasks
    if len(tasks) < 2 or sum(t.work for t in tasks) < PARALLEL_MIN_WORK:
        return {name: run_one(name) for name in names}
    order = sorted(range(len(tasks)), key=lambda k: -tasks[k].work)  # longest first: better balance
    try:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=_context(),
                                   initializer=_one_thread)
    except (OSError, NotImplementedError):  # no semaphores here (some sandboxes): one process
        return {name: run_one(name) for name in names}
    results: dict[str, ModelResult] = {}
    try:
        with pool:
            try:
                futures: dict[int, Future] = {k: pool.submit(run_task, tasks[k]) for k in order}
                results = {name: run_one(name) for name in names if name != "smp"}
                outcomes = [futures[k].result() for k in range(len(tasks))]
            except BaseException:  # a model's error or Ctrl-C: do not wait for the runs still queued
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    except (BrokenProcessPool, OSError):  # a worker died (killed, out of memory): the runs again, here
        results = results or {name: run_one(name) for name in names if name != "smp"}
        outcomes = [run_task(t) for t in tasks]
    results["smp"] = smp.noted(smp.finish(arr, plan, outcomes))
    return {name: results[name] for name in names}
