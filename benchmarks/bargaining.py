"""The bargaining-model benchmark of one run: KTAB SMP on KTAB's inputs (13/40/80/160 actors),
then the expected-utility and exchange models (each script measures its own in-run baseline).

Run: .venv/bin/python benchmarks/bargaining.py
"""

from __future__ import annotations

import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    for script in ("bargaining_smp.py", "bargaining_eum_exchange.py"):
        print(f"\n== {script}", flush=True)
        try:
            runpy.run_path(str(HERE / script), run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise


if __name__ == "__main__":
    main()
