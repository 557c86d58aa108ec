"""Fourth outside-reader review (DECISIONS H13): inputs and outputs that misled or hung before, each
checked against what the user now sees (one line and exit 2, or the reason beside the number)."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD, one_line_error

runner = CliRunner()
SIM = ("simulation: {players: [a, b], rounds: 4, runs: 5, temperature: 0.05, scripted: [a, b]}\n"
       "parameters: {horizon: 1}\n")
MOVES = ("moves:\n"
         "  - {id: a_dem, actor: a, type: demand, target: b, issue: x, position: 100, step: 0}\n"
         "  - {id: b_rej, actor: b, type: reject, target: a, issue: x, step: STEP}\n")


def _write(tmp_path, text: str):
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(("old", "new", "field"), [
    ("runs: 5", "runs: true", "simulation.runs"),
    ("rounds: 4", "rounds: yes", "simulation.rounds"),
    ("step: 0}", "step: true}", "moves[0].step"),
    ("temperature: 0.05,", "temperature: 0.05, influence_rate: true,", "simulation.influence_rate"),
])
def test_a_boolean_where_a_count_or_number_belongs_is_refused(tmp_path, old, new, field) -> None:
    """YAML's true/yes is 1 to Python: `runs: true` ran one run and `step: true` played at step 1, silently."""
    text = DUEL_HEAD + MOVES.replace("STEP", "1") + SIM
    assert old in text
    p = _write(tmp_path, text.replace(old, new, 1))
    assert "got a boolean" in one_line_error(runner.invoke(app, ["validate", str(p)]), field)


def test_a_boolean_seed_in_the_file_is_refused(tmp_path) -> None:
    p = _write(tmp_path, DUEL_HEAD + "settings: {seed: true}\n")
    one_line_error(runner.invoke(app, ["validate", str(p)]), "settings.seed")
    assert runner.invoke(app, ["validate", str(_write(tmp_path, DUEL_HEAD + "settings: {seed: 1}\n"))]).exit_code == 0


@pytest.mark.parametrize("command", [["validate"], ["simulate"], ["analyze", "--json"]])
def test_a_history_step_past_the_rounds_limit_is_refused_at_once(tmp_path, command) -> None:
    """The crisis players' runs play one round per step of the history: a step of 10^9 made every run
    10^9 rounds long and `simulate`/`analyze` never finished."""
    p = _write(tmp_path, DUEL_HEAD + MOVES.replace("STEP", "1000000000") + SIM)
    t0 = time.perf_counter()
    line = one_line_error(runner.invoke(app, [command[0], str(p), *command[1:]]), "moves[1].step")
    assert "991" in line and time.perf_counter() - t0 < 10
    ok = _write(tmp_path, DUEL_HEAD + MOVES.replace("STEP", "991") + SIM)
    assert runner.invoke(app, ["validate", str(ok)]).exit_code == 0


def test_a_scripted_move_after_the_last_round_is_listed_not_dropped(tmp_path) -> None:
    """With the logit players a scripted move at step 20 of a 4-round run was never played, without a word."""
    p = _write(tmp_path, DUEL_HEAD + MOVES.replace("STEP", "20") + SIM)
    res = runner.invoke(app, ["simulate", str(p), "--policy", "logit", "--json"])
    assert res.exit_code == 0, res.output
    said = json.loads(res.output)["policy"]["unplayed"]
    assert "b_rej (step 20)" in said and "4 rounds" in said
    res = runner.invoke(app, ["simulate", str(p), "--policy", "logit"])
    assert "never played" in " ".join(res.output.split())
    fine = _write(tmp_path, DUEL_HEAD + MOVES.replace("STEP", "1") + SIM)
    res = runner.invoke(app, ["simulate", str(fine), "--policy", "logit", "--json"])
    assert "unplayed" not in json.loads(res.output)["policy"]


