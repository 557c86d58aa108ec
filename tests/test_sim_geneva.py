"""The founding case through the simulation layer, the analysis and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.analysis.analyze import AnalyzeOptions, analyze
from detente.cases import case_path
from detente.cli import app
from detente.scenario.loader import load_scenario
from detente.sim import compile_world, simulate


def test_geneva_log_tells_the_articles_process():
    sc = load_scenario(case_path("geneva-2022"))
    run = simulate(compile_world(sc), seed=2022).runs[0]
    text = run.log_text()
    assert "public track (Geneva bilateral talks" in text
    # who demands what of whom, and what the position means on the scale
    assert ("Russia demands of the United States: NATO's eastward expansion at 100 (legally binding "
            "non-expansion and NATO posture returned to 1997)") in text
    assert "The United States rejects Russia's demand on NATO's eastward expansion" in text
    assert "closed track (Closed channels" in text and "The United States offers Russia: Ukraine's relation" in text
    assert "The United States opens an information campaign on Sanctions on Russia" in text
    assert "Russia opens an information campaign" in text and "counter-offensive" in text
    assert "Russia threatens the United States" in text
    assert "Western publics on Sanctions on Russia: " in text and "toward “maximal”" in text
    assert " demands United States" not in text  # the old, unreadable form
    assert text.splitlines()[-1].startswith("outcome after")
    # every concession is made on the closed track in the scripted narrative
    assert run.concessions and all(c["track"] == "closed" for c in run.concessions if c["round"] <= 4)


@pytest.mark.slow
def test_geneva_claims_c4_c5_c6_are_evaluated_by_simulation():
    sc = load_scenario(case_path("geneva-2022"))
    sc = sc.model_copy(update={"simulation": sc.simulation.model_copy(update={"runs": 30})})
    res = analyze(sc, AnalyzeOptions(seed=1, sim_policy="logit"))  # break-evens: the logit policy's
    verdicts = {v.claim: v for v in res.claims if v.layer == "sim"}
    assert set(verdicts) >= {"C4", "C5", "C6"}
    for v in verdicts.values():
        assert v.status in {"holds", "fails"} and 0.0 <= v.probability <= 1.0
    sim = res.to_dict()["sim"]
    assert abs(sum(sim["frequencies"].values()) - 1.0) < 1e-9
    assert sim["known_outcome"] == "escalation"
    assert "escalation" in verdicts["C4"].detail
    assert sim["ranges"] == "sample" and "parameters.rus_war_cost" in sim["sampled"]
    rus = sim["break_even"]["players"][0]
    assert rus["player"] == "rus" and rus["escalates_at_modes"] is False
    cost = rus["settings"][0]
    # the article's premise (war cost 0.3-0.9) is far from the line: only a war that pays for
    # itself would be chosen with the other settings at their modes
    assert cost["key"] == "parameters.rus_war_cost" and cost["value"] is not None and cost["value"] < 0.3
    assert cost["within_range"] is False


def test_cli_simulate_log_json_and_errors(tmp_path):
    runner = CliRunner()
    a = runner.invoke(app, ["simulate", "geneva-2022", "--log", "--seed", "4"])
    b = runner.invoke(app, ["simulate", "geneva-2022", "--log", "--seed", "4"])
    assert a.exit_code == 0 and a.output == b.output
    assert "round 1" in a.output
    j = runner.invoke(app, ["simulate", "geneva-2022", "--log", "--json", "--seed", "4"])
    records = [json.loads(x) for x in j.output.splitlines()]
    assert records[-1]["kind"] == "outcome"
    s = runner.invoke(app, ["simulate", "geneva-2022", "--runs", "5", "--rounds", "6", "--json"])
    d = json.loads(s.output)
    assert d["runs"] == 5 and d["rounds"] == 6 and len(d["outcomes"]) == 5
    bad = tmp_path / "bad.yaml"
    bad.write_text("detente: 1\nmeta: {id: x, title: x, perspective: x}\nactors: []\n")
    e = runner.invoke(app, ["simulate", str(bad)])
    assert e.exit_code == 2
    nosim = runner.invoke(app, ["simulate", "ec-emissions-1994"])
    assert nosim.exit_code == 2 and "simulation" in nosim.output
