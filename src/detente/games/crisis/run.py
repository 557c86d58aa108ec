"""Run the general crisis model on a scenario: QRE outcome probabilities, the best-response path with
ties reported, the mechanism diagnosis, and the defaults used (what ``detente game``/``analyze`` show)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from detente.errors import InputError
from detente.games.crisis import spec as S
from detente.games.crisis import third as TP
from detente.games.crisis.mechanisms import Diagnosis, complete_info, diagnose
from detente.games.crisis.model import (
    BELIEF_STEP,
    CLASSES,
    CrisisSolution,
    paused_gc,
    round_summary,
    solve_crisis,
)
from detente.scenario.schema import Scenario

CONCEPT_QRE = ("agent logit QRE at lambda={lam:g} with Bayesian beliefs (rounded to a {step:g} grid in the state): "
               "approximate")
CONCEPT_BR = ("best responses with Bayesian beliefs (pure; with complete information this is the subgame-perfect "
              "equilibrium by backward induction)")


@dataclass
class CrisisRun:
    inputs: S.CrisisInputs
    qre: CrisisSolution
    probs: dict[str, float]
    best: CrisisSolution | None = None
    diagnosis: Diagnosis | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    belief_step: float = BELIEF_STEP
    tree: dict[str, Any] | None = None  # the exported tree's solution (tree_export.solve_tree), when asked
    channels: dict[str, Any] | None = None  # what the closed channel changes (C18), with channels: both

    @property
    def outcome_class(self) -> str:
        return max(CLASSES, key=lambda c: (self.probs[c], c == "escalation"))

    def to_dict(self) -> dict[str, Any]:
        m = self.inputs.model
        out: dict[str, Any] = {
            "model": "crisis", "players": list(m.players), "outcome_class": self.outcome_class,
            "outcome_classes": self.probs,
            "concept": CONCEPT_QRE.format(lam=self.qre.lam, step=self.belief_step), "exact": False,
            "belief_step": self.belief_step,
            "rounds": round_summary(self.qre),
            "inputs": self.inputs.to_dict(), "warnings": self.inputs.warnings(), "notes": self.notes,
        }
        if self.best is not None:
            bp = self.best.outcome_probs()
            out["best_response"] = {"concept": CONCEPT_BR, "outcome_classes": bp,
                                    "outcome_class": max(CLASSES, key=lambda c: (bp[c], c == "escalation")),
                                    "ties_on_path": self.best.ties_on_path, "converged": self.best.converged,
                                    "rounds": round_summary(self.best)}
        if self.diagnosis is not None:
            out["mechanism"] = self.diagnosis.to_dict()
        if self.tree is not None:
            out["tree"] = self.tree
        if self.channels is not None:
            out["channels"] = self.channels
        return out

    def story(self) -> list[str]:
        m = self.inputs.model
        inp = self.inputs
        c, d = m.players
        lines = [f"General crisis model: {c} (challenger) v {d} on {', '.join(inp.issues)}; {m.horizon} rounds, "
                 f"discount {m.discount:g}; start at rung {m.start_rung}."]
        if inp.history:
            lines.append("History (moves already played): " + "; ".join(inp.history))
        eq = inp.third_eq
        if eq is not None:
            lines.append(eq.summary())
            lines.extend(eq.explain(k) for k in range(len(eq.choices)))
        elif inp.third_parties:
            lines.append(f"Third parties ({'stated rule, C7' if inp.third_mode == 'rule' else 'strategic, C13'}): "
                         + "; ".join(f"{r['actor']} {r.get('role', 'stays out')}" for r in inp.third_parties) + ".")
        pr = ", ".join(f"{k} {v:.2f}" for k, v in sorted(self.probs.items(), key=lambda kv: -kv[1]))
        lines.append(f"Outcome probabilities (QRE, lambda={self.qre.lam:g}): {pr}.")
        for r in round_summary(self.qre):
            resp = ", ".join(f"{a} {p:.2f}" for a, p in r["responses"].items() if p >= 0.01)
            lines.append(f"Round {r['round']}: {r['proposer']} offers {r['offer']:.2f} of the way to {c}'s "
                         f"position (p = {r['power']:.2f}); {r['responder']}: {resp}.")
        if self.best is not None:
            bp = self.best.outcome_probs()
            top = max(bp, key=lambda k: bp[k])
            tie = (f"; movers were indifferent at {self.best.ties_on_path} states on the path (ties went to the "
                   "first action; other equilibria exist)") if self.best.ties_on_path else "; no ties on the path"
            lines.append(f"Best-response path: {top} ({bp[top]:.2f}){tie}.")
        if self.diagnosis is not None:
            lines.extend(self.diagnosis.text)
        if self.channels is not None:
            lines.extend(self.channels["text"])
        elif inp.channel_note:
            lines.append(f"Channels: {inp.channel_note}.")
        if self.tree is not None:
            from detente.games.crisis.tree_export import tree_story

            lines.extend(tree_story(self.tree))
        lines.extend(f"Note: {n}" for n in self.notes)
        for w in inp.warnings():
            lines.append(f"Warning: {w}")
        return lines


def run_crisis(sc: Scenario, overrides: Mapping[str, float] | None = None, *, lam: float | None = None,
               standoff_scale: float | None = None, explain: bool = True, belief_step: float = BELIEF_STEP,
               horizon: int | None = None, offers: int | None = None, third_parties: str | None = None,
               channels: str | None = None, standoff: str | None = None,
               settlement: str | None = None, joining: str | None = None, holding: str | None = None) -> CrisisRun:
    """Build and solve the crisis model for ``sc``; ``explain`` adds the best-response path and diagnosis.
    ``belief_step`` is the solver's belief grid (C8, C15); ``horizon``/``offers`` shrink the model
    (fewer rounds, a coarser offer grid), e.g. so that its game tree can be exported. ``third_parties``:
    "strategic" (their choices in equilibrium, C13) or "rule" (C7); None: the scenario's tag
    ``third_parties:...``, else the default. ``channels``: "public" (every move public) or "both" (the
    proposer picks the public or the closed channel, C18); None: the tag ``channels:...``, else public.
    ``standoff`` ("lump"/"flow") and ``settlement`` ("open"/"kept"): C21's readings of the standoff cost;
    None: the tags ``standoff:...``/``settlement:...``, else the package defaults. ``joining`` ("promise"/
    "credible") and ``holding`` ("own"/"coercive"): C24's readings of coercion; None: the tags, else the defaults."""
    with paused_gc():  # one collector pass after the run instead of one per solve (C17)
        return _run_crisis(sc, overrides, lam, standoff_scale, explain, belief_step, horizon, offers, third_parties,
                           channels, standoff, settlement, joining, holding)


