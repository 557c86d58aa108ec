"""Strategic third parties in the general crisis model (decision C13): hand-computed comparative
statics on small models, the third party's utility on the frontier, ties reported, and no change
at all when a scenario has no third parties."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.games.crisis import third as TP
from detente.games.crisis.model import CrisisModel, Observer, round_summary
from detente.games.crisis.run import run_crisis

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
GRID = tuple(i / 100 for i in range(101))
AT_C = ((0.0, 0.0), (1.0, 1.0))  # a third party at C's position, salience 1: its value of s is s


def party(join: float = 0.2, pressure: float = 0.1, mediation: float = 0.02, cap: float = 0.5,
          effect: tuple[float, float] = (0.0, 0.0), reveal: float = 0.1) -> TP.ThirdParty:
    return TP.ThirdParty("k", 1.0, 1.0, cap, AT_C, join, pressure, mediation, effect, reveal)


def risk_return(p0: float = 0.4) -> CrisisModel:
    """One round; C demands, D accepts or fights; D resolved (war cost 0.05) with prior 0.4, else 0.3."""
    return CrisisModel(("C", "D"), LINE, GRID, 0.0, 0.0, (p0,), ((0.1, 0.1), (0.05, 0.3)), (1.0, 0.4),
                       (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="challenger",
                       responses=("accept", "war"), observers=(Observer("k", AT_C),))


@pytest.mark.parametrize(("join_cost", "joins"), [(0.2, True), (0.3, False)])
def test_aligned_third_party_joins_iff_its_war_cost_is_low(join_cost: float, joins: bool) -> None:
    """Risk-return game (Fearon 1995): C screens, demanding p + c_H = 0.7; the resolved defender (prior 0.4)
    fights. k (capability 0.5 beside C's 1 and D's 1) joining C makes p 0.4 -> 0.5 (odds x 1.5), and C
    then demands 0.8. k's value of the outcome: out 0.4 x 0.4 + 0.6 x 0.7 = 0.58; joined 0.4 x 0.5 +
    0.6 x 0.8 = 0.68, minus its join cost paid in war (probability 0.4, round 0). It joins iff
    0.68 - 0.4 J > 0.58, i.e. J < 0.25 (hand-derived)."""
    setup = TP.ThirdSetup(risk_return(), (party(join=join_cost),), (1.0, 1.0))
    eq = TP.equilibrium(setup, None)
    assert eq.converged and not eq.ties
    out, joined = eq.options[0][TP.OUT], eq.options[0][TP.JOIN_C]
    assert out == pytest.approx((0.58, 0.0))
    assert joined == pytest.approx((0.68, 0.4 * join_cost))
    assert (eq.choices[0] == TP.JOIN_C) is joins
    assert (eq.choices[0] == TP.OUT) is not joins
    assert ("joins C in war" if joins else "stays out") == eq.role(0)


def test_joining_raises_p_and_the_challengers_demand() -> None:
    setup = TP.ThirdSetup(risk_return(), (party(join=0.2),), (1.0, 1.0))
    m_out, _ = TP.configure(setup, [TP.OUT])
    m_in, _ = TP.configure(setup, [TP.JOIN_C])
    assert m_out.p == (0.4,) and m_in.p[0] == pytest.approx(0.5)
    m_d, _ = TP.configure(setup, [TP.JOIN_D])
    assert m_d.p[0] == pytest.approx(4 / 13)  # odds 2/3 / 1.5
    eq = TP.equilibrium(setup, None)
    assert round_summary(eq.final.sol)[0]["offer"] == pytest.approx(0.8)
    assert round_summary(TP.equilibrium(TP.ThirdSetup(risk_return(), (party(join=0.3),), (1.0, 1.0)),
                                        None).final.sol)[0]["offer"] == pytest.approx(0.7)


def _standoff_model() -> CrisisModel:
    """One round from the status quo s = 0: C offers 0, 0.5 or 1; D accepts or holds (standoff cost 0.1)."""
    return CrisisModel(("C", "D"), LINE, (0.0, 0.5, 1.0), 0.0, 0.0, (0.5,), ((0.5, 0.5), (0.5, 0.5)), (1.0, 1.0),
                       (0.1, 0.1), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="challenger",
                       responses=("accept", "hold"), observers=(Observer("k", AT_C),))


def test_pressure_makes_the_pressed_side_settle() -> None:
    """D accepts s iff 1 - s >= 1 - c_D (holding costs it its standoff cost; one round). With c_D = 0.1 it
    accepts only s = 0 (the status quo: stalemate); pressure adding 0.5 makes c_D = 0.6, so it accepts
    0.5 and C demands it (agreement). k, at C's position, gains 0.5 for a cost of 0.1 and pressures D."""
    setup = TP.ThirdSetup(_standoff_model(), (party(pressure=0.1, effect=(0.5, 0.5)),), (1.0, 1.0))
    base = TP.equilibrium(TP.ThirdSetup(_standoff_model(), (party(pressure=0.6, effect=(0.5, 0.5)),),
                                        (1.0, 1.0)), None)
    assert base.choices == (TP.OUT,) and base.final.sol.outcome_class() == "stalemate"
    eq = TP.equilibrium(setup, None)
    assert eq.choices == (TP.PRESS_D,)
    assert eq.final.model.standoff == pytest.approx((0.1, 0.6))
    assert eq.final.sol.outcome_class() == "agreement"
    assert eq.options[0][TP.PRESS_D] == pytest.approx((0.5, 0.1))
    assert "pressure D" in eq.explain(0) and "rises from 0.000 (staying out) to 0.500" in eq.explain(0)


