"""Issue 18 (DECISIONS H9): SMP's independent runs in worker processes give the same analysis, bit for
bit, as one process; and the SMP plan/task/finish split equals a plain run in any task order."""

from __future__ import annotations

import json

import numpy as np
import pytest

import detente.analysis.parallel as parallel
from detente.analysis.analyze import AnalyzeOptions, analyze
from detente.models import get_model
from detente.models.smp.model import run_task
from detente.scenario.arrays import point_arrays
from detente.scenario.loader import load_scenario_text
from detente.scenario.synthetic import synthetic_scenario


def _scenario(n_actors: int, n_issues: int, seed: int = 4) -> str:
    """Saliences above KTAB's budget, so SMP runs each issue on its own (one task per issue)."""
    return synthetic_scenario(n_actors, n_issues, seed=seed, salience=(0.3, 1.0))


def test_one_synthetic_generator_for_benchmarks_and_tests():
    """benchmarks/scale.py builds its scenarios with the same generator: same arguments, same text;
    another seed, another scenario; the sizes asked for, valid."""
    import sys
    from pathlib import Path

    bench = str(Path(__file__).resolve().parents[1] / "benchmarks")
    sys.path.insert(0, bench)
    try:
        import scale
    finally:
        sys.path.remove(bench)
    assert scale.scenario(7, 3, 4, seed=9) == synthetic_scenario(7, 3, 4, seed=9) == synthetic_scenario(7, 3, 4, 9)
    assert synthetic_scenario(7, 3, seed=9) != synthetic_scenario(7, 3, seed=10)
    sc = load_scenario_text(synthetic_scenario(7, 3, 4, seed=9, salience=(0.3, 1.0)))
    assert (len(sc.actors), len(sc.issues), len(sc.moves)) == (7, 3, 4)
    assert all(0.3 <= st.salience.value <= 1.0 for pos in sc.positions.values() for st in pos.values())


def test_smp_tasks_in_any_order_give_the_plain_run():
    sc = load_scenario_text(_scenario(12, 4))
    arr = point_arrays(sc)
    model = get_model("smp", sc)
    plain = model.run_arrays(arr).to_dict()
    plan = model.plan(arr)
    assert len(plan.tasks) == 4
    outcomes = {k: run_task(plan.tasks[k]) for k in (3, 1, 0, 2)}
    again = model.finish(arr, plan, [outcomes[k] for k in range(4)]).to_dict()
    assert json.dumps(again, sort_keys=True) == json.dumps(plain, sort_keys=True)
    assert plain["details"]["dimensions"] == "separate"


def test_parallel_analyze_is_bit_identical(monkeypatch):
    sc = load_scenario_text(_scenario(30, 3))
    pools = []

    class CountingPool(parallel.ProcessPoolExecutor):
        def __init__(self, *a, **k):
            pools.append(k.get("max_workers"))
            super().__init__(*a, **k)

    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", CountingPool)
    one = json.dumps(analyze(sc, AnalyzeOptions(jobs=1)).to_dict(), sort_keys=True)
    assert pools == []
    two = json.dumps(analyze(sc, AnalyzeOptions(jobs=2)).to_dict(), sort_keys=True)
    assert pools == [2], "the SMP runs must have gone to a pool of two workers"
    assert two == one
    # the model order in the output is the option order, not the order runs finished
    assert list(json.loads(two)["models"]) == list(json.loads(one)["models"])


def test_small_or_single_run_stays_in_process(monkeypatch):
    def no_pool(*a, **k):
        raise AssertionError("no pool for a small scenario")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    sc = load_scenario_text(_scenario(10, 2))  # 2 * 10^3 work, far below PARALLEL_MIN_WORK
    res = analyze(sc, AnalyzeOptions(jobs=4))
    assert np.isfinite(res.models["smp"].forecast).all()


def test_a_broken_pool_falls_back_to_one_process(monkeypatch):
    sc = load_scenario_text(_scenario(12, 3))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)

    def broken(*a, **k):
        raise OSError("no semaphores here")

    want = json.dumps(analyze(sc, AnalyzeOptions(jobs=1)).to_dict(), sort_keys=True)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", broken)
    assert json.dumps(analyze(sc, AnalyzeOptions(jobs=2)).to_dict(), sort_keys=True) == want


@pytest.mark.parametrize("jobs", ["0", "65", "x"])
def test_jobs_option_is_checked(jobs):
    from typer.testing import CliRunner

    from detente.cli import app

    r = CliRunner().invoke(app, ["analyze", "geneva-2022", "--jobs", jobs])
    assert r.exit_code == 2


def test_large_quadrant_maps_are_rows_of_letters_with_every_label(monkeypatch):
    """Above QUADRANT_PAIRS_MAX actors the EUM quadrant maps keep every ordered pair's label as one
    letter (analysis.json at 250 x 10 went from 64 to 16 MB); both forms decode to the same pairs."""
    import detente.models.eum.model as eum_model

    sc = load_scenario_text(_scenario(12, 1))
    pairs = get_model("eum").run(sc).details["issues"]["i0"]["quadrants_first_round"]
    assert "rows" not in pairs and eum_model.quadrant_labels(pairs) == pairs
    monkeypatch.setattr(eum_model, "QUADRANT_PAIRS_MAX", 5)
    rows = get_model("eum").run(sc).details["issues"]["i0"]["quadrants_first_round"]
    assert len(rows["rows"]) == 12 and all(len(r) == 12 and r[k] == "-" for k, r in enumerate(rows["rows"]))
    assert eum_model.quadrant_labels(rows) == pairs
    assert len(json.dumps(rows)) < len(json.dumps(pairs)) / 2


@pytest.mark.slow
def test_spawned_workers_give_the_same_analysis(monkeypatch):
    """With another thread running (a progress spinner, a server) the workers are spawned, not forked."""
    import multiprocessing as mp

    sc = load_scenario_text(_scenario(20, 2))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)
    want = json.dumps(analyze(sc, AnalyzeOptions(jobs=1)).to_dict(), sort_keys=True)
    monkeypatch.setattr(parallel, "_context", lambda: mp.get_context("spawn"))
    assert json.dumps(analyze(sc, AnalyzeOptions(jobs=2)).to_dict(), sort_keys=True) == want


def test_a_models_error_reaches_the_caller_with_workers_running(monkeypatch):
    from detente.errors import InputError

    sc = load_scenario_text(_scenario(15, 3))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORK", 0)

    def run_one(name):
        if name == "eum":
            raise InputError("eum refuses", field="x")
        return get_model(name, sc).run_arrays(point_arrays(sc))

    with pytest.raises(InputError, match="eum refuses"):
        parallel.run_models(sc, point_arrays(sc), ["compromise", "eum", "smp"], 2, run_one)


def test_analyze_refuses_an_unwritable_folder_before_the_work(tmp_path, monkeypatch):
    """A read-only --out is one line and exit 2 before any model runs (not after a minute of work)."""
    import importlib
    import tempfile

    from typer.testing import CliRunner

    from detente.cli import app

    analyze_mod = importlib.import_module("detente.analysis.analyze")  # the module, not the function

    def read_only(*a, **k):
        raise PermissionError(30, "Read-only file system")

    def no_work(*a, **k):
        raise AssertionError("the analysis must not start")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    monkeypatch.setattr(analyze_mod, "analyze", no_work)
    r = CliRunner().invoke(app, ["analyze", "geneva-2022", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "Read-only file system" in r.output
    assert not (tmp_path / "o").exists()
