"""Decision C21's readings of the standoff cost (hand-computed oracles) and `backtest cases` over the
library plus folders (repeatable --dir, --with-library)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest

from detente.games.crisis.model import CrisisModel, forward, round_summary, solve_crisis, step_state

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
GRID = tuple(i / 100 for i in range(101))


def duel(horizon: int, standoff: float, proposer: str = "alternate", **kw: bool) -> CrisisModel:
    """p = 0.5, war costs 0.2 each, status quo at D's position, complete information, delta 0.9."""
    return CrisisModel(("A", "B"), LINE, GRID, 0.0, 0.0, (0.5,) * horizon, ((0.2, 0.2), (0.2, 0.2)), (1.0, 1.0),
                       (standoff, standoff), (0.05, 0.05), (0.0, 0.0), (0.0, 0.0), 0.9, proposer=proposer,
                       responses=("accept", "hold", "war"), **kw)


def test_hold_cost_lump_flow_and_kept_by_hand() -> None:
    m = duel(3, 0.2)
    # round 2, rung 1 after the hold, escalator's one-time cost 0.05: 0.81 x 0.2 x 2 + 0.81 x 0.05
    assert m.hold_cost(0, 2, 1, (0.05, 0.0), False) == pytest.approx(0.81 * 0.4 + 0.81 * 0.05)
    flow = replace(m, standoff_flow=True)
    assert flow.hold_cost(0, 2, 1, (0.05, 0.0), False) == pytest.approx(0.1 * 0.81 * 0.4 + 0.81 * 0.05)
    kept = replace(m, settled_free=True)
    assert kept.hold_cost(1, 2, 0, (0.0, 0.0), True) == 0.0
    assert kept.keeps(True, "hold") and not kept.keeps(True, "escalate") and not kept.keeps(False, "hold")
    assert not m.keeps(True, "hold")  # C3 as written: a hold ends the agreement


def test_flow_standoff_one_round_by_hand() -> None:
    """One round, A demands, B accepts (worth 1 - s), holds (the status quo, worth 1, minus the standoff
    cost) or fights (0.5 - 0.2). A lump cost 0.5 makes holding worth 0.5, so A demands 0.5; as a flow
    it costs (1 - 0.9) x 0.5 and holding is worth 0.95, so A can demand only 0.05."""
    lump = solve_crisis(duel(1, 0.5), None)
    flow = solve_crisis(duel(1, 0.5, standoff_flow=True), None)
    assert round_summary(lump)[0]["offer"] == pytest.approx(0.5)
    assert round_summary(flow)[0]["offer"] == pytest.approx(0.05)
    assert lump.war_probability == flow.war_probability == 0.0


def _copy_as(src, dest, new_id: str) -> None:  # type: ignore[no-untyped-def]
    """A bundled case copied under a new file name and a new meta.id (a case is named by its id, SF5)."""
    text = src.read_text(encoding="utf-8")
    old = re.search(r"^\s+id:\s*(\S+)", text, re.M)
    assert old is not None
    dest.write_text(text.replace(f"id: {old.group(1)}", f"id: {new_id}", 1), encoding="utf-8")


def _final_division(sol) -> float:  # type: ignore[no-untyped-def]
    """The expected status quo after the last round (complete information: one type pair)."""
    m = sol.model
    out = 0.0
    for key, reach in forward(sol):
        if key[0] != m.horizon - 1:
            continue
        rec = sol.nodes[key]
        for k, _s in enumerate(m.offers):
            for ai, a in enumerate(("accept", "hold", "escalate", "war")):
                w = reach[0][0] * rec.sigma_p[0 if m.proposer_at(key[0]) == 0 else 1][k] * rec.sigma_r[0][k][ai]
                if w > 0 and a != "war":
                    out += w * step_state(m, key, k, a)[2]  # type: ignore[index]
    return out


def test_kept_settlement_stands_open_one_is_rebargained() -> None:
    """Two rounds, A proposes then B, standoff cost 0.1. Kept (C21): in round 1 a hold keeps the round-0
    division at no cost, so B cannot move it; round 0 is then the whole bargain: B refusing holds at
    0.1 - 0.1 (the status quo's flow less the cost) and then concedes 0.3 (A's war value) in round 1,
    worth 0.63 to it, so A demands 0.37, which stands to the deadline (agreement). Open (C3): after the
    agreement a hold still costs 0.1, so B, proposing last, takes the cost back off A's share."""
    kept = solve_crisis(duel(2, 0.1, settled_free=True), None)
    assert round_summary(kept)[0]["offer"] == pytest.approx(0.37)
    assert _final_division(kept) == pytest.approx(0.37)
    assert kept.outcome_probs()["agreement"] == pytest.approx(1.0)
    opened = solve_crisis(duel(2, 0.1), None)
    assert _final_division(opened) < round_summary(opened)[0]["offer"] - 0.05


