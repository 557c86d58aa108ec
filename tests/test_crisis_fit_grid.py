"""The fit scripts' grid worker (C21, C24): a worker solves only its share of the jobs, writes one line per
job, and a restarted worker skips what is already written (a long grid is resumed, never double-counted)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from detente.analysis import crisis_fit
from detente.cases import case_path
from detente.scenario.loader import load_scenario


def test_worker_share_and_resume(tmp_path, monkeypatch) -> None:
    calls: list[tuple[float, float, dict]] = []

    def fake_run(sc, *, lam, standoff_scale, explain, **kw):  # type: ignore[no-untyped-def]
        calls.append((lam, standoff_scale, kw))
        return SimpleNamespace(probs={"escalation": lam / 100, "stalemate": 1 - lam / 100})

    monkeypatch.setattr("detente.games.crisis.run.run_crisis", fake_run)
    cases = [("cuba-1962", load_scenario(case_path("cuba-1962")))]
    jobs = [("a", 5.0, 0.2, {"holding": "own"}), ("a", 10.0, 0.2, {"holding": "own"}),
            ("b", 5.0, 0.2, {"holding": "coercive"})]
    crisis_fit.grid_worker(tmp_path, 0, 2, cases, jobs)  # worker 0 of 2: jobs 0 and 2
    assert [(c[0], c[2]["holding"]) for c in calls] == [(5.0, "own"), (5.0, "coercive")]
    lines = [json.loads(x) for x in (tmp_path / "grid-0.jsonl").read_text().splitlines()]
    assert [(r["candidate"], r["lambda"]) for r in lines] == [("a", 5.0), ("b", 5.0)]
    assert lines[0]["probs"]["cuba-1962"]["escalation"] == 0.05
    crisis_fit.grid_worker(tmp_path, 0, 2, cases, jobs)  # resumed: nothing left to do
    assert len(calls) == 2 and len((tmp_path / "grid-0.jsonl").read_text().splitlines()) == 2
    crisis_fit.grid_worker(tmp_path, 1, 2, cases, jobs)  # worker 1 of 2: job 1
    assert [(r["candidate"], r["lambda"]) for r in crisis_fit.grid_rows(tmp_path)] == \
        [("a", 5.0), ("b", 5.0), ("a", 10.0)]  # what the scoring step reads: every worker's lines
