"""Cross-field checks a schema cannot express: ids, references, ranges, budgets.

Each check returns the path of the offending field and a reason, so the loader can
point at the exact line. The first problem found is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from detente.scenario.numbers import Num
from detente.scenario.schema import Scenario

Problem = tuple[tuple[str | int, ...], str]


def _duplicates(section: str, items: Iterable[Any]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (section, i, "id"), f"duplicate id '{item.id}' in {section}"
        seen.add(item.id)


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
    yield from _duplicates("actors", sc.actors)
    yield from _duplicates("issues", sc.issues)
    yield from _duplicates("channels", sc.channels)
    yield from _duplicates("audiences", sc.audiences)
    yield from _duplicates("moves", sc.moves)
    yield from _duplicates("claims", sc.claims)
    yield from (((("meta", *p[0]), p[1])) for p in _duplicates("sources", sc.meta.sources))

    actors = {a.id for a in sc.actors}
    issues = {i.id: i for i in sc.issues}
    channels = {c.id for c in sc.channels}
    audiences = {a.id for a in sc.audiences}
    moves = {m.id for m in sc.moves}
    inf = float("inf")

    for i, a in enumerate(sc.actors):
        yield from _in_range(("actors", i, "capability"), a.capability, 0.0, inf, "capability")
        yield from _ref(("actors", i, "represents"), a.represents, actors, "actor")

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
            iss = issues[issue_id]
            yield from _in_range(path, op, iss.scale.min, iss.scale.max, "opinion")
        yield from _in_range(("audiences", i, "weight"), au.weight, 0.0, inf, "weight")

    for i, mv in enumerate(sc.moves):
        base = ("moves", i)
        yield from _ref((*base, "actor"), mv.actor, actors, "actor")
        yield from _ref((*base, "channel"), mv.channel, channels, "channel")
        yield from _ref((*base, "target"), mv.target, actors, "actor")
        yield from _ref((*base, "issue"), mv.issue, set(issues), "issue")
        if mv.issue is not None:
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

    if sc.simulation is not None:
        yield from _simulation_problems(sc, actors, issues, audiences, moves)

    if sc.games is not None:
        yield from _games_problems(sc, actors, set(issues), channels, moves)

    if sc.known_outcome is not None:
        for issue_id, v in sc.known_outcome.values.items():
            path = ("known_outcome", "values", issue_id)
            yield from _ref(path, issue_id, set(issues), "issue")
            iss = issues[issue_id]
            yield from _in_range(path, v, iss.scale.min, iss.scale.max, "outcome value")


def _simulation_problems(sc: Scenario, actors: set[str], issues: dict[str, Any], audiences: set[str],
                         moves: set[str]) -> Iterator[Problem]:
    sim = sc.simulation
    assert sim is not None
    params = set(sc.parameters)
    base = ("simulation",)
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
    for i, cl in enumerate(sc.claims):
        yield from _ref(("claims", i, "check", "game"), getattr(cl.check, "game", None), ids, "game")


def check_references(sc: Scenario) -> Problem | None:
    """The first cross-field problem in ``sc``, or None."""
    for problem in _all_problems(sc):
        return problem
    return None
