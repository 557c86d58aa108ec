"""Outcome classes at the end of a run: agreement, stalemate, capitulation, escalation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.sim.world import State, World

SETTLED_SHARE = 0.5  # share of the contested (jointly salience-weighted) stakes that must be settled
ONE_SIDED = 0.8  # share of the movement made by one side for a settlement to count as capitulation


@dataclass(frozen=True)
class Outcome:
    cls: str  # agreement | stalemate | capitulation | escalation
    detail: str
    war: bool
    by: str | None  # who escalated to war, or who capitulated
    level: float
    rung: str
    final: dict[str, float]
    settled: tuple[str, ...]
    basis: str = "simulation (M4)"  # whose outcome classes: the simulation's rule or the crisis model's (C14)
    model: dict[str, Any] | None = None  # the crisis model's run record when it played (types, path, state)

    def to_dict(self) -> dict[str, Any]:
        d = {"class": self.cls, "detail": self.detail, "war": self.war, "by": self.by,
             "level": round(self.level, 6), "rung": self.rung,
             "final": {k: round(v, 6) for k, v in self.final.items()}, "settled": list(self.settled)}
        if self.model is not None:
            d |= {"basis": self.basis, "crisis_model": self.model}
        return d


def classify(w: World, s: State) -> Outcome:
    cat = w.catalogue
    final = dict(zip(w.issue_ids, s.realised, strict=True))
    settled = tuple(w.issue_ids[i] for i in range(w.n_issues) if s.settled[i])
    common = {"level": s.level, "rung": cat.rung_name(s.level), "final": final, "settled": settled}
    if s.war_by >= 0:
        who = w.player_ids[s.war_by]
        return Outcome("escalation", f"war: {w.player_names[s.war_by]} escalated to the top rung",
                       True, who, **common)
    if s.level >= cat.escalation_rung:
        return Outcome("escalation", f"tension ended at rung {cat.rung_name(s.level)}", False, None, **common)
    contested = [i for i in range(w.n_issues) if w.contested[i]]
    if not contested:
        return Outcome("stalemate", "nothing was contested between the players", False, None, **common)
    joint = {i: w.salience[0][i] + w.salience[1][i] for i in contested}
    total = sum(joint.values())
    done = [i for i in contested if s.settled[i]]
    share = sum(joint[i] for i in done) / total if total > 0 else 0.0
    if share < SETTLED_SHARE:
        return Outcome("stalemate", f"{share:.0%} of the contested stakes settled; positions held",
                       False, None, **common)
    moved = [0.0, 0.0]
    for i in done:
        for p in (0, 1):
            moved[p] += joint[i] * abs(s.realised[i] - w.ideal[p][i]) / w.span[i]
    both = moved[0] + moved[1]
    for p in (0, 1):
        if both > 0 and moved[p] / both >= ONE_SIDED:
            return Outcome("capitulation", f"{w.player_names[p]} gave way on {share:.0%} of the stakes",
                           False, w.player_ids[p], **common)
    return Outcome("agreement", f"{share:.0%} of the contested stakes settled by mutual moves",
                   False, None, **common)
