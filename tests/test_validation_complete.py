"""Validation catches everything a later layer would refuse (issue 18): claims' references and
numbers, probabilities a game reads, YAML 1.1 traps, control characters, colliding ids, sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cases import case_path
from detente.cli import app
from detente.models import MODELS
from detente.scenario.schema import MAX_ACTORS, MODEL_NAMES

runner = CliRunner()
GENEVA = case_path("geneva-2022").read_text(encoding="utf-8")
MINIMAL = (Path(__file__).parent / "data" / "minimal.yaml").read_text(encoding="utf-8")


def _g(old: str, new: str) -> str:
    assert GENEVA.count(old) >= 1, old
    return GENEVA.replace(old, new, 1)


def _m(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


PUBLIC_AC = "    audience_cost:\n      value: 0.5\n      low: 0.3\n      high: 0.8\n"

# name -> (scenario text, the field the error must name, a word of the reason)
CASES: dict[str, tuple[str, str, str]] = {
    "claim-model-typo": (_m("within: 5}", "within: 5, model: compromize}"), "claims[0].check.model",
                         "unknown model 'compromize'"),
    "claim-action-typo": (_g("player: rus, action: ultimatum", "player: rus, action: ultimatom"),
                          "claims[1].check.action", "unknown action 'ultimatom'"),
    "claim-payoff-action-typo": (_g("better: reject, worse: accept", "better: reject, worse: acept"),
                                 "claims[2].check.worse", "unknown action 'acept'"),
    "claim-player-not-in-game": (_g("player: usa, action: reject", "player: ukr, action: reject"),
                                 "claims[0].check.player", "not a player"),
    "evidence-source-typo": (_g('source: article}', 'source: artcle}'), "evidence.source", "artcle"),
    "claim-target-nan": (_m("target: status_quo", "target: .nan"), "claims[0].check", "finite"),
    "claim-target-inf": (_m("target: status_quo", "target: .inf"), "claims[0].check", "finite"),
    "claim-target-off-scale": (_m("target: status_quo", "target: 1000"), "claims[0].check.target",
                               "outside the scale"),
    "claim-within-nan": (_m("within: 5", "within: .nan"), "claims[0].check", "finite"),
    "claim-threshold-nan": (_g("threshold: 50,", "threshold: .nan,"), "claims[5].check", "finite"),
    "claim-threshold-off-scale": (_g("threshold: 50,", "threshold: 500,"), "claims[5].check.threshold",
                                  "outside the scale"),
    "claim-between-off-scale": (_g("low: 40, high: 70}", "low: 40, high: 700}"), "claims[7].check.high",
                                "outside the scale"),
    "win-prob-above-one": (_g("  rus_war_win_prob:\n    value: 0.6\n    low: 0.4\n    high: 0.8\n",
                              "  rus_war_win_prob:\n    value: 1.5\n"), "win_prob", "must lie in [0, 1]"),
    "win-prob-range-above-one": (_g("  rus_war_win_prob:\n    value: 0.6\n    low: 0.4\n    high: 0.8\n",
                                    "  rus_war_win_prob:\n    value: 0.9\n    low: 0.4\n    high: 1.2\n"),
                                 "win_prob", "must lie in [0, 1]"),
    "tiny-audience-cost": (_g(PUBLIC_AC, "    audience_cost:\n      value: 5.0e-324\n"), "games.specs[0]",
                           "finite"),
    "game-lacks-a-cost-term": (_g("      template: two_track\n", "      template: risk_return\n"),
                               "games.specs[0].costs.defender_war_cost_max", "needs the cost term"),
    "version-true": (_m("detente: 1", "detente: true"), "detente", "boolean"),
    "sexagesimal": (_m("capability: 2}", "capability: 1:30}"), "actors[0].capability", "base-60"),
    "nul-in-name": (_m("name: Alpha", 'name: "Al\\0pha"'), "actors[0].name", "U+0000"),
    "ansi-in-name": (_m("name: Alpha", 'name: "\\e[31mAlpha\\e[0m"'), "actors[0].name", "U+001B"),
    "osc-in-title": (_m("title: A two-issue toy", 'title: "\\e]0;pwned\\a"'), "meta.title", "control"),
    "bidi-in-text": (_m("text: x near status quo", 'text: "x \\u202e near"'), "claims[0].text", "U+202E"),
    "ids-differ-by-dash": (MINIMAL.replace("id: x\n", "id: a-b\n").replace("id: y\n", "id: a_b\n")
                           .replace("    x: {", "    a-b: {").replace("    y: {", "    a_b: {")
                           .replace("issue: x", "issue: a-b"), "issues[1].id", "only in case"),
    "ids-differ-by-case-dash": (_m("{id: b, name: Beta", "{id: A, name: Beta").replace("  b:\n", "  A:\n")
                                .replace("participants: [a, b]", "participants: [a, A]"),
                                "actors[1].id", "only in case"),
    "seed-too-large": (_m("actors:\n", f"settings: {{seed: {2**70}}}\nactors:\n"), "settings.seed", ""),
    "scale-nan": (_m("scale: {min: -10, max: 10}", "scale: {min: -10, max: .nan}"), "issues[1].scale", "finite"),
    # the general crisis model's refusals (validate said ok; game/analyze refused after other work)
    "crisis-horizon-too-long": (_g("\nparameters:\n", "\nparameters:\n  horizon: 40\n"), "parameters.horizon",
                                "from 1 to 8, got 40"),
    # a fractional horizon was rounded silently (2.5 -> 2 rounds)
    "crisis-horizon-fraction": (_g("\nparameters:\n", "\nparameters:\n  horizon: 2.5\n"), "parameters.horizon",
                                "whole number of rounds from 1 to 8, got 2.5"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_refuses_in_one_line(tmp_path: Path, name: str) -> None:
    text, field, word = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    err = result.stderr.strip()
    assert result.exit_code == 2, (name, result.output)
    assert "\n" not in err and err.startswith(f"error: {path}:"), err
    assert field in err and word in err, err
    assert "\x1b" not in err and "\x00" not in err


def test_the_layers_refusal_has_a_line_number(tmp_path: Path) -> None:
    text = _g("player: rus, action: ultimatum", "player: rus, action: ultimatom")
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "ultimatom" in s)
    result = runner.invoke(app, ["game", str(path)])
    assert result.exit_code == 2 and f"g.yaml:{line}:" in result.stderr


def test_model_names_match_the_models_layer() -> None:
    assert set(MODEL_NAMES) == set(MODELS)


def test_too_many_actors(tmp_path: Path) -> None:
    n = MAX_ACTORS + 1
    actors = "".join(f"  - {{id: a{k}, name: A{k}, capability: 1}}\n" for k in range(n))
    pos = "".join(f"  a{k}:\n    x: {{position: {k % 100}, salience: 0.5}}\n" for k in range(n))
    text = ("detente: 1\nmeta: {id: big, title: Big, perspective: test}\nactors:\n" + actors
            + "issues:\n  - {id: x, name: X}\npositions:\n" + pos)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and f"{n} actors; the limit is {MAX_ACTORS}" in result.stderr


def test_bundled_cases_stay_valid() -> None:
    from detente.cases import case_names

    for name in case_names():
        result = runner.invoke(app, ["validate", name])
        assert result.exit_code == 0, (name, result.output)


def test_too_many_moves_for_a_simulation(tmp_path: Path) -> None:
    from detente.scenario.schema import MAX_SIM_MOVES

    extra = "".join(f"  - {{id: x{k}, actor: rus, type: statement, channel: geneva, issue: sanctions}}\n"
                    for k in range(MAX_SIM_MOVES))
    i = GENEVA.index("\nmoves:\n") + len("\nmoves:\n")
    path = tmp_path / "many.yaml"
    path.write_text(GENEVA[:i] + extra + GENEVA[i:], encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(path)])
    assert result.exit_code == 2 and f"at most {MAX_SIM_MOVES}" in result.stderr and "simulation" in result.stderr


def test_a_ranged_horizon_is_drawn_and_rounded_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.yaml"
    for ranged in ("{low: 2, mode: 3, high: 4}", "{low: 2, high: 5}"):  # the second's midpoint is 3.5
        path.write_text(_g("\nparameters:\n", f"\nparameters:\n  horizon: {ranged}\n"), encoding="utf-8")
        assert runner.invoke(app, ["validate", str(path)]).exit_code == 0, ranged


def test_an_outside_readers_scenario_validates() -> None:
    """tests/data/galwan-2020.yaml: written from README.md and docs/SCENARIO.md alone (DECISIONS H10);
    five actors, three issues, three channels, a games: and a simulation: section, nine ranges."""
    path = Path(__file__).parent / "data" / "galwan-2020.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 actors, 3 issues" in result.stdout and "9 numbers given as ranges" in result.stdout


def test_count_ranges_walks_models_mappings_and_sequences() -> None:
    from detente.scenario.loader import load_scenario
    from detente.scenario.numbers import count_ranges, num

    ranged, point = num(0.5, low=0.2, high=0.8), num(0.5)
    assert count_ranges(ranged) == 1 and count_ranges(point) == 0
    assert count_ranges({"a": ranged, "b": [point, ranged, (ranged,)], "c": "text"}) == 3
    sc = load_scenario(case_path("geneva-2022"))
    one = sorted(sc.parameters)[0]  # a scenario counts its parameters too: pin one to a point and count again
    fewer = sc.model_copy(update={"parameters": {**sc.parameters, one: point}})
    assert count_ranges(fewer) == count_ranges(sc) - int(sc.parameters[one].is_range)
