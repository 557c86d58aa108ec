"""Run the general crisis model on a scenario: QRE outcome probabilities, the best-response path with
ties reported, the mechanism diagnosis, and the defaults used (what ``detente game``/``analyze`` show)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detente.games.crisis import spec as S
from detente.games.crisis.mechanisms import Diagnosis, complete_info, diagnose
from detente.games.crisis.model import CLASSES, CrisisSolution, round_summary, solve_crisis
from detente.scenario.schema import Scenario

CONCEPT_QRE = ("agent logit QRE at lambda={lam:g} with Bayesian beliefs (rounded to a 0.25 grid in the state): "
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

    @property
    def outcome_class(self) -> str:
        return max(CLASSES, key=lambda c: (self.probs[c], c == "escalation"))

    def to_dict(self) -> dict[str, Any]:
        m = self.inputs.model
        out: dict[str, Any] = {
            "model": "crisis", "players": list(m.players), "outcome_class": self.outcome_class,
            "outcome_classes": self.probs,
            "concept": CONCEPT_QRE.format(lam=self.qre.lam), "exact": False,
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
        return out

    def story(self) -> list[str]:
        m = self.inputs.model
        inp = self.inputs
        c, d = m.players
        lines = [f"General crisis model: {c} (challenger) v {d} on {', '.join(inp.issues)}; {m.horizon} rounds, "
                 f"discount {m.discount:g}; start at rung {m.start_rung}."]
        if inp.history:
            lines.append("History (moves already played): " + "; ".join(inp.history))
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
        for w in inp.warnings():
            lines.append(f"Warning: {w}")
        return lines


def run_crisis(sc: Scenario, overrides: Mapping[str, float] | None = None, *, lam: float | None = None,
               standoff_scale: float | None = None, explain: bool = True) -> CrisisRun:
    """Build and solve the crisis model for ``sc``; ``explain`` adds the best-response path and diagnosis."""
    t0 = time.perf_counter()
    inp = S.build_inputs(sc, overrides, standoff_scale)
    lam = S.LAMBDA if lam is None else lam
    m = inp.model
    qre = solve_crisis(m, lam)
    probs = qre.outcome_probs()
    mean = (m.prior[0] * m.war_cost[0][0] + (1 - m.prior[0]) * m.war_cost[0][1],
            m.prior[1] * m.war_cost[1][0] + (1 - m.prior[1]) * m.war_cost[1][1])
    notes = list(qre.notes)
    if inp.mediation > 0:
        ci = solve_crisis(complete_info(m, mean), lam).outcome_probs()
        probs = {k: (1 - inp.mediation) * probs[k] + inp.mediation * ci[k] for k in CLASSES}
        notes.append(f"a mediator reveals both sides' resolve with probability {inp.mediation:.2f} (Kydd 2005 "
                     "reading, C7): outcome probabilities mix the complete-information solution in")
    run = CrisisRun(inp, qre, probs, notes=notes)
    if explain:
        run.best = solve_crisis(m, None)
        run.diagnosis = diagnose(m, qre, mean, lam)
    run.seconds = time.perf_counter() - t0
    return run
