"""The crisis-games layer of ``detente analyze``, and the claim checks that read it.

It runs the scenario's default game (``games.default``) and evaluates the check kinds
``equilibrium_action``, ``payoff_order`` and ``outcome_class`` (layer games/any). It also
draws the scenario's stated ranges with the uncertainty layer's sampler and reports the share
of draws in which each equilibrium path occurs, and in which each game claim holds (G12).
Per-draw hooks let ``detente sweep`` and the uncertainty section evaluate the same claims.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import numpy as np

from detente.analysis.analyze import AnalyzeOptions, register_layer
from detente.analysis.claims import Context, Verdict, register_evaluator
from detente.errors import InputError
from detente.games.build import GameRun, pick_spec, run_at, run_scenario_game
from detente.games.explain import path_text
from detente.games.inputs import override_key
from detente.scenario.schema import Claim, Scenario
from detente.uncertainty import register_draw_evaluator, register_outcome
from detente.uncertainty.params import collect_params
from detente.uncertainty.sampling import sample

DRAWS = 200  # perfect-information games (about 1 ms a draw)
DRAWS_SLOW = 24  # games with information sets (the logit trace, tens of ms a draw)
NODE_BUDGET = 1_000_000  # nodes solved per section (200 draws of the 48-node two-track game: 9,600)
GAME_CLAIMS = ("equilibrium_action", "payoff_order", "outcome_class")


@register_layer("games")
def games_layer(scenario: Scenario, options: AnalyzeOptions) -> GameRun | None:
    if scenario.games is None:
        return None
    run = run_scenario_game(scenario)
    seed = scenario.settings.seed if options.seed is None else options.seed
    run.ranges = path_shares(scenario, run, seed)
    return run


def path_shares(sc: Scenario, run: GameRun, seed: int, draws: int | None = None) -> dict[str, Any] | None:
    """Share of draws over the stated ranges in which each equilibrium path (and claim) occurs."""
    spec = pick_spec(sc, run.spec_id)
    params = [p for p in collect_params(sc) if override_key(p.key) is not None]
    if not params:
        return None
    n = draws or (DRAWS if run.game.perfect_information else DRAWS_SLOW)
    note = None if n == DRAWS or draws else (f"{n} draws, not {DRAWS}: a game with information sets is solved by "
                                             "the logit trace, tens of ms a draw")
    if draws is None and len(run.game) > NODE_BUDGET // n:  # big trees: fewer draws, reported as such
        n = max(8, NODE_BUDGET // len(run.game))
        note = (f"{n} draws, not {DRAWS}: the tree has {len(run.game):,} nodes and a section solves at most "
                f"{NODE_BUDGET:,}")
    x = sample(params, n, np.random.default_rng(seed))
    paths: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    claims = [c for c in sc.claims if c.check.kind in GAME_CLAIMS
              and (c.check.kind != "outcome_class" or c.check.layer in ("games", "any"))
              and getattr(c.check, "game", None) in (None, run.spec_id)]
    held: Counter[str] = Counter()
    evaluated: Counter[str] = Counter()
    failed = 0
    for row in x:
        try:
            r = run_at(sc, spec, {p.key: float(v) for p, v in zip(params, row, strict=True)})
        except InputError:
            failed += 1
            continue
        paths[path_text(r.solution)] += 1
        classes[str(r.solution.outcome_class())] += 1
        ctx = Context(sc, {}, {"games": r})
        for c in claims:
            v = EVAL[c.check.kind](c, ctx)
            if v is not None and v.status != "not_evaluated":
                evaluated[c.id] += 1
                held[c.id] += v.status == "holds"
    ok = n - failed
    return {
        "draws": n, "seed": seed, "failed": failed, "parameters": [p.key for p in params],
        **({"draws_note": note} if note else {}),  # why fewer draws than the README's 200 (H13)
        "paths": [{"path": k, "share": c / ok} for k, c in sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))]
        if ok else [],
        "outcome_class_shares": {k: c / ok for k, c in sorted(classes.items())} if ok else {},
        "claims": {c.id: {"evaluated": evaluated[c.id], "held": held[c.id],
                          "holds": held[c.id] / evaluated[c.id] if evaluated[c.id] else None}
                   for c in claims},
    }


def _with_ranges(v: Verdict, run: GameRun) -> Verdict:
    """Attach the count of draws of the stated ranges in which the claim holds (the one count)."""
    got = ((run.ranges or {}).get("claims") or {}).get(v.claim)
    if got and got["evaluated"]:
        v.set_count(got["held"], got["evaluated"], "draws of the stated ranges")
    else:
        v.probability = None  # a point verdict: no draws behind it
    return v


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
        return _with_ranges(Verdict(claim.id, claim.text, "fails",
                                    f"{ch.player} makes no decision on the equilibrium path", "games"), run)
    known = {a for s in steps for a in s.probs}
    if ch.action not in known:
        return Verdict(claim.id, claim.text, "not_evaluated",
                       f"'{ch.action}' is not an action of {ch.player} on the path (actions: "
                       f"{', '.join(sorted(known))})", "games")
    prob = sum(s.reach * s.probs.get(ch.action, 0.0) for s in steps if ch.action in s.probs)
    where = [s for s in steps if ch.action in s.probs]
    chosen = ", ".join(f"{s.chosen} after {' → '.join(s.history) or 'the start'}" for s in where)
    status = "holds" if prob > 0.5 else "fails"
    mixed = "" if prob in (0.0, 1.0) else f"; P({ch.action}) = {prob:.2f}"
    return _with_ranges(Verdict(claim.id, claim.text, status,
                                f"{run.solution.concept}: {ch.player} plays {chosen}{mixed}", "games"), run)


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
            return _with_ranges(Verdict(claim.id, claim.text, status,
                                        f"at its decision after {' → '.join(s.history) or 'the start'}, "
                                        f"{ch.better} is worth {vb:+.2f} to {ch.player} and {ch.worse} {vw:+.2f}",
                                        "games"), run)
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
    top = run.solution.outcome_class()
    status = "holds" if top == ch.equals.value else "fails"
    shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(dist.items(), key=lambda kv: -kv[1]))
    return _with_ranges(Verdict(claim.id, claim.text, status, f"crisis game ({run.spec_id}): {shown}", "games"),
                        run)


EVAL = {"equilibrium_action": _equilibrium_action, "payoff_order": _payoff_order, "outcome_class": _outcome_class}

# -- per-draw hooks for the uncertainty layer (sweeps, the analyze uncertainty section) ----------
_CACHE: dict[int, tuple[Scenario, str | None, GameRun | None]] = {}
_CACHE_MAX = 256
_CACHE_LOCK = threading.Lock()  # a Dask worker may run several threads


def _draw_run(sc: Scenario, game: str | None = None) -> GameRun | None:
    """The game solved on one draw's scenario (cached by identity; holds the scenario so ids stay unique).
    Solved as ``path_shares`` solves a draw (``run_at``: no story, no equilibrium check or list of pure
    equilibria, which no claim reads), so a sweep and analyze count a draw the same way."""
    if sc.games is None:
        return None
    with _CACHE_LOCK:
        hit = _CACHE.get(id(sc))
    if hit is not None and hit[0] is sc and hit[1] == game:
        return hit[2]
    try:
        run: GameRun | None = run_at(sc, pick_spec(sc, game), {})
    except InputError:
        run = None
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(sc)] = (sc, game, run)
    return run


@register_outcome("games", per_draw=True)
def games_outcome(scenario: Scenario) -> str | None:
    """The crisis game's outcome class on one draw (None without a games section)."""
    run = _draw_run(scenario)
    return None if run is None else run.solution.outcome_class()


def _per_draw(kind: str) -> None:
    @register_draw_evaluator(kind, cheap=True)
    def _evaluate(claim: Claim, scenario: Scenario) -> bool | None:
        run = _draw_run(scenario, getattr(claim.check, "game", None))
        if run is None:
            return None
        v = EVAL[kind](claim, Context(scenario, {}, {"games": run}))
        return None if v is None or v.status == "not_evaluated" else v.status == "holds"


for _kind in ("equilibrium_action", "payoff_order", "outcome_class"):
    _per_draw(_kind)
