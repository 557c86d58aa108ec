"""scripts/score_blind_crises.py (the blind crisis scores of DECISIONS C22c-C25b): hand-computed Brier and hits
on two made-up cases, and bad input refused in one line with exit 2 (H14: it was a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "score_blind_crises.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def _files(tmp_path: Path) -> tuple[str, str]:
    p = {"agreement": 0.5, "stalemate": 0.5, "capitulation": 0.0, "escalation": 0.0}
    cases = [{"known": "agreement", "layers": {"crisis": {"class": "agreement", "probabilities": p, "hit": True}}},
             {"known": "escalation", "layers": {"crisis": {"class": "agreement", "probabilities": p, "hit": False}}}]
    folder, lib = tmp_path / "f.json", tmp_path / "lib.json"
    folder.write_text(json.dumps({"cases": cases}))
    lib.write_text(json.dumps({"base_rates": {"frequencies": {"agreement": 0.1, "stalemate": 0.2,
                                                              "capitulation": 0.3, "escalation": 0.4}}}))
    return str(folder), str(lib)


def test_hand_computed_scores(tmp_path: Path) -> None:
    res = _run(*_files(tmp_path))
    assert res.returncode == 0, res.stderr
    # Brier: case 1 (0.5-1)^2 + 0.5^2 = 0.5; case 2 0.25 + 0.25 + 1 = 1.5; mean 1.0. Uniform: 0.75 each
    assert "crisis: hits 1/2" in res.stdout
    assert "Brier 1.000" in res.stdout
    assert "minus uniform (0.750): +0.250" in res.stdout
    assert "always escalation (library's most common): 1/2" in res.stdout


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    folder, lib = _files(tmp_path)
    for args in ((folder,), (folder, str(tmp_path / "missing.json")), (lib, lib)):
        res = _run(*args)
        assert res.returncode == 2, args
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
