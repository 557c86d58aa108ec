"""A policy that plays a chosen actor's moves by a crisis game's equilibrium strategy.

The crisis game (``detente.games``, a layer below) is a tree of stages; the simulation is a
round loop. They meet through a mapping from (game player, game action) to a simulation move.
Each time the actor is to move, the policy reads the game's position off the moves already
played (walking down the tree while the move mapped to one of a node's actions has been made),
and at a node of its own draws an action from the equilibrium's probabilities with the run's
generator. A mapped move is played if it is on the menu; an action with no move (such as
"hold") or a node that is not the actor's means no new move this round (or the fallback
policy's choice). The policy keeps no state between calls, so one instance serves many runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detente.errors import InputError
from detente.games.tree import DECISION, Game
from detente.scenario.schema import Scenario
from detente.sim.policies import DecisionContext, Policy, draw


class GamePolicy:
    """Plays ``actor``'s moves by ``profile`` (action probabilities per information set) of ``game``."""

    name = "game"

    def __init__(self, game: Game, profile: list[list[float]], actor: str,
                 moves: Mapping[tuple[str, str], str], fallback: Policy | None = None) -> None:
        self.game = game
        self.profile = profile
        self.actor = actor
        self.player = game.player_index(actor)
        self.moves = dict(moves)
        self.fallback = fallback

    def node(self, ctx: DecisionContext) -> int:
        """The game node the simulation has reached: follow actions whose moves were made."""
        g, w = self.game, ctx.world
        played = {w.moves[k].id for k in ctx.state.played}
        node = g.root
        while g.kind[node] == DECISION:
            who = g.players[g.player_of(node)]
            nxt = None
            for action, child in zip(g.actions_of(node), g.children[node], strict=True):
                if self.moves.get((who, action)) in played:
                    nxt = child
                    break
            if nxt is None:
                break
            node = nxt
        return node

    def choose(self, ctx: DecisionContext) -> list[str]:
        g = self.game
        node = self.node(ctx)
        if g.kind[node] == DECISION and g.player_of(node) == self.player:
            probs = self.profile[g.infoset[node]]
            action = g.actions_of(node)[draw(probs, ctx.rng)]
            move = self.moves.get((self.actor, action))
            if move is not None and move in ctx.options:
                return [move]
        return list(self.fallback.choose(ctx)) if self.fallback is not None else []


def two_track_moves(sc: Scenario, spec_id: str | None = None) -> dict[tuple[str, str], str]:
    """The (player, action) -> move mapping for a scenario's two-track game: the spec's demand,
    counter and withdraw moves, the challenger's war and hold moves, the defender's reject and
    accept moves on the demand's issue and its offer on the closed channel."""
    from detente.games.build import pick_spec

    spec = pick_spec(sc, spec_id)
    c, d = spec.challenger, spec.defender
    owner = {a.id: (a.represents or a.id) for a in sc.actors}

    def first(actor: str, types: set[str], **want: Any) -> str | None:
        for mv in sc.moves:
            if owner.get(mv.actor, mv.actor) == actor and mv.type.value in types and \
                    all(getattr(mv, k) == v for k, v in want.items()):
                return mv.id
        return None

    out = {
        (c, "ultimatum"): spec.demand_move,
        (d, "counter"): spec.counter_move,
        (c, "withdraw"): spec.withdraw_move,
        (c, "escalate"): first(c, {"escalate", "assault"}),
        (c, "hold"): first(c, {"hold"}),
        (d, "reject"): first(d, {"reject"}, issue=spec.issue),
        (d, "accept"): first(d, {"accept"}, issue=spec.issue),
        (d, "closed_deal"): first(d, {"offer"}, channel=spec.closed_channel) if spec.closed_channel else None,
    }
    return {k: v for k, v in out.items() if v is not None}


def scenario_game_policy(sc: Scenario, actor: str, spec_id: str | None = None,
                         fallback: Policy | None = None) -> GamePolicy:
    """``actor`` plays the equilibrium of the scenario's crisis game (its ``games:`` section)."""
    from detente.games.build import run_scenario_game

    run = run_scenario_game(sc, spec_id, with_thresholds=False)
    if actor not in run.game.players:
        raise InputError(f"'{actor}' is not a player of the crisis game (players: "
                         f"{', '.join(run.game.players)})", sc.meta.id, field="--game-player")
    return GamePolicy(run.game, run.solution.profile, actor, two_track_moves(sc, spec_id), fallback)
