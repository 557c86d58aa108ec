"""The round loop of the expected-utility model for one issue.

Each round: voter position; (optionally) security and risk exponents from a risk-neutral
first pass; the risk-adjusted dyad EUs; the octant of every dyad; every actor's accepted
offer; all moves at once. Issues are independent, so the model runs this per issue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente.models.eum.expected import dyad_eus
from detente.models.eum.octants import classify, offers_to, select
from detente.models.eum.probability import mean_voter, median_voter, win_probability
from detente.models.eum.risk import risk_exponent, security


@dataclass
class IssueRun:
    """Trajectory of one issue: row 0 of each history is the start, row t the end of round t."""

    positions: list[np.ndarray] = field(default_factory=list)
    median: list[float] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    risk: list[np.ndarray] = field(default_factory=list)  # r_i used in round t (t >= 1)
    security: list[np.ndarray] = field(default_factory=list)
    kinds: list[np.ndarray] = field(default_factory=list)  # quadrant codes per round
    proposer: list[np.ndarray] = field(default_factory=list)
    converged: bool = False


def _voter(kind: str, x: np.ndarray, w: np.ndarray) -> float:
    return median_voter(x, w) if kind == "median" else mean_voter(x, w)


def run_issue(x0: np.ndarray, c: np.ndarray, s: np.ndarray, span: float, opt: Any) -> IssueRun:
    """Run the rounds on one issue; ``opt`` is :class:`EumModel.Options`."""
    x = np.asarray(x0, dtype=float).copy()
    w = c * s
    n = x.size
    span = span if span > 0 else 1.0
    run = IssueRun()
    run.positions.append(x.copy())
    run.median.append(median_voter(x, w))
    run.mean.append(mean_voter(x, w))
    ones = np.ones(n)
    for _ in range(opt.rounds):
        mu = _voter(opt.voter, x, w)
        differ = np.abs(x[:, None] - x[None, :]) > 1e-12 * span
        eu_args = (opt.q, opt.t_rule, opt.salience_lead)
        if opt.risk:
            p1 = win_probability(x, w, span, opt.probability, ones if opt.voter_risk else None)
            a1, _ = dyad_eus(x, s, p1, span, mu, ones, *eu_args, "own")
            sec = security(np.where(differ, a1, 0.0), opt.security)
            _, r = risk_exponent(sec)
        else:
            sec, r = np.zeros(n), ones
        p = win_probability(x, w, span, opt.probability, r if opt.voter_risk else None)
        a, b = dyad_eus(x, s, p, span, mu, r, *eu_args, opt.perspective)
        run.kinds.append(classify(a, b, differ))
        target, kind = offers_to(x, a, b, differ, opt.compromise_sign, opt.capitulation_moves)
        new_x, pick = select(x, a, b, target, kind, opt.offer_selection)
        new_x = np.clip(new_x, np.min(x0), np.max(x0))  # moves are toward other actors
        run.risk.append(r)
        run.security.append(sec)
        run.proposer.append(pick)
        moved = np.max(np.abs(new_x - x), initial=0.0)
        x = new_x
        run.positions.append(x.copy())
        run.median.append(median_voter(x, w))
        run.mean.append(mean_voter(x, w))
        if opt.stop_when_stable and moved <= opt.tolerance * span:
            run.converged = True
            break
    return run
