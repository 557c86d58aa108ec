"""Static bargaining models against hand computations and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_path
from detente.models import get_model, strong_position
from detente.models.compromise import weighted_mean
from detente.models.median import weighted_median
from detente.models.nash import nash_solution
from detente.scenario import load_scenario, load_scenario_text, point_arrays

# BdM 1994 Table 1 as in Scholz et al. (2011): (capability, position, salience)
EC = {
    "netherlands": (0.08, 4, 0.8), "belgium": (0.08, 7, 0.4), "luxembourg": (0.03, 4, 0.2),
    "germany": (0.16, 4, 0.8), "france": (0.16, 10, 0.6), "italy": (0.16, 10, 0.6),
    "uk": (0.16, 10, 0.9), "ireland": (0.05, 7, 0.1), "denmark": (0.05, 4, 1.0), "greece": (0.08, 7, 0.7),
}


def test_compromise_matches_hand_computation_on_ec_emissions() -> None:
    # Sum c*s*x = 5.003 and Sum c*s = 0.677, worked out by hand from the table above.
    sc = load_scenario(case_path("ec-emissions-1994"))
    result = get_model("compromise").run(sc)
    assert result.forecast_of("emission_year") == pytest.approx(5.003 / 0.677, abs=1e-12)
    assert result.forecast_of("emission_year") == pytest.approx(7.39, abs=0.005)
    # the table in the test and the bundled case agree
    for actor_id, (c, x, s) in EC.items():
        assert sc.actor(actor_id).capability.value == c
        assert sc.positions[actor_id]["emission_year"].position.value == x
        assert sc.positions[actor_id]["emission_year"].salience.value == s


def test_median_on_ec_emissions() -> None:
    # cumulative c*s by position: 4 -> 0.248, 7 -> 0.341, 10 -> 0.677; half is 0.3385, reached at 7.
    sc = load_scenario(case_path("ec-emissions-1994"))
    assert get_model("median").run(sc).forecast_of("emission_year") == 7.0


def test_median_ties() -> None:
    x = np.array([[0.0], [10.0], [20.0], [30.0]])
    w = np.array([[1.0], [1.0], [1.0], [1.0]])  # half the weight is reached exactly at 10
    assert weighted_median(x, w, "lower")[0] == 10.0
    assert weighted_median(x, w, "upper")[0] == 20.0
    assert weighted_median(x, w, "midpoint")[0] == 15.0
    # zero-weight actors are ignored wherever they sit
    x2 = np.array([[-5.0], [0.0], [10.0], [99.0]])
    w2 = np.array([[0.0], [1.0], [3.0], [0.0]])
    assert weighted_median(x2, w2)[0] == 10.0


def test_models_accept_a_batch_axis() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, size=(5, 7, 3))
    w = rng.uniform(0, 1, size=(5, 7, 3))
    batch = weighted_mean(x, w)
    for b in range(5):
        np.testing.assert_allclose(batch[b], (w[b] * x[b]).sum(0) / w[b].sum(0))
    med = weighted_median(x, w)
    for b in range(5):
        np.testing.assert_array_equal(med[b], weighted_median(x[b], w[b]))


def test_compromise_sensitivities_are_exact() -> None:
    sc = load_scenario(case_path("geneva-2022"))
    arr = point_arrays(sc)
    res = get_model("compromise").run_arrays(arr)
    h = 1e-6
    r, c = arr.actor_ids.index("rus"), arr.issue_ids.index("nato_expansion")
    for name, field in (("d_forecast_d_position", "position"), ("d_forecast_d_salience", "salience"),
                        ("d_forecast_d_capability", "capability")):
        bumped = getattr(arr, field).copy()
        bumped[r, c] += h
        arr2 = type(arr)(**{**arr.__dict__, field: bumped})
        numeric = (get_model("compromise").run_arrays(arr2).forecast[c] - res.forecast[c]) / h
        assert res.actor_figures[name][r, c] == pytest.approx(numeric, rel=1e-4), name


def test_nash_two_actors_closed_form() -> None:
    # Issue [0,1], status quo 0, ideals 1 and 0.5, saliences 1, quadratic loss, equal weights.
    # Gains 2x - x^2 and x - x^2; the first-order condition gives 4x^2 - 9x + 4 = 0.
    x, agreed = nash_solution(np.array([[1.0], [0.5]]), np.ones((2, 1)), np.array([0.0]),
                              np.ones(2), "quadratic")
    assert agreed
    assert x[0] == pytest.approx((9 - np.sqrt(17)) / 8, abs=1e-6)
    # With linear loss the product x * (0.5 - |x - 0.5|) peaks at 0.5.
    x, agreed = nash_solution(np.array([[1.0], [0.5]]), np.ones((2, 1)), np.array([0.0]),
                              np.ones(2), "linear")
    assert x[0] == pytest.approx(0.5, abs=1e-4)


def test_nash_is_status_quo_when_someone_sits_there() -> None:
    # An actor whose ideal is the status quo loses from any move: no mutually better point exists.
    x, agreed = nash_solution(np.array([[1.0], [0.0]]), np.ones((2, 1)), np.array([0.0]),
                              np.ones(2), "quadratic")
    assert not agreed and x[0] == 0.0


def test_nash_needs_a_status_quo() -> None:
    sc = load_scenario(case_path("ec-emissions-1994"))
    res = get_model("nash").run(sc)
    assert res.forecast_of("emission_year") is None
    assert "status quo" in res.notes[0]


def test_strong_position_hand_computed(minimal_text: str) -> None:
    sc = load_scenario_text(minimal_text)
    arr = point_arrays(sc)
    res = get_model("compromise").run_arrays(arr)
    # issue x: weights a 2*0.5=1, b 1*1=1, c 1*0.25=0.25 -> forecast (0 + 100 + 15)/2.25
    fx = 115 / 2.25
    assert res.forecast_of("x") == pytest.approx(fx)
    table = strong_position(arr, res)
    rows = {r.actor: r for r in table.rows}
    assert rows["a"].issues["x"]["power_share"] == pytest.approx(1 / 2.25)
    # b cares only about x: gain = 1.0 * (|100-50| - |100-fx|) / 100
    assert rows["b"].gain == pytest.approx((50 - (100 - fx)) / 100)
    shares = sum(r.issues["x"]["power_share"] for r in table.rows if "x" in r.issues)
    assert shares == pytest.approx(1.0)
    gains = [r.gain for r in table.rows]
    assert gains == sorted(gains, reverse=True)


def test_zero_weight_issue_gives_no_forecast_not_a_crash(minimal_text: str) -> None:
    text = minimal_text.replace("y: {position: 10, salience: 1.0}", "y: {position: 10, salience: 0}")
    text = text.replace("y: {position: -10, salience: 0.5}", "y: {position: -10, salience: 0}")
    res = get_model("compromise").run(load_scenario_text(text))
    assert res.forecast_of("y") is None and "no weight" in res.notes[0]
    assert get_model("median").run(load_scenario_text(text)).forecast_of("y") is None


def test_unknown_option_is_a_user_error() -> None:
    from detente.errors import InputError

    with pytest.raises(InputError, match="no option 'colour'"):
        get_model("compromise", colour="red")


def test_compromise_model_runs_on_a_batch_of_draws(minimal_text: str) -> None:
    from detente.scenario.arrays import Arrays

    arr = point_arrays(load_scenario_text(minimal_text))
    rng = np.random.default_rng(3)
    batch = Arrays(arr.actor_ids, arr.issue_ids,
                   np.broadcast_to(arr.position, (4, 3, 2)).copy(),
                   rng.uniform(0.1, 1, size=(4, 3, 2)) * (arr.salience > 0),
                   np.broadcast_to(arr.capability, (4, 3, 2)).copy(),
                   arr.status_quo, arr.lo, arr.hi)
    res = get_model("compromise").run_arrays(batch)
    assert res.forecast.shape == (4, 2)
    for b in range(4):
        one = Arrays(arr.actor_ids, arr.issue_ids, batch.position[b], batch.salience[b], batch.capability[b],
                     arr.status_quo, arr.lo, arr.hi)
        single = get_model("compromise").run_arrays(one)
        np.testing.assert_allclose(res.forecast[b], single.forecast)
        np.testing.assert_allclose(res.actor_figures["d_forecast_d_salience"][b],
                                   single.actor_figures["d_forecast_d_salience"], equal_nan=True)
