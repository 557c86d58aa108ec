"""``detente analyze`` carries the uncertainty section: claim probabilities, intervals, sensitivities, flips."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from detente.analysis.analyze import LAYERS, AnalyzeOptions
from detente.analysis.uncertainty_layer import uncertainty_layer
from detente.cases import case_path
from detente.cli import app
from detente.report.terminal import LAYER_RENDERERS
from detente.scenario.loader import load_scenario


def test_founding_case_uncertainty_section_and_its_rendering():
    sc = load_scenario(case_path("geneva-2022"))
    res = uncertainty_layer(sc, AnalyzeOptions())
    d = res.to_dict()
    assert d["seed"] == sc.settings.seed
    assert "positions.rus.nato_expansion.salience" in d["parameters"]
    c7 = d["claims"]["C7"]  # the compromise forecast on NATO expansion vs the status quo (10) +- 10
    assert c7["evaluated"] == d["draws"] and 0.0 <= c7["probability"] <= 1.0
    # the crisis game's claims are the games layer's to count (one count per claim); under the wider
    # ranges they get their own draws, cheap per-draw game solves
    assert "C4" not in d["claims"] and d["outcome"] is None
    c4 = d["wider"]["claims"]["C4"]
    assert c4["evaluated"] == 200 and 0.0 <= c4["probability"] <= 1.0 and c4["holds"] <= 200
    assert d["wider"]["factor"] == 2.0
    iv = d["forecasts"]["compromise"]["nato_expansion"]["intervals"]
    assert iv["95"][0] <= iv["50"][0] <= iv["50"][1] <= iv["95"][1]
    assert set(d["flips"]["base"]) >= {"claim.C7", "claim.C8"}
    json.dumps(d, allow_nan=False)
    console = Console(record=True, width=160)
    console.print(LAYER_RENDERERS["uncertainty"](res))
    text = console.export_text()
    assert "Probability that each claim holds" in text and "Flip finder" in text


@pytest.mark.slow
def test_analyze_json_includes_the_section(tmp_path):
    assert "uncertainty" in LAYERS
    r = CliRunner().invoke(app, ["analyze", "geneva-2022", "--out", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["uncertainty"]["claims"]["C8"]["evaluated"] > 0


def test_sweep_solves_the_crisis_game_once_a_draw_for_all_its_claims(monkeypatch):
    """The founding case's C1-C4 are answered by one solve of each draw's game, not one per claim."""
    import numpy as np

    import detente.analysis.games_layer as gl
    from detente.uncertainty.engine import SweepOptions, run_sweep

    sc = load_scenario(case_path("geneva-2022"))
    calls = []
    real = gl.run_at
    monkeypatch.setattr(gl, "run_at", lambda *a, **k: calls.append(1) or real(*a, **k))
    res = run_sweep(sc, SweepOptions(draws=30, seed=7, store="none"))
    game_claims = [c.id for c in sc.claims if c.check.kind in gl.GAME_CLAIMS]
    assert len(game_claims) >= 3 and len(calls) == 30
    for cid in game_claims:
        col = res.columns[f"claim.{cid}"]
        assert np.isfinite(col).all()
