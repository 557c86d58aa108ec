"""The crisis model's belief grid and its exported game tree (python benchmarks/crisis_tree.py).

For the founding case and the issue's benchmark size (benchmarks/crisis_model.py): the recursion at
belief grids 0.25 (default) and 0.05, its time and outcome probabilities (agent QRE at the fitted
lambda, and best responses), then the same model written out as a tree where it fits the games
layer's 200,000-node limit (fewer rounds or a coarser offer grid): the recursion's strategies scored
on the tree (NashConv, largest one-shot regret) and OpenSpiel CFR+ (NashConv, outcome, time).
``--exact-qre`` adds the tree's exact agent QRE at two rounds (the logit trace: minutes per case).
Timings on a shared machine are inflated by other load (DECISIONS P1, C15).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from _timing import figure, timed
from crisis_model import synthetic

from detente.cases import case_path
from detente.games.crisis import spec as S
from detente.games.crisis.model import CLASSES, solve_crisis
from detente.games.crisis.run import run_crisis
from detente.games.crisis.tree_export import check_recursion, export_tree, solve_tree
from detente.scenario.loader import load_scenario

STEPS = (0.25, 0.05)


def fmt(p: dict[str, float]) -> str:
    return " ".join(f"{c[:4]} {p.get(c, 0.0):.3f}" for c in CLASSES)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--exact-qre", action="store_true", help="also trace the tree's exact QRE at 2 rounds")
    ap.add_argument("--iterations", type=int, default=1000)
    args = ap.parse_args()
    for sc in (load_scenario(case_path("geneva-2022")), synthetic()):
        name = sc.meta.id
        print(f"== {name}")
        for step in STEPS:
            tm, run = timed(lambda step=step, sc=sc: run_crisis(sc, explain=False, belief_step=step))
            br = solve_crisis(run.inputs.model, None, step)
            print(f"recursion, full model, grid {step}: QRE {fmt(run.probs)} ({len(run.qre.nodes)} states); "
                  f"best responses {fmt(br.outcome_probs())} ({len(br.nodes)} states)")
            figure(f"crisis recursion {name}, belief grid {step} (QRE)", tm.text())
        inp = S.build_inputs(sc)
        full, med = inp.model, inp.mediation
        for horizon, grid in ((2, 6), (3, 6), (4, 4)):
            m = replace(full, p=full.p[:horizon], offers=tuple(i / (grid - 1) for i in range(grid)))
            tb, g = timed(lambda m=m, med=med: export_tree(m, med))
            print(f"-- tree at {horizon} rounds, {grid} offers: {len(g):,} nodes (built in {tb.cpu:.2f} s cpu)")
            for lam in (S.LAMBDA, None):
                for step in STEPS:
                    r = check_recursion(m, lam, step, med, g)
                    what = f"QRE lambda={lam:g}" if lam else "best responses"
                    print(f"recursion {what}, grid {step}: {fmt(r['outcome_classes'])}; on the tree NashConv "
                          f"{r['nash_conv']:.2e}, largest one-shot regret {r['agent_regret']:.2e} "
                          f"(reached sets {r['regret_on_path']:.2e}); "
                          f"{r['seconds']:.3f} s, {r['states']} states")
            tc, out = timed(lambda m=m, med=med: solve_tree(m, "cfr", iterations=args.iterations, mediation=med))
            print(f"CFR+ {args.iterations} iterations: {fmt(out['outcome_classes'])}; NashConv {out['nash_conv']:.2e}, "
                  f"largest one-shot regret {out['agent_regret']:.2e}")
            figure(f"crisis tree {name}, {horizon} rounds x {grid} offers ({len(g):,} nodes), CFR+ "
                   f"{args.iterations} it.", tc.text())
            if args.exact_qre and horizon == 2:
                tq, q = timed(lambda m=m, med=med: solve_tree(m, "qre", lam=S.LAMBDA, mediation=med))
                print(f"tree exact agent QRE lambda={S.LAMBDA:g}: {fmt(q['outcome_classes'])}")
                figure(f"crisis tree {name}, exact QRE (logit trace), {len(g):,} nodes", tq.text())


if __name__ == "__main__":
    main()
