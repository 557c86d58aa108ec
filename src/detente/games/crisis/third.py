"""Third parties as strategic actors in the general crisis model (decision C13).

Each third party k values the principals' contest by its own positions and saliences on the
contested issues (an :class:`~detente.games.crisis.model.Observer` of the principals' game) and
chooses, before the first round and in view of the principals, one of: stay out, join C, join D,
pressure C, pressure D, mediate.

- Joining a side adds k's capability to that side's coalition: the war-win probability moves by the
  odds ratio of the coalition capabilities (Werner 2000: expected intervention changes the
  principals' bargaining). k pays its join cost only if war comes (discounted to the war's round).
- Pressure (or a sanction) on a principal adds to that principal's per-round standoff cost (as in
  the stated rule, C7), at a one-time cost to the presser.
- Mediation reveals both sides' resolve with a probability (Kydd 2003/2005: C7's reading) at a small
  one-time cost; several mediators reveal with 1 - prod(1 - m_j).

For each configuration of choices the principals' game is solved (cached by the model it yields),
and k's value is its expected value of the outcome minus its cost. The third parties' choices are an
equilibrium of iterated best responses (each in turn best-responds to the others; a bounded number
of sweeps; convergence and ties are reported, never silently broken).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from detente.games.crisis.model import BELIEF_STEP, CrisisModel, CrisisSolution, solve_crisis

OUT, JOIN_C, JOIN_D, PRESS_C, PRESS_D, MEDIATE = range(6)
OPTIONS = ("stay out", "join C", "join D", "pressure C", "pressure D", "mediate")
MAX_SWEEPS = 6  # rounds of best responses (each third party once per sweep)
MAX_STRATEGIC = 6  # the largest third parties (capability x salience) choose; any others stay out
TIE_TOL = 1e-9


@dataclass(frozen=True)
class ThirdParty:
    """One third party: its stake, its levers and their costs (games units, C2)."""

    actor: str
    lean: float  # salience-weighted place between D's positions (0) and C's (1)
    salience: float  # mean salience over the contested issues
    capability: float
    utility: tuple[tuple[float, float], ...]  # (s, value) breakpoints: its value of a division s
    join_cost: float  # paid if war comes, when it has joined a side
    pressure_cost: float  # one-time cost of pressuring (or sanctioning) a principal
    mediation_cost: float  # one-time cost of mediating
    pressure_effect: tuple[float, float]  # added to C's / D's per-round standoff cost when it presses that side
    reveal: float  # probability its mediation reveals both sides' resolve
    sources: dict[str, str] = field(default_factory=dict, compare=False)  # cost term -> parameter or default

    @property
    def side(self) -> int | None:
        """The principal it leans to (0 = C, 1 = D), or None at the middle."""
        return 0 if self.lean > 0.5 else 1 if self.lean < 0.5 else None


@dataclass(frozen=True)
class ThirdSetup:
    """The principals' model without third-party effects, and what configuring it needs."""

    base: CrisisModel  # carries one observer per strategic third party
    parties: tuple[ThirdParty, ...]
    caps: tuple[float, float]  # the principals' own capabilities
    cohesion: tuple[str, int, tuple[float, ...]] | None = None  # bloc, side it leans to, cohesion by round
    left_out: tuple[str, ...] = ()  # third parties beyond MAX_STRATEGIC (held at "stay out")


def utility_points(points: Sequence[tuple[float, dict[str, float]]],
                   stakes: Sequence[tuple[str, float, float, float, float, float]]) -> tuple[tuple[float, float], ...]:
    """A third party's value of each division s, exact and piecewise linear (breakpoints at the frontier's
    points and where an issue crosses its position). ``points``: (s, issue -> share conceded);
    ``stakes``: (issue, salience, its position, D's position, C's position, scale span).
    Value = sum over issues of salience x (|C - D| - |x(s) - position|) / span (G3 units)."""

    def value(frac: dict[str, float]) -> float:
        v = 0.0
        for iid, sal, pos, xd, xc, span in stakes:
            x = xd + frac[iid] * (xc - xd)
            v += sal * (abs(xc - xd) - abs(x - pos)) / span
        return v

    ss: list[tuple[float, dict[str, float]]] = []
    for (s0, f0), (s1, f1) in itertools.pairwise(points):
        ss.append((s0, f0))
        for iid, _sal, pos, xd, xc, _span in stakes:
            a, b = f0[iid], f1[iid]
            if abs(b - a) < 1e-12 or abs(xc - xd) < 1e-12:
                continue
            phi = (pos - xd) / (xc - xd)
            if min(a, b) < phi < max(a, b):
                w = (phi - a) / (b - a)
                ss.append((s0 + w * (s1 - s0), {i: f0[i] + w * (f1[i] - f0[i]) for i in f0}))
    ss.append(points[-1])
    ss.sort(key=lambda x: x[0])
    out: list[tuple[float, float]] = []
    for s, frac in ss:
        if out and s <= out[-1][0] + 1e-12:
            continue
        out.append((s, value(frac)))
    return tuple(out)


