"""Crisis games against literature oracles (crisis-games brief, section 6) and hand computations."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.games.backward import backward_induction, logit_qre
from detente.games.evaluate import class_distribution, nash_conv, outcome_distribution
from detente.games.explain import find_thresholds
from detente.games.pbe import trace_logit
from detente.games.solve import solve
from detente.games.templates.literature import (
    IIG_OUTCOMES,
    alternating_offers_game,
    alternating_offers_share,
    audience_cost_game,
    audience_cost_oracle,
    chicken_commitment_game,
    chicken_simultaneous,
    iig_game,
    risk_return_brute_force,
    risk_return_game,
)
from detente.games.tree import Game


def _strategy(sol, label: str) -> list[float]:
    g = sol.game
    k = next(i for i, s in enumerate(g.infosets) if s.label == label)
    return sol.profile[k]


# -- 6.1 audience costs -------------------------------------------------------------------------
@pytest.mark.parametrize(("pi", "a", "c_b"), [
    (0.2, 1.0, 3.0),   # semi-separating: sigma = 0.5, r = 0.5
    (0.1, 0.5, 4.0),   # semi-separating: sigma = 1/3, r = 2/3
    (0.5, 1.0, 3.0),   # pooling: pi * c_B > 1
    (0.2, 3.0, 3.0),   # tied hands: a > -w_I
])
def test_audience_cost_closed_form(pi: float, a: float, c_b: float) -> None:
    w_i = -2.0
    oracle = audience_cost_oracle(pi, a, c_b, w_i)
    sol = solve(audience_cost_game(pi, a, c_b, 0.5, w_i))
    assert sol.method == "sequential" and sol.exact
    sigma = _strategy(sol, "A irresolute")[0]
    r = _strategy(sol, "B after challenge")[1]
    assert sigma == pytest.approx(oracle["sigma"], abs=1e-7)
    assert r == pytest.approx(oracle["r"], abs=1e-7)
    classes = class_distribution(sol.game, sol.profile)
    assert classes.get("escalation", 0.0) == pytest.approx(oracle["p_war"], abs=1e-7)
    if oracle["regime"] == "semi-separating":
        outs = outcome_distribution(sol.game, sol.profile)
        assert outs["A backs down"] == pytest.approx(oracle["p_backdown"], abs=1e-7)
        assert outs["status quo"] == pytest.approx(oracle["p_sq"], abs=1e-7)
    assert nash_conv(sol.game, sol.profile) < 1e-9


def test_audience_cost_comparative_statics() -> None:
    r, war = [], []
    for a in (0.25, 0.5, 1.0, 1.5):
        sol = solve(audience_cost_game(0.2, a, 3.0))
        r.append(_strategy(sol, "B after challenge")[1])
        war.append(class_distribution(sol.game, sol.profile).get("escalation", 0.0))
    assert all(x > y for x, y in itertools.pairwise(r))
    assert all(x > y for x, y in itertools.pairwise(war))
    # a closed back channel (a = 0): B always resists a challenge
    sol = solve(audience_cost_game(0.2, 0.0, 3.0))
    assert _strategy(sol, "B after challenge")[1] == pytest.approx(1.0, abs=1e-6)


# -- 6.7 risk-return ----------------------------------------------------------------------------
def test_risk_return_brief_grid_index() -> None:
    # the brief's discretisation: p = 1/2, c_A = 1/10, c_bar = 1/2, demands on [p, p + c_bar], n = 160
    n = 160
    g = risk_return_game(n, n, 0.5, 0.1, 0.5, demand_range=(0.5, 1.0))
    prof, _vals, _ = backward_induction(g)
    root_choice = prof[g.infoset[g.root]].index(1.0)
    assert root_choice == round(0.4 * (n - 1)) == 64
    assert root_choice == risk_return_brute_force(n, n, 0.5, 0.1, 0.5, (0.5, 1.0))[0]


@pytest.mark.slow
@pytest.mark.parametrize(("p", "c_a", "c_bar"), [(0.5, 0.1, 0.5), (0.4, 0.05, 0.3), (0.3, 0.2, 0.6)])
def test_risk_return_continuous_oracle(p: float, c_a: float, c_bar: float) -> None:
    n, m = 201, 200
    g = risk_return_game(n, m, p, c_a, c_bar)
    prof, _, _ = backward_induction(g)
    x = prof[g.infoset[g.root]].index(1.0) / (n - 1)
    assert x == pytest.approx(p + (c_bar - c_a) / 2, abs=1.5 / (n - 1) + c_bar / m)
    sol = solve(g)
    war = class_distribution(g, sol.profile)["escalation"]
    assert war == pytest.approx((c_bar - c_a) / (2 * c_bar), abs=0.02)
    assert risk_return_brute_force(n, m, p, c_a, c_bar)[0] == prof[g.infoset[g.root]].index(1.0)


def test_risk_return_information_set_version_agrees_with_brute_force() -> None:
    # nature moves first and A's demand is one information set: solved by the logit trace
    g = risk_return_game(6, 4, 0.5, 0.1, 0.5, chance_first=True)
    assert not g.perfect_information
    sol = solve(g)
    a = next(k for k, s in enumerate(g.infosets) if s.label == "A demands")
    best, _ = risk_return_brute_force(6, 4, 0.5, 0.1, 0.5)
    assert sol.profile[a][best] == pytest.approx(1.0, abs=1e-6)
    assert nash_conv(g, sol.profile) < 1e-8


# -- 6.2 IIG ------------------------------------------------------------------------------------
utility = st.floats(-10, 10, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=60, deadline=None)
@given(st.lists(utility, min_size=16, max_size=16), st.floats(0.01, 5))
def test_iig_no_war_when_war_is_worse_than_capitulating(vals: list[float], gap: float) -> None:
    u = {"A": dict(zip(IIG_OUTCOMES, vals[:8], strict=True)), "B": dict(zip(IIG_OUTCOMES, vals[8:], strict=True))}
    # the player who would start each war prefers capitulating: A at nodes 8/12, B at nodes 10/11
    u["A"]["WAR_B"] = u["A"]["CAP_A"] - gap
    u["B"]["WAR_A"] = u["B"]["CAP_B"] - gap
    g = iig_game(u)
    prof, _, _ = backward_induction(g)
    assert class_distribution(g, prof).get("escalation", 0.0) == 0.0


def _signorino(u: dict[str, dict[str, float]], lam: float) -> dict[str, list[float]]:
    """Independent recursive version of Signorino's QRE on the IIG's nested tree."""
    tree = ("A", "1", [("demand", ("B", "3", [("acquiesce", "ACQ_B"), ("counter_demand", ("A", "5", [
        ("force", ("B", "10", [("force", "WAR_A"), ("no_force", "CAP_B")])),
        ("no_force", ("B", "9", [("no_force", "NEGO"), ("force", ("A", "12", [("force", "WAR_B"),
                                                                            ("no_force", "CAP_A")]))]))]))])),
        ("no_demand", ("B", "2", [("no_demand", "SQ"), ("demand", ("A", "4", [
            ("acquiesce", "ACQ_A"), ("counter_demand", ("B", "6", [
                ("force", ("A", "8", [("force", "WAR_B"), ("no_force", "CAP_A")])),
                ("no_force", ("A", "7", [("no_force", "NEGO"), ("force", ("B", "11", [
                    ("force", "WAR_A"), ("no_force", "CAP_B")]))]))]))]))]))])
    out: dict[str, list[float]] = {}

    def value(node) -> dict[str, float]:
        if isinstance(node, str):
            return {"A": u["A"][node], "B": u["B"][node]}
        who, name, kids = node
        vs = [value(k) for _, k in kids]
        w = [math.exp(lam * v[who]) for v in vs]
        p = [x / sum(w) for x in w]
        out[name] = p
        return {pl: sum(pi * v[pl] for pi, v in zip(p, vs, strict=True)) for pl in "AB"}

    value(tree)
    return out


def _iig_utils() -> dict[str, dict[str, float]]:
    return {"A": {"SQ": 0.0, "ACQ_A": -0.3, "ACQ_B": 0.6, "NEGO": 0.2, "CAP_A": -0.6, "CAP_B": 0.8,
                  "WAR_A": -0.4, "WAR_B": -0.9},
            "B": {"SQ": 0.0, "ACQ_A": 0.5, "ACQ_B": -0.4, "NEGO": 0.1, "CAP_A": 0.7, "CAP_B": -0.7,
                  "WAR_A": -1.0, "WAR_B": -0.5}}


@pytest.mark.parametrize("lam", [0.0, 0.5, 2.0, 7.0])
def test_iig_qre_matches_signorino_recursion(lam: float) -> None:
    u = _iig_utils()
    g = iig_game(u)
    prof, _ = logit_qre(g, lam)
    ref = _signorino(u, lam)
    for k, s in enumerate(g.infosets):
        assert prof[k] == pytest.approx(ref[s.label], abs=1e-12)


def test_iig_qre_fixed_point_solver_agrees_and_tends_to_spe() -> None:
    g = iig_game(_iig_utils())
    rec, _ = logit_qre(g, 3.0)
    traced = trace_logit(g, lam_max=3.0)  # the general fixed-point solver, another implementation
    for a, b in zip(rec, traced.profile, strict=True):
        assert a == pytest.approx(b, abs=1e-7)
    spe, _, ties = backward_induction(g)
    big, _ = logit_qre(g, 200.0)
    assert not ties
    for a, b in zip(spe, big, strict=True):
        assert a == pytest.approx(b, abs=1e-6)


# -- 6.3 alternating offers ---------------------------------------------------------------------
@pytest.mark.parametrize("rounds", [1, 2, 3, 4])
def test_alternating_offers_spe_split(rounds: int) -> None:
    # delta = 1/2 on an 8-point grid: the finite-horizon shares 1, 1/2, 3/4, 5/8 lie on the grid
    g = alternating_offers_game(rounds, 8, 0.5, 0.5)
    _, vals, _ = backward_induction(g)
    assert vals[g.root][0] == pytest.approx(alternating_offers_share(rounds, 0.5, 0.5), abs=1e-12)
    assert vals[g.root][0] == pytest.approx([1.0, 0.5, 0.75, 0.625][rounds - 1])
    assert vals[g.root][0] + vals[g.root][1] == pytest.approx(1.0)  # immediate agreement


def test_alternating_offers_tends_to_rubinstein() -> None:
    d1, d2 = 0.9, 0.8
    assert alternating_offers_share(400, d1, d2) == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-9)


# -- 6.5 Chicken and commitment -----------------------------------------------------------------
@pytest.mark.parametrize(("a", "commits"), [(12.0, True), (9.5, True), (8.5, False), (2.0, False)])
def test_chicken_commitment_credible_iff_a_above_9(a: float, commits: bool) -> None:
    sol = solve(chicken_commitment_game(a))
    first = sol.path()[0]
    assert (first.chosen == "commit") is commits
    if commits:
        assert sol.values == pytest.approx([1.0, -1.0])  # B swerves, A goes straight


def test_chicken_commitment_threshold_is_9() -> None:
    from detente.games.templates.two_track import Knob

    th = find_thresholds(lambda over: chicken_commitment_game(over["a"]), [Knob("a", "audience cost", 12.0, 0, 30)])
    assert th[0].below is not None and th[0].below["at"] == pytest.approx(9.0, abs=1e-4)
    assert th[0].above is None


def test_simultaneous_chicken_symmetric_mixed_equilibrium() -> None:
    sol = solve(chicken_simultaneous())
    assert _strategy(sol, "A")[1] == pytest.approx(0.1, abs=1e-7)
    assert _strategy(sol, "B")[1] == pytest.approx(0.1, abs=1e-7)


# -- the tree model itself ----------------------------------------------------------------------
def test_tree_rejects_bad_builds() -> None:
    g = Game(["A", "B"])
    t = g.terminal([0, 0])
    with pytest.raises(ValueError, match="payoffs"):
        g.terminal([1])
    with pytest.raises(ValueError, match="sum"):
        g.chance({"x": t}, [0.5])
    g.decision("A", {"x": t})
    with pytest.raises(ValueError, match="already has a parent"):
        g.decision("B", {"y": t})
    with pytest.raises(ValueError, match="unknown player"):
        g.decision("C", {"z": g.terminal([0, 0])})
    h = Game(["A"])
    h.terminal([1])
    h.terminal([2])
    with pytest.raises(ValueError, match="not connected"):
        h.validate()


def test_backward_induction_refuses_information_sets() -> None:
    with pytest.raises(ValueError, match="perfect-information"):
        backward_induction(audience_cost_game())


def test_pure_pbe_enumeration() -> None:
    from detente.games.enumerate import pure_pbe

    # Chicken: exactly the two pure equilibria (Straight, Swerve) and (Swerve, Straight)
    eqs = pure_pbe(chicken_simultaneous())
    assert sorted(tuple(sorted(e.choice.values())) for e in eqs) == [("straight", "swerve")] * 2
    # audience costs: no pure PBE in the semi-separating regime (hand check: every pure candidate
    # gives some type or B a profitable deviation), exactly the pooling one in regime (ii)
    assert pure_pbe(audience_cost_game(0.2, 1.0, 3.0)) == []
    (pool,) = pure_pbe(audience_cost_game(0.5, 1.0, 3.0))
    assert pool.choice["A: A irresolute"] == "challenge" and pool.choice["B: B after challenge"] == "concede"
