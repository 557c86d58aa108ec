"""Known defects left by the H13/H14 reviews (DECISIONS SF4), each as an analyst meets it."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD, one_line_error

runner = CliRunner()
SIM = ("moves:\n"
       "  - {id: a_dem, actor: a, type: demand, target: b, issue: x, position: 100, step: 0}\n"
       "  - {id: b_rej, actor: b, type: reject, target: a, issue: x, step: 1}\n"
       "simulation: {players: [a, b], rounds: 4, runs: 5, temperature: 0.05, scripted: [a, b]}\n"
       "parameters: {horizon: 1}\n")
CONCESSION_CLAIM = ("claims:\n  - {id: K, text: Concessions come only in closed talks, "
                    "check: {kind: concessions_channel, channel_kind: closed}}\n")


def _write(tmp_path, text: str, name: str = "s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- 1. concessions_channel with no concession in any run ----------------------------------------------

def test_a_concession_claim_with_no_concession_in_any_run_is_not_evaluated(tmp_path) -> None:
    """'Concessions come only in closed talks' held (5 of 5 runs) when no run had a concession at all."""
    p = _write(tmp_path, DUEL_HEAD + SIM + CONCESSION_CLAIM)
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", str(p), "--sim-policy", "logit", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 not evaluated (K)" in " ".join(res.output.split())
    rows = [line.split("│")[1:-1] for line in res.output.splitlines() if line.count("│") == 6]  # the claims table
    cells = [" ".join(" ".join(r[i] for r in rows).split()) for i in range(5)]
    assert "not evaluated" in cells[2] and "no simulated run had a concession (0 of 5 runs)" in cells[4]
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    (k,) = [v for v in doc["claims"] if v["claim"] == "K"]
    assert doc["sim"]["runs_with_concessions"] == 0
    assert k["status"] == "not_evaluated" and k["draws"] is None and "no simulated run had a concession" in k["detail"]
    assert doc["summary"]["claims"]["not_evaluated"] == ["K"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "no simulated run had a concession (0 of 5 runs)" in html


def test_a_concession_claim_is_still_judged_when_some_run_concedes() -> None:
    """Runs with a concession among runs without: judged on the runs that conceded."""
    from detente.analysis.claims import Context
    from detente.analysis.sim_layer import SimLayerResult, _concessions_channel
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(DUEL_HEAD + CONCESSION_CLAIM, "s.yaml")

    def verdict(tracks: list[list[str]]):
        runs = [SimpleNamespace(concessions=[{"track": t} for t in ts]) for ts in tracks]
        res = SimLayerResult(seed=1, rounds=4, batch=SimpleNamespace(runs=runs), known_outcome=None)  # type: ignore[arg-type]
        return _concessions_channel(sc.claims[0], Context(sc, {}, {"sim": res}))

    # counted over the runs with a concession (LD1): a run without one says nothing on the channel
    v = verdict([["closed"], [], [], []])
    assert (v.status, v.held, v.draws) == ("holds", 1, 1) and v.detail.startswith("1 of 4 runs had concessions")
    v = verdict([["public"], ["field"], ["closed", "public"], []])
    assert (v.status, v.held, v.draws) == ("fails", 0, 3)
    # parakram-2001: four public concessions in 100 runs held "in 96 of 100" before
    v = verdict([["public"]] * 4 + [[]] * 96)
    assert (v.status, v.held, v.draws) == ("fails", 0, 4) and "4 had one off the closed track" in v.detail
    v = verdict([["closed"], ["closed"], ["public"], []])
    assert (v.status, v.held, v.draws) == ("holds", 2, 3)
    v = verdict([[], [], []])
    assert v.status == "not_evaluated" and v.draws is None and "0 of 3 runs" in v.detail


# -- 2. the two sides' chances of winning the same war -----------------------------------------------------

WAR_SIM = ("simulation:\n  players: [a, b]\n  rounds: 4\n  runs: 5\n  temperature: 0.05\n"
           "  war: {issues: [x], win_prob: {a: pa, b: pb}}\n")


def test_two_sides_each_ninety_percent_sure_of_winning_are_refused(tmp_path) -> None:
    """0.9 for each side of the same war passed; the crisis model read only the challenger's."""
    p = _write(tmp_path, DUEL_HEAD + "parameters: {a_war_win_prob: 0.9, b_war_win_prob: 0.9}\n")
    for command in (["validate"], ["analyze", "--json"]):
        line = one_line_error(runner.invoke(app, [*command, str(p)]), "parameters.b_war_win_prob")
        assert "sum to 1.8, more than 1" in line and "complement (0.1)" in line


