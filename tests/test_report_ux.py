"""The analyst's experience (issue 19): bottom line first, one count per claim, no silent defaults,
readable charts, plain claim errors, a generated format reference."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest
from rich.console import Console

import detente.analysis  # noqa: F401  (registers the layers and their per-draw hooks)
from detente.analysis.analyze import Analysis, AnalyzeOptions, analyze
from detente.analysis.claims import pct, share_text
from detente.analysis.summary import defaults_and_warnings, forecast_outliers, named_strong_actor
from detente.cases import case_names, case_path
from detente.errors import InputError
from detente.games.build import build_game, pick_spec, run_scenario_game
from detente.models import get_model, strong_position
from detente.report import plots, sections
from detente.report.html import build_html
from detente.report.terminal import render
from detente.scenario.arrays import point_arrays
from detente.scenario.loader import load_scenario, load_scenario_text
from detente.scenario.reference import missing_meanings
from detente.scenario.reference import render as reference
from detente.uncertainty.engine import SweepOptions, run_sweep
from detente.uncertainty.summary import binomial_interval

REPO = Path(__file__).resolve().parents[1]
MODELS = ("compromise", "median", "nash", "eum", "smp", "exchange")


@pytest.fixture(scope="module")
def geneva():
    return load_scenario(case_path("geneva-2022"))


# -- counts and intervals ------------------------------------------------------------------------

def test_clopper_pearson_interval_by_hand():
    lo, hi = binomial_interval(0, 32)
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 32))  # 0.109: p = 0 on 32 draws is not certain
    lo, hi = binomial_interval(32, 32)
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 32))
    lo, hi = binomial_interval(5, 10)  # tables: [0.187, 0.813]
    assert lo == pytest.approx(0.1871, abs=1e-4) and hi == pytest.approx(0.8129, abs=1e-4)
    assert binomial_interval(0, 0) is None


def test_a_share_below_one_never_prints_as_100_percent():
    assert pct(1.0) == "100%" and pct(0.0) == "0%"
    assert pct(0.9996) == ">99.9%" and pct(0.0004) == "<0.1%" and pct(0.995) == "99.5%"
    assert share_text(199, 200, "draws of the stated ranges") == \
        "holds in 199 of 200 draws of the stated ranges (99.5%; 95% CI 97.2%–>99.9%)"
    assert share_text(None, None) == ""


def test_sweep_counts_game_claims_without_a_flag(geneva):
    res = run_sweep(geneva, SweepOptions(draws=40, store="none", models=("compromise",)))
    claims = res.summary["claims"]
    for cid in ("C1", "C2", "C3", "C4"):  # the crisis game's claims: cheap per-draw hooks
        assert claims[cid]["evaluated"] == 40 and claims[cid]["interval"] is not None
    assert claims["C5"]["evaluated"] == 0  # the simulation's: only with --per-draw-layers
    assert claims["C7"]["holds"] == round(claims["C7"]["probability"] * 40)


# -- the strong-position check, outliers, defaults --------------------------------------------------

def test_the_actor_the_scenario_calls_strong(geneva):
    assert named_strong_actor(geneva) == ("rus", 'the perspective ("Russia\'s strong position")')
    claim = {"id": "S", "text": "the US is strongest", "check": {"kind": "strongest_actor", "actor": "usa"}}
    data = geneva.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["claims"] = [*data["claims"], claim]
    from detente.scenario.loader import scenario_from_data

    assert named_strong_actor(scenario_from_data(data, "x")) == ("usa", "claim S")
    plain = geneva.model_copy(update={"meta": geneva.meta.model_copy(update={"perspective": "a neutral view"})})
    assert named_strong_actor(plain) == (None, "")


class _Forecast:
    def __init__(self, f: float) -> None:
        self.f = f

    def forecast_of(self, issue: str) -> float:
        return self.f


def test_outlier_rule_flags_only_the_far_forecast(geneva):
    issue = geneva.issues[0]  # a 0-100 scale
    models = {m: _Forecast(f) for m, f in zip(MODELS, (36, 30, 24, 95, 28, 40), strict=True)}
    sc = geneva.model_copy(update={"issues": [issue]})
    got = forecast_outliers(sc, models)
    assert [(o["model"], o["forecast"]) for o in got] == [("eum", 95)]
    assert got[0]["others_median"] == 30  # median of 36, 30, 24, 28, 40
    near = {m: _Forecast(f) for m, f in zip(MODELS, (36, 30, 24, 60, 28, 40), strict=True)}
    assert forecast_outliers(sc, near) == []  # 30 away: under 40% of the scale


def test_a_game_without_costs_lists_every_default(geneva):
    spec = pick_spec(geneva)
    bare = spec.model_copy(update={"costs": {}})
    got = {d.term: d for d in build_game(geneva, bare).defaults}
    assert got["costs.challenger_war_win_prob"].value == 0.5
    assert "coin flip" in got["costs.challenger_war_win_prob"].reason
    assert {f"costs.{t}" for t in ("defender_face_accept", "challenger_war_cost", "defender_war_cost")} <= set(got)
    with_costs = {d.term for d in build_game(geneva, spec).defaults}
    assert not any(t.startswith("costs.") for t in with_costs)


def test_game_output_lists_its_defaults(geneva):
    from detente.report.games import render_game

    spec = pick_spec(geneva).model_copy(update={"costs": {}})
    sc = geneva.model_copy(update={"games": geneva.games.model_copy(update={"specs": [spec], "default": None})})
    run = run_scenario_game(sc, with_thresholds=False)
    used = {u["term"]: u["value"] for u in run.to_dict()["defaults_used"]}
    assert used["costs.challenger_war_win_prob"] == 0.5 and used["costs.defender_credibility"] == 0.0
    console = Console(record=True, width=200)
    console.print(render_game(run))
    out = console.export_text()
    assert "Defaults used" in out and "challenger_war_win_prob = 0.5" in out
    a = Analysis(sc, AnalyzeOptions(), {}, None, [], {"games": run})  # type: ignore[arg-type]
    _, warnings = defaults_and_warnings(a)
    assert any("maps no cost terms" in w.what for w in warnings)


def test_skipped_moves_unused_parameters_and_sim_defaults(geneva):
    from detente.scenario.schema import Move

    extra = Move(id="chn_statement", actor="chn", type="statement")
    sc = geneva.model_copy(update={"moves": [*geneva.moves, extra],
                                   "parameters": {**geneva.parameters, "nobody_reads_me":
                                                  geneva.parameters["rus_war_cost"]}})
    a = Analysis(sc, AnalyzeOptions(), {}, None, [], {})  # type: ignore[arg-type]
    defaults, warnings = defaults_and_warnings(a)
    text = " ".join(w.text() for w in warnings)
    assert "chn_statement" in text and "not simulated" in text
    assert "nobody_reads_me" in text and "rus_war_cost" not in text.split("no layer reads:")[1]
    assert any(d.term == "war.win_prob.usa" for d in defaults)  # the scenario names only Russia's


def test_the_crisis_models_defaults_are_in_the_one_list(geneva):
    """The general crisis model's stand-ins (discount, standoff costs, ...) are listed under 'defaults
    used' and counted by the bottom line (they were only warnings in its own section)."""
    from types import SimpleNamespace

    from detente.games.crisis.spec import build_inputs

    crisis = SimpleNamespace(inputs=build_inputs(geneva))  # what the layer's run carries (no solve needed)
    assert "discount" in crisis.inputs.defaults
    a = Analysis(geneva, AnalyzeOptions(), {}, None, [], {"crisis": crisis})  # type: ignore[arg-type]
    defaults, _ = defaults_and_warnings(a)
    got = {d.term: d.value for d in defaults if d.layer == "crisis"}
    assert got == crisis.inputs.defaults


