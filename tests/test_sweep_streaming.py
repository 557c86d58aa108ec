"""Issue 18 (DECISIONS H9): a sweep with an output folder streams its draws through the chunk files;
its summary and tables equal those of the same sweep held in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.errors import InputError
from detente.scenario.loader import load_scenario
from detente.uncertainty import store as store_mod
from detente.uncertainty.engine import MAX_DRAWS, MAX_DRAWS_IN_MEMORY, SweepOptions, run_sweep

DATA = Path(__file__).resolve().parent / "data"


def test_streamed_summary_equals_the_in_memory_summary(tmp_path, monkeypatch):
    pytest.importorskip("duckdb")
    pq = pytest.importorskip("pyarrow.parquet")
    import duckdb

    monkeypatch.setattr(store_mod, "ROW_GROUP", 250)  # several row groups, not aligned with the chunks
    sc = load_scenario(DATA / "flip.yaml")
    opts = SweepOptions(draws=600, seed=11, chunk_size=100, store="both")
    memory = run_sweep(sc, opts)  # no folder: every column in memory, as before
    streamed = run_sweep(sc, opts, tmp_path)
    assert isinstance(memory.columns, dict) and not isinstance(streamed.columns, dict)
    assert streamed.summary == memory.summary  # exactly: same numbers, same code, one column at a time
    assert any(v["evaluated"] for v in streamed.summary["claims"].values())
    for key, v in memory.columns.items():
        assert np.array_equal(streamed.columns[key], v, equal_nan=True), key
    table = pq.read_table(tmp_path / "draws.parquet")
    assert table.num_rows == 600 and table["draw"].to_pylist() == list(range(600))
    assert np.array_equal(table["f_compromise_x"].to_numpy(), memory.columns["f.compromise.x"])
    con = duckdb.connect(str(tmp_path / "sweep.duckdb"), read_only=True)
    got = np.array([r[0] for r in con.execute("SELECT f_compromise_x FROM draws ORDER BY draw").fetchall()])
    assert np.array_equal(got, memory.columns["f.compromise.x"])
    assert con.execute("SELECT count(*) FROM draws").fetchone()[0] == 600


def test_resumed_streamed_sweep_gives_the_same_summary(tmp_path):
    sc = load_scenario(DATA / "flip.yaml")
    opts = SweepOptions(draws=900, seed=3, chunk_size=100, store="none")
    first = run_sweep(sc, opts, tmp_path / "a")
    for i in (2, 5):  # as if the run had been killed before these chunks finished
        (tmp_path / "a" / "chunks" / f"chunk-{i:05d}.npz").unlink()
    again = run_sweep(sc, opts, tmp_path / "a", resume=True)
    assert again.record["timings"]["chunks_resumed"] == 7
    assert again.summary == first.summary == run_sweep(sc, opts).summary


def test_draws_limits(tmp_path):
    sc = load_scenario(DATA / "flip.yaml")
    with pytest.raises(InputError, match="output folder"):
        run_sweep(sc, SweepOptions(draws=MAX_DRAWS_IN_MEMORY + 1))
    with pytest.raises(InputError, match="--draws"):
        run_sweep(sc, SweepOptions(draws=MAX_DRAWS + 1), tmp_path)
    assert not (tmp_path / "run.json").exists()
    r = CliRunner().invoke(app, ["sweep", str(DATA / "flip.yaml"), "--draws", str(MAX_DRAWS + 1),
                                 "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and not (tmp_path / "x").exists()


def test_a_backend_that_cannot_start_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    """e.g. a Dask scheduler that does not answer: one error, and no run record of a run that never ran."""
    import detente.uncertainty.engine as engine

    def unreachable(*a, **k):
        raise InputError("cannot reach Dask scheduler tcp://127.0.0.1:1", field="scheduler")

    sc = load_scenario(DATA / "flip.yaml")
    opts = SweepOptions(draws=300, seed=1, chunk_size=100, store="none")
    first = run_sweep(sc, opts, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    monkeypatch.setattr(engine, "make_backend", unreachable)
    with pytest.raises(InputError, match="cannot reach"):
        run_sweep(sc, SweepOptions(draws=300, seed=2, chunk_size=100, store="none"), tmp_path, overwrite=True)
    with pytest.raises(InputError, match="cannot reach"):
        run_sweep(sc, opts, tmp_path / "new")
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert run_sweep(sc, opts, tmp_path, resume=True).summary == first.summary  # nothing left to compute
