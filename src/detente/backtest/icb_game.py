"""The ICB crisis game: a three-move crisis between the crisis actor (defender D) and the triggering
entity (challenger C), after the trigger (C's first move, already made). Decision ICB4.

    D: concede ─────────────────────────────── capitulation of D   (ICB: defeat)
       resist → C: back down ───────────────── capitulation of C   (ICB: victory)
                   use force ───────────────── escalation (war)
                   bargain → D: accept split ─ agreement           (ICB: compromise)
                                hold ───────── stalemate
                                use force ──── escalation (war)

Payoffs are a function of named terms only (per crisis, arrays broadcast): each side's stake, D's
war-win probability, each side's war cost and standoff cost, and D's share of a negotiated split
(the concession value). D holds share x of the stake at each outcome: 0 if D concedes, 1 if C backs
down, ``deal_share`` in a deal, 1/2 in a stalemate (the stake stays contested), and wins it all with
probability ``win_prob`` in a war; U_D = stake_d·x − costs, U_C = stake_c·(1 − x) − costs. Each mover
chooses by logit with precision ``lam`` (agent QRE, Signorino's strategic logit); with perfect
information it is solved by one backward pass, vectorised over crises. :func:`build_game` builds the
same game as a detente games-layer tree, so the closed form can be checked against the games layer's
own QRE solver (and any general crisis model can show this game as a special case of its own).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.games.tree import Game

# Order of the outcome probabilities returned by outcome_probs (the split mapping's class order).
OUTCOMES = ("agreement", "stalemate", "capitulation_actor", "capitulation_adversary", "escalation")
STALEMATE_SHARE = 0.5


@dataclass(frozen=True)
class CrisisTerms:
    """Named terms of the ICB crisis game; each a number or an array (one entry per crisis)."""

    stake_d: np.ndarray | float
    stake_c: np.ndarray | float
    win_prob: np.ndarray | float  # D's probability of winning a war
    war_cost_d: np.ndarray | float
    war_cost_c: np.ndarray | float
    standoff_cost_d: np.ndarray | float
    standoff_cost_c: np.ndarray | float
    deal_share: np.ndarray | float  # D's share of the stake in a negotiated split
    lam: np.ndarray | float = 1.0  # logit precision (1 / QRE temperature)


def payoffs(t: CrisisTerms) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(U_D, U_C) at each terminal: concede, back_down, deal, stalemate, war."""
    sd, sc, p, q = (np.asarray(v) for v in (t.stake_d, t.stake_c, t.win_prob, t.deal_share))
    zero = np.zeros(np.broadcast(sd, sc, p, q).shape)
    return {
        "concede": (zero, sc + zero),
        "back_down": (sd + zero, zero),
        "deal": (sd * q + zero, sc * (1 - q) + zero),
        "stalemate": (sd * STALEMATE_SHARE - t.standoff_cost_d + zero,
                      sc * (1 - STALEMATE_SHARE) - t.standoff_cost_c + zero),
        "war": (sd * p - t.war_cost_d + zero, sc * (1 - p) - t.war_cost_c + zero),
    }


def _softmax(lam: np.ndarray | float, *u: np.ndarray) -> list[np.ndarray]:
    z = np.stack([lam * x for x in u])
    z = z - z.real.max(axis=0)  # a common shift; real part only, so complex-step derivatives pass through
    w = np.exp(z)
    w /= w.sum(axis=0)
    return list(w)


def outcome_probs(t: CrisisTerms) -> np.ndarray:
    """Agent-QRE outcome probabilities, shape (..., n, 5) in the order of :data:`OUTCOMES`.

    Terms may carry leading batch dimensions and complex values (the estimator differentiates by
    complex step); ``lam`` may then be an array broadcasting against them.
    """
    u = payoffs(t)
    lam = t.lam
    # D's last move: accept the split, hold, or use force.
    a2, h2, f2 = _softmax(lam, u["deal"][0], u["stalemate"][0], u["war"][0])
    v2_c = a2 * u["deal"][1] + h2 * u["stalemate"][1] + f2 * u["war"][1]
    v2_d = a2 * u["deal"][0] + h2 * u["stalemate"][0] + f2 * u["war"][0]
    # C: back down, use force, or bargain.
    b1, f1, g1 = _softmax(lam, u["back_down"][1], u["war"][1], v2_c)
    v1_d = b1 * u["back_down"][0] + f1 * u["war"][0] + g1 * v2_d
    # D after the trigger: concede or resist.
    c0, r0 = _softmax(lam, u["concede"][0], v1_d)
    out = np.stack([r0 * g1 * a2, r0 * g1 * h2, c0, r0 * b1, r0 * (f1 + g1 * f2)], axis=-1)
    return np.atleast_2d(out)


def build_game(t: CrisisTerms) -> Game:
    """The same game as a games-layer tree (scalar terms), for its QRE and explanation tools."""
    u = {k: (float(np.asarray(a).ravel()[0]), float(np.asarray(b).ravel()[0])) for k, (a, b) in payoffs(t).items()}
    g = Game(["defender", "challenger"], title="ICB crisis game (decision ICB4)")
    deal = g.terminal(u["deal"], "deal", "agreement")
    hold = g.terminal(u["stalemate"], "stalemate", "stalemate")
    war_d = g.terminal(u["war"], "war (defender strikes)", "escalation")
    d2 = g.decision("defender", {"accept": deal, "hold": hold, "force": war_d}, "D2")
    back = g.terminal(u["back_down"], "challenger backs down", "capitulation")
    war_c = g.terminal(u["war"], "war (challenger strikes)", "escalation")
    c1 = g.decision("challenger", {"back_down": back, "force": war_c, "bargain": d2}, "C1")
    concede = g.terminal(u["concede"], "defender concedes", "capitulation")
    g.decision("defender", {"concede": concede, "resist": c1}, "D1")
    g.parameters = {"stake_d": u["back_down"][0], "stake_c": u["concede"][1], "lam": float(t.lam)}
    return g
