"""Alliance cohesion: a state that follows an audience's support and gates moves."""

from __future__ import annotations

import pytest

from detente.cases import case_path
from detente.errors import InputError
from detente.scenario.loader import load_scenario, scenario_from_data
from detente.sim import compile_world, simulate
from detente.sim.world import apply, available, end_round, initial_state


def world(**sim) -> dict:
    data = {
        "detente": 1,
        "meta": {"id": "c", "title": "C", "perspective": "test"},
        "actors": [{"id": "a", "name": "A", "capability": 50}, {"id": "b", "name": "B", "capability": 50},
                   {"id": "bloc", "name": "The Bloc (A's allies)", "kind": "bloc", "capability": 10}],
        "issues": [{"id": "x", "name": "X", "status_quo": 50}],
        "positions": {"a": {"x": {"position": 100, "salience": 1.0}}, "b": {"x": {"position": 0, "salience": 1.0}}},
        "channels": [{"id": "pub", "name": "Public", "kind": "public", "audience_cost": 0.5}],
        "audiences": [{"id": "pa", "name": "A's public", "watches": ["a", "b"], "opinion": {"x": 20}}],
        "moves": [
            {"id": "a_info", "actor": "a", "type": "inform", "channel": "pub", "issue": "x", "position": 90,
             "intensity": 0.5},
            {"id": "a_sanction", "actor": "a", "type": "threaten", "channel": "pub", "issue": "x", "position": 100},
        ],
        "simulation": {"players": ["a", "b"], "rounds": 6, "temperature": 0.1,
                       "susceptibility": {"pa": 0.9}, "influence_rate": 0.8,
                       "cohesion": [{"id": "bloc", "audience": "pa", "issue": "x", "start": 0.3, "rate": 0.5}],
                       "gates": [{"move": "a_sanction", "cohesion": "bloc", "at_least": 0.4}]},
    }
    data["simulation"].update(sim)
    return data


def load(data):
    return scenario_from_data(data, "c.yaml")


def test_cohesion_closes_rate_of_the_gap_to_the_audience_support():
    w = compile_world(load(world()))
    s = apply(w, initial_state(w), w.move_index("a_info"))
    assert s.cohesion == [0.3]
    s1 = end_round(w, s)
    support = s1.opinion[0][0] / 100  # the opinion's share of the 0..100 scale
    assert s1.cohesion[0] == pytest.approx(0.3 + 0.5 * (support - 0.3))
    path = [s1.cohesion[0]]
    for _ in range(60):
        s1 = end_round(w, s1)
        path.append(s1.cohesion[0])
    assert path[-1] == pytest.approx(s1.opinion[0][0] / 100, abs=1e-6)  # settles on the support


def test_cohesion_gate_opens_the_sanctions_threat():
    w = compile_world(load(world()))
    k = w.move_index("a_sanction")
    s = initial_state(w)
    assert k not in available(w, s, 0)
    s = apply(w, s, w.move_index("a_info"))
    opened = None
    for r in range(1, 10):
        s = end_round(w, s)
        if k in available(w, s, 0):
            opened = r
            break
    assert opened is not None and s.cohesion[0] >= 0.4


def test_cohesion_is_logged_and_seeded():
    run = simulate(compile_world(load(world())), seed=3).runs[0]
    text = run.log_text()
    assert "alliances: The Bloc cohesion 0.30 → " in text
    assert any(r.get("kind") == "cohesion" for r in run.records)
    assert run.log_text() == simulate(compile_world(load(world())), seed=3).runs[0].log_text()


@pytest.mark.parametrize("sim, field", [
    ({"cohesion": [{"id": "bloc", "audience": "nobody", "issue": "x"}]}, "simulation.cohesion[0].audience"),
    ({"gates": [{"move": "a_sanction", "cohesion": "nope", "at_least": 0.4}]}, "simulation.gates[0].cohesion"),
    ({"gates": [{"move": "a_sanction", "cohesion": "bloc", "audience": "pa", "issue": "x", "at_least": 0.4}]},
     "simulation.gates"),
    ({"cohesion": [{"id": "bloc", "audience": "pa", "issue": "x", "rate": 0}]}, "simulation.cohesion"),
])
def test_bad_cohesion_is_a_one_line_error(sim, field):
    with pytest.raises(InputError) as exc:
        load(world(**sim))
    assert field in str(exc.value) and "\n" not in str(exc.value)


def test_geneva_sanctions_threat_waits_for_nato_cohesion():
    sc = load_scenario(case_path("geneva-2022"))
    w = compile_world(sc)
    assert w.cohesion_ids == ("nato",)
    k = w.move_index("usa_threaten_sanctions")
    assert w.moves[k].cgates == ((0, 0.5, float("inf")),)
    text = simulate(w, seed=2022).runs[0].log_text()
    assert "alliances: NATO cohesion 0.30 → " in text
