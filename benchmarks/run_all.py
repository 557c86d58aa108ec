"""Run every benchmark script in turn, each in its own process (so imports are cold), under a machine block.

Run: .venv/bin/python benchmarks/run_all.py [NAME ...]

First the machine block (benchmarks/_machine.py: CPU, vector units, usable cores, load from
other processes, BLAS/OpenMP/Numba environment variables, BLAS libraries, Numba's threading
layer and threads, whether the EUM kernel's cache was warm; warming it there keeps a compile out
of every figure). Then each script's own output, with its wall and CPU time; last, every
``figure <name>: <value>`` line the scripts printed, together, with the load after the run.
The README quotes only these figure lines, with the machine they were printed on (DECISIONS.md, P1).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SCRIPTS = ["startup.py", "bargaining.py", "games.py", "crisis_model.py", "simulation.py", "uncertainty.py",
           "backtest.py", "icb.py", "icb_priors.py", "text.py"]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _run(args: list[str], figures: list[str]) -> int:
    """Run one script, echo its output as it comes, keep its ``figure`` lines."""
    with subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("figure "):
                figures.append(line.rstrip("\n"))
    return proc.returncode


def main(names: list[str]) -> int:
    from _machine import load_line

    failed = _run([str(HERE / "_machine.py")], []) != 0
    figures: list[str] = []
    for script in names or SCRIPTS:
        print(f"\n######## {script}", flush=True)
        t0, c0 = time.perf_counter(), _children_cpu()
        rc = _run([str(HERE / script)], figures)
        print(f"######## {script}: exit {rc}, {time.perf_counter() - t0:.1f} s wall, "
              f"{_children_cpu() - c0:.1f} s cpu", flush=True)
        failed |= rc != 0
    print("\n######## figures (wall: elapsed; cpu: user + system of the benchmark process, all threads)")
    print(f"after the run: {load_line()}")
    for line in figures:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
