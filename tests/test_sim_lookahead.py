"""The batched look-ahead values every leaf as the reference (one leaf at a time) does."""

from __future__ import annotations

import pytest

from detente.cases import case_path
from detente.scenario.loader import load_scenario, scenario_from_data
from detente.sim import Simulation, compile_world, simulate
from detente.sim.engine import run_seeds
from detente.sim.policies import Planner, ReferencePlanner
from detente.sim.world import apply, available, end_round, initial_state, shadowed_value


def rich_world() -> dict:
    """Two issues, an audience with a gate, campaigns on both sides, threats and a war move."""
    return {
        "detente": 1,
        "meta": {"id": "rich", "title": "Rich", "perspective": "test"},
        "actors": [{"id": "a", "name": "A", "capability": 70}, {"id": "b", "name": "B", "capability": 30}],
        "issues": [{"id": "x", "name": "X", "status_quo": 50}, {"id": "y", "name": "Y", "status_quo": 20}],
        "positions": {
            "a": {"x": {"position": 100, "salience": 0.7}, "y": {"position": 80, "salience": 0.3}},
            "b": {"x": {"position": 0, "salience": 0.5}, "y": {"position": 10, "salience": 0.6}},
        },
        "channels": [
            {"id": "pub", "name": "Public talks", "kind": "public", "audience_cost": 0.6},
            {"id": "back", "name": "Back channel", "kind": "closed", "audience_cost": 0.05},
        ],
        "audiences": [
            {"id": "pa", "name": "A's public", "watches": ["a", "b"], "opinion": {"x": 60, "y": 40}},
            {"id": "pb", "name": "B's public", "watches": ["b"], "opinion": {"x": 30}},
        ],
        "moves": [
            {"id": "a_demand", "actor": "a", "type": "demand", "channel": "pub", "issue": "x", "position": 100},
            {"id": "a_info", "actor": "a", "type": "inform", "channel": "pub", "issue": "y", "position": 90},
            {"id": "a_threat", "actor": "a", "type": "threaten", "channel": "pub", "issue": "y", "position": 70},
            {"id": "a_give", "actor": "a", "type": "concede", "channel": "back", "issue": "x", "position": 60},
            {"id": "a_war", "actor": "a", "type": "escalate", "issue": "x", "position": 90},
            {"id": "b_reject", "actor": "b", "type": "reject", "channel": "pub", "issue": "x"},
            {"id": "b_info", "actor": "b", "type": "inform", "channel": "pub", "issue": "x", "position": 10},
            {"id": "b_give", "actor": "b", "type": "concede", "channel": "pub", "issue": "x", "position": 40},
            {"id": "b_hold", "actor": "b", "type": "hold", "issue": "y", "position": 15},
            {"id": "b_war", "actor": "b", "type": "escalate", "issue": "y", "position": 0},
        ],
        "parameters": {
            "a_cost": {"value": 0.15, "note": "test"}, "b_cost": {"value": 0.3, "note": "test"},
            "a_win": {"value": 0.7, "note": "test"}, "ben": {"value": 0.02, "note": "test"},
        },
        "simulation": {
            "players": ["a", "b"], "rounds": 6, "temperature": 0.05, "opinion_weight": 0.3,
            "gates": [{"move": "a_war", "audience": "pa", "issue": "y", "at_least": 45},
                      {"move": "b_war", "cohesion": "a", "at_most": 0.55}],
            "cohesion": [{"id": "a", "audience": "pa", "issue": "y", "start": 0.4, "rate": 0.5}],
            "move_benefits": {"b_war": "ben"},
            "war": {"issues": ["x", "y"], "win_prob": {"a": "a_win"}, "cost": {"a": "a_cost", "b": "b_cost"}},
        },
    }


