"""Time the expected-utility and exchange models (run: ``.venv/bin/python benchmarks/bargaining_eum_exchange.py``).

* EUM (default options and the ``scholz`` preset) on a synthetic, seeded 30-actor x 5-issue
  scenario, then one issue with 30, 60, 120 and 250 actors to show how time grows.
* The exchange model on COP21 (15 actors x 13 issues, 10 rounds), read at run time from
  ../shared/data/dem-examples/cop21.csv (GPL data, never copied here; skipped when absent),
  then synthetic 13-issue scenarios with 15, 30, 60 and 120 actors.

The baseline measured in the same run is the compromise model (one weighted mean) on the same
arrays. The Decide reference (Python, Decimal arithmetic) took about 64 s wall / 18.7 s user for
COP21 with 10 iterations on a 2-core machine of our class (brief section 3.4): that figure is
quoted, not measured here. Target: exchange on COP21 under 0.5 s.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from _timing import best, best_of, figure

from detente.models import get_model
from detente.scenario.arrays import Arrays

REPO = Path(__file__).resolve().parents[1]
COP21 = REPO.parent / "shared" / "data" / "dem-examples" / "cop21.csv"
DECIDE_REFERENCE_S = 64.1


def synthetic(n: int, m: int, seed: int = 0) -> Arrays:
    rng = np.random.default_rng(seed)
    return Arrays(tuple(f"a{k}" for k in range(n)), tuple(f"i{k}" for k in range(m)),
                  np.round(rng.uniform(0, 100, (n, m))), rng.uniform(0.05, 1, (n, m)),
                  rng.uniform(0.05, 1, (n, m)), np.full(m, np.nan), np.zeros(m), np.full(m, 100.0))


def growth(rows: list[tuple[int, float]]) -> str:
    """Empirical exponent of time in actors between the first and last row."""
    (n0, t0), (n1, t1) = rows[0], rows[-1]
    return f"time ~ n^{math.log(t1 / t0) / math.log(n1 / n0):.2f} between {n0} and {n1} actors"


def main() -> int:
    compromise = get_model("compromise")
    print("Expected-utility model (eum)")
    a30 = synthetic(30, 5)
    base = best_of(lambda: compromise.run_arrays(a30), 5)
    for preset in ("default", "scholz"):
        model = get_model("eum", preset=preset)
        tt = best(lambda model=model: model.run_arrays(a30))
        t = tt.wall
        print(f"  30 actors x 5 issues, preset {preset:8s}: {t * 1e3:8.1f} ms "
              f"({t / base:,.0f} x the compromise model's {base * 1e6:.0f} us)")
        figure(f"eum one run, 30 actors x 5 issues, preset {preset}", f"{tt.text('ms')} (best of 3)")
    for preset in ("default", "scholz"):
        model = get_model("eum", preset=preset)
        rows = []
        for n in (30, 60, 120, 250):
            arr = synthetic(n, 1, seed=n)
            t = best_of(lambda model=model, arr=arr: model.run_arrays(arr), 2 if n > 100 else 3)
            rows.append((n, t))
            print(f"  one issue, {n:3d} actors, preset {preset:8s}: {t * 1e3:8.1f} ms")
        print(f"  -> {growth(rows)}")

    print("Exchange model (exchange, equal gain, 10 rounds)")
    if COP21.exists():
        from detente.scenario.arrays import point_arrays
        from detente.scenario.formats import import_file

        arr = point_arrays(import_file(COP21, "dem"))
        model = get_model("exchange", rounds=10)
        tt = best(lambda: model.run_arrays(arr), 5)
        t = tt.wall
        base = best_of(lambda: compromise.run_arrays(arr), 5)
        figure("exchange COP21 (15 x 13, 10 rounds)", f"{tt.text('ms')} (best of 5)")
        print(f"  COP21 (15 x 13): {t * 1e3:.1f} ms; compromise model {base * 1e6:.0f} us; "
              f"Decide reference {DECIDE_REFERENCE_S:.1f} s (quoted) -> {DECIDE_REFERENCE_S / t:,.0f}x; "
              f"target < 0.5 s: {'met' if t < 0.5 else 'MISSED'}")
        rr = get_model("exchange", rounds=10, random_rate=1.0)
        print(f"  COP21 random-rate variant: {best_of(lambda: rr.run_arrays(arr), 3) * 1e3:.1f} ms")
    else:
        print(f"  skip COP21: {COP21} not available")
    rows = []
    for n in (15, 30, 60, 120):
        arr = synthetic(n, 13, seed=n)
        model = get_model("exchange", rounds=10)
        t = best_of(lambda model=model, arr=arr: model.run_arrays(arr), 2)
        rows.append((n, t))
        print(f"  {n:3d} actors x 13 issues: {t * 1e3:8.1f} ms")
    print(f"  -> {growth(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
