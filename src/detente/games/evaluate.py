"""Evaluate behaviour profiles: reach probabilities, values, beliefs, regrets, NashConv.

A profile is a list with one probability list per information set (chance sets hold
their fixed probabilities). Every sweep is linear in the number of nodes.
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.games.tree import CHANCE_PLAYER, DECISION, TERMINAL, Game

Profile = list[list[float]]


def uniform_profile(game: Game) -> Profile:
    return [list(s.probs) if s.player == CHANCE_PLAYER else [1.0 / len(s.actions)] * len(s.actions)
            for s in game.infosets]


def pure_profile(game: Game, choice: dict[int, int]) -> Profile:
    prof = uniform_profile(game)
    for iset, a in choice.items():
        prof[iset] = [1.0 if k == a else 0.0 for k in range(len(prof[iset]))]
    return prof


def node_values(game: Game, prof: Profile) -> list[list[float]]:
    """Expected payoff vector of every node under ``prof`` (bottom-up sweep)."""
    n = len(game.players)
    vals: list[list[float]] = [[]] * len(game)
    for node in range(len(game)):
        if game.kind[node] == TERMINAL:
            vals[node] = list(game.payoff[node])  # type: ignore[arg-type]
            continue
        probs = prof[game.infoset[node]]
        acc = [0.0] * n
        for p, c in zip(probs, game.children[node], strict=True):
            if p:
                vc = vals[c]
                for i in range(n):
                    acc[i] += p * vc[i]
        vals[node] = acc
    return vals


def reach_probs(game: Game, prof: Profile, exclude: int | None = None) -> list[float]:
    """Probability of reaching each node; with ``exclude``, that player's own moves count as 1."""
    reach = [0.0] * len(game)
    reach[game.root] = 1.0
    for node in range(len(game) - 1, -1, -1):
        r = reach[node]
        if game.kind[node] == TERMINAL or r == 0.0:
            continue
        iset = game.infoset[node]
        own = game.infosets[iset].player == exclude
        for p, c in zip(prof[iset], game.children[node], strict=True):
            reach[c] = r if own else r * p
    return reach


def beliefs(game: Game, prof: Profile, fallback: Sequence[list[float]] | None = None) -> list[list[float]]:
    """Bayes beliefs over the nodes of each information set (fallback or uniform off path)."""
    reach = reach_probs(game, prof)
    out = []
    for k, s in enumerate(game.infosets):
        w = [reach[h] for h in s.nodes]
        tot = sum(w)
        if tot > 1e-300:
            out.append([x / tot for x in w])
        elif fallback is not None:
            out.append(list(fallback[k]))
        else:
            out.append([1.0 / len(w)] * len(w))
    return out


def action_values(game: Game, prof: Profile, vals: list[list[float]] | None = None,
                  mu: list[list[float]] | None = None) -> list[list[float]]:
    """Expected value of each action at each information set to its mover, given beliefs."""
    vals = vals if vals is not None else node_values(game, prof)
    mu = mu if mu is not None else beliefs(game, prof)
    out = []
    for k, s in enumerate(game.infosets):
        if s.player == CHANCE_PLAYER:
            out.append([0.0] * len(s.actions))
            continue
        q = [0.0] * len(s.actions)
        for w, h in zip(mu[k], s.nodes, strict=True):
            if w:
                for a, c in enumerate(game.children[h]):
                    q[a] += w * vals[c][s.player]
        out.append(q)
    return out


def agent_regret(game: Game, prof: Profile, mu: list[list[float]] | None = None) -> float:
    """Largest gain from a one-shot deviation at any information set (sequential rationality)."""
    q = action_values(game, prof, mu=mu)
    worst = 0.0
    for k in game.decision_infosets():
        exp = sum(p * v for p, v in zip(prof[k], q[k], strict=True))
        worst = max(worst, max(q[k]) - exp)
    return worst


def best_response_value(game: Game, prof: Profile, player: int) -> float:
    """Value to ``player`` of a best response against the others in ``prof`` (perfect recall).

    Iterative: a node of ``player`` waits until the children of every node in its information
    set have values, then the set's best action (weighted by the others' reach) is fixed.
    """
    rho = reach_probs(game, prof, exclude=player)
    value: dict[int, float] = {}
    choice: dict[int, int] = {}
    stack = [game.root]
    while stack:
        node = stack[-1]
        if node in value:
            stack.pop()
            continue
        kind = game.kind[node]
        if kind == TERMINAL:
            value[node] = game.payoff[node][player]  # type: ignore[index]
            stack.pop()
            continue
        iset = game.infoset[node]
        own = kind == DECISION and game.infosets[iset].player == player
        needed = ([c for h in game.infosets[iset].nodes for c in game.children[h]] if own and iset not in choice
                  else list(game.children[node]))
        missing = [c for c in needed if c not in value]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        if own:
            if iset not in choice:
                s = game.infosets[iset]
                scores = [sum(rho[h] * value[game.children[h][a]] for h in s.nodes) for a in range(len(s.actions))]
                choice[iset] = max(range(len(scores)), key=scores.__getitem__)
            value[node] = value[game.children[node][choice[iset]]]
        else:
            value[node] = sum(p * value[c] for p, c in zip(prof[iset], game.children[node], strict=True) if p)
    return value[game.root]


def nash_conv(game: Game, prof: Profile) -> float:
    """Sum over players of what a best response gains: 0 exactly at a Nash equilibrium."""
    base = node_values(game, prof)[game.root]
    return sum(max(0.0, best_response_value(game, prof, i) - base[i]) for i in range(len(game.players)))


def outcome_distribution(game: Game, prof: Profile) -> dict[str, float]:
    reach = reach_probs(game, prof)
    out: dict[str, float] = {}
    for n in range(len(game)):
        if game.kind[n] == TERMINAL and reach[n] > 0:
            key = game.outcome[n] or f"node {n}"
            out[key] = out.get(key, 0.0) + reach[n]
    return out


def class_distribution(game: Game, prof: Profile) -> dict[str, float]:
    reach = reach_probs(game, prof)
    out: dict[str, float] = {}
    for n in range(len(game)):
        if game.kind[n] == TERMINAL and reach[n] > 0:
            key = game.outcome_class[n] or "unclassified"
            out[key] = out.get(key, 0.0) + reach[n]
    return out


