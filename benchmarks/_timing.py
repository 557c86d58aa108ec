"""Shared timing helpers for the benchmark scripts (each runs as `python benchmarks/NAME.py`).

Every figure the README quotes is printed as one line ``figure <name>: <value>`` (see
:func:`figure`), so `run_all.py` can list them together under the machine block. A figure gives
wall and CPU time: on a machine shared with other jobs the wall clock is inflated by their load
while this process's CPU time (user + system, all its threads) is not, or much less
(DECISIONS.md, P1).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import NamedTuple


class Timing(NamedTuple):
    wall: float
    cpu: float

    def text(self, unit: str = "s") -> str:
        """``"0.941 s wall, 0.263 s cpu"`` (``unit`` s or ms; three decimals below 10, one above)."""
        k = 1e3 if unit == "ms" else 1.0
        return f"{_num(self.wall * k)} {unit} wall, {_num(self.cpu * k)} {unit} cpu"


def _num(v: float) -> str:
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, all threads included."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], object]) -> tuple[Timing, object]:
    """One run of ``fn``: its wall and CPU time, and what it returned."""
    t0, c0 = time.perf_counter(), cpu_seconds()
    out = fn()
    return Timing(time.perf_counter() - t0, cpu_seconds() - c0), out


def best(fn: Callable[[], object], repeat: int = 3) -> Timing:
    """The least wall and the least CPU time of ``repeat`` runs (each the least disturbed by other load)."""
    runs = [timed(fn)[0] for _ in range(repeat)]
    return Timing(min(t.wall for t in runs), min(t.cpu for t in runs))


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` wall-clock runs of ``fn``, in seconds."""
    return best(fn, repeat).wall


def figure(name: str, value: str) -> None:
    """Print one README figure as ``figure <name>: <value>`` (collected by run_all.py)."""
    print(f"figure {name}: {value}", flush=True)
