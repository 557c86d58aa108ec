"""The benchmark's machine block (benchmarks/_machine.py) reports what changes a figure."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _machine():
    sys.path.insert(0, str(BENCH))
    try:
        import _machine
    finally:
        sys.path.remove(str(BENCH))
    return _machine


def test_machine_block_names_cpu_cores_and_the_environment_that_steers_blas_and_numba(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("NUMBA_NUM_THREADS", "2")
    monkeypatch.setenv("UNRELATED_SETTING", "x")
    lines = _machine().machine_block(warm=False)
    text = "\n".join(lines)
    assert lines[0].startswith("cpu: ") and "avx512f=" in lines[0] and "avx2=" in lines[0]
    assert lines[1].startswith("cores: ") and "usable" in lines[1]
    env = next(line for line in lines if line.startswith("environment: "))
    assert "OPENBLAS_CORETYPE=Haswell" in env and "NUMBA_NUM_THREADS=2" in env
    assert "UNRELATED_SETTING" not in text
    assert any(line.startswith("blas: ") for line in lines)


def test_figure_lines_have_one_form(capsys):
    sys.path.insert(0, str(BENCH))
    try:
        from _timing import Timing, figure
    finally:
        sys.path.remove(str(BENCH))
    figure("eum sweep, 30 actors x 3 issues", Timing(9.5, 18.25).text())
    assert capsys.readouterr().out == "figure eum sweep, 30 actors x 3 issues: 9.500 s wall, 18.2 s cpu\n"
