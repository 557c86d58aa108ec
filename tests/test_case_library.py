"""The crisis case library and its backtest: coding rules, blindness to outcomes, scoring by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.analysis import crisis_backtest as bc
from detente.cases import case_names, case_path
from detente.cli import app
from detente.scenario.loader import load_scenario
from detente.scenario.numbers import Num
from detente.scenario.schema import KnownOutcome, OutcomeClass

REPO = Path(__file__).resolve().parents[1]
LIBRARY = ["july-1914", "munich-1938", "berlin-1948", "cuba-1962", "sino-soviet-1969", "october-1973",
           "falklands-1982", "gulf-1990", "kosovo-1999", "georgia-2008", "crimea-2014", "iran-2015",
           "korea-2017", "taiwan-1996"]
runner = CliRunner()


def crisis_cases() -> list[str]:
    return [n for n in case_names() if "crisis" in load_scenario(case_path(n)).meta.tags]


# ----------------------------------------------------------------------------- the library itself


def test_library_is_bundled_and_spread_over_classes() -> None:
    names = crisis_cases()
    assert set(LIBRARY) <= set(names)
    assert len(names) >= 13
    classes = {load_scenario(case_path(n)).known_outcome.outcome_class for n in names}
    assert classes == set(OutcomeClass)


@pytest.mark.parametrize("name", LIBRARY)
def test_case_follows_the_coding_protocol(name: str) -> None:
    sc = load_scenario(case_path(name))
    assert sc.meta.perspective and len(sc.meta.sources) >= 1
    assert sc.known_outcome is not None and sc.known_outcome.source in {s.id for s in sc.meta.sources}
    tags = dict(t.split(":", 1) for t in sc.meta.tags if ":" in t)
    assert {tags["challenger"], tags["defender"]} <= {a.id for a in sc.actors}
    assert sc.channels and sc.audiences and sc.moves and sc.parameters
    assert {c.kind.value for c in sc.channels} == {"public", "closed"}
    # every issue has anchors and a status quo
    for iss in sc.issues:
        assert iss.scale.low and iss.scale.high and iss.status_quo is not None
    # moves with steps happened before the decision point; no move is the outcome itself
    assert any(m.step is not None for m in sc.moves)
    # evidence quotes are short and name a source of the case
    ids = {s.id for s in sc.meta.sources}
    for m in sc.moves:
        if m.evidence:
            assert len(m.evidence.quote.split()) <= 8 and m.evidence.source in ids
    # crisis-game parameters are named after actors
    actors = {a.id for a in sc.actors}
    for pname in sc.parameters:
        assert pname.split("_")[0] in actors or pname.startswith("sanctions_cost_"), pname


def _nums(obj, path=""):
    if isinstance(obj, Num):
        yield path, obj
    elif hasattr(obj, "__pydantic_fields__"):
        for n in type(obj).model_fields:
            yield from _nums(getattr(obj, n), f"{path}.{n}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _nums(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _nums(v, f"{path}[{i}]")


@pytest.mark.parametrize("name", LIBRARY)
def test_every_number_has_a_note(name: str) -> None:
    """Every number carries a note, except a position at a scale's end (its anchor says what it
    means) and a move's position (its label says it)."""
    sc = load_scenario(case_path(name))
    missing = []
    for path, n in _nums(sc):
        if n.note:
            continue
        if path.startswith(".moves[") or path.startswith(".known_outcome"):
            continue
        if path.startswith(".positions.") and path.endswith(".position"):
            issue = sc.issue(path.split(".")[3])
            if n.value in (issue.scale.min, issue.scale.max):
                continue
        missing.append(path)
    assert not missing, missing


# The whole CLI (analysis plus the HTML report, whose charts take ~60% of the time) on one case in the
# default tier and on every case in the slow tier; the analysis itself runs on every case in both. The
# founding case's CLI run is test_cli.py::test_analyze_founding_case_prints_tables_and_writes_json's.
QUICK_CLI_CASE = "munich-1938"


def _slow_unless(quick: list[str], names: list[str]) -> list:
    return [n if n in quick else pytest.param(n, marks=pytest.mark.slow) for n in names]


