"""A simulation policy that plays the general crisis model's strategy for one actor (decision C11).

Superseded as the default by :mod:`detente.sim.crisis_play` (C14), where the model plays both
principals state by state with drawn types; kept for ``detente simulate --crisis-player``.

The crisis model (``detente.games.crisis``) and the simulation share the scenario's moves but
not their clocks: model round t is the t-th simulation round after the scripted moves end
(the last model round repeats). When the actor responds in that model round, the policy draws a
response (accept, hold, escalate, war) from the model's QRE response shares for the actor in that
round (averaged over the states and types the model reaches), and plays the first menu move of a
matching type; when it proposes, it plays the offer move closest to the model's expected offer.
What is missing: the simulation's own state (tension rung, realised positions) does not feed back
into the model's state, and the actor's resolve type is not drawn per run (the shares average
over types).
"""

from __future__ import annotations

from collections.abc import Sequence

from detente.scenario.schema import Scenario
from detente.sim.policies import DecisionContext, Policy, draw

KINDS = {"accept": ("accept", "concede", "withdraw", "demobilize"), "hold": ("hold",),
         "escalate": ("mobilize", "threaten", "sanction"), "war": ("escalate", "assault")}
OFFERS = ("offer", "counter_propose", "demand")


class CrisisPolicy:
    name = "crisis"

    def __init__(self, sc: Scenario, actor: str, fallback: Policy | None = None, start: int = 0) -> None:
        from detente.games.crisis.model import round_summary
        from detente.games.crisis.run import run_crisis

        run = run_crisis(sc, explain=False)
        self.actor, self.fallback, self.start = actor, fallback, start
        self.rounds = round_summary(run.qre)
        self.inputs = run.inputs
        owner = {a.id: (a.represents or a.id) for a in sc.actors}
        self.types = {mv.id: mv.type.value for mv in sc.moves if owner.get(mv.actor, mv.actor) == actor}
        self.positions = {mv.id: mv.position.value for mv in sc.moves
                          if mv.position is not None and mv.issue == run.inputs.main_issue}

    def choose(self, ctx: DecisionContext) -> Sequence[str]:
        if not self.rounds:
            return []
        t = min(max(0, ctx.round - self.start), len(self.rounds) - 1)
        row = self.rounds[t]
        opts = [o for o in ctx.options if o in self.types]
        if row["responder"] == self.actor:
            kinds = list(row["responses"])
            k = kinds[draw([row["responses"][a] for a in kinds], ctx.rng)]
            for o in opts:
                if self.types[o] in KINDS[k]:
                    return [o]
            return [] if k == "hold" or self.fallback is None else list(self.fallback.choose(ctx))
        offers = [o for o in opts if self.types[o] in OFFERS]
        if offers:
            return [offers[0]]
        return list(self.fallback.choose(ctx)) if self.fallback is not None else []
