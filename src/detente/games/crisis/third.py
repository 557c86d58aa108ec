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
- Mediation, reading ``propose`` (C19; the default since C20): the mediator proposes a split that the principals
  accept or reject before the first round (``mediation.py``; once accepted it is round 0's agreement and may be
  reopened, or, reading ``binding``, settled for good: C20). Reading ``reveal`` (C13; C19b's default): it reveals both
  sides' resolve with a probability (Kydd 2003/2005 as C7 read it); several mediators reveal with
  1 - prod(1 - m_j). Either way at a small one-time cost.

For each configuration of choices the principals' game is solved (cached by the model it yields),
and k's value is its expected value of the outcome minus its cost. With best responses (``lam=None``)
the third parties' choices are an equilibrium of iterated best responses (each in turn best-responds
to the others; a bounded number of sweeps; convergence and ties are reported, never silently broken).
With the principals solved by logit QRE at lambda, the third parties choose by logit at the same lambda
(C19): a fixed point of their choice probabilities, the principals' outcome being the mixture of their
solutions over the configurations (to first order around the modal configuration, or, as an option for up
to three third parties, exactly over all 6^n; the reading is named and reported).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from detente.games.crisis import mediation as MD
from detente.games.crisis.model import BELIEF_STEP, CLASSES, VLEN, WAR_WEIGHT, CrisisModel, CrisisSolution, solve_crisis

OUT, JOIN_C, JOIN_D, PRESS_C, PRESS_D, MEDIATE = range(6)
OPTIONS = ("stay out", "join C", "join D", "pressure C", "pressure D", "mediate")
MAX_SWEEPS = 6  # rounds of best responses (each third party once per sweep)
MAX_STRATEGIC = 6  # the largest third parties (capability x salience) choose; any others stay out
TIE_TOL = 1e-9
MEDIATIONS = ("propose", "reveal")  # what a mediator does (C19; "reveal" is C13's reading)
MEDIATION = "reveal"  # C22b: at C21's globals C20's own rule keeps the revealing mediator; "propose" is an option
MIXES = ("first_order", "exact")  # how the logit third parties' configurations are mixed (C19)
EXACT_LIMIT = 216  # "exact" is refused beyond this many configurations (three third parties)
QRE_ITERS = 2000


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
    can_join: tuple[bool, bool] = (True, True)  # may it join C / D (C24 ``joining:credible``: only if it would fight)

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
    mediation: str = MEDIATION  # a mediator proposes a split ("propose", C19) or reveals resolve ("reveal", C13)
    proposal: str = MD.PROPOSAL  # where a mediator's proposal comes from (mediation.PROPOSALS)
    split: str = MD.SPLIT  # an accepted proposal is round 0's agreement, reopened as any (C20), or binding (C19)
    mix: str = "first_order"  # logit third parties: to first order around the modal configuration, or exact (C19)


def readings(setup: ThirdSetup, tags: Sequence[str], mediation: str | None = None, proposal: str | None = None,
             mix: str | None = None, where: str = "", split: str | None = None) -> ThirdSetup:
    """``setup`` with the mediation, proposal, split and mixture readings: arguments first, then the scenario's
    tags ``mediation:propose|reveal``, ``mediator_proposal:preferred|nash|ideal``, ``mediated_split:renegotiable|
    binding`` (C20), ``third_party_mix:first_order|exact``, else the defaults (C19). A bad value is an input
    error naming the tag."""
    from detente.errors import InputError
    from detente.scenario.tags import tag_choice

    def pick(given: str | None, tag: str, allowed: tuple[str, ...], dflt: str) -> str:
        return tag_choice(tags, tag, allowed, dflt, given, where)

    out = replace(setup, mediation=pick(mediation, "mediation", MEDIATIONS, setup.mediation),
                  proposal=pick(proposal, "mediator_proposal", MD.PROPOSALS, setup.proposal),
                  split=pick(split, "mediated_split", MD.SPLITS, setup.split),
                  mix=pick(mix, "third_party_mix", MIXES, setup.mix))
    if out.mix == "exact" and len(OPTIONS) ** len(out.parties) > EXACT_LIMIT:
        raise InputError(f"third_party_mix exact would solve the principals' game {len(OPTIONS) ** len(out.parties)} "
                         f"times ({len(out.parties)} third parties); use first_order", where, field="meta.tags")
    return out


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


def options_of(party: ThirdParty) -> tuple[int, ...]:
    """The options open to ``party``, in OPTIONS order (a join it would not keep is not one, C24)."""
    return tuple(o for o in range(len(OPTIONS))
                 if not (o == JOIN_C and not party.can_join[0]) and not (o == JOIN_D and not party.can_join[1]))


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
    mediation: float  # reading "reveal": the probability that both sides' resolve is revealed
    sol: CrisisSolution
    ci: CrisisSolution | None  # complete-information solution (mixed in with the mediation probability)
    values: list[float]  # each third party's expected value of the outcome (before its own cost)
    war_weight: float  # E(delta^t of the war round)
    expected: list[float] = field(default_factory=list)  # the solver's value vector, mediation included
    proposals: list[MD.Proposal] = field(default_factory=list)  # reading "propose": each mediator's proposal

    @property
    def probs(self) -> dict[str, float]:
        return class_probs(self.expected)

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


