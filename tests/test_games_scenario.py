"""The two-track game of the founding case, interop (.efg, OpenSpiel, pygambit), CLI and schema checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cases import case_path
from detente.cli import app
from detente.errors import InputError
from detente.games.build import build_game, pick_spec, run_scenario_game
from detente.games.efg import read_efg, to_efg
from detente.games.solve import solve
from detente.games.templates.literature import IIG_OUTCOMES, audience_cost_game, iig_game
from detente.scenario.loader import load_scenario

GENEVA = case_path("geneva-2022")


@pytest.fixture(scope="module")
def geneva_run():
    return run_scenario_game(load_scenario(GENEVA))


def test_geneva_path_is_ultimatum_reject_hold_stalemate(geneva_run) -> None:
    steps = [(s.player, s.chosen) for s in geneva_run.solution.path()]
    assert steps == [("rus", "ultimatum"), ("usa", "reject"), ("rus", "hold"), ("usa", "no_deal")]
    assert geneva_run.solution.outcome_class() == "stalemate"
    assert geneva_run.solution.exact and geneva_run.solution.ties == 0


def test_geneva_values_match_hand_computation(geneva_run) -> None:
    # US after the ultimatum (G3 mapping): accept = issue 0.6 * (10 - 100) / 100 - face 0.5 - credibility 0.3
    # - info 0.2 = -1.54; reject then hold = -info 0.2; counter = -0.2 - 0.5 * (20 - 10) / (100 - 10)
    us = geneva_run.solution.path()[1]
    assert us.values["accept"] == pytest.approx(-1.54)
    assert us.values["reject"] == pytest.approx(-0.2)
    assert us.values["counter"] == pytest.approx(-0.2 - 0.5 / 9)
    # Russia after rejection: escalate = 0.6 * 0.81 + 0.4 * (-0.09) + 0.2 - 0.6 - 0.3 = -0.25
    ru = geneva_run.solution.path()[2]
    assert ru.values["hold"] == pytest.approx(0.2)
    assert ru.values["escalate"] == pytest.approx(-0.25)
    assert ru.values["withdraw"] == pytest.approx(-0.55)


def test_geneva_thresholds(geneva_run) -> None:
    th = {t.key: t for t in geneva_run.thresholds}
    # escalation once Russia's war cost falls below 0.15 (hand: 0.45 + 0.2 - w - 0.3 = 0.2)
    war = th["rus_war_cost"]
    assert war.below is not None and war.below["at"] == pytest.approx(0.15, abs=1e-4)
    assert war.below["outcome_class"] == "escalation"
    # without an information benefit the ultimatum no longer pays
    assert th["rus_info_benefit"].below["at"] == pytest.approx(0.0, abs=1e-4)
    assert th["usa_face_cost_accept"].below is None and th["usa_face_cost_accept"].above is None


def test_geneva_claims_from_games_layer() -> None:
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.claims import Context, evaluate_claims
    from detente.analysis.games_layer import games_layer

    sc = load_scenario(GENEVA)
    c1 = next(c for c in sc.claims if c.id == "C1")  # and a player who never moves on the path (Ukraine)
    off_path = c1.model_copy(update={"id": "X1", "check": c1.check.model_copy(update={"player": "ukr",
                                                                                     "action": "accept"})})
    sc = sc.model_copy(update={"claims": [*sc.claims, off_path]})
    ctx = Context(sc, {}, {"games": games_layer(sc, AnalyzeOptions())})
    verdicts = {(v.claim, v.layer): v for v in evaluate_claims(ctx)}
    for cid in ("C1", "C2", "C3", "C4"):
        assert verdicts[(cid, "games")].status == "holds", verdicts[(cid, "games")].detail
    # its failure carries the same count over the draws as the other claims (was 'point values only'
    # beside a '0 of 200' in the wider ranges' column)
    x1 = verdicts[("X1", "games")]
    assert x1.status == "fails" and "no decision" in x1.detail
    assert x1.held == 0 and x1.draws == verdicts[("C1", "games")].draws > 0


def test_payoff_order_can_fail() -> None:
    # the reversed order (accept better than reject) must be reported as failing
    from detente.analysis.claims import Context, evaluate_claims

    sc = load_scenario(GENEVA)
    run = run_scenario_game(sc, with_thresholds=False)
    claim = next(c for c in sc.claims if c.id == "C3")
    flipped = claim.model_copy(update={"check": claim.check.model_copy(update={"better": "accept",
                                                                              "worse": "reject"})})
    sc2 = sc.model_copy(update={"claims": [flipped]})
    (v,) = [v for v in evaluate_claims(Context(sc2, {}, {"games": run})) if v.layer == "games"]
    assert v.status == "fails"


def test_efg_round_trip_and_openspiel() -> None:
    sc = load_scenario(GENEVA)
    games = [audience_cost_game(), build_game(sc, pick_spec(sc)),
             iig_game({p: {o: i - 3.5 for i, o in enumerate(IIG_OUTCOMES)} for p in "AB"})]
    for g in games:
        text = to_efg(g)
        back = read_efg(text)
        assert to_efg(back) == text
        assert len(back) == len(g)
        assert sorted(back.payoff[n] for n in range(len(back)) if back.payoff[n]) == \
            sorted(g.payoff[n] for n in range(len(g)) if g.payoff[n])
        assert solve(back).values == pytest.approx(solve(g).values)
    pyspiel = pytest.importorskip("pyspiel")
    for g in games:
        og = pyspiel.load_efg_game(to_efg(g))
        assert og.num_players() == 2


def test_efg_reader_adds_inner_outcomes_and_rejects_garbage() -> None:
    text = ('EFG 2 R "x" { "A" "B" }\n""\n'
            'p "" 1 1 "root" { "l" "r" } 1 "toll" { 1/2, -1 }\n'
            't "" 2 "L" { 1 1 }\n'
            't "" 0\n')
    g = read_efg(text)
    assert sorted(g.payoff[n] for n in range(len(g)) if g.payoff[n]) == [(0.5, -1.0), (1.5, 0.0)]
    with pytest.raises(InputError):
        read_efg("EFG 3 R")
    with pytest.raises(InputError):
        read_efg('EFG 2 R "x" { "A" }\n""\np "" 1 1 "s" { "a" } 0\nt "" 1 "o" { 1 2 }\n')


def test_openspiel_cfr_audience_cost() -> None:
    pytest.importorskip("pyspiel")
    sol = solve(audience_cost_game(0.2, 1.0, 3.0), "openspiel", iterations=2000)
    g = sol.game
    b = next(k for k, s in enumerate(g.infosets) if s.label == "B after challenge")
    irr = next(k for k, s in enumerate(g.infosets) if s.label == "A irresolute")
    assert sol.profile[b][1] == pytest.approx(0.5, abs=0.02)
    assert sol.profile[irr][0] == pytest.approx(0.5, abs=0.02)
    assert sol.nash_conv < 1e-2


def test_gambit_adapter_optional() -> None:
    pytest.importorskip("pygambit")
    sol = solve(audience_cost_game(0.2, 1.0, 3.0), "gambit")
    g = sol.game
    b = next(k for k, s in enumerate(g.infosets) if s.label == "B after challenge")
    assert sol.profile[b][1] == pytest.approx(0.5, abs=1e-3)


runner = CliRunner()


def test_cli_game_json_and_efg(tmp_path: Path) -> None:
    out = tmp_path / "g.efg"
    res = runner.invoke(app, ["game", "geneva-2022", "--json", "--efg", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["outcome_class"] == "stalemate" and d["method"] == "backward"
    assert [s["chosen"] for s in d["path"]][:3] == ["ultimatum", "reject", "hold"]
    assert any(t["parameter"] == "rus_war_cost" and t["below"] for t in d["thresholds"])
    res2 = runner.invoke(app, ["game", str(out), "--json"])
    assert res2.exit_code == 0 and json.loads(res2.stdout)["values"] == pytest.approx(d["values"])


@pytest.mark.parametrize("args", [["--solver", "nope"], ["--template", "nope"]])
def test_cli_game_bad_input_exits_2(args: list[str]) -> None:
    res = runner.invoke(app, ["game", "geneva-2022", *args])
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_schema_games_cross_references(tmp_path: Path) -> None:
    text = GENEVA.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("challenger_war_cost: rus_war_cost", "challenger_war_cost: no_such_param"))
    with pytest.raises(InputError, match="no_such_param"):
        load_scenario(bad)
    bad.write_text(text.replace("challenger_war_cost: rus_war_cost", "war_cost_typo: rus_war_cost"))
    with pytest.raises(InputError):
        load_scenario(bad)
    bad.write_text(text.replace("      defender: usa\n", "      defender: rus\n"))
    with pytest.raises(InputError, match="different"):
        load_scenario(bad)


def test_cli_game_json_is_byte_identical() -> None:
    a = runner.invoke(app, ["game", "geneva-2022", "--json"])
    b = runner.invoke(app, ["game", "geneva-2022", "--json"])
    assert a.exit_code == 0 and a.stdout == b.stdout


def test_threshold_summary_names_escalation(geneva_run) -> None:
    summary = geneva_run.to_dict()["threshold_summary"]
    assert any(line.startswith("Escalation if rus_war_cost is below 0.15") for line in summary)


def test_auto_uses_the_exact_trace_up_to_400_actions_then_cfr() -> None:
    from detente.games.templates.literature import risk_return_brute_force, risk_return_game

    g = risk_return_game(12, 12, 0.5, 0.1, 0.5, chance_first=True)  # 445 nodes, 300 actions (G5)
    sol = solve(g, enumerate_pure=False)
    assert sol.method == "sequential" and sol.exact and sol.regret < 1e-9
    a = next(k for k, s in enumerate(g.infosets) if s.label == "A demands")
    best, _ = risk_return_brute_force(12, 12, 0.5, 0.1, 0.5)
    assert max(range(12), key=sol.profile[a].__getitem__) == best
    pytest.importorskip("pyspiel")
    g = risk_return_game(16, 16, 0.5, 0.1, 0.5, chance_first=True)  # 528 actions
    sol = solve(g, enumerate_pure=False)
    assert sol.method == "openspiel" and not sol.exact
    assert sol.notes[0].startswith("528 actions in information sets")
    a = next(k for k, s in enumerate(g.infosets) if s.label == "A demands")
    best, _ = risk_return_brute_force(16, 16, 0.5, 0.1, 0.5)
    assert max(range(16), key=sol.profile[a].__getitem__) == best
    assert sol.nash_conv < 1e-3
