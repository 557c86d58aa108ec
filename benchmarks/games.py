"""Solve time against game size, per method, in one run (python benchmarks/games.py).

Backward induction on perfect-information trees up to ~10^5-10^6 nodes (risk-return and
alternating offers), the Signorino QRE recursion on the same trees, the logit-trace
sequential-equilibrium solver on the information-set version of the risk-return game,
and OpenSpiel's C++ CFR (if installed) on that game. The baseline is the cost of one plain
upward sweep of the tree (``node_values``) measured in the same run; ratios are against it.
"""

from __future__ import annotations

from _timing import best, best_of, figure

from detente.games.backward import backward_induction, logit_qre
from detente.games.evaluate import node_values, uniform_profile
from detente.games.solve import solve
from detente.games.templates.literature import alternating_offers_game, risk_return_game


def main() -> None:
    print(f"{'game':<34} {'nodes':>9} {'method':<22} {'seconds':>9} {'x sweep':>8}")
    pi_games = [(f"risk-return {n}x{n}", lambda n=n: risk_return_game(n, n)) for n in (20, 60, 180, 320)]
    pi_games += [(f"alternating offers T={t}, grid 8", lambda t=t: alternating_offers_game(t, 8, 0.5, 0.5))
                 for t in (3, 4, 5)]
    for name, make in pi_games:
        g = make()
        base = best_of(lambda g=g: node_values(g, uniform_profile(g)), 3)
        for method, fn in (("backward induction", lambda g=g: backward_induction(g)),
                           ("QRE recursion λ=5", lambda g=g: logit_qre(g, 5.0))):
            t = best_of(fn, 3)
            print(f"{name:<34} {len(g):>9} {method:<22} {t:>9.4f} {t / base:>8.2f}")
    try:
        import pyspiel  # noqa: F401

        have_os = True
    except ImportError:
        have_os = False
    for n in (4, 6, 8, 10):
        g = risk_return_game(n, n, chance_first=True)
        base = best_of(lambda g=g: node_values(g, uniform_profile(g)), 3)
        t = best_of(lambda g=g: solve(g, "sequential", check=False), 1)
        print(f"{f'risk-return {n}x{n} (info set)':<34} {len(g):>9} {'logit trace (seq. eq.)':<22} {t:>9.4f} "
              f"{t / base:>8.0f}")
        if have_os:
            t = best_of(lambda g=g: solve(g, "openspiel", iterations=1000, check=False), 1)
            print(f"{f'risk-return {n}x{n} (info set)':<34} {len(g):>9} {'OpenSpiel CFR+ 1000 it':<22} "
                  f"{t:>9.4f} {t / base:>8.0f}")
    try:
        import pygambit as gbt

        from detente.games.gambit_adapter import to_gambit

        for n in (4, 6, 8):
            gg = to_gambit(risk_return_game(n, n, chance_first=True))
            t = best_of(lambda gg=gg: gbt.nash.lcp_solve(gg, rational=False), 1)
            print(f"{f'risk-return {n}x{n} (info set)':<34} {len(risk_return_game(n, n, chance_first=True)):>9} "
                  f"{'pygambit lcp_solve':<22} {t:>9.4f}")
    except ImportError:
        print("pygambit not installed: no pygambit rows")
    g = risk_return_game(180, 180)
    tt = best(lambda: backward_induction(g), 3)
    print(f"\n10^5-node check: backward induction on {len(g)} nodes took {tt.wall:.3f} s (target < 1 s)")
    figure(f"backward induction, {len(g)}-node game", f"{tt.text()} (best of 3)")
    analyze_section()


def analyze_section() -> None:
    """The analyze games section on geneva-2022, part by part, against one build + solve."""
    from detente.analysis.games_layer import path_shares
    from detente.cases import case_path
    from detente.games.build import build_game, pick_spec, run_scenario_game
    from detente.games.joint import joint_search
    from detente.games.templates.two_track import knobs
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("geneva-2022"))
    spec = pick_spec(sc)
    one = best_of(lambda: solve(build_game(sc, spec), "backward", check=False), 20)
    run = run_scenario_game(sc, with_thresholds=False)
    rows = [("one build + solve", one),
            ("point solve + story", best_of(lambda: run_scenario_game(sc, with_thresholds=False), 3)),
            ("one-at-a-time thresholds + joint", best_of(lambda: run_scenario_game(sc), 1)),
            ("joint search alone", best_of(lambda: joint_search(lambda o: build_game(sc, spec, o),
                                                              [k for k in knobs(sc, spec) if ":" not in k.key],
                                                              "stalemate"), 1)),
            ("200 draws over the ranges", best_of(lambda: path_shares(sc, run, 2022), 1))]
    print("\ngeneva-2022 analyze games section (target < 1 s in all)")
    for name, t in rows:
        print(f"{name:<34} {t:>9.4f} s {t / one:>8.0f} x one solve")


if __name__ == "__main__":
    main()
