"""The general crisis model: textbook special cases as oracles (hand-computed), comparative statics,
and the model built from scenarios (defaults listed, history as the start state, bad inputs)."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.games.crisis.model import CrisisModel, round_summary, solve_crisis
from detente.games.crisis.spec import build_inputs

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
GRID = tuple(i / 100 for i in range(101))


@pytest.fixture
def load_case():  # type: ignore[no-untyped-def]
    from detente.cases import case_path
    from detente.scenario.loader import load_scenario

    return lambda name: load_scenario(case_path(name))


def two_player(p: tuple[float, ...], cost_c: tuple[float, float], cost_d: tuple[float, float],
               prior: tuple[float, float] = (1.0, 1.0), proposer: str = "challenger",
               responses: tuple[str, ...] = ("accept", "war"), standoff: float = 0.0, delta: float = 0.9,
               offers: tuple[float, ...] = GRID, sq: float = 0.0) -> CrisisModel:
    return CrisisModel(("A", "B"), LINE, offers, sq, sq, p, (cost_c, cost_d), prior, (standoff, standoff),
                       (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), delta, proposer=proposer, responses=responses)


@pytest.mark.parametrize(("p", "ca", "cb"), [(0.5, 0.1, 0.2), (0.3, 0.05, 0.05), (0.8, 0.3, 0.1)])
def test_fearon_complete_information_no_war_and_offer_in_range(p: float, ca: float, cb: float) -> None:
    """Fearon 1995: costs > 0 and complete information -> no war; A's take-it-or-leave-it demand is p + c_B."""
    sol = solve_crisis(two_player((p,), (ca, ca), (cb, cb)), None)
    assert sol.war_probability == 0.0
    offer = round_summary(sol)[0]["offer"]
    assert p - ca - 1e-9 <= offer <= p + cb + 1e-9
    assert offer == pytest.approx(p + cb)


@pytest.mark.parametrize(("pi", "war"), [(0.4, True), (0.8, False)])
def test_risk_return_screening_condition(pi: float, war: bool) -> None:
    """Two defender types, resolved (c_L) with prior pi, irresolute (c_H). A screens (demand p + c_H,
    refused by the resolved type: P(war) = pi) iff (1 - pi) c_H - c_L > pi c_A (hand-derived);
    otherwise it demands p + c_L and both accept."""
    p, ca, cl, ch = 0.5, 0.1, 0.05, 0.3
    assert ((1 - pi) * ch - cl > pi * ca) is war
    sol = solve_crisis(two_player((p,), (ca, ca), (cl, ch), prior=(1.0, pi)), None)
    if war:
        assert sol.war_probability == pytest.approx(pi)
        assert round_summary(sol)[0]["offer"] == pytest.approx(p + ch)
    else:
        assert sol.war_probability == 0.0
        assert round_summary(sol)[0]["offer"] == pytest.approx(p + cl)


COARSE = tuple(i / 20 for i in range(21))


@pytest.mark.parametrize(("shift", "war"), [(0.0, False), (0.05, False), (0.1, True), (0.2, True), (0.3, True)])
def test_powell_commitment_problem_threshold(shift: float, war: bool) -> None:
    """Powell 2006, two periods, the rising side B proposes, agreements bind one period: the declining
    side A fights at once iff delta (p0 - p1) > (1 - delta)(1 - p0 + c_A) (hand-derived: the most B can
    give, 1 now and p1 - c_A from next period, is worth less than war now). Threshold here: 0.0556."""
    p0, ca, cb, delta = 0.6, 0.1, 0.05, 0.9
    p1 = p0 - shift
    assert (delta * (p0 - p1) > (1 - delta) * (1 - p0 + ca)) is war
    sol = solve_crisis(two_player((p0, p1), (ca, ca), (cb, cb), proposer="defender", delta=delta,
                                  offers=COARSE), None)
    assert sol.war_probability == pytest.approx(1.0 if war else 0.0)


def test_no_shift_no_commitment_war() -> None:
    sol = solve_crisis(two_player((0.6, 0.6, 0.6), (0.1, 0.1), (0.05, 0.05), proposer="defender",
                                  offers=COARSE), None)
    assert sol.war_probability == 0.0


def _rich(standoff: float = 0.05, war_c: float = 0.3) -> CrisisModel:
    return CrisisModel(("A", "B"), ((0.0, 0.0, 1.0), (0.5, 0.7, 0.8), (1.0, 1.0, 0.0)),
                       tuple(i / 5 for i in range(6)), 0.1, 0.1, (0.6, 0.58, 0.56),
                       ((war_c, war_c + 0.4), (0.1, 0.4)), (0.5, 0.5), (standoff, standoff), (0.1, 0.1),
                       (0.02, 0.02), (0.3, 0.3), 0.9)


