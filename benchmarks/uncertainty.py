"""Benchmark of the uncertainty layer: Monte Carlo throughput and the Dask speed-up.

Prints, in one run:
  1. 10^5 draws of the compromise model on the founding case (target < 1 s), against a
     per-draw Python loop measured on a sample and scaled up (the baseline);
  2. 10^5 draws of the expected-utility model ("eum") on a 30-actor scenario (target < 10 s
     on 2 cores), with 3 issues and with 1;
  3. the speed-up of a Dask LocalCluster with 2 workers over in-process, on a CPU-bound sweep.

Usage: python benchmarks/uncertainty.py [--eum-draws 200] [--full]
(with the compiled kernel the EUM runs the full 10^5 draws, on 3 issues and on 1; with the NumPy
batch only, on max(--eum-draws, 4000) draws scaled up unless --full. Per-preset lines compare the
compiled kernel with the NumPy batch, the baseline, on the same draws)
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from _timing import Timing, figure, timed

from detente.cases import case_path
from detente.models import MODELS, get_model
from detente.scenario.arrays import Arrays
from detente.scenario.loader import load_scenario
from detente.scenario.schema import Scenario
from detente.uncertainty.engine import SweepOptions, prepare, run_sweep
from detente.uncertainty.sampling import sample


def synthetic(n_actors: int = 30, n_issues: int = 3, seed: int = 0) -> Scenario:
    """A random scenario: every capability, position and salience given as a range."""
    rng = np.random.default_rng(seed)

    def rng_num(lo: float, hi: float, floor: float, ceil: float) -> dict:
        mode = float(rng.uniform(lo, hi))
        w = (hi - lo) * 0.1
        return {"low": max(floor, mode - w), "mode": mode, "high": min(ceil, mode + w)}

    actors = [{"id": f"a{k}", "name": f"Actor {k}", "capability": rng_num(10, 100, 0, 1000)}
              for k in range(n_actors)]
    issues = [{"id": f"i{c}", "name": f"Issue {c}", "status_quo": 50} for c in range(n_issues)]
    positions = {f"a{k}": {f"i{c}": {"position": rng_num(0, 100, 0, 100), "salience": rng_num(0.1, 0.9, 0, 1)}
                           for c in range(n_issues)} for k in range(n_actors)}
    return Scenario.model_validate({"detente": 1, "meta": {"id": "synthetic30", "title": "synthetic",
                                                           "perspective": "benchmark"},
                                    "actors": actors, "issues": issues, "positions": positions})


def bench_compromise() -> None:
    sc = load_scenario(case_path("geneva-2022"))
    opts = SweepOptions(draws=100_000, seed=1, chunk_size=25_000, models=("compromise",), store="none")
    run_sweep(sc, SweepOptions(draws=1000, models=("compromise",), store="none"))  # warm up
    tt_vec, _ = timed(lambda: run_sweep(sc, opts))
    t_vec = tt_vec.wall
    params, target = prepare(sc, opts)
    x = sample(params, 1000, np.random.default_rng(1))
    arr = target.context(x).batch.arrays
    model = get_model("compromise")

    def loop() -> None:
        for k in range(len(x)):
            model.run_arrays(Arrays(arr.actor_ids, arr.issue_ids, arr.position[k], arr.salience[k],
                                    arr.capability[k], arr.status_quo[k], arr.lo, arr.hi))

    t_loop = timed(loop)[0].wall * 100
    print(f"1. compromise, 10^5 draws (geneva-2022, {len(params)} ranged inputs, claims included): "
          f"{t_vec:.3f} s  [target < 1 s: {'met' if t_vec < 1 else 'NOT met'}]")
    print(f"   baseline per-draw loop (1000 draws x 100): {t_loop:.2f} s -> vectorised is {t_loop / t_vec:.0f}x faster")
    figure("compromise model, 10^5 Monte-Carlo draws (geneva-2022, in-process)", tt_vec.text())


def _eum_sweep_seconds(sc: Scenario, n: int) -> Timing:
    opts = SweepOptions(draws=n, seed=1, chunk_size=min(n, 10_000), models=("eum",), store="none")
    return timed(lambda: run_sweep(sc, opts))[0]


def bench_eum(eum_draws: int, full: bool) -> None:
    if "eum" not in MODELS:
        print("2. eum: the expected-utility model is not registered in this build; skipped")
        return
    kernel = get_model("eum").kernel
    sc3, sc1 = synthetic(), synthetic(n_issues=1)
    n = 100_000 if full or kernel == "compiled" else max(eum_draws, 4_000)
    if kernel == "compiled":  # load (or, the first time on this CPU, compile) the kernel outside the timing
        from detente.models.eum.compiled import warm

        st = warm()
        print(f"   eum kernel cache: {st['cache']} ({st['action']} in {st['wall']:.1f} s wall, {st['cpu']:.1f} s cpu, "
              "before and outside the timings below)")
    _eum_sweep_seconds(sc1, 64)  # the sweep path's own first call
    t3, t1 = _eum_sweep_seconds(sc3, n), _eum_sweep_seconds(sc1, n)
    scale = 100_000 / n
    how = "measured" if n == 100_000 else f"measured on {n} draws, scaled x{scale:g}"
    threads = _threads()
    print(f"2. eum, 10^5 draws, 30 actors, {kernel} kernel ({how}; in-process, {threads} threads):")
    for label, t in (("3 issues", t3), ("1 issue", t1)):
        wall, cpu = t.wall * scale, t.cpu * scale
        print(f"   30 actors x {label}: {wall:.1f} s wall, {cpu:.1f} s cpu  [target < 10 s on 2 cores: wall "
              f"{'met' if wall < 10 else 'NOT met'}; cpu / {threads} threads "
              f"{'met' if cpu / threads < 10 else 'NOT met'}]")
        figure(f"eum sweep, 10^5 draws, 30 actors x {label} ({kernel} kernel, {threads} threads, in-process)",
               f"{wall:.1f} s wall, {cpu:.1f} s cpu (cpu / {threads} threads = {cpu / threads:.1f} s)"
               + ("" if n == 100_000 else f"; {how}"))
    _eum_kernels(sc3, kernel)


def _threads() -> int:
    numba = _numba()
    return numba.get_num_threads() if numba else 1


def _set_threads(k: int) -> None:
    numba = _numba()
    if numba:
        numba.set_num_threads(k)


def _numba():
    """The numba module, or None where the ``fast`` extra is not installed."""
    try:
        import numba
    except ImportError:
        return None
    return numba


def _eum_kernels(sc: Scenario, kernel: str) -> None:
    """Per preset: compiled kernel vs the NumPy batch (the baseline), wall time per draw on the same draws."""
    params, target = prepare(sc, SweepOptions(draws=1, models=("eum",), store="none"))
    arr = target.context(sample(params, 2000, np.random.default_rng(2))).batch.arrays
    for preset, n_np in (("default", 200), ("scholz", 50)):
        ref_model = get_model("eum", preset=preset, kernel="numpy")
        sub = Arrays(arr.actor_ids, arr.issue_ids, arr.position[:n_np], arr.salience[:n_np],
                     arr.capability[:n_np], arr.status_quo[:n_np], arr.lo, arr.hi)
        tt_np, ref = timed(lambda m=ref_model, a=sub: m.run_arrays(a).forecast)
        t_np = tt_np.wall / n_np
        line = f"   eum preset {preset:8s}: numpy batch {t_np * 1e3:.2f} ms/draw ({n_np} draws)"
        if kernel == "compiled":
            fast = get_model("eum", preset=preset, kernel="compiled")
            fast.run_arrays(sub)  # load the kernel's specialisation
            tt_c, _ = timed(lambda m=fast: m.run_arrays(arr))
            t_c, c_c = tt_c.wall / len(arr.position), tt_c.cpu / len(arr.position)
            got = fast.run_arrays(sub).forecast
            line += (f", compiled {t_c * 1e3:.3f} ms/draw ({len(arr.position)} draws) -> {t_np / t_c:.0f}x; "
                     f"forecasts agree to {np.max(np.abs(got - ref)):.1e}")
            figure(f"eum compiled kernel per draw, 30 actors x 3 issues, preset {preset} ({_threads()} threads)",
                   f"{t_c * 1e3:.3f} ms wall, {c_c * 1e3:.3f} ms cpu")
        print(line)


def bench_dask(eum_draws: int) -> None:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("3. dask: dask[distributed] is not installed; skipped")
        return
    model = "eum" if "eum" in MODELS else "nash"
    sc = synthetic(n_issues=1)
    # one thread per process on both sides, so the ratio is the backend's and not Numba's threads
    os.environ["NUMBA_NUM_THREADS"] = "1"  # inherited by the cluster's worker processes
    threads = _threads()
    _set_threads(1)
    n = max(8, 100 * eum_draws)
    opts = SweepOptions(draws=n, seed=1, chunk_size=max(1, n // 8), models=(model,), store="none")
    t_in, a = timed(lambda: run_sweep(sc, opts))
    t_dask, b = timed(lambda: run_sweep(sc, SweepOptions(**{**opts.__dict__, "backend": "dask", "workers": 2})))
    t_in, t_dask = t_in.wall, t_dask.wall
    diff = [k for k in a.columns if not np.array_equal(a.columns[k], b.columns[k], equal_nan=True)]
    same = "yes" if not diff else f"NO, {len(diff)} columns differ ({', '.join(diff[:3])})"
    t_sweep = b.record["timings"]["wall_seconds"] - b.record["timings"]["backend_start_seconds"]
    print(f"3. dask LocalCluster(2 workers) vs in-process, one thread each, {n} draws of {model} "
          f"(30 actors x 1 issue): "
          f"in-process {t_in:.2f} s, dask {t_dask:.2f} s incl. cluster start ({t_sweep:.2f} s after start) -> "
          f"speed-up {t_in / t_dask:.2f}x ({t_in / t_sweep:.2f}x without start-up); same results: {same}")
    _set_threads(threads)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eum-draws", type=int, default=200, help="EUM draws to measure (scaled to 10^5)")
    ap.add_argument("--full", action="store_true", help="run the full 10^5 EUM draws even if slow")
    args = ap.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()} usable")
    bench_compromise()
    bench_eum(args.eum_draws, args.full)
    bench_dask(args.eum_draws)


if __name__ == "__main__":
    main()
