"""SMP's compiled challenge kernel (DECISIONS H9) gives the NumPy path's numbers bit for bit: on random
inputs, on KTAB's golden logs and on whole runs of KTAB's dummy data. Slow tier: its first call
compiles (a few CPU seconds) when Numba's cache is cold."""

from __future__ import annotations

import numpy as np
import pytest

from detente.models.smp import engine
from detente.models.smp.challenge import own_challenges

compiled = pytest.importorskip("detente.models.smp.compiled")
if not compiled.AVAILABLE:  # pragma: no cover
    pytest.skip("Numba is not installed", allow_module_level=True)

pytestmark = pytest.mark.slow


def _numpy_challenges(a: engine.Assessment, s_tot: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(cap)
    prob, edu = np.zeros((n, n)), np.zeros((n, n))
    for i in range(n):
        h = np.array([i])
        prob[h], edu[h] = own_challenges(a.views(h), s_tot, cap, "proportional", "semi_commit", rows=h)
    return prob, edu


@pytest.mark.parametrize("n", [3, 5, 8, 9, 41, 128, 129, 137, 250])
def test_kernel_equals_numpy_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for dims in (1, 3):
        pos = rng.uniform(0, 1, (n, dims))
        pos[: n // 3] = pos[0]  # ties, as in converged states
        sal = rng.uniform(0, 1, (n, dims))
        sal[1] = 0.0  # an actor with no salience anywhere
        cap = rng.uniform(0, 100, n)
        a = engine.assess(pos, rng.uniform(0, 1, (n, dims)), sal, cap, engine.Params())
        s_tot = sal.sum(axis=1)
        want = _numpy_challenges(a, s_tot, cap)
        got = compiled.own_challenges_all(a.dist, a.perceived, s_tot, cap, a.bounded)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_unbounded_distances_take_the_other_branch_alike():
    rng = np.random.default_rng(2)
    n = 12
    pos, sal, cap = rng.uniform(0, 1, (n, 2)), rng.uniform(0, 1, (n, 2)), rng.uniform(1, 10, n)
    a = engine.assess(pos, pos, sal, cap, engine.Params())
    a.dist[0, 3] = 1.7  # a distance beyond 1 (util's second branch)
    a._bounded = None
    assert not a.bounded
    s_tot = sal.sum(axis=1)
    want = _numpy_challenges(a, s_tot, cap)
    got = compiled.own_challenges_all(a.dist, a.perceived, s_tot, cap, a.bounded)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.parametrize("name", ["dummyData-a040.csv", "dummyData-a080.csv", "SOE-Pol-Comp.csv"])
def test_whole_runs_are_identical(monkeypatch, name):
    from test_smp_ktab import csv_inputs

    x, s, c = csv_inputs(name)
    monkeypatch.setattr(engine, "KERNEL", "numpy")
    ref = engine.run(x, s, c, engine.Params())
    monkeypatch.setattr(engine, "KERNEL", "numba")
    got = engine.run(x, s, c, engine.Params())
    assert len(got.turns) == len(ref.turns)
    assert all(np.array_equal(p, q) for p, q in zip(got.positions, ref.positions, strict=True))
    assert all(np.array_equal(p.win_prob, q.win_prob) for p, q in zip(got.assessments, ref.assessments, strict=True))
    assert [t.targets for t in got.turns] == [t.targets for t in ref.turns]


@pytest.mark.parametrize(("csv", "log", "n_dims"), [
    ("dummyData_3Dim.csv", "20170530_ref-dummyData_3Dim.txt.gz", 3),
    ("SOE-Pol-Comp.csv", "20170530_ref-SOE-Pol-Comp.txt.gz", 2),
])
def test_golden_logs_with_the_kernel(monkeypatch, csv, log, n_dims):
    import test_smp_ktab

    monkeypatch.setattr(engine, "KERNEL", "numba")
    test_smp_ktab.test_reproduces_ktab_deterministic_runs(csv, log, n_dims)


@pytest.mark.parametrize("n", [3, 9, 40, 130, 250])
def test_coalitions_kernel_equals_numpy_bit_for_bit(n):
    from detente.models.smp.utility import util
    from detente.models.smp.victory import coalitions

    rng = np.random.default_rng(100 + n)
    d = rng.uniform(0, 1, (n, n))
    d[:, : n // 3] = d[:, :1]  # equal options: zero differences
    rn = util(d, 0.0)
    w = rng.uniform(0, 100, n)
    w[0] = 0.0
    assert np.array_equal(compiled.coalitions(w, rn), coalitions("proportional", w, rn))
