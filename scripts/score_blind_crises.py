"""Score a folder of blind crisis files once: hits and Brier against the class-frequency baselines.

Reads the JSON of ``detente backtest cases --dir FOLDER --json`` (all layers) and of the bundled library
(``detente backtest cases --layer crisis --json``), and prints, for the crisis layer, hits with a 95%
interval, Brier and log loss, and paired bootstrap differences against: the library's class frequencies,
ICB's (DECISIONS C22c), uniform, and always the library's most common class. Why a script: the blind
scores in docs/DECISIONS.md (C22c, C23c) must be reproducible from the same files.

    python scripts/score_blind_crises.py FOLDER.json LIBRARY.json
"""
from __future__ import annotations

import json
import sys

import numpy as np

from detente.analysis.crisis_backtest import CLASSES, brier
from detente.analysis.crisis_fit import boot_ci

ICB = {"escalation": 0.42, "agreement": 0.09, "capitulation": 0.36, "stalemate": 0.13}  # C22c's figures


def logloss(p: dict[str, float], known: str) -> float:
    return -float(np.log(max(p.get(known, 0.0), 1e-12)))


def boot(v: np.ndarray) -> tuple[float, float]:
    """The package's case bootstrap (2,000 resamples, seed 0), as the backtest's intervals."""
    return boot_ci(v, 0)


def _read(path: str, *keys: str) -> object:
    """``keys`` of the JSON file at ``path``; a one-line error (exit 2) when it is missing or not that JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
        for k in keys:
            got = got[k]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SystemExit(f"error: {path}: field '{'.'.join(keys)}': not read ({type(e).__name__}: {e}); give the "
                         "JSON of `detente backtest cases ... --json`") from None
    return got


def main(folder_json: str, library_json: str) -> None:
    cases = _read(folder_json, "cases")
    lib = _read(library_json, "base_rates", "frequencies")
    if not isinstance(cases, list) or not cases or not isinstance(lib, dict):
        raise SystemExit(f"error: {folder_json}: field 'cases': no scored cases")
    known = [c["known"] for c in cases]
    uniform = {c: 0.25 for c in CLASSES}
    base = {"library frequencies": lib, "ICB frequencies": ICB, "uniform": uniform}
    for layer in ("crisis", "models", "games", "sim"):
        got = [c["layers"].get(layer) for c in cases]
        if not any(got):
            continue
        hits = np.array([float(g is not None and g.get("hit", False)) for g in got])
        lo, hi = boot(hits)
        line = f"{layer}: hits {int(hits.sum())}/{len(hits)} [{lo * len(hits):.0f}, {hi * len(hits):.0f}]"
        probs = [g.get("probabilities") if g else None for g in got]
        if all(probs):
            b = np.array([brier(p, k) for p, k in zip(probs, known, strict=True)])
            ll = np.array([logloss(p, k) for p, k in zip(probs, known, strict=True)])
            blo, bhi = boot(b)
            line += f"; Brier {b.mean():.3f} [{blo:.2f}, {bhi:.2f}], log loss {ll.mean():.2f}"
            for name, q in base.items():
                bb = np.array([brier(q, k) for k in known])
                dlo, dhi = boot(b - bb)
                line += f"\n    minus {name} ({bb.mean():.3f}): {(b - bb).mean():+.3f} [{dlo:+.2f}, {dhi:+.2f}]"
        print(line)
    top = max(lib, key=lambda c: lib[c])
    print(f"always {top} (library's most common): {sum(k == top for k in known)}/{len(known)}")
    counts = {c: known.count(c) for c in CLASSES}
    print("known classes:", counts)
    print("predicted (crisis):", {c: sum(1 for g in cases if g['layers'].get('crisis', {}).get('class') == c)
                                   for c in CLASSES})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        raise SystemExit(2)
    try:
        main(*sys.argv[1:3])
    except SystemExit as e:
        if isinstance(e.code, str):  # a one-line error: printed, exit 2
            print(e.code, file=sys.stderr)
            raise SystemExit(2) from None
        raise