@pytest.mark.parametrize(("tags", "ok"), [
    ('[crisis, "challenger:a", "defender:b", "challenger:b"]', False),
    ('[crisis, "challenger:a", "defender:b", "channels:public", "channels:both"]', False),
    ('[crisis, "challenger:a", "defender:b", "challenger:a"]', True),
])
def test_a_setting_tag_given_twice_with_different_values_is_refused(tmp_path, tags, ok) -> None:
    """The last tag won without a word: 'challenger:a' then 'challenger:b' quietly swapped the principals."""
    head = DUEL_HEAD.replace('tags: [crisis, "challenger:a", "defender:b"]', f"tags: {tags}")
    res = runner.invoke(app, ["validate", str(_write(tmp_path, head))])
    if ok:
        assert res.exit_code == 0, res.output
    else:
        assert "contradicts" in one_line_error(res, "meta.tags[3]" if "challenger:b" in tags else "meta.tags[4]")


def test_an_actor_with_no_position_is_listed_among_the_warnings() -> None:
    """An actor with no stance was in no table, model or third-party choice, and nothing said so."""
    from detente.analysis.analyze import Analysis, AnalyzeOptions
    from detente.analysis.summary import defaults_and_warnings
    from detente.scenario.loader import load_scenario_text as scenario_from_yaml

    head = DUEL_HEAD.replace("  - {id: b, name: Beta, capability: 1}\n",
                             "  - {id: b, name: Beta, capability: 1}\n  - {id: c, name: Gamma, capability: 1}\n")
    sc = scenario_from_yaml(head, "s.yaml")
    a = Analysis(sc, AnalyzeOptions(), {}, None, [], {})  # type: ignore[arg-type]
    text = " ".join(w.text() for w in defaults_and_warnings(a)[1])
    assert "no position on any issue" in text and text.rstrip().endswith("c")
    sc = scenario_from_yaml(head + "  c: {x: {position: 50, salience: 0.5}}\n", "s.yaml")
    a = Analysis(sc, AnalyzeOptions(), {}, None, [], {})  # type: ignore[arg-type]
    assert "no position on any issue" not in " ".join(w.text() for w in defaults_and_warnings(a)[1])


def test_the_wider_column_says_why_a_simulation_count_has_no_partner() -> None:
    from detente.report.uncertainty import wider_cell

    sim = {"evaluated": 100, "holds": 35, "probability": 0.35, "counted_by": "sim"}
    assert "stated ranges only" in wider_cell(sim, None)
    models = {"evaluated": 2000, "holds": 50, "probability": 0.025}
    assert wider_cell(models, {"evaluated": 2000, "holds": 272, "probability": 0.136}).startswith("272/2000")


def test_the_reports_uncertainty_table_gives_the_reason_for_a_claim_no_draw_counts() -> None:
    from detente.report.sections import uncertainty_section

    class R:
        def to_dict(self):
            return {"draws": 10, "seed": 1, "parameters": ["p"], "forecasts": {},
                    "claim_texts": {"K": "crisis claim", "S": "sim claim"},
                    "claims": {"S": {"evaluated": 80, "holds": 80, "probability": 1.0, "counted_by": "sim"}},
                    "wider": {"factor": 2.0, "claims": {}}}

    html = uncertainty_section(R())
    assert "no layer counts it over draws" in html and "stated ranges only" in html


@pytest.mark.parametrize(("span", "digits"), [(100, 1), (1000, 1), (25, 1), (10, 1), (1, 2), (0.5, 3), (0.1, 3)])
def test_decimals_follow_the_issue_scale(span, digits) -> None:
    """About 1% of the scale: hand-computed (2 - floor(log10(span)), at least 1)."""
    from detente.formatting import scale_digits

    assert scale_digits(span) == digits


