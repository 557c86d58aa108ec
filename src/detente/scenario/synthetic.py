"""Synthetic scenarios of any size, for scale benchmarks and tests (benchmarks/scale.py,
tests/test_scale_parallel.py): one generator, so the sizes a test exercises and the ones a
benchmark times are built the same way. Same arguments, same text, byte for byte."""

from __future__ import annotations

import random


def synthetic_scenario(n_actors: int, n_issues: int, n_moves: int = 0, seed: int = 1,
                       salience: tuple[float, float] = (0.05, 1.0)) -> str:
    """Scenario YAML: capabilities uniform on [1, 100], status quos and positions on [0, 100],
    saliences uniform on ``salience`` (a low end of 0.3 puts every actor's saliences over KTAB's
    budget, so SMP runs each issue on its own), ``n_moves`` statements spread over the actors."""
    rng = random.Random(seed)
    lo, hi = salience
    out = ["detente: 1", f"meta: {{id: scale-{n_actors}x{n_issues}, title: Scale test, perspective: synthetic}}",
           "actors:"]
    out += [f"  - {{id: a{k}, name: Actor {k}, capability: {rng.uniform(1, 100):.3f}}}" for k in range(n_actors)]
    out.append("issues:")
    out += [f"  - {{id: i{j}, name: Issue {j}, status_quo: {rng.uniform(0, 100):.2f}}}" for j in range(n_issues)]
    out.append("positions:")
    for k in range(n_actors):
        out.append(f"  a{k}:")
        out += [f"    i{j}: {{position: {rng.uniform(0, 100):.2f}, salience: {rng.uniform(lo, hi):.3f}}}"
                for j in range(n_issues)]
    if n_moves:
        out.append("moves:")
        out += [f"  - {{id: m{k}, actor: a{k % n_actors}, type: statement, issue: i{k % n_issues}, "
                f"position: {rng.uniform(0, 100):.2f}}}" for k in range(n_moves)]
    return "\n".join(out) + "\n"
