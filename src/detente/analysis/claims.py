"""Claim checks: each claim's machine-checkable condition, evaluated by the layer that can.

Evaluators register per check kind. A claim whose kind no layer can evaluate yet is
reported as ``not_evaluated`` with the reason, never silently dropped or guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from detente.models.base import ModelResult
from detente.scenario.schema import Claim, Scenario


@dataclass
class Verdict:
    claim: str
    text: str
    status: str  # "holds" | "fails" | "not_evaluated"
    detail: str
    layer: str | None = None
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "text": self.text,
            "status": self.status,
            "detail": self.detail,
            "layer": self.layer,
            "probability": self.probability,
        }


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
    "outcome_class": "needs the crisis-game or simulation layer, not run here",
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
    if target is None:
        return Verdict(claim.id, claim.text, "not_evaluated",
                       f"issue '{ch.issue}' has no value for {name}", "models")
    gap = abs(f - target)
    status = "holds" if gap <= ch.within + 1e-9 else "fails"
    return Verdict(claim.id, claim.text, status,
                   f"{ch.model} forecast {f:.1f} is {gap:.1f} from {name} ({target:g}); "
                   f"the claim allows {ch.within:g}", "models")


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
    return Verdict(claim.id, claim.text, status,
                   f"largest gain {what} under {ch.model}: {ranked[0]}", "models")
