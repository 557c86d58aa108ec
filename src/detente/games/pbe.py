"""Equilibria of small games with information sets: trace the agent logit QRE to its limit.

McKelvey and Palfrey (1998) show that limit points of the agent QRE as lambda grows are
sequential equilibria, so following the principal logit branch from lambda = 0 (uniform
play) selects a sequential equilibrium (hence a perfect Bayesian one) instead of the
non-credible Nash equilibria an LCP solver may return. At the end the support is read
off and the indifference conditions are solved exactly (Newton), then sequential
rationality is re-checked with the limit beliefs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares, root

from detente.games.evaluate import Profile, action_values, agent_regret, beliefs, node_values
from detente.games.tree import CHANCE_PLAYER, Game


@dataclass
class TraceResult:
    profile: Profile
    beliefs: list[list[float]]
    lam: float
    regret: float
    polished: bool
    steps: int


class _Layout:
    def __init__(self, game: Game) -> None:
        self.game = game
        self.dec = [k for k, s in enumerate(game.infosets) if s.player != CHANCE_PLAYER]
        self.offsets = []
        off = 0
        for k in self.dec:
            self.offsets.append(off)
            off += len(game.infosets[k].actions)
        self.size = off

    def profile(self, sigma: np.ndarray) -> Profile:
        g = self.game
        prof: Profile = [list(s.probs) if s.player == CHANCE_PLAYER else [] for s in g.infosets]
        for k, off in zip(self.dec, self.offsets, strict=True):
            prof[k] = [float(x) for x in sigma[off:off + len(g.infosets[k].actions)]]
        return prof

    def flat(self, q: list[list[float]]) -> np.ndarray:
        return np.concatenate([np.asarray(q[k], float) for k in self.dec])


def _logit_residual(lay: _Layout, logp: np.ndarray, lam: float) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):  # a Newton trial step may overshoot; it is rejected
        sigma = np.exp(logp)
        prof = lay.profile(sigma)
        q = action_values(lay.game, prof)
        out = np.empty_like(logp)
        for k, off in zip(lay.dec, lay.offsets, strict=True):
            z = lam * np.asarray(q[k])
            z -= z.max()
            lse = np.log(np.exp(z).sum())
            n = len(q[k])
            out[off:off + n] = logp[off:off + n] - (z - lse)
    return out


def trace_logit(game: Game, lam_max: float = 1e4, lam0: float = 0.05, growth: float = 1.5,
                polish_from: float = 1e3) -> TraceResult:
    """Follow the logit QRE branch from lam0 toward lam_max; polish to an exact equilibrium.

    Polishing is first tried at ``polish_from`` and, if the support read off there does not
    give an equilibrium, again at ``lam_max`` (the trace simply continues in between).
    """
    lay = _Layout(game)
    if lay.size == 0:
        prof = lay.profile(np.zeros(0))
        return TraceResult(prof, beliefs(game, prof), 0.0, 0.0, True, 0)
    logp = np.concatenate([np.full(len(game.infosets[k].actions), -np.log(len(game.infosets[k].actions)))
                           for k in lay.dec])
    lam_good, step, steps = 0.0, growth, 0
    stops = sorted({min(polish_from, lam_max), lam_max})
    lam = min(lam0, stops[0])
    prof: Profile = []
    mu: list[list[float]] = []
    for stop in stops:
        while lam_good < stop and steps < 2000:
            sol = root(lambda x, lam=lam: _logit_residual(lay, x, lam), logp, method="hybr")
            steps += 1
            if sol.success and np.max(np.abs(sol.fun)) < 1e-8:
                logp, lam_good = sol.x, lam
                step = min(growth, 1.0 + (step - 1.0) * 1.5)
                lam = min(stop, lam_good * step)
                continue
            step = 1.0 + (step - 1.0) / 2
            if step < 1.0005:
                break  # the branch turns back or the solver stalls: stop at the last good lambda
            lam = lam_good * step if lam_good > 0 else lam / 2
        sigma = np.exp(logp)
        prof = lay.profile(sigma)
        mu = beliefs(game, prof)
        polished = _polish(game, lay, sigma, mu)
        if polished is not None:
            prof2, mu2 = polished
            reg2 = agent_regret(game, prof2, mu2)
            if reg2 < 1e-9:
                return TraceResult(prof2, mu2, lam_good, reg2, True, steps)
        if lam_good < stop:
            break
        lam = min(lam_max, lam_good * step)
    return TraceResult(prof, mu, lam_good, agent_regret(game, prof, mu), False, steps)


def _polish(game: Game, lay: _Layout, sigma: np.ndarray, mu_limit: list[list[float]],
            support_tol: float = 1e-3) -> tuple[Profile, list[list[float]]] | None:
    """Solve the indifference conditions on the support read off the QRE limit."""
    base = np.where(sigma > support_tol, sigma, 0.0)
    free: list[tuple[int, list[int]]] = []  # (infoset index into lay.dec, flat positions)
    for j, (k, off) in enumerate(zip(lay.dec, lay.offsets, strict=True)):
        n = len(game.infosets[k].actions)
        block = base[off:off + n]
        block /= block.sum()
        supp = [off + a for a in range(n) if block[a] > 0]
        if len(supp) > 1:
            free.append((j, supp))
    x0 = np.array([base[i] for _, s in free for i in s])
    if x0.size == 0:
        prof = lay.profile(base)
        return prof, beliefs(game, prof, fallback=mu_limit)

    def fill(x: np.ndarray) -> np.ndarray:
        s = base.copy()
        pos = 0
        for _, supp in free:
            for i in supp:
                s[i] = x[pos]
                pos += 1
        return s

    def resid(x: np.ndarray) -> np.ndarray:
        prof = lay.profile(fill(x))
        mu = beliefs(game, prof, fallback=mu_limit)
        q = lay.flat(action_values(game, prof, node_values(game, prof), mu))
        out = []
        pos = 0
        for _, supp in free:
            out.append(sum(x[pos:pos + len(supp)]) - 1.0)
            out.extend(q[i] - q[supp[0]] for i in supp[1:])
            pos += len(supp)
        return np.asarray(out)

    sol = least_squares(resid, x0, bounds=(0.0, 1.0), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    if not sol.success or np.max(np.abs(sol.fun)) > 1e-10:
        return None
    prof = lay.profile(fill(sol.x))
    return prof, beliefs(game, prof, fallback=mu_limit)