def _odds(p: float) -> float:
    return p / (1 - p)


def configure(setup: ThirdSetup, choices: Sequence[int]) -> tuple[CrisisModel, float]:
    """The principals' model under ``choices`` (one per strategic third party), and the probability that
    mediation reveals both sides' resolve."""
    m = setup.base
    cap_c, cap_d = setup.caps
    join = [0.0, 0.0]
    extra = [0.0, 0.0]
    hidden = 1.0
    bloc_choice = None
    coh = setup.cohesion
    for party, ch in zip(setup.parties, choices, strict=True):
        if ch in (JOIN_C, JOIN_D):
            if coh is not None and party.actor == coh[0]:
                bloc_choice = 0 if ch == JOIN_C else 1
            else:
                join[0 if ch == JOIN_C else 1] += party.capability
        elif ch in (PRESS_C, PRESS_D):
            i = 0 if ch == PRESS_C else 1
            extra[i] += party.pressure_effect[i]
        elif ch == MEDIATE:
            hidden *= 1.0 - party.reveal
    ps = list(m.p)
    if join[0] or join[1] or bloc_choice is not None:
        for t, p in enumerate(ps):
            if p <= 0.0 or p >= 1.0:
                continue
            base = [cap_c, cap_d]
            new = [cap_c + join[0], cap_d + join[1]]
            if coh is not None:
                bloc, side, path = coh
                cap_b = next(q.capability for q in setup.parties if q.actor == bloc) if any(
                    q.actor == bloc for q in setup.parties) else 0.0
                c_t = path[min(t, len(path) - 1)]
                base[side] += c_t * cap_b
                if bloc_choice is None:
                    new[side] += c_t * cap_b
                else:
                    new[bloc_choice] += cap_b
            k = (new[0] / max(1e-9, base[0])) / (new[1] / max(1e-9, base[1]))
            o = _odds(p) * k
            ps[t] = 1.0 if math.isinf(o) else o / (1 + o)
    standoff = (m.standoff[0] + extra[0], m.standoff[1] + extra[1])
    return replace(m, p=tuple(ps), standoff=standoff), 1.0 - hidden


def mean_costs(m: CrisisModel) -> tuple[float, float]:
    return (m.prior[0] * m.war_cost[0][0] + (1 - m.prior[0]) * m.war_cost[0][1],
            m.prior[1] * m.war_cost[1][0] + (1 - m.prior[1]) * m.war_cost[1][1])


@dataclass
class Evaluation:
    """One configuration of third-party choices, solved."""

    choices: tuple[int, ...]
    model: CrisisModel
    mediation: float
    sol: CrisisSolution
    ci: CrisisSolution | None  # complete-information solution (mixed in with the mediation probability)
    values: list[float]  # each third party's expected value of the outcome (before its own cost)
    war_weight: float  # E(delta^t of the war round)

    def cost(self, setup: ThirdSetup, k: int) -> float:
        party, ch = setup.parties[k], self.choices[k]
        if ch in (JOIN_C, JOIN_D):
            return party.join_cost * self.war_weight
        if ch in (PRESS_C, PRESS_D):
            return party.pressure_cost
        if ch == MEDIATE:
            return party.mediation_cost
        return 0.0

    def net(self, setup: ThirdSetup, k: int) -> float:
        return self.values[k] - self.cost(setup, k)


