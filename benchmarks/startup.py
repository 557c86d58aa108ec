"""Whole-process times of CLI commands, start-up included (issue 20 targets on 2 cores).

Each command runs in a fresh interpreter (best of 3; `analyze` once, into a temporary folder);
printed as the child's CPU seconds (user + system, unaffected by waiting for other jobs' turns on
the cores) and wall seconds. Targets: `--help` < 0.3 s, `validate geneva-2022` < 0.6 s,
`forecast ktab-soe-pol-comp --model smp` at or below KTAB's whole process (~1.1 s), `analyze
geneva-2022` < 8 s. Run: .venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from _timing import figure

COMMANDS = [(["--help"], 0.3, 3), (["validate", "geneva-2022"], 0.6, 3),
            (["forecast", "ktab-soe-pol-comp", "--model", "smp"], 1.1, 3), (["analyze", "geneva-2022"], 8.0, 1)]


def run(args: list[str]) -> tuple[float, float]:
    """(CPU s, wall s) of ``python -m detente ARGS`` in a fresh process."""
    c0, t0 = os.times(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "detente", *args], check=True, stdout=subprocess.DEVNULL)
    c1 = os.times()
    cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    return cpu, time.perf_counter() - t0


def main() -> None:
    print(f"{'command':<48} {'CPU s':>7} {'wall s':>7}  target")
    with tempfile.TemporaryDirectory() as tmp:
        for args, target, repeat in COMMANDS:
            full = [*args, "--out", tmp] if args[0] == "analyze" else args
            cpu, wall = min(run(full) for _ in range(repeat))
            verdict = "met" if cpu < target else "NOT met"
            print(f"detente {' '.join(args):<40} {cpu:>7.2f} {wall:>7.2f}  < {target:g} s: {verdict} (by CPU)")
            figure(f"whole process: detente {' '.join(args)}",
                   f"{wall:.2f} s wall, {cpu:.2f} s cpu (best of {repeat}; target {target:g} s)")


if __name__ == "__main__":
    main()