def test_the_simulations_first_strike_chances_may_sum_past_one(tmp_path) -> None:
    """The simulation reads each side's number as its chance of winning a war it starts (sim.world.war_outcomes):
    0.6 each is a first-strike advantage, not a contradiction; SF4 refused it (H16)."""
    for params, sim in (("{pa: 0.7, pb: {value: 0.6, low: 0.2, high: 0.7}}", WAR_SIM),
                        ("{pa: 0.6}", WAR_SIM.replace("pb", "pa"))):  # one name, both sides
        p = _write(tmp_path, DUEL_HEAD + f"parameters: {params}\n" + sim)
        res = runner.invoke(app, ["validate", str(p)])
        assert res.exit_code == 0, res.output


def test_complements_and_a_rounding_slip_pass(tmp_path) -> None:
    for pa, pb in ((0.9, 0.1), (0.33, 0.675), (0.3, 0.3)):
        p = _write(tmp_path, DUEL_HEAD + f"parameters: {{a_war_win_prob: {pa}, b_war_win_prob: {pb}}}\n"
                   + WAR_SIM.replace("pa", "a_war_win_prob").replace("pb", "b_war_win_prob"))
        assert runner.invoke(app, ["validate", str(p)]).exit_code == 0, (pa, pb)


def test_a_defenders_chance_the_crisis_model_does_not_read_is_listed(tmp_path) -> None:
    """Below 1 (a draw is possible) the two are not refused, but the forecast rests on the challenger's
    number alone: terminal, JSON and report say which number is not read."""
    p = _write(tmp_path, DUEL_HEAD + "parameters: {a_war_win_prob: 0.3, b_war_win_prob: {value: 0.3, low: 0.2, "
               "high: 0.5}}\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", str(p), "--out", str(out)])
    assert res.exit_code == 0, res.output
    said = "the crisis model does not read b_war_win_prob (0.3 [0.2, 0.5])"
    assert said in " ".join(res.output.split())
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    what = [w["what"] for w in doc["summary"]["warnings"] if w["layer"] == "crisis"]
    assert any(w.startswith(said) and "a_war_win_prob (0.3)" in w and "gives b the rest (0.7)" in w for w in what)
    assert said in (out / "report.html").read_text(encoding="utf-8")
    # the complement is read in effect: nothing to say
    p = _write(tmp_path, DUEL_HEAD + "parameters: {a_war_win_prob: 0.3, b_war_win_prob: 0.7}\n")
    doc = json.loads(runner.invoke(app, ["analyze", str(p), "--json", "--out", str(out)]).output)
    assert not any("does not read" in w["what"] for w in doc["summary"]["warnings"])


# -- 3. sweep --store none ---------------------------------------------------------------------------------

FLIP = str(Path(__file__).parent / "data" / "flip.yaml")


def test_sweep_store_none_writes_nothing_and_runs_again(tmp_path, monkeypatch) -> None:
    """`--store none` left chunks and run.json in detente-out/<id>/sweep, and the same command then asked for
    --resume."""
    monkeypatch.chdir(tmp_path)
    cmd = ["sweep", FLIP, "-n", "200", "--chunk-size", "50", "--store", "none"]
    first = runner.invoke(app, [*cmd, "--json"])
    assert first.exit_code == 0, first.output
    assert list(tmp_path.iterdir()) == []
    again = runner.invoke(app, cmd)
    assert again.exit_code == 0, again.output
    assert "nothing written (--store none without --out)" in " ".join(again.output.split())
    assert list(tmp_path.iterdir()) == []
    res = runner.invoke(app, [*cmd, "--resume"])
    assert res.exit_code == 2 and "--store none without --out keeps nothing to resume" in res.output


