"""Scale limits (issue 18): time and peak memory of `detente analyze` and `validate` at the sizes
README's Limits section promises, and of a streamed sweep.
Run: python benchmarks/scale.py [--only analyze|validate|stages|sweep] [--jobs N]

`--only sweep` runs `detente sweep` on a small ranged scenario at 500,000 and 5,000,000 draws (chunks of
100,000, DuckDB and Parquet tables): peak memory should not grow with the draws beyond one column
(8 bytes a draw) of the summary and DuckDB's 256 MB buffer (DECISIONS H9); it takes a minute or more.

`--only stages` breaks `analyze` on 250 actors x 10 issues into its stages (each model, the
strong-position table, each layer, the JSON, each chart) with the CPU seconds each took, in one process.

Each measurement runs in a fresh subprocess so peak memory (ru_maxrss) is that command's own.
Timings on a shared machine are inflated by other load; the numbers printed are what was measured.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def scenario(n_actors: int, n_issues: int, n_moves: int = 0, seed: int = 1) -> str:
    """A synthetic scenario: positions spread over 0..100, saliences and capabilities varied (the one
    generator, shared with the tests: detente.scenario.synthetic)."""
    from detente.scenario.synthetic import synthetic_scenario

    return synthetic_scenario(n_actors, n_issues, n_moves, seed)


RANGED = """detente: 1
meta: {id: sweep-bench, title: Sweep benchmark, perspective: synthetic}
actors:
  - {id: a, name: A, capability: {low: 1, mode: 2, high: 3}}
  - {id: b, name: B, capability: {low: 0.5, mode: 1, high: 2}}
  - {id: c, name: C, capability: {low: 0.5, mode: 1, high: 2}}
  - {id: d, name: D, capability: 1}
issues:
  - {id: x, name: X, status_quo: 50}
  - {id: y, name: Y, status_quo: 20}
positions:
  a: {x: {position: 0, salience: {low: 0.3, high: 0.7}}, y: {position: 10, salience: 1}}
  b: {x: {position: 100, salience: 1}, y: {position: 90, salience: {low: 0.2, high: 0.9}}}
  c: {x: {position: 60, salience: 0.25}, y: {position: 40, salience: 0.5}}
  d: {x: {position: 30, salience: 0.5}, y: {position: 70, salience: 0.5}}
claims:
  - {id: k1, text: x near status quo, check: {kind: forecast_near, issue: x, target: status_quo, within: 10}}
  - {id: k2, text: y low, check: {kind: forecast_between, issue: y, low: 0, high: 50}}
"""


def sweeps(tmp: str) -> None:
    """Peak memory of a streamed sweep at 0.5 and 5 million draws (fresh processes; DECISIONS H9 has 20 million)."""
    path = Path(tmp) / "ranged.yaml"
    path.write_text(RANGED, encoding="utf-8")
    for draws in (500_000, 5_000_000):
        args = ["sweep", str(path), "--draws", str(draws), "--chunk-size", "100000", "--store", "both",
                "--quiet", "--out", str(Path(tmp) / f"sweep{draws}")]
        wall, cpu, peak, rc = measure_own(args)
        print(f"sweep {draws:>9,} draws (2 models, 2 claims, DuckDB + Parquet): {wall:7.2f} s wall, "
              f"{cpu:7.2f} s CPU, peak {peak:6.0f} MB, exit {rc}")


def measure_own(args: list[str]) -> tuple[float, float, float, int]:
    """As measure(), but the peak of this one child (GNU time's maximum resident set size)."""
    import shutil

    if shutil.which("time") is None and not Path("/usr/bin/time").exists():
        return measure(args)
    with tempfile.NamedTemporaryFile(suffix=".txt") as rep:
        wall, cpu, _, rc = measure(["/usr/bin/time", "-f", "%M", "-o", rep.name], prefix=False, args2=args)
        peak = float(Path(rep.name).read_text().split()[-1]) / 1024
    return wall, cpu, peak, rc


def measure(args: list[str], prefix: bool = True, args2: list[str] | None = None) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak resident MB of the child, and its exit code.
    CPU time is the honest figure on a loaded machine; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [*args, sys.executable, "-m", "detente", *(args2 or [])] if not prefix else \
        [sys.executable, "-m", "detente", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print("   stderr:", proc.stderr.strip()[:300])
    return wall, cpu, after.ru_maxrss / 1024, proc.returncode


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def stages(n_actors: int = 250, n_issues: int = 10) -> None:
    """CPU seconds of each stage of `analyze`, in this process (peak memory: the whole process's)."""
    from detente.analysis.analyze import LAYERS, AnalyzeOptions
    from detente.models import get_model, strong_position
    from detente.report import plots, sections
    from detente.scenario.arrays import point_arrays
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(scenario(n_actors, n_issues))
    arr = point_arrays(sc)
    models = {}
    for name in ("compromise", "median", "nash", "eum", "smp", "exchange"):
        t = _cpu()
        models[name] = get_model(name, sc).run_arrays(arr)
        print(f"model {name:12} {_cpu() - t:7.2f} s CPU")
    t = _cpu()
    strong = strong_position(arr, models["compromise"], models["smp"])
    print(f"strong position    {_cpu() - t:7.2f} s CPU")
    import detente.analysis  # noqa: F401 - registers every layer, as the command does
    for name, runner in LAYERS.items():
        t = _cpu()
        res = runner(sc, AnalyzeOptions())
        print(f"layer {name:12} {_cpu() - t:7.2f} s CPU{'' if res is not None else ' (does not apply)'}")
    charts = {"issue map": lambda: plots.issue_map(sc, arr, models),
              "strength bars": lambda: plots.strength_bars(sc, strong),
              "dynamics": lambda: sections.dynamics_section(sc, models)}
    for name, draw in charts.items():
        t = _cpu()
        draw()
        print(f"chart {name:12} {_cpu() - t:7.2f} s CPU")
    print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (whole process)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", choices=("analyze", "validate", "stages", "sweep"))
    ap.add_argument("--jobs", type=int, default=None, help="analyze --jobs (default: the usable cores)")
    a = ap.parse_args()
    if a.only == "stages":
        stages()
        return
    if a.only == "sweep":
        with tempfile.TemporaryDirectory() as tmp:
            sweeps(tmp)
        return
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        if a.only != "analyze":
            cases += [("validate", 3, 1000, 0), ("validate", 10, 5, 5000), ("validate", 250, 10, 0),
                      ("forecast", 3, 1000, 0)]
        if a.only != "validate":
            cases += [("analyze", 250, 10, 0)]
        for cmd, n, m, moves in cases:
            path = Path(tmp) / f"s{n}x{m}x{moves}.yaml"
            path.write_text(scenario(n, m, moves), encoding="utf-8")
            extra = {"analyze": ["--out", str(Path(tmp) / "out"), "--json",
                                 *(["--jobs", str(a.jobs)] if a.jobs else [])],
                     "forecast": ["--model", "nash", "--json"]}.get(cmd, [])
            wall, cpu, peak, rc = measure([cmd, str(path), *extra])
            # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run the biggest case last
            print(f"{' '.join([cmd, *extra[:2]]) if cmd == 'forecast' else cmd:16} {n:4} actors x {m:4} issues, "
                  f"{moves:4} moves: {wall:7.2f} s wall, {cpu:7.2f} s CPU, peak <= {peak:6.0f} MB, exit {rc}")


if __name__ == "__main__":
    main()
