"""Third outside-reader review (DECISIONS H12): what the outputs say agrees with their own numbers."""

from __future__ import annotations

import detente.analysis  # noqa: F401  (registers the layers)
from detente.analysis.analyze import AnalyzeOptions, analyze
from detente.scenario.loader import load_scenario_text

TWO_ISSUES = """\
detente: 1
meta: {id: two, title: Two issues, perspective: Made up for tests.}
actors:
  - {id: a, name: Alpha, capability: 10}
  - {id: b, name: Beta, capability: 10}
  - {id: c, name: Gamma, capability: 10}
issues:
  - {id: x, name: Issue X, status_quo: 50}
  - {id: y, name: Issue Y, status_quo: 50}
positions:
  a: {x: {position: 100, salience: 1.0}, y: {position: 0, salience: 0.1}}
  b: {x: {position: 60, salience: 0.2}, y: {position: 100, salience: 1.0}}
  c: {x: {position: 0, salience: 0.2}, y: {position: 40, salience: 0.2}}
"""


def _bottom(claim: str) -> tuple[str, dict]:
    sc = load_scenario_text(TWO_ISSUES + "claims:\n  - " + claim + "\n")
    a = analyze(sc, AnalyzeOptions(models=("compromise",)))
    return "\n".join(a.summary["lines"]), a.summary["strong_position"]


def test_a_strong_actor_claim_on_one_issue_is_read_on_that_issue() -> None:
    """Compromise forecast: X = (100*10 + 60*2 + 0*2) / 14 = 80, Y = (0*1 + 100*10 + 40*2) / 13 = 83.1.
    Gains on X (salience x share moved toward the actor): a +0.30, b -0.02, c -0.06; overall b leads
    (+0.31, from Y). The bottom line said 'That agrees with claim S' although b ranks 2 of 3 on X."""
    text, sp = _bottom("{id: S, text: Beta is strong on X., check: {kind: strongest_actor, actor: b, issue: x}}")
    assert sp["top"] == "b" and sp["named_issue"] == "x" and sp["rank_of_named"] == 2 and sp["agrees"] is False
    assert "names Beta on Issue X, where it ranks 2 of 3" in text and "Alpha gains most there, +0.30" in text
    assert "That agrees" not in text


def test_the_same_claim_on_the_issue_it_leads_agrees() -> None:
    text, sp = _bottom("{id: S, text: Alpha is strong on X., check: {kind: strongest_actor, actor: a, issue: x}}")
    assert sp["rank_of_named"] == 1 and sp["agrees"] is True
    assert "On Issue X, Alpha gains most, as claim S says (+0.30)" in text


def test_a_claim_over_all_issues_is_still_read_on_the_whole_table() -> None:
    text, sp = _bottom("{id: S, text: Beta is strong., check: {kind: strongest_actor, actor: b}}")
    assert sp["rank_of_named"] == 1 and sp["agrees"] is True and "named_issue" not in sp
    assert "That agrees with claim S, which names Beta." in text


SIM = """\
detente: 1
meta: {id: duel3, title: Two powers and a neighbour, perspective: Made up for tests.,
       tags: [crisis, "challenger:a", "defender:b"]}
actors:
  - {id: a, name: Alpha, capability: 1}
  - {id: b, name: Beta, capability: 1}
  - {id: c, name: Gamma, capability: 1}
issues:
  - {id: x, name: Issue X, status_quo: 0}
positions:
  a: {x: {position: 100, salience: 1.0}}
  b: {x: {position: 0, salience: 0.8}}
  c: {x: {position: 20, salience: 0.5}}
moves:
  - {id: a_demand, actor: a, type: demand, target: b, issue: x, position: 100, step: 1}
  - {id: b_reject, actor: b, type: reject, target: a, issue: x, step: 2}
parameters: {a_war_cost: {value: 0.3, low: 0.1, high: 0.6}, b_war_cost: 0.4, horizon: 2}
simulation: {players: [a, b], rounds: 2, runs: 20, temperature: 0.05, scripted: [a, b]}
"""


def test_runs_lengthened_past_simulation_rounds_say_so_everywhere(tmp_path) -> None:
    """The crisis players need 3 rounds of history (steps 1-2, last step + 1) + the horizon 2 = 5; the
    scenario says 2. The table said 'runs of 5 rounds' with no word on why."""
    import json

    from typer.testing import CliRunner

    from detente.cli import app

    p = tmp_path / "s.yaml"
    p.write_text(SIM, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["simulate", str(p), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["rounds"] == 5 and d["policy"]["history_rounds"] == 3
    assert d["policy"]["extended"].startswith("simulation.rounds 2 lengthened to 5 (3 of history")
    term = runner.invoke(app, ["simulate", str(p)]).output
    flat = " ".join(term.replace("│", " ").split())
    assert "simulation.rounds 2 lengthened to 5" in flat
    assert "the crisis model's own section mixes their choice probabilities" in flat  # a third party: c
    assert "extended" not in json.loads(runner.invoke(app, ["simulate", str(p), "--json", "--rounds", "7"]
                                                      ).stdout)["policy"]  # asked for: nothing to flag


def test_a_sweep_does_not_advise_per_draw_layers_where_there_is_no_simulation(tmp_path) -> None:
    """A negotiation with no simulation and no games section: the sweep told the analyst to add
    --per-draw-layers (which then counted nothing) and that a crisis-game claim 'is counted above'."""
    from typer.testing import CliRunner

    from detente.cli import app

    p = tmp_path / "s.yaml"
    p.write_text(TWO_ISSUES + "claims:\n  - {id: O, text: They agree., check: {kind: outcome_class, equals: "
                 "agreement}}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["sweep", str(p), "--draws", "5", "-m", "compromise", "--out",
                                   str(tmp_path / "sw")])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.replace("│", " ").split())
    assert "--per-draw-layers" not in flat and "counted above" not in flat
    assert "no layer counts it over draws: the scenario has no 'simulation:' section and no 'games:' section" \
        in flat


