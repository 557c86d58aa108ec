"""Benchmark of the uncertainty layer: Monte Carlo throughput and the Dask speed-up.

Prints, in one run:
  1. 10^5 draws of the compromise model on the founding case (target < 1 s), against a
     per-draw Python loop measured on a sample and scaled up (the baseline);
  2. 10^5 draws of the expected-utility model ("eum") on a 30-actor scenario (target < 10 s
     on 2 cores), when that model is registered; measured on --eum-draws and scaled when the
     full run would take too long;
  3. the speed-up of a Dask LocalCluster with 2 workers over in-process, on a CPU-bound sweep.

Usage: python benchmarks/uncertainty.py [--eum-draws 200] [--full]
(a batched EUM is measured on max(--eum-draws, 4000) draws unless --full; per-preset lines
compare batched and one-draw-at-a-time CPU time on the same draws)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

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


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_compromise() -> None:
    sc = load_scenario(case_path("geneva-2022"))
    opts = SweepOptions(draws=100_000, seed=1, chunk_size=25_000, models=("compromise",), store="none")
    run_sweep(sc, SweepOptions(draws=1000, models=("compromise",), store="none"))  # warm up
    t_vec, _ = timed(lambda: run_sweep(sc, opts))
    params, target = prepare(sc, opts)
    x = sample(params, 1000, np.random.default_rng(1))
    arr = target.context(x).batch.arrays
    model = get_model("compromise")

    def loop() -> None:
        for k in range(len(x)):
            model.run_arrays(Arrays(arr.actor_ids, arr.issue_ids, arr.position[k], arr.salience[k],
                                    arr.capability[k], arr.status_quo[k], arr.lo, arr.hi))

    t_loop, _ = timed(loop)
    t_loop *= 100
    print(f"1. compromise, 10^5 draws (geneva-2022, {len(params)} ranged inputs, claims included): "
          f"{t_vec:.3f} s  [target < 1 s: {'met' if t_vec < 1 else 'NOT met'}]")
    print(f"   baseline per-draw loop (1000 draws x 100): {t_loop:.2f} s -> vectorised is {t_loop / t_vec:.0f}x faster")


def bench_eum(eum_draws: int, full: bool) -> None:
    if "eum" not in MODELS:
        print("2. eum: the expected-utility model is not registered in this build; skipped")
        return
    sc = synthetic()
    batched = bool(getattr(MODELS["eum"], "batched", False))
    n = 100_000 if full else (max(eum_draws, 4_000) if batched else eum_draws)
    opts = SweepOptions(draws=n, seed=1, chunk_size=max(1, min(10_000, n // 8)), models=("eum",), store="none")
    t_in, _ = timed(lambda: run_sweep(sc, opts))
    t_pool, _ = timed(lambda: run_sweep(sc, SweepOptions(**{**opts.__dict__, "backend": "pool", "workers": 2})))
    scale = 100_000 / n
    how = "measured" if n == 100_000 else f"measured on {n} draws, scaled x{scale:g}"
    best = min(t_in, t_pool) * scale
    print(f"2. eum, 10^5 draws, 30 actors x 3 issues ({'batched' if batched else 'one draw at a time'}; {how}): "
          f"in-process {t_in * scale:.1f} s, pool(2) {t_pool * scale:.1f} s  "
          f"[target < 10 s: {'met' if best < 10 else 'NOT met'}]")
    if batched:
        _eum_presets(sc)


def _eum_presets(sc: Scenario) -> None:
    """Batched vs one draw at a time, per preset, on the same draws (CPU time of this process)."""
    params, target = prepare(sc, SweepOptions(draws=1, models=("eum",), store="none"))
    arr = target.context(sample(params, 400, np.random.default_rng(2))).batch.arrays
    for preset, n_batch, n_loop in (("default", 400, 20), ("scholz", 100, 20)):
        model = get_model("eum", preset=preset)
        sub = Arrays(arr.actor_ids, arr.issue_ids, arr.position[:n_batch], arr.salience[:n_batch],
                     arr.capability[:n_batch], arr.status_quo[:n_batch], arr.lo, arr.hi)
        c0 = time.process_time()
        f_b = model.run_arrays(sub).forecast
        t_b = (time.process_time() - c0) / n_batch
        c0 = time.process_time()
        f_1 = np.array([model.run_arrays(Arrays(arr.actor_ids, arr.issue_ids, arr.position[k], arr.salience[k],
                                                arr.capability[k], arr.status_quo[k], arr.lo, arr.hi)).forecast
                        for k in range(n_loop)])
        t_1 = (time.process_time() - c0) / n_loop
        same = "identical" if np.array_equal(f_b[:n_loop], f_1) else "DIFFER"
        print(f"   eum preset {preset:8s}: batched {t_b * 1e3:.2f} ms/draw ({n_batch} draws), one at a time "
              f"{t_1 * 1e3:.2f} ms/draw ({n_loop} draws) -> {t_1 / t_b:.1f}x; 10^5 draws ~ {t_b * 1e5:.0f} "
              f"CPU-s (~{t_b * 1e5 / 2:.0f} s on 2 cores); forecasts {same}")


def bench_dask(eum_draws: int) -> None:
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        print("3. dask: dask[distributed] is not installed; skipped")
        return
    model = "eum" if "eum" in MODELS else "nash"
    sc = load_scenario(case_path("geneva-2022"))
    n = max(8, 4 * eum_draws)
    opts = SweepOptions(draws=n, seed=1, chunk_size=max(1, n // 8), models=(model,), store="none")
    t_in, a = timed(lambda: run_sweep(sc, opts))
    t_dask, b = timed(lambda: run_sweep(sc, SweepOptions(**{**opts.__dict__, "backend": "dask", "workers": 2})))
    diff = [k for k in a.columns if not np.array_equal(a.columns[k], b.columns[k], equal_nan=True)]
    same = "yes" if not diff else f"NO, {len(diff)} columns differ ({', '.join(diff[:3])})"
    t_sweep = b.record["timings"]["wall_seconds"] - b.record["timings"]["backend_start_seconds"]
    print(f"3. dask LocalCluster(2 workers) vs in-process, {n} draws of {model} on geneva-2022: "
          f"in-process {t_in:.2f} s, dask {t_dask:.2f} s incl. cluster start ({t_sweep:.2f} s after start) -> "
          f"speed-up {t_in / t_dask:.2f}x ({t_in / t_sweep:.2f}x without start-up); same results: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eum-draws", type=int, default=200, help="EUM draws to measure (scaled to 10^5)")
    ap.add_argument("--full", action="store_true", help="run the full 10^5 EUM draws even if slow")
    args = ap.parse_args()
    import os

    print(f"cores: {os.cpu_count()}")
    bench_compromise()
    bench_eum(args.eum_draws, args.full)
    bench_dask(args.eum_draws)


if __name__ == "__main__":
    main()
