"""Perfect-information solvers: backward induction (SPE) and Signorino's logit QRE recursion.

Both are one upward sweep over node ids (children have smaller ids than parents), so
time is linear in the size of the tree.
"""

from __future__ import annotations

import math

from detente.games.evaluate import Profile
from detente.games.tree import CHANCE, TERMINAL, Game

TIE_TOL = 1e-12


def _require_pi(game: Game, what: str) -> None:
    if not game.perfect_information:
        raise ValueError(f"{what} needs a perfect-information game; this one has information sets")


def backward_induction(game: Game) -> tuple[Profile, list[list[float]], list[int]]:
    """Subgame-perfect equilibrium in pure strategies.

    Returns the profile, every node's value vector, and the nodes where the mover was
    indifferent between optimal actions (ties are broken toward the first listed action,
    so each template lists its tie-break action first; other SPE exist at those nodes).
    """
    _require_pi(game, "backward induction")
    n = len(game.players)
    kind, children, infoset, payoff = game.kind, game.children, game.infoset, game.payoff
    isets = game.infosets
    prof: Profile = [[]] * len(isets)
    vals: list[list[float]] = [[]] * len(game)
    ties: list[int] = []
    for node in range(len(game)):
        k = kind[node]
        if k == TERMINAL:
            vals[node] = payoff[node]  # type: ignore[assignment]
            continue
        iset = infoset[node]
        ch = children[node]
        if k == CHANCE:
            probs = isets[iset].probs
            acc = [0.0] * n
            for p, c in zip(probs, ch, strict=True):  # type: ignore[arg-type]
                vc = vals[c]
                for i in range(n):
                    acc[i] += p * vc[i]
            vals[node] = acc
            prof[iset] = list(probs)  # type: ignore[arg-type]
            continue
        pl = isets[iset].player
        best, best_v = 0, vals[ch[0]][pl]
        tie = False
        for a in range(1, len(ch)):
            v = vals[ch[a]][pl]
            if v > best_v + TIE_TOL * max(1.0, abs(best_v)):
                best, best_v, tie = a, v, False
            elif abs(v - best_v) <= TIE_TOL * max(1.0, abs(best_v)):
                tie = True
        if tie:
            ties.append(node)
        strat = [0.0] * len(ch)
        strat[best] = 1.0
        prof[iset] = strat
        vals[node] = vals[ch[best]]
    return prof, vals, ties


def logit_qre(game: Game, lam: float) -> tuple[Profile, list[list[float]]]:
    """Agent logit QRE at precision ``lam`` by Signorino's (1999) recursion.

    At each decision node P(a) = exp(lam * V_a) / sum_b exp(lam * V_b), where V_a is the
    mover's expected value of the subtree after a, computed bottom-up.
    """
    _require_pi(game, "the QRE recursion")
    if lam < 0 or not math.isfinite(lam):
        raise ValueError("lambda must be a finite non-negative number")
    n = len(game.players)
    prof: Profile = [[]] * len(game.infosets)
    vals: list[list[float]] = [[]] * len(game)
    for node in range(len(game)):
        k = game.kind[node]
        if k == TERMINAL:
            vals[node] = list(game.payoff[node])  # type: ignore[arg-type]
            continue
        iset = game.infoset[node]
        ch = game.children[node]
        s = game.infosets[iset]
        if k == CHANCE:
            probs = list(s.probs)  # type: ignore[arg-type]
        else:
            u = [vals[c][s.player] for c in ch]
            m = max(u)
            w = [math.exp(lam * (x - m)) for x in u]
            tot = sum(w)
            probs = [x / tot for x in w]
        prof[iset] = probs
        acc = [0.0] * n
        for p, c in zip(probs, ch, strict=True):
            for i in range(n):
                acc[i] += p * vals[c][i]
        vals[node] = acc
    return prof, vals