class _Evaluator:
    def __init__(self, setup: ThirdSetup, lam: float | None, belief_step: float = BELIEF_STEP) -> None:
        self.setup, self.lam, self.belief_step = setup, lam, belief_step
        self.by_choices: dict[tuple[int, ...], Evaluation] = {}
        self.by_model: dict[CrisisModel, CrisisSolution] = {}
        self.solves = 0

    def solve(self, m: CrisisModel) -> CrisisSolution:
        got = self.by_model.get(m)
        if got is None:
            got = self.by_model[m] = solve_crisis(m, self.lam, self.belief_step)
            self.solves += 1
        return got

    def __call__(self, choices: tuple[int, ...]) -> Evaluation:
        got = self.by_choices.get(choices)
        if got is not None:
            return got
        from detente.games.crisis.mechanisms import complete_info

        m, med = configure(self.setup, choices)
        sol = self.solve(m)
        n = len(self.setup.parties)
        vals = [sol.observer_value(j) for j in range(n)]
        ww = sol.war_weight
        ci = None
        if med > 0:
            ci = self.solve(complete_info(m, mean_costs(m)))
            vals = [(1 - med) * v + med * ci.observer_value(j) for j, v in enumerate(vals)]
            ww = (1 - med) * ww + med * ci.war_weight
        got = self.by_choices[choices] = Evaluation(choices, m, med, sol, ci, vals, ww)
        return got


@dataclass
class ThirdEquilibrium:
    """The third parties' choices in equilibrium, with every option's value to each of them."""

    setup: ThirdSetup
    choices: tuple[int, ...]
    final: Evaluation
    options: list[dict[int, tuple[float, float]]]  # per party: option -> (value of the outcome, expected cost)
    ties: list[str]
    converged: bool
    sweeps: int
    solves: int
    start: tuple[int, ...] = ()

    def label(self, k: int, option: int) -> str:
        c, d = self.setup.base.players
        return OPTIONS[option].replace(" C", f" {c}").replace(" D", f" {d}")

    def role(self, k: int) -> str:
        c, d = self.setup.base.players
        o = self.choices[k]
        return {OUT: "stays out", JOIN_C: f"joins {c} in war", JOIN_D: f"joins {d} in war",
                PRESS_C: f"pressures {c} to settle", PRESS_D: f"pressures {d} to settle",
                MEDIATE: f"mediates (reveals resolve with probability {self.setup.parties[k].reveal:.2f})"}[o]

    def explain(self, k: int) -> str:
        """Why party k chose what it did, in numbers."""
        setup = self.setup
        party = setup.parties[k]
        c, d = setup.base.players
        opts = self.options[k]
        o = self.choices[k]
        v_out = opts[OUT][0]
        val, cost = opts[o]

        def net(x: int) -> float:
            return opts[x][0] - opts[x][1]

        alts = sorted((x for x in opts if x != o), key=lambda x: -net(x))
        alt = alts[0] if alts else None
        what = {JOIN_C: "", JOIN_D: "", PRESS_C: f" (adds {party.pressure_effect[0]:.3f} to {c}'s standoff cost "
                f"per round)", PRESS_D: f" (adds {party.pressure_effect[1]:.3f} to {d}'s standoff cost per round)",
                MEDIATE: f" (reveals both sides' resolve with probability {party.reveal:.2f})", OUT: ""}
        if o in (JOIN_C, JOIN_D):
            what[o] = (f" ({c}'s chance of prevailing {self._p_without(k):.2f} -> {self.final.model.p[0]:.2f}; "
                       f"it pays {party.join_cost:.3f} if war comes)")
        if o == OUT:
            text = f"{party.actor} stays out: its value of the outcome is {v_out:.3f}"
            if alt is not None:
                text += (f"; the best alternative, to {self.label(k, alt)}, would give {opts[alt][0]:.3f} at a cost "
                         f"of {opts[alt][1]:.3f} (net change {net(alt) - v_out:+.3f})")
        else:
            text = (f"{party.actor} chooses to {self.label(k, o)}{what[o]}: its value of the outcome rises from "
                    f"{v_out:.3f} (staying out) to {val:.3f} at a cost of {cost:.3f} (net gain {net(o) - v_out:+.3f})")
            if alt is not None:
                text += f"; next best: {self.label(k, alt)} (net change {net(alt) - v_out:+.3f})"
        side = party.side
        join = JOIN_C if side == 0 else JOIN_D if side == 1 else max((JOIN_C, JOIN_D), key=net)
        if o != join and join in opts:
            text += (f"; joining {c if join == JOIN_C else d} would cost {party.join_cost:.3f} if war comes "
                     f"(expected {opts[join][1]:.3f}) for a value of {opts[join][0]:.3f}")
        return text + "."

    def _p_without(self, k: int) -> float:
        ch = list(self.choices)
        ch[k] = OUT
        return configure(self.setup, ch)[0].p[0]

    def summary(self) -> str:
        n = len(self.choices)
        head = (f"Third parties choose strategically (C13): iterated best responses from 'everyone stays out', "
                f"{self.sweeps} sweep(s), {self.solves} solves of the principals' game; ")
        head += "converged" if self.converged else "did not settle (the choices cycle; the last sweep is reported)"
        if self.ties:
            head += "; ties: " + "; ".join(self.ties)
        if self.setup.left_out:
            head += (f"; held at 'stay out' (beyond the {MAX_STRATEGIC} largest of {n + len(self.setup.left_out)}): "
                     + ", ".join(self.setup.left_out))
        return head + "."

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for k, party in enumerate(self.setup.parties):
            opts = self.options[k]
            rows.append({
                "actor": party.actor, "choice": self.label(k, self.choices[k]), "role": self.role(k),
                "options": {self.label(k, o): {"value": v, "cost": c, "net": v - c} for o, (v, c) in opts.items()},
                "join_cost_if_war": party.join_cost, "pressure_cost": party.pressure_cost,
                "mediation_cost": party.mediation_cost, "pressure_effect": dict(zip(
                    self.setup.base.players, party.pressure_effect, strict=True)),
                "reveal_probability": party.reveal, "cost_sources": party.sources, "why": self.explain(k)})
        return {"concept": "iterated best responses of the third parties, each given the principals' solved game",
                "converged": self.converged, "sweeps": self.sweeps, "solves": self.solves, "ties": self.ties,
                "left_out": list(self.setup.left_out), "mediation": self.final.mediation, "parties": rows}


