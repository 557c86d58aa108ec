"""Textbook templates built from small scenarios: the scenario path must give the oracle's answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import InputError
from detente.games.build import build_game, pick_spec, run_scenario_game
from detente.games.evaluate import class_distribution
from detente.games.solve import solve
from detente.games.templates.literature import IIG_OUTCOMES, iig_game
from detente.games.tree import Game
from detente.scenario.loader import load_scenario

DATA = Path(__file__).resolve().parent / "data" / "games"


def _load(name: str):
    return load_scenario(DATA / f"{name}.yaml")


def _strategy(sol, label: str) -> list[float]:
    k = next(i for i, s in enumerate(sol.game.infosets) if s.label == label)
    return sol.profile[k]


# -- audience costs (Fearon 1994; crisis-games brief 6.1) ----------------------------------------
def test_audience_cost_scenario_gives_closed_form() -> None:
    # stakes 1 (salience 1, demand at the far end of the scale), pi = 0.2, a = 1 (the channel), c_B = 3:
    # sigma = pi (c_B - 1) / (1 - pi) = 0.5 and r = 1 / (1 + a) = 0.5; P(war) = pi / (1 + a) = 0.1
    run = run_scenario_game(_load("audience_cost"), with_thresholds=False)
    sol = run.solution
    assert sol.exact
    assert _strategy(sol, "alpha irresolute")[0] == pytest.approx(0.5, abs=1e-7)
    assert _strategy(sol, "beta after challenge")[1] == pytest.approx(0.5, abs=1e-7)
    assert class_distribution(sol.game, sol.profile)["escalation"] == pytest.approx(0.1, abs=1e-7)


def test_audience_cost_stakes_come_from_saliences() -> None:
    # stakes u_A = 0.5, u_B = 0.8 (saliences). Indifference by hand: the irresolute challenger
    # mixes when r (-a) + (1 - r) u_A = 0, so r = u_A / (u_A + a) = 1/3; the defender mixes when its
    # belief in resolve is u_B / c_B, so sigma = pi (c_B - u_B) / (u_B (1 - pi)) = 0.2 * 2.2 / 0.64.
    sc = _load("audience_cost")
    g = build_game(sc, pick_spec(sc), {"salience:alpha:border": 0.5, "salience:beta:border": 0.8})
    sol = solve(g)
    assert _strategy(sol, "beta after challenge")[1] == pytest.approx(1 / 3, abs=1e-7)
    assert _strategy(sol, "alpha irresolute")[0] == pytest.approx(0.2 * 2.2 / 0.64, abs=1e-7)


@pytest.mark.slow
def test_audience_cost_thresholds_are_the_regime_boundaries() -> None:
    th = {t.key: t for t in run_scenario_game(_load("audience_cost")).thresholds}
    # pooling once pi c_B > 1 (pi > 1/3, or c_B > 5); tied hands once a > -w_I (a > 2, or w_I > -1)
    assert th["prior_resolved"].above["at"] == pytest.approx(1 / 3, abs=1e-4)
    assert th["beta_war_cost"].above["at"] == pytest.approx(5.0, abs=1e-4)
    # tied hands: the logit trace stops at lambda = 1e4, so payoff gaps below ~1e-3 are not resolved
    assert th["audience_cost:tv"].above["at"] == pytest.approx(2.0, abs=2e-3)
    assert th["alpha_war_irresolute"].above["at"] == pytest.approx(-1.0, abs=2e-3)


# -- risk-return (Fearon 1995; brief 6.7) --------------------------------------------------------
@pytest.mark.slow
def test_risk_return_scenario_gives_optimal_demand_and_war_risk() -> None:
    # p = 1/2 from equal capabilities, c_A = 0.1, c_bar = 0.5: x* = p + (c_bar - c_A)/2 = 0.7,
    # P(war) = (c_bar - c_A) / (2 c_bar) = 0.4; the pie runs from beta's 0 to alpha's 100
    sc = _load("risk_return")
    run = run_scenario_game(sc, with_thresholds=False)
    first = run.solution.path()[0]
    assert first.player == "alpha" and first.chosen == "demand 0.7"
    assert run.parameters["p"] == pytest.approx(0.5)
    assert (run.parameters["share_0_at"], run.parameters["share_1_at"]) == (0.0, 100.0)
    war = class_distribution(run.game, run.solution.profile)["escalation"]
    assert war == pytest.approx(0.4, abs=0.01)


@pytest.mark.slow
def test_risk_return_p_from_capabilities() -> None:
    # capability 3 against 1: p = 3/4, x* = min(1, 0.75 + 0.2) = 0.95
    sc = _load("risk_return")
    sol = solve(build_game(sc, pick_spec(sc), {"capability:alpha": 3.0}))
    assert sol.path()[0].chosen == "demand 0.95"


# -- alternating offers (Rubinstein; brief 6.3) --------------------------------------------------
@pytest.mark.parametrize(("rounds", "share"), [(None, 0.75), (2.0, 0.5), (4.0, 0.625)])
def test_alternating_offers_scenario_split(rounds: float | None, share: float) -> None:
    # delta = 1/2 for both: finite-horizon shares of the first proposer 1, 1/2, 3/4, 5/8
    sc = _load("alternating_offers")
    over = {} if rounds is None else {"rounds": rounds}
    sol = solve(build_game(sc, pick_spec(sc), over))
    assert sol.values[0] == pytest.approx(share, abs=1e-12)
    assert sol.outcome_class() == "agreement"


def test_alternating_offers_horizon_must_be_whole() -> None:
    sc = _load("alternating_offers")
    with pytest.raises(InputError, match="whole number"):
        build_game(sc, pick_spec(sc), {"rounds": 2.5})


# -- the IIG (Bueno de Mesquita and Lalman 1992) -------------------------------------------------
def _iig_hand() -> dict[str, dict[str, float]]:
    # sq 50, span 100; alpha at 90 (salience 0.8), beta at 30 (0.5); p = 3/(3+1); negotiated 75.
    # u_alpha(x) = 0.8 (40 - |x - 90|) / 100, u_beta(x) = 0.5 (20 - |x - 30|) / 100
    war_a = 0.75 * 0.32 + 0.25 * -0.16 - 0.3
    war_b = 0.75 * -0.2 + 0.25 * 0.1 - 0.4
    return {"A": {"SQ": 0.0, "ACQ_A": -0.16, "ACQ_B": 0.32, "NEGO": 0.2, "CAP_A": -0.36, "CAP_B": 0.32,
                  "WAR_A": war_a, "WAR_B": war_a},
            "B": {"SQ": 0.0, "ACQ_A": 0.1, "ACQ_B": -0.2, "NEGO": -0.125, "CAP_A": 0.1, "CAP_B": -0.3,
                  "WAR_A": war_b, "WAR_B": war_b}}


def test_iig_scenario_utilities_match_hand_table() -> None:
    sc = _load("iig")
    g = build_game(sc, pick_spec(sc))
    hand = _iig_hand()
    ref = iig_game(hand)
    assert len(g) == len(ref)
    for n in range(len(g)):
        if g.payoff[n] is not None:
            assert g.payoff[n] == pytest.approx(ref.payoff[n], abs=1e-12)
    got = [(s.player, s.chosen) for s in solve(g).path()]
    want = [(s.player, s.chosen) for s in solve(ref).path()]
    assert [a for _, a in got] == [a for _, a in want] == ["demand", "acquiesce"]


def test_iig_no_war_when_war_costs_exceed_the_stakes() -> None:
    # literature condition: nobody fights when war is worse than capitulating for whoever would start it
    sc = _load("iig")
    sol = solve(build_game(sc, pick_spec(sc), {"alpha_war_cost": 2.0, "beta_war_cost": 2.0}))
    assert class_distribution(sol.game, sol.profile).get("escalation", 0.0) == 0.0
    # and with war nearly free for a strong challenger and a defender that will not acquiesce, war
    sol = solve(build_game(sc, pick_spec(sc), {"alpha_war_cost": 0.0, "beta_war_cost": 0.0, "beta_face": 0.0,
                                               "salience:beta:line": 1.0}))
    assert sol.outcome_class() in ("escalation", "capitulation", "agreement")


# -- errors, CLI ---------------------------------------------------------------------------------
def test_missing_cost_term_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "audience_cost.yaml").read_text().replace(
        "        prior_resolve: prior_resolved\n", ""))
    sc = load_scenario(bad)
    with pytest.raises(InputError, match="prior_resolve") as err:
        run_scenario_game(sc)
    assert "\n" not in str(err.value)


runner = CliRunner()


@pytest.mark.parametrize(("name", "template", "cls"), [
    ("audience_cost", "audience_cost", "capitulation"), ("risk_return", "risk_return", "agreement"),
    ("alternating_offers", "alternating_offers", "agreement"), ("iig", "iig", "capitulation")])
@pytest.mark.slow
def test_cli_each_template(name: str, template: str, cls: str) -> None:
    res = runner.invoke(app, ["game", str(DATA / f"{name}.yaml"), "--template", template, "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["template"] == template and d["outcome_class"] == cls
    assert d["explanation"][-1].startswith("Outcome:")


def test_cli_other_template_on_geneva() -> None:
    # the default game's players, issue and cost terms carry over to another template
    res = runner.invoke(app, ["game", "geneva-2022", "--template", "iig", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["template"] == "iig" and d["players"] == ["rus", "usa"]
    res = runner.invoke(app, ["game", "geneva-2022", "--template", "audience_cost"])
    assert res.exit_code == 2 and "prior_resolve" in res.output and "Traceback" not in res.output


def test_iig_outcomes_cover_all_eight() -> None:
    sc = _load("iig")
    g = build_game(sc, pick_spec(sc))
    assert {g.outcome[n] for n in range(len(g)) if g.payoff[n] is not None} >= {"status quo",
                                                                                  "negotiated settlement"}
    assert len(IIG_OUTCOMES) == 8


# -- joint search (two cost terms at once) -------------------------------------------------------
def _toy(over) -> Game:
    x, y = over.get("x", 1.0), over.get("y", 1.0)
    g = Game(["A"], "toy")
    g.decision("A", {"hold": g.terminal([0.0], "hold", "stalemate"),
                     "give": g.terminal([1.0 - x - y], "give", "capitulation")})
    return g.validate()


def test_joint_search_finds_the_nearest_point_of_a_joint_region() -> None:
    from detente.games.joint import joint_search
    from detente.games.templates.two_track import Knob

    # A gives in iff x + y < 1; neither alone can get there within [0, 2] from (1, 1). The nearest
    # point of the region, in units of 1, is (0.5, 0.5) at distance 1/sqrt(2).
    ks = [Knob("x", "x", 1.0, 0.0, 2.0, 1.0), Knob("y", "y", 1.0, 0.0, 2.0, 1.0)]
    jc = joint_search(_toy, ks, "stalemate")
    assert jc.keys == ("x", "y") and jc.outcome_class == "capitulation"
    assert jc.distance == pytest.approx(2 ** -0.5, abs=3e-3)
    assert jc.to[0] + jc.to[1] == pytest.approx(1.0, abs=1e-3)
    none = joint_search(_toy, [Knob("x", "x", 1.0, 0.5, 2.0, 1.0), Knob("y", "y", 1.0, 0.5, 2.0, 1.0)], "stalemate")
    assert not none.to_dict()["found"] and none.text().startswith("No joint change")


def test_geneva_joint_change_is_real() -> None:
    from detente.cases import case_path

    sc = load_scenario(case_path("geneva-2022"))
    run = run_scenario_game(sc)
    jc = run.joint
    assert jc is not None and jc.keys is not None
    spec = pick_spec(sc)
    # check the reported point independently: rebuilt and solved, it is a concession or a deal
    over = dict(zip(jc.keys, jc.to, strict=True))
    assert solve(build_game(sc, spec, over)).outcome_class() in ("capitulation", "agreement")
    # and neither change alone does it (else the one-at-a-time table would have found it)
    for k, v in over.items():
        assert solve(build_game(sc, spec, {k: v})).outcome_class() not in ("capitulation", "agreement")


# -- draws over the stated ranges ----------------------------------------------------------------
def test_path_shares_over_ranges_geneva() -> None:
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.claims import Context, evaluate_claims
    from detente.analysis.games_layer import games_layer
    from detente.cases import case_path

    sc = load_scenario(case_path("geneva-2022"))
    run = games_layer(sc, AnalyzeOptions())
    r = run.ranges
    assert r["draws"] == 200 and abs(sum(p["share"] for p in r["paths"]) - 1.0) < 1e-12
    assert r["paths"][0]["path"].endswith("⇒ stalemate")
    # C4's share is the stalemate share; C1 (reject) holds whenever the path runs through reject
    assert r["claims"]["C4"]["holds"] == pytest.approx(r["outcome_class_shares"]["stalemate"])
    rejects = sum(p["share"] for p in r["paths"] if "usa reject" in p["path"])
    assert r["claims"]["C1"]["holds"] == pytest.approx(rejects)
    verdicts = {(v.claim, v.layer): v for v in evaluate_claims(Context(sc, {}, {"games": run}))}
    for cid in ("C1", "C2", "C3", "C4"):
        v = verdicts[(cid, "games")]
        assert v.probability == pytest.approx(r["claims"][cid]["holds"]) and v.draws == r["draws"] - r["failed"]
        assert v.held == r["claims"][cid]["held"] and "draws of the stated ranges" in v.share_text()
    # same seed, same shares; another seed draws differently but is a distribution too
    again = games_layer(sc, AnalyzeOptions())
    assert again.ranges == r


def test_path_shares_match_a_hand_count_on_a_toy() -> None:
    # risk-return with c_A ~ triangular(0.05, 0.1, 0.15): x* = 0.5 + (0.5 - c_A)/2 on a 0.005 grid,
    # so the demand varies with the draw; every path is an agreement-or-war lottery
    from detente.analysis.games_layer import path_shares

    sc = _load("risk_return")
    small = sc.games.model_copy(update={"specs": [sc.games.specs[0].model_copy(update={"grid": 41})]})
    sc = sc.model_copy(update={"games": small})
    run = run_scenario_game(sc, with_thresholds=False)
    r = path_shares(sc, run, seed=1, draws=20)
    assert r["parameters"] == ["parameters.alpha_war_cost"]
    # hand count: the same 20 draws (the uncertainty sampler, seed 1), each demand found by brute force
    import numpy as np

    from detente.games.templates.literature import risk_return_brute_force
    from detente.uncertainty.params import collect_params
    from detente.uncertainty.sampling import sample

    xs = sample(collect_params(sc), 20, np.random.default_rng(1))[:, 0]
    counts: dict[str, int] = {}
    for c_a in xs:
        j, _ = risk_return_brute_force(41, 40, 0.5, float(c_a), 0.5)
        counts[f"demand {j / 40:.6g}"] = counts.get(f"demand {j / 40:.6g}", 0) + 1
    got = {p["path"].split(" ⇒ ")[0].removeprefix("alpha "): p["share"] for p in r["paths"]}
    assert got == {k: v / 20 for k, v in counts.items()}
    assert len(got) > 1


def test_per_draw_hooks_registered_with_the_uncertainty_layer() -> None:
    import detente.analysis.games_layer as gl
    from detente.cases import case_path
    from detente.uncertainty.target import DRAW_EVALUATORS, OUTCOMES

    assert "games" in OUTCOMES and OUTCOMES["games"][1] is True
    assert any(f.__module__ == gl.__name__ for f in DRAW_EVALUATORS["equilibrium_action"])
    sc = load_scenario(case_path("geneva-2022"))
    assert gl.games_outcome(sc) == "stalemate"
    c1 = next(c for c in sc.claims if c.id == "C1")
    (fn,) = [f for f in DRAW_EVALUATORS["equilibrium_action"] if f.__module__ == gl.__name__]
    assert fn(c1, sc) is True
    # a draw where Russia's war is nearly free: the path escalates and C1 still holds, C4 would not
    cheap = sc.model_copy(update={"parameters": {**sc.parameters,
                                                 "rus_war_cost": sc.parameters["rus_war_cost"].model_copy(
                                                     update={"value": 0.05, "low": 0.0})}})
    assert gl.games_outcome(cheap) == "escalation"


# -- explanations read well for every template ---------------------------------------------------
def test_explanations_group_chance_followers_and_say_ties() -> None:
    sc = _load("risk_return")
    small = sc.games.model_copy(update={"specs": [sc.games.specs[0].model_copy(update={"grid": 41})]})
    run = run_scenario_game(sc.model_copy(update={"games": small}), with_thresholds=False)
    story = run.story
    # x* = 0.7; type k has c_B = 0.00625 (2k + 1) and accepts iff 0.7 <= 0.5 + c_B: k = 16..39 (24 of 40)
    assert story[0].startswith("Alpha chooses demand 0.7:") and "for the 37 other actions" in story[0]
    assert any("chooses accept in 24 of the 40 chance outcomes" in line for line in story)
    assert any("chooses fight in 16 of the 40 chance outcomes" in line for line in story)
    assert len(story) == 4  # demand, accepts, fights, outcome
    ac = run_scenario_game(_load("audience_cost"), with_thresholds=False).story
    assert any(line.startswith("Alpha, when nature drew resolved, chooses challenge") for line in ac)
    assert not any("(alpha " in line for line in ac)  # no information-set name that repeats the actor
    ao = run_scenario_game(_load("alternating_offers"), with_thresholds=False).story
    assert any("It is indifferent between accept and reject" in line for line in ao)
    assert "for the 5 other actions" in ao[0]
