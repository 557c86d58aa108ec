"""Pick a solver by the game's structure and report what ran, whether it is exact, and the path.

auto: backward induction (subgame-perfect) for perfect information; otherwise the logit
trace to a sequential equilibrium (exact after polishing). ``qre`` gives the logit QRE at
a finite lambda; ``openspiel`` (alias ``cfr``) runs CFR through OpenSpiel; ``gambit`` runs pygambit's
logit solver. The last two are optional back-ends (see their adapter modules).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from detente.errors import InputError
from detente.games.evaluate import (
    Profile,
    action_values,
    agent_regret,
    beliefs,
    class_distribution,
    nash_conv,
    node_values,
    outcome_distribution,
    reach_probs,
)
from detente.games.tree import CHANCE_PLAYER, DECISION, TERMINAL, Game

AUTO_CFR_ACTIONS = 400  # above this many decision actions, auto prefers CFR to the logit trace (G5)
SOLVERS = ("auto", "backward", "qre", "sequential", "openspiel", "cfr", "gambit")  # cfr: same as openspiel


@dataclass
class Step:
    """One decision on the equilibrium path: who, where, what, and what each action is worth."""

    node: int
    player: str
    infoset: str
    reach: float
    probs: dict[str, float]
    values: dict[str, float]  # to the mover, given beliefs and the continuation
    history: list[str]

    @property
    def chosen(self) -> str:
        return max(self.probs, key=self.probs.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        return {"player": self.player, "infoset": self.infoset, "reach": self.reach, "history": self.history,
                "probs": self.probs, "values": self.values, "chosen": self.chosen}


@dataclass
class Solution:
    game: Game
    method: str
    concept: str
    exact: bool
    profile: Profile
    seconds: float
    lam: float | None = None
    ties: int = 0
    nash_conv: float | None = None
    regret: float | None = None
    notes: list[str] = field(default_factory=list)
    beliefs: list[list[float]] | None = None
    pure_equilibria: list[dict[str, Any]] | None = None  # every pure weak PBE, when enumerated

    @property
    def values(self) -> list[float]:
        return node_values(self.game, self.profile)[self.game.root]

    def path(self, min_reach: float = 1e-9) -> list[Step]:
        g = self.game
        reach = reach_probs(g, self.profile)
        vals = node_values(g, self.profile)
        mu = self.beliefs if self.beliefs is not None else beliefs(g, self.profile)
        q = action_values(g, self.profile, vals, mu)
        steps = []
        for node in range(len(g) - 1, -1, -1):
            if g.kind[node] != DECISION or reach[node] <= min_reach:
                continue
            k = g.infoset[node]
            s = g.infosets[k]
            local = len(s.nodes) == 1
            vq = [vals[c][s.player] for c in g.children[node]] if local else q[k]
            steps.append(Step(node, g.players[s.player], s.label, reach[node],
                              dict(zip(s.actions, self.profile[k], strict=True)),
                              dict(zip(s.actions, vq, strict=True)),
                              [a for _, a in g.history(node)]))
        steps.sort(key=lambda st: (len(st.history), -st.reach))
        return steps

    def outcome_class(self) -> str | None:
        dist = class_distribution(self.game, self.profile)
        return max(dist, key=dist.__getitem__) if dist else None

    def to_dict(self) -> dict[str, Any]:
        g = self.game
        return {
            "title": g.title,
            "players": list(g.players),
            "nodes": len(g),
            "perfect_information": g.perfect_information,
            "method": self.method,
            "concept": self.concept,
            "exact": self.exact,
            "lambda": self.lam,
            "ties": self.ties,
            "nash_conv": self.nash_conv,
            "agent_regret": self.regret,
            "values": dict(zip(g.players, self.values, strict=True)),
            "path": [s.to_dict() for s in self.path()],
            "outcomes": outcome_distribution(g, self.profile),
            "outcome_classes": class_distribution(g, self.profile),
            "outcome_class": self.outcome_class(),
            "strategy": {f"{g.players[s.player]}: {s.label}": dict(zip(s.actions, self.profile[k], strict=True))
                         for k, s in enumerate(g.infosets) if s.player != CHANCE_PLAYER},
            "pure_equilibria": self.pure_equilibria,
            "notes": self.notes,
        }


def solve(game: Game, method: str = "auto", lam: float = 10.0, iterations: int = 2000,
          check: bool = True, enumerate_pure: bool = True) -> Solution:
    """Solve ``game`` with ``method`` (one of SOLVERS); ``enumerate_pure=False`` skips the list of
    pure PBE (what-if searches only need the selected equilibrium)."""
    if method not in SOLVERS:
        raise InputError(f"unknown solver '{method}' (choose from {', '.join(SOLVERS)})", field="--solver")
    auto_note = None
    if method == "cfr":
        method = "openspiel"
    if method == "auto":
        method = "backward" if game.perfect_information else "sequential"
        n_actions = sum(len(s.actions) for s in game.infosets if s.player != CHANCE_PLAYER)
        if method == "sequential" and n_actions > AUTO_CFR_ACTIONS:
            from detente.games.openspiel_adapter import available

            if available():
                method = "openspiel"
                auto_note = (f"{n_actions} actions in information sets: too many for the logit trace, "
                             "so auto chose OpenSpiel CFR")
    t0 = time.perf_counter()
    if method == "backward":
        from detente.games.backward import backward_induction

        if not game.perfect_information:
            raise InputError("backward induction needs a perfect-information game; use --solver auto",
                             field="--solver")
        prof, _, ties = backward_induction(game)
        sol = Solution(game, "backward", "subgame-perfect equilibrium (backward induction)", True, prof,
                       time.perf_counter() - t0, ties=len(ties))
        if ties:
            sol.notes.append(f"movers were indifferent at {len(ties)} nodes; ties went to the first listed "
                             "action, and other subgame-perfect equilibria exist")
        else:
            sol.notes.append("no ties: this is the unique subgame-perfect equilibrium")
    elif method == "qre":
        if game.perfect_information:
            from detente.games.backward import logit_qre

            prof, _ = logit_qre(game, lam)
        else:
            from detente.games.pbe import trace_logit

            prof = trace_logit(game, lam_max=lam, growth=1.25, polish=False).profile
        sol = Solution(game, "qre", f"agent logit quantal response equilibrium at lambda={lam:g}", False, prof,
                       time.perf_counter() - t0, lam=lam)
    elif method == "sequential":
        from detente.games.pbe import trace_logit

        tr = trace_logit(game)
        concept = ("sequential equilibrium (limit of the logit QRE branch, indifference conditions solved)"
                   if tr.polished else f"logit QRE at lambda={tr.lam:g} (approximate sequential equilibrium)")
        sol = Solution(game, "sequential", concept, tr.polished, tr.profile, time.perf_counter() - t0,
                       lam=tr.lam, beliefs=tr.beliefs)
        from detente.games.enumerate import pure_pbe

        pure = pure_pbe(game) if enumerate_pure else None
        if not enumerate_pure:
            sol.notes.append("the logit branch selects one equilibrium; others may exist (not enumerated)")
        elif pure is None:
            sol.notes.append("the logit branch selects one equilibrium; others may exist (too many pure "
                             "profiles to enumerate)")
        else:
            sol.pure_equilibria = [{"strategy": e.choice, "outcome_classes": class_distribution(game, e.profile)}
                                   for e in pure]
            sol.notes.append(f"the logit branch selects one equilibrium; enumeration found {len(pure)} pure "
                             "weak perfect Bayesian equilibria (mixed ones are not enumerated)")
    elif method == "openspiel":
        from detente.games.openspiel_adapter import cfr_solve

        prof, conv = cfr_solve(game, iterations)
        sol = Solution(game, "openspiel", f"OpenSpiel CFR average policy ({iterations} iterations)", False,
                       prof, time.perf_counter() - t0, nash_conv=conv)
        sol.notes.append("CFR approximates a Nash equilibrium; it does not enforce subgame perfection")
    else:
        from detente.games.gambit_adapter import gambit_logit_solve

        prof = gambit_logit_solve(game)
        sol = Solution(game, "gambit", "pygambit logit_solve limit", False, prof, time.perf_counter() - t0)
    if auto_note:
        sol.notes.insert(0, auto_note)
    if check:
        if sol.nash_conv is None and len(game) <= 200_000:
            sol.nash_conv = nash_conv(game, sol.profile)
        sol.regret = agent_regret(game, sol.profile, sol.beliefs)
    return sol


def terminal_count(game: Game) -> int:
    return sum(1 for k in game.kind if k == TERMINAL)
