"""The general crisis model as an extensive-form tree (DECISIONS C15): the tree's exact solvers agree
with the model's recursion where both are exact, the textbook oracles hold on the tree, CFR reaches a
small NashConv, the belief grid is a named option whose error shrinks, and bad settings are one-line
errors."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from detente.errors import InputError
from detente.games.crisis.model import RESPONSES, CrisisModel, solve_crisis
from detente.games.crisis.tree_export import (
    check_recursion,
    export_tree,
    recursion_profile,
    solve_tree,
    tree_size,
)
from detente.games.evaluate import class_distribution, node_values
from detente.games.openspiel_adapter import available as openspiel_available
from detente.games.solve import solve
from detente.games.tree import CHANCE, DECISION

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
COARSE = tuple(i / 20 for i in range(21))


def two_player(p: tuple[float, ...], cost_c: float, cost_d: float, proposer: str = "challenger",
               responses: tuple[str, ...] = ("accept", "war"), offers: tuple[float, ...] = COARSE,
               delta: float = 0.9) -> CrisisModel:
    return CrisisModel(("A", "B"), LINE, offers, 0.0, 0.0, p, ((cost_c, cost_c), (cost_d, cost_d)), (1.0, 1.0),
                       (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), delta, proposer=proposer,
                       responses=responses)


def rich(horizon: int, war: tuple = ((0.3, 0.3), (0.1, 0.1)), prior: tuple[float, float] = (1.0, 1.0),
         grid: int = 6, sq: float = 0.1, start_rung: int = 0) -> CrisisModel:
    """Every response (accept, hold, escalate, war), a kinked frontier, standoff, mobilisation, limited
    force, audience costs and a shifting balance."""
    return CrisisModel(("A", "B"), ((0.0, 0.0, 1.0), (0.5, 0.7, 0.8), (1.0, 1.0, 0.0)),
                       tuple(i / (grid - 1) for i in range(grid)), sq, 0.1, (0.6, 0.55, 0.5, 0.45)[:horizon],
                       war, prior, (0.05, 0.04), (0.1, 0.08), (0.02, 0.03), (0.3, 0.2), 0.9,
                       start_rung=start_rung, start_escalator=1 if start_rung else 0)


def recursion_path(sol) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """(offer index, response) round by round on the recursion's pure best-response path."""
    out, key = [], sol.root
    while key is not None:
        rec = sol.nodes[key]
        k = max(range(len(rec.sigma_p[0])), key=lambda i: rec.sigma_p[0][i])
        a = max(range(len(RESPONSES)), key=lambda i: rec.sigma_r[0][k][i])
        out.append((k, RESPONSES[a]))
        key = rec.children[k][a]
    return out


def tree_path(g, prof) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    out, node = [], g.root
    while g.kind[node] == DECISION:
        pk = prof[g.infoset[node]]
        k = max(range(len(pk)), key=pk.__getitem__)
        rnode = g.children[node][k]
        pr = prof[g.infoset[rnode]]
        a = max(range(len(pr)), key=pr.__getitem__)
        out.append((k, g.actions_of(rnode)[a]))
        node = g.children[rnode][a]
    return out


@pytest.mark.parametrize("model", [
    two_player((0.5,), 0.1, 0.2),
    two_player((0.6, 0.4), 0.1, 0.05, proposer="defender"),
    rich(2), rich(3, grid=4), rich(2, start_rung=1, sq=0.3),
    replace(rich(2, war=((0.05, 0.05), (0.05, 0.05))), standoff=(0.0, 0.0)),  # hold, then agree
    replace(rich(2, war=((0.8, 0.8), (0.05, 0.05)), start_rung=1), standoff=(0.0, 0.0)),  # stalemate
])
def test_complete_information_backward_induction_matches_the_recursion(model: CrisisModel) -> None:
    """One type per side: the tree is perfect information and its SPE (backward induction) has the
    recursion's path (lam=None), outcome class and values."""
    g = export_tree(model)
    assert g.perfect_information and len(g) == tree_size(model)
    sol = solve(g, "backward", check=False)
    rec = solve_crisis(model, None)
    assert tree_path(g, sol.profile) == recursion_path(rec)
    assert sol.outcome_class() == rec.outcome_class()
    assert sol.values == pytest.approx(rec.expected()[:2], abs=1e-12)


