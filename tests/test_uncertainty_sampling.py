"""Sampling against known distributions, parameter collection, and batched arrays vs one-at-a-time runs."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from detente.cases import case_path
from detente.models import get_model
from detente.scenario.loader import load_scenario
from detente.uncertainty.batch import build_batch
from detente.uncertainty.params import Param, collect_params, scenario_at, widen, with_dist
from detente.uncertainty.sampling import quantile, sample
from detente.uncertainty.target import ScenarioTarget

DATA = Path(__file__).resolve().parent / "data"
N = 200_000


def _p(dist: str, low: float = 2.0, mode: float = 3.0, high: float = 7.0) -> Param:
    return Param("t", low, mode, high, dist, (-math.inf, math.inf), ())


def _draw(p: Param, seed: int = 12345) -> np.ndarray:
    return sample([p], N, np.random.default_rng(seed))[:, 0]


def test_triangular_matches_scipy_and_moments():
    p = _p("triangular")
    x = _draw(p)
    ref = stats.triang(c=(3 - 2) / (7 - 2), loc=2, scale=5)
    assert stats.kstest(x, ref.cdf).pvalue > 0.01
    assert x.mean() == pytest.approx((2 + 3 + 7) / 3, abs=4 * ref.std() / math.sqrt(N))
    var = (4 + 9 + 49 - 6 - 14 - 21) / 18  # (a²+b²+c²-ab-ac-bc)/18
    assert x.var() == pytest.approx(var, rel=0.02)
    assert x.min() >= 2 and x.max() <= 7


def test_uniform_matches_scipy():
    x = _draw(_p("uniform"))
    assert stats.kstest(x, stats.uniform(loc=2, scale=5).cdf).pvalue > 0.01
    assert x.mean() == pytest.approx(4.5, abs=0.02)


def test_normal_is_truncated_with_quarter_range_sd():
    p = _p("normal", 0.0, 3.0, 10.0)  # sd = 2.5, truncated to [0, 10]
    x = _draw(p)
    ref = stats.truncnorm((0 - 3) / 2.5, (10 - 3) / 2.5, loc=3, scale=2.5)
    assert stats.kstest(x, ref.cdf).pvalue > 0.01
    assert x.min() >= 0 and x.max() <= 10
    assert x.mean() == pytest.approx(ref.mean(), abs=0.02)


def test_lognormal_is_the_normal_rule_on_the_log_scale():
    """log(x) is normal with mean log(mode) and sd (ln high - ln low) / 4, truncated to the range; the
    median sits at the mode when the mode is the range's geometric middle."""
    p = _p("lognormal", 0.1, 1.0, 10.0)
    x = _draw(p)
    sd = math.log(100.0) / 4
    ref = stats.truncnorm(-2.0, 2.0, loc=0.0, scale=sd)
    assert stats.kstest(np.log(x), ref.cdf).pvalue > 0.01
    assert x.min() >= 0.1 and x.max() <= 10.0
    assert quantile(p, np.array([0.5]))[0] == pytest.approx(1.0)
    skew = _p("lognormal", 0.1, 1.0, 100.0)  # the mode below the geometric middle: median above it, and
    tri = _p("triangular", 0.1, 1.0, 100.0)  # far below a triangle's (whose mean is ~34 here)
    assert 1.0 < float(np.median(_draw(skew))) < 2.0 < 20.0 < float(np.median(_draw(tri)))


def test_lognormal_needs_a_positive_range_and_widens_in_orders_of_magnitude():
    from detente.errors import InputError
    from detente.scenario.numbers import Num

    with pytest.raises(ValueError, match="lognormal needs a positive range"):
        Num.model_validate({"value": 1.0, "low": 0.0, "high": 2.0, "dist": "lognormal"})
    p = replace(_p("lognormal", 0.1, 1.0, 10.0), natural=(0.0, math.inf))
    w = widen([p], 2.0)[0]
    assert (w.low, w.high) == (pytest.approx(0.01), pytest.approx(100.0))
    with pytest.raises(InputError, match="t reaches 0"):
        with_dist([_p("triangular", 0.0, 1.0, 2.0)], "lognormal")


def test_range_widths_are_orders_of_magnitude_for_a_lognormal_number():
    from detente.uncertainty.params import range_widths

    assert range_widths(0.1, 1.0, 10.0, 0.1, "lognormal") == pytest.approx(0.5)  # one of two decades
    assert range_widths(0.1, 1.0, 10.0, 5.5) == pytest.approx(4.5 / 9.9)  # linear otherwise
    assert range_widths(0.1, 1.0, 10.0, 0.0, "lognormal") == pytest.approx(1.0 / 9.9)  # no log of 0: linear
    assert range_widths(1.0, 1.0, 1.0, 2.0) is None


