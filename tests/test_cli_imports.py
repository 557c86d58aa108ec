"""Start-up: a command imports only what it uses (issue 20: heavy modules only where used).

Each check runs the command in a fresh interpreter and lists the heavy packages it imported.
These are behaviour tests (what is imported), not timings.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numba", "scipy.optimize", "scipy.special", "matplotlib", "dask", "duckdb", "spacy", "pyarrow",
         "SALib", "fastapi", "uvicorn", "detente.analysis", "detente.games", "detente.sim",
         "detente.uncertainty", "detente.text")

_PROBE = """
import json, sys
sys.argv = ["detente", *json.loads(sys.argv[1])]
from detente.cli import main
heavy = {heavy}
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
print("\\nIMPORTED=" + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def imported_by(*args: str) -> list[str]:
    code = _PROBE.format(heavy=json.dumps(HEAVY))
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True,
                          timeout=120)
    line = [x for x in proc.stdout.splitlines() if x.startswith("IMPORTED=")]
    assert line, proc.stdout + proc.stderr
    return json.loads(line[-1].removeprefix("IMPORTED="))


def test_import_of_the_cli_loads_no_heavy_module():
    code = f"import sys, detente.cli; print([m for m in {list(HEAVY)!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [("--help",), ("validate", "ec-emissions-1994"), ("cases", "--json")])
def test_light_commands_load_no_heavy_module(args):
    assert imported_by(*args) == []


def test_validate_builds_games_and_simulation_but_loads_no_third_party_heavy_module():
    """validate refuses what a layer would refuse later (DECISIONS H1): for a scenario with games:
    and simulation: sections it builds the game trees and compiles the simulation world, so those
    two layers load; nothing else heavy does."""
    assert imported_by("validate", "geneva-2022") == ["detente.games", "detente.sim"]


def test_smp_forecast_loads_neither_numba_nor_the_optimiser_nor_the_layers_above():
    assert imported_by("forecast", "ktab-soe-pol-comp", "--model", "smp", "--json") == []


def test_nash_forecast_loads_the_optimiser_it_uses():
    """The probe sees imports: the Nash model on several issues solves with SciPy's SLSQP."""
    assert "scipy.optimize" in imported_by("forecast", "geneva-2022", "--model", "nash", "--json")
