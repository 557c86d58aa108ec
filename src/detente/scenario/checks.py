"""Cross-field checks a schema cannot express: ids, references, ranges, budgets.

Each check returns the path of the offending field and a reason, so the loader can
point at the exact line. The first problem found is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from detente.scenario.numbers import Evidence, Num
from detente.scenario.schema import (
    MAX_ACTORS,
    MAX_CLAIMS,
    MAX_ISSUES,
    MAX_MOVES,
    MAX_SIM_MOVES,
    MODEL_NAMES,
    CostTerm,
    ForecastBetween,
    ForecastNear,
    OpinionSooner,
    Scenario,
)

Problem = tuple[tuple[str | int, ...], str]

# Cost terms a game reads as probabilities or shares (docs/DECISIONS.md G3, G6-G8).
PROBABILITY_TERMS = (CostTerm.challenger_war_win_prob, CostTerm.prior_resolve, CostTerm.challenger_discount,
                     CostTerm.defender_discount)


def normal_id(x: str) -> str:
    """The form two ids must not share: results-store columns and SQL ignore case and ``-``/``_``/``.``."""
    return re.sub(r"[-_.]", "_", x).lower()


def _duplicates(section: str, items: Iterable[Any]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        key = normal_id(item.id)
        if item.id in seen.values():
            yield (section, i, "id"), f"duplicate id '{item.id}' in {section}"
        elif key in seen:
            yield ((section, i, "id"), f"id '{item.id}' differs from '{seen[key]}' only in case or "
                   "'-'/'_'/'.'; results tables would mix them up: rename one")
        seen.setdefault(key, item.id)


def _colliding_keys(path: tuple[str | int, ...], keys: Iterable[str]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for k in keys:
        n = normal_id(k)
        if n in seen:
            yield ((*path, k), f"'{k}' differs from '{seen[n]}' only in case or '-'/'_'/'.'; "
                   "results tables would mix them up: rename one")
        seen.setdefault(n, k)


def _sizes(sc: Scenario) -> Iterator[Problem]:
    for section, limit in (("actors", MAX_ACTORS), ("issues", MAX_ISSUES), ("moves", MAX_MOVES),
                           ("claims", MAX_CLAIMS)):
        n = len(getattr(sc, section))
        if n > limit:
            yield (section,), f"{n} {section}; the limit is {limit} (see README, Limits)"


def _evidence(path: tuple[str | int, ...], obj: Any) -> Iterator[tuple[tuple[str | int, ...], Evidence]]:
    """Every piece of evidence inside ``obj`` with its path."""
    if isinstance(obj, Evidence):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if value is not None and not isinstance(value, (str, int, float)):
                yield from _evidence((*path, name), value)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _evidence((*path, k), v)
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            yield from _evidence((*path, k), v)


def _in_range(path: tuple[str | int, ...], x: Num | None, lo: float, hi: float,
              what: str) -> Iterator[Problem]:
    if x is None:
        return
    a, b = x.bounds
    if a < lo - 1e-9 or b > hi + 1e-9:
        shown = f"{x.value:g}" if not x.is_range else f"[{a:g}, {b:g}]"
        yield path, f"{what} {shown} is outside [{lo:g}, {hi:g}]"


def _ref(path: tuple[str | int, ...], ref: str | None, known: set[str], kind: str) -> Iterator[Problem]:
    if ref is not None and ref not in known:
        choices = ", ".join(sorted(known)[:8]) or "none defined"
        yield path, f"unknown {kind} '{ref}' (known: {choices})"


def _all_problems(sc: Scenario) -> Iterator[Problem]:
    yield from _sizes(sc)
    yield from _duplicates("actors", sc.actors)
    yield from _duplicates("issues", sc.issues)
    yield from _duplicates("channels", sc.channels)
    yield from _duplicates("audiences", sc.audiences)
    yield from _duplicates("moves", sc.moves)
    yield from _duplicates("claims", sc.claims)
    yield from (((("meta", *p[0]), p[1])) for p in _duplicates("sources", sc.meta.sources))
    yield from _colliding_keys(("parameters",), sc.parameters)

    actors = {a.id for a in sc.actors}
    issues = {i.id: i for i in sc.issues}
    channels = {c.id for c in sc.channels}
    audiences = {a.id for a in sc.audiences}
    moves = {m.id for m in sc.moves}
    inf = float("inf")

    rep = {a.id: a.represents for a in sc.actors}
    for i, a in enumerate(sc.actors):
        yield from _in_range(("actors", i, "capability"), a.capability, 0.0, inf, "capability")
        yield from _ref(("actors", i, "represents"), a.represents, actors, "actor")
        chain, cur = [a.id], a.represents
        while cur is not None and cur in rep and cur not in chain:  # a loop left the moves with no player (H13)
            chain.append(cur)
            cur = rep[cur]
        if cur is not None and cur in chain:
            yield (("actors", i, "represents"),
                   f"'{a.id}' represents itself" if cur == a.id and len(chain) == 1 else
                   f"'represents' goes round in a circle: {' -> '.join([*chain, cur])}")

    for i, iss in enumerate(sc.issues):
        yield from _in_range(("issues", i, "status_quo"), iss.status_quo, iss.scale.min,
                             iss.scale.max, "status quo")

    covered: set[str] = set()
    for actor_id, stances in sc.positions.items():
        yield from _ref(("positions", actor_id), actor_id, actors, "actor")
        total = 0.0
        for issue_id, st in stances.items():
            path = ("positions", actor_id, issue_id)
            yield from _ref(path, issue_id, set(issues), "issue")
            if issue_id not in issues:
                continue
            iss = issues[issue_id]
            covered.add(issue_id)
            yield from _in_range((*path, "position"), st.position, iss.scale.min, iss.scale.max,
                                 "position")
            yield from _in_range((*path, "salience"), st.salience, 0.0, 1.0, "salience")
            yield from _in_range((*path, "capability"), st.capability, 0.0, inf, "capability")
            total += st.salience.value
        budget = sc.settings.salience_budget
        if budget is not None and total > budget + 1e-9:
            yield (("positions", actor_id),
                   f"saliences of '{actor_id}' sum to {total:g}, above the budget {budget:g} "
                   "set in settings.salience_budget")

    for issue_id in issues:
        if issue_id not in covered:
            idx = next(k for k, x in enumerate(sc.issues) if x.id == issue_id)
            yield ("issues", idx, "id"), f"no actor takes a position on issue '{issue_id}'"

    for i, ch in enumerate(sc.channels):
        yield from _in_range(("channels", i, "audience_cost"), ch.audience_cost, 0.0, inf,
                             "audience cost")
        for k, p in enumerate(ch.participants):
            yield from _ref(("channels", i, "participants", k), p, actors, "actor")

    for i, au in enumerate(sc.audiences):
        for k, w in enumerate(au.watches):
            yield from _ref(("audiences", i, "watches", k), w, actors, "actor")
        yield from _ref(("audiences", i, "belongs_to"), au.belongs_to, actors, "actor")
        for issue_id, op in au.opinion.items():
            path = ("audiences", i, "opinion", issue_id)
            yield from _ref(path, issue_id, set(issues), "issue")
            if issue_id not in issues:
                continue
            iss = issues[issue_id]
            yield from _in_range(path, op, iss.scale.min, iss.scale.max, "opinion")
        yield from _in_range(("audiences", i, "weight"), au.weight, 0.0, inf, "weight")

    for i, mv in enumerate(sc.moves):
        base = ("moves", i)
        yield from _ref((*base, "actor"), mv.actor, actors, "actor")
        yield from _ref((*base, "channel"), mv.channel, channels, "channel")
        yield from _ref((*base, "target"), mv.target, actors, "actor")
        yield from _ref((*base, "issue"), mv.issue, set(issues), "issue")
        if mv.issue is not None and mv.issue in issues:
            iss = issues[mv.issue]
            yield from _in_range((*base, "position"), mv.position, iss.scale.min, iss.scale.max,
                                 "position")
        elif mv.position is not None:
            yield (*base, "position"), "a move with a position needs an 'issue'"
        yield from _in_range((*base, "intensity"), mv.intensity, 0.0, 1.0, "intensity")

    for i, cl in enumerate(sc.claims):
        base = ("claims", i, "check")
        ch = cl.check
        for field in ("issue", "actor", "player", "audience", "without_move"):
            ref = getattr(ch, field, None)
            known = {"issue": set(issues), "actor": actors, "player": actors,
                     "audience": audiences, "without_move": moves}[field]
            yield from _ref((*base, field), ref, known, field.replace("without_move", "move"))
        yield from _claim_numbers(base, ch, issues)

    sources = {s.id for s in sc.meta.sources}
    for path, ev in _evidence((), sc):
        if ev.source is not None:
            yield from _ref((*path, "source"), ev.source, sources, "source (not in meta.sources)")

    if sc.simulation is not None:
        yield from _simulation_problems(sc, actors, issues, audiences, moves)

    if sc.games is not None:
        yield from _games_problems(sc, actors, set(issues), channels, moves)

    if sc.known_outcome is not None:
        for issue_id, v in sc.known_outcome.values.items():
            path = ("known_outcome", "values", issue_id)
            yield from _ref(path, issue_id, set(issues), "issue")
            if issue_id not in issues:
                continue
            iss = issues[issue_id]
            yield from _in_range(path, v, iss.scale.min, iss.scale.max, "outcome value")


def _claim_numbers(base: tuple[str | int, ...], ch: Any, issues: dict[str, Any]) -> Iterator[Problem]:
    """A claim's model name, and its targets and thresholds on its issue's scale."""
    model = getattr(ch, "model", None)
    if model is not None and model not in MODEL_NAMES:
        yield (*base, "model"), f"unknown model '{model}' (models: {', '.join(MODEL_NAMES)})"
    iss = issues.get(getattr(ch, "issue", None) or "")
    if iss is None:
        return
    lo, hi = iss.scale.min, iss.scale.max
    span = hi - lo
    if isinstance(ch, ForecastNear):
        if isinstance(ch.target, float) and not lo <= ch.target <= hi:
            yield (*base, "target"), f"target {ch.target:g} is outside the scale of '{iss.id}' [{lo:g}, {hi:g}]"
        if ch.within > span:
            yield (*base, "within"), f"within {ch.within:g} is wider than the scale of '{iss.id}' ({span:g})"
    elif isinstance(ch, ForecastBetween):
        for field in ("low", "high"):
            v = getattr(ch, field)
            if not lo <= v <= hi:
                yield (*base, field), f"{field} {v:g} is outside the scale of '{iss.id}' [{lo:g}, {hi:g}]"
    elif isinstance(ch, OpinionSooner) and not lo <= ch.threshold <= hi:
        yield ((*base, "threshold"), f"threshold {ch.threshold:g} is outside the scale of '{iss.id}' "
               f"[{lo:g}, {hi:g}]")


def _parameter_range(sc: Scenario, path: tuple[str | int, ...], name: str, lo: float, hi: float,
                     what: str) -> Iterator[Problem]:
    """A named parameter a layer reads as ``what`` must lie in [lo, hi] over its whole range."""
    p = sc.parameters.get(name)
    if p is None:
        return
    a, b = p.bounds
    if a < lo - 1e-12 or b > hi + 1e-12:
        shown = f"{p.value:g}" if not p.is_range else f"[{a:g}, {b:g}]"
        yield path, f"parameter '{name}' = {shown} is read as {what} and must lie in [{lo:g}, {hi:g}]"


def _simulation_problems(sc: Scenario, actors: set[str], issues: dict[str, Any], audiences: set[str],
                         moves: set[str]) -> Iterator[Problem]:
    sim = sc.simulation
    assert sim is not None
    params = set(sc.parameters)
    base = ("simulation",)
    if len(sc.moves) > MAX_SIM_MOVES:
        yield (base, f"{len(sc.moves)} moves; a scenario with a simulation may have at most {MAX_SIM_MOVES} "
               "(it looks ahead over every move; see README, Limits)")
    if len(set(sim.players)) != len(sim.players):
        yield (*base, "players"), "a player is listed twice"
    for k, p in enumerate(sim.players):
        yield from _ref((*base, "players", k), p, actors, "actor")
    for k, p in enumerate(sim.scripted):
        yield from _ref((*base, "scripted", k), p, set(sim.players), "player")
    yield from _in_range((*base, "temperature"), sim.temperature, 1e-6, 1e6, "temperature")
    for k, g in enumerate(sim.gates):
        yield from _ref((*base, "gates", k, "move"), g.move, moves, "move")
        yield from _ref((*base, "gates", k, "audience"), g.audience, audiences, "audience")
        yield from _ref((*base, "gates", k, "issue"), g.issue, set(issues), "issue")
        yield from _ref((*base, "gates", k, "cohesion"), g.cohesion, {c.id for c in sim.cohesion}, "cohesion")
    for k, c in enumerate(sim.cohesion):
        yield from _ref((*base, "cohesion", k, "audience"), c.audience, audiences, "audience")
        yield from _ref((*base, "cohesion", k, "issue"), c.issue, set(issues), "issue")
    for section in ("move_costs", "move_benefits"):
        for move_id, refs in getattr(sim, section).items():
            yield from _ref((*base, section, move_id), move_id, moves, "move")
            for ref in [refs] if isinstance(refs, str) else refs:
                yield from _ref((*base, section, move_id), ref, params, "parameter")
    if sim.war is not None:
        for k, i in enumerate(sim.war.issues):
            yield from _ref((*base, "war", "issues", k), i, set(issues), "issue")
        for section in ("win_prob", "cost"):
            for player, ref in getattr(sim.war, section).items():
                yield from _ref((*base, "war", section, player), player, set(sim.players), "player")
                yield from _ref((*base, "war", section, player), ref, params, "parameter")
        for player, ref in sim.war.win_prob.items():
            yield from _parameter_range(sc, (*base, "war", "win_prob", player), ref, 0.0, 1.0,
                                        "a probability of winning")
    for aud, row in sim.trust.items():
        yield from _ref((*base, "trust", aud), aud, audiences, "audience")
        for src, x in row.items():
            yield from _ref((*base, "trust", aud, src), src, actors, "actor")
            if not 0.0 <= x <= 1.0:
                yield (*base, "trust", aud, src), f"trust {x:g} is outside [0, 1]"
    for aud, x in sim.susceptibility.items():
        yield from _ref((*base, "susceptibility", aud), aud, audiences, "audience")
        if not 0.0 <= x <= 1.0:
            yield (*base, "susceptibility", aud), f"susceptibility {x:g} is outside [0, 1]"


def _games_problems(sc: Scenario, actors: set[str], issues: set[str], channels: set[str],
                    moves: set[str]) -> Iterator[Problem]:
    games = sc.games
    assert games is not None
    yield from _duplicates("specs", games.specs)
    ids = {g.id for g in games.specs}
    yield from _ref(("games", "default"), games.default, ids, "game")
    params = set(sc.parameters)
    for k, g in enumerate(games.specs):
        base = ("games", "specs", k)
        yield from _ref((*base, "challenger"), g.challenger, actors, "actor")
        yield from _ref((*base, "defender"), g.defender, actors, "actor")
        if g.challenger == g.defender:
            yield (*base, "defender"), "challenger and defender must be different actors"
        yield from _ref((*base, "issue"), g.issue, issues, "issue")
        yield from _ref((*base, "troops_issue"), g.troops_issue, issues, "issue")
        yield from _ref((*base, "public_channel"), g.public_channel, channels, "channel")
        yield from _ref((*base, "closed_channel"), g.closed_channel, channels, "channel")
        for field in ("demand_move", "counter_move", "withdraw_move"):
            yield from _ref((*base, field), getattr(g, field), moves, "move")
        for term, ref in g.costs.items():
            yield from _ref((*base, "costs", str(term)), ref, params, "parameter")
            path = (*base, "costs", str(term))
            if term in PROBABILITY_TERMS:
                yield from _parameter_range(sc, path, ref, 0.0, 1.0, f"{term} (a probability or share)")
            elif term == CostTerm.defender_war_cost_max:
                yield from _parameter_range(sc, path, ref, 0.0, float("inf"), "a maximum war cost")
            elif term == CostTerm.horizon:
                yield from _parameter_range(sc, path, ref, 1.0, 1000.0, "a number of rounds")
    for i, cl in enumerate(sc.claims):
        yield from _ref(("claims", i, "check", "game"), getattr(cl.check, "game", None), ids, "game")


def all_problems(sc: Scenario, limit: int = 50) -> list[Problem]:
    """Every cross-field problem in ``sc`` (at most ``limit``), in document order of the checks."""
    out: list[Problem] = []
    try:
        for problem in _all_problems(sc):
            out.append(problem)
            if len(out) >= limit:
                break
    except (KeyError, StopIteration):  # a later check may lean on a reference already reported
        pass
    return out


def check_references(sc: Scenario) -> Problem | None:
    """The first cross-field problem in ``sc``, or None."""
    for problem in _all_problems(sc):
        return problem
    return None