@pytest.mark.parametrize(("shift", "war"), [(0.0, False), (0.05, False), (0.1, True), (0.2, True)])
def test_commitment_problem_oracle_on_the_tree(shift: float, war: bool) -> None:
    """Powell 2006 (two periods, the rising side proposes, agreements bind one period): the declining
    side fights at once iff delta (p0 - p1) > (1 - delta)(1 - p0 + c_A); threshold 0.0556 here."""
    p0, ca, delta = 0.6, 0.1, 0.9
    assert (delta * shift > (1 - delta) * (1 - p0 + ca)) is war
    g = export_tree(two_player((p0, p0 - shift), ca, 0.05, proposer="defender"))
    dist = class_distribution(g, solve(g, "backward", check=False).profile)
    assert dist.get("escalation", 0.0) == (1.0 if war else 0.0)


def test_fearon_ultimatum_on_the_tree() -> None:
    """Fearon 1995, complete information: no war, and A demands p + c_B (on the grid, B accepts)."""
    g = export_tree(two_player((0.5,), 0.1, 0.15))
    sol = solve(g, "backward", check=False)
    assert class_distribution(g, sol.profile).get("escalation", 0.0) == 0.0
    assert g.actions_of(g.root)[tree_path(g, sol.profile)[0][0]] == "offer 0.65"


@pytest.mark.parametrize("model", [rich(2), rich(3, grid=4), two_player((0.6, 0.45), 0.1, 0.05, "defender")])
def test_complete_information_qre_matches_the_recursion(model: CrisisModel) -> None:
    """With one type per side nothing is rounded: the games layer's logit QRE (Signorino's recursion
    on the tree) gives the recursion's agent QRE outcome probabilities at the same lambda."""
    g = export_tree(model)
    for lam in (2.0, 5.0, 20.0):
        dist = class_distribution(g, solve(g, "qre", lam=lam, check=False).profile)
        probs = solve_crisis(model, lam).outcome_probs()
        for c, v in probs.items():
            assert dist.get(c, 0.0) == pytest.approx(v, abs=1e-9)


def test_recursion_strategies_replayed_on_the_tree_give_its_outcomes_and_values() -> None:
    """Private information, two rounds: the tree's payoffs and moves are the model's, so the
    recursion's own strategies played on the tree give its outcome probabilities and type values."""
    m = rich(2, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.4, 0.7))
    g = export_tree(m)
    assert not g.perfect_information and g.kind[g.root] == CHANCE
    for lam in (None, 5.0):
        sol = solve_crisis(m, lam)
        prof = recursion_profile(g, sol)
        dist = class_distribution(g, prof)
        for c, v in sol.outcome_probs().items():
            assert dist.get(c, 0.0) == pytest.approx(v, abs=1e-12)
        vals = node_values(g, prof)
        tv = sol.type_values()
        for (tc, td), child in zip([(0, 0), (0, 1), (1, 0), (1, 1)], g.children[g.root], strict=True):
            assert vals[child] == pytest.approx(tv[tc][td][:2], abs=1e-12)


def test_belief_grid_error_shrinks_against_the_exact_tree_qre() -> None:
    """One round, prior 0.4: the 0.25 grid rounds the root belief to 0.5, a 0.05 grid does not, and
    then the recursion is the tree's exact agent QRE. Two rounds: posteriors are rounded too, and the
    finer grid is closer to the tree's QRE."""
    def gap(m: CrisisModel, step: float, lam: float = 5.0) -> float:
        g = export_tree(m)
        exact = class_distribution(g, solve(g, "qre", lam=lam, check=False).profile)
        got = solve_crisis(m, lam, step).outcome_probs()
        return max(abs(exact.get(c, 0.0) - v) for c, v in got.items())

    one = rich(1, war=((0.3, 0.7), (0.1, 0.4)), prior=(0.4, 0.4))
    assert gap(one, 0.05) < 1e-9 and gap(one, 0.2) < 1e-9
    assert gap(one, 0.25) > 1e-6
    two = rich(2, war=((0.3, 0.7), (0.1, 0.4)), prior=(0.4, 0.4), grid=3)
    coarse, fine = gap(two, 0.25), gap(two, 0.05)
    assert fine < coarse and fine < 2e-3


