"""The general crisis model at the issue's scale target (python benchmarks/crisis_model.py).

A synthetic 6-actor, 3-issue crisis (two principals, four third parties), a 4-rung ladder (talks,
mobilise/threaten, limited force, general war), two resolve types per principal (war costs given as
ranges), 4 rounds: build + QRE solve (with the four third parties' strategic choices, C13: the
principals' game solved once per configuration the best-response search visits), and the full run
(best responses and the mechanism diagnosis as well). The baseline, measured in the same run, is
the founding case's two-track game solved by backward induction. Target: the QRE solve under 2 s.
Timings on a shared machine are inflated by other load.
"""

from __future__ import annotations

from _timing import best, best_of, figure

from detente.cases import case_path
from detente.games.build import run_scenario_game
from detente.games.crisis import model as M
from detente.games.crisis import third as TP
from detente.games.crisis.run import run_crisis
from detente.scenario.loader import load_scenario
from detente.scenario.schema import Scenario


def synthetic(channels: bool = False) -> Scenario:
    actors = [("a", 100), ("b", 80), ("c", 30), ("d", 20), ("e", 10), ("f", 40)]
    pos = {"a": (90, 80, 70), "b": (10, 20, 30), "c": (85, 60, 50), "d": (15, 30, 40), "e": (50, 50, 50),
           "f": (20, 10, 60)}
    sal = {"a": (0.9, 0.5, 0.3), "b": (0.8, 0.6, 0.4), "c": (0.6, 0.3, 0.2), "d": (0.3, 0.2, 0.2),
           "e": (0.5, 0.5, 0.5), "f": (0.7, 0.2, 0.1)}
    data = {
        "detente": 1,
        "meta": {"id": "bench-crisis", "title": "Synthetic 6-actor crisis", "perspective": "synthetic",
                 "tags": ["challenger:a", "defender:b"]},
        "actors": [{"id": i, "name": i, "capability": c} for i, c in actors],
        "issues": [{"id": f"i{k}", "name": f"issue {k}", "status_quo": 20} for k in range(3)],
        "positions": {i: {f"i{k}": {"position": pos[i][k], "salience": sal[i][k]} for k in range(3)}
                      for i, _ in actors},
        "parameters": {"a_war_cost": {"value": 0.5, "low": 0.3, "high": 0.8},
                       "b_war_cost": {"value": 0.4, "low": 0.2, "high": 0.7},
                       "a_war_win_prob": 0.55, "power_shift": -0.03, "horizon": 4, "discount": 0.9},
    }
    if channels:  # C18: a public and a closed channel, solved with the proposer choosing between them
        data["channels"] = [{"id": "talks", "name": "talks", "kind": "public", "audience_cost": 0.4},
                            {"id": "back", "name": "back channel", "kind": "closed", "audience_cost": 0.1}]
        data["meta"]["tags"].append("channels:both")  # type: ignore[index]
    return Scenario.model_validate(data)


def _fresh(fn, *args, **kw):  # type: ignore[no-untyped-def]
    """``fn`` without the third parties' equilibrium cached by an earlier run (C13 caches it per process)."""
    TP._EQ_CACHE.clear()
    return fn(*args, **kw)


def _depth_first(fn, *args, **kw):  # type: ignore[no-untyped-def]
    """``fn`` with every solve depth first, as before P8 (the round-by-round logit solve switched off)."""
    real = M._Solver.solve_levels
    M._Solver.solve_levels = lambda self, root: False  # type: ignore[method-assign]
    try:
        return fn(*args, **kw)
    finally:
        M._Solver.solve_levels = real  # type: ignore[method-assign]


def main() -> None:
    sc = synthetic()
    base_sc = load_scenario(case_path("geneva-2022"))
    base = best_of(lambda: run_scenario_game(base_sc, with_thresholds=False), 3)
    tq = best(lambda: _fresh(run_crisis, sc, explain=False), 3)
    qre = tq.wall
    full = best_of(lambda: _fresh(run_crisis, sc), 1)
    run = run_crisis(sc)
    print(f"{'what':<58} {'seconds':>8} {'x baseline':>10}")
    print(f"{'baseline: founding two-track game (backward induction)':<58} {base:>8.3f} {1:>10.1f}")
    print(f"{'crisis model 6 actors, 3 issues, 4 rungs, 2x2 types: QRE':<58} {qre:>8.3f} {qre / base:>10.1f}")
    print(f"{'  + best responses + mechanism diagnosis':<58} {full:>8.3f} {full / base:>10.1f}")
    eq = run.inputs.third_eq
    if eq is not None:
        print(eq.summary())
        print("choices: " + "; ".join(f"{p.actor} {eq.role(k)}" for k, p in enumerate(eq.setup.parties)))
    print(f"states solved: {len(run.qre.nodes)}; outcome: {run.outcome_class} "
          f"({', '.join(f'{k} {v:.2f}' for k, v in run.probs.items())}); target: QRE under 2 s")
    figure("crisis model, 6 actors x 3 issues, 4 rungs, 2x2 types (QRE)", tq.text())
    ch = synthetic(channels=True)
    tc = best(lambda: _fresh(run_crisis, ch, explain=False), 3)
    print(f"{'  the same with a closed channel (channels: both, C18): QRE':<58} {tc.wall:>8.3f} "
          f"{tc.wall / base:>10.1f}")
    figure("crisis model as above with public and closed channels (QRE)", tc.text())
    # P8: the founding case's crisis layer (the third parties' equilibrium, 44 solves) round by round against
    # depth first, both in this run; the ratio is what the change saved (the numbers are the same to the bit)
    dfs = best(lambda: _depth_first(_fresh, run_crisis, base_sc), 1)
    lev = best(lambda: _fresh(run_crisis, base_sc), 3)
    print(f"{'founding case run_crisis (44 solves), depth first (before P8)':<58} {dfs.wall:>8.3f} "
          f"{dfs.wall / base:>10.1f}")
    print(f"{'  round by round (P8)':<58} {lev.wall:>8.3f} {lev.wall / base:>10.1f}  (x depth first: "
          f"{lev.wall / dfs.wall:.2f} wall, {lev.cpu / dfs.cpu:.2f} cpu)")
    figure("founding case run_crisis, round by round (P8) vs depth first, same run",
           f"{lev.text()}; depth first {dfs.text()}; cpu ratio {lev.cpu / dfs.cpu:.2f}")


if __name__ == "__main__":
    main()
