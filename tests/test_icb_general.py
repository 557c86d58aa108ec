"""ICB through the general crisis model (decision ICB8): the scenario path and the fast path agree, a
hand-computed configuration, the estimator never raises the negative log-likelihood, and no outcome or
banned column reaches the model."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from tests.conftest import DATA
from tests.test_icb import _permuted_copy

from detente.backtest import icb_general as g
from detente.backtest.icb import load_icb, load_icb_dir, predictor_names
from detente.games.crisis.model import CLASSES, solve_crisis

FIXTURE = DATA / "icb"
ALL_CONFIGS = [g.Config(p, t, th, se) for p in g.POWER_LEVELS for t in g.TRIGGERS for th in (False, True)
               for se in (False, True)]


def _theta(seed: int) -> np.ndarray:
    return g.START + np.random.default_rng(seed).normal(0.0, 0.6, len(g.NAMES))


@pytest.mark.parametrize("trigger", g.TRIGGERS)
def test_the_fast_path_builds_the_model_the_scenario_path_builds(trigger):
    template = {}
    for seed in range(4):
        for cfg in (c for c in ALL_CONFIGS if c.trigger == trigger):
            th = _theta(seed)
            template.setdefault(cfg, g.scenario_model(cfg, g.START))
            assert g.fast_model(template[cfg], cfg, th) == g.scenario_model(cfg, th)


def test_the_solver_gives_what_run_crisis_gives_on_the_users_path():
    from detente.games.crisis.run import run_crisis
    from detente.scenario.loader import scenario_from_data

    cfg, th = g.Config(-1.0, "violent", True, False), _theta(9)
    n = g.numbers(cfg, th)
    run = run_crisis(scenario_from_data(g.scenario_data(cfg, th), "x"), lam=n.lam, standoff_scale=n.scale,
                     explain=False)
    assert run.inputs.model.start_rung == 2 and run.inputs.model.sq == pytest.approx(0.6)  # the trigger's deed
    ours = g.Solver().probs(cfg, th)
    assert np.allclose(ours, [run.probs[c] for c in CLASSES], atol=1e-12)


def test_triggers_become_the_moves_already_played():
    rungs = {t: g.scenario_model(g.Config(0.0, t, False, False), g.START) for t in g.TRIGGERS}
    assert (rungs["violent"].start_rung, rungs["military"].start_rung, rungs["other"].start_rung) == (2, 1, 0)
    assert all(m.start_escalator == 1 for m in rungs.values())  # the challenger escalated (CH)
    assert all(m.sq_pre == pytest.approx(0.5) and m.horizon == g.HORIZON for m in rungs.values())


def test_one_round_configuration_by_hand():
    """C demands the whole stake once; D accepts (capitulation), holds or climbs a rung (stalemate at the
    deadline) or goes to war (escalation): one logit choice, computed here from the model's terms."""
    cfg = g.Config(1.0, "other", True, False)
    th = _theta(3)
    n = g.numbers(cfg, th)
    m = replace(g.scenario_model(cfg, th), p=(n.win_c,), offers=(1.0,))
    sd, scale = n.sal_d, n.scale
    so, mob = round(scale * sd, 6), round(scale * sd, 6)
    u = {"accept": 0.0,                                  # D keeps nothing, now and after the deadline
         "hold": 0.5 * sd - so,                          # the contested status quo, one round's standoff
         "escalate": 0.5 * sd - 2 * so - mob,            # rung 1: double standoff plus mobilising
         "war": (1 - n.win_c) * sd - n.war_cost_d}       # D wins with 1 - p
    w = {k: math.exp(n.lam * v) for k, v in u.items()}
    z = sum(w.values())
    expected = {"agreement": 0.0, "stalemate": (w["hold"] + w["escalate"]) / z, "capitulation": w["accept"] / z,
                "escalation": w["war"] / z}
    got = solve_crisis(m, n.lam).outcome_probs()
    for c in CLASSES:
        assert got[c] == pytest.approx(expected[c], abs=1e-12)


