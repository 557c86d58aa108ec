"""`detente game --template crisis` with --solver qre and --tree: the same lambda as auto unless --lambda
says otherwise, and a tree too large for the logit trace refused rather than left running (H11)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD

DATA = Path(__file__).resolve().parent / "data"
runner = CliRunner()
DUEL = DUEL_HEAD + """\
parameters: {a_war_cost: {value: 0.3, low: 0.1, high: 0.6}, b_war_cost: 0.4, horizon: 2}
"""


def _probs(args: list[str]) -> dict[str, float]:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["outcome_classes"]


def test_solver_qre_without_lambda_is_the_models_fitted_lambda(tmp_path) -> None:
    p = tmp_path / "duel.yaml"
    p.write_text(DUEL, encoding="utf-8")
    base = ["game", str(p), "--template", "crisis", "--json"]
    auto = _probs(base)
    from detente.games.crisis.spec import LAMBDA

    assert _probs([*base, "--solver", "qre"]) == auto  # was lambda 10 against auto's 5 (before C21)
    assert _probs([*base, "--solver", "qre", "--lambda", f"{2 * LAMBDA:g}"]) != auto


def test_tree_qre_beyond_the_trace_limit_is_refused_not_left_running() -> None:
    t0 = time.perf_counter()
    res = runner.invoke(app, ["game", str(DATA / "berlin-1961.yaml"), "--template", "crisis", "--solver", "qre",
                              "--tree", "--horizon", "2", "--offers", "3"])
    assert res.exit_code == 2, res.output
    assert "decision actions" in res.output and "--solver cfr" in res.output
    assert time.perf_counter() - t0 < 60  # ran for more than 400 s before
