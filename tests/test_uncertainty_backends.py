"""Same seed, same numbers: in-process, process pool and a real Dask LocalCluster with 2 workers."""

from __future__ import annotations

import numpy as np
import pytest

from detente.cases import case_path
from detente.scenario.loader import load_scenario
from detente.uncertainty.engine import SweepOptions, run_sweep


def _geneva_without_claims():
    """The founding case without claims: these tests are about sampling and chunking, and claims of the
    crisis game add a game solve per draw once the analysis layers are imported (order-dependent cost)."""
    return load_scenario(case_path("geneva-2022")).model_copy(update={"claims": []})


def _run(backend: str, **kw) -> dict[str, np.ndarray]:
    sc = _geneva_without_claims()
    opts = SweepOptions(draws=5000, seed=42, chunk_size=700, backend=backend, store="none", **kw)
    return run_sweep(sc, opts).columns


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert list(a) == list(b)
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def test_chunking_is_deterministic_and_seed_matters():
    a = _run("inprocess")
    _same(a, _run("inprocess"))
    sc = _geneva_without_claims()
    other = run_sweep(sc, SweepOptions(draws=5000, seed=43, chunk_size=700, store="none")).columns
    assert not np.array_equal(a["x.actors.rus.capability"], other["x.actors.rus.capability"])
    assert len(a["x.actors.rus.capability"]) == 5000


@pytest.mark.slow
def test_pool_equals_inprocess():
    _same(_run("inprocess"), _run("pool", workers=2))


@pytest.mark.slow
def test_dask_local_cluster_equals_inprocess():
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    ref = _run("inprocess")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        _same(ref, _run("dask", scheduler=cluster.scheduler_address))
    _same(ref, _run("dask", workers=2))  # no address: the backend starts its own LocalCluster


def test_unknown_backend_and_unreachable_scheduler_are_input_errors():
    from detente.errors import InputError

    with pytest.raises(InputError, match="unknown backend"):
        _run("gpu")
    with pytest.raises(InputError, match="--scheduler needs --backend dask"):
        _run("inprocess", scheduler="tcp://127.0.0.1:1")
