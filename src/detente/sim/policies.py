"""How players choose moves: a plug-in protocol and the built-in policies.

The engine only knows :class:`Policy` (``choose(ctx) -> move ids``). Built in are logit
choice over a short look-ahead (bounded rationality with a stated temperature), a scripted
sequence (the scenario's moves in ``step`` order, to replay history or a narrative), and
passing. Anything else — a crisis-game strategy, a language-model agent behind an
OpenAI-compatible endpoint — plugs in by implementing ``choose``; the engine never calls a
network itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from detente.sim.lookahead import LeafBatch
from detente.sim.world import State, World, apply, available, end_round, shadowed_value, value


@dataclass
class DecisionContext:
    """What a policy sees when it is its player's turn."""

    world: World
    state: State
    player: int
    round: int
    rng: np.random.Generator
    planner: Planner

    @property
    def options(self) -> list[str]:
        return [self.world.moves[k].id for k in available(self.world, self.state, self.player)]

    def expected_utilities(self) -> dict[str, float]:
        return {self.world.moves[k].id: u for k, u in self.planner.utilities(self.state, self.player)}

    def describe(self) -> str:
        """A plain-text view of the situation and the menu (for text-based agents)."""
        w, s, p = self.world, self.state, self.player
        lines = [f"You are {w.player_names[p]} in round {self.round} of {w.scenario_id}.",
                 f"Tension: {s.level:.2f} ({w.catalogue.rung_name(s.level)})."]
        for i, name in enumerate(w.issue_names):
            lines.append(f"- {name}: on the ground {s.realised[i]:g}; you say {s.stated[p][i]:g} in public, "
                         f"{s.offer[p][i]:g} in private; they say {s.stated[1 - p][i]:g}.")
        lines.append("Moves you may make:")
        for k in available(w, s, p):
            mv = w.moves[k]
            lines.append(f"- {mv.id}: {mv.label} ({mv.type}, {mv.track} track)")
        return "\n".join(lines)


@runtime_checkable
class Policy(Protocol):
    name: str

    def choose(self, ctx: DecisionContext) -> Sequence[str]:
        """Move ids to make this round, in order (empty: make no move)."""
        ...


class Planner:
    """Expected utility of each move over a two-step horizon, cached by state.

    EU_p(m) = sum_r P_q(r | s_m) * V~_p(end(s_{m,r})): the player's move, the other's logit
    reply, the round's end; V~ is the state's value under the shadow of war (the other side
    escalates with the logit probability of its own gain from war).
    """

    def __init__(self, world: World, temperature: float | None = None) -> None:
        self.world = world
        self.temperature = temperature or world.temperature
        self._cache: dict[tuple[object, ...], list[tuple[int, float]]] = {}
        self._leaves = LeafBatch(world)
        self._passes = frozenset(k for k, m in enumerate(world.moves) if m.type == "pass")

    def utilities(self, s: State, p: int) -> list[tuple[int, float]]:
        key = (p, s.key())
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        w, t = self.world, self.temperature
        passes = self._passes
        q = 1 - p
        leaves: list[State] = []
        groups: list[tuple[int, int, int]] = []  # (move, first leaf, end) or (move, -1, -1): valued alone
        alone: dict[int, float] = {}
        pairs: list[tuple[int, int]] = []
        for k in available(w, s, p):
            sm = apply(w, s, k)
            replies = available(w, sm, q)
            if not replies:
                alone[k] = value(w, p, sm) if sm.war_by >= 0 else shadowed_value(w, p, end_round(w, sm))
                groups.append((k, -1, -1))
                continue
            start = len(leaves)
            leaves.extend(sm if r in passes else apply(w, sm, r) for r in replies)
            pairs.extend((k, r) for r in replies)
            groups.append((k, start, len(leaves)))
        vals = self.leaf_values(s, leaves, pairs) if leaves else []
        out = []
        for k, start, end in groups:
            if start < 0:
                out.append((k, alone[k]))
                continue
            rows = vals[start:end]
            probs = softmax([v[q] for v in rows], t)
            out.append((k, sum(pr * v[p] for pr, v in zip(probs, rows, strict=True))))
        self._cache[key] = out
        return out


    def leaf_values(self, s: State, leaves: list[State], pairs: list[tuple[int, int]]) -> list[list[float]]:
        """Both players' values of each leaf at the round's end, under the shadow of war."""
        return self._leaves.values(s, leaves, pairs).tolist()


class ReferencePlanner(Planner):
    """The same planner valuing each leaf one at a time with :mod:`detente.sim.world`'s own
    functions: the reference the fast path is tested and benchmarked against."""

    def leaf_values(self, s: State, leaves: list[State], pairs: list[tuple[int, int]]) -> list[list[float]]:
        w = self.world
        out = []
        for sr in leaves:
            se = end_round(w, sr)
            out.append([shadowed_value(w, x, se) for x in range(w.n_players)])
        return out


def softmax(us: Sequence[float], temperature: float) -> list[float]:
    top = max(us)
    ex = [math.exp((u - top) / temperature) for u in us]
    z = sum(ex)
    return [e / z for e in ex]


def draw(probs: Sequence[float], rng: np.random.Generator) -> int:
    u = float(rng.random())
    acc = 0.0
    for k, pr in enumerate(probs):
        acc += pr
        if u < acc:
            return k
    return len(probs) - 1


class LogitPolicy:
    """Logit (quantal) choice: P(m) proportional to exp(EU(m) / temperature)."""

    name = "logit"

    def __init__(self, temperature: float | None = None) -> None:
        self.temperature = temperature

    def choose(self, ctx: DecisionContext) -> list[str]:
        us = ctx.planner.utilities(ctx.state, ctx.player)
        if not us:
            return []
        t = self.temperature or ctx.planner.temperature
        k = draw(softmax([u for _, u in us], t), ctx.rng)
        return [ctx.world.moves[us[k][0]].id]


class ArgmaxPolicy:
    """The best move by expected utility (ties: the first on the menu): the logit choice's
    limit as the temperature falls to 0, i.e. the modal path. Draws nothing."""

    name = "argmax"

    def choose(self, ctx: DecisionContext) -> list[str]:
        us = ctx.planner.utilities(ctx.state, ctx.player)
        if not us:
            return []
        best = max(range(len(us)), key=lambda j: us[j][1])
        return [ctx.world.moves[us[best][0]].id]


class PassPolicy:
    name = "pass"

    def choose(self, ctx: DecisionContext) -> list[str]:
        return []


class ScriptedPolicy:
    """Plays the player's moves whose ``step`` is ``round - 1`` (steps count from 0), in file
    order; once the script is over, hands over to ``then``."""

    name = "scripted"

    def __init__(self, then: Policy | None = None) -> None:
        self.then = then or PassPolicy()

    def choose(self, ctx: DecisionContext) -> list[str]:
        w = ctx.world
        if ctx.round - 1 > w.max_step():
            return list(self.then.choose(ctx))
        allowed = set(ctx.options)
        return [m.id for m in w.moves
                if m.player == ctx.player and m.step == ctx.round - 1 and m.id in allowed]


POLICIES: dict[str, Callable[[], Policy]] = {
    "logit": LogitPolicy,
    "argmax": ArgmaxPolicy,
    "pass": PassPolicy,
}


def register_policy(name: str, factory: Callable[[], Policy]) -> None:
    """Make a policy available by name (e.g. a crisis-game strategy adapter)."""
    POLICIES[name] = factory
