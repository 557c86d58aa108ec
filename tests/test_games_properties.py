"""Property tests on random trees: backward induction is a Nash equilibrium, .efg round trips."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.games.backward import backward_induction, logit_qre
from detente.games.efg import read_efg, to_efg
from detente.games.evaluate import agent_regret, nash_conv, node_values
from detente.games.tree import Game


def random_tree(seed: int, players: int = 2, max_depth: int = 4) -> Game:
    rng = random.Random(seed)
    g = Game([f"P{i}" for i in range(players)], f"random {seed}")

    def build(depth: int) -> int:
        if depth == 0 or rng.random() < 0.2:
            return g.terminal([round(rng.uniform(-5, 5), 3) for _ in range(players)], f"o{len(g)}")
        k = rng.randint(2, 3)
        kids = {f"a{j}": build(depth - 1) for j in range(k)}
        if rng.random() < 0.2:
            w = [rng.randint(1, 4) for _ in range(k)]
            return g.chance(kids, [x / sum(w) for x in w])
        return g.decision(rng.randrange(players), kids)

    build(max_depth)
    return g.validate()


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10**9), st.integers(2, 3))
def test_backward_induction_is_nash_and_sequentially_rational(seed: int, players: int) -> None:
    g = random_tree(seed, players)
    prof, vals, _ = backward_induction(g)
    assert nash_conv(g, prof) == pytest.approx(0.0, abs=1e-9)
    assert agent_regret(g, prof) == pytest.approx(0.0, abs=1e-9)
    assert vals[g.root] == pytest.approx(node_values(g, prof)[g.root])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9))
def test_efg_round_trip_random(seed: int) -> None:
    g = random_tree(seed)
    text = to_efg(g)
    back = read_efg(text)
    assert to_efg(back) == text
    assert backward_induction(back)[1][back.root] == pytest.approx(backward_induction(g)[1][g.root])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**9))
def test_qre_at_zero_is_uniform_and_large_lambda_approaches_spe_value(seed: int) -> None:
    g = random_tree(seed)
    prof0, _ = logit_qre(g, 0.0)
    for s, p in zip(g.infosets, prof0, strict=True):
        if s.probs is None:
            assert p == pytest.approx([1 / len(s.actions)] * len(s.actions))
    _, vals, ties = backward_induction(g)
    if not ties:
        _, qv = logit_qre(g, 1e4)
        assert qv[g.root] == pytest.approx(vals[g.root], abs=1e-2)