def test_a_zero_to_one_issue_is_not_rounded_to_one_decimal() -> None:
    """On a 0-1 scale the coded outcome 0.35 printed as '0.3' and a forecast of 0.55 as '0.6'."""
    from rich.console import Console

    from detente.models import get_model
    from detente.report.terminal import forecast_table
    from detente.scenario.loader import load_scenario_text as scenario_from_yaml

    text = DUEL_HEAD.replace("{id: x, name: Issue X, status_quo: 0}",
                             "{id: x, name: Issue X, status_quo: 0, scale: {min: 0, max: 1}}")
    text = text.replace("position: 100", "position: 1") + "known_outcome: {class: agreement, values: {x: 0.35}}\n"
    sc = scenario_from_yaml(text, "s.yaml")
    con = Console(width=200, record=True)
    con.print(forecast_table(sc, {"compromise": get_model("compromise").run(sc)}, point_note="NOTE"))
    out = con.export_text()
    # compromise: (1 * 1.0 * 1 + 1 * 0.8 * 0) / (1.0 + 0.8) = 0.5556
    assert "0.35" in out and "0.56" in out and "NOTE" in out


@pytest.mark.parametrize(("case", "says"), [("ec-emissions-1994", "no number is given as a range"),
                                            ("geneva-2022", "19 numbers are given as ranges")])
def test_forecast_says_where_the_uncertainty_is(case, says) -> None:
    res = runner.invoke(app, ["forecast", case])
    assert res.exit_code == 0 and says in " ".join(res.output.split())


def test_fewer_game_draws_are_explained_in_terminal_and_report(tmp_path) -> None:
    """An audience-cost game (information sets) is counted over 24 draws, not the README's 200: the
    bottom line said '58.3% of 24 draws' and nothing said why; the report had no paths table at all."""
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.games_layer import games_layer
    from detente.report.sections import games_section
    from detente.scenario.loader import load_scenario_text as scenario_from_yaml

    text = DUEL_HEAD + (
        "channels: [{id: pub, name: Public, kind: public, audience_cost: 0.5, participants: [a, b]}]\n"
        "parameters: {pr: {low: 0.3, mode: 0.5, high: 0.8}, vr: 0.2, vi: -0.5, dw: 0.4}\n"
        "games: {specs: [{id: ac, template: audience_cost, challenger: a, defender: b, issue: x, "
        "public_channel: pub, costs: {prior_resolve: pr, challenger_war_value_resolved: vr, "
        "challenger_war_value_irresolute: vi, defender_war_cost: dw}}]}\n")
    sc = scenario_from_yaml(text, "s.yaml")
    run = games_layer(sc, AnalyzeOptions())
    assert run is not None and run.ranges is not None and run.ranges["draws"] == 24
    assert "not 200" in run.ranges["draws_note"] and "information sets" in run.ranges["draws_note"]
    html = games_section(run)
    assert "Equilibrium paths over 24 draws" in html and "not 200" in html


def test_the_report_stands_when_no_draw_gives_a_forecast() -> None:
    """Every salience 0 (or every capability 0): the compromise model gives no forecast in any draw, and
    the report's interval chart raised KeyError 'intervals': a traceback and no report."""
    from detente.report.sections import uncertainty_section

    class R:
        def to_dict(self):
            return {"draws": 10, "seed": 1, "parameters": ["p"], "claim_texts": {},
                    "forecasts": {"compromise": {"x": {"n": 0}, "y": {"n": 0}}},
                    "claims": {}, "wider": {"factor": 2.0, "claims": {}}}

    html = uncertainty_section(R())
    assert "No interval for x, y" in html


