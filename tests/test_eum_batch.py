"""The batched expected-utility model gives, draw for draw, the numbers of one run per draw.

These pin the NumPy batch (``kernel='numpy'``), which is bit for bit; the compiled kernel,
the default where Numba is installed, is held to the same numbers to rounding in
tests/test_eum_compiled.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.models import get_model
from detente.models.eum import batch as bt
from detente.models.eum.probability import _sums_sorted, median_voter
from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.loader import load_scenario
from detente.scenario.schema import Scenario
from detente.uncertainty.engine import SweepOptions, prepare
from detente.uncertainty.target import model_forecasts

REPO = Path(__file__).resolve().parents[1]
EC = REPO / "src" / "detente" / "cases" / "ec-emissions-1994.yaml"

OPTION_SETS = [
    {},
    {"preset": "scholz"},
    {"q": 0.5, "voter": "mean"},
    {"q": 0.3, "t_rule": "worse", "salience_lead": "challenger"},
    {"offer_selection": "mutual", "probability": "alliance_excl"},
    {"span": "positions", "security": "challenged", "voter_risk": True, "probability": "alliance_excl"},
    {"offer_selection": "type_priority", "compromise_sign": "text", "perspective": "receiver",
     "forecast_stat": "mean"},
    {"offer_selection": "highest_eu", "risk": False, "capitulation_moves": False},
]


def random_batch(b: int, n: int, m: int, seed: int, grid: bool = False) -> Arrays:
    """Random draws; ``grid`` rounds positions to a coarse grid so many actors share a position."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0, 100, (b, n, m))
    if grid:
        pos = np.round(pos / 20) * 20
    sal = rng.uniform(0, 1, (b, n, m))
    cap = rng.uniform(0, 10, (b, n, m))
    return Arrays(tuple(f"a{k}" for k in range(n)), tuple(f"i{k}" for k in range(m)), pos, sal, cap,
                  np.full((b, m), 50.0), np.zeros(m), np.full(m, 100.0))


