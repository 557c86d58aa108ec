"""SMP building blocks against hand-computed values, degenerate inputs, options and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.errors import InputError
from detente.models import get_model
from detente.models.smp import engine
from detente.models.smp.bargain import interpolate, round4
from detente.models.smp.pce import conditional, markov_uniform
from detente.models.smp.prng import MT19937_64
from detente.models.smp.utility import perceived_risk, risk_from_prob, util
from detente.models.smp.victory import pair_probs
from detente.models.smp.voting import vote
from detente.scenario.arrays import Arrays

DATA = Path(__file__).resolve().parent / "data" / "ktab"


def test_victory_laws_match_ktab_comments() -> None:
    # kmodel.h: 2:1 gives 2/3 (linear), 4/5 (square), 16/17 (quartic), 256/257 (octic)
    for law, p in (("linear", 2 / 3), ("square", 4 / 5), ("quartic", 16 / 17), ("octic", 256 / 257)):
        assert pair_probs(law, np.array(2.0), np.array(1.0))[0] == pytest.approx(p)
    assert pair_probs("binary", np.array(1.2), np.array(1.0))[0] == pytest.approx(1 / (1 + 1e-6))
    assert pair_probs("binary", np.array(1.0), np.array(1.0))[0] == pytest.approx(0.5)


def test_voting_rules_by_hand() -> None:
    assert vote("proportional", 2.0, 0.7, 0.2) == pytest.approx(1.0)
    assert vote("binary", 2.0, 0.7, 0.2) == pytest.approx(2.0)
    assert vote("cubic", 2.0, 0.7, 0.2) == pytest.approx(0.25)
    assert vote("prop_cubic", 2.0, 0.7, 0.2) == pytest.approx(0.5 + 0.125)
    assert vote("prop_bin", 2.0, 0.7, 0.2) == pytest.approx(0.8 + 0.4)
    assert vote("asym_prospect", 3.0, 0.7, 0.2) == pytest.approx(1.0)
    assert vote("asym_prospect", 3.0, 0.2, 0.7) == pytest.approx(-1.5)


def test_pce_by_hand() -> None:
    pv = np.array([[0.5, 0.8], [0.2, 0.5]])
    assert conditional(pv) == pytest.approx([0.8, 0.2])
    p = markov_uniform(pv)
    # fixed point p_i = (1/n) sum_j P[i>j](p_i + p_j)
    assert p == pytest.approx((pv * (p[:, None] + p[None, :])).sum(axis=1) / 2, abs=1e-5)


def test_utility_and_risk() -> None:
    assert util(np.array(0.5), 1.0) == pytest.approx(0.75)
    assert util(np.array(0.5), -1.0) == pytest.approx(0.25)
    r = risk_from_prob(np.array([0.1, 0.2, 0.7]), "mid")
    assert r == pytest.approx([-0.5, (0.6 - 0.9) / 1.2, 1.0])
    assert risk_from_prob(np.full(4, 0.25)) == pytest.approx(np.zeros(4))
    assert perceived_risk(np.array(0.3), np.array(-0.6), "one_third") == pytest.approx(0.0)


def test_s2p2_interpolation_by_hand() -> None:
    # w_i = s^2 p^2 = 0.25 * 0.64, w_j = 0.25 * 0.04: b = (0.16 x_i + 0.01 x_j) / 0.17 (+1e-6)
    bi, bj = interpolate("s2p2", np.array([[0.2]]), np.array([[0.5]]), np.array([0.8]),
                         np.array([[0.9]]), np.array([[0.5]]), np.array([0.2]))
    expect = (0.16 * 0.2 + 0.01 * 0.9) / 0.17
    assert bi[0, 0] == pytest.approx(round4(np.array(expect)), abs=1e-4)
    assert bj[0, 0] == pytest.approx(bi[0, 0], abs=1e-4)


def test_mt19937_64_standard_value() -> None:
    m = MT19937_64(5489)
    for _ in range(9999):
        m.next()
    assert m.next() == 9981545732273789042  # C++11 [rand.predef]


def arrays(pos: np.ndarray, sal: np.ndarray, cap: np.ndarray) -> Arrays:
    return Arrays.from_matrices(pos, sal, cap)


def run(pos, sal, cap, **opt):
    return get_model("smp", **opt).run_arrays(arrays(np.asarray(pos), np.asarray(sal), np.asarray(cap)))


def test_dichotomous_issue_does_not_crash() -> None:
    r = run([[0], [0], [100], [100], [0]], [[0.5]] * 5, np.array([10, 20, 30, 40, 50]))
    assert np.isfinite(r.forecast).all() and 0 <= r.forecast[0] <= 100
    assert any("KTAB stops" in n for n in r.notes)


def test_identical_positions() -> None:
    r = run([[40], [40], [40]], [[0.5]] * 3, np.array([1, 2, 3]))
    assert r.forecast[0] == pytest.approx(40)
    assert r.actor_figures["win_probability"][:, 0] == pytest.approx([1, 1, 1])


def test_zero_salience_and_capability() -> None:
    r = run([[10], [50], [90]], [[0.0], [0.0], [0.0]], np.array([0, 0, 0]))
    assert np.isfinite(r.forecast).all()
    assert any("nobody can move" in n for n in r.notes)


def test_one_and_two_actors() -> None:
    one = run([[30]], [[0.5]], np.array([1]))
    assert one.forecast[0] == pytest.approx(30)
    assert one.actor_figures["win_probability"][0, 0] == pytest.approx(1)
    two = run([[20], [80]], [[0.6], [0.9]], np.array([1, 3]))
    assert 20 <= two.forecast[0] <= 80
    wp = two.actor_figures["win_probability"][:, 0]
    assert ((wp > 0) & (wp <= 1)).all()


def test_250_actors_runs() -> None:
    rng = np.random.default_rng(1)
    r = run(rng.uniform(0, 100, (250, 1)), rng.uniform(0.1, 0.9, (250, 1)), rng.uniform(10, 200, 250),
            max_turns=3)
    assert np.isfinite(r.forecast).all()


def test_saliences_over_budget_run_issue_by_issue() -> None:
    r = run([[10, 90], [50, 50], [90, 10]], [[0.9, 0.9]] * 3, np.array([1, 1, 1]))
    assert r.details["dimensions"] == "separate" and len(r.details["runs"]) == 2


def test_bad_option_is_input_error() -> None:
    with pytest.raises(InputError):
        get_model("smp", pce_model="nope")
    with pytest.raises(InputError):
        get_model("smp", max_turns=0)


def test_stochastic_runs_are_seeded() -> None:
    x = np.array([[0.1, 0.5], [0.4, 0.2], [0.9, 0.8], [0.6, 0.6]])
    s = np.full((4, 2), 0.4)
    c = np.array([1.0, 2.0, 3.0, 1.5])
    p = engine.Params(state_transitions="stochastic", seed=7)
    a, b = engine.run(x, s, c, p), engine.run(x, s, c, p)
    assert np.array_equal(np.stack(a.positions), np.stack(b.positions))


def test_cli_forecast_smp(tmp_path: Path) -> None:
    runner = CliRunner()
    yaml = tmp_path / "soe.yaml"
    out = runner.invoke(app, ["import", str(DATA / "SOE-Pol-Comp.csv"), "--from", "ktab", "-o", str(yaml)])
    assert out.exit_code == 0, out.output
    res = runner.invoke(app, ["forecast", str(yaml), "--model", "smp", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)["models"]["smp"]
    assert data["details"]["runs"][0]["turns"] == 27  # as KTAB's reference log
    assert len(data["actor_figures"]["win_probability"]) == 13


def _coalitions_by_loops(rule: str, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """KTAB's coalitions written as its loops: each pair voted once from its lower-left entry."""
    n = u.shape[1]
    c = np.full((n, n), 1e-8)
    for i in range(n):
        for j in range(i):
            v = [float(vote(rule, w[k], u[k, i], u[k, j])) for k in range(len(w))]
            c[i, j] = 1e-8 + sum(x for x in v if x > 0)
            c[j, i] = 1e-8 - sum(x for x in v if x < 0)
    return c


@pytest.mark.parametrize("rule", ["proportional", "asym_prospect", "binary"])
def test_coalitions_in_blocks_equal_ktabs_loops(rule: str) -> None:
    from detente.models.smp import victory

    rng = np.random.default_rng(5)
    w, u = rng.uniform(0, 2, 9), rng.uniform(0, 1, (9, 7))
    u[:, 3] = u[:, 4]  # a tie: votes of 0 join neither side
    np.testing.assert_allclose(victory.coalitions(rule, w, u), _coalitions_by_loops(rule, w, u), rtol=1e-12)


def test_coalitions_memory_is_quadratic_in_actors() -> None:
    """1,000 actors once asked for a (voters, n, n) tensor (7.5 GB); blocks keep it O(n^2)."""
    import tracemalloc

    from detente.models.smp import victory

    n = 400
    rng = np.random.default_rng(6)
    w, u = rng.uniform(0, 2, n), rng.uniform(0, 1, (n, n))
    tracemalloc.start()
    victory.coalitions("proportional", w, u)
    victory.coalitions("binary", w, u)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 12 * n * n * 8  # a few (n, n) arrays and blocks; the tensor would be n * n * n * 8
