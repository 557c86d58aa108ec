"""The mediation note gives the figures before the mediator's mix, so the section's two sets of outcome
probabilities (the model's, mixed; the mechanism and channel lines', not) do not read as a contradiction."""

from __future__ import annotations

import re

import pytest

from detente.cases import case_path
from detente.games.crisis.model import CLASSES
from detente.games.crisis.run import run_crisis
from detente.scenario.loader import load_scenario


def test_the_mediation_note_gives_the_unmixed_probabilities_and_the_mix_is_what_it_says() -> None:
    run = run_crisis(load_scenario(case_path("munich-1938")), explain=False, third_parties="rule")
    m = run.inputs.mediation
    assert m > 0  # munich-1938 under the rule reading (C7): a mediator reveals resolve
    note = next(n for n in run.notes if n.startswith("a mediator"))
    shown = {k: float(v) for k, v in re.findall(r"(agreement|stalemate|capitulation|escalation) (\d\.\d\d)", note)}
    before = run.qre.outcome_probs()
    assert set(shown) == set(CLASSES)
    assert all(shown[k] == pytest.approx(before[k], abs=0.005) for k in CLASSES)
    assert any(abs(run.probs[k] - before[k]) > 0.005 for k in CLASSES)  # the mix moved something


def test_the_html_report_shows_the_crisis_notes_and_no_python_none(tmp_path) -> None:
    """The HTML crisis section left out the model's notes (the mediator's mix among them), and the
    simulation section printed "median round None" for an opinion that mostly never crossed (H11)."""
    from detente.report.sections import crisis_section, sim_section

    run = run_crisis(load_scenario(case_path("munich-1938")), explain=False, third_parties="rule")
    html = crisis_section(run)
    assert "a mediator reveals both sides" in html and "Round by round" in html

    class _Sim:
        def to_dict(self):  # type: ignore[no-untyped-def]
            return {"runs": 10, "rounds": 3, "seed": 1, "frequencies": {}, "modal_class": "stalemate",
                    "opinion_comparisons": [
                {"audience": "pub", "threshold": 50.0, "issue": "x", "without_move": "m", "sooner_share": 0.0,
                 "median_round_without": None, "median_round_with": 3.0, "runs": 10}]}

    text = sim_section(_Sim())
    assert "None" not in text and "median not reached without m, median round 3 with it" in text