# -- claim errors in plain words ---------------------------------------------------------------------

BASE = """detente: 1
meta: {id: t, title: t, perspective: p}
actors: [{id: a1, name: A, capability: 1}]
issues: [{id: a, name: I}]
positions: {a1: {a: {position: 1, salience: 0.5}}}
claims:
  - id: c1
    text: x
    check: {CHECK}
"""


@pytest.mark.parametrize(("check", "want"), [
    ("kind: forecast_nearr", "'forecast_nearr' is not a kind of claim check; the kinds are: forecast_near, "),
    ("kund: forecast_near", "a claim's check needs 'kind:', one of: forecast_near, forecast_between"),
    ("kind: forecast_near, issue: a, targt: 3, within: 2",
     "unknown key for a forecast_near check (it takes: issue, target, within, model)"),
    ("kind: forecast_near, issue: a, within: 2", "a forecast_near check needs this key"),
])
def test_claim_errors_name_the_kinds_and_keys(check, want):
    with pytest.raises(InputError) as exc:
        load_scenario_text(BASE.replace("CHECK", check), "s.yaml")
    msg = str(exc.value)
    assert want in msg and "discriminator" not in msg and "\n" not in msg
    assert "opinion_sooner_without" in msg or "kind" not in want


# -- the format reference -------------------------------------------------------------------------------

