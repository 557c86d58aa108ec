"""Decision C17: the optimised crisis solver gives the same numbers as the solver before it, to the
last bit. The old code path is frozen in tests/crisis_reference.py; each test solves with both and
compares every node (strategies, children, values: their reprs, so even the sign of a zero counts),
and the whole crisis run (outcome JSON, third parties' choices) on every library case."""

from __future__ import annotations

import gc
import json
from dataclasses import replace
from pathlib import Path

import pytest

import detente.games.crisis.model as M
import detente.games.crisis.third as TP
from crisis_compare import rich_model, same_nodes
from crisis_reference import ReferenceSolver
from detente.cases import case_names, case_path
from detente.errors import InputError
from detente.games.crisis.model import Observer, solve_crisis
from detente.games.crisis.run import run_crisis
from detente.games.crisis.spec import build_inputs
from detente.scenario.loader import load_scenario

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


class _DepthFirstReference(ReferenceSolver):
    """The frozen solver as ``solve_crisis`` calls it: it has no round-by-round path (P8), so it declines that
    and every solve goes depth first (the seam that replaced a ``hasattr`` in the solver, SF4)."""

    def solve_levels(self, root: tuple) -> bool:
        return False


def _reference(monkeypatch: pytest.MonkeyPatch, fn, *args, **kw):  # type: ignore[no-untyped-def]
    """Run ``fn`` with the frozen pre-C17 solver in place of the optimised one (and no cached equilibria)."""
    with monkeypatch.context() as mp:
        mp.setattr(M, "_Solver", _DepthFirstReference)
        TP._EQ_CACHE.clear()
        try:
            return fn(*args, **kw)
        finally:
            TP._EQ_CACHE.clear()


OBS = (Observer("x", ((0.0, -1.0), (0.4, 0.2), (1.0, 0.5))), Observer("y", ((0.0, 0.3), (1.0, -0.3))))
MODELS = {
    "two-sided": rich_model(),
    "observers, defender proposes": rich_model(observers=OBS, proposer="defender"),
    "no escalation, one-sided learning": rich_model(responses=("accept", "hold", "war"),
                                                    war_cost=((0.3, 0.3), (0.1, 0.4))),
    "started at the limited-force rung": rich_model(start_rung=2, start_escalator=M.CH, forced_at_start=True),
    "complete information": rich_model(prior=(1.0, 0.0)),
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize(("lam", "step"), [(20.0, 0.25), (5.0, 0.1), (None, 0.25)])
def test_solver_matches_the_frozen_reference(monkeypatch: pytest.MonkeyPatch, name: str, lam: float | None,
                                             step: float) -> None:
    m = MODELS[name]
    ref = _reference(monkeypatch, solve_crisis, m, lam, step)
    assert len(ref.nodes) > 10  # a real tree, not a one-state game
    same_nodes(solve_crisis(m, lam, step), ref)


def test_founding_case_short_horizon_matches_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """The founding case's model with its observers, two rounds (quick): node for node."""
    inp = build_inputs(load_scenario(case_path("geneva-2022")))
    m = replace(inp.model, p=inp.model.p[:2])
    assert m.observers
    same_nodes(solve_crisis(m, 5.0), _reference(monkeypatch, solve_crisis, m, 5.0))


def test_the_collector_is_paused_only_while_solving() -> None:
    assert gc.isenabled()
    solve_crisis(rich_model(p=(0.6,)), 20.0)
    assert gc.isenabled()
    gc.disable()
    try:
        solve_crisis(rich_model(p=(0.6,)), 20.0)
        assert not gc.isenabled()  # a caller's own pause is left alone
    finally:
        gc.enable()


def _json(run) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(run.to_dict(), sort_keys=True, default=repr)


def _check_run(monkeypatch: pytest.MonkeyPatch, sc) -> None:  # type: ignore[no-untyped-def]
    try:
        ref = _reference(monkeypatch, run_crisis, sc)
    except InputError:
        pytest.skip("the crisis model does not build from this case")
    TP._EQ_CACHE.clear()
    new = run_crisis(sc)
    assert _json(new) == _json(ref)
    assert new.story() == ref.story()
    same_nodes(new.qre, ref.qre)
    same_nodes(new.best, ref.best)
    eq_new, eq_ref = new.inputs.third_eq, ref.inputs.third_eq
    assert (eq_new is None) == (eq_ref is None)
    if eq_new is not None:
        assert (eq_new.choices, eq_new.options, eq_new.ties, eq_new.converged, eq_new.solves) == \
            (eq_ref.choices, eq_ref.options, eq_ref.ties, eq_ref.converged, eq_ref.solves)


@pytest.mark.slow
@pytest.mark.parametrize("case", case_names())
def test_every_library_case_runs_exactly_as_before(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    _check_run(monkeypatch, load_scenario(case_path(case)))


@pytest.mark.slow
def test_benchmark_model_runs_exactly_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    from crisis_model import synthetic

    _check_run(monkeypatch, synthetic())