def test_belief_step_must_divide_one() -> None:
    with pytest.raises(ValueError, match="1/n"):
        solve_crisis(rich(1), 5.0, 0.3)
    with pytest.raises(ValueError, match="1/n"):
        solve_crisis(rich(1), 5.0, 0.0)


@pytest.mark.skipif(not openspiel_available(), reason="OpenSpiel not installed")
@pytest.mark.parametrize(("shift", "cls"), [(0.0, "agreement"), (0.2, "escalation")])
def test_cfr_reaches_small_nashconv_and_the_unique_equilibrium_outcome(shift: float, cls: str) -> None:
    """Powell's game has one equilibrium outcome on the path (war at once iff the shift is large),
    whatever the off-path threats: CFR finds it, with NashConv near 0."""
    m = two_player((0.6, 0.6 - shift), 0.1, 0.05, proposer="defender")
    out = solve_tree(m, "cfr", iterations=1000)
    assert out["nash_conv"] < 1e-3 and out["iterations"] == 1000 and not out["exact"]
    assert out["outcome_class"] == cls and out["outcome_classes"][cls] > 0.99
    assert "not subgame-perfect" in out["concept"]


@pytest.mark.skipif(not openspiel_available(), reason="OpenSpiel not installed")
def test_cfr_on_private_information_reports_nashconv() -> None:
    out = solve_tree(rich(2, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.5, 0.5), grid=4), "cfr", iterations=500)
    assert math.isfinite(out["nash_conv"]) and 0.0 <= out["nash_conv"] < 0.01
    assert sum(out["outcome_classes"].values()) == pytest.approx(1.0)


def test_sequential_solver_on_a_small_signalling_tree() -> None:
    """One round with private information: the logit trace ends in an exact sequential equilibrium
    (one-shot regrets below 1e-9); the recursion's best responses are checked on the same tree."""
    m = rich(1, war=((0.05, 0.6), (0.05, 0.5)), prior=(0.5, 0.5), grid=4)
    out = solve_tree(m, "sequential")
    assert out["exact"] and out["agent_regret"] < 1e-9 and out["nash_conv"] < 1e-9
    rec = check_recursion(m, None, 0.25)
    assert sum(rec["outcome_classes"].values()) == pytest.approx(1.0)


def test_mediation_is_a_chance_node_mixing_the_complete_information_game() -> None:
    from detente.games.crisis.tree_export import _complete

    m = rich(2, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.5, 0.5), grid=3)
    g = export_tree(m, mediation=0.3)
    assert g.infosets[g.infoset[g.root]].label == "mediation"
    sol, ci = solve_crisis(m, 5.0), solve_crisis(_complete(m), 5.0)
    dist = class_distribution(g, recursion_profile(g, sol, ci))
    for c, v in sol.outcome_probs().items():
        assert dist.get(c, 0.0) == pytest.approx(0.7 * v + 0.3 * ci.outcome_probs()[c], abs=1e-12)


def test_too_large_a_tree_is_a_one_line_error_naming_the_settings() -> None:
    m = rich(4, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.5, 0.5))
    with pytest.raises(InputError) as e:
        export_tree(m)
    msg = str(e.value)
    assert "\n" not in msg and "--horizon" in msg and "--offers" in msg and "200,000" in msg
    assert tree_size(replace(m, p=m.p[:3])) <= 200_000


def test_backward_on_private_information_is_refused() -> None:
    with pytest.raises(InputError, match="complete information"):
        solve_tree(rich(1, war=((0.2, 0.6), (0.1, 0.1)), prior=(0.5, 1.0)), "backward")