def test_scenario_reference_is_generated_and_up_to_date():
    assert missing_meanings() == []
    committed = (REPO / "docs" / "SCENARIO.md").read_text(encoding="utf-8")
    assert committed == reference(), "regenerate: python -m detente.scenario.reference > docs/SCENARIO.md"
    for word in ("challenger_war_win_prob", "temperature", "opinion_sooner_without", "utility units"):
        assert word in committed
    assert "docs/SCENARIO.md" in (REPO / "README.md").read_text(encoding="utf-8")


# -- charts a reader can read -----------------------------------------------------------------------------

def _figures(name: str) -> dict[str, object]:
    sc = load_scenario(case_path(name))
    arr = point_arrays(sc)
    models = {m: get_model(m).run_arrays(arr) for m in MODELS}
    figs = {"issue map": plots.issue_map_fig(sc, arr, models, [(sc.issues[0].id, "eum")]),
            "strength": plots.strength_bars_fig(sc, strong_position(arr, models["compromise"], models["smp"])),
            "trajectories": sections.trajectories_fig(sc, models["smp"]),
            "bars": plots.bar_chart_fig(["agreement", "stalemate", "a very long label " * 4], [1, 2, 3], "t")}
    for i in sc.issues:
        figs[f"quadrants {i.id}"] = sections.quadrant_fig(models["eum"], i.id)
    if sc.games is not None:
        figs["game tree"] = sections.game_tree_fig(run_scenario_game(sc, with_thresholds=False))
    return {k: f for k, f in figs.items() if f is not None}


def test_overlap_check_catches_overlapping_labels():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.annotate("label one", (0.5, 0.5))
    ax.annotate("label two", (0.5, 0.5))
    assert plots.overlapping_labels(fig) == [("label one", "label two")]
    plots.declutter(fig, ax.texts[1:])
    assert plots.overlapping_labels(fig) == []


@pytest.mark.slow  # ~3-6 s: six models and a game on the founding case
def test_founding_case_charts_have_no_overlapping_labels():
    figs = _figures("geneva-2022")
    assert {"issue map", "game tree", "trajectories"} <= set(figs)
    for name, fig in figs.items():
        assert plots.overlapping_labels(fig) == [], name
    svg = plots.to_svg(figs["issue map"])  # coded outcomes hollow and labelled, colour-blind-safe palette
    assert "coded outcome" in svg and "known outcome" not in svg and "#0072b2" in svg.lower()


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in case_names() if n != "geneva-2022"])
def test_library_case_charts_have_no_overlapping_labels(name):
    for chart, fig in _figures(name).items():
        assert plots.overlapping_labels(fig) == [], f"{name}: {chart}"


# -- the whole analysis: bottom line first, one count everywhere --------------------------------------------

@pytest.fixture(scope="module")
def analysis(geneva):
    return analyze(geneva)


