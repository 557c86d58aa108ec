"""The uncertain inputs of a scenario: every ranged :class:`Num`, with where it sits.

A :class:`Param` names one ranged number by a readable key (``positions.rus.nato_expansion.salience``),
records where it goes in :class:`~detente.scenario.arrays.Arrays` (if anywhere) and its natural
bounds (salience in [0, 1], a position on its issue's scale, a capability >= 0), which the flip
finder may search up to when it looks beyond the stated range. The known outcome is never an
input, so its ranges are not parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from detente.errors import InputError
from detente.scenario.numbers import Dist, Num
from detente.scenario.schema import Scenario

INF = math.inf


@dataclass(frozen=True)
class Param:
    """One ranged number of a scenario."""

    key: str  # readable path, unique in the scenario
    low: float
    mode: float
    high: float
    dist: str  # triangular | uniform | normal | lognormal | fixed
    natural: tuple[float, float]  # the widest values the number can meaningfully take
    locator: tuple[Any, ...]  # path in model_dump(by_alias=True): keys and list indices
    target: tuple[Any, ...] | None = None  # ("pos"|"sal"|"cap_stance", r, c) | ("cap_actor", r) | ("sq", c)
    assumed: bool = False

    @property
    def width(self) -> float:
        return self.high - self.low

    def search_bounds(self) -> tuple[float, float]:
        """Finite limits for searching beyond the range: the natural bounds, or 4 widths out."""
        w = max(self.width, abs(self.mode) * 0.5, 1e-9)
        lo, hi = self.natural
        return (lo if math.isfinite(lo) else self.low - 4 * w, hi if math.isfinite(hi) else self.high + 4 * w)


def _num_param(key: str, n: Num, natural: tuple[float, float], locator: tuple[Any, ...],
               target: tuple[Any, ...] | None = None) -> Param | None:
    if not n.is_range:
        return None
    lo, hi = n.bounds
    nat = (min(natural[0], lo), max(natural[1], hi))
    return Param(key, lo, n.value, hi, n.dist.value, nat, locator, target, n.assumed)


def collect_params(sc: Scenario) -> list[Param]:
    """Every ranged number of ``sc`` that the layers read, in a fixed order."""
    out: list[Param | None] = []
    a_index = {a.id: k for k, a in enumerate(sc.actors)}
    i_index = {i.id: k for k, i in enumerate(sc.issues)}
    scale = {i.id: (i.scale.min, i.scale.max) for i in sc.issues}
    nonneg = (0.0, INF)
    for k, a in enumerate(sc.actors):
        out.append(_num_param(f"actors.{a.id}.capability", a.capability, nonneg,
                              ("actors", k, "capability"), ("cap_actor", k)))
    for c, i in enumerate(sc.issues):
        if i.status_quo is not None:
            out.append(_num_param(f"issues.{i.id}.status_quo", i.status_quo, scale[i.id],
                                  ("issues", c, "status_quo"), ("sq", c)))
    for actor_id, stances in sc.positions.items():
        r = a_index.get(actor_id)
        for issue_id, st in stances.items():
            c = i_index.get(issue_id)
            base = f"positions.{actor_id}.{issue_id}"
            loc = ("positions", actor_id, issue_id)
            tgt = r is not None and c is not None
            out.append(_num_param(f"{base}.position", st.position, scale.get(issue_id, (-INF, INF)),
                                  (*loc, "position"), ("pos", r, c) if tgt else None))
            out.append(_num_param(f"{base}.salience", st.salience, (0.0, 1.0),
                                  (*loc, "salience"), ("sal", r, c) if tgt else None))
            if st.capability is not None:
                out.append(_num_param(f"{base}.capability", st.capability, nonneg,
                                      (*loc, "capability"), ("cap_stance", r, c) if tgt else None))
    for k, ch in enumerate(sc.channels):
        out.append(_num_param(f"channels.{ch.id}.audience_cost", ch.audience_cost, nonneg,
                              ("channels", k, "audience_cost")))
    for k, au in enumerate(sc.audiences):
        for issue_id, n in au.opinion.items():
            out.append(_num_param(f"audiences.{au.id}.opinion.{issue_id}", n,
                                  scale.get(issue_id, (-INF, INF)), ("audiences", k, "opinion", issue_id)))
        if au.weight is not None:
            out.append(_num_param(f"audiences.{au.id}.weight", au.weight, nonneg,
                                  ("audiences", k, "weight")))
    for k, mv in enumerate(sc.moves):
        for name, nat in (("position", scale.get(mv.issue or "", (-INF, INF))), ("intensity", (0.0, 1.0)),
                          ("cost", (-INF, INF))):
            n = getattr(mv, name)
            if n is not None:
                out.append(_num_param(f"moves.{mv.id}.{name}", n, nat, ("moves", k, name)))
    for name, n in sc.parameters.items():
        nat = (0.0, 1.0) if "prob" in name and n.bounds[0] >= 0 and n.bounds[1] <= 1 else \
            (nonneg if n.bounds[0] >= 0 else (-INF, INF))
        out.append(_num_param(f"parameters.{name}", n, nat, ("parameters", name)))
    return [p for p in out if p is not None]


def range_widths(low: float, mode: float, high: float, at: float, dist: str = "triangular") -> float | None:
    """How far ``at`` lies from ``mode`` in widths of the stated range [low, high]: on the log scale
    for a log-normal number (a change by a factor counts as that factor's share of the range's orders of
    magnitude), else linearly; None without a range."""
    if not high > low:
        return None
    if dist == "lognormal" and low > 0 and mode > 0 and at > 0:
        return abs(math.log(at / mode)) / math.log(high / low)
    return abs(at - mode) / (high - low)


def widen(params: list[Param], factor: float) -> list[Param]:
    """Stretch every range about its mode by ``factor``, clipped to the natural bounds."""
    if not factor > 0:
        raise InputError(f"widen factor must be positive, got {factor:g}", field="widen")
    return [_widen_log(p, factor) if p.dist == "lognormal" else
            replace(p, low=max(p.natural[0], p.mode - factor * (p.mode - p.low)),
                    high=min(p.natural[1], p.mode + factor * (p.high - p.mode))) for p in params]


def _widen_log(p: Param, factor: float) -> Param:
    """A log-normal number is widened on its own (log) scale, so it stays positive: low and high
    move ``factor`` times as many orders of magnitude away from the mode."""
    return replace(p, low=max(p.natural[0], p.mode * (p.low / p.mode) ** factor) if p.mode > 0 else p.low,
                   high=min(p.natural[1], p.mode * (p.high / p.mode) ** factor) if p.mode > 0 else p.high)


def with_dist(params: list[Param], dist: str | None) -> list[Param]:
    """Override every parameter's distribution (None keeps each number's own)."""
    if dist is None:
        return params
    if dist not in {d.value for d in Dist}:
        raise InputError(f"unknown distribution '{dist}' (use {', '.join(d.value for d in Dist)})",
                         field="dist")
    if dist == "lognormal":
        bad = next((p for p in params if p.low <= 0), None)
        if bad is not None:
            raise InputError(f"dist lognormal needs positive ranges; {bad.key} reaches {bad.low:g}", field="dist")
    return [replace(p, dist=dist) for p in params]


def scenario_at(sc: Scenario, params: list[Param], values: Any) -> Scenario:
    """A copy of ``sc`` with each parameter's point value set to ``values[j]``.

    The range is stretched when a value lies outside it (the flip finder looks beyond), so
    the copy still validates. For layers that work on one scenario at a time.
    """
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    for p, x in zip(params, values, strict=True):
        node: Any = data
        for part in p.locator:
            node = node[part]
        x = float(x)
        node["value"] = x
        if "low" in node:
            node["low"] = min(node["low"], x)
            node["high"] = max(node["high"], x)
    return Scenario.model_validate(data)
