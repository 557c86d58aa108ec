"""Files in and out, option ranges and sweep folders (issue 18): one line, exit 2, nothing left behind."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import fileio
from detente.cli import app
from detente.errors import InputError
from detente.scenario.loader import load_scenario
from detente.uncertainty.engine import SweepOptions, run_sweep

runner = CliRunner()
DATA = Path(__file__).resolve().parent / "data"
MINIMAL = str(DATA / "minimal.yaml")
KTAB = DATA / "ktab" / "SOE-Pol-Comp.csv"


def _one_line(args: list[str], *words: str) -> str:
    result = runner.invoke(app, args)
    err = result.stderr.strip()
    assert result.exit_code == 2, (args, result.output, result.exception)
    assert "\n" not in err and err.startswith("error: ") and "Traceback" not in result.output, err
    for w in words:
        assert w in err, (w, err)
    return err


# -- reading -----------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    _one_line(["validate", str(fifo)], "pipe.yaml", "FIFO")
    _one_line(["import", str(fifo), "--from", "ktab"], "FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    _one_line(["validate", device], device, "device")
    _one_line(["game", device + ".efg"], "no such file")


def test_an_efg_that_is_binary_or_not_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "b.efg"
    binary.write_bytes(b"EFG 2 R \x00\x01\x02")
    _one_line(["game", str(binary)], "b.efg", "binary")
    latin = tmp_path / "l.efg"
    latin.write_bytes('EFG 2 R "caf\xe9" { "A" }\n'.encode("latin-1"))
    _one_line(["game", str(latin)], "l.efg", "UTF-8")


EFG_OK = 'EFG 2 R "t" { "A" "B" }\n""\n\np "" 1 1 "s" { "x" "y" } 0\nt "" 1 "o1" { 1 2 }\nt "" 2 "o2" { 3 4 }\n'


def test_efg_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "g.efg"
    path.write_text(EFG_OK.replace('p "" 1 1', 'p "" 0 1'), encoding="utf-8")
    _one_line(["game", str(path)], "g.efg:4:", "player 0 does not exist")  # not a chance node
    path.write_text(EFG_OK.replace("{ 3 4 }", "{ " + "1" + "0" * 400 + "/3 4 }"), encoding="utf-8")
    _one_line(["game", str(path)], "g.efg:6:", "not a finite number")
    path.write_text(EFG_OK.replace('"x" "y"', '"x\x1b[31m" "y"'), encoding="utf-8")
    err = _one_line(["game", str(path)], "g.efg:4:", "U+001B")
    assert "\x1b" not in err
    path.write_text(EFG_OK, encoding="utf-8")
    assert runner.invoke(app, ["game", str(path)]).exit_code == 0


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "secret.yaml"
    path.write_text("detente: 1\n", encoding="utf-8")
    path.chmod(0)
    _one_line(["validate", str(path)], "secret.yaml", "cannot read")


def test_oversized_file_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as fh:
        fh.truncate(fileio.MAX_INPUT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match="limit"):
        fileio.read_user_bytes(path)


# -- writing -----------------------------------------------------------------------------------

def _char_device(tmp_path: Path) -> Path:
    dev = tmp_path / "null-device"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot make a device node here (needs root)")
    return dev


def test_outputs_never_replace_a_device(tmp_path: Path) -> None:
    dev = _char_device(tmp_path)
    _one_line(["game", "geneva-2022", "--efg", str(dev)], "null-device", "device")
    _one_line(["import", str(KTAB), "--from", "ktab", "-o", str(dev)], "null-device", "device")
    (tmp_path / "out").mkdir()
    os.mknod(tmp_path / "out" / "report.html", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    _one_line(["analyze", MINIMAL, "--out", str(tmp_path / "out")], "report.html", "device")
    assert stat.S_ISCHR(os.stat(dev).st_mode) and stat.S_ISCHR(os.stat(tmp_path / "out" / "report.html").st_mode)
    assert not (tmp_path / "out" / "analysis.json").exists()  # all or nothing


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fileio.os, "fsync", no_space)
    with pytest.raises(InputError, match="No space left") as info:
        fileio.atomic_write_files({tmp_path / "a.json": "{}", tmp_path / "b.html": "<p>"})
    assert "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_folder_is_not_called_a_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(fileio.tempfile, "mkstemp", denied)
    with pytest.raises(InputError) as info:
        fileio.atomic_write_text(tmp_path / "x.yaml", "x")
    assert "Permission denied" in str(info.value) and "give a file name" not in str(info.value)


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_an_empty_out_is_refused(tmp_path: Path) -> None:
    for args in (["analyze", MINIMAL, "--out", ""], ["import", str(KTAB), "--from", "ktab", "-o", ""],
                 ["analyze", MINIMAL, "--out="]):
        proc = _cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and "needs a path" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


# -- option ranges -----------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "word"), [
    (["game", "geneva-2022", "--solver", "qre", "--lambda", "inf"], "--lambda"),
    (["game", "geneva-2022", "--solver", "qre", "--lambda", "nan"], "--lambda"),
    (["game", "geneva-2022", "--solver", "qre", "--lambda", "0"], "--lambda"),
    (["game", "geneva-2022", "--lambda", "5"], "--lambda"),  # auto/backward solvers do not read it
    (["game", "geneva-2022", "--template", "crisis", "--solver", "cfr", "--lambda", "5"], "--lambda"),
    (["sweep", MINIMAL, "--seed", str(2**70), "--draws", "10"], "--seed"),
    (["analyze", MINIMAL, "--seed", str(2**40)], "--seed"),
    (["sensitivity", MINIMAL, "--samples", str(2**40)], "--samples"),
    (["sweep", MINIMAL, "--draws", str(10**8)], "--draws"),
    (["sweep", MINIMAL, "--draws", "10", "--widen", "1e300"], "widen"),
    (["sensitivity", MINIMAL, "--widen", "1e300"], "widen"),
    (["sweep", MINIMAL, "--draws", "10", "--backend", "dask", "--scheduler", "tcp://127.0.0.1:99999"],
     "scheduler"),
])
def test_option_ranges(tmp_path: Path, args: list[str], word: str, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli.app import main

    argv = [*args, "--out", str(tmp_path / "o")] if args[0] == "sweep" else args
    monkeypatch.setattr(sys, "argv", ["detente", *argv])
    with pytest.raises(SystemExit) as info:
        main()  # as the installed command runs: usage errors are handled in main()
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == "", (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and word in lines[0], err
    assert not (tmp_path / "o").exists()


# -- sweep folders -----------------------------------------------------------------------------

def test_a_new_sweep_refuses_another_runs_folder(tmp_path: Path) -> None:
    sc = load_scenario(MINIMAL)
    run_sweep(sc, SweepOptions(draws=40, chunk_size=10, seed=1, store="none"), tmp_path)
    with pytest.raises(InputError, match="--overwrite"):
        run_sweep(sc, SweepOptions(draws=40, chunk_size=10, seed=2, store="none"), tmp_path)
    assert load_record_seed(tmp_path) == 1  # the old run's record is untouched
    run_sweep(sc, SweepOptions(draws=40, chunk_size=10, seed=2, store="none"), tmp_path, overwrite=True)
    assert load_record_seed(tmp_path) == 2
    _one_line(["sweep", MINIMAL, "--draws", "40", "--out", str(tmp_path), "--quiet"], "--resume", "--overwrite")


def load_record_seed(folder: Path) -> int:
    import json

    return json.loads((folder / "run.json").read_text(encoding="utf-8"))["seed"]


def test_resume_recomputes_a_damaged_chunk_and_removes_temporaries(tmp_path: Path) -> None:
    sc = load_scenario(MINIMAL)
    opts = SweepOptions(draws=50, chunk_size=10, seed=3, store="none")
    clean = run_sweep(sc, opts, tmp_path / "clean")
    run_sweep(sc, opts, tmp_path / "run")
    (tmp_path / "run" / "chunks" / "chunk-00002.npz").write_bytes(b"not a zip")
    stale = tmp_path / "run" / ".sweep.duckdb.abc.tmp"
    stale.write_bytes(b"half a table")
    notes: list[str] = []
    res = run_sweep(sc, opts, tmp_path / "run", resume=True, on_note=notes.append)
    assert len(notes) == 1 and "chunk 2" in notes[0] and "damaged" in notes[0]
    assert res.record["chunks_recomputed"] == [2] and res.record["timings"]["chunks_resumed"] == 4
    for k, v in clean.columns.items():
        assert np.array_equal(v, res.columns[k], equal_nan=True), k
    assert not stale.exists()