def test_a_number_target_is_named_once() -> None:
    """'compromise forecast 80.0 is 10.0 from 70 (70)' printed the number twice."""
    sc = load_scenario_text(TWO_ISSUES + "claims:\n  - {id: N, text: X lands near 70., check: {kind: forecast_near, "
                            "issue: x, target: 70, within: 15}}\n  - {id: Q, text: X stays., check: {kind: "
                            "forecast_near, issue: x, target: status_quo, within: 5}}\n")
    a = analyze(sc, AnalyzeOptions(models=("compromise",)))
    why = {v.claim: v.detail for v in a.claims}
    assert why["N"] == "compromise forecast 80.0 is 10.0 from 70; the claim allows 15"  # (1000 + 120) / 14 = 80
    assert why["Q"] == "compromise forecast 80.0 is 30.0 from the status quo (50); the claim allows 5"


def test_a_cost_stated_for_a_third_party_the_model_does_not_solve_says_why() -> None:
    """Seven third parties: only the six largest (capability x salience) choose. The smallest one's
    mediation cost was listed as 'parameters no layer reads', though the README says the model reads
    <actor>_mediation_cost: the reason is that its party is not solved."""
    from detente.games.crisis.spec import UNSOLVED, build_inputs
    from detente.games.crisis.third import MAX_STRATEGIC

    assert MAX_STRATEGIC == 6
    head = ("detente: 1\nmeta: {id: many, title: Many, perspective: Made up for tests., "
            'tags: [crisis, "challenger:a", "defender:b"]}\nactors:\n'
            "  - {id: a, name: A, capability: 10}\n  - {id: b, name: B, capability: 10}\n")
    thirds = [f"t{k}" for k in range(7)]
    text = (head + "".join(f"  - {{id: {t}, name: {t}, capability: {k + 1}}}\n" for k, t in enumerate(thirds))
            + "issues:\n  - {id: x, name: X, status_quo: 0}\npositions:\n"
            + "  a: {x: {position: 100, salience: 1.0}}\n  b: {x: {position: 0, salience: 1.0}}\n"
            + "".join(f"  {t}: {{x: {{position: 50, salience: 0.5}}}}\n" for t in thirds)
            + "parameters: {t0_mediation_cost: 0.01, t6_mediation_cost: 0.01}\n")
    inp = build_inputs(load_scenario_text(text))
    assert inp.unsolved == ["t0_mediation_cost"] and inp.unused == []  # t0 is the smallest; t6 chooses
    assert UNSOLVED + "t0_mediation_cost" in inp.warnings()


def test_the_crisis_model_names_its_principals_and_where_they_came_from(tmp_path) -> None:
    """Without tags, games or simulation the principals are the two largest capability x salience actors:
    a default the terminal output never named (only the JSON's inputs.read did)."""
    from typer.testing import CliRunner

    from detente.cli import app

    p = tmp_path / "s.yaml"
    p.write_text(TWO_ISSUES + "parameters: {horizon: 1}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["game", str(p)])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "from the largest capability x salience (a default: tag challenger:ID and defender:ID" in flat
    q = tmp_path / "t.yaml"
    q.write_text(TWO_ISSUES.replace("perspective: Made up for tests.}",
                                    'perspective: Made up for tests., tags: ["challenger:b", "defender:a"]}')
                 + "parameters: {horizon: 1}\n", encoding="utf-8")
    flat = " ".join(CliRunner().invoke(app, ["game", str(q)]).output.split())
    assert "Principals: b (challenger) and a (defender), from the meta tags" in flat and "a default" not in flat


def test_a_missed_known_outcome_is_missed_by_the_layers_listed_not_by_every_layer() -> None:
    """'no layer predicts it' while `detente backtest cases` scored the models layer's class a hit on the
    same scenario: the bottom line lists only the crisis game, crisis model and simulation."""
    sc = load_scenario_text(SIM)
    a = analyze(sc, AnalyzeOptions(models=("compromise",)))
    predicted = {p["class"] for p in a.summary["outcome"]["predicted"].values()}
    missed = next(c for c in ("agreement", "stalemate", "capitulation", "escalation") if c not in predicted)
    sc = load_scenario_text(SIM + f"known_outcome: {{class: {missed}}}\n")
    text = "\n".join(analyze(sc, AnalyzeOptions(models=("compromise",))).summary["lines"])
    assert f"Known outcome: {missed} — none of these layers predicts it." in text
    assert "no layer predicts it" not in text


def test_game_on_a_scenario_analyze_does_not_treat_as_a_crisis_says_so(tmp_path) -> None:
    """`game` solved the crisis model on a legislative bargain (H12: COP28 got 'escalation 0.55') without
    saying that analyze skips the crisis layer there; a crisis-tagged scenario gets no such warning."""
    from typer.testing import CliRunner

    from detente.cli import app

    p = tmp_path / "s.yaml"
    p.write_text(TWO_ISSUES + "parameters: {horizon: 1}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["game", str(p)])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.split())
    assert "not a crisis scenario" in flat and "analyze skips the crisis model" in flat
    q = tmp_path / "t.yaml"
    q.write_text(TWO_ISSUES.replace("perspective: Made up for tests.}",
                                    'perspective: Made up for tests., tags: ["crisis"]}')
                 + "parameters: {horizon: 1}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["game", str(q)])
    assert res.exit_code == 0, res.output
    assert "not a crisis scenario" not in " ".join(res.output.split())
