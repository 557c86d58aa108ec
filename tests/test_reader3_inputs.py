"""Third outside-reader review (DECISIONS H12): inputs an analyst gets wrong by accident give one line
naming the file, field and reason with exit code 2, never a traceback or a run that eats the machine."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD

runner = CliRunner()
THIRD = DUEL_HEAD.replace("  - {id: b, name: Beta, capability: 1}\n",
                          "  - {id: b, name: Beta, capability: 1}\n  - {id: c, name: Gamma, capability: 1}\n"
                          ) + "  c: {x: {position: 20, salience: 0.5}}\n"


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_principal_of_capability_zero_beside_a_third_party_is_refused_not_a_traceback(tmp_path, who) -> None:
    """A joiner moves the principal's odds by (its capability + the joiner's) / its capability: at 0 the
    defender's case divided by zero (ZeroDivisionError) and the challenger's made its chance 0 whatever
    <challenger>_war_win_prob said."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD.replace(f"{{id: {who}, name: {'Alpha' if who == 'a' else 'Beta'}, capability: 1}}",
                               f"{{id: {who}, name: {'Alpha' if who == 'a' else 'Beta'}, capability: 0}}")
                 + "parameters: {a_war_win_prob: 0.6, horizon: 1}\n", encoding="utf-8")
    res = runner.invoke(app, ["game", str(p)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    line = res.output.strip()
    assert "\n" not in line and "s.yaml" in line and f"actors.{who}.capability" in line


def test_the_same_scenario_with_positive_capabilities_runs(tmp_path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {a_war_win_prob: 0.6, horizon: 1}\n", encoding="utf-8")
    res = runner.invoke(app, ["game", str(p), "--json"])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("step", ["0.0001", "0.04"])
def test_a_belief_grid_finer_than_0_05_is_refused_before_any_work(tmp_path, step) -> None:
    """--belief-step 0.005 on a 30-actor scenario ran past 10 GB and minutes with no output."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {a_war_cost: {value: 0.3, low: 0.1, high: 0.6}, horizon: 2}\n",
                 encoding="utf-8")
    t0 = time.perf_counter()
    res = runner.invoke(app, ["game", str(p), "--belief-step", step])
    assert res.exit_code == 2 and "--belief-step" in res.output and "20" in res.output
    assert time.perf_counter() - t0 < 3
    assert runner.invoke(app, ["game", str(p), "--belief-step", "0.05", "--json"]).exit_code == 0


@pytest.mark.parametrize(("tags", "field", "says"), [
    ('[crisis, "challenger:a", "defender:b", "mediaton:propose"]', "meta.tags[3]", "did you mean 'mediation:'"),
    ('[crisis, "challenger:a", "defender:b", "Channels:both"]', "meta.tags[3]", "did you mean 'channels:'"),
    ('[crisis, "challenger:a"]', "meta.tags[1]", "needs a 'defender:' tag too"),
    ('[crisis, "challenger:a", "defender:b", "mediated_splt:binding"]', "meta.tags[3]",
     "did you mean 'mediated_split:'"),
])
def test_a_setting_tag_no_layer_would_read_is_an_error(tmp_path, tags, field, says) -> None:
    """Tags are free labels, but a misspelt setting tag was ignored without a word (mediation stayed at
    its default), and so was a challenger tag without a defender (the principals came from elsewhere)."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD.replace('tags: [crisis, "challenger:a", "defender:b"]', f"tags: {tags}"), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(p)])
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line and "s.yaml:2" in line and f"field '{field}'" in line and says in line


def test_free_label_tags_still_pass(tmp_path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(THIRD.replace('tags: [crisis, "challenger:a", "defender:b"]',
                               'tags: [crisis, "challenger:a", "defender:b", "region:europe", "source:press", '
                               '"mediated_split:binding", "mediation:propose"]'),
                 encoding="utf-8")
    assert runner.invoke(app, ["validate", str(p)]).exit_code == 0


@pytest.mark.parametrize(("models", "field"), [
    ("{smp: {voting_rule: prop_cubicc}}", "models.smp.voting_rule"),
    ("{eumm: {x: 1}}", "models.eumm"),
])
@pytest.mark.parametrize("command", ["validate", "forecast"])
def test_a_bad_models_option_names_file_line_and_field_in_every_command(tmp_path, models, field, command) -> None:
    """analyze and forecast said only "error: field 'models.smp.voting_rule': ..." (no file), and validate
    said field 'model' for an unknown model name."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + f"models: {models}\n", encoding="utf-8")
    res = runner.invoke(app, [command, str(p)])
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line and f"s.yaml:{THIRD.count(chr(10)) + 1}: field '{field}'" in line


def test_draft_out_without_analyze_is_refused_not_ignored(tmp_path) -> None:
    """--out only means something with --analyze; alone it was ignored and the draft went to stdout."""
    art = tmp_path / "a.txt"
    art.write_text("Russia demanded that Ukraine withdraw its troops. Ukraine rejected the demand.\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["draft", str(art), "--backend", "python", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--out" in res.output and "--analyze" in res.output
    assert not (tmp_path / "o").exists()


def test_backtest_case_that_matches_nothing_in_a_folder_says_so(tmp_path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    res = runner.invoke(app, ["backtest", "cases", "--dir", str(tmp_path), "--case", "nope", "--layer", "models"])
    assert res.exit_code == 2 and "field '--case'" in res.output and "nope" in res.output


def test_sweep_workers_on_a_backend_that_has_none_is_refused(tmp_path) -> None:
    """--workers 3 with the in-process backend ran on one process without a word."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {horizon: 1}\n", encoding="utf-8")
    out = tmp_path / "sw"
    res = runner.invoke(app, ["sweep", str(p), "--draws", "5", "--workers", "3", "--out", str(out)])
    assert res.exit_code == 2 and "field '--workers'" in res.output and "inprocess" in res.output
    assert not out.exists()


def test_a_sweep_says_which_players_counted_an_outcome_claim(tmp_path) -> None:
    """With --per-draw-layers the sweep counts an outcome-class claim with one logit-player run per draw;
    analyze counts it with the crisis-model players, and the two can disagree (20/20 against 3/100 on the
    reader's Essequibo scenario). The sweep's row now says whose count it is."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {horizon: 1, a_war_cost: {value: 0.3, low: 0.2, high: 0.4}}\n"
                 "simulation: {players: [a, b], rounds: 3, runs: 5, temperature: 0.05}\n"
                 "claims:\n  - {id: O, text: No war., check: {kind: outcome_class, equals: stalemate}}\n",
                 encoding="utf-8")
    res = runner.invoke(app, ["sweep", str(p), "--draws", "4", "--per-draw-layers", "-m", "compromise",
                              "--out", str(tmp_path / "sw")])
    assert res.exit_code == 0, res.output
    flat = " ".join(res.output.replace("│", " ").split())
    assert "— one simulated run per draw, logit players" in flat


@pytest.mark.parametrize(("args", "label"), [(["simulate", "-n", "3"], "3 simulated runs"),
                                             (["game"], "the crisis model")])
def test_simulate_and_game_say_what_they_are_doing_on_a_terminal(tmp_path, monkeypatch, args, label) -> None:
    """The README: steps that take more than a second print a progress line on stderr. analyze did;
    simulate (100,000 runs) and game (a minute-long solve) printed nothing until the end."""
    import io
    import sys

    from rich.console import Console

    import detente.report.progress as progress

    cli_app = sys.modules["detente.cli.app"]  # the package's 'app' attribute is the Typer object

    buf = io.StringIO()
    monkeypatch.setattr(cli_app, "err_console", lambda: Console(file=buf, force_terminal=True, width=200))
    monkeypatch.setattr(progress, "SLOW", 0.0)  # every step counts as slow here
    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {horizon: 1}\nsimulation: {players: [a, b], rounds: 3, runs: 5, "
                 "temperature: 0.05}\n", encoding="utf-8")
    res = runner.invoke(app, [args[0], str(p), *args[1:]])
    assert res.exit_code == 0, res.output
    assert f"· {label}: " in buf.getvalue()


@pytest.mark.parametrize(("extra", "tags", "field", "says"), [
    ("parameters: {fait_accompli_share: 2}\n", None, "parameters.fait_accompli_share", "must lie in [0, 1], got 2"),
    ("", '[crisis, "challenger:a", "defender:a"]', "meta.tags[2]", "challenger and defender are both 'a'"),
])
def test_crisis_inputs_that_were_taken_or_skipped_without_a_word(tmp_path, extra, tags, field, says) -> None:
    """A fait-accompli share of 2 (it is a share of the remaining distance) was used as given; a scenario
    whose challenger and defender are the same actor had its crisis model skipped without a word."""
    text = THIRD + extra
    if tags is not None:
        text = text.replace('tags: [crisis, "challenger:a", "defender:b"]', f"tags: {tags}")
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["validate", str(p)])
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line and f"field '{field}'" in line and says in line


def test_a_power_trend_past_certainty_is_clipped_and_said(tmp_path) -> None:
    """p0 0.6 + 0.5 a round passes 1 in round 1: the model clipped it to 1 and said nothing."""
    import json

    p = tmp_path / "s.yaml"
    p.write_text(THIRD + "parameters: {a_war_win_prob: 0.6, power_shift: 0.5, horizon: 3}\n", encoding="utf-8")
    res = runner.invoke(app, ["game", str(p), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["inputs"]["power_by_round"][1:] == [1.0, 1.0]
    assert any("win probability 1.10 in round 1 (power_shift trend) is outside [0, 1]: clipped" in w
               for w in d["warnings"])


@pytest.mark.parametrize("blank", ['""', '"   "'])
def test_a_blank_perspective_is_refused(tmp_path, blank) -> None:
    """'perspective' is required, yet an empty one passed, and every report opened on nothing."""
    p = tmp_path / "s.yaml"
    p.write_text(THIRD.replace("perspective: Made up for tests.", f"perspective: {blank}"), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(p)])
    assert res.exit_code == 2 and "field 'meta.perspective'" in res.output and "blank" in res.output