def _run_crisis(sc: Scenario, overrides: Mapping[str, float] | None, lam: float | None,
                standoff_scale: float | None, explain: bool, belief_step: float, horizon: int | None,
                offers: int | None, third_parties: str | None, channels: str | None = None,
                standoff: str | None = None, settlement: str | None = None, joining: str | None = None,
                holding: str | None = None) -> CrisisRun:
    t0 = time.perf_counter()
    inp = S.build_inputs(sc, overrides, standoff_scale, third_parties, channels, standoff, settlement, joining,
                         holding)
    apply_readings(inp, sc)
    lam = S.LAMBDA if lam is None else lam
    notes = _shrink(inp, horizon, offers)
    qre, ci_sol = solve_inputs(inp, lam, belief_step)
    m = inp.model
    probs = qre.outcome_probs()
    mean = TP.mean_costs(m)
    notes += qre.notes
    eq = inp.third_eq
    if eq is not None:  # the third parties' choices, mediation included, mixed as C19 says
        probs = eq.probs
        if eq.final.proposals:
            notes.extend(p.text(m.players) for p in eq.final.proposals)
        if eq.lam is not None:
            notes.append("outcome probabilities mix the principals' solutions over the third parties' choice "
                         "probabilities (C19); the rounds, the best-response path and the diagnosis are those of "
                         "the most likely configuration")
        if inp.mediation > 0:
            bare = qre.outcome_probs()
            notes.append(f"a mediator reveals both sides' resolve with probability {inp.mediation:.2f} (Kydd 2005 "
                         "reading, C7/C13): outcome probabilities mix the complete-information solution in; "
                         "without the mediator and the mixing (the figures of the mechanism and channel lines) "
                         "they are " + ", ".join(f"{k} {bare[k]:.2f}" for k in sorted(CLASSES, key=lambda c: -bare[c])))
    elif inp.mediation > 0:
        ci = (ci_sol if ci_sol is not None else solve_crisis(complete_info(m, mean), lam, belief_step)).outcome_probs()
        before = probs
        probs = {k: (1 - inp.mediation) * probs[k] + inp.mediation * ci[k] for k in CLASSES}
        notes.append(f"a mediator reveals both sides' resolve with probability {inp.mediation:.2f} (Kydd 2005 "
                     "reading, C7): the outcome probabilities mix in the complete-information solution with that "
                     "weight; without the mediator (the figures of the mechanism and channel lines) they are "
                     + ", ".join(f"{k} {before[k]:.2f}" for k in sorted(CLASSES, key=lambda c: -before[c])))
    if explain and (n := _ranged_at_modes(sc, m.players)):
        notes.append(f"one solve at the point values: {n} of the scenario's ranged numbers enter at their modes "
                     "(only the principals' war-cost ranges are drawn, as their resolve types), and no layer draws "
                     "this model over the ranges, so these probabilities carry no interval (H15)")
    run = CrisisRun(inp, qre, probs, notes=notes, belief_step=belief_step)
    if explain:
        run.best = solve_crisis(m, None, belief_step)
        run.diagnosis = diagnose(m, qre, mean, lam)
        if m.channel is not None:
            from detente.games.crisis.channel_explain import explain_channels

            run.channels = explain_channels(m, run.best, qre, belief_step, probs, inp.mediation, mean)
    run.seconds = time.perf_counter() - t0
    return run