def test_readings_from_tags_and_errors(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.errors import InputError
    from detente.games.crisis.spec import build_inputs

    sc = load_case("taiwan-1996")
    base = build_inputs(sc, standoff="lump", settlement="open")
    tagged = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "standoff:flow",
                                                                                "settlement:kept"]})})
    inp = build_inputs(tagged)
    assert inp.model.standoff_flow and inp.model.settled_free
    assert inp.to_dict()["standoff_units"] == "flow" and inp.to_dict()["settlement"] == "kept"
    # a default mobilising cost is one round's standoff cost: as a flow, (1 - delta) of it
    d = inp.model.discount
    assert inp.model.mobilise_cost[0] == pytest.approx((1 - d) * base.model.mobilise_cost[0], rel=1e-5)
    assert not build_inputs(tagged, standoff="lump", settlement="open").model.settled_free  # argument wins
    bad = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "settlement:maybe"]})})
    with pytest.raises(InputError, match="settlement must be one of open, kept"):
        build_inputs(bad)


@pytest.fixture
def load_case():  # type: ignore[no-untyped-def]
    from detente.cases import case_path
    from detente.scenario.loader import load_scenario

    return lambda name: load_scenario(case_path(name))


def test_backtest_cases_library_plus_folders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from detente.cases import case_names, case_path
    from detente.cli.app import app

    run = CliRunner().invoke
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    _copy_as(case_path("munich-1938"), one / "munich-copy.yaml", "munich-copy")
    _copy_as(case_path("cuba-1962"), two / "cuba-copy.yaml", "cuba-copy")
    res = run(app, ["backtest", "cases", "--layer", "models", "--dir", str(one), "--dir", str(two), "--json"])
    assert res.exit_code == 0, res.output
    assert [c["case"] for c in json.loads(res.stdout)["cases"]] == ["munich-copy", "cuba-copy"]
    res = run(app, ["backtest", "cases", "--layer", "models", "--with-library", "--dir", str(one), "--json"])
    assert res.exit_code == 0, res.output
    names = [c["case"] for c in json.loads(res.stdout)["cases"]]
    assert names[-1] == "munich-copy" and "munich-1938" in names and len(names) > 10
    assert set(names[:-1]) <= set(case_names())
    alone = run(app, ["backtest", "cases", "--layer", "models", "--with-library"])
    assert alone.exit_code == 2 and "give --dir" in alone.output
    shutil.copy(case_path("cuba-1962"), one / "cuba-1962.yaml")  # a folder repeating a bundled case
    twice = run(app, ["backtest", "cases", "--layer", "models", "--with-library", "--dir", str(one)])
    assert twice.exit_code == 2 and "cuba-1962 appears twice" in twice.output
    assert "the bundled library and one/cuba-1962.yaml" in " ".join(twice.output.split())


def test_loo_scores_each_case_with_the_pair_chosen_on_the_others() -> None:
    """Hand-made grid: pair 1 says escalation for sure (Brier 0, 0, 2 on the three cases), pair 2 is
    uniform (0.75 each). Leaving out a war, the other two prefer pair 2 (0.75 < (0 + 2) / 2); leaving out
    the agreement, pair 1 (0 < 0.75). Mean (0.75 + 0.75 + 2) / 3; on all three pair 1 wins (2/3 < 0.75)."""
    from detente.analysis.crisis_fit import loo

    sure = {"agreement": 0.0, "stalemate": 0.0, "capitulation": 0.0, "escalation": 1.0}
    flat = dict.fromkeys(sure, 0.25)
    known = {"a": "escalation", "b": "escalation", "c": "agreement"}
    grid = {(1.0, 0.1): dict.fromkeys(known, sure), (2.0, 0.1): dict.fromkeys(known, flat)}
    out = loo(grid, known)
    assert [r["lambda"] for r in out["rows"]] == [2.0, 2.0, 1.0]
    assert out["brier"] == pytest.approx((0.75 + 0.75 + 2.0) / 3)
    assert out["hits"] == 2  # a flat forecast reads as escalation (ties go to it), the agreement is missed
    assert out["chosen_on_all"] == {"lambda": 1.0, "standoff_scale": 0.1}


@pytest.mark.slow
def test_loo_over_the_library_and_a_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--loo --with-library --dir: the leave-one-out fit runs over both sources' cases together."""
    import json

    from typer.testing import CliRunner

    from detente.cases import case_path
    from detente.cli.app import app

    for name in ("crimea-2014", "korea-2017"):
        _copy_as(case_path(name), tmp_path / f"{name}-copy.yaml", f"{name}-copy")
    res = CliRunner().invoke(app, ["backtest", "cases", "--layer", "crisis", "--case", "taiwan-1996", "--case",
                                   "crimea-2014-copy", "--case", "korea-2017-copy", "--with-library", "--dir",
                                   str(tmp_path), "--loo", "--json"])
    assert res.exit_code == 0, res.output
    lo = json.loads(res.stdout)["crisis_loo"]
    assert [r["case"] for r in lo["rows"]] == ["taiwan-1996", "crimea-2014-copy", "korea-2017-copy"]
    assert lo["n"] == 3 and 0 <= lo["hits"] <= 3


def test_validate_knows_the_reading_tags_and_catches_a_misspelling(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.layer_checks import _tag_problems

    sc = load_case("taiwan-1996")
    ok = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "standoff:flow",
                                                                            "settlement:kept"]})})
    assert list(_tag_problems(ok)) == []
    bad = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "settlment:kept"]})})
    (problem,) = list(_tag_problems(bad))
    assert "did you mean 'settlement:'" in problem[1]