def class_probs(v: Sequence[float]) -> dict[str, float]:
    """Outcome-class probabilities from a value vector (as ``CrisisSolution.outcome_probs``)."""
    clipped = [max(0.0, x) for x in v[2:6]]
    tot = sum(clipped) or 1.0
    return {c: clipped[i] / tot for i, c in enumerate(CLASSES)}


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

        setup = self.setup
        m, med = configure(setup, choices)
        sol = self.solve(m)
        n = len(setup.parties)
        ci = None
        props: list[MD.Proposal] = []
        exp = sol.expected()
        if setup.mediation == "propose":
            med = 0.0
            who = [k for k in range(n) if choices[k] == MEDIATE]
            if who:
                who.sort(key=lambda k: -setup.parties[k].capability * setup.parties[k].salience)
                after, props = MD.mediate(sol, who, self.lam, setup.proposal, setup.split, self.belief_step)
                exp = MD.prior_expected(m, after)
        elif med > 0:
            ci = self.solve(complete_info(m, mean_costs(m)))
            exp = [(1 - med) * a + med * b for a, b in zip(exp, ci.expected(), strict=True)]
        vals = [exp[VLEN + 1 + j] for j in range(n)]
        ww = exp[WAR_WEIGHT] if m.observers else 0.0
        got = self.by_choices[choices] = Evaluation(choices, m, med, sol, ci, vals, ww, exp, props)
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
    lam: float | None = None  # None: best responses; else the third parties choose by logit at lam (C19)
    shares: list[dict[int, float]] = field(default_factory=list)  # per party: option -> choice probability
    mixture: list[float] = field(default_factory=list)  # the principals' value vector mixed over configurations
    mix: str = "pure"  # "pure" (best responses), "exact" or "first_order" (C19)
    notes: list[str] = field(default_factory=list)
    qre_iterations: int = 0

    @property
    def probs(self) -> dict[str, float]:
        """The principals' outcome-class probabilities under the third parties' choice probabilities."""
        return class_probs(self.mixture or self.final.expected)

    def label(self, k: int, option: int) -> str:
        c, d = self.setup.base.players
        return OPTIONS[option].replace(" C", f" {c}").replace(" D", f" {d}")

    def role(self, k: int) -> str:
        c, d = self.setup.base.players
        o = self.choices[k]
        return {OUT: "stays out", JOIN_C: f"joins {c} in war", JOIN_D: f"joins {d} in war",
                PRESS_C: f"pressures {c} to settle", PRESS_D: f"pressures {d} to settle",
                MEDIATE: self._mediates(k)}[o]

    def _mediates(self, k: int) -> str:
        if self.setup.mediation == "reveal":
            return f"mediates (reveals resolve with probability {self.setup.parties[k].reveal:.2f})"
        prop = next((p for p in self.final.proposals if p.mediator == self.setup.parties[k].actor), None)
        if prop is None:
            return "mediates (proposes a split)"
        return f"mediates (proposes {prop.s:.2f}; settled with probability {prop.settled:.2f})"

    def shares_text(self, k: int) -> str:
        """Party k's choice probabilities and each option's net value, in numbers (logit, C19)."""
        sh, opts = self.shares[k], self.options[k]
        order = sorted(sh, key=lambda o: -sh[o])
        probs = ", ".join(f"{self.label(k, o)} {sh[o]:.2f}" for o in order)
        nets = ", ".join(f"{self.label(k, o)} {opts[o][0] - opts[o][1]:.3f}" for o in order)
        ctx = ("the others mixed by their probabilities" if self.mix == "exact" else
               "the others at their most likely choices")
        return (f"{self.setup.parties[k].actor} chooses by logit (lambda {self.lam:g}): {probs}; net value of each "
                f"option ({ctx}): {nets}.")

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
        if o == MEDIATE and setup.mediation == "propose":
            prop = next((p for p in self.final.proposals if p.mediator == party.actor), None)
            what[o] = (f" (proposes {prop.s:.2f} of the way to {c}'s positions, its own ideal {prop.ideal:.2f}; "
                       f"settled with probability {prop.settled:.2f}"
                       + (", for good" if prop.split == "binding" else ", renegotiable") + ")"
                       ) if prop is not None else " (proposes a split)"
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
        open_joins = [x for x in (JOIN_C, JOIN_D) if x in opts]  # C24: a join it would not keep is no option
        join = JOIN_C if side == 0 else JOIN_D if side == 1 else max(open_joins, key=net, default=None)
        if join not in opts and join is not None:
            text_not = f"; it would not fight for {c if join == JOIN_C else d} if war came (C24), so cannot join"
        else:
            text_not = ""
        if o != join and join in opts:
            text += (f"; joining {c if join == JOIN_C else d} would cost {party.join_cost:.3f} if war comes "
                     f"(expected {opts[join][1]:.3f}) for a value of {opts[join][0]:.3f}")
        return text + text_not + "." + (" " + self.shares_text(k) if self.lam is not None and self.shares else "")

    def _p_without(self, k: int) -> float:
        ch = list(self.choices)
        ch[k] = OUT
        return configure(self.setup, ch)[0].p[0]

    def summary(self) -> str:
        n = len(self.choices)
        if self.lam is None:
            head = (f"Third parties choose strategically (C13): iterated best responses from 'everyone stays out', "
                    f"{self.sweeps} sweep(s), {self.solves} solves of the principals' game; ")
            head += "converged" if self.converged else "did not settle (the choices cycle; the last sweep is reported)"
        else:
            how = ("every configuration solved and mixed exactly" if self.mix == "exact" else
                   "the principals' outcome mixed to first order around the most likely configuration (it and "
                   "each single deviation, weighted by the third parties' probabilities)")
            head = (f"Third parties choose by logit at lambda {self.lam:g}, as the principals (C19): {how}; "
                    f"{self.solves} solves of the principals' game; ")
            head += "converged" if self.converged else "did not settle (the last iterate is reported)"
        if self.ties:
            head += "; ties: " + "; ".join(self.ties)
        if self.setup.left_out:
            head += (f"; held at 'stay out' (beyond the {MAX_STRATEGIC} largest of {n + len(self.setup.left_out)}): "
                     + ", ".join(self.setup.left_out))
        su = self.setup
        head += f"; mediation reading '{su.mediation}'" + (
            f" (proposal: {su.proposal}; split: {su.split})" if su.mediation == "propose" else "")
        return head + "." + "".join(" " + x for x in self.notes)

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
            if self.shares:
                rows[-1]["probabilities"] = {self.label(k, o): p for o, p in self.shares[k].items()}
        concept = ("iterated best responses of the third parties, each given the principals' solved game"
                   if self.lam is None else
                   f"logit choices of the third parties at lambda {self.lam:g} (C19), "
                   + ("mixed exactly over every configuration" if self.mix == "exact" else
                      "mixed to first order around the most likely configuration"))
        players = self.setup.base.players
        return {"concept": concept, "lambda": self.lam, "mixture": self.mix,
                "converged": self.converged, "sweeps": self.sweeps, "solves": self.solves, "ties": self.ties,
                "left_out": list(self.setup.left_out), "mediation_reading": self.setup.mediation,
                "mediation": self.final.mediation, "mediator_proposal": self.setup.proposal,
                "mediated_split": self.setup.split,
                "proposals": [p.to_dict(players) for p in self.final.proposals],
                "outcome_classes": self.probs, "notes": self.notes, "parties": rows}