def states_along(w, seed: int, rounds: int):
    """Decision states met in a run: the start of each player's turn."""
    sim = Simulation(w, seed, planner=ReferencePlanner(w))
    out = []
    for _ in range(rounds):
        if sim.finished:
            break
        out.append(sim.state.copy())
        sim.step()
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batched_leaves_equal_reference_leaf_by_leaf(seed):
    w = compile_world(scenario_from_data(rich_world(), "rich.yaml"))
    fast = Planner(w)
    checked = wars = 0
    for s in states_along(w, seed, 6):
        s.round += 1
        for p in (0, 1):
            leaves, ks, rs = [], [], []
            for k in available(w, s, p):
                sm = apply(w, s, k)
                for r in available(w, sm, 1 - p):
                    leaves.append(apply(w, sm, r))
                    ks.append(k)
                    rs.append(r)
            if not leaves:
                continue
            got = fast.leaf_values(s, leaves, ks, rs).tolist()
            for sr, row in zip(leaves, got, strict=True):
                se = end_round(w, sr)
                want = [shadowed_value(w, x, se) for x in (0, 1)]
                assert row == pytest.approx(want, abs=1e-12, rel=1e-12)
                checked += 1
                wars += sr.war_by >= 0
    assert checked > 100 and wars > 0


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_planner_utilities_equal_reference_at_every_decision(seed):
    """The fast planner (reply effects reused across the player's moves, batched leaves) gives
    the reference's expected utilities at every state met along runs."""
    w = compile_world(scenario_from_data(rich_world(), "rich.yaml"))
    fast, ref = Planner(w), ReferencePlanner(w)
    n = 0
    for s in states_along(w, seed, 6):
        s.round += 1
        for p in (0, 1):
            a, b = fast.utilities(s, p), ref.utilities(s, p)
            assert [k for k, _ in a] == [k for k, _ in b]
            assert [u for _, u in a] == pytest.approx([u for _, u in b], abs=1e-12, rel=1e-12)
            n += len(a)
    assert n > 20


def test_batched_planner_gives_the_same_runs_as_the_reference():
    w = compile_world(scenario_from_data(rich_world(), "rich.yaml"))
    for seed in run_seeds(7, 12):
        a = Simulation(w, seed, planner=Planner(w)).run()
        b = Simulation(w, seed, planner=ReferencePlanner(w)).run()
        assert a.log_text() == b.log_text()


def test_geneva_runs_match_reference_planner():
    w = compile_world(load_scenario(case_path("geneva-2022")))
    for seed in run_seeds(2022, 5):
        assert (Simulation(w, seed, planner=Planner(w)).run().json_lines()
                == Simulation(w, seed, planner=ReferencePlanner(w)).run().json_lines())


def test_lean_batch_keeps_outcomes_and_replays_the_representative_log():
    data = rich_world()
    w = compile_world(scenario_from_data(data, "rich.yaml"))
    full = simulate(w, seed=3, runs=10)
    lean = simulate(w, seed=3, runs=10, keep_logs=False)
    assert [r.outcome for r in full.runs] == [r.outcome for r in lean.runs]
    assert [r.concessions for r in full.runs] == [r.concessions for r in lean.runs]
    assert [r.opinion_path for r in full.runs] == [r.opinion_path for r in lean.runs]
    assert all(not r.lines for r in lean.runs)
    assert lean.representative().log_text() == full.representative().log_text()


def test_expected_values_match_a_plain_softmax():
    import numpy as np

    from detente.sim.policies import expected, softmax

    theirs = np.array([0.1, 0.3, 0.2, 0.5, 0.5])
    mine = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    got = expected(theirs, mine, [3, 2], 0.1)
    want0 = sum(p * u for p, u in zip(softmax([0.1, 0.3, 0.2], 0.1), [1.0, 2.0, 3.0], strict=True))
    assert got == pytest.approx([want0, 4.5], rel=1e-12)


def test_initial_state_is_not_changed_by_planning():
    w = compile_world(scenario_from_data(rich_world(), "rich.yaml"))
    s = initial_state(w)
    before = s.to_dict()
    Planner(w).utilities(s, 0)
    assert s.to_dict() == before
