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

from detente.games.evaluate import Profile, action_values, agent_regret, beliefs
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


class _Compiled:
    """The game as flat arrays, so one logit residual is a few NumPy passes over the edges
    instead of Python loops over nodes (what made the trace slow beyond ~100 nodes).

    Edges carry an index into one probability vector: the decision actions in ``_Layout``
    order, then the chance actions. Values go up by node height, reach goes down by depth;
    both are exact re-statements of ``evaluate.node_values``/``reach_probs``/``action_values``.
    """

    def __init__(self, game: Game, lay: _Layout) -> None:
        self.size = lay.size
        flat: dict[int, int] = {k: off for k, off in zip(lay.dec, lay.offsets, strict=True)}
        chance_probs: list[float] = []
        for k, st in enumerate(game.infosets):
            if st.player == CHANCE_PLAYER:
                flat[k] = lay.size + len(chance_probs)
                chance_probs.extend(st.probs or ())
        self.chance = np.asarray(chance_probs, float)
        n = len(game)
        height = np.zeros(n, dtype=np.int64)
        depth = np.zeros(n, dtype=np.int64)
        for node in range(n):  # children first (ids are topological)
            kids = game.children[node]
            if kids:
                height[node] = 1 + max(height[c] for c in kids)
        for node in range(n - 1, -1, -1):
            for c in game.children[node]:
                depth[c] = depth[node] + 1
        par, child, pidx = [], [], []
        for node in range(n):
            kids = game.children[node]
            if kids:
                base = flat[game.infoset[node]]
                par.extend([node] * len(kids))
                child.extend(kids)
                pidx.extend(range(base, base + len(kids)))
        par_a, child_a, pidx_a = (np.asarray(v, dtype=np.int64) for v in (par, child, pidx))
        self.n, self.root, self.players = n, game.root, len(game.players)
        self.payoff = np.zeros((n, self.players))
        for node in range(n):
            if game.payoff[node] is not None:
                self.payoff[node] = game.payoff[node]
        # upward: edges grouped by the parent's height, sorted by parent within a group
        up = np.lexsort((par_a, height[par_a]))
        self.up = []
        for h in np.unique(height[par_a]):
            e = up[height[par_a[up]] == h]
            starts = np.flatnonzero(np.r_[True, par_a[e][1:] != par_a[e][:-1]])
            self.up.append((par_a[e][starts], child_a[e], pidx_a[e], starts))
        # downward: edges grouped by the parent's depth
        self.down = [(par_a[m], child_a[m], pidx_a[m]) for d in np.unique(depth[par_a])
                     for m in [depth[par_a] == d]]
        # decision edges: belief weight of the parent, value of the child to the mover
        dec_nodes = [h for k in lay.dec for h in game.infosets[k].nodes]
        self.dec_nodes = np.asarray(dec_nodes, dtype=np.int64)
        self.dec_set = np.asarray([j for j, k in enumerate(lay.dec) for _ in game.infosets[k].nodes], dtype=np.int64)
        self.set_size = np.bincount(self.dec_set, minlength=len(lay.dec)).astype(float)
        is_dec = np.zeros(n, dtype=bool)
        is_dec[self.dec_nodes] = True
        m = is_dec[par_a]
        self.q_par, self.q_child, self.q_idx = par_a[m], child_a[m], pidx_a[m]
        mover = np.zeros(n, dtype=np.int64)
        for k in lay.dec:
            mover[game.infosets[k].nodes] = game.infosets[k].player
        self.q_player = mover[self.q_par]
        self.node_set = np.full(n, -1, dtype=np.int64)
        self.node_set[self.dec_nodes] = self.dec_set
        self.offsets = np.asarray(lay.offsets, dtype=np.int64)
        self.seg = np.repeat(np.arange(len(lay.dec)), np.diff(np.r_[self.offsets, lay.size]))

    def action_values(self, sigma: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
        """Each decision action's value to its mover under beliefs from ``sigma`` (flat); where
        an information set is not reached, beliefs are ``fallback`` (per decision node) or uniform."""
        prob = np.concatenate([sigma, self.chance])
        vals = self.payoff.copy()
        for parents, child, pidx, starts in self.up:
            vals[parents] = np.add.reduceat(prob[pidx, None] * vals[child], starts, axis=0)
        reach = np.zeros(self.n)
        reach[self.root] = 1.0
        for parents, child, pidx in self.down:
            reach[child] = reach[parents] * prob[pidx]
        r = reach[self.dec_nodes]
        tot = np.bincount(self.dec_set, weights=r, minlength=self.set_size.size)
        ok = tot > 1e-300
        mu = np.zeros(self.n)
        off_path = 1.0 / self.set_size[self.dec_set] if fallback is None else fallback
        mu[self.dec_nodes] = np.where(ok[self.dec_set], r / np.where(ok, tot, 1.0)[self.dec_set], off_path)
        w = mu[self.q_par] * vals[self.q_child, self.q_player]
        return np.bincount(self.q_idx, weights=w, minlength=self.size)

    def residual(self, logp: np.ndarray, lam: float) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):  # a trial step may overshoot; it is rejected
            z = lam * self.action_values(np.exp(logp))
            z -= np.maximum.reduceat(z, self.offsets)[self.seg]
            lse = np.log(np.add.reduceat(np.exp(z), self.offsets))
            return logp - (z - lse[self.seg])


