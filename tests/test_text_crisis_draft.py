"""Drafts that run every layer: principals, the crisis game, the simulation, cost terms (T6)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import InputError
from detente.games.crisis.spec import build_inputs
from detente.scenario.loader import load_scenario
from detente.text.crisis_draft import DEFAULT_NOTE, PRIOR_NOTE, principals
from detente.text.draft import draft_from_text

runner = CliRunner()

TEXT = ("Talks in Oslo. On 3 May Russia demanded that Ukraine withdraw its troops from the border. "
        "Ukraine rejected the demand and mobilized reservists. In a private letter, the Ukrainian foreign "
        "minister offered talks. Russia threatened to attack.\n")
TERMS = ("war_cost", "war_win_prob", "standoff_cost")


def _data(moves: list[dict]) -> dict:
    return {"actors": [{"id": a, "kind": k} for a, k in (("un", "organisation"), ("a", "state"), ("b", "state"),
                                                          ("c", "state"))],
            "moves": moves}


def test_principals_from_the_first_coercive_move_and_its_target():
    d = _data([{"id": "m0", "actor": "un", "type": "demand", "step": 0, "target": "a"},
               {"id": "m1", "actor": "b", "type": "mobilize", "step": 1, "target": None},
               {"id": "m2", "actor": "a", "type": "assault", "step": 2, "target": "b"},
               {"id": "m3", "actor": "b", "type": "demand", "step": 3, "target": "c"},
               {"id": "m4", "actor": "b", "type": "threaten", "step": 4, "target": "c"}])
    c, d_, why = principals(d)
    assert (c, d_) == ("b", "c")  # the organisation's demand does not make it a principal
    assert "first coercive move" in why and "m1" in why
    assert principals(d, challenger="a")[:2] == ("a", "b")  # a's move targets b
    assert principals(d, challenger="a", defender="c")[:2] == ("a", "c")


def test_principals_fallbacks_and_bad_overrides():
    d = _data([{"id": "r", "actor": "c", "type": "reject", "step": 1, "target": None}])
    assert principals(d)[:2] == ("a", "c")  # no coercive move: most-named state; defender rejects
    with pytest.raises(InputError, match="not an actor"):
        principals(d, challenger="zzz")
    with pytest.raises(InputError, match="both"):
        principals(d, challenger="a", defender="a")
    with pytest.raises(InputError, match="one actor"):
        principals({"actors": [{"id": "a", "kind": "state"}], "moves": []})


def test_draft_has_game_simulation_and_every_cost_term():
    sc, ex = draft_from_text(TEXT, "t.txt", backend="python")
    spec = sc.games.specs[0]
    assert (spec.template.value, spec.challenger, spec.defender) == ("two_track", "rus", "ukr")
    assert spec.demand_move is not None and sc.simulation.players == ["rus", "ukr"]
    names = {f"{a}_{t}" for a in ("rus", "ukr") for t in TERMS} | {
        "ukr_face_cost_accept", "rus_face_cost_withdraw", "power_shift", "horizon", "discount"}
    assert names <= set(sc.parameters)
    for name in names:
        p = sc.parameters[name]
        assert p.assumed and p.low < p.high and p.note and (DEFAULT_NOTE in p.note or PRIOR_NOTE in p.note)
    from detente.scenario.priors import DRAFT_TERMS  # the ICB prior table (issue 16) informs these terms

    informed = {n for n in names if any(n == t or n.endswith(f"_{t}") for t in DRAFT_TERMS)}
    assert informed and set(ex.defaults) == names - informed
    assert all(PRIOR_NOTE in sc.parameters[n].note for n in informed)
    # positions come from the demand and the rejection, not placeholders
    issue = spec.issue
    assert sc.positions["rus"][issue].position.value == 100 and not sc.positions["rus"][issue].position.assumed
    assert sc.positions["ukr"][issue].position.value == 0
    assert ex.check_first and "principals rus (challenger) and ukr (defender)" in ex.check_first[0]
    assert "Check first" in sc.meta.description
    # the closed-track offer lands on the closed channel the game uses
    assert spec.closed_channel == "closed"
    assert any(m.actor == "ukr" and m.type.value == "offer" and m.channel == "closed" for m in sc.moves)


def test_the_prior_table_is_used_for_the_terms_it_informs(monkeypatch):
    from detente.scenario import priors

    monkeypatch.setattr(priors, "draft_prior",
                        lambda term: (0.3, 0.1, 0.6, "test") if term == "war_cost" else None)
    sc, ex = draft_from_text(TEXT, "t.txt", backend="python")
    w = sc.parameters["rus_war_cost"]
    # the table's war cost is a share of the actor's own stake (ICB9): drafted at salience 0.5 and the
    # principals at the two ends of the scale, the model's war cost is half the share (review R1)
    st = sc.positions["rus"][sc.games.specs[0].issue]
    assert st.salience.value == 0.5
    assert (w.value, w.low, w.high) == (0.15, 0.05, 0.3) and PRIOR_NOTE in w.note
    assert "rus_war_cost" not in ex.defaults and "horizon" in ex.defaults
    # the check-first line gives the prior's source to the prior's terms only, not to the defaults
    line = next(c for c in ex.check_first if c.startswith("cost terms"))
    n_prior = len(sc.parameters) - len(ex.defaults)
    head, _, tail = line.partition(f"{len(ex.defaults)} stated defaults of the drafter")
    assert f"{n_prior} from the prior (" in head and PRIOR_NOTE in head and PRIOR_NOTE not in tail
    inp = build_inputs(sc)  # the crisis model reads it back as the share of its own stake
    assert inp.model.war_cost[0] == (pytest.approx(0.1 * inp.model.frontier[-1][1]),
                                     pytest.approx(0.6 * inp.model.frontier[-1][1]))


def test_stated_default_costs_are_shares_of_the_stake_and_listed_first(monkeypatch):
    """Without a prior table the stated default war and standoff costs are shares of the actor's stake,
    scaled as the table's are (they were written as bare shares, twice the model's cost at salience 0.5),
    and the "check first" list names every stated default with its range (SF3)."""
    from detente.scenario import priors
    from detente.text.crisis_draft import DEFAULTS

    def no_table():
        raise InputError("no ICB prior table is installed", "icb_priors.json")

    monkeypatch.setattr(priors, "load_table", no_table)
    sc, ex = draft_from_text(TEXT, "t.txt", backend="python")
    issue = sc.games.specs[0].issue
    for actor in ("rus", "ukr"):
        st = sc.positions[actor][issue]
        assert st.salience.value == 0.5  # and the principals at the two ends: stake 0.5
        for term in ("war_cost", "standoff_cost"):
            p = sc.parameters[f"{actor}_{term}"]
            assert (p.value, p.low, p.high) == pytest.approx(tuple(0.5 * x for x in DEFAULTS[term]))
            assert DEFAULT_NOTE in p.note and "x this actor's stake 0.5" in p.note
    assert sc.parameters["horizon"].value == DEFAULTS["horizon"][0]  # not a cost share: unscaled
    inp = build_inputs(sc)  # the crisis model reads the default back as the share of its own stake
    lo, hi = DEFAULTS["war_cost"][1:]
    assert inp.model.war_cost[0] == (pytest.approx(lo * inp.model.frontier[-1][1]),
                                     pytest.approx(hi * inp.model.frontier[-1][1]))
    line = next(c for c in ex.check_first if c.startswith("cost terms"))
    assert "all stated defaults" in line
    for name in ex.defaults:
        p = sc.parameters[name]
        assert f"{name} {p.value:g} [{p.low:g}, {p.high:g}]" in line
    assert "rus_war_cost 0.25 [0.05, 0.5]" in line


def test_the_tables_win_probability_is_the_defenders(monkeypatch):
    from detente.scenario import priors

    # ICB's win_prob is the defender's (ICB6): an asymmetric prior shows which side gets it
    monkeypatch.setattr(priors, "draft_prior",
                        lambda term: (0.7, 0.6, 0.8, "test") if term == "war_win_prob" else None)
    sc, ex = draft_from_text(TEXT, "t.txt", backend="python")  # rus challenges, ukr defends
    d, c = sc.parameters["ukr_war_win_prob"], sc.parameters["rus_war_win_prob"]
    assert (d.value, d.low, d.high) == (0.7, 0.6, 0.8)
    assert (c.value, c.low, c.high) == pytest.approx((0.3, 0.2, 0.4))
    assert PRIOR_NOTE in c.note and {"ukr_war_win_prob", "rus_war_win_prob"}.isdisjoint(ex.defaults)


def test_override_principals_through_the_cli(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "d.yaml"
    res = runner.invoke(app, ["draft", str(p), "--challenger", "ukr", "--defender", "rus", "-o", str(out)])
    assert res.exit_code == 0, res.output
    spec = load_scenario(out).games.specs[0]
    assert (spec.challenger, spec.defender) == ("ukr", "rus")
    bad = runner.invoke(app, ["draft", str(p), "--challenger", "nobody"])
    assert bad.exit_code == 2 and "nobody" in bad.output and "Traceback" not in bad.output
    assert str(p) in bad.output  # the error names the article, not "draft"
    one = tmp_path / "one.txt"
    one.write_text("Russia demanded concessions at the talks.\n", encoding="utf-8")
    bad = runner.invoke(app, ["draft", str(one), "--backend", "python"])
    assert bad.exit_code == 2 and f"{one}: the draft names one actor only" in bad.output


@pytest.mark.slow
def test_draft_analyze_runs_every_layer_and_says_it_was_drafted(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT, encoding="utf-8")
    res = runner.invoke(app, ["draft", str(p), "--backend", "python", "--analyze", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("drafted from text; defaults: ")
    data = json.loads((tmp_path / "o" / "analysis.json").read_text(encoding="utf-8"))
    assert next(iter(data)) == "drafted_from_text" and data["drafted_from_text"]["defaults"]
    for layer in ("models", "games", "sim", "uncertainty"):
        assert data.get(layer), layer
    assert "drafted from text" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert load_scenario(tmp_path / "o" / "draft.yaml").games is not None


def test_an_offer_gives_a_halfway_placeholder_position_with_its_evidence():
    text = ("Russia demanded that Ukraine withdraw its troops from the border. "
            "Ukraine offered to pull back some troops from the border.\n")
    sc, _ = draft_from_text(text, "t.txt", backend="python")
    issue = sc.games.specs[0].issue
    st = sc.positions["ukr"][issue]
    assert st.position.value == 50 and st.position.assumed and "offer" in st.position.note
    assert st.evidence is not None and "offered" in st.evidence.quote