_EQ_CACHE: dict[tuple, ThirdEquilibrium] = {}
_EQ_CACHE_MAX = 8


def equilibrium(setup: ThirdSetup, lam: float | None, belief_step: float = BELIEF_STEP,
                max_sweeps: int = MAX_SWEEPS) -> ThirdEquilibrium:
    """The third parties' choices given the principals' game solved at ``lam``.

    ``lam=None``: iterated best responses (Gauss-Seidel: each in turn, given the others' current choices),
    starting with everyone out. A tie keeps the current choice if it is among the best, else takes the first
    best in OPTIONS order; every tie is reported. A number: logit choices at the same precision as the
    principals' QRE (C19), mixed as ``setup.mix`` says. The same setup is solved once per process
    (``detente analyze`` asks for it from the crisis layer and from the simulation's plan)."""
    key = (setup, lam, belief_step, max_sweeps)
    got = _EQ_CACHE.get(key)
    if got is None:
        ev = _Evaluator(setup, lam, belief_step)
        got = _equilibrium(setup, ev, max_sweeps)
        if lam is not None and setup.parties:
            got = _logit(got, ev)
        if len(_EQ_CACHE) >= _EQ_CACHE_MAX:
            _EQ_CACHE.clear()
        _EQ_CACHE[key] = got
    return got


def _logit_shares(nets: dict[int, float], lam: float) -> dict[int, float]:
    mx = max(nets.values())
    w = {o: math.exp(lam * (v - mx)) for o, v in nets.items()}
    z = sum(w.values())
    return {o: x / z for o, x in w.items()}


