"""Simulation engine: behaviour pinned on small hand-made worlds."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest

from detente.errors import InputError
from detente.scenario.loader import scenario_from_data
from detente.scenario.schema import MoveType
from detente.sim import Simulation, compile_world, simulate
from detente.sim.catalogue import load_catalogue
from detente.sim.world import apply, end_round, initial_state


def world_data(**over: Any) -> dict[str, Any]:
    """Two players, one issue (0 = what B wants, 100 = what A wants), status quo 50."""
    data: dict[str, Any] = {
        "detente": 1,
        "meta": {"id": "toy", "title": "Toy", "perspective": "test"},
        "actors": [
            {"id": "a", "name": "A", "capability": 50},
            {"id": "b", "name": "B", "capability": 50},
        ],
        "issues": [{"id": "x", "name": "X", "status_quo": 50}],
        "positions": {
            "a": {"x": {"position": 100, "salience": 1.0}},
            "b": {"x": {"position": 0, "salience": 1.0}},
        },
        "channels": [
            {"id": "pub", "name": "Public talks", "kind": "public", "audience_cost": 0.5},
            {"id": "back", "name": "Back channel", "kind": "closed", "audience_cost": 0.0},
        ],
        "moves": [
            {"id": "a_demand", "actor": "a", "type": "demand", "channel": "pub", "issue": "x", "position": 100},
            {"id": "b_reject", "actor": "b", "type": "reject", "channel": "pub", "issue": "x"},
        ],
        "simulation": {"players": ["a", "b"], "rounds": 6, "temperature": 0.01},
    }
    for k, v in over.items():
        data[k] = v
    return data


def load(data: dict[str, Any]):
    return scenario_from_data(data, "toy.yaml")


def test_catalogue_covers_every_move_type():
    cat = load_catalogue()
    assert set(cat.kinds) == {t.value for t in MoveType}
    assert cat.ladder[-1].name == "war"
    assert cat.kinds["escalate"].effect == "war"
    assert cat.kinds["concede"].plover == "CONCEDE"


def test_public_concession_costs_face_closed_does_not():
    data = world_data()
    data["moves"] += [
        {"id": "b_give_pub", "actor": "b", "type": "concede", "channel": "pub", "issue": "x", "position": 30},
        {"id": "b_give_back", "actor": "b", "type": "concede", "channel": "back", "issue": "x", "position": 30},
    ]
    w = compile_world(load(data))
    s0 = initial_state(w)
    pub = apply(w, s0, w.move_index("b_give_pub"))
    back = apply(w, s0, w.move_index("b_give_back"))
    # 30 of 100 toward A, on a channel with audience cost 0.5, made by the state itself (rank 1.0)
    assert pub.face[1] == pytest.approx(-0.3 * 0.5)
    assert back.face[1] == 0.0
    assert back.offer[1][0] == 30 and back.stated[1][0] == 0  # the public position is untouched


def test_backing_down_after_a_public_commitment_costs_more():
    data = world_data()
    data["moves"] += [
        {"id": "b_demand", "actor": "b", "type": "demand", "channel": "pub", "issue": "x", "position": 0,
         "intensity": 1.0},
        {"id": "b_give_media", "actor": "b", "type": "concede", "channel": "media", "issue": "x", "position": 30},
    ]
    data["channels"].append({"id": "media", "name": "Media", "kind": "public", "audience_cost": 0.1})
    w = compile_world(load(data))
    s0 = initial_state(w)
    fresh = apply(w, s0, w.move_index("b_give_media"))
    committed = apply(w, apply(w, s0, w.move_index("b_demand")), w.move_index("b_give_media"))
    assert fresh.face[1] == pytest.approx(-0.3 * 0.1)
    assert committed.face[1] == pytest.approx(-0.3 * 0.5)  # the commitment made at audience cost 0.5


def test_rank_of_the_speaker_scales_face_cost():
    data = world_data()
    data["actors"].append({"id": "b_del", "name": "B's deputy", "kind": "delegation", "represents": "b",
                           "rank": "deputy", "capability": 0})
    data["moves"].append({"id": "d_give", "actor": "b_del", "type": "concede", "channel": "pub", "issue": "x",
                          "position": 30})
    w = compile_world(load(data))
    s = apply(w, initial_state(w), w.move_index("d_give"))
    assert s.face[1] == pytest.approx(-0.3 * 0.5 * load_catalogue().ranks["deputy"])


def campaign_world(susceptibility: float = 0.6, rate: float = 0.5) -> dict[str, Any]:
    data = world_data()
    data["audiences"] = [{"id": "pub_b", "name": "B's public", "watches": ["a", "b"],
                          "opinion": {"x": 20}}]
    data["moves"].append({"id": "a_info", "actor": "a", "type": "inform", "channel": "pub", "issue": "x",
                          "position": 90, "intensity": 0.5})
    data["simulation"]["susceptibility"] = {"pub_b": susceptibility}
    data["simulation"]["influence_rate"] = rate
    return data


def test_information_campaign_moves_opinion_toward_message_not_past_anchor_pull():
    sus, rate, y0, msg, intensity = 0.6, 0.5, 20.0, 90.0, 0.5
    w = compile_world(load(campaign_world(sus, rate)))
    s = apply(w, initial_state(w), w.move_index("a_info"))
    path = [s.opinion[0][0]]
    for _ in range(200):
        s = end_round(w, s)
        path.append(s.opinion[0][0])
    # Friedkin–Johnsen as a linear system: node 0 = the audience, node 1 = the campaign (a
    # stubborn source). x = Λ W x + (I − Λ) u, with Λ = diag(susceptibility, 0).
    share = intensity / (1.0 + intensity)  # the campaign's share of attention
    wt = rate * share
    big_w = np.array([[1.0 - wt, wt], [0.0, 1.0]])
    lam = np.diag([sus, 0.0])
    u = np.array([y0, msg])
    fixed = np.linalg.solve(np.eye(2) - lam @ big_w, (np.eye(2) - lam) @ u)[0]
    assert path[-1] == pytest.approx(fixed, abs=1e-9)
    assert y0 < fixed < msg  # toward the message, held back by the anchor
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(path))  # monotone, no overshoot
    assert max(path) <= fixed + 1e-9
    # by hand: y* = (s w m + (1 - s) y0) / (1 - s (1 - w))
    assert fixed == pytest.approx((sus * wt * msg + (1 - sus) * y0) / (1 - sus * (1 - wt)))


def test_low_trust_source_moves_opinion_less():
    data = campaign_world()
    w_full = compile_world(load(data))
    data["simulation"]["trust"] = {"pub_b": {"a": 0.2}}
    w_low = compile_world(load(data))
    ys = []
    for w in (w_full, w_low):
        s = end_round(w, apply(w, initial_state(w), w.move_index("a_info")))
        ys.append(s.opinion[0][0])
    assert 20 < ys[1] < ys[0]


def test_no_one_willing_to_give_ends_in_stalemate():
    data = world_data()
    data["moves"] += [
        {"id": "b_accept", "actor": "b", "type": "accept", "channel": "pub", "issue": "x", "position": 100},
        {"id": "a_accept", "actor": "a", "type": "accept", "channel": "pub", "issue": "x", "position": 0},
    ]
    batch = simulate(compile_world(load(data)), seed=3, runs=20)
    assert batch.frequencies["stalemate"] == 1.0
    for r in batch.runs:
        assert not r.concessions
        assert r.outcome.final == {"x": 50.0}


def coercion_world(challenger_war_cost: float, defender_war_cost: float) -> dict[str, Any]:
    data = world_data()
    data["actors"][0]["capability"] = 90
    data["actors"][1]["capability"] = 10
    data["moves"] += [
        {"id": "a_threat", "actor": "a", "type": "threaten", "channel": "pub", "target": "b", "issue": "x"},
        {"id": "a_war", "actor": "a", "type": "escalate", "target": "b", "issue": "x", "position": 100},
        {"id": "b_accept", "actor": "b", "type": "accept", "channel": "back", "issue": "x", "position": 100},
    ]
    data["parameters"] = {
        "a_cost": {"value": challenger_war_cost, "note": "test"},
        "b_cost": {"value": defender_war_cost, "note": "test"},
        "a_win": {"value": 0.9, "note": "test"},
    }
    data["simulation"]["war"] = {"issues": ["x"], "win_prob": {"a": "a_win"},
                                 "cost": {"a": "a_cost", "b": "b_cost"}}
    return data


def test_dominant_resolved_challenger_against_weak_defender_gets_capitulation():
    batch = simulate(compile_world(load(coercion_world(0.05, 0.6))), seed=11, runs=20)
    assert batch.modal == "capitulation"
    rep = batch.representative()
    assert rep.outcome.by == "b"
    assert rep.outcome.final["x"] == pytest.approx(100.0)


def test_costly_war_for_the_challenger_keeps_the_stalemate():
    batch = simulate(compile_world(load(coercion_world(0.9, 0.6))), seed=11, runs=20)
    assert batch.frequencies["stalemate"] == 1.0


def test_cheap_war_against_a_defender_who_does_not_care_escalates():
    batch = simulate(compile_world(load(coercion_world(0.05, 0.0))), seed=11, runs=10)
    assert batch.modal == "escalation"
    assert all(r.outcome.war for r in batch.runs if r.outcome.cls == "escalation")


def test_same_seed_same_log_byte_for_byte():
    data = campaign_world()
    data["moves"].append({"id": "b_give", "actor": "b", "type": "concede", "channel": "back", "issue": "x",
                          "position": 40})
    data["simulation"]["temperature"] = 0.5  # plenty of randomness
    w = compile_world(load(data))
    a = simulate(w, seed=5, runs=8)
    b = simulate(w, seed=5, runs=8)
    c = simulate(w, seed=6, runs=8)
    assert [r.log_text() for r in a.runs] == [r.log_text() for r in b.runs]
    assert [r.json_lines() for r in a.runs] == [r.json_lines() for r in b.runs]
    assert [r.log_text() for r in a.runs] != [r.log_text() for r in c.runs]
    for line in a.runs[0].json_lines().splitlines():
        json.loads(line)


def test_checkpoint_round_trip_continues_identically():
    data = campaign_world()
    data["simulation"]["temperature"] = 0.5
    w = compile_world(load(data))
    full = Simulation(w, seed=9).run()
    sim = Simulation(w, seed=9)
    sim.step()
    sim.step()
    saved = json.loads(json.dumps(sim.get_state()))
    other = Simulation(w, seed=1234)
    other.set_state(saved)
    assert other.run().log_text() == full.log_text()


def test_scripted_policy_plays_steps_in_order():
    data = world_data()
    data["moves"][0]["step"] = 0
    data["moves"][1]["step"] = 1
    data["simulation"]["scripted"] = ["a", "b"]
    data["simulation"]["after_script"] = "pass"
    run = simulate(compile_world(load(data)), seed=0).runs[0]
    moves = [r["move"] for r in run.records if r.get("kind") == "move" and r.get("type") != "pass"]
    assert moves == ["a_demand", "b_reject"]
    assert run.lines[0].startswith("round 1, public track (Public talks): A")


def test_plug_in_policy_is_used_and_validated():
    class Always:
        name = "always"

        def __init__(self, move: str) -> None:
            self.move = move

        def choose(self, ctx):
            assert "a_demand" in ctx.options and "Moves you may make" in ctx.describe()
            return [self.move]

    w = compile_world(load(world_data()))
    run = simulate(w, seed=0, policies={"a": Always("a_demand")}).runs[0]
    assert sum(1 for r in run.records if r.get("move") == "a_demand") == w.rounds
    with pytest.raises(ValueError, match="not on its menu"):
        simulate(w, seed=0, policies={"a": Always("b_reject")})


def test_gate_opens_when_audience_crosses_threshold():
    data = campaign_world(susceptibility=0.95, rate=0.9)
    data["moves"].append({"id": "a_sanction_threat", "actor": "a", "type": "threaten", "channel": "pub",
                          "issue": "x", "position": 100})
    data["simulation"]["gates"] = [{"move": "a_sanction_threat", "audience": "pub_b", "issue": "x",
                                    "at_least": 40}]
    w = compile_world(load(data))
    from detente.sim.world import available

    s = initial_state(w)
    k = w.move_index("a_sanction_threat")
    assert k not in available(w, s, 0)
    s = apply(w, s, w.move_index("a_info"))
    for _ in range(30):
        s = end_round(w, s)
    assert s.opinion[0][0] >= 40
    assert k in available(w, s, 0)


@pytest.mark.parametrize("bad, field", [
    ({"players": ["a", "zz"], "temperature": 0.1}, "simulation.players"),
    ({"players": ["a", "b"], "temperature": 0.1, "gates": [{"move": "nope", "audience": "x", "issue": "x",
                                                             "at_least": 1}]}, "simulation.gates"),
    ({"players": ["a", "b"], "temperature": 0.1, "move_costs": {"a_demand": "no_param"}}, "simulation.move_costs"),
    ({"players": ["a", "b"], "temperature": 0.1, "bogus": 1}, "simulation"),
    ({"players": ["a", "b"], "temperature": 0}, "simulation.temperature"),
])
def test_bad_simulation_sections_are_one_line_errors(bad, field):
    with pytest.raises(InputError) as exc:
        load(world_data(simulation=bad))
    assert field in str(exc.value)
    assert "\n" not in str(exc.value)


def test_scenario_without_simulation_section_is_a_user_error():
    data = world_data()
    del data["simulation"]
    with pytest.raises(InputError, match="simulation"):
        compile_world(load(data))
