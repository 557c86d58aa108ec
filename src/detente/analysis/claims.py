"""Claim checks: each claim's machine-checkable condition, evaluated by the layer that can.

Evaluators register per check kind. A claim whose kind no layer can evaluate yet is
reported as ``not_evaluated`` with the reason, never silently dropped or guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from detente.formatting import pct
from detente.models.base import ModelResult
from detente.scenario.schema import Claim, Scenario


@dataclass
class Verdict:
    """One layer's verdict on one claim at the scenario's point values, and, where the layer drew
    the stated ranges (or ran seeded simulations), the count behind its probability: ``held`` of
    ``draws``. That one count is what every output shows (docs/DECISIONS.md X3)."""

    claim: str
    text: str
    status: str  # "holds" | "fails" | "not_evaluated"
    detail: str
    layer: str | None = None
    probability: float | None = None  # held / draws when draws is set
    draws: int | None = None
    held: int | None = None
    over: str | None = None  # what the draws are: "draws of the stated ranges", "simulated runs"
    model_probability: float | None = None  # a model's own probability of the claimed state (no draws behind it)

    def set_count(self, held: int, draws: int, over: str) -> Verdict:
        self.held, self.draws, self.over = int(held), int(draws), over
        self.probability = held / draws if draws else None
        return self

    @property
    def interval(self) -> tuple[float, float] | None:
        from detente.uncertainty.summary import binomial_interval

        return binomial_interval(self.held, self.draws) if self.draws and self.held is not None else None

    def share_text(self) -> str:
        """'holds in 199 of 200 draws of the stated ranges (99.5%; 95% CI 97.2-100%)', or ''."""
        return share_text(self.held, self.draws, self.over)

    def count_cell(self) -> str:
        """What a table's count column shows: the count, else the model's own probability, else why none."""
        if self.draws:
            return self.share_text()
        if self.model_probability is not None:
            return f"none: the model's probability {self.model_probability:.2f}"
        return "–" if self.status == "not_evaluated" else "point values only"

    def to_dict(self) -> dict[str, Any]:
        iv = self.interval
        return {
            "claim": self.claim,
            "text": self.text,
            "status": self.status,
            "detail": self.detail,
            "layer": self.layer,
            "probability": self.probability,
            "draws": self.draws,
            "held": self.held,
            "over": self.over,
            "interval": list(iv) if iv else None,
            "model_probability": self.model_probability,
        }




def share_text(held: int | None, draws: int | None, over: str | None = None) -> str:
    """The one way a claim's count is written everywhere: held of draws, share, 95% interval."""
    if not draws or held is None:
        return ""
    from detente.uncertainty.summary import binomial_interval

    lo, hi = binomial_interval(held, draws) or (0.0, 1.0)
    return (f"holds in {held} of {draws} {over or 'draws'} ({pct(held / draws)}; "
            f"95% CI {pct(lo)}–{pct(hi)})")


@dataclass
class Context:
    """What the layers produced for one scenario, for evaluators to read."""

    scenario: Scenario
    models: dict[str, ModelResult]
    layers: dict[str, Any] = field(default_factory=dict)  # e.g. "games", "sim" results


Evaluator = Callable[[Claim, Context], Verdict | None]
EVALUATORS: dict[str, list[Evaluator]] = {}


def register_evaluator(kind: str) -> Callable[[Evaluator], Evaluator]:
    """Register ``fn`` for check ``kind``; it may return None when its layer has no result."""

    def wrap(fn: Evaluator) -> Evaluator:
        EVALUATORS.setdefault(kind, []).append(fn)
        return fn

    return wrap


_PENDING = {
    "outcome_class": "needs the crisis-game, general crisis model or simulation layer, not run here",
    "equilibrium_action": "needs the crisis-game layer, not run here",
    "payoff_order": "needs the crisis-game layer, not run here",
    "concessions_channel": "needs the simulation layer, not run here",
    "opinion_sooner_without": "needs the simulation layer, not run here",
}


