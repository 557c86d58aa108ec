"""Known defects left by the H13/H14 reviews (DECISIONS SF4), each as an analyst meets it."""

from __future__ import annotations

import json
from types import SimpleNamespace

from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD

runner = CliRunner()
SIM = ("moves:\n"
       "  - {id: a_dem, actor: a, type: demand, target: b, issue: x, position: 100, step: 0}\n"
       "  - {id: b_rej, actor: b, type: reject, target: a, issue: x, step: 1}\n"
       "simulation: {players: [a, b], rounds: 4, runs: 5, temperature: 0.05, scripted: [a, b]}\n"
       "parameters: {horizon: 1}\n")
CONCESSION_CLAIM = ("claims:\n  - {id: K, text: Concessions come only in closed talks, "
                    "check: {kind: concessions_channel, channel_kind: closed}}\n")


def _write(tmp_path, text: str, name: str = "s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# -- 1. concessions_channel with no concession in any run ----------------------------------------------

def test_a_concession_claim_with_no_concession_in_any_run_is_not_evaluated(tmp_path) -> None:
    """'Concessions come only in closed talks' held (5 of 5 runs) when no run had a concession at all."""
    p = _write(tmp_path, DUEL_HEAD + SIM + CONCESSION_CLAIM)
    out = tmp_path / "out"
    res = runner.invoke(app, ["analyze", str(p), "--sim-policy", "logit", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "1 not evaluated (K)" in " ".join(res.output.split())
    rows = [line.split("│")[1:-1] for line in res.output.splitlines() if line.count("│") == 6]  # the claims table
    cells = [" ".join(" ".join(r[i] for r in rows).split()) for i in range(5)]
    assert "not evaluated" in cells[2] and "no simulated run had a concession (0 of 5 runs)" in cells[4]
    doc = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    (k,) = [v for v in doc["claims"] if v["claim"] == "K"]
    assert doc["sim"]["runs_with_concessions"] == 0
    assert k["status"] == "not_evaluated" and k["draws"] is None and "no simulated run had a concession" in k["detail"]
    assert doc["summary"]["claims"]["not_evaluated"] == ["K"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "no simulated run had a concession (0 of 5 runs)" in html


def test_a_concession_claim_is_still_judged_when_some_run_concedes() -> None:
    """One run with a closed-track concession among runs without: evaluated as before (all on the track)."""
    from detente.analysis.claims import Context
    from detente.analysis.sim_layer import SimLayerResult, _concessions_channel
    from detente.scenario.loader import load_scenario_text

    sc = load_scenario_text(DUEL_HEAD + CONCESSION_CLAIM, "s.yaml")

    def verdict(tracks: list[list[str]]):
        runs = [SimpleNamespace(concessions=[{"track": t} for t in ts]) for ts in tracks]
        res = SimLayerResult(seed=1, rounds=4, batch=SimpleNamespace(runs=runs), known_outcome=None)  # type: ignore[arg-type]
        return _concessions_channel(sc.claims[0], Context(sc, {}, {"sim": res}))

    v = verdict([["closed"], [], [], []])
    assert (v.status, v.held, v.draws) == ("holds", 4, 4) and v.detail.startswith("1 of 4 runs had concessions")
    v = verdict([["public"], ["field"], ["closed", "public"], []])
    assert (v.status, v.held, v.draws) == ("fails", 1, 4)
    v = verdict([[], [], []])
    assert v.status == "not_evaluated" and v.draws is None and "0 of 3 runs" in v.detail