def test_sweep_store_none_into_a_folder_says_what_it_keeps_and_runs_again(tmp_path) -> None:
    """With --out the chunks and run.json stay (to resume a long run without the table libraries, U5): the
    last line names them, the same command runs again on them, another run is still refused."""
    cmd = ["sweep", FLIP, "-n", "200", "--chunk-size", "50", "--store", "none", "--out", str(tmp_path / "o")]
    first = runner.invoke(app, [*cmd, "--json"])
    assert first.exit_code == 0, first.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["chunks", "run.json"]
    again = runner.invoke(app, cmd)
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert "4 chunks (4 resumed)" in said and "and 4 chunk file(s) in" in said and "no tables (--store none)" in said
    assert json.loads(runner.invoke(app, [*cmd, "--json"]).stdout)["claims"] == json.loads(first.stdout)["claims"]
    other = runner.invoke(app, [*cmd, "--seed", "5"])
    assert other.exit_code == 2 and "holds the results of another sweep" in other.output


# -- 4. the blind record as data ---------------------------------------------------------------------------

CASES = Path(__file__).resolve().parents[1] / "src" / "detente" / "cases"


def test_the_blind_record_lists_every_heldout_folder_with_its_case_count() -> None:
    from detente.cases.blind import blind_record

    sets = {s["folder"]: s for s in blind_record()["sets"]}
    folders = sorted(p.name for p in CASES.glob("heldout*") if p.is_dir())
    assert sorted(sets) == folders
    for folder, s in sets.items():
        assert s["n"] == len(list((CASES / folder).glob("*.yaml"))), folder
        assert 0 <= s["hits"] <= s["n"] and s["decision"] and s["era"] in ("before 1980", "after 1989")


def test_the_pooled_figures_are_the_sums_and_match_what_c27b_recorded() -> None:
    from detente.cases.blind import blind_record, pooled

    sets = [s for s in blind_record()["sets"] if s["era"] == "after 1989"]
    got = pooled("after 1989")
    assert got.n == sum(s["n"] for s in sets) and got.hits == sum(s["hits"] for s in sets)
    for k in ("crisis", "library", "icb", "uniform"):
        assert got.brier[k] == pytest.approx(sum(s["n"] * s["brier"][k] for s in sets) / got.n)
    # DECISIONS C27b pooled the 48 cases' own scores: 17 hits, Brier 0.778; library 0.858, ICB 0.897, uniform
    # 0.750 (the sets' means here are rounded to 3 decimals, so within 0.001)
    assert (got.n, got.hits) == (48, 17)
    for k, want in (("crisis", 0.778), ("library", 0.858), ("icb", 0.897), ("uniform", 0.75)):
        assert abs(got.brier[k] - want) <= 0.001, k
    assert "before 1980" not in got.era and "heldout" not in got.sets


def test_the_bottom_lines_blind_figures_come_from_the_record(monkeypatch) -> None:
    import detente.cases.blind as blind
    from detente.analysis.summary import base_rate_text

    tail = ("on 48 hand-coded crises after 1989 scored blind it did no better than a flat forecast, 25% each "
            "(Brier 0.78 against 0.75; docs/CASES.md).")
    assert base_rate_text().endswith(tail)  # the words and numbers before SF4
    rec = blind.blind_record()
    rec["sets"].append({"folder": "heldout6", "decision": "X", "era": "after 1989", "n": 12, "hits": 12,
                        "brier": {"crisis": 0.0, "library": 0.9, "icb": 0.9, "uniform": 0.75}})
    monkeypatch.setattr(blind, "blind_record", lambda: rec)
    assert "on 60 hand-coded crises after 1989" in base_rate_text() and "(Brier 0.62 against 0.75;" in base_rate_text()


# -- 6. one rule for the principals ------------------------------------------------------------------------

def test_the_models_rule_and_the_crisis_model_read_the_same_principals() -> None:
    """Without tags the backtest's models-layer rule had its own principals() (no games spec; an actor that
    represents another counted as a principal): here it read 'c' against 'a', who agree, and gave no class."""
    from detente.analysis.crisis_backtest import predict_models
    from detente.games.crisis.spec import build_inputs
    from detente.scenario.loader import load_scenario_text

    text = (DUEL_HEAD.replace(', "challenger:a", "defender:b"', "")
            .replace("  - {id: b, name: Beta, capability: 1}\n",
                     "  - {id: b, name: Beta, capability: 1}\n  - {id: c, name: Alpha's army, capability: 10, "
                     "represents: a}\n")
            + "  c: {x: {position: 100, salience: 1.0}}\n")
    sc = load_scenario_text(text, "s.yaml")
    inputs = build_inputs(sc)
    assert (inputs.challenger, inputs.defender) == ("a", "b")
    pred = predict_models(sc)
    assert pred.cls != "not available" and "on b(0)→a(1)" in pred.detail, pred.detail