@pytest.mark.skipif(not openspiel_available(), reason="OpenSpiel not installed")
def test_game_cli_crisis_cfr_reports_nashconv_iterations_and_the_concept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from detente.cli.app import app
    from detente.fileio import read_user_text
    from detente.games.efg import read_efg

    out = tmp_path / "crisis.efg"
    res = CliRunner().invoke(app, ["game", "geneva-2022", "--template", "crisis", "--solver", "cfr", "--horizon", "2",
                                   "--iterations", "300", "--belief-step", "0.05", "--efg", str(out), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["belief_step"] == 0.05 and "0.05 grid" in d["concept"]
    assert any("horizon cut from 4 to 2" in n for n in d["notes"])
    t = d["tree"]
    assert t["method"] == "cfr" and t["iterations"] == 300 and t["nash_conv"] < 0.01
    assert "not subgame-perfect" in t["concept"] and t["compare"]["against"].startswith("the recursion's best")
    assert sum(t["outcome_classes"].values()) == pytest.approx(1.0)
    assert len(read_efg(read_user_text(out))) == t["nodes"]


@pytest.mark.parametrize(("args", "field"), [
    (["--belief-step", "0.3"], "--belief-step"),
    (["--horizon", "9"], "--horizon"),
    (["--offers", "1"], "--offers"),
    (["--iterations", "0"], "--iterations"),
    (["--solver", "backward"], "--solver"),  # the founding case has private information
    (["--solver", "cfr"], "--horizon"),  # four rounds and six offers: too large a tree
])
def test_game_cli_crisis_bad_settings_are_one_line_errors(args: list[str], field: str) -> None:
    from typer.testing import CliRunner

    from detente.cli.app import app

    res = CliRunner().invoke(app, ["game", "geneva-2022", "--template", "crisis", *args])
    assert res.exit_code == 2, res.output
    assert field in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [
    ["--template", "crisis", "--iterations", "10"],  # auto: the recursion, no CFR
    ["--template", "crisis", "--solver", "qre", "--iterations", "10"],
    ["--template", "crisis", "--solver", "sequential", "--horizon", "1", "--iterations", "10"],
    ["--template", "two_track", "--iterations", "10"],  # scenario games: run_scenario_game takes no iterations
    ["--template", "two_track", "--belief-step", "0.25"],  # the default value, given on the wrong template
])
def test_game_cli_settings_that_would_be_ignored_are_refused(args: list[str]) -> None:
    """--iterations without CFR, and --belief-step 0.25 off the crisis template, were silently ignored."""
    from typer.testing import CliRunner

    from detente.cli.app import app

    res = CliRunner().invoke(app, ["game", "geneva-2022", *args])
    assert res.exit_code == 2, res.output
    assert len(res.output.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_game_cli_crisis_settings_on_another_template_are_refused() -> None:
    from typer.testing import CliRunner

    from detente.cli.app import app

    res = CliRunner().invoke(app, ["game", "geneva-2022", "--template", "two_track", "--horizon", "2"])
    assert res.exit_code == 2 and "crisis template only" in res.output


def test_sequential_trace_on_a_large_tree_is_refused_not_left_running() -> None:
    """Two rounds of six offers (over 1,000 decision actions): the trace ran for many minutes (C15: it
    does not reach these sizes); it is now a one-line error naming the other solvers and settings."""
    from detente.games.crisis.tree_export import SEQUENTIAL_MAX_ACTIONS

    m = rich(2, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.5, 0.5))
    g = export_tree(m)
    assert sum(len(g.infosets[k].actions) for k in g.decision_infosets()) > SEQUENTIAL_MAX_ACTIONS
    with pytest.raises(InputError) as e:
        solve_tree(m, "sequential")
    msg = str(e.value)
    assert "\n" not in msg and "cfr" in msg and "--horizon" in msg and e.value.field == "--solver"


def test_auto_tree_without_openspiel_on_a_large_tree_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Without OpenSpiel, auto falls back to the logit trace (G5), which does not finish at this size."""
    import detente.games.openspiel_adapter as osa

    monkeypatch.setattr(osa, "available", lambda: False)
    m = rich(2, war=((0.2, 0.6), (0.05, 0.4)), prior=(0.5, 0.5))
    with pytest.raises(InputError, match="OpenSpiel"):
        solve_tree(m, "auto")
    small = rich(1, war=((0.05, 0.6), (0.05, 0.5)), prior=(0.5, 0.5), grid=4)
    assert solve_tree(small, "auto")["method"] == "sequential"  # a small tree still runs the trace
