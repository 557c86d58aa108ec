"""Break-evens of escalation on a hand-made world whose answer is computed by hand."""

from __future__ import annotations

import pytest

from detente.cases import case_path
from detente.errors import InputError
from detente.scenario.loader import load_scenario, scenario_from_data
from detente.sim import compile_world
from detente.sim.breakeven import break_even, favourable_corner, modal_war_round


def war_world(cost: float = 0.2, win: float = 0.9, sal_x: float = 1.0) -> dict:
    """A can go to war over x (A wants 100, B 0, status quo 50); y (A wants 100, status quo 50)
    is not decided by war. B can only pass. No audiences, no move costs.

    A's utility: shares of salience s_x / (s_x + 0.5) on x, 0.5 / (s_x + 0.5) on y.
    Passing keeps x at 50: V = 0.5 sh_x + 0.5 sh_y. War: x -> 100 with p, 0 with 1 - p:
    V = p sh_x + 0.5 sh_y - c. A escalates iff (p - 0.5) sh_x >= c. At the modes (c 0.2,
    p 0.9, s_x 1 so sh_x = 2/3): 0.4 * 2/3 = 0.2667 >= 0.2, so A escalates; break-evens
    c* = 0.4 * 2/3 = 0.26667, p* = 0.5 + 0.2 * 1.5 = 0.8, sh_x* = 0.5, i.e. s_x* = 0.5.
    """
    return {
        "detente": 1,
        "meta": {"id": "war", "title": "War", "perspective": "test"},
        "actors": [{"id": "a", "name": "A", "capability": 60}, {"id": "b", "name": "B", "capability": 40}],
        "issues": [{"id": "x", "name": "X", "status_quo": 50}, {"id": "y", "name": "Y", "status_quo": 50}],
        "positions": {
            "a": {"x": {"position": 100, "salience": {"value": sal_x, "low": 0.2, "high": 1.0}},
                  "y": {"position": 100, "salience": 0.5}},
            "b": {"x": {"position": 0, "salience": 1.0}},
        },
        "moves": [{"id": "a_war", "actor": "a", "type": "escalate", "target": "b", "issue": "x"}],
        "parameters": {
            "a_cost": {"value": cost, "low": min(cost, 0.1), "high": max(cost, 0.4), "note": "test"},
            "a_win": {"value": win, "low": min(win, 0.7), "high": max(win, 0.95), "note": "test"},
            "b_cost": {"value": 0.5, "note": "test"},
        },
        "simulation": {"players": ["a", "b"], "rounds": 3, "temperature": 0.01,
                       "war": {"issues": ["x"], "win_prob": {"a": "a_win"}, "cost": {"a": "a_cost", "b": "b_cost"}}},
    }


def load(data):
    return scenario_from_data(data, "war.yaml")


def test_modal_path_escalates_only_on_the_right_side_of_the_hand_computed_line():
    sc = load(war_world())
    assert modal_war_round(sc, "a") == 1
    assert modal_war_round(sc, "a", {"parameters.a_cost": 0.27}) is None
    assert modal_war_round(sc, "a", {"parameters.a_cost": 0.26}) == 1
    assert modal_war_round(sc, "a", {"parameters.a_win": 0.79}) is None
    assert modal_war_round(sc, "a", {"positions.a.x.salience": 0.49}) is None


def test_break_evens_match_the_hand_computation():
    got = {b.key: b for b in break_even(load(war_world()), tol=1e-6)}
    cost, win, sal = got["parameters.a_cost"], got["parameters.a_win"], got["positions.a.x.salience"]
    assert cost.value == pytest.approx(0.4 * 2 / 3, abs=1e-5) and cost.escalate_when == "below"
    assert win.value == pytest.approx(0.8, abs=1e-5) and win.escalate_when == "above"
    assert sal.value == pytest.approx(0.5, abs=1e-5) and sal.escalate_when == "above"
    assert all(b.at_mode and b.player == "a" for b in got.values())
    assert cost.within_range and win.within_range and sal.within_range
    assert "at or below 0.267" in cost.sentence("A")


def test_no_switch_inside_the_search_is_reported_as_such():
    # win probability 0.5: war never beats the status quo on x, whatever A's salience
    got = {b.key: b for b in break_even(load(war_world(win=0.5)))}
    assert got["positions.a.x.salience"].value is None
    assert got["positions.a.x.salience"].escalate_when == "never"
    assert got["parameters.a_cost"].value == pytest.approx(0.0, abs=2e-3)  # only a war that costs nothing


def test_favourable_corner_takes_the_ends_of_the_stated_ranges():
    corner = favourable_corner(load(war_world(cost=0.4, win=0.7)), "a")
    assert corner.values == {"parameters.a_cost": 0.1, "parameters.a_win": 0.95, "positions.a.x.salience": 1.0}
    assert corner.war_round == 1  # (0.95 - 0.5) * 2/3 = 0.3 >= 0.1


def test_unknown_override_key_is_a_user_error():
    with pytest.raises(InputError, match="no number called"):
        compile_world(load(war_world()), values={"parameters.nope": 1.0})


def test_geneva_break_evens_are_reported_for_russia():
    got = break_even(load_scenario(case_path("geneva-2022")))
    keys = [b.key for b in got]
    assert keys[:2] == ["parameters.rus_war_cost", "parameters.rus_war_win_prob"]
    assert {"positions.rus.donbass.salience", "positions.rus.ukraine_nato.salience"} <= set(keys)
    assert all(b.player == "rus" for b in got)


def point_war_world(cost_low: float, cost_mode: float, cost_high: float) -> dict:
    data = war_world()
    data["parameters"]["a_cost"] = {"value": cost_mode, "low": cost_low, "high": cost_high, "note": "test"}
    data["parameters"]["a_win"] = {"value": 0.9, "note": "test"}
    data["positions"]["a"]["x"]["salience"] = 1.0
    data["simulation"]["temperature"] = 1e-4  # choices are the best move: the run escalates iff c < c*
    return data


@pytest.mark.slow
def test_sampled_ranges_give_the_triangular_probability_of_crossing_the_break_even():
    from detente.analysis.sim_layer import run_batch

    sc = load(point_war_world(0.1, 0.2, 0.4))
    fixed = run_batch(sc, 5, 200, ranges="fixed")
    assert fixed.frequencies["escalation"] == 1.0  # the mode 0.2 is below c* = 0.2667
    sampled = run_batch(sc, 5, 1000, ranges="sample")
    # P(c < c*) for a triangular (0.1, 0.2, 0.4): 1 - (0.4 - c*)^2 / ((0.4 - 0.1)(0.4 - 0.2))
    c_star = 0.4 * 2 / 3
    want = 1 - (0.4 - c_star) ** 2 / (0.3 * 0.2)
    assert sampled.frequencies["escalation"] == pytest.approx(want, abs=0.045)
    assert sampled.frequencies["escalation"] + sampled.frequencies["stalemate"] == pytest.approx(1.0)
    again = run_batch(sc, 5, 1000, ranges="sample")
    assert [r.outcome for r in again.runs] == [r.outcome for r in sampled.runs]