def test_ties_are_reported_not_silently_broken() -> None:
    """Without war on the menu, joining either side changes nothing and costs nothing: three options tie."""
    setup = TP.ThirdSetup(_standoff_model(), (party(effect=(0.0, 0.0)),), (1.0, 1.0))
    eq = TP.equilibrium(setup, None)
    assert eq.choices == (TP.OUT,)
    assert eq.ties and "stay out, join C, join D" in eq.ties[0]
    assert "ties:" in eq.summary()


def test_mediation_mixes_in_the_complete_information_solution() -> None:
    """Mediation (reveal 0.5) in the risk-return game: with D's mean war cost 0.2 known, C demands 0.6 and
    D accepts: value 0.6; mixed (0.5 x 0.58 + 0.5 x 0.6 = 0.59), minus the cost 0.02."""
    setup = TP.ThirdSetup(risk_return(), (party(join=1.0, reveal=0.5),), (1.0, 1.0), mediation="reveal")
    ev = TP.equilibrium(setup, None).options[0][TP.MEDIATE]
    assert ev == pytest.approx((0.59, 0.02))


def test_utility_on_the_frontier_has_its_kink_at_the_position() -> None:
    """One issue from D's 0 to C's 100; k at 30 with salience 0.5: value 0.5 (100 - |100 s - 30|) / 100."""
    pts = [(0.0, {"x": 0.0}), (1.0, {"x": 1.0})]
    u = TP.utility_points(pts, [("x", 0.5, 30.0, 0.0, 100.0, 100.0)])
    assert [x for pt in u for x in pt] == pytest.approx([0.0, 0.35, 0.3, 0.5, 1.0, 0.15])
    ob = Observer("k", u)
    assert ob.u(0.65) == pytest.approx(0.5 * (100 - 35) / 100)


def test_two_issue_frontier_utility_follows_the_linkage_order() -> None:
    """D concedes issue a first (C gains 0.8 per unit D loses 0.2), then b. k sits at C's end on a
    (salience 1) and at D's end on b (salience 1)."""
    from detente.games.crisis.spec import _frontier_points

    rows = [("a", 0.8, 0.2, 0.0, 100.0), ("b", 0.2, 0.8, 0.0, 100.0)]
    pts = [(s, f) for s, _c, _d, f in _frontier_points(rows)]
    assert [round(s, 6) for s, _ in pts] == [0.0, 0.2, 1.0]
    u = TP.utility_points(pts, [("a", 1.0, 100.0, 0.0, 100.0, 100.0), ("b", 1.0, 0.0, 0.0, 100.0, 100.0)])
    assert [x for pt in u for x in pt] == pytest.approx([0.0, 1.0, 0.2, 2.0, 1.0, 1.0])


def _case(name: str):  # type: ignore[no-untyped-def]
    from detente.cases import case_path
    from detente.scenario.loader import load_scenario

    return load_scenario(case_path(name))


def test_no_third_parties_no_change() -> None:
    """Falklands without its two third parties: the strategic and the rule readings give the same model
    and the same results (the rule was the model before C13)."""
    sc = _case("falklands-1982")
    pos = {a: v for a, v in sc.positions.items() if a in ("arg", "gbr")}
    sc = sc.model_copy(update={"positions": pos})
    a = run_crisis(sc, explain=False, third_parties="strategic")
    b = run_crisis(sc, explain=False, third_parties="rule")
    assert a.inputs.model == b.inputs.model and a.inputs.third_eq is None
    da, db = a.to_dict(), b.to_dict()
    assert (da["inputs"]["joining"], db["inputs"]["joining"]) == ("credible", "not used (rule mode)")  # H14
    for d in (da, db):
        d["inputs"].pop("third_parties_mode")
        d["inputs"].pop("joining")
    assert da == db


