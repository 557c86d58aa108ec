"""A chosen actor's moves follow a crisis game's equilibrium strategy."""

from __future__ import annotations

import pytest

from detente.cases import case_path
from detente.errors import InputError
from detente.games.solve import solve
from detente.games.tree import Game
from detente.scenario.loader import load_scenario, scenario_from_data
from detente.sim import compile_world, simulate
from detente.sim.game_policy import GamePolicy, scenario_game_policy, two_track_moves


def tiny_game() -> Game:
    """a pushes or stays; after a push b gives (a: 2, b: 0) or resists (a: -1, b: -2).
    Backward induction: b gives (0 > -2), so a pushes (2 > 0)."""
    g = Game(["a", "b"])
    give = g.terminal([2, 0], "b gives", "capitulation")
    resist = g.terminal([-1, -2], "b resists", "escalation")
    stay = g.terminal([0, 0], "status quo", "stalemate")
    node_b = g.decision("b", {"give": give, "resist": resist})
    g.decision("a", {"push": node_b, "stay": stay})
    return g.validate()


def world(rounds: int = 4):
    return compile_world(scenario_from_data({
        "detente": 1,
        "meta": {"id": "g", "title": "G", "perspective": "test"},
        "actors": [{"id": "a", "name": "A", "capability": 50}, {"id": "b", "name": "B", "capability": 50}],
        "issues": [{"id": "x", "name": "X", "status_quo": 50}],
        "positions": {"a": {"x": {"position": 100, "salience": 1.0}}, "b": {"x": {"position": 0, "salience": 1.0}}},
        "channels": [{"id": "pub", "name": "Talks", "kind": "public", "audience_cost": 0.5}],
        "moves": [
            {"id": "a_demand", "actor": "a", "type": "demand", "channel": "pub", "issue": "x", "position": 100},
            {"id": "b_give", "actor": "b", "type": "concede", "channel": "pub", "issue": "x", "position": 100},
            {"id": "b_reject", "actor": "b", "type": "reject", "channel": "pub", "issue": "x"},
        ],
        "simulation": {"players": ["a", "b"], "rounds": rounds, "temperature": 0.1},
    }, "g.yaml"))


MOVES = {("a", "push"): "a_demand", ("b", "give"): "b_give", ("b", "resist"): "b_reject"}


def moves_of(run) -> list[tuple[int, str]]:
    return [(r["round"], r["move"]) for r in run.records if r.get("kind") == "move" and r.get("type") != "pass"]


def test_both_players_follow_the_backward_induction_path():
    g = tiny_game()
    prof = solve(g, "backward").profile
    pol = {p: GamePolicy(g, prof, p, MOVES) for p in ("a", "b")}
    for run in simulate(world(), seed=1, runs=5, policies=pol).runs:
        assert moves_of(run) == [(1, "a_demand"), (1, "b_give")]  # then the game is over: no more moves
        assert run.outcome.cls in {"capitulation", "agreement"}
        assert run.outcome.final["x"] == pytest.approx(100.0)


def test_a_mixed_strategy_is_drawn_with_its_probabilities():
    g = tiny_game()
    prof = solve(g, "backward").profile
    root = g.infoset[g.root]
    prof = [list(p) for p in prof]
    prof[root] = [0.3, 0.7]  # push with probability 0.3
    pol = {"a": GamePolicy(g, prof, "a", MOVES)}
    batch = simulate(world(rounds=1), seed=4, runs=1000, policies=pol)
    share = sum(1 for r in batch.runs if (1, "a_demand") in moves_of(r)) / 1000
    assert share == pytest.approx(0.3, abs=0.045)  # 3 standard errors


def test_geneva_russia_plays_its_crisis_game_strategy():
    sc = load_scenario(case_path("geneva-2022"))
    moves = two_track_moves(sc)
    assert moves[("rus", "ultimatum")] == "rus_ultimatum" and moves[("rus", "escalate")] == "rus_escalate"
    assert moves[("usa", "closed_deal")] == "usa_nato_plus"
    pol = scenario_game_policy(sc, "rus")
    g, prof = pol.game, pol.profile
    root_probs = dict(zip(g.actions_of(g.root), prof[g.infoset[g.root]], strict=True))
    run = simulate(compile_world(sc), seed=3, policies={"rus": pol}).runs[0]
    first = next(m for _, m in moves_of(run) if m.startswith("rus"))
    action = next(a for (p, a), m in moves.items() if p == "rus" and m == first)
    assert root_probs[action] > 0
    with pytest.raises(InputError, match="not a player of the crisis game"):
        scenario_game_policy(sc, "chn")