def _logit(br: ThirdEquilibrium, ev: _Evaluator) -> ThirdEquilibrium:
    """Logit choices of the third parties (C19). ``exact``: a damped fixed point of sigma_k = logit(lam U_k),
    U_k(o) the expectation over every configuration of the others under their probabilities, and the
    principals' outcome the mixture over all configurations. ``first_order``: each party's options valued with
    the others at their most likely choices, which at the fixed point are the best-response equilibrium
    ``br`` (the logit's mode is the best reply), and the outcome the mixture of the modal configuration and each
    single deviation from it, weighted by the probabilities (exact with one third party; with D > 1 parties
    expected off their modal choice the deviations are scaled by 1 / D and the modal configuration gets none)."""
    setup, lam = br.setup, ev.lam
    assert lam is not None
    n = len(setup.parties)
    mix = setup.mix
    notes: list[str] = []
    if mix == "first_order":
        shares = [_logit_shares({o: v - c for o, (v, c) in br.options[k].items()}, lam) for k in range(n)]
        # first order: the modal configuration and each single deviation, weighted by the probabilities; when
        # more than one party is expected off its modal choice (D > 1) the deviations share the weight alone
        dev = sum(1.0 - shares[k][br.choices[k]] for k in range(n))
        scale = 1.0 / dev if dev > 1.0 else 1.0
        mixture = [max(0.0, 1.0 - dev) * x for x in br.final.expected]
        for k in range(n):
            for o, p in shares[k].items():
                if o == br.choices[k] or p == 0.0:
                    continue
                e = ev(tuple([*br.choices[:k], o, *br.choices[k + 1:]]))
                mixture = [x + scale * p * a for x, a in zip(mixture, e.expected, strict=True)]
        notes.append(f"expected number of third parties off their most likely choice: {dev:.2f}"
                     + (" (above 1: the single deviations carry all the weight, the most likely configuration "
                        "none; a rough reading)" if dev > 1.0 else ""))
        return replace(br, lam=lam, shares=shares, mixture=mixture, mix=mix, notes=notes, solves=ev.solves)
    allowed = [options_of(p) for p in setup.parties]
    configs = list(itertools.product(*allowed))
    evs = {c: ev(c) for c in configs}
    sig = [dict.fromkeys(allowed[k], 1.0 / len(allowed[k])) for k in range(n)]

    def utilities(k: int) -> dict[int, tuple[float, float]]:
        out = {o: [0.0, 0.0] for o in allowed[k]}
        for c, e in evs.items():
            w = 1.0
            for j in range(n):
                if j != k:
                    w *= sig[j][c[j]]
            acc = out[c[k]]
            acc[0] += w * e.values[k]
            acc[1] += w * e.cost(setup, k)
        return {o: (v[0], v[1]) for o, v in out.items()}

    converged, iters = False, 0
    for it in range(1, QRE_ITERS + 1):
        iters = it
        new = [_logit_shares({o: v - c for o, (v, c) in utilities(k).items()}, lam) for k in range(n)]
        diff = max(abs(new[k][o] - sig[k][o]) for k in range(n) for o in allowed[k])
        sig = [{o: 0.5 * sig[k][o] + 0.5 * new[k][o] for o in allowed[k]} for k in range(n)]
        if diff < 1e-10:
            converged = True
            break
    options = [utilities(k) for k in range(n)]
    mixture = [0.0] * len(next(iter(evs.values())).expected)
    for c, e in evs.items():
        w = math.prod(sig[j][c[j]] for j in range(n))
        mixture = [x + w * a for x, a in zip(mixture, e.expected, strict=True)]
    choices = tuple(max(allowed[k], key=lambda o, k=k: (sig[k][o], -o)) for k in range(n))
    ties = []
    for k in range(n):
        top = max(sig[k].values())
        best = [o for o in allowed[k] if sig[k][o] >= top - TIE_TOL]
        if len(best) > 1:
            ties.append(f"{setup.parties[k].actor} is as likely to {' as to '.join(OPTIONS[o] for o in best)} "
                        f"(reported as: {OPTIONS[best[0]]})")
    return ThirdEquilibrium(setup, choices, ev(choices), options, ties, converged, br.sweeps, ev.solves, br.start,
                            lam, sig, mixture, mix, notes, iters)


def _equilibrium(setup: ThirdSetup, ev: _Evaluator, max_sweeps: int) -> ThirdEquilibrium:
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
            for o in options_of(setup.parties[k]):
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
        for o in options_of(setup.parties[k]):
            e = ev(tuple([*choices[:k], o, *choices[k + 1:]]))
            opts[o] = (e.values[k], e.cost(setup, k))
        options[k] = opts
    shares = [{o: float(o == choices[k]) for o in options_of(setup.parties[k])} for k in range(n)]
    return ThirdEquilibrium(setup, tuple(choices), final, options, list(ties.values()), converged, sweeps,
                            ev.solves, start, None, shares, list(final.expected))
