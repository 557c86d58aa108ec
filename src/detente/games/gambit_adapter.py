"""Optional back-end: pygambit (GPL-2.0-or-later, the ``exact`` extra), imported lazily.

pygambit 16.7 has no Linux wheel and no subgame-perfect solver; its LCP can return
non-credible equilibria (crisis-games brief). We use only its logit branch, whose limit
selected the SPE/PBE in the brief's tests, and we go through .efg text so no pygambit
object leaks into the rest of detente. Nothing here runs unless --solver gambit is asked.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.games.efg import to_efg
from detente.games.evaluate import Profile, uniform_profile
from detente.games.tree import CHANCE_PLAYER, Game


def _gbt() -> Any:
    try:
        import pygambit
    except ImportError:
        raise InputError("the gambit solver needs pygambit>=16.7,<17 (GPL; pip install 'detente[exact]')",
                         field="--solver") from None
    return pygambit


def to_gambit(game: Game) -> Any:
    gbt = _gbt()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "game.efg"
        path.write_text(to_efg(game), encoding="utf-8")
        return gbt.read_efg(str(path))


def gambit_logit_solve(game: Game) -> Profile:
    """pygambit's logit_solve limit, mapped back by (player, infoset label, action label)."""
    gbt = _gbt()
    gg = to_gambit(game)
    res = gbt.nash.logit_solve(gg, use_strategic=False)
    if not res.equilibria:
        raise InputError("pygambit's logit solver found no equilibrium", field="--solver")
    eq = res.equilibria[0]
    prof = uniform_profile(game)
    index = {(s.player, s.label): k for k, s in enumerate(game.infosets) if s.player != CHANCE_PLAYER}
    for p_idx, player in enumerate(gg.players):
        for iset in player.infosets:
            k = index.get((p_idx, iset.label))
            if k is None:
                continue
            prof[k] = [float(eq[act]) for act in iset.actions]
    return prof