def test_higher_standoff_cost_settles_earlier() -> None:
    lo = solve_crisis(_rich(standoff=0.0), 20.0).expected()[6]
    hi = solve_crisis(_rich(standoff=0.2), 20.0).expected()[6]
    assert hi < lo


def test_higher_war_cost_lowers_war_probability() -> None:
    ps = [solve_crisis(_rich(war_c=c), 20.0).war_probability for c in (0.05, 0.3, 0.8)]
    assert ps[0] > ps[1] > ps[2]


def test_outcome_probabilities_sum_to_one() -> None:
    sol = solve_crisis(_rich(), 10.0)
    assert sum(sol.outcome_probs().values()) == pytest.approx(1.0)


def test_ties_are_reported() -> None:
    """At p + c_B the defender is indifferent between accepting and war: a tie on the path."""
    sol = solve_crisis(two_player((0.5,), (0.1, 0.1), (0.2, 0.2)), None)
    assert sol.ties_on_path > 0


def test_geneva_from_scenario_alone(load_case) -> None:  # type: ignore[no-untyped-def]
    sc = load_case("geneva-2022")
    inp = build_inputs(sc)
    assert (inp.challenger, inp.defender) == ("rus", "usa")
    assert inp.under_way and inp.model.start_rung == 1  # the threat already played sets the rung
    assert "horizon" in inp.defaults and "discount" in inp.defaults  # defaults are listed
    assert inp.model.war_cost[0] == pytest.approx((0.3 + 0.1, 0.9 + 0.5))  # war + sanctions ranges
    assert inp.model.p[0] == pytest.approx(0.6)
    assert inp.model.p[-1] < inp.model.p[0]  # NATO cohesion grows: the balance shifts against Russia


def test_falklands_fait_accompli_moves_status_quo(load_case) -> None:  # type: ignore[no-untyped-def]
    inp = build_inputs(load_case("falklands-1982"))
    assert inp.model.start_rung == 2
    assert inp.model.sq > inp.model.sq_pre + 0.2  # the landing moved administration to Argentina


def test_no_contested_issue_is_one_line_error(load_case) -> None:  # type: ignore[no-untyped-def]
    sc = load_case("falklands-1982")
    pos = dict(sc.positions)
    pos["arg"] = pos["gbr"]
    with pytest.raises(InputError, match="contest no issue"):
        build_inputs(sc.model_copy(update={"positions": pos}))