def test_icb_prior_costs_are_lognormal_and_probabilities_are_not():
    from detente.scenario.numbers import Num

    cost = Num.model_validate({"prior": "icb", "term": "war_cost", "stake": 1})
    assert cost.dist.value == "lognormal" and cost.low > 0
    assert Num.model_validate({"prior": "icb", "term": "win_prob"}).dist.value == "triangular"
    uniform = Num.model_validate({"prior": "icb", "term": "war_cost", "stake": 1, "dist": "uniform"})
    assert uniform.dist.value == "uniform"


def test_icb_prior_stake_scales_a_share_into_utility_units_and_the_challenger_term_is_refused():
    from detente.scenario.numbers import Num

    share = Num.model_validate({"prior": "icb", "term": "war_cost", "stake": 1})
    half = Num.model_validate({"prior": "icb", "term": "war_cost", "stake": 0.5})
    assert (half.low, half.value, half.high) == pytest.approx((share.low / 2, share.value / 2, share.high / 2))
    assert "x stake 0.5" in half.note and "x stake 1 " in share.note
    for bad, why in (({"term": "war_cost_challenger"}, "not identified"), ({"term": "war_cost", "stake": 2}, "stake"),
                     ({"term": "win_prob", "stake": 0.5}, "scales a cost share"),
                     ({"term": "war_cost", "stake": "half"}, "stake")):
        with pytest.raises(ValueError, match=why):
            Num.model_validate({"prior": "icb", **bad})


def test_fixed_is_the_mode_and_quantiles_hit_the_ends():
    assert np.all(_draw(_p("fixed")) == 3.0)
    for dist in ("triangular", "uniform", "normal"):
        q = quantile(_p(dist), np.array([0.0, 1.0]))
        assert q[0] == pytest.approx(2.0) and q[1] == pytest.approx(7.0)


def test_same_seed_same_draws_other_seed_other_draws():
    p = [_p("triangular"), _p("uniform")]
    a = sample(p, 100, np.random.default_rng(7))
    assert np.array_equal(a, sample(p, 100, np.random.default_rng(7)))
    assert not np.array_equal(a, sample(p, 100, np.random.default_rng(8)))


def test_collect_params_on_the_founding_case():
    sc = load_scenario(case_path("geneva-2022"))
    keys = [p.key for p in collect_params(sc)]
    for k in ("actors.rus.capability", "positions.rus.nato_expansion.salience", "issues.ukraine_nato.status_quo",
              "channels.geneva.audience_cost", "parameters.rus_war_cost", "moves.usa_info_campaign.intensity",
              "audiences.western_public.opinion.sanctions"):
        assert k in keys
    assert not any(k.startswith("known_outcome") for k in keys)  # what happened is not an input
    assert len(keys) == len(set(keys))
    sal = next(p for p in collect_params(sc) if p.key == "positions.rus.nato_expansion.salience")
    assert (sal.low, sal.mode, sal.high, sal.natural) == (0.7, 0.9, 1.0, (0.0, 1.0))


def test_widen_is_clipped_to_natural_bounds_and_dist_override():
    sc = load_scenario(case_path("geneva-2022"))
    params = {p.key: p for p in widen(collect_params(sc), 2.0)}
    sal = params["positions.rus.nato_expansion.salience"]  # 0.7 / 0.9 / 1.0, x2 -> 0.5 / 0.9 / 1.0 (clipped)
    assert (sal.low, sal.high) == pytest.approx((0.5, 1.0))
    cap = params["actors.rus.capability"]  # 55 / 70 / 80 -> 40 / 70 / 90
    assert (cap.low, cap.high) == pytest.approx((40.0, 90.0))
    assert {p.dist for p in with_dist(list(params.values()), "uniform")} == {"uniform"}


def test_batched_forecasts_equal_one_scenario_at_a_time():
    """The vectorised batch path must agree with running the model on each drawn scenario."""
    sc = load_scenario(case_path("geneva-2022"))
    params = collect_params(sc)
    x = sample(params, 12, np.random.default_rng(3))
    target = ScenarioTarget(sc, tuple(params), ("compromise", "median"))
    y = target(x)
    for k in range(len(x)):
        one = scenario_at(sc, params, x[k])
        for model in ("compromise", "median"):
            f = get_model(model).run(one)
            for issue in sc.issues:
                assert y[f"f.{model}.{issue.id}"][k] == pytest.approx(f.forecast_of(issue.id), abs=1e-9)