def _logit_residual(lay: _Layout, logp: np.ndarray, lam: float) -> np.ndarray:
    """Reference (per-node Python) version of :meth:`_Compiled.residual`, kept for tests."""
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
                polish_from: float = 1e3, polish: bool = True) -> TraceResult:
    """Follow the logit QRE branch from lam0 toward lam_max; polish to an exact equilibrium.

    Polishing is first tried at ``polish_from`` and, if the support read off there does not
    give an equilibrium, again at ``lam_max`` (the trace simply continues in between).
    ``polish=False`` returns the QRE at ``lam_max`` itself (what a finite-lambda QRE asks for).
    """
    lay = _Layout(game)
    if lay.size == 0:
        prof = lay.profile(np.zeros(0))
        return TraceResult(prof, beliefs(game, prof), 0.0, 0.0, True, 0)
    logp = np.concatenate([np.full(len(game.infosets[k].actions), -np.log(len(game.infosets[k].actions)))
                           for k in lay.dec])
    comp = _Compiled(game, lay)
    lam_good, step, steps = 0.0, growth, 0
    stops = sorted({min(polish_from, lam_max), lam_max})
    lam = min(lam0, stops[0])
    prof: Profile = []
    mu: list[list[float]] = []
    for stop in stops:
        while lam_good < stop and steps < 2000:
            sol = root(lambda x, lam=lam: comp.residual(x, lam), logp, method="hybr")
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
        polished = _polish(game, lay, comp, sigma, mu) if polish else None
        if polished is not None:
            prof2, mu2 = polished
            reg2 = agent_regret(game, prof2, mu2)
            if reg2 < 1e-9:
                return TraceResult(prof2, mu2, lam_good, reg2, True, steps)
        if lam_good < stop:
            break
        lam = min(lam_max, lam_good * step)
    return TraceResult(prof, mu, lam_good, agent_regret(game, prof, mu), False, steps)


def _polish(game: Game, lay: _Layout, comp: _Compiled, sigma: np.ndarray, mu_limit: list[list[float]],
            support_tol: float = 1e-3) -> tuple[Profile, list[list[float]]] | None:
    """Solve the indifference conditions on the support read off the QRE limit."""
    base = np.where(sigma > support_tol, sigma, 0.0)
    free: list[list[int]] = []  # flat positions of each information set's support, if mixed
    for k, off in zip(lay.dec, lay.offsets, strict=True):
        n = len(game.infosets[k].actions)
        block = base[off:off + n]
        block /= block.sum()
        supp = [off + a for a in range(n) if block[a] > 0]
        if len(supp) > 1:
            free.append(supp)
    if not free:
        prof = lay.profile(base)
        return prof, beliefs(game, prof, fallback=mu_limit)
    idx = np.asarray([i for supp in free for i in supp], dtype=np.int64)
    group = np.repeat(np.arange(len(free)), [len(supp) for supp in free])
    starts = np.r_[0, np.cumsum([len(supp) for supp in free])[:-1]]
    rest = np.setdiff1d(np.arange(idx.size), starts)  # every support action but the first
    first = idx[starts][group[rest]]
    fallback = np.asarray([w for k in lay.dec for w in mu_limit[k]], float)
    x0 = base[idx]

    def fill(x: np.ndarray) -> np.ndarray:
        out = base.copy()
        out[idx] = x
        return out

    def resid(x: np.ndarray) -> np.ndarray:
        # per mixed set: its probabilities sum to 1, and its support actions are worth the same
        q = comp.action_values(fill(x), fallback)
        out = np.empty(idx.size)
        out[starts] = np.bincount(group, weights=x, minlength=len(free)) - 1.0
        out[rest] = q[idx[rest]] - q[first]
        return out

    sol = least_squares(resid, x0, bounds=(0.0, 1.0), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    if not sol.success or np.max(np.abs(sol.fun)) > 1e-10:
        return None
    prof = lay.profile(fill(sol.x))
    return prof, beliefs(game, prof, fallback=mu_limit)
