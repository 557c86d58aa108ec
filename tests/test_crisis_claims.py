"""The general crisis model's verdict on outcome-class claims: its most likely class against the claimed
one, with the model's own probability (no draws behind it), and only when the claim's layer allows."""

from __future__ import annotations

import pytest

from detente.analysis.claims import Context, evaluate_claims
from detente.cases import case_path
from detente.games.crisis.run import run_crisis
from detente.scenario.loader import load_scenario
from detente.scenario.schema import Scenario
from duel import DUEL_HEAD

CLASSES = ("agreement", "stalemate", "capitulation", "escalation")


@pytest.fixture(scope="module")
def duel() -> tuple[Scenario, object]:
    """Falklands with its two principals only (a quick solve)."""
    sc = load_scenario(case_path("falklands-1982"))
    sc = sc.model_copy(update={"positions": {a: v for a, v in sc.positions.items() if a in ("arg", "gbr")}})
    return sc, run_crisis(sc, explain=False)


def _with_claims(sc: Scenario, layer: str) -> Scenario:
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["claims"] = [{"id": f"k_{c}", "text": c, "check": {"kind": "outcome_class", "equals": c, "layer": layer}}
                      for c in CLASSES]
    return Scenario.model_validate(data)


def test_exactly_the_most_likely_class_holds_and_the_probabilities_are_the_models(duel):
    sc, run = duel
    verdicts = [v for v in evaluate_claims(Context(_with_claims(sc, "crisis"), {}, {"crisis": run}))
                if v.layer == "crisis"]
    assert len(verdicts) == 4 and sum(v.status == "holds" for v in verdicts) == 1
    p = {v.claim[2:]: v.model_probability for v in verdicts}
    assert sum(p.values()) == pytest.approx(1.0)
    winner = next(v.claim[2:] for v in verdicts if v.status == "holds")
    assert p[winner] == max(p.values())
    assert all(v.draws is None and "none: the model's probability" in v.count_cell() for v in verdicts)


def test_layer_games_is_not_answered_by_the_crisis_model(duel):
    sc, run = duel
    verdicts = evaluate_claims(Context(_with_claims(sc, "games"), {}, {"crisis": run}))
    assert not [v for v in verdicts if v.layer == "crisis"]


def test_layer_crisis_without_a_crisis_run_is_not_evaluated_with_the_reason(duel):
    sc, _ = duel
    verdicts = evaluate_claims(Context(_with_claims(sc, "crisis"), {}, {}))
    assert {v.status for v in verdicts} == {"not_evaluated"}
    assert all("general crisis model did not run here" in v.detail for v in verdicts)


def test_the_simulation_answers_only_layer_sim_or_any(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A claim that names the crisis game or the general crisis model gets no verdict from the
    simulation (before H11 the simulation answered every layer but games)."""
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.sim_layer import sim_layer

    p = tmp_path / "duel.yaml"
    p.write_text(DUEL, encoding="utf-8")
    sc = load_scenario(p)
    res = sim_layer(sc, AnalyzeOptions(seed=3))
    got = {}
    for layer in ("games", "crisis", "sim", "any"):
        vs = evaluate_claims(Context(_with_claims(sc, layer), {}, {"sim": res}))
        got[layer] = {v.layer for v in vs if v.status != "not_evaluated"}
    assert got == {"games": set(), "crisis": set(), "sim": {"sim"}, "any": {"sim"}}


DUEL = DUEL_HEAD + """\
moves:
  - {id: a_demand, actor: a, type: demand, issue: x, position: 100, step: 0}
  - {id: a_war, actor: a, type: escalate, issue: x, position: 100}
parameters: {a_war_cost: 0.3, b_war_cost: 0.4, horizon: 2}
simulation: {players: [a, b], rounds: 2, runs: 20, temperature: 0.05, scripted: [a, b]}
"""
