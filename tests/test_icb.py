"""ICB benchmark: class mapping, loader, leakage guard, metrics, the crisis game, the estimator, the CLI."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import DATA, shared_path

from detente.backtest.icb import (
    BANNED,
    CLASSES,
    OUTCOME_COLUMNS,
    MappingOptions,
    classify,
    load_icb,
    load_icb_dir,
    predictor_names,
)
from detente.backtest.icb_eval import metrics, paired_bootstrap, reliability, row_losses
from detente.backtest.icb_features import OneHot, structural_covariates
from detente.backtest.icb_game import OUTCOMES, CrisisTerms, build_game, outcome_probs
from detente.errors import InputError

FIXTURE = DATA / "icb"


# --------------------------------------------------------------------------- class mapping (ICB1)

@pytest.mark.parametrize(("sevvio", "outcom", "expected", "whose"), [
    (3, 1, "escalation", None),     # serious clashes beat any outcome
    (4, 4, "escalation", None),     # full-scale war
    (3, 5, "escalation", None),     # clashes with outcome 'other' is still escalation
    (1, 1, "capitulation", "adversary"),  # victory: the adversary capitulated
    (2, 4, "capitulation", "actor"),      # defeat: the actor capitulated
    (1, 2, "agreement", None),
    (2, 3, "stalemate", None),
])
def test_each_branch_of_the_default_mapping(sevvio, outcom, expected, whose):
    cls, who, why = classify(sevvio, sevvio, outcom)
    assert (cls, who, why) == (expected, whose, None)


def test_other_and_missing_outcomes_are_left_out_never_guessed():
    assert classify(1, 1, 5) == (None, None, "outcome other")
    assert classify(2, 2, None) == (None, None, "outcome missing")
    assert classify(None, None, 2) == ("agreement", None, None)  # no violence coded, outcome still known
    assert classify(None, None, None) == (None, None, "sevvio missing")


def test_alternative_readings_are_options():
    assert classify(3, 3, 2, MappingOptions(levels="war"))[0] == "agreement"  # clashes are not war
    assert classify(1, 4, 3, MappingOptions(violence="viol"))[0] == "escalation"  # crisis-wide violence
    assert classify(1, 1, 1, MappingOptions(split=True))[0] == "capitulation_adversary"
    assert classify(1, 1, 4, MappingOptions(split=True))[0] == "capitulation_actor"
    with pytest.raises(InputError):
        MappingOptions(levels="skirmish")


def test_loader_counts_what_it_leaves_out():
    data = load_icb_dir(FIXTURE)
    assert len(data.actors) == 80
    assert dict(data.excluded) == {"outcome other": 1, "outcome missing": 1}
    assert len(data.scored) == 78
    assert data.narratives == 3
    by_row = {a.cracno: a for a in data.actors}
    assert by_row[18].cls == "escalation"
    assert by_row[4].cls is None and by_row[4].excluded == "outcome other"
    assert data.actors[0].background is not None and "line break" in data.actors[0].background
    # whose capitulation is recorded from outcom
    for a in data.actors:
        if a.cls == "capitulation":
            assert a.whose == ("adversary" if a.outcome_raw["outcom"] == 1 else "actor")


def test_test_file_finds_its_system_file_by_the_release_names(tmp_path):
    shutil.copy(FIXTURE / "icb2v14-before1990.csv", tmp_path / "icb2v14.csv")
    shutil.copy(FIXTURE / "icb1v14-before1990.csv", tmp_path / "icb1v14.csv")
    assert len(load_icb(tmp_path / "icb2v14.csv").scored) == 78
    (tmp_path / "icb1v14.csv").unlink()
    with pytest.raises(InputError, match=r"icb1v14\.csv"):
        load_icb(tmp_path / "icb2v14.csv")


def test_a_crisis_missing_from_the_system_file_is_an_error(tmp_path):
    lines = (FIXTURE / "icb1v14-before1990.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "sys.csv").write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")
    with pytest.raises(InputError, match="crisis 1 is not in the system-level file"):
        load_icb(FIXTURE / "icb2v14-before1990.csv", tmp_path / "sys.csv")


# --------------------------------------------------------------------------- leakage guard (ICB2)

def test_no_banned_column_is_a_predictor():
    names = set(predictor_names())
    assert not names & set(BANNED)
    assert not names & set(OUTCOME_COLUMNS)
    enc = OneHot.fit(load_icb_dir(FIXTURE).actors)
    for col in enc.columns:
        assert col.split("=")[0].split("/")[0].split(" ")[0] in names


def _permuted_copy(tmp_path: Path) -> Path:
    """The fixture with every banned column that it has shuffled across rows."""
    out = tmp_path / "icb"
    shutil.copytree(FIXTURE, out)
    path = out / "icb2v14-before1990.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rng = np.random.default_rng(3)
    for col in BANNED:
        if col in rows[0]:
            vals = [r[col] for r in rows]
            for r, v in zip(rows, rng.permutation(vals), strict=True):
                r[col] = v
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def test_permuting_outcome_columns_leaves_predictions_unchanged(tmp_path):
    from detente.backtest import icb_structural as st
    from detente.backtest.icb_eval import game_outcomes

    train = [a for a in load_icb_dir(FIXTURE).scored if a.year < 1980]
    fit = st.fit(structural_covariates(train), game_outcomes(train), penalty=1.0, starts=1)

    def predict(acts):
        return fit.predict(structural_covariates(acts))

    original = load_icb_dir(FIXTURE).actors
    permuted = load_icb(_permuted_copy(tmp_path)).actors
    assert [a.outcome_raw for a in original] != [a.outcome_raw for a in permuted]
    assert np.array_equal(structural_covariates(original), structural_covariates(permuted))
    enc = OneHot.fit(train)
    assert np.array_equal(enc.transform(original), enc.transform(permuted))
    assert np.allclose(predict(original), predict(permuted), atol=0, rtol=0)


# --------------------------------------------------------------------------- metrics, by hand

def test_metrics_hand_computed():
    p = np.array([[0.5, 0.2, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]])
    y = np.array([0, 3])
    m = metrics(p, y)
    assert m["log_loss"] == pytest.approx((math.log(2) + math.log(4)) / 2)
    # Brier: 0.25+0.04+0.04+0.01 = 0.34; 3*0.0625 + 0.5625 = 0.75
    assert m["brier"] == pytest.approx((0.34 + 0.75) / 2)
    assert m["accuracy"] == pytest.approx(0.5)  # the tie in row 2 goes to the first class (agreement)
    assert row_losses(p, y)["accuracy"].tolist() == [1.0, 0.0]


def test_paired_bootstrap_of_identical_forecasts_is_zero_and_sign_is_model_minus_reference():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=40)
    y = rng.integers(0, 4, 40)
    same = paired_bootstrap(p, p, y, list(range(40)), seed=1)
    assert all(v == {"mean": 0.0, "low": 0.0, "high": 0.0} for v in same.values())
    perfect = np.eye(4)[y] * 0.97 + 0.01
    d = paired_bootstrap(perfect, p, y, [i // 2 for i in range(40)], seed=1)
    assert d["log_loss"]["high"] < 0 and d["brier"]["high"] < 0 and d["accuracy"]["low"] >= 0


def test_reliability_bins_by_hand():
    p = np.array([[0.05, 0.05, 0.85, 0.05], [0.05, 0.05, 0.85, 0.05]])
    y = np.array([2, 0])
    rows = {r["low"]: r for r in reliability(p, y)}
    assert rows[0.0]["n"] == 6 and rows[0.0]["observed"] == pytest.approx(1 / 6)
    assert rows[0.8]["n"] == 2 and rows[0.8]["forecast"] == pytest.approx(0.85)
    assert rows[0.8]["observed"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- the crisis game (ICB4)

def _terms(rng: np.random.Generator, n: int) -> CrisisTerms:
    return CrisisTerms(stake_d=rng.uniform(0.5, 2, n), stake_c=rng.uniform(0.5, 2, n),
                       win_prob=rng.uniform(0.1, 0.9, n),
                       war_cost_d=rng.uniform(0, 1.5, n), war_cost_c=rng.uniform(0, 1.5, n),
                       standoff_cost_d=rng.uniform(0, 1, n), standoff_cost_c=rng.uniform(0, 1, n),
                       deal_share=rng.uniform(0.1, 0.9, n), lam=2.5)


def test_closed_form_matches_the_games_layer_qre():
    from detente.games.backward import logit_qre
    from detente.games.evaluate import class_distribution

    rng = np.random.default_rng(7)
    t = _terms(rng, 6)
    probs = outcome_probs(t)
    assert np.allclose(probs.sum(axis=1), 1.0)
    for i in range(6):
        one = CrisisTerms(**{k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in t.__dict__.items()})
        game = build_game(one)
        prof, _ = logit_qre(game, one.lam)
        dist = class_distribution(game, prof)
        four = {"agreement": probs[i, 0], "stalemate": probs[i, 1], "capitulation": probs[i, 2] + probs[i, 3],
                "escalation": probs[i, 4]}
        for c in CLASSES:
            assert dist.get(c, 0.0) == pytest.approx(four[c], abs=1e-12)


def test_game_limits_are_the_subgame_perfect_outcome():
    # cheap war for D and C, nothing else attractive: at high precision the path ends in war
    t = CrisisTerms(stake_d=1, stake_c=1, win_prob=0.5, war_cost_d=0.0, war_cost_c=0.0, standoff_cost_d=2.0,
                    standoff_cost_c=2.0, deal_share=0.1, lam=200.0)
    assert outcome_probs(t)[0, OUTCOMES.index("escalation")] > 0.99
    # war ruinous for C, a generous deal for D: C backs down rather than bargain away more than war
    t = CrisisTerms(stake_d=1, stake_c=1, win_prob=0.5, war_cost_d=5.0, war_cost_c=5.0, standoff_cost_d=0.1,
                    standoff_cost_c=0.1, deal_share=0.6, lam=200.0)
    assert outcome_probs(t)[0, OUTCOMES.index("agreement")] > 0.99


# --------------------------------------------------------------------------- the estimator

@pytest.mark.slow
def test_estimator_recovers_known_coefficients_from_simulated_crises():
    from detente.backtest import icb_structural as st

    rng = np.random.default_rng(11)
    n = 6000
    from detente.backtest.icb_features import STRUCTURAL

    x = np.zeros((n, len(STRUCTURAL)))
    x[:, 0] = rng.integers(-3, 4, n)          # pd
    x[:, 2] = rng.random(n) < 0.4             # force trigger
    x[:, 3] = (rng.random(n) < 0.2) & (x[:, 2] == 0)
    g = rng.integers(0, 3, n)
    x[:, 4], x[:, 5] = g == 1, g == 2
    x[:, 6] = rng.random(n) < 0.6
    x[:, 1] = rng.random(n) < 0.1             # power discrepancy not coded
    x[x[:, 1] == 1, 0] = 0.0
    x[:, 8] = rng.random(n) < 0.2             # long-war protracted conflict
    x[:, 7] = (rng.random(n) < 0.3) & (x[:, 8] == 0)
    x[:, 9] = rng.random(n) < 0.1             # superpower
    truth = np.zeros(len(st.NAMES))
    values = {"log_lam": 1.0, "win_pd": 0.5, "war_cost_d_0": -0.5, "war_cost_d_force": -1.0, "war_cost_c_0": 0.3,
              "standoff_0": -1.0, "deal_0": -0.5, "stake_grave": 0.4, "war_cost_long_war": -1.0}
    for k, v in values.items():
        truth[st.NAMES.index(k)] = v
    y = st.simulate(truth, x, seed=5)
    fit = st.fit(x, y, penalty=0.0, seed=0, starts=2, hessian=True)
    est = fit.params()
    se = np.sqrt(np.diag(fit.covariance()))
    for k in ("log_lam", "win_pd", "war_cost_d_force", "war_cost_long_war", "standoff_0"):
        i = st.NAMES.index(k)
        assert abs(est[k] - values[k]) < 3 * se[i] and se[i] < 0.5, (k, est[k], se[i])
    # the fitted model reproduces the true outcome probabilities
    gap = np.abs(fit.predict(x, split=True).real - st.predict5(truth, x).real)
    assert gap.mean() < 0.02 and gap.max() < 0.1
    # and the truth is no better in likelihood than the estimate
    assert fit.loglik >= -st.neg_loglik(truth, x, y, 0.0) - 1e-6


def test_complex_step_gradient_matches_finite_differences():
    from detente.backtest import icb_structural as st

    data = load_icb_dir(FIXTURE).scored
    from detente.backtest.icb_eval import game_outcomes

    x, y = structural_covariates(data), game_outcomes(data)
    theta = np.random.default_rng(2).normal(0, 0.5, len(st.NAMES))
    f, grad = st.value_and_grad(theta, x, y, 0.7)
    assert f == pytest.approx(st.neg_loglik(theta, x, y, 0.7))
    for i in (0, 4, 9, 13, 18):
        e = np.eye(len(theta))[i] * 1e-6
        fd = (st.neg_loglik(theta + e, x, y, 0.7) - st.neg_loglik(theta - e, x, y, 0.7)) / 2e-6
        assert grad[i] == pytest.approx(fd, rel=1e-4, abs=1e-6)


# --------------------------------------------------------------------------- priors (ICB6; ICB9: test_icb_priors.py)

def test_icb_prior_lookup_and_scenario_numbers():
    from detente.scenario.numbers import Num
    from detente.scenario.priors import icb_prior

    low, mode, high, source = icb_prior("war_cost", {"power": -12, "trigger": "violent"})
    assert low <= mode <= high and "prior icb" in source and "power=weaker" in source
    assert "threat, issue not given" in source
    p = icb_prior("win_prob", {"power": "much stronger", "threat": "grave", "issue": "security", "trigger": "other"})
    assert 0 <= p[0] <= p[1] <= p[2] <= 1 and "not given" not in p[3]
    with pytest.raises(InputError):
        icb_prior("war_costs", {})
    with pytest.raises(InputError):
        icb_prior("war_cost", {"power": "tiny"})
    n = Num.model_validate({"prior": "icb", "term": "standoff_cost", "stake": 1,
                            "given": {"trigger": "military"}})
    assert n.assumed and n.prior == "icb" and n.low <= n.value <= n.high and "prior icb" in n.note
    again = Num.model_validate(n.model_dump(exclude_none=True))
    assert again == n  # a resolved number written back reads the same
    with pytest.raises(ValueError, match="needs 'term'"):
        Num.model_validate({"prior": "icb"})
    with pytest.raises(ValueError, match="unknown prior"):
        Num.model_validate({"prior": "cow", "term": "war_cost"})


def test_prior_in_a_scenario_file_loads_and_a_bad_term_is_a_located_error(tmp_path, minimal_text):
    from detente.scenario.loader import load_scenario

    line = "  - {id: a, name: Alpha, capability: 2}"
    assert line in minimal_text
    good = minimal_text.replace(line, "  - {id: a, name: Alpha, capability: {prior: icb, term: win_prob, "
                                "given: {power: 10}}}")
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    cap = load_scenario(tmp_path / "good.yaml").actors[0].capability
    assert cap.prior == "icb" and cap.assumed and cap.low < cap.value < cap.high
    (tmp_path / "bad.yaml").write_text(good.replace("win_prob", "nope"), encoding="utf-8")
    with pytest.raises(InputError, match="unknown ICB prior term 'nope'"):
        load_scenario(tmp_path / "bad.yaml")


def test_the_drafter_finds_the_icb_prior_provider():
    from detente.scenario.priors import draft_prior
    from detente.scenario.priors import icb_prior as lookup
    from detente.text.crisis_draft import PRIOR_NOTE, prior_provider

    ask, note = prior_provider()
    assert ask is not None and note.startswith(PRIOR_NOTE)
    low, mode, high, _ = lookup("win_prob", {})
    assert ask("war_win_prob") == (mode, low, high)
    assert ask("horizon") is None and draft_prior("face_cost_accept") is None


# --------------------------------------------------------------------------- CLI

class _Result:
    def __init__(self, r) -> None:
        self.returncode, self.stdout, self.stderr = r.exit_code, r.stdout, r.stderr


def _cli(*args: str) -> _Result:
    from typer.testing import CliRunner

    from detente.cli import app

    return _Result(CliRunner().invoke(app, ["backtest", "icb", *args]))


def test_cli_missing_folder_is_one_line_exit_2(tmp_path):
    r = _cli("--data", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "ICB data folder not found" in r.stderr


def test_cli_wrong_columns_and_bad_values_are_one_line_exit_2(tmp_path):
    d = tmp_path / "icb"
    shutil.copytree(FIXTURE, d)
    path = d / "icb2v14-before1990.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",gravty,", ",gravity,", 1), encoding="utf-8")
    r = _cli("--data", str(d))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "'gravty'" in r.stderr
    path.write_text(text.replace("\n1,1,101,A01,1955", "\n1,1,101,A01,nineteen", 1), encoding="utf-8")
    r = _cli("--data", str(d))
    assert r.returncode == 2 and "systrgyr" in r.stderr and ":2:" in r.stderr
    r = _cli("--data", str(FIXTURE), "--test-system", str(FIXTURE / "icb1v14-before1990.csv"))
    assert r.returncode == 2 and "--test-system needs --test-data" in r.stderr
    r = _cli("--data", str(FIXTURE), "--test-data", str(tmp_path / "none.csv"), "--test-system",
             str(FIXTURE / "icb1v14-before1990.csv"))
    assert r.returncode == 2 and "file not found" in r.stderr and r.stderr.count("\n") == 1
    r = _cli("--data", str(FIXTURE), "--development", "--test-data", str(FIXTURE / "icb2v14-before1990.csv"))
    assert r.returncode == 2 and "--development never reads" in r.stderr
    r = _cli("--data", str(FIXTURE), "--markdown", str(tmp_path))
    assert r.returncode == 2 and "is a folder" in r.stderr and r.stderr.count("\n") == 1  # refused before the fit
    lone = tmp_path / "alone.csv"
    shutil.copy(FIXTURE / "icb2v14-before1990.csv", lone)
    r = _cli("--data", str(FIXTURE), "--test-data", str(lone))
    assert r.returncode == 2 and "system-level file" in r.stderr and r.stderr.count("\n") == 1


def test_cli_too_few_actors_to_fit_is_one_line_exit_2(tmp_path):
    d = tmp_path / "icb"
    shutil.copytree(FIXTURE, d)
    path = d / "icb2v14-before1990.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2]), encoding="utf-8")  # the header and one crisis actor
    r = _cli("--data", str(d))
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "at least two classes" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


@pytest.mark.slow
def test_cli_end_to_end_on_the_fixture(tmp_path):
    md = tmp_path / "ICB.md"
    r = _cli("--data", str(FIXTURE), "--test-data", str(FIXTURE / "icb2v14-before1990.csv"), "--json",
             "--markdown", str(md))
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    for p in ("frequency", "logit", "structural", "general"):
        for s in ("validation", "rolling", "test"):
            assert {"log_loss", "brier", "accuracy"} <= set(report["predictors"][p][s])
    assert report["sets"]["validation"]["n"] == 20
    assert set(report["predictors"]["structural"]["validation"]["vs"]) == {"frequency", "logit"}
    assert set(report["predictors"]["general"]["validation"]["vs"]) == {"frequency", "logit", "structural"}
    assert report["fits"]["before 1980"]["general"]["start"] == "the fit before 1970"
    assert report["fits"]["before 1980"]["n_train"] == 58
    assert "Target (validation)" in md.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the real data

@pytest.mark.slow
def test_real_icb_periods_and_mapping():
    folder = shared_path("data", "icb")
    data = load_icb_dir(folder)
    assert len(data.actors) == 842 and data.narratives == 391
    assert sum(a.year < 1980 for a in data.actors) == 697
    assert sum(1980 <= a.year < 1990 for a in data.actors) == 145
    assert dict(data.excluded) == {"outcome other": 11}
    counts = {c: sum(a.cls == c for a in data.actors) for c in CLASSES}
    assert counts == {"agreement": 75, "stalemate": 106, "capitulation": 301, "escalation": 349}


@pytest.mark.slow
def test_real_icb_full_run_names_every_predictor_and_set(tmp_path):
    folder = shared_path("data", "icb")
    r = _cli("--data", str(folder), "--json", "--markdown", str(tmp_path / "ICB.md"))
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["sets"]["validation"]["n"] == 145
    assert report["fits"]["before 1980"]["n_train"] == 686  # 697 actors, 11 with outcome 'other'
    for p in ("frequency", "logit", "structural", "general"):
        for s in ("validation", "rolling"):
            m = report["predictors"][p][s]
            assert m["log_loss"] > 0 and 0 <= m["brier"] <= 2 and 0 <= m["accuracy"] <= 1
    assert set(report["predictors"]["structural"]["rolling"]["origins"]) == {"1960s", "1970s", "1980s"}
    assert "Target (validation)" in (tmp_path / "ICB.md").read_text(encoding="utf-8")
