"""Hooks for layers above: outcome classes and claim evaluators, batched and per draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.scenario.loader import load_scenario
from detente.uncertainty.engine import SweepOptions, prepare, run_sweep
from detente.uncertainty.sensitivity import find_flips
from detente.uncertainty.target import OUTCOME_CLASSES, OUTCOMES, register_outcome

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def only_hook():
    """Run with just the test's outcome hook registered, then restore the registry."""
    saved = dict(OUTCOMES)
    OUTCOMES.clear()
    yield
    OUTCOMES.clear()
    OUTCOMES.update(saved)


def _flip_with_outcome_claim():
    sc = load_scenario(DATA / "flip.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["claims"].append({"id": "k2", "text": "a draw", "check": {"kind": "outcome_class", "equals": "stalemate"}})
    from detente.scenario.schema import Scenario

    return Scenario.model_validate(data)


def test_batch_outcome_hook_feeds_outcome_shares_claims_and_flips(only_hook):
    @register_outcome("test-batch")
    def escalate_if_high(ctx):  # escalation when the compromise forecast on x exceeds 40
        f = ctx.forecast("compromise")[:, 0]
        return np.where(f > 40, OUTCOME_CLASSES.index("escalation"), OUTCOME_CLASSES.index("stalemate"))

    sc = _flip_with_outcome_claim()
    res = run_sweep(sc, SweepOptions(draws=5000, seed=3, store="none"))
    # escalation iff k1 fails, so the shares mirror k1's probability exactly
    assert res.summary["outcome"]["escalation"] == pytest.approx(1 - res.summary["claims"]["k1"]["probability"])
    assert res.summary["claims"]["k2"]["probability"] == pytest.approx(res.summary["claims"]["k1"]["probability"])
    params, target = prepare(sc, SweepOptions(models=("compromise",)))
    flips = find_flips(target, params)
    assert flips["base"]["outcome"] == "stalemate"
    t = {r["param"]: r for r in flips["flips"]["outcome"]}["positions.b.x.salience"]
    assert t["flips_at"] == pytest.approx(0.6, abs=1e-4) and t["to"] == "escalation"


def test_per_draw_outcome_hook_sees_each_draws_values(only_hook):
    @register_outcome("test-draw", per_draw=True)
    def by_salience(scenario):  # escalation when b's drawn salience on x exceeds 0.55
        return "escalation" if scenario.positions["b"]["x"].salience.value > 0.55 else "stalemate"

    sc = _flip_with_outcome_claim()
    fast = run_sweep(sc, SweepOptions(draws=50, seed=3, store="none"))
    assert fast.summary["outcome"] is None  # per-draw hooks run only when asked for
    res = run_sweep(sc, SweepOptions(draws=1000, seed=3, store="none", per_draw=True))
    p = 0.05**2 / (0.2 * 0.1)  # P(t > 0.55) for t ~ Tri(0.4, 0.5, 0.6)
    assert res.summary["outcome"]["escalation"] == pytest.approx(p, abs=4 * (p * (1 - p) / 1000) ** 0.5)
    t = res.columns["x.positions.b.x.salience"]
    assert np.array_equal(res.columns["outcome"] == OUTCOME_CLASSES.index("escalation"), t > 0.55)


def test_simulation_hook_stays_silent_without_a_simulation_section():
    sc = load_scenario(DATA / "minimal.yaml")  # no 'simulation:' section
    res = run_sweep(sc, SweepOptions(draws=10, seed=1, store="none", per_draw=True))
    assert res.summary["outcome"] is None


@pytest.fixture
def only_draw_hooks():
    """Run with just the test's per-draw claim hooks registered, then restore the registry."""
    from detente.uncertainty.target import BATCH_EVALUATORS, CHEAP_DRAW_EVALUATORS, DRAW_EVALUATORS

    saved = (dict(BATCH_EVALUATORS), dict(DRAW_EVALUATORS), set(CHEAP_DRAW_EVALUATORS))
    for reg in (BATCH_EVALUATORS, DRAW_EVALUATORS, CHEAP_DRAW_EVALUATORS):
        reg.clear()
    yield
    BATCH_EVALUATORS.clear(), DRAW_EVALUATORS.clear(), CHEAP_DRAW_EVALUATORS.clear()
    BATCH_EVALUATORS.update(saved[0]), DRAW_EVALUATORS.update(saved[1]), CHEAP_DRAW_EVALUATORS.update(saved[2])


def test_per_draw_claims_run_draw_by_draw_and_fall_back_to_the_next_hook(only_draw_hooks):
    """Every per-draw claim is asked about draw 1 before any claim about draw 2 (so one solve of a
    draw serves them all); a hook silent on every draw gives way to the next one; verdicts are the
    drawn salience's."""
    from detente.scenario.schema import Scenario
    from detente.uncertainty.target import register_draw_evaluator

    sc = load_scenario(DATA / "flip.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["claims"] = [{"id": f"q{k}", "text": "b cares", "check": {"kind": "outcome_class", "equals": "stalemate"}}
                      for k in range(3)]
    sc = Scenario.model_validate(data)
    seen: list[tuple[str, int]] = []

    @register_draw_evaluator("outcome_class", cheap=True)
    def silent(claim, scenario):
        seen.append((claim.id, id(scenario)))
        return None

    @register_draw_evaluator("outcome_class", cheap=True)
    def by_salience(claim, scenario):
        return scenario.positions["b"]["x"].salience.value > 0.5

    res = run_sweep(sc, SweepOptions(draws=40, seed=5, store="none"))
    draws = [s for _, s in seen]
    assert [c for c, _ in seen[:3]] == ["q0", "q1", "q2"] and len(set(draws[:3])) == 1  # draw-major
    assert len(seen) == 3 * 40 and len(set(draws)) == 40
    t = res.columns["x.positions.b.x.salience"]
    for k in range(3):
        assert np.array_equal(res.columns[f"claim.q{k}"], (t > 0.5).astype(float))


def test_outcome_class_claims_are_counted_by_their_own_layer_with_per_draw_layers():
    """berlin-1961 (H11): its crisis game gives stalemate, the simulation's logit players escalation. With
    --per-draw-layers every outcome-class claim was counted by the simulation, whatever its layer."""
    from detente.analysis.games_layer import games_outcome
    from detente.scenario.schema import Scenario

    sc = load_scenario(DATA / "berlin-1961.yaml")
    data = sc.model_dump(by_alias=True, exclude_none=True)
    data["claims"] = [{"id": layer, "text": layer, "check": {"kind": "outcome_class", "equals": "stalemate",
                                                             "layer": layer}}
                      for layer in ("games", "crisis", "sim", "any")]
    sc = Scenario.model_validate(data)
    opts = SweepOptions(draws=20, seed=4, store="none", per_draw=True)
    res = run_sweep(sc, opts)
    params, target = prepare(sc, opts)
    x = np.column_stack([res.columns[f"x.{p.key}"] for p in params])
    game = np.array([1.0 if games_outcome(s) == "stalemate" else 0.0 for s in target.context(x).scenarios()])
    sim = (res.columns["outcome"] == OUTCOME_CLASSES.index("stalemate")).astype(float)
    assert not np.array_equal(game, sim)  # the two layers disagree here, so the test can tell them apart
    assert np.array_equal(res.columns["claim.games"], game) and np.array_equal(res.columns["claim.any"], game)
    assert np.array_equal(res.columns["claim.sim"], sim)
    assert np.isnan(res.columns["claim.crisis"]).all()


def test_sweep_says_why_a_claim_has_no_count(tmp_path):
    """Each uncounted claim gets its own reason; "add --per-draw-layers" only where that gives a count."""
    from typer.testing import CliRunner

    from detente.cli import app

    out = CliRunner().invoke(app, ["sweep", str(DATA / "berlin-1961.yaml"), "-n", "20", "--store", "none",
                                   "--out", str(tmp_path / "s")]).stdout
    cells = [line.split("│")[-2] for line in out.splitlines() if line.count("│") >= 3]  # the count column
    flat = " ".join(" ".join(cells).split())
    assert flat.count("the simulation's own runs count it") == 2  # B4 (concessions), B5 (opinion)
    assert "the general crisis model gives a probability, not a count over draws" in flat  # B3c
    assert "(add --per-draw-layers)" not in flat
