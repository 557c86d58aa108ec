"""The HTML report: self-contained, deterministic, perspective first, user text escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.analysis import analyze
from detente.cli import app
from detente.report.html import build_html
from detente.scenario import load_scenario_text

runner = CliRunner()


@pytest.mark.slow
def test_analyze_writes_a_self_contained_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", "geneva-2022", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # perspective comes before any result
    assert page.index("Perspective.") < page.index("Who holds the strong position")
    assert page.count("<svg") >= 2
    # nothing is loaded from the network: no external scripts, styles or images
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "<script src" not in page
    for section in ("Forecasts by model", "Claims", "Assumptions", "Known outcome", "Dynamic models",
                    "Crisis game", "Simulation", "Uncertainty and sensitivity", "Moves"):
        assert section in page, section
    at = [page.index(f'<section id="{name}">') for name in ("games", "sim", "uncertainty")]
    assert at == sorted(at)
    # the game tree, trajectories, quadrant maps, outcome frequencies and intervals are all drawn
    assert page.count("<svg") >= 8
    assert "equilibrium path thick" in page


@pytest.mark.slow
def test_report_is_byte_identical(tmp_path: Path) -> None:
    for k in ("a", "b"):
        runner.invoke(app, ["analyze", "geneva-2022", "--out", str(tmp_path / k)])
    assert (tmp_path / "a" / "report.html").read_bytes() == (tmp_path / "b" / "report.html").read_bytes()


def test_user_text_is_escaped(minimal_text: str) -> None:
    text = minimal_text.replace("title: A two-issue toy", "title: '<script>alert(1)</script>'")
    page = build_html(analyze(load_scenario_text(text)))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_assumptions_table_lists_ranges_and_notes() -> None:
    from detente.cases import case_path
    from detente.report.html import assumptions
    from detente.scenario import load_scenario

    rows = assumptions(load_scenario(case_path("geneva-2022")))
    rus = next(r for r in rows if r["where"] == "Russia: capability")
    assert rus["range"] == "55 – 80" and rus["assumed"] and "Assumed" in rus["note"]