def evaluate_claims(ctx: Context) -> list[Verdict]:
    out = []
    for claim in ctx.scenario.claims:
        verdicts = [v for fn in EVALUATORS.get(claim.check.kind, []) if (v := fn(claim, ctx))]
        if verdicts:
            out.extend(verdicts)
        else:
            reason = _PENDING.get(claim.check.kind, "no evaluator for this kind of check")
            out.append(Verdict(claim.id, claim.text, "not_evaluated", reason))
    return out


def _model_forecast(claim: Claim, ctx: Context, model: str, issue: str) -> float | None:
    res = ctx.models.get(model)
    return None if res is None else res.forecast_of(issue)


def _missing_model(claim: Claim, model: str) -> Verdict:
    return Verdict(claim.id, claim.text, "not_evaluated",
                   f"model '{model}' was not run or gives no forecast here", "models")


@register_evaluator("forecast_near")
def _forecast_near(claim: Claim, ctx: Context) -> Verdict:
    ch = claim.check
    f = _model_forecast(claim, ctx, ch.model, ch.issue)
    if f is None:
        return _missing_model(claim, ch.model)
    target, name = ch.target_value(ctx.scenario)
    if target is None:  # H15: "has no value for the known outcome" when the scenario records none at all
        why = ("the scenario records no known_outcome" if ch.target == "known_outcome"
               and ctx.scenario.known_outcome is None else f"issue '{ch.issue}' has no value for {name}")
        return Verdict(claim.id, claim.text, "not_evaluated", why, "models")
    gap = abs(f - target)
    status = "holds" if gap <= ch.within + 1e-9 else "fails"
    return Verdict(claim.id, claim.text, status,
                   f"{ch.model} forecast {f:.1f} is {gap:.1f} from "
                   + (name if name == f"{target:g}" else f"{name} ({target:g})")  # not '700 (700)' (H12)
                   + f"; the claim allows {ch.within:g}", "models")


@register_evaluator("forecast_between")
def _forecast_between(claim: Claim, ctx: Context) -> Verdict:
    ch = claim.check
    f = _model_forecast(claim, ctx, ch.model, ch.issue)
    if f is None:
        return _missing_model(claim, ch.model)
    status = "holds" if ch.low - 1e-9 <= f <= ch.high + 1e-9 else "fails"
    return Verdict(claim.id, claim.text, status,
                   f"{ch.model} forecast {f:.1f}; the claim needs [{ch.low:g}, {ch.high:g}]", "models")


@register_evaluator("strongest_actor")
def _strongest(claim: Claim, ctx: Context) -> Verdict:
    from detente.models.strength import strong_position
    from detente.scenario.arrays import point_arrays

    ch = claim.check
    res = ctx.models.get(ch.model)
    if res is None:
        return _missing_model(claim, ch.model)
    table = strong_position(point_arrays(ctx.scenario), res)
    if ch.issue is None:
        ranked = [r.actor for r in table.rows]
        what = "over all issues"
    else:
        rows = [r for r in table.rows if ch.issue in r.issues and r.issues[ch.issue]["gain"] is not None]
        rows.sort(key=lambda r: -r.issues[ch.issue]["gain"])
        ranked = [r.actor for r in rows]
        what = f"on {ch.issue}"
    if not ranked:
        return Verdict(claim.id, claim.text, "not_evaluated", "no actor has a gain to rank", "models")
    status = "holds" if ranked[0] == ch.actor else "fails"
    why = ""
    if ch.actor not in ranked:  # it cannot lead where it takes no position: say so, not just who leads (H13)
        where = f"on {ch.issue}" if ch.issue is not None else "on any issue"
        why = f" ({ch.actor} takes no position {where}, so it is not ranked)"
    return Verdict(claim.id, claim.text, status,
                   f"largest gain {what} under {ch.model}: {ranked[0]}{why}", "models")