def test_bad_horizon_is_error(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.scenario.numbers import Num

    sc = load_case("falklands-1982")
    params = {**sc.parameters, "horizon": Num(value=0)}
    with pytest.raises(InputError, match="horizon"):
        build_inputs(sc.model_copy(update={"parameters": params}))


@pytest.mark.slow
def test_simulation_plays_the_crisis_policy_reproducibly(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_policy import CrisisPolicy

    sc = load_case("falklands-1982")
    pol = CrisisPolicy(sc, "gbr", start=2)
    assert [r["responder"] for r in pol.rounds] == ["gbr", "arg", "gbr", "arg"]
    a = run_batch(sc, 7, 12, ranges="fixed", policies={"gbr": pol})
    b = run_batch(sc, 7, 12, ranges="fixed", policies={"gbr": pol})
    assert a.frequencies == b.frequencies  # same seed, same result
    base = run_batch(sc, 7, 12, ranges="fixed")
    assert a.frequencies != base.frequencies  # the model's strategy, not the default logit, plays gbr


@pytest.mark.slow
def test_crisis_prediction_is_blind_to_the_outcome(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis import crisis_backtest as bc
    from detente.scenario.schema import KnownOutcome

    sc = load_case("crimea-2014")
    a = bc.predict_case(sc, ["crisis"])["crisis"].to_dict()
    other = sc.model_copy(update={"known_outcome": KnownOutcome(**{"class": "agreement"}, detail="x")})
    assert bc.predict_case(other, ["crisis"])["crisis"].to_dict() == a
    assert a["class"] in bc.CLASSES and sum(a["probabilities"].values()) == pytest.approx(1.0)


@pytest.mark.slow
def test_backtest_cases_dir_scores_any_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import shutil

    from typer.testing import CliRunner

    from detente.cases import case_path
    from detente.cli.app import app

    for name in ("crimea-2014", "taiwan-1996"):
        shutil.copy(case_path(name), tmp_path / f"{name}.yaml")
    res = CliRunner().invoke(app, ["backtest", "cases", "--layer", "crisis", "--dir", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [c["case"] for c in data["cases"]] == ["crimea-2014", "taiwan-1996"]
    assert data["layers"]["crisis"]["available"] == 2
    bad = CliRunner().invoke(app, ["backtest", "cases", "--dir", str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "not a folder" in bad.output


@pytest.mark.slow
def test_game_cli_crisis_json_lists_defaults_and_mechanism() -> None:
    import json

    from typer.testing import CliRunner

    from detente.cli.app import app

    res = CliRunner().invoke(app, ["game", "taiwan-1996", "--template", "crisis", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["model"] == "crisis" and "horizon" in d["inputs"]["defaults_used"]
    assert d["mechanism"]["mechanism"] in ("none", "private information", "commitment problem", "both")
    assert any(w.startswith("default used for horizon") for w in d["warnings"])


def test_diagnosis_names_the_mechanism_that_drives_war() -> None:
    from detente.games.crisis.mechanisms import diagnose

    powell = two_player((0.6, 0.3), (0.1, 0.1), (0.05, 0.05), proposer="defender", offers=COARSE)
    d = diagnose(powell, solve_crisis(powell, None), (0.1, 0.05), None)
    assert d.mechanism == "commitment problem"
    assert d.numbers["share_now"] == pytest.approx(0.6) and d.numbers["share_at_deadline"] == pytest.approx(0.3)
    assert d.numbers["powell_gap"] > 0  # war now beats the most B can credibly give
    rr = two_player((0.5,), (0.1, 0.1), (0.05, 0.3), prior=(1.0, 0.4))
    mean_d = 0.4 * 0.05 + 0.6 * 0.3
    d = diagnose(rr, solve_crisis(rr, None), (0.1, mean_d), None)
    assert d.mechanism == "private information"
    assert d.numbers["information_effect"] == pytest.approx(0.4)
    calm = two_player((0.5,), (0.1, 0.1), (0.2, 0.2))
    assert diagnose(calm, solve_crisis(calm, None), (0.1, 0.2), None).mechanism == "none"


def test_backtest_cases_dir_mistakes_and_a_non_crisis_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--loo on too few cases or without the crisis layer is an error before any work (it was skipped
    without a word); an empty folder is named as such (the message spoke of 'bundled' cases); a
    legislative bargain (EC emissions) is 'n/a' for the crisis layer, as in analyze (it was scored as a
    predicted escalation)."""
    import json
    import shutil

    from typer.testing import CliRunner

    from detente.analysis import crisis_backtest as bc
    from detente.cases import case_path
    from detente.cli.app import app

    run = CliRunner().invoke
    empty = run(app, ["backtest", "cases", "--dir", str(tmp_path)])
    assert empty.exit_code == 2 and "no scenario with a known outcome in" in empty.output
    shutil.copy(case_path("ec-emissions-1994"), tmp_path / "ec.yaml")
    few = run(app, ["backtest", "cases", "--dir", str(tmp_path), "--loo"])
    assert few.exit_code == 2 and "at least 3 cases" in few.output and "1 selected" in few.output
    assert run(app, ["backtest", "cases", "--loo", "--layer", "models"]).exit_code == 2
    res = run(app, ["backtest", "cases", "--layer", "crisis", "--dir", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)["cases"]
    assert row["layers"]["crisis"]["class"] == bc.NA and "not a crisis" in row["layers"]["crisis"]["detail"]
    table = run(app, ["backtest", "cases", "--layer", "crisis", "--dir", str(tmp_path)])
    (loo,) = [line for line in table.stdout.splitlines() if "base: leave-one-out" in line]
    assert "0/1" in loo and " 0.00 " not in loo  # one case leaves none to learn from: not '0 hits, 0.00'


def test_diagnosis_says_most_only_when_the_remainder_is_most() -> None:
    """H15: escalation 0.91 with private information and 0.09 without was explained as 'Most of it (0.09)
    comes from neither mechanism'; 0.09 of 0.91 is the rest, not most."""
    from detente.games.crisis.run import run_crisis
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text("""
detente: 1
meta: {id: mech, title: mech, perspective: test, tags: ["challenger:a", "defender:b"]}
actors: [{id: a, name: A, capability: 50}, {id: b, name: B, capability: 50}]
issues: [{id: x, name: X, status_quo: 0}]
positions: {a: {x: {position: 100, salience: 0.5}}, b: {x: {position: 0, salience: 0.5}}}
parameters:
  a_war_cost: {low: 0.04, mode: 0.58, high: 10.3, dist: lognormal}
  b_war_cost: {low: 0.04, mode: 0.58, high: 10.3, dist: lognormal}
  horizon: 5
""")
    d = run_crisis(sc).diagnosis
    assert d is not None
    full, rest = d.numbers["escalation"], d.numbers["escalation_complete_info_no_shift"]
    assert d.mechanism == "private information" and 0.02 <= rest < full / 2
    assert not any(t.startswith("Most of it") for t in d.text)
    assert any(t.startswith(f"The rest ({rest:.2f}) comes from neither mechanism") for t in d.text)