def test_the_estimator_never_raises_the_negative_log_likelihood_and_reaches_the_truth():
    cfgs = [g.Config(p, t, th, False) for p in (-1.0, 1.0) for t in ("violent", "other") for th in (False, True)]
    truth = g.START.copy()
    truth[g.NAMES.index("war_cost_violent")] = -1.0
    truth[g.NAMES.index("stake_d_threat")] = 1.5
    solver = g.Solver()
    rng = np.random.default_rng(4)
    configs, y = [], []
    for c in cfgs:
        p = solver.probs(c, truth)
        configs += [c] * 300
        y += list(rng.choice(len(CLASSES), size=300, p=p))
    fit = g.fit(configs, y, max_iter=4, solver=solver)
    assert all(b < a for a, b in zip(fit.history, fit.history[1:], strict=False))
    assert len(fit.history) >= 3
    grouped, counts = g.group(configs, y)
    at_truth = g.neg_loglik(solver, grouped, counts, truth)
    assert -fit.loglik <= at_truth + 1.0  # as good as the truth, up to the iteration budget
    assert -fit.loglik < fit.history[0]


def test_only_allowed_columns_reach_the_model(tmp_path):
    read: set[str] = set()

    class Spy(dict):
        def get(self, key, default=None):
            read.add(key)
            return super().get(key, default)

    a = load_icb_dir(FIXTURE).actors[0]
    a.predictors = Spy(a.predictors)
    g.config(a)
    assert read and read <= set(predictor_names())
    # outcome and banned columns shuffled across rows: same configurations, same forecasts
    original = load_icb_dir(FIXTURE).actors
    permuted = load_icb(_permuted_copy(tmp_path)).actors
    assert [x.outcome_raw for x in original] != [x.outcome_raw for x in permuted]
    fit = g.GeneralFit(_theta(1), 0.0, 0, 0, 0, True)
    assert np.array_equal(fit.predict(original), fit.predict(permuted))


@pytest.mark.slow
def test_run_icb_scores_the_general_model_everywhere_and_the_bar_counts_every_tick():
    from detente.backtest.icb_eval import run_icb, steps

    data = load_icb_dir(FIXTURE)
    ticks: list[str] = []
    status: list[str] = []
    report = run_icb(data, test=data, tick=ticks.append, status=status.append, processes=1)
    assert len(ticks) == steps(["validation", "rolling", "test"])
    assert any("general crisis model, iteration" in s for s in status)
    for name in ("validation", "rolling", "test"):
        r = report["predictors"]["general"][name]
        assert 0 < r["log_loss"] < 5 and 0 <= r["accuracy"] <= 1
    fits = {k: v["general"] for k, v in report["fits"].items()}
    assert fits["all of --data"]["start"] == "the fit before 1980"
    # the fit on a later period starts where the earlier one ended and never does worse than its start
    assert all(f["start_loglik"] <= f["loglik"] <= 0 for f in fits.values())


@pytest.mark.slow
def test_the_second_process_gives_the_same_fits():
    rows = [(1950 + 10 * (i % 3), c, int(k)) for i, (c, k) in enumerate(
        (c, k) for c in ALL_CONFIGS[:6] for k in range(4))]
    args = (rows, [1960, 1970], 1960, 1980)
    here = g.ChainRunner(*args, processes=1, status=lambda _: None)
    there = g.ChainRunner(*args, processes=2, status=lambda _: None)
    try:
        for end in (1960, 1970):
            (a, sa), (b, sb) = here.get(end), there.get(end)
            assert np.array_equal(a.theta, b.theta) and sa == sb
            assert np.array_equal(a.predict(load_icb_dir(FIXTURE).actors), b.predict(load_icb_dir(FIXTURE).actors))
    finally:
        there.close()


def test_usable_cores_without_sched_getaffinity(monkeypatch):
    """macOS and Windows have no os.sched_getaffinity: run_icb's default must not raise AttributeError."""
    import os

    from detente.backtest.icb_eval import usable_cores

    if hasattr(os, "sched_getaffinity"):
        assert usable_cores() == len(os.sched_getaffinity(0))
        monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert usable_cores() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert usable_cores() == 1
