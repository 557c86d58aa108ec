"""All pure-strategy weak perfect Bayesian equilibria of a small game, by enumeration.

The logit trace returns one (possibly mixed) sequential equilibrium; this lists every
pure agent profile that is sequentially rational at every information set for some
beliefs: Bayes' rule where the set is reached, and any belief (found by a small LP)
where it is not. Mixed equilibria are not enumerated.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from detente.games.evaluate import Profile, node_values, pure_profile, reach_probs
from detente.games.tree import CHANCE_PLAYER, Game

MAX_PROFILES = 50_000


@dataclass
class PureEquilibrium:
    choice: dict[str, str]  # "player: infoset" -> action
    profile: Profile


def _some_belief_supports(vals: list[list[float]], game: Game, iset: int, a: int, tol: float) -> bool:
    s = game.infosets[iset]
    n = len(s.nodes)
    v = np.array([[vals[c][s.player] for c in game.children[h]] for h in s.nodes])  # (nodes, actions)
    others = [b for b in range(len(s.actions)) if b != a]
    if not others:
        return True
    a_ub = np.array([v[:, b] - v[:, a] for b in others])  # mu @ (v_b - v_a) <= tol
    res = linprog(np.zeros(n), A_ub=a_ub, b_ub=np.full(len(others), tol), A_eq=np.ones((1, n)), b_eq=[1.0],
                  bounds=[(0, 1)] * n, method="highs")
    return bool(res.status == 0)


def pure_pbe(game: Game, tol: float = 1e-9) -> list[PureEquilibrium] | None:
    """Every pure weak PBE, or None when there are more than MAX_PROFILES pure profiles."""
    dec = [k for k, s in enumerate(game.infosets) if s.player != CHANCE_PLAYER]
    sizes = [len(game.infosets[k].actions) for k in dec]
    if float(np.prod(np.array(sizes, dtype=float))) > MAX_PROFILES:
        return None
    out = []
    for combo in itertools.product(*(range(n) for n in sizes)):
        choice = dict(zip(dec, combo, strict=True))
        prof = pure_profile(game, choice)
        vals = node_values(game, prof)
        reach = reach_probs(game, prof)
        ok = True
        for k, a in choice.items():
            s = game.infosets[k]
            w = [reach[h] for h in s.nodes]
            tot = sum(w)
            if tot > 0:
                q = [sum(wi * vals[game.children[h][b]][s.player] for wi, h in zip(w, s.nodes, strict=True)) / tot
                     for b in range(len(s.actions))]
                if max(q) - q[a] > tol:
                    ok = False
                    break
            elif not _some_belief_supports(vals, game, k, a, tol):
                ok = False
                break
        if ok:
            out.append(PureEquilibrium(
                {f"{game.players[game.infosets[k].player]}: {game.infosets[k].label}": game.infosets[k].actions[a]
                 for k, a in choice.items()}, prof))
    return out