def test_stance_capability_override_is_not_overwritten_by_the_actor_range():
    sc = load_scenario(DATA / "minimal.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["positions"]["c"]["y"]["capability"] = {"value": 5}
    from detente.scenario.schema import Scenario

    sc2 = Scenario.model_validate(data)
    params = collect_params(sc2)
    assert [p.key for p in params] == ["actors.c.capability"]
    b = build_batch(sc2, params, np.array([[0.7], [1.9]]))
    c = sc2.actors.index(sc2.actor("c"))
    assert b.arrays.capability[:, c, 0].tolist() == [0.7, 1.9]  # issue x: the actor's capability
    assert b.arrays.capability[:, c, 1].tolist() == [5.0, 5.0]  # issue y: the stance's own


def test_claim_probability_matches_the_hand_computed_triangular_tail():
    """flip.yaml with b's salience fixed: k1 holds iff s >= 0.75; with ranges x2, s ~ Tri(0.7, 0.9, 1.0)."""
    from detente.uncertainty.engine import SweepOptions, run_sweep

    sc = load_scenario(DATA / "flip.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["positions"]["b"]["x"]["salience"] = {"value": 0.5}
    from detente.scenario.schema import Scenario

    sc = Scenario.model_validate(data)
    res = run_sweep(sc, SweepOptions(draws=200_000, seed=11, widen=2.0, store="none"))
    p_fail = 0.05**2 / ((1.0 - 0.7) * (0.9 - 0.7))  # P(s < 0.75) for Tri(0.7, 0.9, 1.0)
    got = res.summary["claims"]["k1"]["probability"]
    assert got == pytest.approx(1 - p_fail, abs=4 * math.sqrt(p_fail * (1 - p_fail) / 200_000))
    assert run_sweep(sc, SweepOptions(draws=5000, seed=11, store="none")).summary["claims"]["k1"]["probability"] == 1.0


def test_dist_lognormal_with_widen_widens_on_the_log_scale():
    """--dist lognormal --widen 3 on a positive range: widened in orders of magnitude, not linearly to 0
    and then refused (review R1)."""
    from detente.scenario.loader import load_scenario_text
    from detente.scenario.synthetic import synthetic_scenario
    from detente.uncertainty.engine import SweepOptions, prepare

    text = synthetic_scenario(3, 1) + "parameters:\n  a0_war_cost: {value: 1.0, low: 0.1, high: 10.0}\n"
    sc = load_scenario_text(text, "r1.yaml")
    params, _ = prepare(sc, SweepOptions(widen=3.0, dist="lognormal"))
    p = next(p for p in params if p.key == "parameters.a0_war_cost")
    assert p.dist == "lognormal" and (p.low, p.high) == (pytest.approx(1e-3), pytest.approx(1e3))
    tri, _ = prepare(sc, SweepOptions(widen=3.0, dist="triangular"))  # a triangle widens linearly, as before
    assert next(p for p in tri if p.key == "parameters.a0_war_cost").high == pytest.approx(28.0)


def test_icb_prior_with_a_users_zero_low_is_a_triangle_not_an_error():
    """A user's ``low: 0`` on a prior war cost keeps the triangle (it was refused as a log-normal the user
    never asked for; review R1)."""
    from detente.scenario.numbers import Num

    n = Num.model_validate({"prior": "icb", "term": "war_cost", "stake": 1, "low": 0.0})
    assert n.low == 0.0 and n.dist.value == "triangular"


def test_a_simulation_break_even_on_a_lognormal_number_is_measured_in_orders_of_magnitude():
    """The bottom line's flip candidates measure a simulation break-even on a log-normal number on the
    log scale, as the flip finder and the game thresholds do (P7; it was linear there; review R1)."""
    from types import SimpleNamespace

    from detente.analysis.summary import flip_candidates
    from detente.scenario.loader import load_scenario_text
    from detente.scenario.synthetic import synthetic_scenario

    text = synthetic_scenario(3, 1) + ("parameters:\n  a0_war_cost: {value: 1.0, low: 0.1, high: 10.0, "
                                       "dist: lognormal}\n")
    sc = load_scenario_text(text, "r1.yaml")
    be = {"players": [{"settings": [{"key": "parameters.a0_war_cost", "mode": 1.0, "value": 0.1, "low": 0.1,
                                     "high": 10.0, "within_range": True}]}]}
    sim = SimpleNamespace(to_dict=lambda: {"break_even": be}, batch=SimpleNamespace(modal="stalemate"))
    a = SimpleNamespace(scenario=sc, layers={"sim": sim})
    (row,) = flip_candidates(a)  # type: ignore[arg-type]
    assert row["widths"] == pytest.approx(0.5)  # one of the range's two decades (linear: 0.9 / 9.9)
