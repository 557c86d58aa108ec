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

from detente.sim.lookahead import Effects, LeafBatch, touches
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
            past = (f"; as the history's step {mv.step}, made again" if mv.step is not None
                    and not (p in w.scripted and self.round == mv.step + 1) else "")
            lines.append(f"- {mv.id}: {mv.label} ({mv.type}, {mv.track} track{past})")
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

    def __init__(self, world: World, temperature: float | None = None, *, cache: bool = True) -> None:
        self.world = world
        self.temperature = temperature or world.temperature
        self.cache = cache  # off for a planner that serves one run only (no state comes twice)
        self._cache: dict[tuple[object, ...], list[tuple[int, float]]] = {}
        self._leaves = LeafBatch(world)
        self._passes = frozenset(k for k, m in enumerate(world.moves) if m.type == "pass")
        n = len(world.moves)
        self._touch = [[touches(world, k, r) for r in range(n)] for k in range(n)]
        # per-world memos the engine's log reads (fixed words of each move; the gated moves in
        # menu order), kept here because one planner serves every run of its world
        self.phrases: dict[tuple[int, bool, bool], str] = {}
        self.gated = [k for p in range(world.n_players) for k in world.menu[p]
                      if world.moves[k].gates or world.moves[k].cgates]

    def utilities(self, s: State, p: int) -> list[tuple[int, float]]:
        key = (p, s.key()) if self.cache else None
        hit = self._cache.get(key) if key is not None else None
        if hit is not None:
            return hit
        w = self.world
        passes = self._passes
        touch = self._touch
        q = 1 - p
        bases: list[State] = []  # states after the player's move, and whole leaves where needed
        gi: list[int] = []  # per leaf: its base
        ei: list[int] = []  # per leaf: the reply's effect added to the base (-1: none)
        effects = Effects()
        known = effects.by_move
        ks: list[int] = []  # the player's moves whose leaves follow, in order
        rs: list[int] = []  # the other's reply of each leaf
        sizes: list[int] = []
        alone: list[tuple[int, float]] = []  # moves after which the other cannot reply (war)
        order: list[int] = []
        # a move changes neither the opinion table nor cohesion (only the round's end replaces
        # them), so the other's menu after any move is its menu now, or nothing after war
        menu_q = available(w, s, q)
        for k in available(w, s, p):
            order.append(k)
            sm = apply(w, s, k)
            replies = menu_q if sm.war_by < 0 else []
            if not replies:
                alone.append((k, value(w, p, sm) if sm.war_by >= 0 else shadowed_value(w, p, end_round(w, sm))))
                continue
            b = len(bases)
            bases.append(sm)
            row = touch[k]
            for r in replies:
                if r in passes:
                    gi.append(b)
                    ei.append(-1)
                elif row[r]:
                    gi.append(len(bases))
                    ei.append(-1)
                    bases.append(apply(w, sm, r))
                else:
                    gi.append(b)
                    e = known.get(r)
                    ei.append(e if e is not None else effects.of(w, s, r))
            ks.append(k)
            rs += replies
            sizes.append(len(replies))
        eu: dict[int, float] = dict(alone)
        if gi:
            vals = self.leaf_rows(s, bases, gi, ei, effects, np.repeat(ks, sizes), rs)
            eu.update(zip(ks, expected(vals[:, q], vals[:, p], sizes, self.temperature), strict=True))
        out = [(k, eu[k]) for k in order]
        if key is not None:
            self._cache[key] = out
        return out

    def leaf_rows(self, s: State, bases: list[State], gi: list[int], ei: list[int], effects: Effects,
                  ks: np.ndarray, rs: list[int]) -> np.ndarray:
        """(L, 2): both players' values of each leaf at the round's end, under the shadow of war."""
        return self._leaves.values_of(s, bases, gi, ei, effects, ks, rs)

    def leaf_values(self, s: State, leaves: list[State], ks: np.ndarray, rs: list[int]) -> np.ndarray:
        """(L, 2): both players' values of each leaf at the round's end, under the shadow of war;
        leaf j grew from ``s`` by the player's move ``ks[j]`` and the other's reply ``rs[j]``."""
        return self._leaves.values(s, leaves, ks, rs)


class ReferencePlanner(Planner):
    """The same planner valuing each leaf one at a time with :mod:`detente.sim.world`'s own
    functions: the reference the fast path is tested and benchmarked against."""

    def __init__(self, world: World, temperature: float | None = None, *, cache: bool = True) -> None:
        super().__init__(world, temperature, cache=cache)
        self._touch = [[True] * len(world.moves) for _ in world.moves]  # every leaf a whole state

    def leaf_values(self, s: State, leaves: list[State], ks: np.ndarray, rs: list[int]) -> np.ndarray:
        w = self.world
        out = []
        for sr in leaves:
            se = end_round(w, sr)
            out.append([shadowed_value(w, x, se) for x in range(w.n_players)])
        return np.array(out, dtype=float).reshape(-1, w.n_players)

    def leaf_rows(self, s: State, bases: list[State], gi: list[int], ei: list[int], effects: Effects,
                  ks: np.ndarray, rs: list[int]) -> np.ndarray:
        return self.leaf_values(s, [bases[g] for g in gi], ks, rs)


def expected(theirs: np.ndarray, mine: np.ndarray, sizes: list[int], temperature: float) -> list[float]:
    """Per consecutive group of leaves (one per move of the player), the player's expected value
    when the other replies by logit choice on its own values: sum softmax(theirs / T) * mine."""
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    group = np.repeat(np.arange(len(sizes)), sizes)
    top = np.maximum.reduceat(theirs, starts)
    ex = np.exp((theirs - top[group]) / temperature)
    return (np.add.reduceat(ex * mine, starts) / np.add.reduceat(ex, starts)).tolist()


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
