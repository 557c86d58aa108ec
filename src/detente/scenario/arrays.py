"""A scenario's numbers as NumPy arrays, the common input of every model.

Models compute on arrays of shape ``(..., actors, issues)`` so that the same code runs
on one scenario or on a batch of Monte-Carlo draws stacked along leading axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from detente.scenario.schema import Scenario


@dataclass(frozen=True)
class Arrays:
    """Positions, saliences and capabilities; an actor without a stance has salience 0."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray  # (..., n, m); NaN where the actor takes no stance
    salience: np.ndarray  # (..., n, m); 0 where no stance
    capability: np.ndarray  # (..., n, m); per actor-issue
    status_quo: np.ndarray  # (..., m); NaN where not given
    lo: np.ndarray  # (m,) scale minimum
    hi: np.ndarray  # (m,) scale maximum

    @classmethod
    def from_matrices(cls, position: ArrayLike, salience: ArrayLike,
                      capability: ArrayLike | None = None, status_quo: ArrayLike | None = None,
                      lo: float = 0.0, hi: float = 100.0) -> Arrays:
        """Arrays straight from matrices (tests, benchmarks, other tools): actors ``a0..``, issues ``i0..``.

        ``capability`` may be per actor (n,) or per actor and issue (same shape as ``position``);
        the default is 1 for everyone. A leading batch axis is allowed on every matrix.
        """
        pos = np.asarray(position, dtype=float)
        n, m = pos.shape[-2:]
        cap = np.ones(pos.shape) if capability is None else np.asarray(capability, dtype=float)
        if cap.shape == (n,):
            cap = np.broadcast_to(cap[:, None], pos.shape).copy()
        sq = np.full(m, np.nan) if status_quo is None else np.asarray(status_quo, dtype=float)
        return cls(tuple(f"a{k}" for k in range(n)), tuple(f"i{k}" for k in range(m)), pos,
                   np.asarray(salience, dtype=float), cap, sq, np.full(m, float(lo)), np.full(m, float(hi)))

    @property
    def has(self) -> np.ndarray:
        """Mask of actor-issue pairs with a stance."""
        return ~np.isnan(self.position)

    @property
    def weight(self) -> np.ndarray:
        """Effective power: capability times salience (0 where no stance)."""
        return np.where(self.has, self.capability * self.salience, 0.0)

    @property
    def filled_position(self) -> np.ndarray:
        """Positions with missing stances set to 0 (they carry zero weight)."""
        return np.where(self.has, self.position, 0.0)

    @property
    def span(self) -> np.ndarray:
        return self.hi - self.lo


def point_arrays(sc: Scenario) -> Arrays:
    """The scenario's point values (modes of ranged numbers) as arrays."""
    n, m = len(sc.actors), len(sc.issues)
    pos = np.full((n, m), np.nan)
    sal = np.zeros((n, m))
    cap = np.zeros((n, m))
    a_index = {a.id: k for k, a in enumerate(sc.actors)}
    i_index = {i.id: k for k, i in enumerate(sc.issues)}
    for k, a in enumerate(sc.actors):
        cap[k, :] = a.capability.value
    for actor_id, stances in sc.positions.items():
        r = a_index[actor_id]
        for issue_id, st in stances.items():
            c = i_index[issue_id]
            pos[r, c] = st.position.value
            sal[r, c] = st.salience.value
            if st.capability is not None:
                cap[r, c] = st.capability.value
    sq = np.array([i.status_quo.value if i.status_quo is not None else np.nan for i in sc.issues])
    lo = np.array([i.scale.min for i in sc.issues])
    hi = np.array([i.scale.max for i in sc.issues])
    return Arrays(tuple(a_index), tuple(i_index), pos, sal, cap, sq, lo, hi)
