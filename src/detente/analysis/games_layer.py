"""The crisis-games layer of ``detente analyze``, and the claim checks that read it.

It runs the scenario's default game (``games.default``) and evaluates the check kinds
``equilibrium_action``, ``payoff_order`` and ``outcome_class`` (layer games/any).
"""

from __future__ import annotations

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.analysis.claims import Context, Verdict, register_evaluator
from detente.games.build import GameRun, run_scenario_game
from detente.scenario.schema import Claim, Scenario


@register_layer("games")
def games_layer(scenario: Scenario, options: AnalyzeOptions) -> GameRun | None:
    if scenario.games is None:
        return None
    return run_scenario_game(scenario)


def _run(claim: Claim, ctx: Context) -> GameRun | None:
    run = ctx.layers.get("games")
    game = getattr(claim.check, "game", None)
    if run is not None and game is not None and game != run.spec_id:
        return run_scenario_game(ctx.scenario, game, with_thresholds=False)
    return run


def _missing(claim: Claim) -> Verdict:
    return Verdict(claim.id, claim.text, "not_evaluated", "the scenario has no 'games:' section", "games")


@register_evaluator("equilibrium_action")
def _equilibrium_action(claim: Claim, ctx: Context) -> Verdict | None:
    ch = claim.check
    run = _run(claim, ctx)
    if run is None:
        return _missing(claim) if ctx.scenario.games is None else None
    steps = [s for s in run.solution.path() if s.player == ch.player]
    if not steps:
        return Verdict(claim.id, claim.text, "fails", f"{ch.player} makes no decision on the equilibrium path",
                       "games")
    known = {a for s in steps for a in s.probs}
    if ch.action not in known:
        return Verdict(claim.id, claim.text, "not_evaluated",
                       f"'{ch.action}' is not an action of {ch.player} on the path (actions: "
                       f"{', '.join(sorted(known))})", "games")
    prob = sum(s.reach * s.probs.get(ch.action, 0.0) for s in steps if ch.action in s.probs)
    where = [s for s in steps if ch.action in s.probs]
    chosen = ", ".join(f"{s.chosen} after {' → '.join(s.history) or 'the start'}" for s in where)
    status = "holds" if prob > 0.5 else "fails"
    return Verdict(claim.id, claim.text, status,
                   f"{run.solution.concept}: {ch.player} plays {chosen}; P({ch.action}) = {prob:.2f}", "games",
                   probability=None if prob in (0.0, 1.0) else prob)


@register_evaluator("payoff_order")
def _payoff_order(claim: Claim, ctx: Context) -> Verdict | None:
    ch = claim.check
    run = _run(claim, ctx)
    if run is None:
        return _missing(claim) if ctx.scenario.games is None else None
    for s in run.solution.path():
        if s.player == ch.player and ch.better in s.values and ch.worse in s.values:
            vb, vw = s.values[ch.better], s.values[ch.worse]
            status = "holds" if vb > vw + 1e-12 else "fails"
            return Verdict(claim.id, claim.text, status,
                           f"at its decision after {' → '.join(s.history) or 'the start'}, "
                           f"{ch.better} is worth {vb:+.3f} to {ch.player} and {ch.worse} {vw:+.3f}", "games")
    return Verdict(claim.id, claim.text, "not_evaluated",
                   f"no decision of {ch.player} on the path offers both {ch.better} and {ch.worse}", "games")


@register_evaluator("outcome_class")
def _outcome_class(claim: Claim, ctx: Context) -> Verdict | None:
    ch = claim.check
    if ch.layer not in ("games", "any"):
        return None
    run = _run(claim, ctx)
    if run is None:
        return _missing(claim) if ch.layer == "games" else None
    dist = run.solution.to_dict()["outcome_classes"]
    p = dist.get(ch.equals.value, 0.0)
    top = run.solution.outcome_class()
    status = "holds" if top == ch.equals.value else "fails"
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(dist.items(), key=lambda kv: -kv[1]))
    return Verdict(claim.id, claim.text, status, f"crisis game ({run.spec_id}): {shown}", "games",
                   probability=None if p in (0.0, 1.0) else p)
