"""`detente simulate --crisis-player`: the output says who plays what, and the break-even search (which
assumes logit players) is not reported for a world it did not search (H11)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from detente.cli import app
from duel import DUEL_HEAD

runner = CliRunner()
DUEL = DUEL_HEAD + """\
moves:
  - {id: a_demand, actor: a, type: demand, issue: x, position: 100, step: 0}
  - {id: a_war, actor: a, type: escalate, issue: x, position: 100}
  - {id: b_war, actor: b, type: escalate, issue: x, position: 0}
parameters: {a_war_cost: 0.3, b_war_cost: 0.4, horizon: 2}
simulation: {players: [a, b], rounds: 3, runs: 10, temperature: 0.05, scripted: [a, b]}
"""


def test_a_replaced_player_is_named_and_the_logit_break_evens_are_not_reported(tmp_path) -> None:
    p = tmp_path / "duel.yaml"
    p.write_text(DUEL, encoding="utf-8")
    plain = json.loads(runner.invoke(app, ["simulate", str(p), "--policy", "logit", "--json"]).stdout)
    assert plain["break_even"]["players"]  # the logit world is searched
    res = runner.invoke(app, ["simulate", str(p), "--crisis-player", "a", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert set(d["policy"]["replaced"]) == {"a"}
    assert d["break_even"]["players"] == [] and d["break_even"]["criterion"].startswith("not computed: a plays")
    text = " ".join(runner.invoke(app, ["simulate", str(p), "--crisis-player", "a"]).stdout.split())
    assert "except a: the general crisis model's QRE strategy" in text


def test_backtest_cases_says_its_sim_column_is_the_logit_players(tmp_path) -> None:
    (tmp_path / "duel.yaml").write_text(DUEL + "known_outcome: {class: stalemate}\n", encoding="utf-8")
    res = runner.invoke(app, ["backtest", "cases", "--dir", str(tmp_path), "--layer", "sim"])
    assert res.exit_code == 0, res.output
    assert "older logit players" in " ".join(res.stdout.split())