_EQ_CACHE: dict[tuple, ThirdEquilibrium] = {}
_EQ_CACHE_MAX = 8


def equilibrium(setup: ThirdSetup, lam: float | None, belief_step: float = BELIEF_STEP,
                max_sweeps: int = MAX_SWEEPS) -> ThirdEquilibrium:
    """Iterated best responses among the third parties (Gauss-Seidel: each in turn, given the others'
    current choices), starting with everyone out. A tie keeps the current choice if it is among the best,
    else takes the first best in OPTIONS order; every tie is reported. The same setup is solved once per
    process (``detente analyze`` asks for it from the crisis layer and from the simulation's plan)."""
    key = (setup, lam, belief_step, max_sweeps)
    got = _EQ_CACHE.get(key)
    if got is None:
        got = _equilibrium(setup, lam, belief_step, max_sweeps)
        if len(_EQ_CACHE) >= _EQ_CACHE_MAX:
            _EQ_CACHE.clear()
        _EQ_CACHE[key] = got
    return got


def _equilibrium(setup: ThirdSetup, lam: float | None, belief_step: float, max_sweeps: int) -> ThirdEquilibrium:
    ev = _Evaluator(setup, lam, belief_step)
    n = len(setup.parties)
    choices = [OUT] * n
    start = tuple(choices)
    ties: dict[int, str] = {}
    seen: dict[int, tuple[int, ...]] = {}  # context (others' choices) of each party's last best response
    options: list[dict[int, tuple[float, float]]] = [{} for _ in range(n)]
    converged = n == 0
    sweeps = 0
    for sweep in range(max_sweeps):
        sweeps = sweep + 1
        changed = False
        for k in range(n):
            ctx = tuple(x for j, x in enumerate(choices) if j != k)
            if seen.get(k) == ctx:
                continue
            seen[k] = ctx
            opts: dict[int, tuple[float, float]] = {}
            for o in range(len(OPTIONS)):
                trial = tuple([*choices[:k], o, *choices[k + 1:]])
                e = ev(trial)
                opts[o] = (e.values[k], e.cost(setup, k))
            options[k] = opts
            nets = {o: v - c for o, (v, c) in opts.items()}
            top = max(nets.values())
            best = [o for o in nets if nets[o] >= top - TIE_TOL * max(1.0, abs(top))]
            new = choices[k] if choices[k] in best else best[0]
            if len(best) > 1:
                lab = ", ".join(OPTIONS[o] for o in best)
                ties[k] = f"{setup.parties[k].actor} is indifferent between {lab} (kept: {OPTIONS[new]})"
            else:
                ties.pop(k, None)
            if new != choices[k]:
                choices[k] = new
                changed = True
        if not changed:
            converged = True
            break
    # the values reported are each party's options given the others' final choices
    final = ev(tuple(choices))
    for k in range(n):
        opts = {}
        for o in range(len(OPTIONS)):
            e = ev(tuple([*choices[:k], o, *choices[k + 1:]]))
            opts[o] = (e.values[k], e.cost(setup, k))
        options[k] = opts
    return ThirdEquilibrium(setup, tuple(choices), final, options, list(ties.values()), converged, sweeps,
                            ev.solves, start)
