"""The compiled (Numba) EUM kernel gives the NumPy reference's numbers, to rounding, on every option."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import InputError
from detente.models import get_model
from detente.models.eum import batch as bt
from detente.models.eum import compiled as cp
from detente.scenario.arrays import Arrays, point_arrays
from detente.scenario.loader import load_scenario
from test_eum_batch import EC, OPTION_SETS, random_batch

numba = pytest.importorskip("numba")
# Slow: the first call compiles the kernel (about a minute on 2 cores without Numba's on-disk cache).
pytestmark = pytest.mark.slow

EXTRA_SETS = [
    {"voter_risk": True},
    {"perspective": "receiver", "q": 0.4, "t_rule": "median_closer"},
    {"q": 0.7, "t_rule": "better", "offer_selection": "scholz_code", "probability": "scholz_code"},
    {"risk": False, "voter_risk": True, "compromise_sign": "text", "capitulation_moves": False},
    {"stop_when_stable": False, "rounds": 15, "forecast_stat": "mean", "voter": "mean", "q": 0.2},
]


def both(opts: dict, arr: Arrays, c: int):
    model = get_model("eum", **opts)
    x = arr.position[:, :, c]
    span = np.full(x.shape[0], 100.0)
    ref = bt.run_issue_batch(x, arr.capability[:, :, c], arr.salience[:, :, c], span, model.options)
    got = cp.run_issue_compiled(x, arr.capability[:, :, c], arr.salience[:, :, c], span, model.options)
    return ref, got


@pytest.mark.parametrize("opts", OPTION_SETS + EXTRA_SETS,
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("grid", [False, True], ids=["continuous", "ties"])
def test_compiled_kernel_matches_the_numpy_reference(opts, grid):
    arr = random_batch(40, 11, 1, seed=3 + len(opts) + 10 * grid, grid=grid)
    ref, got = both(opts, arr, 0)
    np.testing.assert_allclose(got.forecast, ref.forecast, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got.final, ref.final, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got.risk, ref.risk, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got.security, ref.security, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(got.rounds, ref.rounds)
    np.testing.assert_array_equal(got.converged, ref.converged)
    assert np.ptp(ref.forecast) > 0  # the draws differ, so agreement is not trivial


def test_thirty_actors_and_stopping_rounds():
    """The benchmark's size, and draws that stop at different rounds in one batch."""
    arr = random_batch(60, 30, 1, seed=21)
    ref, got = both({}, arr, 0)
    np.testing.assert_allclose(got.forecast, ref.forecast, rtol=1e-9, atol=1e-9)
    arr = random_batch(30, 6, 1, seed=5, grid=True)
    ref, got = both({"rounds": 25}, arr, 0)
    np.testing.assert_array_equal(got.rounds, ref.rounds)
    assert got.converged.any() and not got.converged.all()


@pytest.mark.parametrize("preset", ["default", "scholz"])
def test_ec_emissions_case_on_the_compiled_kernel(preset):
    """The published case as a batch of one: the compiled batch gives the single run's forecast."""
    base = point_arrays(load_scenario(EC))
    arr = Arrays(base.actor_ids, base.issue_ids, base.position[None], base.salience[None],
                 base.capability[None], base.status_quo[None], base.lo, base.hi)
    model = get_model("eum", preset=preset, kernel="compiled")
    res = model.run_arrays(arr)
    assert res.details["kernel"] == "compiled"
    np.testing.assert_allclose(res.forecast[0], model.run_arrays(base).forecast, rtol=1e-9, atol=1e-9)


def test_unit_power_is_accurate_on_the_whole_unit_interval():
    rng = np.random.default_rng(0)
    base = np.concatenate([rng.uniform(0, 1, 50_000), np.linspace(0, 1, 20_001), [1e-250, 0.5, 1.0, 0.0]])
    n = base.size
    for r in (0.5, 0.61, 1.0, 1.37, 2.0):
        out = np.empty(n)
        cp.unit_power(base.copy(), np.full(n, r), out)
        ref = np.power(base, r)
        big = ref > 1e-200
        assert np.max(np.abs(out[big] - ref[big]) / ref[big]) < 1e-13
        assert np.all(np.abs(out[~big]) < 1e-150)  # 0 ** r is (close to) 0
        assert out[base == 1.0][0] == 1.0


