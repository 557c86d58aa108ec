"""A batch of draws: the sampled values, and the scenario's arrays with a leading batch axis.

Models take arrays shaped ``(..., actors, issues)``, so a batch of B draws is one
:class:`~detente.scenario.arrays.Arrays` of shape ``(B, n, m)`` and one model call, with
no Python loop over draws. Numbers that are not in the arrays (channel costs, game
parameters, audience opinions) are in ``values`` by key, for the layers that read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.schema import Scenario
from detente.uncertainty.params import Param


@dataclass(frozen=True)
class Batch:
    params: tuple[Param, ...]
    x: np.ndarray  # (B, k) sampled values, columns in params order
    arrays: Arrays  # fields shaped (B, n, m) / (B, m)

    @property
    def size(self) -> int:
        return int(self.x.shape[0])

    def value(self, key: str) -> np.ndarray | None:
        """The (B,) draws of parameter ``key``, or None when it is not ranged."""
        for j, p in enumerate(self.params):
            if p.key == key:
                return self.x[:, j]
        return None


def build_batch(sc: Scenario, params: list[Param] | tuple[Param, ...], x: np.ndarray,
                base: Arrays | None = None) -> Batch:
    """Arrays of ``sc`` with each draw's values written in (vectorised over the batch)."""
    base = base or point_arrays(sc)
    b = x.shape[0]
    pos = np.broadcast_to(base.position, (b, *base.position.shape)).copy()
    sal = np.broadcast_to(base.salience, (b, *base.salience.shape)).copy()
    cap = np.broadcast_to(base.capability, (b, *base.capability.shape)).copy()
    sq = np.broadcast_to(base.status_quo, (b, *base.status_quo.shape)).copy()
    override = _stance_capability_mask(sc, base)
    for j, p in enumerate(params):
        t = p.target
        if t is None:
            continue
        col = x[:, j]
        if t[0] == "pos":
            pos[:, t[1], t[2]] = col
        elif t[0] == "sal":
            sal[:, t[1], t[2]] = col
        elif t[0] == "cap_stance":
            cap[:, t[1], t[2]] = col
        elif t[0] == "cap_actor":
            cols = ~override[t[1]]
            cap[:, t[1], cols] = col[:, None]
        elif t[0] == "sq":
            sq[:, t[1]] = col
    arr = Arrays(base.actor_ids, base.issue_ids, pos, sal, cap, sq, base.lo, base.hi)
    return Batch(tuple(params), x, arr)


def _stance_capability_mask(sc: Scenario, base: Arrays) -> np.ndarray:
    """(n, m) True where a stance gives its own capability (the actor's does not apply)."""
    mask = np.zeros(base.position.shape, dtype=bool)
    a_index = {a: k for k, a in enumerate(base.actor_ids)}
    i_index = {i: k for k, i in enumerate(base.issue_ids)}
    for actor_id, stances in sc.positions.items():
        for issue_id, st in stances.items():
            if st.capability is not None and actor_id in a_index and issue_id in i_index:
                mask[a_index[actor_id], i_index[issue_id]] = True
    return mask