def test_analyze_with_every_salience_zero_writes_its_report(tmp_path) -> None:
    text = ("detente: 1\nmeta: {id: z, title: Zero, perspective: Made up for tests.}\n"
            "actors:\n  - {id: a, name: A, capability: {low: 1, mode: 2, high: 3}}\n"
            "  - {id: b, name: B, capability: 1}\n"
            "issues:\n  - {id: x, name: X, status_quo: 50}\n"
            "positions:\n  a: {x: {position: 0, salience: 0}}\n  b: {x: {position: 100, salience: 0}}\n")
    p = _write(tmp_path, text)
    res = runner.invoke(app, ["analyze", str(p), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_principals_with_nothing_at_stake_are_refused_not_a_zero_division(tmp_path) -> None:
    """Both principals at salience 0 on the issue they contest: the crisis model's linkage frontier
    divided by zero (ZeroDivisionError traceback in validate, game and analyze)."""
    p = _write(tmp_path, DUEL_HEAD.replace("salience: 1.0", "salience: 0").replace("salience: 0.8", "salience: 0"))
    for command in (["validate"], ["game"]):
        line = one_line_error(runner.invoke(app, [*command, str(p)]), "positions.a")
        assert "nothing is at stake" in line
    one = _write(tmp_path, DUEL_HEAD.replace("salience: 1.0", "salience: 0"))  # one side's stake is enough
    assert runner.invoke(app, ["validate", str(one)]).exit_code == 0


def test_a_strongest_actor_claim_on_an_issue_the_actor_skips_says_so() -> None:
    from detente.analysis.claims import Context, _strongest
    from detente.models import get_model
    from detente.scenario.loader import load_scenario_text

    text = DUEL_HEAD.replace("  - {id: b, name: Beta, capability: 1}\n",
                             "  - {id: b, name: Beta, capability: 1}\n  - {id: c, name: Gamma, capability: 1}\n")
    text = text.replace("issues:\n  - {id: x, name: Issue X, status_quo: 0}\n",
                        "issues:\n  - {id: x, name: Issue X, status_quo: 0}\n  - {id: y, name: Y, status_quo: 0}\n")
    text += ("  c: {y: {position: 100, salience: 0.5}}\n"
             "claims: [{id: S, text: c leads on x, check: {kind: strongest_actor, actor: c, issue: x}}]\n")
    sc = load_scenario_text(text, "s.yaml")
    v = _strongest(sc.claims[0], Context(sc, {"compromise": get_model("compromise").run(sc)}, {}))
    assert v.status == "fails" and "c takes no position on x" in v.detail


@pytest.mark.parametrize(("extra_a", "extra_b", "says"), [
    (", represents: a", "", "'a' represents itself"),
    (", represents: b", ", represents: a", "a -> b -> a"),
])
def test_an_actor_that_represents_itself_or_a_loop_is_refused(tmp_path, extra_a, extra_b, says) -> None:
    """'represents' names whose moves an actor makes: a loop left them with no player, without a word."""
    text = (DUEL_HEAD.replace("{id: a, name: Alpha, capability: 1}", "{id: a, name: Alpha, capability: 1"
                              + extra_a + "}")
            .replace("{id: b, name: Beta, capability: 1}", "{id: b, name: Beta, capability: 1" + extra_b + "}"))
    line = one_line_error(runner.invoke(app, ["validate", str(_write(tmp_path, text))]), "actors[0].represents")
    assert says in line


def test_an_outcome_claim_that_holds_as_a_plurality_says_it_is_not_a_majority() -> None:
    """'holds' (the simulation's most frequent class) beside 'holds in 35 of 100 runs' read as a majority."""
    from types import SimpleNamespace

    from detente.analysis.claims import Context
    from detente.analysis.sim_layer import SimLayerResult, _outcome_class
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(DUEL_HEAD + "claims: [{id: K, text: k, check: {kind: outcome_class, equals: agreement,"
                            " layer: sim}}]\n", "s.yaml")
    classes = ["agreement"] * 35 + ["stalemate"] * 33 + ["escalation"] * 32
    runs = [SimpleNamespace(outcome=SimpleNamespace(cls=c)) for c in classes]
    freq = {c: classes.count(c) / 100 for c in ("agreement", "stalemate", "escalation")}
    batch = SimpleNamespace(runs=runs, modal="agreement", frequencies=freq)
    res = SimLayerResult(seed=1, rounds=4, batch=batch, known_outcome=None)  # type: ignore[arg-type]
    v = _outcome_class(sc.claims[0], Context(sc, {}, {"sim": res}))
    assert v.status == "holds" and "35% of runs, not a majority" in v.detail


def test_the_crisis_models_plurality_verdict_says_it_is_below_one_half() -> None:
    from types import SimpleNamespace

    from detente.analysis.claims import Context
    from detente.analysis.crisis_layer import crisis_outcome_class
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(DUEL_HEAD + "claims: [{id: K, text: k, check: {kind: outcome_class, equals: stalemate,"
                            " layer: crisis}}]\n", "s.yaml")
    probs = {"stalemate": 0.42, "escalation": 0.38, "agreement": 0.19, "capitulation": 0.01}
    run = SimpleNamespace(outcome_class="stalemate", probs=probs, qre=SimpleNamespace(lam=10.0))
    v = crisis_outcome_class(sc.claims[0], Context(sc, {}, {"crisis": run}))
    assert v.status == "holds" and "below one half" in v.detail
    run.probs = {**probs, "stalemate": 0.62, "escalation": 0.18}
    assert "below one half" not in crisis_outcome_class(sc.claims[0], Context(sc, {}, {"crisis": run})).detail


def test_the_terminal_says_why_auto_fell_back_to_the_logit_players() -> None:
    """The HTML gave the reason; the terminal's caption said only 'logit choice after the script'."""
    from detente.report.sim import frequency_table

    d = {"runs": 5, "rounds": 4, "seed": 1, "ranges": "fixed", "runs_with_concessions": 0,
         "runs_with_public_concessions": 0, "frequencies": {"stalemate": 1.0},
         "policy": {"policy": "logit", "why": "logit: the crisis model's principals (a, c) are not the players"}}
    assert "(the crisis model's principals (a, c) are not the players)" in frequency_table(d).caption
    d["policy"] = {"policy": "logit", "why": "logit (chosen)"}
    assert "(" not in frequency_table(d).caption.split(";")[0]


def test_backtest_cases_says_what_it_is_doing_on_a_terminal(tmp_path, monkeypatch) -> None:
    """`backtest cases --dir D --loo` ran minutes with nothing on the screen."""
    import io
    import sys

    from rich.console import Console

    import detente.report.progress as progress

    cli_app = sys.modules["detente.cli.app"]
    buf = io.StringIO()
    monkeypatch.setattr(cli_app, "err_console", lambda: Console(file=buf, force_terminal=True, width=200))
    monkeypatch.setattr(progress, "SLOW", 0.0)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "s.yaml").write_text(DUEL_HEAD + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    res = runner.invoke(app, ["backtest", "cases", "--dir", str(tmp_path / "c"), "--layer", "models"])
    assert res.exit_code == 0, res.output
    assert "· scoring the cases: " in buf.getvalue()


@pytest.mark.parametrize("command", [["game"], ["simulate", "-n", "3"]])
def test_game_and_simulate_give_the_base_rate_beside_their_classes(tmp_path, command) -> None:
    """Only analyze's bottom line gave the base rate; a user of `game` or `simulate` saw classes alone."""
    from detente.scenario.priors import base_rates

    rates = base_rates()
    if not rates:
        pytest.skip("no ICB base rates in this install")
    p = _write(tmp_path, DUEL_HEAD + "parameters: {horizon: 1}\nsimulation: {players: [a, b], rounds: 3, runs: 5, "
               "temperature: 0.05}\n")
    res = runner.invoke(app, [command[0], str(p), *command[1:]])
    assert res.exit_code == 0, res.output
    assert f"Base rate: ICB's {rates['n']} crisis actors" in " ".join(res.output.split())


def test_the_outcome_line_points_at_a_game_claim_only_when_there_is_one() -> None:
    """'a claim on the crisis game's outcome class is counted above' was printed for a scenario with a
    games section and no such claim (Gaza: its outcome claim was the crisis model's)."""
    from detente.report.uncertainty import outcome_line
    from detente.scenario.loader import load_scenario_text

    games = ("games: {specs: [{id: g, template: two_track, challenger: a, defender: b, issue: x}]}\n"
             "simulation: {players: [a, b], rounds: 3, runs: 5, temperature: 0.05}\n")
    crisis = "claims: [{id: K, text: k, check: {kind: outcome_class, equals: agreement, layer: crisis}}]\n"
    sc = load_scenario_text(DUEL_HEAD + games + crisis, "s.yaml")
    assert "counted above" not in outcome_line(None, sc).plain
    sc = load_scenario_text(DUEL_HEAD + games + crisis.replace("layer: crisis", "layer: games"), "s.yaml")
    assert "counted above" in outcome_line(None, sc).plain