@pytest.mark.parametrize("name", _slow_unless([QUICK_CLI_CASE], crisis_cases()))
def test_analyze_json_works_on_every_case(name: str, tmp_path: Path) -> None:
    res = runner.invoke(app, ["analyze", name, "--json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["scenario"]["id"] == name
    assert "games" in data and "sim" in data


@pytest.mark.parametrize("name", _slow_unless([n for n in crisis_cases() if n != "geneva-2022"], crisis_cases()))
def test_analysis_works_on_every_case(name: str) -> None:
    """The analysis (every layer, no report) on every case, as JSON (the founding case's, the slowest,
    is test_cli.py::test_analyze_founding_case_prints_tables_and_writes_json's in the default tier)."""
    from detente.analysis import analyze

    data = json.loads(json.dumps(analyze(load_scenario(case_path(name))).to_dict(), allow_nan=False))
    assert data["scenario"]["id"] == name
    assert "games" in data and "sim" in data


# ----------------------------------------------------------------------------- predictors are blind


def _altered(sc, cls: str):
    ko = sc.known_outcome
    vals = {k: Num(value=sc.issue(k).scale.max - v.value) for k, v in ko.values.items()}
    return sc.model_copy(update={"known_outcome": KnownOutcome(**{"class": cls}, values=vals, detail="x")})


@pytest.mark.parametrize("name", LIBRARY)
def test_predictors_input_is_the_same_whatever_the_outcome_section(name: str) -> None:
    """What predict_case hands its predictors is identical with the outcome section removed or
    rewritten (the predictions themselves are compared in the next test)."""
    sc = load_scenario(case_path(name))
    other = "stalemate" if sc.known_outcome.outcome_class.value != "stalemate" else "escalation"
    base = bc.inputs_only(sc)
    assert base.known_outcome is None
    for variant in (bc.inputs_only(sc), _altered(sc, other)):
        assert bc.inputs_only(variant).model_dump() == base.model_dump()


# predictions compared on two cases in the default tier, on every case in the slow tier (the blinded
# input on every case is the test above's)
@pytest.mark.parametrize("name", _slow_unless(["munich-1938", "cuba-1962"], LIBRARY))
def test_outcome_section_cannot_influence_models_and_games(name: str) -> None:
    sc = load_scenario(case_path(name))
    base = {k: p.to_dict() for k, p in bc.predict_case(sc, ["models", "games"]).items()}
    other = "stalemate" if sc.known_outcome.outcome_class.value != "stalemate" else "escalation"
    for variant in (bc.inputs_only(sc), _altered(sc, other)):
        again = {k: p.to_dict() for k, p in bc.predict_case(variant, ["models", "games"]).items()}
        assert again == base


def test_outcome_section_cannot_influence_sim() -> None:
    sc = load_scenario(case_path("munich-1938"))
    a = bc.predict_case(sc, ["sim"])["sim"].to_dict()
    b = bc.predict_case(_altered(sc, "agreement"), ["sim"])["sim"].to_dict()
    assert a == b and a["class"] in bc.CLASSES


def test_predictors_never_receive_the_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def spy(sc, seed):
        seen.append(sc.known_outcome)
        return bc.Prediction("spy", "stalemate")

    monkeypatch.setitem(bc.PREDICTORS, "models", spy)
    report = bc.run_cases(["cuba-1962", "munich-1938"], ["models"])
    assert seen == [None, None]
    assert [c["known"] for c in report["cases"]] == ["agreement", "capitulation"]  # scoring still reads it


# ----------------------------------------------------------------------------- the models-layer rule


def test_class_rule_thresholds() -> None:
    R = bc.AxisReading
    assert bc.class_from_reading(R(0.10, 0.9, ())) == "stalemate"  # shift below 0.15 wins
    assert bc.class_from_reading(R(0.50, 0.85, ())) == "capitulation"
    assert bc.class_from_reading(R(0.50, 0.15, ())) == "capitulation"
    assert bc.class_from_reading(R(0.50, 0.50, ())) == "agreement"


def test_axis_reading_by_hand() -> None:
    # Cuba: usa (challenger) vs ussr. missiles: xa=0, xb=90, sq=60 -> s=(60-90)/(0-90)=1/3.
    sc = load_scenario(case_path("cuba-1962"))
    r = bc.axis_reading(sc, {"missiles_cuba": 30.0}, ("usa", "ussr"))
    assert r is not None and r.issues == ("missiles_cuba",)
    t = (30 - 90) / (0 - 90)
    assert r.shift == pytest.approx(abs(t - 1 / 3))
    assert r.place == pytest.approx(t)


def test_principals_from_tags_and_fallback() -> None:
    from detente.games.crisis.spec import principals  # the models-layer rule reads the crisis model's (SF4)

    assert principals(load_scenario(case_path("munich-1938")))[:2] == ("ger", "cze")
    assert principals(load_scenario(case_path("geneva-2022")))[:2] == ("rus", "usa")  # simulation players


# ----------------------------------------------------------------------------- scoring by hand


def test_confusion_table_by_hand() -> None:
    t = bc.confusion([("escalation", "stalemate"), ("escalation", "escalation"),
                      ("agreement", "agreement"), ("agreement", bc.NA)])
    assert t["escalation"]["stalemate"] == 1 and t["escalation"]["escalation"] == 1
    assert t["agreement"]["agreement"] == 1 and t["agreement"][bc.NA] == 1
    assert sum(v for row in t.values() for v in row.values()) == 4


def test_brier_by_hand() -> None:
    assert bc.brier({"agreement": 1.0}, "agreement") == 0.0
    assert bc.brier({"stalemate": 1.0}, "agreement") == 2.0
    # (0.5-1)^2 + 0.3^2 + 0.2^2 + 0 = 0.25 + 0.09 + 0.04
    assert bc.brier({"agreement": 0.5, "stalemate": 0.3, "escalation": 0.2}, "agreement") == pytest.approx(0.38)
    uniform = {c: 0.25 for c in bc.CLASSES}
    assert bc.brier(uniform, "escalation") == pytest.approx(0.75)


def test_score_layer_by_hand() -> None:
    P = bc.Prediction
    rows = [("agreement", P("sim", "agreement", probs={"agreement": 0.6, "stalemate": 0.4})),
            ("escalation", P("sim", "stalemate", probs={"stalemate": 1.0})),
            ("stalemate", P("sim", bc.NA))]
    s = bc.score_layer(rows)
    assert (s["n"], s["available"], s["hits"]) == (3, 2, 1)
    assert s["accuracy"] == 0.5
    # Brier: case 1 = 0.16 + 0.16 = 0.32; case 2 = 1 + 1 = 2 -> mean 1.16
    assert s["brier"] == pytest.approx(1.16) and s["brier_n"] == 2


def test_base_rates_by_hand() -> None:
    known = ["escalation", "escalation", "agreement", "stalemate"]
    b = bc.base_rates(known)
    assert b["most_common"] == "escalation" and b["most_common_hits"] == 2
    assert b["frequencies"] == {"agreement": 0.25, "stalemate": 0.25, "capitulation": 0.0, "escalation": 0.5}
    # frequency forecast (0.25, 0.25, 0, 0.5): escalation -> 0.0625*2 + 0.25 = 0.375;
    # agreement/stalemate -> 0.5625 + 0.0625 + 0.25 = 0.875; mean = (2*0.375 + 2*0.875) / 4
    assert b["frequency_brier"] == pytest.approx(0.625)
    # leave one out: an escalation left out -> rest has a three-way tie -> agreement (first) -> miss;
    # agreement or stalemate left out -> escalation predicted -> miss
    assert b["loo_most_common_hits"] == 0


def test_most_common_tie_breaks_in_class_order() -> None:
    assert bc.most_common(["stalemate", "agreement"]) == "agreement"


# ----------------------------------------------------------------------------- CLI


def test_cli_models_json_and_bad_layer() -> None:
    res = runner.invoke(app, ["backtest", "cases", "--layer", "models", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {c["case"] for c in data["cases"]} >= set(LIBRARY)
    assert "ec-emissions-1994" not in {c["case"] for c in data["cases"]}  # not a crisis
    assert data["layers"]["models"]["n"] == len(data["cases"])
    assert data["base_rates"]["n"] == len(data["cases"])
    bad = runner.invoke(app, ["backtest", "cases", "--layer", "nope"])
    assert bad.exit_code == 2 and "unknown layer" in bad.output


def test_cli_table_renders() -> None:
    res = runner.invoke(app, ["backtest", "cases", "--layer", "models", "--case", "cuba-1962",
                              "--case", "munich-1938"])
    assert res.exit_code == 0, res.output
    assert "cuba-1962" in res.stdout and "Confusion (models)" in res.stdout