def test_forecast_batch_is_run_batch_without_figures():
    """What sweeps call: the same forecasts, bit for bit, with and without the per-actor figures."""
    arr = random_batch(12, 9, 3, seed=8)
    for kernel in ("numpy", "compiled"):
        model = get_model("eum", kernel=kernel)
        full = model.run_arrays(arr)
        np.testing.assert_array_equal(model.forecast_batch(arr), full.forecast)
        assert np.isfinite(full.actor_figures["risk_exponent"]).all()


def test_model_chooses_the_kernel():
    arr = random_batch(9, 7, 2, seed=4)
    auto = get_model("eum").run_arrays(arr)
    ref = get_model("eum", kernel="numpy").run_arrays(arr)
    assert auto.details["kernel"] == "compiled" and ref.details["kernel"] == "numpy"
    np.testing.assert_allclose(auto.forecast, ref.forecast, rtol=1e-9, atol=1e-9)
    with pytest.raises(InputError, match="kernel"):
        get_model("eum", kernel="fortran")


def test_compiled_kernel_without_numba_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(cp, "AVAILABLE", False)
    with pytest.raises(InputError, match="Numba"):
        get_model("eum", kernel="compiled")
    assert get_model("eum").kernel == "numpy"  # auto falls back


def test_batches_from_two_python_threads_at_once():
    """`detente serve` runs jobs in threads; two sweeps at once must not crash Numba's thread pool."""
    import threading

    arr = random_batch(64, 12, 1, seed=13)
    model = get_model("eum", kernel="compiled")
    want = model.run_arrays(arr).forecast
    got: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: got.append(model.run_arrays(arr).forecast)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 3
    for f in got:
        np.testing.assert_array_equal(f, want)  # same draws, same numbers, whichever thread ran them


def test_warm_reports_what_numba_did():
    """warm() loads or compiles the kernel and says which; once loaded, a second call finds it in memory."""
    first = cp.warm()
    assert first["cache"] in ("warm", "cold", "in memory")
    assert first["wall"] >= 0 and first["cpu"] >= 0
    second = cp.warm()
    assert second["cache"] == "in memory" and second["action"] == "already loaded"
    arr = random_batch(4, 5, 1, seed=1)
    ref, got = both({}, arr, 0)  # the warmed kernel still gives the reference's numbers
    np.testing.assert_allclose(got.forecast, ref.forecast, rtol=1e-9, atol=1e-9)


def test_target_reports_the_vector_unit_numba_compiles_for(monkeypatch):
    here = cp.target()
    assert here["vector"] in ("AVX-512", "AVX2", "AVX", "SSE only") and here["threads"] >= 1
    monkeypatch.setattr(numba.config, "CPU_NAME", "generic")
    monkeypatch.setattr(numba.config, "CPU_FEATURES", "")  # what NUMBA_CPU_NAME=generic sets
    generic = cp.target()
    assert generic["generic"] and generic["vector"] == "SSE only" and not generic["fma"]
    assert generic["set_by"] == "NUMBA_CPU_NAME"
    monkeypatch.setattr(numba.config, "CPU_NAME", "haswell")
    monkeypatch.setattr(numba.config, "CPU_FEATURES", "+avx,+avx2,+fma,-avx512f")
    assert cp.target()["vector"] == "AVX2"


def test_kernel_compiles_uncached_where_no_cache_folder_is_writable(monkeypatch):
    """Numba raises at decoration when it can write no cache (read-only install, no user cache folder)."""
    real = numba.njit
    calls = []

    def njit(*args, **kw):
        calls.append(kw.get("cache"))
        if kw.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'x.py'")
        return real(*args, **kw)

    monkeypatch.setattr(numba, "njit", njit)

    def add_one(v):
        return v + 1.0

    f = cp._jit()(add_one)
    assert calls == [True, False] and f(1.0) == 2.0
    monkeypatch.setattr(numba, "njit", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("other")))
    with pytest.raises(RuntimeError, match="other"):
        cp._jit()(add_one)
