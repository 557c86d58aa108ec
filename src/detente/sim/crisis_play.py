"""The simulation plays the general crisis model round by round (decision C14).

One :class:`CrisisPlan` per scenario holds the model solved once (agent QRE at the fitted λ, and the
complete-information solution a mediator's revelation switches to, C7). Each run then:

1. draws each principal's resolve type from the model's prior, and whether the mediator reveals
   both sides' resolve, from the run's own generator;
2. replays the history (every principal's move with a ``step``, in step order): the model's start
   state is built from the same moves;
3. then, one model round per simulation round, draws the proposer's offer from its type's strategy
   at the current model state and the responder's answer (accept, hold, escalate, war) from its
   type's strategy at that offer, and moves the model state as the model does (status quo, rung,
   who escalated, force used, agreement, beliefs by Bayes' rule on what was played): the run walks
   the model's own states, so over many runs its outcome classes match the model's probabilities;
4. classifies the run by the model's classes (C5) from the final model state.

What the simulation adds (audiences and their opinion, alliance cohesion, channels, face, the log)
runs alongside: an answer is played as the responder's first open menu move of that kind (its
audience effects, commitment and face follow the simulation's rules), and the model's state is then
written into the simulation's state (positions on the contested issues, settled issues, tension
level, war), so a menu move never changes what the model decided. Offers are the model's
divisions on the linkage frontier, logged with their positions, not menu moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detente.errors import InputError
from detente.games.crisis import mediation as MD
from detente.games.crisis import spec as S
from detente.games.crisis.channels import CHANNEL_NAMES
from detente.games.crisis.model import (
    CH,
    CLASSES,
    DF,
    NONE,
    RESPONSES,
    RUNG_NAMES,
    SQ_STEP,
    CrisisModel,
    NodeRecord,
    _round,
    classify,
    classify_rule,
    solve_crisis,
    standoff_move,
    step_state,
)
from detente.scenario.schema import Scenario
from detente.sim import narrate
from detente.sim.outcome import Outcome
from detente.sim.outcome import classify as sim_classify
from detente.sim.policies import draw
from detente.sim.world import State, World, available

if TYPE_CHECKING:
    from detente.sim.engine import Simulation

POLICIES = ("auto", "crisis", "logit")
# menu moves that stand for a model answer (first open one of these types, in menu order); none for an
# acceptance: the scenario's accept moves carry their own positions, the model's division is what is agreed
MENU = {"accept": (), "hold": ("hold", "reject"),
        "mobilise": ("mobilize", "threaten", "sanction"), "limited": ("mobilize", "sanction", "threaten"),
        "war": ("escalate", "assault")}
LEVEL = {1: 4.0, 2: 5.0}  # the simulation's tension level at least: show of force (rung 1), brink (rung 2)
TYPE_NAMES = ("resolved", "irresolute")
# what a run plays after a mediator's revelation (C7, C14): the complete-information solution, each war cost
# at its stated value, whatever type was drawn (the log says this, not the type drawn; C20b)
REVEALED = "stated (revealed)"
# Why a simulation played by the crisis model has no break-even search of its own (C14).
NO_BREAKEVEN = ("not computed: the crisis model plays both principals, so the simulation's break-even search "
                "does not apply; the crisis model's section gives its outcome probabilities and mechanism "
                "(no threshold search is run for it)")


@dataclass
class CrisisPlan:
    """The crisis model of one scenario, solved once; shared by every run (picklable)."""

    scenario_id: str
    model: CrisisModel
    lam: float
    nodes: dict[tuple, NodeRecord]
    root: tuple
    probs: dict[str, float]  # outcome probabilities of the configuration played (mediation mixed in, as run_crisis)
    mediation: float
    ci_nodes: dict[tuple, NodeRecord] | None
    ci_root: tuple | None
    values: tuple[float, float]  # the model's expected payoffs (C, D) over types (and mediation)
    history: int  # simulation rounds of history (last step + 1)
    axis: list[tuple[str, float, float, float, float]]  # (issue, gain to C, loss to D, D's pos, C's pos), in
    # the frontier's order of concession
    notes: list[str] = field(default_factory=list)
    # mediators' proposals before round 0 in the configuration played (C19, C20): (mediator, division,
    # P(accept) [C, D][resolved, irresolute]), in the order they propose; and what an accepted split does
    proposals: list[tuple[str, float, Any]] = field(default_factory=list)
    split: str = "renegotiable"
    defaults: dict[str, float] = field(default_factory=dict)  # crisis terms the scenario does not give

    @property
    def players(self) -> tuple[str, str]:
        return self.model.players

    @property
    def rounds_needed(self) -> int:
        return self.history + self.model.horizon

    def positions(self, s: float) -> dict[str, float]:
        """Each contested issue's value at division ``s`` (the defender's cumulative loss share, C2)."""
        gd_tot = sum(r[2] for r in self.axis)
        left = s * gd_tot
        out = {}
        for iid, _gc, gd, xd, xc in self.axis:
            f = 1.0 if gd <= 0 and s > 0 else (min(gd, max(left, 0.0)) / gd if gd > 0 else 0.0)
            left -= gd
            out[iid] = xd + f * (xc - xd)
        return out

    def describe(self) -> dict[str, Any]:
        m = self.model
        return {"policy": "crisis", "lambda": self.lam, "horizon": m.horizon, "history_rounds": self.history,
                "model_outcome_classes": self.probs, "mediation": self.mediation,
                "model_expected_payoff": dict(zip(m.players, self.values, strict=True)),
                "prior_resolved": dict(zip(m.players, m.prior, strict=True)),
                "war_cost_types": {m.players[i]: dict(zip(TYPE_NAMES, m.war_cost[i], strict=True)) for i in (0, 1)},
                "notes": self.notes}

    def start(self, world: World, rng: Any) -> CrisisRun:
        return CrisisRun(self, world, rng)


def build_plan(sc: Scenario, lam: float | None = None) -> CrisisPlan:
    """Solve the scenario's crisis model once (raises InputError where the model does not apply)."""
    from detente.games.crisis.mechanisms import complete_info
    from detente.games.crisis.run import apply_readings, solve_inputs

    inp = S.build_inputs(sc)
    apply_readings(inp, sc)  # mediation readings (C19); a mediator's proposal is not played here
    lam = S.LAMBDA if lam is None else lam
    qre, ci_sol = solve_inputs(inp, lam)  # strategic third parties choose first (C13)
    m = inp.model
    probs = qre.outcome_probs()
    ev = qre.expected()
    values = (ev[0], ev[1])
    ci_nodes = ci_root = None
    notes = list(qre.notes)
    if inp.mediation > 0:
        mean = tuple(m.prior[i] * m.war_cost[i][0] + (1 - m.prior[i]) * m.war_cost[i][1] for i in (0, 1))
        ci = ci_sol if ci_sol is not None else solve_crisis(complete_info(m, mean), lam)  # type: ignore[arg-type]
        ci_nodes, ci_root = ci.nodes, ci.root
        cp, cv = ci.outcome_probs(), ci.expected()
        probs = {k: (1 - inp.mediation) * probs[k] + inp.mediation * cp[k] for k in CLASSES}
        values = (values[0] * (1 - inp.mediation) + inp.mediation * cv[0],
                  values[1] * (1 - inp.mediation) + inp.mediation * cv[1])
        notes.append(f"a mediator reveals both sides' resolve with probability {inp.mediation:.2g} (C7): such a "
                     "run plays the complete-information solution (war costs at their stated values)")
    eq = inp.third_eq
    nodes = qre.nodes
    proposals: list[tuple[str, float, Any]] = []
    split = "renegotiable"
    if eq is not None and eq.final.proposals:  # mediators who propose a split before round 0 (C19, C20)
        from detente.games.crisis.third import class_probs

        split = eq.setup.split
        cont = MD.Continuation(qre) if split == "renegotiable" else None
        for p in eq.final.proposals:
            if cont is not None:
                cont.split_vectors(p.s)  # solves the states after the split, beside the game's own
            proposals.append((p.mediator, p.s, p.accept))
        if cont is not None:
            nodes = cont.solver.nodes
        ev = eq.final.expected
        probs, values = class_probs(ev), (ev[0], ev[1])
        notes.append("mediators propose a split before round 0 (" + ", ".join(f"{n} {s:.2f}" for n, s, _ in proposals)
                     + f"): each run draws the principals' answers by type; an accepted split is {split} (C20)")
    if eq is not None and eq.lam is not None:  # the model's headline mixes the third parties' choices (C19)
        notes.append("the runs play the third parties' most likely choices; the crisis model's own section mixes "
                     "their choice probabilities (escalation " + f"{eq.probs['escalation']:.3f} there, "
                     f"{probs['escalation']:.3f} here)")
    rows, _ = S._stake_axis(sc, *m.players)
    axis = sorted(rows, key=lambda r: -(r[1] / r[2] if r[2] > 0 else float("inf")))
    history = 1 + max((mv.step for mv in sc.moves if mv.step is not None), default=-1)
    return CrisisPlan(sc.meta.id, m, lam, nodes, qre.root, probs, inp.mediation, ci_nodes, ci_root,
                      values, history, axis, notes, proposals, split, dict(inp.defaults))


