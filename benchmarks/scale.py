"""Scale limits (issue 18): time and peak memory of `detente analyze` and `validate` at the sizes
README's Limits section promises. Run: python benchmarks/scale.py [--only analyze|validate|stages]

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
    """A synthetic scenario: positions spread over 0..100, saliences and capabilities varied."""
    import random

    rng = random.Random(seed)
    out = ["detente: 1", f"meta: {{id: scale-{n_actors}x{n_issues}, title: Scale test, perspective: synthetic}}",
           "actors:"]
    out += [f"  - {{id: a{k}, name: Actor {k}, capability: {rng.uniform(1, 100):.3f}}}" for k in range(n_actors)]
    out.append("issues:")
    out += [f"  - {{id: i{j}, name: Issue {j}, status_quo: {rng.uniform(0, 100):.2f}}}" for j in range(n_issues)]
    out.append("positions:")
    for k in range(n_actors):
        out.append(f"  a{k}:")
        out += [f"    i{j}: {{position: {rng.uniform(0, 100):.2f}, salience: {rng.uniform(0.05, 1):.3f}}}"
                for j in range(n_issues)]
    if n_moves:
        out.append("moves:")
        out += [f"  - {{id: m{k}, actor: a{k % n_actors}, type: statement, issue: i{k % n_issues}, "
                f"position: {rng.uniform(0, 100):.2f}}}" for k in range(n_moves)]
    return "\n".join(out) + "\n"


def measure(args: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak resident MB of the child, and its exit code.
    CPU time is the honest figure on a loaded machine; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "detente", *args], capture_output=True, text=True)
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
    ap.add_argument("--only", choices=("analyze", "validate", "stages"))
    a = ap.parse_args()
    if a.only == "stages":
        stages()
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
            extra = {"analyze": ["--out", str(Path(tmp) / "out"), "--json"],
                     "forecast": ["--model", "nash", "--json"]}.get(cmd, [])
            wall, cpu, peak, rc = measure([cmd, str(path), *extra])
            # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run the biggest case last
            print(f"{' '.join([cmd, *extra[:2]]) if cmd == 'forecast' else cmd:16} {n:4} actors x {m:4} issues, "
                  f"{moves:4} moves: {wall:7.2f} s wall, {cpu:7.2f} s CPU, peak <= {peak:6.0f} MB, exit {rc}")


if __name__ == "__main__":
    main()
