"""Exchange model (Stokman & Van Oosten): hand-computed exchanges, COP21 sanity, degenerate inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import InputError
from detente.models import get_model
from detente.scenario.arrays import Arrays

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def arrays(pos, sal, cap=None, lo=0.0, hi=100.0) -> Arrays:
    return Arrays.from_matrices(pos, sal, cap, lo=lo, hi=hi)


# Three actors, two issues p (col 0) and q (col 1), capabilities 1.
# A = (0, 0), B = (100, 100), C = (40, 60) with C's saliences (0.5, 0.5).
def three(sal_a, sal_b) -> Arrays:
    return arrays([[0, 0], [100, 100], [40, 60]], [sal_a, sal_b, [0.5, 0.5]])


def test_symmetric_exchange_by_hand():
    # s_A = (.8, .2), s_B = (.2, .8).  W_p = .8+.2+.5 = 1.5, MDS_p = (0 + 20 + 20)/1.5 = 26.67;
    # W_q = 1.5, MDS_q = (0 + 80 + 30)/1.5 = 73.33.  A is left/left, B right/right, C right/left
    # (no partner), so the only exchange is A-B.  A cares relatively more about p
    # (.8*.8 > .2*.2): B supplies on p, A on q.  Full moves shift the MDS by
    # dp = 100 * .2/1.5 = 13.33 and dq = 13.33; the equal-gain ratio (.8+.2)/(.2+.8) = 1 fits both,
    # so both move all the way: gain = 13.33*(.8 - .2) = 8 each.
    r = get_model("exchange", rounds=1).run_arrays(three([0.8, 0.2], [0.2, 0.8]))
    ex = r.details["rounds"][0]["exchanges"]
    assert len(ex) == 1
    e = ex[0]
    assert (e["i"], e["j"], e["p"], e["q"]) == ("a0", "a1", "i0", "i1")
    assert e["move_j_on_p"] == pytest.approx(-100.0)
    assert e["move_i_on_q"] == pytest.approx(100.0)
    assert e["gain_i"] == pytest.approx(8.0) and e["gain_j"] == pytest.approx(8.0)
    # New start positions: step = .4(1 - s) + .1 = .42 for both movers (s = .2 on the supply issue):
    # B on p: 100 - .42*100 = 58; A on q: 0 + .42*100 = 42.
    final = r.actor_figures["final_position"]
    assert final[1, 0] == pytest.approx(58.0) and final[0, 1] == pytest.approx(42.0)
    # MDS after the round: p = (.2*58 + .5*40)/1.5 = 21.0667, q = (.2*42 + .8*100 + .5*60)/1.5 = 78.9333
    assert r.forecast == pytest.approx([21.0666667, 78.9333333])


def test_asymmetric_exchange_reverses_roles_by_hand():
    # s_A = (.9, .3), s_B = (.3, .6).  W_p = 1.7, W_q = 1.4.  B supplies p (.9*.6 > .3*.3).
    # Full move of B on p: dp = 100*.3/1.7 = 17.647.  Equal-gain ratio dq/dp = (.9+.3)/(.3+.6) = 4/3
    # would need dq = 23.53 > A's full move dq_max = 100*.3/1.4 = 21.429, so A moves fully and
    # dp = 21.429 * 3/4 = 16.071 (= 112.5/7); B moves dp * 1.7/.3 = 91.07 toward 0.
    # Gains: 16.071*.9 - 21.429*.3 = 56.25/7 = 8.0357 = 21.429*.6 - 16.071*.3.
    r = get_model("exchange", rounds=1).run_arrays(three([0.9, 0.3], [0.3, 0.6]))
    e = r.details["rounds"][0]["exchanges"][0]
    assert e["move_i_on_q"] == pytest.approx(100.0)
    assert e["move_j_on_p"] == pytest.approx(-112.5 / 7 * 1.7 / 0.3)
    assert e["gain_i"] == pytest.approx(56.25 / 7) and e["gain_j"] == pytest.approx(56.25 / 7)


def test_mds_check_caps_the_exchange():
    # A = (50, 0), s = (.8, .2), capability 2 on q; B = (100, 100), s = (.6, .8); C = (40, 60) with
    # s = (.5, 0), so C takes no side on q and never exchanges.
    # p: W = .8 + .6 + .5 = 1.9, MDS = (40 + 60 + 20)/1.9 = 63.16.  B's full move toward A would shift
    # the MDS by 50*.6/1.9 = 15.79, past A (63.16 - 50 = 13.16), so the check caps dp at 13.16.
    # q: W = .4 + .8 = 1.2, A's full move gives dq = 100*.4/1.2 = 33.3; ratio (.8+.6)/(.2+.8) = 1.4
    # allows dp up to 23.8, so the p-side cap is the binding one.
    a = arrays([[50, 0], [100, 100], [40, 60]], [[0.8, 0.2], [0.6, 0.8], [0.5, 0.0]],
               cap=[[1, 2], [1, 1], [1, 1]])
    on = get_model("exchange", rounds=1).run_arrays(a).details["rounds"][0]["exchanges"]
    off = get_model("exchange", rounds=1, mds_check=False).run_arrays(a).details["rounds"][0]["exchanges"]
    assert len(on) == len(off) == 1
    shift_on = abs(on[0]["move_j_on_p"]) * 0.6 / 1.9
    assert shift_on == pytest.approx(120 / 1.9 - 50)
    assert abs(off[0]["move_j_on_p"]) == pytest.approx(50.0)  # unchecked: B moves all the way


def test_no_exchange_when_relative_saliences_equal():
    r = get_model("exchange", rounds=3).run_arrays(three([0.5, 0.5], [0.5, 0.5]))
    assert all(rd["realised"] == 0 for rd in r.details["rounds"])
    assert r.forecast == pytest.approx([r.details["mds_by_round"][0][i] for i in ("i0", "i1")])


@pytest.mark.parametrize("case", ["same", "zero_salience", "one", "two", "one_issue", "poles"])
def test_degenerate_inputs_do_not_crash(case):
    if case == "same":
        a = arrays(np.full((5, 3), 50.0), np.full((5, 3), 0.5))
    elif case == "zero_salience":
        a = arrays([[0, 100], [100, 0], [50, 50]], np.zeros((3, 2)))
    elif case == "one":
        a = arrays([[10, 90]], [[0.5, 0.7]])
    elif case == "two":
        a = arrays([[0, 0], [100, 100]], [[0.9, 0.1], [0.1, 0.9]])
    elif case == "one_issue":
        a = arrays([[0], [100], [30]], [[0.5], [0.5], [0.5]])
    else:
        a = arrays([[0, 100], [100, 0], [0, 0], [100, 100]], [[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.3, 0.3]])
    r = get_model("exchange", rounds=5).run_arrays(a)
    f = r.forecast[~np.isnan(r.forecast)]
    assert np.all((f >= 0) & (f <= 100))
    if case == "zero_salience":
        assert np.isnan(r.forecast).all() and r.notes


def test_250_actors_runs_and_stays_in_range():
    rng = np.random.default_rng(1)
    a = arrays(rng.uniform(0, 100, (250, 6)), rng.uniform(0, 1, (250, 6)), rng.uniform(0, 1, (250, 6)))
    r = get_model("exchange", rounds=3).run_arrays(a)
    assert np.all((r.forecast >= 0) & (r.forecast <= 100))
    assert r.details["rounds"][0]["realised"] > 0


def test_bad_options():
    with pytest.raises(InputError):
        get_model("exchange", random_rate=2.0)
    with pytest.raises(InputError):
        get_model("exchange", conflict="nope")


def _cop21():
    path = SHARED / "data" / "dem-examples" / "cop21.csv"
    if not path.exists():
        pytest.skip("COP21 example (GPL) not available in ../shared")
    from detente.scenario.formats import import_file

    return import_file(path, "dem")


def test_cop21_behaves_sensibly():
    sc = _cop21()
    r = get_model("exchange", rounds=10, seed=3).run(sc)
    assert len(sc.actors) == 15 and len(sc.issues) == 13
    assert np.all((r.forecast >= 0) & (r.forecast <= 100))
    for rd in r.details["rounds"]:
        assert rd["realised"] > 0
        for e in rd["exchanges"]:
            assert e["gain_i"] > 0 and e["gain_j"] == pytest.approx(e["gain_i"], rel=1e-9)
    # every realised exchange moves suppliers toward the partner, so positions stay inside the
    # range spanned by the starting positions of each issue
    from detente.scenario.arrays import point_arrays

    arr = point_arrays(sc)
    fin = r.actor_figures["final_position"]
    lo = np.nanmin(arr.position, axis=0)
    hi = np.nanmax(arr.position, axis=0)
    assert np.all((fin >= lo - 1e-9) | np.isnan(fin)) and np.all((fin <= hi + 1e-9) | np.isnan(fin))
    # the forecast stays within the range of the actors' starting positions
    assert np.all(r.forecast >= lo) and np.all(r.forecast <= hi)


def test_cop21_deterministic_with_seed_and_random_rate_differs():
    sc = _cop21()
    a = get_model("exchange", seed=7).run(sc).to_dict()
    b = get_model("exchange", seed=7).run(sc).to_dict()
    assert a == b
    ra = get_model("exchange", seed=7, random_rate=1.0).run(sc)
    rb = get_model("exchange", seed=7, random_rate=1.0).run(sc)
    rc = get_model("exchange", seed=8, random_rate=1.0).run(sc)
    assert np.array_equal(ra.forecast, rb.forecast)
    assert not np.allclose(ra.forecast, rc.forecast)
    for rd in ra.details["rounds"]:
        for e in rd["exchanges"]:
            assert e["gain_i"] >= -1e-12 and e["gain_j"] >= -1e-12


def test_greedy_matches_sequential_reference():
    # the vectorised locally-dominant realisation equals a plain sequential greedy
    from detente.models.exchange.exchanges import candidates
    from detente.models.exchange.realise import greedy, slots

    rng = np.random.default_rng(5)
    n, m = 30, 5
    x = rng.uniform(0, 100, (n, m))
    s = rng.uniform(0.05, 1, (n, m))
    w = s * rng.uniform(0.1, 1, (n, m))
    mds = (w * x).sum(0) / w.sum(0)
    c = candidates(x, s, w, mds, True, 0.0, np.random.default_rng(0))
    got = greedy(c, n, m, "supply", np.random.default_rng(9))
    tie = np.random.default_rng(9).random(c.i.size)
    order = np.lexsort((tie, -c.gain))
    sl = slots(c, m, "supply")
    used: set[int] = set()
    want = []
    for k in order:
        if not used.intersection(sl[k].tolist()):
            want.append(k)
            used.update(sl[k].tolist())
    assert got.tolist() == want
