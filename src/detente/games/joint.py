"""Joint changes of two cost terms: the nearest one that turns the outcome into a concession or a deal.

The one-at-a-time thresholds can miss outcomes that need two assumptions to move together
(a cheaper war and a smaller face cost, say). For every pair of cost terms this searches a
coarse 5 x 5 grid over each term's wide search range (its low end, its value, its high end and
the midpoints), then refines the nearest hits of the best pairs by bisecting along rays from
the current point. Distances are in units of each term's stated range (high - low of the
scenario's number; a point value counts a tenth of its search range), combined as a Euclidean
norm, so "1.0" means "one full stated range away". See docs/DECISIONS.md G11.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from detente.errors import InputError
from detente.games.explain import path_text
from detente.games.solve import solve
from detente.games.tree import Game

TARGETS = ("capitulation", "agreement")
REFINE_PAIRS = 3
REFINE_ANGLES = (-30.0, -15.0, 0.0, 15.0, 30.0)
BISECT_STEPS = 12


@dataclass
class JointChange:
    """The nearest joint change found, or none within the searched bounds."""

    base_class: str | None
    pairs: int
    evaluations: int
    keys: tuple[str, str] | None = None
    now: tuple[float, float] | None = None
    to: tuple[float, float] | None = None
    distance: float | None = None
    outcome_class: str | None = None
    outcome: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"searched_pairs": self.pairs, "evaluations": self.evaluations, "targets": list(TARGETS),
                "found": self.keys is not None, "parameters": list(self.keys) if self.keys else None,
                "now": list(self.now) if self.now else None, "to": list(self.to) if self.to else None,
                "distance_in_ranges": self.distance, "outcome_class": self.outcome_class,
                "outcome": self.outcome, "path": self.path, "text": self.text()}

    def text(self) -> str:
        if self.keys is None or self.now is None or self.to is None:
            return (f"No joint change of two cost terms within their searched bounds ({self.pairs} pairs) "
                    "produces a concession or an agreement.")
        moves = " and ".join(f"{k} from {a:.3g} to {b:.3g}" for k, a, b in zip(self.keys, self.now, self.to,
                                                                               strict=True))
        what = "a concession" if self.outcome_class == "capitulation" else "an agreement"
        return (f"Nearest joint change to {what}: {moves} ({self.distance:.2f} stated ranges away) gives "
                f"{self.outcome}: {self.path}.")


def _knob_unit(kb: Any) -> float:
    unit = getattr(kb, "unit", None)
    return unit if unit and unit > 0 else (kb.high - kb.low) / 10 or 1.0


def joint_search(build: Callable[[Mapping[str, float]], Game], knobs: Sequence[Any], base_class: str | None,
                 method: str = "backward", targets: Sequence[str] = TARGETS) -> JointChange:
    """Search pairs of ``knobs`` (cost terms) for the nearest change whose outcome class is in ``targets``."""
    targets = [t for t in targets if t != base_class]
    count = 0

    def outcome(over: Mapping[str, float]) -> tuple[str | None, Any]:
        nonlocal count
        count += 1
        try:
            sol = solve(build(over), method, check=False)
        except InputError:
            return None, None
        return sol.outcome_class(), sol

    ks = list(knobs)
    hits: list[tuple[float, int, int, float, float]] = []  # distance, i, j, x, y
    for i, j in itertools.combinations(range(len(ks)), 2):
        a, b = ks[i], ks[j]
        ua, ub = _knob_unit(a), _knob_unit(b)
        best = None
        for x in sorted({a.low, (a.low + a.value) / 2, a.value, (a.value + a.high) / 2, a.high}):
            for y in sorted({b.low, (b.low + b.value) / 2, b.value, (b.value + b.high) / 2, b.high}):
                if x == a.value or y == b.value:
                    continue  # one-at-a-time changes are the threshold table's job
                cls, _ = outcome({a.key: x, b.key: y})
                if cls in targets:
                    d = math.hypot((x - a.value) / ua, (y - b.value) / ub)
                    if best is None or d < best[0]:
                        best = (d, i, j, x, y)
        if best is not None:
            hits.append(best)
    if not hits or not targets:
        return JointChange(base_class, len(ks) * (len(ks) - 1) // 2, count)
    hits.sort()
    found: tuple[float, int, int, float, float, Any] | None = None
    for d0, i, j, x0, y0 in hits[:REFINE_PAIRS]:
        a, b = ks[i], ks[j]
        ua, ub = _knob_unit(a), _knob_unit(b)
        dx, dy = (x0 - a.value) / ua, (y0 - b.value) / ub
        theta0 = math.atan2(dy, dx)
        for dth in REFINE_ANGLES:
            th = theta0 + math.radians(dth)
            ca, sa = math.cos(th), math.sin(th)
            # the longest step along this ray that stays inside both search ranges
            tmax = math.inf
            for c, v, lo, hi, u in ((ca, a.value, a.low, a.high, ua), (sa, b.value, b.low, b.high, ub)):
                if c > 1e-12:
                    tmax = min(tmax, (hi - v) / (u * c))
                elif c < -1e-12:
                    tmax = min(tmax, (lo - v) / (u * c))
            if not math.isfinite(tmax) or tmax <= 0:
                continue

            def at(t: float, ca: float = ca, sa: float = sa, a: Any = a, b: Any = b, ua: float = ua,
                   ub: float = ub) -> dict[str, float]:
                return {a.key: a.value + t * ua * ca, b.key: b.value + t * ub * sa}

            t_hit = d0 if dth == 0.0 else None
            if t_hit is None:
                for t in (tmax * k / 4 for k in (1, 2, 3, 4)):
                    if outcome(at(t))[0] in targets:
                        t_hit = t
                        break
            if t_hit is None:
                continue
            inside, outside = 0.0, t_hit
            for _ in range(BISECT_STEPS):
                mid = (inside + outside) / 2
                if outcome(at(mid))[0] in targets:
                    outside = mid
                else:
                    inside = mid
            if found is None or outside < found[0]:
                cls, sol = outcome(at(outside))
                if cls in targets:
                    p = at(outside)
                    found = (outside, i, j, p[a.key], p[b.key], sol)
    if found is None:  # refinement lost every hit (should not happen): report the coarse one
        d0, i, j, x0, y0 = hits[0]
        _, sol = outcome({ks[i].key: x0, ks[j].key: y0})
        found = (d0, i, j, x0, y0, sol)
    d, i, j, x, y, sol = found
    dist = sol.to_dict()["outcomes"]
    top = max(dist, key=dist.__getitem__)
    return JointChange(base_class, len(ks) * (len(ks) - 1) // 2, count, (ks[i].key, ks[j].key),
                       (ks[i].value, ks[j].value), (round(x, 6), round(y, 6)), round(d, 4),
                       sol.outcome_class(), top, path_text(sol))