def one_by_one(model, arr: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f, fin, risk = [], [], []
    for k in range(arr.position.shape[0]):
        res = model.run_arrays(Arrays(arr.actor_ids, arr.issue_ids, arr.position[k], arr.salience[k],
                                      arr.capability[k], arr.status_quo[k], arr.lo, arr.hi))
        f.append(res.forecast)
        fin.append(res.actor_figures["final_position"])
        risk.append(res.actor_figures["risk_exponent"])
    return np.array(f), np.array(fin), np.array(risk)


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("grid", [False, True], ids=["continuous", "ties"])
def test_batch_equals_each_draw_alone(opts, grid):
    arr = random_batch(7, 9, 2, seed=len(opts) + 10 * grid, grid=grid)
    model = get_model("eum", kernel="numpy", **opts)
    res = model.run_arrays(arr)
    f, fin, risk = one_by_one(model, arr)
    assert res.forecast.shape == (7, 2)
    np.testing.assert_array_equal(res.forecast, f)  # bit for bit
    np.testing.assert_array_equal(res.actor_figures["final_position"], fin)
    np.testing.assert_array_equal(res.actor_figures["risk_exponent"], risk)


@pytest.mark.parametrize("preset", ["default", "scholz"])
def test_ec_emissions_batch_matches_single_runs(preset):
    """The EC case, its point values and perturbed copies, batched vs one at a time."""
    base = point_arrays(load_scenario(EC))
    rng = np.random.default_rng(3)
    b = 6
    pos = np.repeat(base.position[None], b, axis=0)
    pos[1:] += rng.uniform(-1.0, 1.0, pos[1:].shape)  # draw 0 is the published case itself
    pos = np.clip(pos, base.lo, base.hi)
    arr = Arrays(base.actor_ids, base.issue_ids, pos, np.repeat(base.salience[None], b, axis=0),
                 np.repeat(base.capability[None], b, axis=0), np.repeat(base.status_quo[None], b, axis=0),
                 base.lo, base.hi)
    model = get_model("eum", preset=preset, kernel="numpy")
    res = model.run_arrays(arr)
    f, fin, _ = one_by_one(model, arr)
    np.testing.assert_array_equal(res.forecast, f)
    np.testing.assert_array_equal(res.actor_figures["final_position"], fin)
    # draw 0 is the published case: the batch reproduces the single run's forecast
    assert res.forecast[0, 0] == model.run_arrays(base).forecast[0]


def test_chunking_and_stopping_do_not_change_results(monkeypatch):
    """Draws that stop early leave the active set; chunk boundaries are invisible."""
    arr = random_batch(23, 6, 1, seed=5, grid=True)
    model = get_model("eum", rounds=25, kernel="numpy")
    whole = model.run_arrays(arr)
    monkeypatch.setattr(bt, "_PAIR_ELEMENTS", 36 * 4)  # 4 draws per chunk
    chunked = model.run_arrays(arr)
    np.testing.assert_array_equal(whole.forecast, chunked.forecast)
    f, _, _ = one_by_one(model, arr)
    np.testing.assert_array_equal(whole.forecast, f)
    assert whole.details["issues"]["i0"]["converged_share"] > 0  # some draws did stop early


def test_batched_vote_sums_and_median_match_the_single_versions():
    rng = np.random.default_rng(8)
    x = np.round(rng.uniform(0, 10, (30, 12)))  # many equal positions
    w = rng.uniform(0, 1, (30, 12))
    w[3] = 0.0  # no weight at all: plain median
    num, den = bt._sums_sorted(x, w)
    med = bt.median_voter(x, w)
    for k in range(30):
        n1, d1 = _sums_sorted(x[k], w[k])
        np.testing.assert_array_equal(num[k], n1)
        np.testing.assert_array_equal(den[k], d1)
        assert med[k] == median_voter(x[k], w[k])


def ranged_scenario(n: int, m: int) -> Scenario:
    rng = np.random.default_rng(1)

    def num(lo: float, hi: float) -> dict:
        mode = float(rng.uniform(lo, hi))
        return {"low": mode - 0.1 * (hi - lo), "mode": mode, "high": mode + 0.1 * (hi - lo)}

    return Scenario.model_validate({
        "detente": 1, "meta": {"id": "t", "title": "t", "perspective": "test"},
        "actors": [{"id": f"a{k}", "name": f"A{k}", "capability": num(10, 100)} for k in range(n)],
        "issues": [{"id": f"i{c}", "name": f"I{c}", "status_quo": 50} for c in range(m)],
        "positions": {f"a{k}": {f"i{c}": {"position": num(10, 90), "salience": num(0.2, 0.8)} for c in range(m)}
                      for k in range(n)}})


@pytest.mark.slow
def test_uncertainty_engine_uses_the_batched_model():  # slow: compiles the Numba kernel when it is installed
    sc = ranged_scenario(8, 2)
    params, target = prepare(sc, SweepOptions(draws=5, seed=1, models=("eum",), store="none"))
    x = np.random.default_rng(0).uniform(size=(5, len(params)))
    lo = np.array([p.low for p in params])
    hi = np.array([p.high for p in params])
    arr = target.context(lo + x * (hi - lo)).batch.arrays
    assert arr.position.shape == (5, 8, 2) and len(set(arr.position[:, 0, 0])) == 5
    f = model_forecasts("eum", arr)
    assert f.shape == (5, 2)
    f_loop, _, _ = one_by_one(get_model("eum"), arr)
    np.testing.assert_allclose(f, f_loop, rtol=1e-9, atol=1e-9)  # whichever kernel is the default


def test_stances_that_vary_between_draws_fall_back_to_single_runs():
    arr = random_batch(4, 5, 2, seed=9)
    pos = arr.position.copy()
    pos[1, 2, 0] = np.nan  # actor 2 takes no stance on issue 0 in draw 1 only
    arr = Arrays(arr.actor_ids, arr.issue_ids, pos, arr.salience, arr.capability, arr.status_quo, arr.lo, arr.hi)
    model = get_model("eum", kernel="numpy")
    res = model.run_arrays(arr)
    f, _, _ = one_by_one(model, arr)
    np.testing.assert_array_equal(res.forecast, f)
    assert res.details["issues"]["i0"] == {"batched": False}
