"""Results store (DuckDB, Parquet, run record), resume after kill -9, and the sweep/sensitivity CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats
from typer.testing import CliRunner

from detente.cli import app
from detente.scenario.loader import load_scenario
from detente.uncertainty.engine import SweepOptions, run_sweep

DATA = Path(__file__).resolve().parent / "data"
MINIMAL = str(DATA / "minimal.yaml")
runner = CliRunner()


def test_duckdb_and_parquet_hold_the_draws_and_the_run_record(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pq = pytest.importorskip("pyarrow.parquet")
    sc = load_scenario(DATA / "flip.yaml")
    res = run_sweep(sc, SweepOptions(draws=3000, seed=5, chunk_size=1000, store="both"), tmp_path)
    assert {p.name for p in res.files} == {"draws.parquet", "sweep.duckdb"}
    con = duckdb.connect(str(tmp_path / "sweep.duckdb"), read_only=True)
    n, mean_f, p_k1 = con.execute("SELECT count(*), avg(f_compromise_x), avg(claim_k1) FROM draws").fetchone()
    assert n == 3000
    assert mean_f == pytest.approx(float(np.mean(res.columns["f.compromise.x"])))
    # The stored forecast is the compromise formula applied to the stored inputs.
    s, t, f = (np.array(c) for c in zip(*con.execute(
        "SELECT x_positions_a_x_salience, x_positions_b_x_salience, f_compromise_x FROM draws").fetchall(),
        strict=True))
    assert np.allclose(f, 100 * t / (s + t))
    assert p_k1 == pytest.approx(np.mean(100 * t / (s + t) <= 40 + 1e-9))
    run = con.execute("SELECT seed, draws, inputs_hash, record FROM runs").fetchone()
    assert run[:2] == (5, 3000) and len(run[2]) == 64
    record = json.loads(run[3])
    assert record["detente_version"] and record["timings"]["chunks"] == 3
    assert record["options"]["models"] == ["compromise", "median"]
    meaning = dict(con.execute("SELECT column_name, key FROM columns").fetchall())
    assert meaning["claim_k1"] == "claim.k1"
    table = pq.read_table(tmp_path / "draws.parquet")
    assert table.num_rows == 3000
    assert np.array_equal(table["f_compromise_x"].to_numpy(), res.columns["f.compromise.x"])
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporaries


def _sweep_cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "detente", "sweep", MINIMAL, "--model", "nash", "--draws", "1000",
            "--chunk-size", "20", "--seed", "9", "--out", str(out), "--store", "none", "--quiet", *extra]


@pytest.mark.slow
def test_resume_after_kill_loses_no_finished_chunk(tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(_sweep_cmd(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    chunks = out / "chunks"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(chunks.glob("chunk-*.npz"))) < 3:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = sorted(chunks.glob("chunk-*.npz"))
    assert 3 <= len(finished) < 50, "the sweep must be killed midway"
    before = {p.name: p.read_bytes() for p in finished}
    r = subprocess.run(_sweep_cmd(out, "--resume", "--json"), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)["record"]
    assert rec["timings"]["chunks"] == 50
    assert rec["timings"]["chunks_resumed"] >= len(before)
    for name, data in before.items():  # finished chunks kept as they were, not recomputed
        assert (chunks / name).read_bytes() == data
    fresh = run_sweep(load_scenario(MINIMAL), SweepOptions(draws=1000, seed=9, chunk_size=20, models=("nash",),
                                                            store="none"), tmp_path / "fresh")
    resumed = json.loads(r.stdout)
    for issue in ("x", "y"):
        assert resumed["forecasts"]["nash"][issue] == fresh.summary["forecasts"]["nash"][issue]


def test_ctrl_c_says_what_is_kept_and_how_to_resume(tmp_path, monkeypatch):
    """Ctrl-C mid-sweep: one line with the finished chunks kept and the --resume hint, exit 130 (was a
    silent exit); the finished chunks are those a resume then keeps."""
    import detente.uncertainty.engine as engine

    real = engine.run_sweep

    def interrupted(sc, opts, folder, **kw):
        def progress(done, total):
            if done >= 40:
                raise KeyboardInterrupt
        return real(sc, opts, folder, **{**kw, "on_progress": progress})

    monkeypatch.setattr(engine, "run_sweep", interrupted)
    r = runner.invoke(app, ["sweep", MINIMAL, "--draws", "100", "--chunk-size", "20", "--model", "compromise",
                            "--out", str(tmp_path)])
    assert r.exit_code == 130 and "Traceback" not in r.output
    assert "interrupted: 2 finished chunk(s) of up to 20 draws" in r.output and "--resume" in r.output
    monkeypatch.setattr(engine, "run_sweep", real)
    r = runner.invoke(app, ["sweep", MINIMAL, "--draws", "100", "--chunk-size", "20", "--model", "compromise",
                            "--out", str(tmp_path), "--resume", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["record"]["timings"]["chunks_resumed"] == 2


def test_resume_refuses_a_different_run(tmp_path):
    sc = load_scenario(MINIMAL)
    run_sweep(sc, SweepOptions(draws=100, seed=1, chunk_size=50, store="none"), tmp_path)
    r = runner.invoke(app, ["sweep", MINIMAL, "--draws", "100", "--seed", "2", "--chunk-size", "50",
                            "--out", str(tmp_path), "--resume", "--quiet"])
    assert r.exit_code == 2 and "cannot resume" in r.output
    r = runner.invoke(app, ["sweep", MINIMAL, "--out", str(tmp_path / "empty"), "--resume", "--quiet"])
    assert r.exit_code == 2 and "nothing to resume" in r.output


@pytest.mark.parametrize("args,msg", [
    (["--backend", "gpu"], "unknown backend"),
    (["--dist", "cauchy"], "unknown distribution"),
    (["--store", "excel"], "unknown store"),
    (["--widen", "0"], "widen factor"),
    (["--model", "oracle"], "unknown model"),
])
def test_sweep_bad_options_are_one_line_errors(tmp_path, args, msg):
    r = runner.invoke(app, ["sweep", MINIMAL, "--draws", "10", "--out", str(tmp_path), "--quiet", *args])
    assert r.exit_code == 2 and msg in r.output and "Traceback" not in r.output


def test_sweep_json_and_sensitivity_json(tmp_path):
    r = runner.invoke(app, ["sweep", str(DATA / "flip.yaml"), "--draws", "20000", "--out", str(tmp_path),
                            "--store", "none", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    # k1 fails iff s < 1.5 t, s ~ Tri(0.8, 0.9, 1.0), t ~ Tri(0.4, 0.5, 0.6): integrate P(s < 1.5 t) numerically.
    s_dist, t_dist = stats.triang(c=0.5, loc=0.8, scale=0.2), stats.triang(c=0.5, loc=0.4, scale=0.2)
    p_fail = integrate.quad(lambda t: t_dist.pdf(t) * s_dist.cdf(1.5 * t), 0.4, 0.6, points=[0.5, 0.5333])[0]
    assert 0.01 < p_fail < 0.1
    se = (p_fail * (1 - p_fail) / 20000) ** 0.5
    assert d["claims"]["k1"]["probability"] == pytest.approx(1 - p_fail, abs=4 * se)
    iv = d["forecasts"]["compromise"]["x"]["intervals"]
    assert iv["95"][0] <= iv["80"][0] <= iv["50"][0] <= iv["50"][1] <= iv["80"][1] <= iv["95"][1]
    pytest.importorskip("SALib")
    r = runner.invoke(app, ["sensitivity", str(DATA / "flip.yaml"), "--samples", "256", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert set(s) >= {"tornado", "sobol", "flips"}
    st = s["sobol"]["indices"]["f.compromise.x"]["ST"]
    assert st[1] > st[0]  # b's salience (wider relative swing) matters more


def test_a_refused_folder_leaves_no_progress_bar(tmp_path):
    """The folder holds another run: the one-line error, and no '0/N' bar drawn before it."""
    run_sweep(load_scenario(MINIMAL), SweepOptions(draws=100, seed=1, chunk_size=50, store="none"), tmp_path)
    r = runner.invoke(app, ["sweep", MINIMAL, "--draws", "100", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "holds the results of another sweep" in r.output
    assert "0/100" not in r.output and len(r.output.strip().splitlines()) == 1, r.output
