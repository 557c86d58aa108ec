"""Run every benchmark script in turn, each in its own process (so imports and caches are cold).

Run: .venv/bin/python benchmarks/run_all.py [NAME ...]
Each script prints its own timings against a baseline measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bargaining.py", "games.py", "simulation.py", "uncertainty.py", "backtest.py", "text.py"]


def main(names: list[str]) -> int:
    failed = 0
    for script in names or SCRIPTS:
        print(f"\n######## {script}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / script)])
        print(f"######## {script}: exit {rc}, {time.perf_counter() - t0:.1f} s wall", flush=True)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
