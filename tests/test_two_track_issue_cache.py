"""The two-track template reads each issue value once per build (SF3): the same trees, payoffs and
games-layer numbers as reading them at every terminal, which ``functools.cache`` set to the identity
restores here (the code before the change, line for line)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

from detente.analysis.analyze import AnalyzeOptions
from detente.analysis.games_layer import games_layer
from detente.cases import case_path
from detente.games.templates.two_track import build_two_track
from detente.scenario.loader import load_scenario

SCENARIOS = [case_path("geneva-2022"), Path(__file__).parent / "data" / "berlin-1961.yaml"]


def _tree(g) -> tuple:  # type: ignore[no-untyped-def]
    return (g.kind, g.children, g.payoff, g.outcome, g.outcome_class, g.breakdown, g.parameters)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_cached_issue_values_give_the_same_trees_and_games_layer(path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from detente.games.templates.two_track import IssueReading

    calls = {"n": 0}
    read = IssueReading.value

    def counted(self, *a):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return read(self, *a)

    monkeypatch.setattr(IssueReading, "value", counted)
    sc = load_scenario(path)
    spec = next(s for s in sc.games.specs if s.template.value == "two_track")
    rng = np.random.default_rng(3)
    names = [n for n in spec.costs.values() if n in sc.parameters]
    overrides = [{}] + [{n: float(rng.uniform(0, 1)) for n in names} for _ in range(20)]
    overrides += [{f"status_quo:{spec.issue}": float(rng.uniform(0, 100))} for _ in range(5)]
    cached = [_tree(build_two_track(sc, spec, o)) for o in overrides]
    n_cached, calls["n"] = calls["n"], 0
    layer = json.dumps(games_layer(sc, AnalyzeOptions()).to_dict(), sort_keys=True, default=str)
    with monkeypatch.context() as m:
        m.setattr(functools, "cache", lambda f: f)  # every value read again, as before SF3
        plain = [_tree(build_two_track(sc, spec, o)) for o in overrides]
        assert calls["n"] > 3 * n_cached  # the identity really reads every value again
        before = json.dumps(games_layer(sc, AnalyzeOptions()).to_dict(), sort_keys=True, default=str)
    assert cached == plain
    assert layer == before
