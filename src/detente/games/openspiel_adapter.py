"""Optional back-end: OpenSpiel's C++ CFR on our games, loaded from our .efg export.

OpenSpiel (Apache-2.0) is the ``games`` extra. The crisis-games brief measured a game
loaded from .efg text as ~50x faster than one written in OpenSpiel's Python API, so we
export and load instead of subclassing ``pyspiel.State``. CFR approximates a Nash
equilibrium (not a subgame-perfect one); ``nash_conv`` is reported with the result.
"""

from __future__ import annotations

from typing import Any

from detente.errors import InputError
from detente.games.efg import to_efg
from detente.games.evaluate import Profile, uniform_profile
from detente.games.tree import CHANCE, TERMINAL, Game


def available() -> bool:
    try:
        import pyspiel  # noqa: F401
    except ImportError:
        return False
    return True


def _pyspiel() -> Any:
    try:
        import pyspiel
    except ImportError:
        raise InputError("the openspiel solver needs OpenSpiel: pip install 'detente[games]'",
                         field="--solver") from None
    return pyspiel


def load(game: Game) -> Any:
    """The game as a ``pyspiel`` game (through .efg text)."""
    return _pyspiel().load_efg_game(to_efg(game))


def cfr_solve(game: Game, iterations: int = 2000, plus: bool = True) -> tuple[Profile, float]:
    """Run C++ CFR(+) and map the average policy back onto our information sets."""
    ps = _pyspiel()
    og = ps.load_efg_game(to_efg(game))
    solver = ps.CFRPlusSolver(og) if plus else ps.CFRSolver(og)
    for _ in range(iterations):
        solver.evaluate_and_update_policy()
    pol = solver.average_policy()
    prof = uniform_profile(game)
    stack = [(game.root, og.new_initial_state())]
    seen: set[int] = set()
    while stack:
        node, st = stack.pop()
        kind = game.kind[node]
        if kind == TERMINAL:
            continue
        k = game.infoset[node]
        labels = game.infosets[k].actions
        legal = st.legal_actions()
        if kind != CHANCE and k not in seen:
            seen.add(k)
            probs = dict(pol.get_state_policy(st))
            by_label = {st.action_to_string(st.current_player(), a): probs.get(a, 0.0) for a in legal}
            prof[k] = [by_label[a] for a in labels]
        for a, child in zip(legal, game.children[node], strict=True):
            stack.append((child, st.child(a)))
    return prof, float(ps.nash_conv(og, pol))
