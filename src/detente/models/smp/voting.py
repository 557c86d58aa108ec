"""Voting rules: how strongly an actor of weight ``w`` backs option 1 over option 2.

Port of ``KBase::Model::vote`` from KTAB (KAPSARC Toolkit for Behavioral Analysis,
MIT licence, Copyright (c) 2015 KAPSARC; ``KTAB/kmodel/libsrc/kmodel.cpp``). Vectorised:
every argument may be a NumPy array and broadcasts.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

VotingRule = Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect"]
VOTING_RULES: tuple[str, ...] = ("binary", "prop_bin", "proportional", "prop_cubic", "cubic",
                                 "asym_prospect")

_S_TOL = 1e-8  # width of the linear ramp of the binary response
_RBP = 0.2  # weight of the binary part in prop_bin
_RPC = 0.5  # weight of the cubic part in prop_cubic


def vote(rule: str, w: np.ndarray | float, u1: np.ndarray | float,
         u2: np.ndarray | float) -> np.ndarray:
    """``v = w * f(u1 - u2)`` for KTAB's voting rule ``rule`` (positive: backs option 1)."""
    du = np.subtract(u1, u2)
    if rule == "proportional":
        return w * du
    if rule == "binary":
        return w * np.clip(du / _S_TOL, -1.0, 1.0)
    if rule == "prop_bin":
        return w * ((1 - _RBP) * du + _RBP * np.clip(du / _S_TOL, -1.0, 1.0))
    if rule == "prop_cubic":
        return w * ((1 - _RPC) * du + _RPC * (du * du * du))
    if rule == "cubic":
        return w * (du * du * du)
    if rule == "asym_prospect":
        # losses count fully, gains by two thirds (KTAB: (2 w du) / 3)
        return np.where(du < 0.0, w * du, np.where(du > 0.0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")
