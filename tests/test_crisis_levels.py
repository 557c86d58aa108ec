"""Decision P8: the logit solve round by round (``games/crisis/levels.py``, every state of a round at once
by arrays) gives the depth-first solver's solution to the last bit: the same states in the same order,
the same strategies, children and values (compared by ``repr``, so even the sign of a zero counts). The
frozen pre-C17 reference (tests/crisis_reference.py) is compared in test_crisis_speed.py; it predates
channels and C21's readings, so those are compared here with the depth-first solver of today."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente.games.crisis.levels as L
import detente.games.crisis.model as M
import detente.games.crisis.third as TP
from crisis_compare import rich_model, same_nodes
from detente.cli import app
from detente.games.crisis.model import CrisisModel, Observer, solve_crisis
from detente.games.crisis.spec import build_inputs

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _depth_first(monkeypatch: pytest.MonkeyPatch, fn, *args, **kw):  # type: ignore[no-untyped-def]
    """Run ``fn`` with every solve depth first (the round-by-round path switched off, no cached equilibria)."""
    with monkeypatch.context() as mp:
        mp.setattr(M._Solver, "solve_levels", lambda self, root: False)
        TP._EQ_CACHE.clear()
        try:
            return fn(*args, **kw)
        finally:
            TP._EQ_CACHE.clear()


def _channels() -> CrisisModel:
    sys.path.insert(0, str(BENCH))
    try:
        from crisis_model import synthetic
    finally:
        sys.path.remove(str(BENCH))
    m = build_inputs(synthetic(channels=True)).model
    assert m.channel is not None
    return replace(m, p=m.p[:3])


OBS = (Observer("x", ((0.0, -1.0), (0.4, 0.2), (1.0, 0.5))),)
MODELS = {
    "C21 readings: flow standoff, kept settlements": lambda: rich_model(standoff_flow=True, settled_free=True),
    "kept settlements, observers, defender proposes": lambda: rich_model(settled_free=True, observers=OBS,
                                                                    proposer="defender"),
    "one side learns, started at the threat rung": lambda: rich_model(war_cost=((0.3, 0.3), (0.1, 0.4)), start_rung=1,
                                                                 start_escalator=M.DF),
    "public and closed channels (C18)": _channels,
    # H14: C24's coercive holding (now the default) adds a belief-free, round-dependent term to the standoff rows
    "C24 coercive holding, one side learns": lambda: rich_model(coercion=(0.05, 0.08),
                                                                war_cost=((0.3, 0.3), (0.1, 0.4))),
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize(("lam", "step"), [(10.0, 0.25), (3.0, 0.1)])
def test_round_by_round_matches_depth_first(monkeypatch: pytest.MonkeyPatch, name: str, lam: float,
                                            step: float) -> None:
    m = MODELS[name]()
    used = []
    real = L.solve_levels

    def spy(sv, root):  # type: ignore[no-untyped-def]
        used.append(real(sv, root))
        return used[-1]

    monkeypatch.setattr(L, "solve_levels", spy)
    new = solve_crisis(m, lam, step)
    assert used == [True]  # the round-by-round path was taken, so the comparison is not of a solver with itself
    ref = _depth_first(monkeypatch, solve_crisis, m, lam, step)
    assert len(ref.nodes) > 10
    same_nodes(new, ref)


def test_too_large_a_model_falls_back_to_depth_first(monkeypatch: pytest.MonkeyPatch) -> None:
    m = rich_model()
    fast = solve_crisis(m, 10.0)
    monkeypatch.setattr(L, "MAX_FLOATS", 10)
    same_nodes(solve_crisis(m, 10.0), fast)  # the fallback gives the same solution


def test_a_tiny_model_is_solved_depth_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """One round of complete information has a single key per prefix: too few for arrays to pay (ICB9's fits
    solve ~25,000 such models)."""
    used = []
    real = L.solve_levels
    monkeypatch.setattr(L, "solve_levels", lambda sv, root: used.append(real(sv, root)) or used[-1])
    solve_crisis(rich_model(p=(0.6, 0.58), prior=(1.0, 0.0)), 10.0)
    solve_crisis(rich_model(), 10.0)
    assert used == [False, True]


def test_states_off_the_depth_first_path_are_not_reported() -> None:
    """Every state of a round is solved, but the solution keeps only those the depth-first solver visits (the
    root and the children its iterates led to): fewer than the rounds' grids hold, and every child there."""
    m = rich_model()
    sol = solve_crisis(m, 10.0)
    grid = 5 * 5
    assert len(sol.nodes) < grid * len({k[:6] for k in sol.nodes})
    kids = {c for rec in sol.nodes.values() for row in rec.children for c in row if c is not None}
    assert kids | {sol.root} <= set(sol.nodes)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["geneva-2022", "crimea-2014"])
def test_analysis_json_is_byte_identical_depth_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     case: str) -> None:
    """The whole `detente analyze` (the crisis layer's 44 solves and what reads them) writes the same bytes."""
    runner = CliRunner()

    def analyze(out: Path) -> bytes:
        TP._EQ_CACHE.clear()
        res = runner.invoke(app, ["analyze", case, "--out", str(out)])
        assert res.exit_code == 0, res.output
        return (out / "analysis.json").read_bytes()

    new = analyze(tmp_path / "levels")
    old = _depth_first(monkeypatch, analyze, tmp_path / "depth")
    assert json.loads(new)["scenario"]["id"] == case
    assert new == old