@pytest.mark.slow
def test_bottom_line_of_the_founding_case(analysis):
    s = analysis.summary
    assert list(analysis.to_dict())[:2] == ["detente_version", "summary"]
    text = "\n".join(s["lines"])
    assert 5 <= len(s["lines"]) <= 12
    assert "C7" in s["claims"]["fails"] and "C1" in s["claims"]["holds"]
    assert s["outcome"]["known"] == "escalation" and s["outcome"]["predicted"]["games"]["class"] == "stalemate"
    # the simulation's players play the general crisis model (C14): its runs' modal class is the model's
    crisis = analysis.layers["crisis"].to_dict()
    assert analysis.layers["sim"].batch.policy == "crisis"
    assert s["outcome"]["predicted"]["sim"]["class"] == crisis["outcome_class"]
    # the general crisis model is in the bottom line and gives its own verdict on the outcome claim C4
    got = s["outcome"]["predicted"]["crisis"]
    assert got["class"] == crisis["outcome_class"] and got["probability"] == crisis["outcome_classes"][got["class"]]
    assert "general crisis model, probability" in text
    from detente.scenario.priors import load_table

    assert s["outcome"]["base_rates"] == load_table()["base_rates"]["classes"]
    assert "Base rate: ICB's" in text
    c4 = [v for v in analysis.claims if v.claim == "C4" and v.layer == "crisis"]
    assert len(c4) == 1 and c4[0].model_probability == crisis["outcome_classes"]["stalemate"]
    sp = s["strong_position"]  # the article's headline against the table, which ranks Russia last
    assert sp["named"] == "rus" and sp["agrees"] is False and sp["rank_of_named"] == len(analysis.strong.rows)
    assert "the table does not agree" in text
    assert "Where the argument stops following" in text and "rus_war_cost" in text
    assert s["flip"]["smallest"]["assumption"].endswith("rus_war_cost") and s["flip"]["smallest"]["at"] < 0.3
    assert [o["model"] for o in s["outliers"]] == ["eum"]


@pytest.mark.slow
def test_one_count_per_claim_everywhere(analysis):
    d = json.loads(json.dumps(analysis.to_dict()))
    unc = d["uncertainty"]["claims"]
    html = build_html(analysis)
    console = Console(record=True, width=400)
    render(analysis, console)
    term = console.export_text()
    first_by_claim: dict[str, dict] = {}
    for v in sorted(d["claims"], key=lambda v: {"games": 0, "sim": 1}.get(v["layer"], 2)):
        first_by_claim.setdefault(v["claim"], v)
        if v["draws"]:
            assert v["probability"] == v["held"] / v["draws"] and v["interval"][0] <= v["probability"]
    for cid, v in first_by_claim.items():
        if v["draws"]:
            assert unc[cid]["evaluated"] == v["draws"] and unc[cid]["holds"] == v["held"], cid
    for v in analysis.claims:
        if v.draws:
            assert escape(v.share_text(), quote=False) in html
            assert v.share_text() in " ".join(term.split()) or f"{v.held} of {v.draws}" in term
    assert "p=" not in term and "32 draws" not in term


@pytest.mark.slow
def test_terminal_puts_the_bottom_line_first_and_the_log_behind_a_flag(analysis):
    console = Console(record=True, width=160)
    render(analysis, console)
    out = console.export_text()
    order = [out.index(s) for s in ("Bottom line", "Claims (", "Defaults used", "Who holds the strong position",
                                    "Crisis game")]
    assert order == sorted(order)
    assert not re.search(r"^round 1, ", out, flags=re.M) and "add --log" in out
    console = Console(record=True, width=160)
    render(analysis, console, log=True)
    assert re.search(r"^round 1, ", console.export_text(), flags=re.M)


@pytest.mark.slow
def test_html_report_opens_with_the_bottom_line(analysis):
    html = build_html(analysis)
    assert html.index('id="bottom-line"') < html.index('id="claims"') < html.index('id="strong"')
    assert "Defaults used" in html and "coded outcome" in html and "⚑" in html
    assert not re.search(r"""(src|href)=["']https?:|<link|url\(https?:""", html)  # self-contained, offline


def test_claim_line_counts_what_holds_even_for_a_failing_claim():
    """A failing claim's count is of runs where it holds: the line must not read as failures."""
    from detente.analysis.claims import Verdict
    from detente.analysis.summary import _claim_line

    games = Verdict("C4", "a draw", "holds", "", layer="games").set_count(199, 200, "draws of the stated ranges")
    sim = Verdict("C4", "a draw", "fails", "", layer="sim").set_count(34, 200, "simulated runs")
    line = _claim_line([games, sim])
    assert "holds by games (holds in 199 of 200 draws" in line
    assert "fails by sim (holds in 34 of 200 runs, 17%)" in line
