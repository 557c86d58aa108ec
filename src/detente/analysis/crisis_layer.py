"""The general crisis model as a layer of ``detente analyze`` (decision C1): runs on every crisis
scenario (tagged ``crisis``, or with a ``games:``/``simulation:`` section or a war-cost parameter)
whose principals contest an issue, with or without a ``games:`` section."""

from __future__ import annotations

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.analysis.claims import Context, Verdict, register_evaluator
from detente.errors import InputError
from detente.games.crisis.run import CrisisRun, run_crisis
from detente.layer_checks import is_crisis
from detente.scenario.schema import Claim, Scenario


@register_layer("crisis")
def crisis_layer(scenario: Scenario, options: AnalyzeOptions) -> CrisisRun | None:
    if not is_crisis(scenario):
        return None
    try:
        return run_crisis(scenario)
    except InputError as exc:
        if "contest no issue" in str(exc) or "two actors with positions" in str(exc):
            return None  # no two-sided contest: the crisis model does not apply
        raise


@register_evaluator("outcome_class")
def crisis_outcome_class(claim: Claim, ctx: Context) -> Verdict | None:
    """The general crisis model's most likely class against the claimed one. Its probabilities are the
    model's own (QRE), not a count of draws, so the verdict carries no count; the detail gives them."""
    ch = claim.check
    run = ctx.layers.get("crisis")
    if ch.layer not in ("crisis", "any") or run is None:
        if ch.layer == "crisis" and run is None:
            return Verdict(claim.id, claim.text, "not_evaluated",
                           "the general crisis model did not run here (not a crisis, no two-sided contest, "
                           "or not asked for)",
                           "crisis")
        return None
    top = run.outcome_class
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(run.probs.items(), key=lambda kv: -kv[1]))
    p = run.probs.get(ch.equals.value, 0.0)
    plural = ("; holds as the likeliest class, at probability below one half" if top == ch.equals.value
              and p <= 0.5 else "")  # as the simulation's verdict says it (H13)
    return Verdict(claim.id, claim.text, "holds" if top == ch.equals.value else "fails",
                   f"general crisis model (QRE, λ={run.qre.lam:g}): {shown}{plural}", "crisis",
                   model_probability=p)
