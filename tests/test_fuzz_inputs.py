"""Property-based fuzzing of scenario and importer files (issue 18).

Hypothesis mutates bundled scenarios and the KTAB test files (bytes cut, inserted or flipped,
lines duplicated or swapped, numbers replaced by awkward values, ids swapped) and runs the CLI on
each: it must exit 0, or exit 2 with one line on stderr; never a traceback, and after an error
no output file may exist. The default run tries a few dozen inputs; ``pytest -m slow`` (CI) tries
many more.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from detente.cases import case_path
from detente.cli import app

runner = CliRunner()
DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = [(DATA / "minimal.yaml").read_bytes(), case_path("taiwan-1996").read_bytes(),
             case_path("ec-emissions-1994").read_bytes()]
IMPORTS = [(DATA / "ktab" / "SOE-Pol-Comp.csv", "ktab"), (DATA / "ktab" / "dummyData_3Dim.csv", "ktab"),
           (DATA / "ktab" / "smpExample.xml", "ktab-xml"), (DATA / "ktab" / "dummyData_3Dim.xml", "ktab-xml")]
AWKWARD = [b".nan", b".inf", b"-.inf", b"-1", b"0", b"1e300", b"5e-324", b"1:30", b"true", b"''", b"null",
           b"1" + b"0" * 400, b"2.5", b"-0", b"0x1F", b"1_000", b"~", b"[]", b"{}", b"\"\\e[31m\"", b"\"\\0\""]
NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
WORD = re.compile(rb"\b[a-z][a-z0-9_]{1,20}\b")


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = base
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cut", "insert", "flip", "dup-line", "swap-lines", "number", "word",
                                     "truncate"]))
        n = len(data)
        if n == 0:
            break
        if kind == "cut":
            i = draw(st.integers(0, n - 1))
            data = data[:i] + data[i + draw(st.integers(1, 40)):]
        elif kind == "insert":
            i = draw(st.integers(0, n))
            data = data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
        elif kind == "flip":
            i = draw(st.integers(0, n - 1))
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif kind in ("dup-line", "swap-lines"):
            lines = data.split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "dup-line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == "truncate":
            data = data[: draw(st.integers(0, n))]
        else:
            pattern = NUMBER if kind == "number" else WORD
            spans = [m.span() for m in pattern.finditer(data)]
            if not spans:
                continue
            a, b = draw(st.sampled_from(spans))
            if kind == "number":
                new = draw(st.sampled_from(AWKWARD))
            else:
                words = [data[x:y] for x, y in spans]
                new = draw(st.sampled_from(words)) if draw(st.booleans()) else data[a:b].upper()
            data = data[:a] + new + data[b:]
    return data


def _check(args: list[str], leftovers: Path, out: Path | None) -> None:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        (args, repr(result.exception), result.output[-2000:])
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        err = result.stderr.strip()
        assert "\n" not in err and err.startswith("error: "), err
        assert out is None or not out.exists(), "an output file was left after an error"
        assert not list(leftovers.rglob("*.tmp")), "a temporary file was left after an error"


def _scenario_case(data: bytes, command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "fuzz.yaml"
        path.write_bytes(data)
        if command == "validate":
            _check(["validate", str(path)], folder, None)
        else:
            _check(["forecast", str(path), "--json"], folder, None)


def _import_case(data: bytes, fmt: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"fuzz{suffix}"
        path.write_bytes(data)
        out = folder / "out.yaml"
        _check(["import", str(path), "--from", fmt, "-o", str(out)], folder, out)


_scenarios = st.sampled_from(SCENARIOS).flatmap(mutated)
_imports = st.sampled_from(IMPORTS).flatmap(
    lambda pf: mutated(pf[0].read_bytes()).map(lambda b: (b, pf[1], pf[0].suffix)))
_fast = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_long = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fast
@given(_scenarios, st.sampled_from(["validate", "forecast"]))
def test_mutated_scenarios(data: bytes, command: str) -> None:
    _scenario_case(data, command)


@_fast
@given(_imports)
def test_mutated_importer_files(case: tuple[bytes, str, str]) -> None:
    _import_case(*case)


@pytest.fixture
def long_budget(request: pytest.FixtureRequest) -> None:
    """The long budgets run only when asked for (``pytest -m slow``, as CI does): minutes each."""
    if "slow" not in (request.config.getoption("-m") or "") or "not slow" in request.config.getoption("-m"):
        pytest.skip("long fuzzing budget: run with -m slow")


@pytest.mark.slow
@pytest.mark.usefixtures("long_budget")
def test_mutated_scenarios_long() -> None:
    @_long
    @given(_scenarios, st.sampled_from(["validate", "forecast"]))
    def run(data: bytes, command: str) -> None:
        _scenario_case(data, command)

    run()


@pytest.mark.slow
@pytest.mark.usefixtures("long_budget")
def test_mutated_importer_files_long() -> None:
    @_long
    @given(_imports)
    def run(case: tuple[bytes, str, str]) -> None:
        _import_case(*case)

    run()
