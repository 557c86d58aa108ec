"""Per-run draws of ranged numbers, the fixed option, and byte-stable JSON across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.analysis.sim_draws import ranged_worlds
from detente.analysis.sim_layer import run_batch
from detente.cases import case_path
from detente.cli import app
from detente.scenario.loader import load_scenario
from detente.sim import compile_world, simulate
from detente.uncertainty.params import collect_params
from detente.uncertainty.sampling import sample


def geneva():
    return load_scenario(case_path("geneva-2022"))


def test_fixed_ranges_reproduce_the_point_value_runs_byte_for_byte():
    sc = geneva()
    a = run_batch(sc, 11, 6, ranges="fixed", keep_logs=True)
    b = simulate(compile_world(sc), 11, 6)
    assert [r.json_lines() for r in a.runs] == [r.json_lines() for r in b.runs]


def test_sampler_draws_the_numbers_the_simulation_reads_with_the_uncertainty_sampler():
    sc = geneva()
    sampler = ranged_worlds(sc)
    keys = set(sampler.keys)
    assert "parameters.rus_war_cost" in keys and "positions.rus.ukraine_nato.salience" in keys
    assert "parameters.sanctions_cost_rus" not in keys  # ranged, but the simulation never reads it
    # the world a run gets is the scenario with exactly the uncertainty layer's draw
    params = [p for p in collect_params(sc) if p.key in keys]
    want = sample(params, 1, np.random.default_rng(42))[0]
    w = sampler(np.random.default_rng(42))
    got = dict(zip(sampler.keys, want, strict=True))
    assert w.war_cost[0] == got["parameters.rus_war_cost"]
    assert w.win_prob[0] == got["parameters.rus_war_win_prob"]
    p = next(p for p in params if p.key == "parameters.rus_war_cost")
    assert p.low <= w.war_cost[0] <= p.high


def test_each_run_draws_its_own_numbers_and_the_counterfactual_gets_the_same_draws():
    sc = geneva()
    sampler = ranged_worlds(sc)
    from detente.sim.engine import run_seeds

    costs = [sampler(np.random.default_rng(s)).war_cost[0] for s in run_seeds(3, 20)]
    assert len(set(costs)) == 20
    alt = ranged_worlds(sc, without=frozenset({"rus_ultimatum"}))
    for s in run_seeds(3, 5):
        w1, w2 = sampler(np.random.default_rng(s)), alt(np.random.default_rng(s))
        assert w1.war_cost == w2.war_cost and w1.salience == w2.salience
        assert len(w2.moves) == len(w1.moves) - 1


def test_sampled_batches_are_seeded_and_differ_from_fixed():
    sc = geneva()
    a = run_batch(sc, 8, 6, ranges="sample", keep_logs=True)
    b = run_batch(sc, 8, 6, ranges="sample", keep_logs=True)
    f = run_batch(sc, 8, 6, ranges="fixed", keep_logs=True)
    assert [r.json_lines() for r in a.runs] == [r.json_lines() for r in b.runs]
    assert [r.json_lines() for r in a.runs] != [r.json_lines() for r in f.runs]


def test_cli_ranges_option_and_bad_value():
    runner = CliRunner()
    ok = runner.invoke(app, ["simulate", "geneva-2022", "--runs", "3", "--rounds", "6", "--ranges", "fixed",
                             "--json", "--policy", "logit"])  # break-evens: the logit policy's modal path
    assert ok.exit_code == 0
    d = json.loads(ok.output)
    assert d["ranges"] == "fixed"
    be = d["break_even"]["players"][0]
    assert be["player"] == "rus" and be["settings"][0]["key"] == "parameters.rus_war_cost"
    bad = runner.invoke(app, ["simulate", "geneva-2022", "--ranges", "wild"])
    assert bad.exit_code == 2 and "ranges" in bad.output


@pytest.mark.slow
def test_simulate_json_is_byte_identical_across_hash_seeds(tmp_path):
    outs = []
    for k in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=k)
        res = subprocess.run([sys.executable, "-m", "detente", "simulate", "geneva-2022", "--runs", "4",
                              "--json"], capture_output=True, env=env, check=True, cwd=tmp_path)
        outs.append(res.stdout)
    assert outs[0] == outs[1] and b'"break_even"' in outs[0]


def test_runs_stopped_at_the_crossing_give_the_same_crossing_rounds():
    sc = geneva()
    args = ("western_public", "sanctions", 50.0)
    full = run_batch(sc, 4, 12, without=frozenset({"rus_ultimatum"}))
    cut = run_batch(sc, 4, 12, without=frozenset({"rus_ultimatum"}), until=args)
    assert [r.first_crossing(*args) for r in full.runs] == [r.first_crossing(*args) for r in cut.runs]
    crossed = [r for r in cut.runs if r.first_crossing(*args) is not None]
    assert crossed and all(r.last_round == r.first_crossing(*args) for r in crossed)