def test_strategic_choices_are_explained_in_the_json() -> None:
    r = run_crisis(_case("taiwan-1996"), explain=False)
    d = r.to_dict()["inputs"]
    assert d["third_parties_mode"] == "strategic"
    eq = d["third_party_equilibrium"]
    row = eq["parties"][0]
    # C24's default (joining:credible): Taiwan would not fight for either side, so it cannot join one
    assert d["joining"] == "credible" and {"twn joining prc", "twn joining usa"} <= set(d["joins_not_credible"])
    assert row["actor"] == "twn" and set(row["options"]) == {"stay out", "pressure prc", "pressure usa", "mediate"}
    promise = run_crisis(_case("taiwan-1996"), explain=False, joining="promise").to_dict()["inputs"]
    assert set(promise["third_party_equilibrium"]["parties"][0]["options"]) == {
        "stay out", "join prc", "join usa", "pressure prc", "pressure usa", "mediate"}
    best = max(row["options"].values(), key=lambda o: o["net"])
    assert row["options"][row["choice"]]["net"] == pytest.approx(best["net"])
    assert row["why"].startswith("twn ")
    assert "third_party_join_cost_scale" in d["defaults_used"]


def test_rule_mode_by_tag_and_bad_mode() -> None:
    sc = _case("taiwan-1996")
    tagged = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "third_parties:rule"]})})
    r = run_crisis(tagged, explain=False)
    assert r.inputs.third_mode == "rule" and r.inputs.third_parties[0]["role"] == "joins usa in war"
    with pytest.raises(InputError, match="third parties must be one of"):
        run_crisis(sc, explain=False, third_parties="vote")


@pytest.mark.parametrize("name", ["twn_join_cost", "third_party_mediation_cost"])
def test_negative_third_party_cost_is_refused(name: str) -> None:
    """A negative join/pressure/mediation cost (value or low end of its range) would pay a third party
    to act; it is refused naming the parameter, not silently solved."""
    from detente.scenario.numbers import Num

    sc = _case("taiwan-1996")
    bad = sc.model_copy(update={"parameters": {**sc.parameters,
                                               name: Num.model_validate({"value": 0.1, "low": -0.5,
                                                                               "high": 0.2})}})
    with pytest.raises(InputError, match="cannot be negative") as ei:
        run_crisis(bad, explain=False)
    assert ei.value.field == f"parameters.{name}"


def test_html_section_lists_each_third_partys_reason() -> None:
    from detente.report.sections import crisis_section

    run = run_crisis(_case("taiwan-1996"), explain=False)
    html = crisis_section(run)
    eq = run.inputs.third_eq
    assert eq is not None and "<h3>Third parties</h3>" in html
    assert html.count("<li>twn ") == 1 and f"chooses by logit (lambda {eq.lam:g})" in html
    sh = eq.shares[0]
    assert f"<td>{sh[TP.OUT]:.2f} (" in html and "Choice probabilities" in html


def test_game_cli_third_parties_option() -> None:
    import json

    from typer.testing import CliRunner

    from detente.cli.app import app

    res = CliRunner().invoke(app, ["game", "taiwan-1996", "--template", "crisis", "--third-parties", "rule", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)["inputs"]
    assert d["third_parties_mode"] == "rule" and d["third_party_equilibrium"] is None
    bad = CliRunner().invoke(app, ["game", "taiwan-1996", "--template", "crisis", "--third-parties", "vote"])
    assert bad.exit_code == 2 and "--third-parties" in bad.output


def test_cohesion_bloc_joining_counts_in_full() -> None:
    """An alliance whose cohesion (0.5) already adds half its capability to D's side: joining D counts all
    of it (odds x (1/1) / (2/1.5) = 0.75: p 0.5 -> 3/7); joining C moves it across (odds x 2 / (1/1.5) = 3)."""
    setup = TP.ThirdSetup(risk_return(0.5), (party(cap=1.0),), (1.0, 1.0), cohesion=("k", 1, (0.5,)))
    assert TP.configure(setup, [TP.OUT])[0].p[0] == pytest.approx(0.5)
    assert TP.configure(setup, [TP.JOIN_D])[0].p[0] == pytest.approx(3 / 7)
    assert TP.configure(setup, [TP.JOIN_C])[0].p[0] == pytest.approx(0.75)


def test_join_cost_parameter_is_read_and_not_reported_unused() -> None:
    from detente.analysis.analyze import Analysis, AnalyzeOptions
    from detente.analysis.summary import defaults_and_warnings
    from detente.scenario.numbers import Num

    sc = _case("taiwan-1996")
    sc = sc.model_copy(update={"parameters": {**sc.parameters, "twn_join_cost": Num(value=0.01),
                                              "nobody_reads_me": Num(value=1.0)}})
    run = run_crisis(sc, explain=False)
    assert run.inputs.third_setup is not None and run.inputs.third_setup.parties[0].join_cost == 0.01
    assert run.inputs.third_setup.parties[0].sources["join_cost"] == "parameter twn_join_cost"
    a = Analysis(sc, AnalyzeOptions(), {}, None, [], {"crisis": run})  # type: ignore[arg-type]
    text = " ".join(w.text() for w in defaults_and_warnings(a)[1])
    assert "nobody_reads_me" in text and "twn_join_cost" not in text
