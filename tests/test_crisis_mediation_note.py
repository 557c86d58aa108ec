"""The mediation note gives the figures before the mediator's mix, so the section's two sets of outcome
probabilities (the model's, mixed; the mechanism and channel lines', not) do not read as a contradiction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detente.games.crisis.model import CLASSES
from detente.games.crisis.run import run_crisis
from detente.scenario.loader import load_scenario

DATA = Path(__file__).resolve().parent / "data"


def test_the_mediation_note_gives_the_unmixed_probabilities_and_the_mix_is_what_it_says() -> None:
    run = run_crisis(load_scenario(DATA / "berlin-1961.yaml"), explain=False, channels="public")
    m = run.inputs.mediation
    assert m > 0  # berlin-1961: the FRG mediates
    note = next(n for n in run.notes if n.startswith("a mediator"))
    shown = {k: float(v) for k, v in re.findall(r"(agreement|stalemate|capitulation|escalation) (\d\.\d\d)", note)}
    before = run.qre.outcome_probs()
    assert set(shown) == set(CLASSES)
    assert all(shown[k] == pytest.approx(before[k], abs=0.005) for k in CLASSES)
    assert any(abs(run.probs[k] - before[k]) > 0.005 for k in CLASSES)  # the mix moved something