def choose_plan(sc: Scenario, policy: str = "auto") -> tuple[CrisisPlan | None, str]:
    """The plan the simulation plays and why: ``auto`` plays the crisis model when it builds from the
    scenario with the simulation's two players as its principals, else the logit policy (said why)."""
    if policy not in POLICIES:
        raise InputError(f"--policy must be one of {', '.join(POLICIES)}, got '{policy}'", sc.meta.id,
                         field="policy")
    if policy == "crisis" and sc.simulation is None:
        raise InputError("the crisis players need the scenario's 'simulation:' section (players, rounds, ...)",
                         sc.meta.id, field="simulation")
    if policy == "logit" or sc.simulation is None:
        return None, "logit (chosen)"
    try:
        plan = build_plan(sc)
    except InputError as exc:
        if policy == "crisis":
            raise
        return None, f"logit: the crisis model does not apply ({exc})"
    if set(plan.players) != set(sc.simulation.players):
        why = (f"the crisis model's principals ({', '.join(plan.players)}) are not the simulation's players "
               f"({', '.join(sc.simulation.players)})")
        if policy == "crisis":
            raise InputError(why, sc.meta.id, field="simulation.players")
        return None, f"logit: {why}"
    return plan, "crisis model (C14)" + ("" if policy == "crisis" else ", the default where it applies")


