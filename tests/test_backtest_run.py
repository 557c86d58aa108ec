"""Running models on DEU issues, splits, candidates protocol, leaderboard, and the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.backtest.candidates import evaluate, families, fit
from detente.backtest.deu import load_deu
from detente.backtest.leaderboard import build_report, render_markdown
from detente.backtest.run import random_split, read_split, run_backtest
from detente.cli import app
from detente.errors import InputError
from detente.models.base import MODELS, Model, register

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "data" / "deu_fixture.csv"
SHARED = HERE.parent.parent / "shared"
DEU = SHARED / "data" / "deu3" / "deu3.csv"
SPLIT = SHARED / "data" / "schelling-cases" / "deu3_split.json"
runner = CliRunner()


def test_fixture_end_to_end_by_hand():
    bt = run_backtest(load_deu(FIXTURE), models=["compromise", "median"])
    y = bt.outcome
    np.testing.assert_allclose(bt.runs["compromise"].forecast, [45.0, 60.0, 42.5])
    np.testing.assert_allclose(bt.runs["median-actor"].forecast, [40.0, 50.0, 50.0])
    np.testing.assert_allclose(bt.runs["constant-50"].forecast, [50.0, 50.0, 50.0])
    sq = bt.runs["status-quo"].forecast
    assert np.isnan(sq[1]) and sq[0] == 0.0 and sq[2] == 50.0
    assert np.abs(bt.runs["compromise"].forecast - y).mean() == pytest.approx((5 + 40 + 12.5) / 3)


class _Boom(Model):
    name = "test-boom"
    summary = "raises on dichotomous issues"

    @dataclasses.dataclass(frozen=True)
    class Options:
        pass

    def run_arrays(self, arr):
        pos = arr.position[~np.isnan(arr.position)]
        if set(pos.tolist()) <= {0.0, 100.0}:
            raise RuntimeError("utility values not in valid range\nsecond line")
        return self._result(arr, np.array([1.0]))


@pytest.fixture
def boom():
    register(_Boom)
    yield
    MODELS.pop("test-boom", None)


def test_failing_model_is_skipped_and_counted(boom):
    bt = run_backtest(load_deu(FIXTURE))
    run = bt.runs["test-boom"]
    assert run.skipped == 1
    assert run.failures == {"RuntimeError: utility values not in valid range": 1}
    assert np.isnan(run.forecast[1]) and run.forecast[0] == 1.0
    report = build_report(bt, "cmd")
    assert report["all"]["models"]["test-boom"]["n"] == 2
    assert "1× RuntimeError" in render_markdown(report)


def test_split_file_errors(tmp_path):
    t = load_deu(FIXTURE)
    bad = tmp_path / "s.json"
    bad.write_text(json.dumps({"assignment": {"x001i1": "holdout"}}))
    with pytest.raises(InputError, match="expected train, dev or test"):
        read_split(bad, t)
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        read_split(bad, t)
    bad.write_text(json.dumps({"assignment": {"zzz": "test"}}))
    with pytest.raises(InputError, match="no issue id"):
        read_split(bad, t)


def test_random_split_seeded():
    ids = [f"i{k}" for k in range(100)]
    a, b = random_split(ids, 3), random_split(list(reversed(ids)), 3)
    assert a == b
    assert sorted(a.values()).count("train") == 40 and sorted(a.values()).count("test") == 30
    assert random_split(ids, 4) != a


def _real_bt(split: bool = True):
    if not DEU.exists() or (split and not SPLIT.exists()):
        pytest.skip("DEU III data or split not available")
    t = load_deu(DEU)
    if not split:
        return run_backtest(t, models=["compromise", "median"])
    assignment, label = read_split(SPLIT, t)
    return run_backtest(t, models=["compromise", "median"], split=assignment, split_label=label)


def test_real_split_counts_match_the_preregistration():
    bt = _real_bt()
    data = json.loads(SPLIT.read_text())
    for part in ("train", "dev", "test"):
        mask = bt.mask(part)
        assert int(mask.sum()) == data["counts"][part]
        assert sum(i.rp is not None for i, m in zip(bt.issues, mask, strict=True) if m) == data["rp_counts"][part]


def test_candidates_never_see_test_outcomes():
    """Refitting after scrambling every TEST outcome must give the same parameters."""
    bt = _real_bt()
    y = bt.outcome
    train = bt.mask("train")
    scrambled = np.where(bt.mask("test"), 100.0 - y, y)
    for fam in families(bt):
        assert fit(fam, y, train)[0] == fit(fam, scrambled, train)[0]
    rows = evaluate(bt, resplits=3)
    assert {r["name"] for r in rows} >= {"sq-gravity", "pole-snap", "blend-median"}


@pytest.mark.slow
def test_leaderboard_same_seed_same_bytes():
    bt1, bt2 = _real_bt(), _real_bt()
    a = render_markdown(build_report(bt1, "cmd", resplits=3))
    b = render_markdown(build_report(bt2, "cmd", resplits=3))
    assert a == b
    assert "3fbb9606abecb9d0" in a and "| compromise | model | 351 |" in a


def test_cli_real_data_reproduces_the_brief(tmp_path):
    if not DEU.exists():
        pytest.skip("DEU III data not available")
    res = runner.invoke(app, ["backtest", "deu", str(DEU), "--models", "compromise,median", "--json",
                              "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    rows = report["all"]["models"]
    assert round(rows["compromise"]["mae"], 2) == 23.64
    assert abs(rows["median-actor"]["mae"] - 28.37) < 0.05
    assert rows["median-actor"]["vs_compromise"]["low"] > 0  # the median actor is worse, CI above 0
    assert (tmp_path / "LEADERBOARD.md").exists()
    assert json.loads((tmp_path / "backtest-summary.json").read_text()) == report


def test_cli_fixture_table_and_errors(tmp_path):
    res = runner.invoke(app, ["backtest", "deu", str(FIXTURE), "--split", "random", "--seed", "1"])
    assert res.exit_code == 0, res.output
    assert "compromise" in res.stdout and "19.17" in res.stdout  # (5 + 40 + 12.5) / 3
    for args, msg in [
        (["backtest", "deu", str(tmp_path / "nope.csv")], "no such file"),
        (["backtest", "deu", str(FIXTURE), "--capability", "votes"], "unknown capability"),
        (["backtest", "deu", str(FIXTURE), "--models", "oracle"], "unknown model 'oracle'"),
        (["backtest", "deu", str(FIXTURE), "--split", str(tmp_path / "none.json")], "none.json: no such file"),
    ]:
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert msg in r.stderr and "Traceback" not in r.output
        assert len(r.stderr.strip().splitlines()) == 1
