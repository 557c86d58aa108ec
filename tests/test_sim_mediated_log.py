"""A simulated run after a mediator's revelation plays the complete-information solution at the stated war
costs (C7, C14), and its log says so (C20b): it used to name the resolve type drawn beside the stated cost it
played, so a run logged as 'irresolute' fought at the mean cost."""

from __future__ import annotations

import pytest

from detente.cases import case_path
from detente.scenario.loader import load_scenario


def test_a_mediated_run_logs_what_it_plays() -> None:
    from detente.analysis.sim_layer import run_batch, typed_runs
    from detente.sim.crisis_play import REVEALED, TYPE_NAMES, build_plan

    sc = load_scenario(case_path("munich-1938"))  # under C7's rule its mediator reveals with probability > 0
    sc = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "third_parties:rule"]})})
    plan = build_plan(sc)
    m = plan.model
    assert 0 < plan.mediation < 1
    stated = [m.prior[i] * m.war_cost[i][0] + (1 - m.prior[i]) * m.war_cost[i][1] for i in (0, 1)]
    assert any(abs(m.war_cost[i][0] - m.war_cost[i][1]) > 1e-9 for i in (0, 1))  # two types: the log matters
    b = run_batch(sc, 5, 80, plan=plan, ranges="fixed", keep_logs=True)
    mediated = [r for r in b.runs if r.crisis["mediated"]]
    plain = [r for r in b.runs if not r.crisis["mediated"]]
    assert mediated and plain
    for r in mediated:
        info = r.crisis
        assert set(info["types"].values()) == {REVEALED}
        assert set(info["drawn_types"].values()) <= set(TYPE_NAMES)
        assert [info["war_cost"][p] for p in m.players] == pytest.approx(stated)
        pol = r.records[0]
        assert pol["kind"] == "policy" and pol["types"] == info["types"] and pol["drawn_types"] == info["drawn_types"]
        assert "plays the complete-information solution at the stated war costs" in r.lines[0]
        assert "not the types drawn" in r.lines[0]
        answers = [x for x in r.records if x["kind"] == "crisis" and "response" in x]
        assert answers and all(x["type"] == REVEALED for x in answers)
    for r in plain:
        info = r.crisis
        assert info["types"] == info["drawn_types"]
        for i, p in enumerate(m.players):
            assert info["war_cost"][p] == m.war_cost[i][TYPE_NAMES.index(info["types"][p])]
        assert "types drawn and played" in r.lines[0]
    by = typed_runs(b)
    key = ", ".join(f"{p} {REVEALED}" for p in m.players)
    assert by["runs_by_types"][key]["runs"] == len(mediated)


def test_runs_play_the_mediators_split() -> None:
    """Berlin 1948: in the likeliest configuration the Berliners propose a split (C19, C20). Each run draws both
    principals' answers by type; the share of runs that settle on it is the model's P(settled) (binomial, 4
    standard errors), an accepted split is round 0's agreement in the log and the path, and the run's model state
    after it is the split (then reopened or kept under C3)."""
    import math

    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    sc = load_scenario(case_path("berlin-1948"))  # proposing mediators are an option since C22b
    sc = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "mediation:propose"]})})
    plan = build_plan(sc)
    assert len(plan.proposals) == 1 and plan.split == "renegotiable"
    name, s, acc = plan.proposals[0]
    m = plan.model
    settled = sum(wc * wd * acc[0][tc] * acc[1][td] for tc, wc in ((0, m.prior[0]), (1, 1 - m.prior[0]))
                  for td, wd in ((0, m.prior[1]), (1, 1 - m.prior[1])))
    assert 0.05 < settled < 0.95
    n = 300
    b = run_batch(sc, 7, n, plan=plan, ranges="fixed", keep_logs=True)
    k = 0
    for r in b.runs:
        notes = [x for x in r.records if x.get("mediator") == name]
        assert len(notes) == 1 and notes[0]["division"] == s
        both = all(notes[0]["accepts"].values())
        first = r.crisis["path"][0]
        assert (first.get("mediator") == name) == both
        if both:
            k += 1
            assert first["offer"] == s and first["model_round"] == 0 and first["response"] == "accept"
            assert len(r.crisis["path"]) == 1 or r.crisis["path"][1]["model_round"] == 1
    assert abs(k - n * settled) <= 4 * math.sqrt(n * settled * (1 - settled)), (k, n * settled)