def _bayes(prior: float, l0: float, l1: float) -> float:
    den = prior * l0 + (1 - prior) * l1
    return prior if den <= 1e-300 else prior * l0 / den  # off the path: the prior (C4)


def _complete(plan: CrisisPlan) -> CrisisModel:
    from detente.games.crisis.mechanisms import complete_info

    m = plan.model
    mean = tuple(m.prior[i] * m.war_cost[i][0] + (1 - m.prior[i]) * m.war_cost[i][1] for i in (0, 1))
    return complete_info(m, mean)  # type: ignore[arg-type]


class CrisisRun:
    """One run's walk through the model's states (types drawn, state, record of plays)."""

    def __init__(self, plan: CrisisPlan, world: World, rng: Any) -> None:
        m = plan.model
        self.plan, self.world, self.rng = plan, world, rng
        u = rng.random(3)  # always three numbers: same seed, same draws, whatever the prior
        self.types = (0 if u[0] < m.prior[0] else 1, 0 if u[1] < m.prior[1] else 1)
        self.mediated = bool(u[2] < plan.mediation)
        if self.mediated:
            assert plan.ci_nodes is not None and plan.ci_root is not None
            self.nodes, self.key = plan.ci_nodes, plan.ci_root
        else:
            self.nodes, self.key = plan.nodes, plan.root
        self.sim_of = tuple(world.player_ids.index(p) for p in m.players)  # model index -> sim player
        self.state5: tuple = self.key[1:6]  # (rung, escalator, status quo, force used, agreed)
        self.sq_now = self.key[3]  # the model's status quo the simulation's positions show
        self.t = 0  # next model round
        self.war_by: int | None = None  # model index of the side that went to war
        self.owned: dict[int, float] | None = None  # contested issues' values the model sets
        self.path: list[dict[str, Any]] = []
        self.payoff = [0.0, 0.0]  # realised, in the model's units (discounted flows and costs, C3)
        # P(resolved) by Bayes' rule on the plays, unrounded (the model's state holds it on a 0.25 grid)
        self.belief = [m.prior[0], m.prior[1]] if not self.mediated else [1.0, 1.0]
        # the model played (complete information after a mediator's revelation, C7)
        self.model = m if not self.mediated else _complete(plan)
        # mediators' proposals (C19, C20): each principal's answer drawn by its type, after the three numbers
        self.proposed: list[tuple[int, bool, bool]] = []  # (proposal, C accepts, D accepts), until one is accepted
        self.split: int | None = None  # the proposal accepted
        self.split_done = not plan.proposals
        if plan.proposals:
            ua = rng.random(2 * len(plan.proposals))
            for j, (_name, _s, acc) in enumerate(plan.proposals):
                a = (bool(ua[2 * j] < acc[0][self.types[0]]), bool(ua[2 * j + 1] < acc[1][self.types[1]]))
                self.proposed.append((j, *a))
                if a[0] and a[1]:
                    self.split = j
                    break

    # -- what the run records
    def played(self, i: int) -> str:
        """The resolve type principal ``i`` plays: the type drawn, or, after a mediator's revelation, its war
        cost at the stated value (the complete-information solution, C7/C14), whatever was drawn."""
        return REVEALED if self.mediated else TYPE_NAMES[self.types[i]]

    def info(self) -> dict[str, Any]:
        m = self.plan.model
        return {"policy": "crisis", "types": {m.players[i]: self.played(i) for i in (0, 1)},
                "drawn_types": {m.players[i]: TYPE_NAMES[self.types[i]] for i in (0, 1)},
                "war_cost": {m.players[i]: self.model.war_cost[i][self.types[i]] for i in (0, 1)},
                "mediated": self.mediated, "model_rounds": self.t, "path": [dict(x) for x in self.path],
                "payoff": {m.players[i]: round(self.payoff[i], 9) for i in (0, 1)}}

    def get_state(self) -> dict[str, Any]:
        """What changes during a run (for checkpoints; the plan and the world are fixed)."""
        return {"types": list(self.types), "mediated": self.mediated, "key": list(self.key),
                "state5": list(self.state5), "sq_now": self.sq_now, "t": self.t, "war_by": self.war_by,
                "owned": None if self.owned is None else [[i, x] for i, x in self.owned.items()],
                "path": [dict(x) for x in self.path], "payoff": list(self.payoff), "belief": list(self.belief),
                "proposed": [list(x) for x in self.proposed], "split": self.split, "split_done": self.split_done}

    def set_state(self, d: dict[str, Any]) -> None:
        self.types = (int(d["types"][0]), int(d["types"][1]))
        self.mediated = bool(d["mediated"])
        self.nodes = self.plan.ci_nodes if self.mediated else self.plan.nodes  # type: ignore[assignment]
        self.model = _complete(self.plan) if self.mediated else self.plan.model
        self.key, self.state5 = tuple(d["key"]), tuple(d["state5"])
        self.sq_now, self.t, self.war_by = d["sq_now"], int(d["t"]), d["war_by"]
        self.owned = None if d["owned"] is None else {int(i): float(x) for i, x in d["owned"]}
        self.path = [dict(x) for x in d["path"]]
        self.payoff = [float(x) for x in d["payoff"]]
        self.belief = [float(x) for x in d["belief"]]
        self.proposed = [(int(j), bool(a), bool(b)) for j, a, b in d.get("proposed", [])]
        self.split = d.get("split")
        self.split_done = bool(d.get("split_done", True))

    def opening(self) -> str:
        m = self.model  # after a mediator's revelation: the complete-information model's costs
        head = (f"policy: the general crisis model (QRE, lambda {self.plan.lam:g}), {m.horizon} rounds after "
                f"{self.plan.history} of history; ")
        if self.mediated:
            ty = "; ".join(f"{self._name(i)}'s war cost {m.war_cost[i][self.types[i]]:g}" for i in (0, 1))
            drawn = ", ".join(f"{self._name(i)} {TYPE_NAMES[self.types[i]]}" for i in (0, 1))
            return (head + f"a mediator reveals both sides' resolve: the run plays the complete-information "
                    f"solution at the stated war costs ({ty}), not the types drawn ({drawn})")
        ty = "; ".join(f"{self._name(i)}'s resolve: {TYPE_NAMES[self.types[i]]} (war cost "
                       f"{m.war_cost[i][self.types[i]]:g})" for i in (0, 1))
        return head + f"types drawn and played: {ty}"

    def _name(self, i: int, start: bool = False) -> str:
        return narrate.actor(self.world, self.plan.model.players[i], start=start)

    # -- one simulation round
    def play(self, sim: Simulation, r: int) -> None:
        plan, w = self.plan, self.world
        if r <= plan.history:
            for k, mv in enumerate(w.moves):  # history: every principal's move of this step, in file order
                if mv.step == r - 1 and k in available(w, sim.state, mv.player):
                    # as build_inputs reads it: rung 1 or 2, not war
                    sim.play_move(r, k, force_cap=LEVEL[2], history=True)
            return
        if self.t >= plan.model.horizon or self.war_by is not None:
            return  # after the deadline the status quo persists: no model moves
        if self.owned is None:
            self.owned = {w.issue_ids.index(a[0]): sim.state.realised[w.issue_ids.index(a[0])]
                          for a in plan.axis if a[0] in w.issue_ids}
        if not self.split_done:
            self.split_done = True
            if self._mediation(sim, r):
                return  # an accepted split is round 0's agreement (C20) or the end (binding, C19)
        self._model_round(sim, r)

    def _mediation(self, sim: Simulation, r: int) -> bool:
        """The mediators' proposals before round 0, as drawn (C19, C20); True if one was accepted."""
        plan, m = self.plan, self.model
        c, d = m.players
        for j, a_c, a_d in self.proposed:
            name, s, _acc = plan.proposals[j]
            ans = "; ".join(f"{self._name(i, True)} {'accepts' if a else 'rejects'}" for i, a in ((0, a_c), (1, a_d)))
            if a_c and a_d:
                ans += (": settled for good (C19)" if plan.split == "binding" else
                        ": this round's agreement, which either side may reopen (C3, C20)")
            sim.note(r, f"round 1 of {m.horizon}: {narrate.actor(self.world, name)} mediates and proposes a division "
                        f"{s:.2f} of the way to {self._name(0)}'s positions: {ans}",
                     {"mediator": name, "division": s, "accepts": {c: a_c, d: a_d}, "split": plan.split})
        if self.split is None:
            return False
        s = plan.proposals[self.split][1]
        sq, forced = _round(s, SQ_STEP), plan.root[4]
        disc = m.discount
        if plan.split == "binding":  # settled for good: every round's flow at s (C19)
            for i in (0, 1):
                self.payoff[i] += m.u(i, s)
            self.t = m.horizon
        else:  # round 0's agreement, reopened from round 1 on as any (C3, C20)
            for i in (0, 1):
                self.payoff[i] += (1 - disc) * m.u(i, s)
            self.t = 1
            if m.horizon > 1:
                self.key = MD.split_key(m, s, plan.root[6:8])
            else:
                for i in (0, 1):
                    self.payoff[i] += disc ** m.horizon * m._u(i, sq)
        self.state5 = (0, NONE, sq, forced, True)
        self.path.append({"round": r, "model_round": 0, "mediator": plan.proposals[self.split][0], "offer": s,
                          "response": "accept", "menu_move": None})
        sim.state = self._write(sim.state, self.state5, 0)
        return True

    def _model_round(self, sim: Simulation, r: int) -> None:
        m, w, t = self.model, self.world, self.t
        key = self.key
        rec = self.nodes[key]
        P = m.proposer_at(t)
        R = 1 - P
        k = draw(rec.sigma_p[self.types[P]], self.rng)
        ai = draw(rec.sigma_r[self.types[R]][k], self.rng)
        a = RESPONSES[ai]
        s = m.offers[k]
        # the logit choice probabilities of what was drawn: a run that plays an unlikely move (war just
        # after a generous offer) must read as a draw of that probability, not as the model's verdict (H12)
        p_offer, p_answer = rec.sigma_p[self.types[P]][k], rec.sigma_r[self.types[R]][k][ai]
        rung = key[1]
        kind = {"accept": "accept", "hold": "hold", "war": "war"}.get(a) or ("mobilise" if rung == 0 else "limited")
        pos = self.plan.positions(s)
        where = ", ".join(f"{w.issue_names[w.issue_ids.index(i)]} {x:.0f}" for i, x in pos.items() if i in w.issue_ids)
        chan = f" on the {CHANNEL_NAMES[m.channel_of[k]]} channel" if m.channel is not None else ""
        sim.note(r, f"round {t + 1} of {m.horizon}: {self._name(P, True)} proposes{chan} a division {s:.1f} of the way "
                    f"to {self._name(0)}'s positions ({where}; chosen with probability {p_offer:.2f})",
                 {"model_round": t, "proposer": m.players[P], "offer": s, "positions": pos,
                  "probability": round(float(p_offer), 6),
                  "beliefs": {"prior_resolved": dict(zip(m.players, key[6:8], strict=True)),
                              "exact": dict(zip(m.players, (round(b, 9) for b in self.belief), strict=True))}})
        self.belief[P] = _bayes(self.belief[P], rec.sigma_p[0][k], rec.sigma_p[1][k])
        self.belief[R] = _bayes(self.belief[R], rec.sigma_r[0][k][ai], rec.sigma_r[1][k][ai])
        pr = self.sim_of[R]
        menu = next((j for j in available(w, sim.state, pr) if w.moves[j].type in MENU[kind]), None)
        nxt = step_state(m, key, k, a)
        self._add_payoff(key, t, k, a, nxt)
        self.t += 1
        if nxt is None:
            self.war_by = R
        else:
            if self.t < m.horizon:
                child = rec.children[k][ai]
                assert child is not None and child[1:6] == nxt, (child, nxt)
                self.key = child
            self.state5 = nxt
        answer = {"accept": "accepts", "hold": "holds (the standoff goes on)", "war": "goes to war",
                  "escalate": ("mobilises/threatens (rung 1)" if kind == "mobilise"
                               else "uses limited force / a fait accompli (rung 2)")}[a]
        mm = w.moves[menu] if menu is not None else None
        note = (f" (played as its move “{mm.label}”)" if mm is not None and mm.step is None
                else f" (played as its {mm.type} move, {narrate.repeat_of_history(mm)})" if mm is not None
                else "" if a == "accept" else " (no open menu move of this kind: played as the model's action)")
        if a == "accept" and nxt is not None and self.t < m.horizon:
            # H15: "accepts" in round 3 of 4, then "stalemate ... no agreement" read as a contradiction
            note += (" (it stands until a side escalates or a new offer is accepted: settlement kept, C21)"
                     if m.settled_free else " (for now: the next round's offer reopens it, and the crisis ends in "
                     "agreement only if the last offer is accepted; C3)")
        self.path.append({"round": r, "model_round": t, "proposer": m.players[P], "offer": s, "response": a,
                          "menu_move": w.moves[menu].id if menu is not None else None})
        state = {"rung": RUNG_NAMES[3] if nxt is None else RUNG_NAMES[nxt[0]]}
        if nxt is not None:
            state |= {"status_quo": nxt[2], "force_used": nxt[3], "agreed": nxt[4]}
        sim.note(r, f"{self._name(R, True)} {answer}{note} (chosen with probability {p_answer:.2f})",
                 {"model_round": t, "responder": m.players[R], "response": a, "type": self.played(R),
                  "probability": round(float(p_answer), 6),
                  "menu_move": w.moves[menu].id if menu is not None else None, **state})
        if menu is not None:
            sim.play_move(r, menu)
        sim.state = self._write(sim.state, nxt, R)

    def _add_payoff(self, key: tuple, t: int, k: int, a: str, nxt: tuple | None) -> None:
        """The play's payoffs as the model counts them (``solve_node``'s terms for this offer and answer,
        plus what persists after the deadline), so runs average to the model's expected values."""
        m = self.model
        d = m.discount
        fw, ow = (1 - d) * d ** t, d ** t
        R = 1 - m.proposer_at(t)
        if m.channel is not None:  # C18: the offer's channel terms, whatever the answer
            op = m.offer_terms(t, k, key[3])
            self.payoff = [self.payoff[0] + op[0], self.payoff[1] + op[1]]
        if nxt is None:
            for i in (0, 1):
                self.payoff[i] += ow * m.war_value(i, t, self.types[i])
            return
        sq, s = key[3], m.offers[k]
        if a == "accept":
            for i in (0, 1):
                self.payoff[i] += fw * m._u(i, s)
            if m.channel is not None:
                back = m.accept_back(t, k, sq, key[2])
                self.payoff[R] -= back[R]
            elif key[2] == (CH if R == 0 else DF) and m._u(R, s) < m._u(R, sq) - 1e-12:
                self.payoff[R] -= ow * m.audience[R]
        else:
            r2, _e2, sq2, _f2, one = standoff_move(m, t, R, a, key[1], key[2], sq, key[4])  # sq2 unrounded
            kept = m.keeps(bool(key[5]), a)
            for i in (0, 1):
                self.payoff[i] += fw * m._u(i, sq2) - m.hold_cost(i, t, r2, one, kept)
        if t + 1 >= m.horizon:  # after the deadline the last status quo persists
            for i in (0, 1):
                self.payoff[i] += d ** m.horizon * m._u(i, nxt[2])

    def _write(self, s: State, nxt: tuple | None, R: int) -> State:
        """The model's state into the simulation's: positions on the contested issues, settlement,
        tension, war (a menu move played for the answer never overrides them)."""
        s = s.copy()
        assert self.owned is not None
        if nxt is None:
            s.war_by = self.sim_of[R]
            s.level = float(self.world.catalogue.top)
        else:
            rung, _esc, sq, _forced, agreed = nxt
            if agreed or sq != self.sq_now:
                self.sq_now = sq
                pos = self.plan.positions(sq)
                self.owned = {i: pos[self.world.issue_ids[i]] for i in self.owned}
            for i in self.owned:
                s.settled[i] = agreed
            if rung in LEVEL:
                s.level = max(s.level, LEVEL[rung])
            s.war_by = -1
        for i, x in self.owned.items():
            s.realised[i] = x
        return s

    # -- the run's class
    def outcome(self, s: State) -> Outcome:
        plan, w = self.plan, self.world
        m = plan.model
        cat = w.catalogue
        common = {"level": s.level, "rung": cat.rung_name(s.level),
                  "final": dict(zip(w.issue_ids, s.realised, strict=True)),
                  "settled": tuple(w.issue_ids[i] for i in range(w.n_issues) if s.settled[i])}
        own = sim_classify(w, s).cls
        extra = {"basis": "crisis model (C5)", "model": {**self.info(), "simulation_rule_class": own}}
        if self.war_by is not None:
            who = m.players[self.war_by]
            return Outcome("escalation", f"war: {self._name(self.war_by)} went to war in model round {self.t}",
                           True, who, **common, **extra)
        _rung, _esc, sq, forced, agreed = self.state5
        cls = classify(sq, m.sq_pre, forced, agreed, m.sq)
        early = "" if self.t >= m.horizon else f" (the run ended after {self.t} of the model's {m.horizon} rounds)"
        detail = (f"model state: division {sq:.2f} (pre-crisis {m.sq_pre:.2f}), "
                  f"{'agreed' if agreed else 'no agreement'}, {'force used' if forced else 'no force used'}{early}"
                  + _class_reason(sq, m.sq_pre, agreed, m.sq))
        by = None
        if cls == "capitulation":
            by = m.players[1] if sq > m.sq_pre else m.players[0]
        extra["model"]["state"] = {"status_quo": sq, "force_used": forced, "agreed": agreed}
        return Outcome(cls, detail, False, by, **common, **extra)


def _class_reason(sq: float, pre: float, agreed: bool, start: float) -> str:
    """Which of C5's rules (games/crisis/model.classify_rule) gave a crisis run without war its class:
    'capitulation' beside 'division 0.40 (pre-crisis 0.36), agreed' read as a contradiction (H15)."""
    rule = classify_rule(sq, pre, False, agreed, start)[1]
    return {"end": "; C5: an agreement at one side's end of the divisions is a capitulation",
            "near_moved": "; C5: an agreement within 0.1 of the pre-crisis division after history moved the start "
                          f"to {start:.2f} is a capitulation",
            "near": "; C5: an agreement within 0.1 of the pre-crisis division is a stalemate",
            "far": "; C5: a standoff at least 0.5 from the pre-crisis division is a capitulation"}.get(rule, "")