def _ranged_at_modes(sc: Scenario, players: tuple[str, str]) -> int:
    """Ranged numbers of ``sc`` the model reads at their modes: all but the principals' war costs (types)."""
    from detente.scenario.numbers import count_ranges

    types = {f"{p}_war_cost" for p in players}
    return count_ranges(sc.model_copy(update={"parameters": {k: v for k, v in sc.parameters.items()
                                                             if k not in types}, "known_outcome": None}))


def apply_readings(inp: S.CrisisInputs, sc: Scenario) -> None:
    """The scenario's mediation and mixture readings (tags, C19) on the third parties' setup."""
    if inp.third_setup is not None:
        inp.third_setup = TP.readings(inp.third_setup, sc.meta.tags, where=sc.meta.id)


def solve_inputs(inp: S.CrisisInputs, lam: float | None, belief_step: float = BELIEF_STEP
                 ) -> tuple[CrisisSolution, CrisisSolution | None]:
    """Solve the principals' game of ``inp`` at ``lam``; with strategic third parties, first their
    equilibrium (C13), which sets ``inp.model``, ``inp.mediation`` and each third party's role. Returns
    the solution and, when the equilibrium computed it, the complete-information one (for mediation)."""
    if inp.third_setup is None or not inp.third_setup.parties:
        return solve_crisis(inp.model, lam, belief_step), None
    inp.third_setup = replace(inp.third_setup, base=inp.model)  # e.g. a shrunk model, with its observers
    eq = TP.equilibrium(inp.third_setup, lam, belief_step)
    inp.third_eq = eq
    inp.model, inp.mediation = eq.final.model, eq.final.mediation
    for k, party in enumerate(inp.third_setup.parties):
        row = next(r for r in inp.third_parties if r["actor"] == party.actor)
        row["role"] = eq.role(k)
    return eq.final.sol, eq.final.ci


def _shrink(inp: S.CrisisInputs, horizon: int | None, offers: int | None) -> list[str]:
    """Apply a smaller horizon / offer grid to ``inp.model`` in place; the notes say what changed."""
    from dataclasses import replace

    m, notes = inp.model, []
    if horizon is not None and horizon != m.horizon:
        if not 1 <= horizon <= m.horizon:
            raise InputError(f"horizon must be a whole number from 1 to the scenario's {m.horizon}, got {horizon}",
                             field="--horizon")
        notes.append(f"horizon cut from {m.horizon} to {horizon} rounds (a setting of this run, not the scenario's)")
        m = replace(m, p=m.p[:horizon])
    if offers is not None and offers != len(m.offers) // (2 if m.channel is not None else 1):
        if not 2 <= offers <= 101:
            raise InputError(f"the offer grid needs 2 to 101 points, got {offers}", field="--offers")
        notes.append(f"offer grid of {offers} points instead of {len(m.offers) // (2 if m.channel else 1)} (a "
                     "setting of this run)")
        grid = tuple(i / (offers - 1) for i in range(offers))
        if m.channel is not None:
            from detente.games.crisis.channels import double_offers

            both, chan = double_offers(grid)
            m = replace(m, offers=both, channel_of=chan)
        else:
            m = replace(m, offers=grid)
    inp.model = m
    return notes
