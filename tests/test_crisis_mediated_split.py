"""A mediated split is an agreement like any other (decision C20): once both principals accept it, it is
round 0's accepted division under C3 and may be reopened (``renegotiable``), against C19's split settled for
good (``binding``). Hand-computed cases on Powell's commitment game (complete information, D proposes, C
accepts or fights; C's war value 0.6 - 0.1 = 0.5 in round 0, D's 0.4 - 0.05 = 0.35, discount 0.9)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.games.crisis import mediation as MD
from detente.games.crisis import third as TP
from detente.games.crisis.model import CrisisModel, Observer, solve_crisis
from detente.games.crisis.run import run_crisis

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
COARSE = tuple(i / 20 for i in range(21))
GRID = tuple(i / 100 for i in range(101))


def powell(p1: float, mediator_at: float = 0.6, offers: tuple[float, ...] = COARSE) -> CrisisModel:
    """Two rounds; C's chance of prevailing 0.6 in round 0 and ``p1`` in round 1 (a shift of 0.6 - p1 toward D)."""
    return CrisisModel(("C", "D"), LINE, offers, 0.0, 0.0, (0.6, p1), ((0.1, 0.1), (0.05, 0.05)), (1.0, 1.0),
                       (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="defender",
                       responses=("accept", "war"), observers=(Observer("k", ((0.0, 0.4), (0.6, 1.0), (1.0, 0.6))),))


def test_renegotiation_brings_back_the_war_a_binding_split_prevents() -> None:
    """Shift 0.6 -> 0.4. Binding: a split at 0.6 is worth 0.6 to C (>= war's 0.5) and 0.4 to D (>= 0.35): settled,
    no war. Renegotiable: it is round 0's flow, 0.1 x 0.6, then in round 1 D offers 0.3 (C's war value there is
    0.4 - 0.1 = 0.3, and a flow of 0.3 for good is worth as much: a tie, accepted): C expects 0.06 + 0.9 x 0.3 =
    0.33 < 0.5 and rejects; war at once, as without a mediator (Powell 2006: the split does not bind the
    rising side)."""
    sol = solve_crisis(powell(0.4), None)
    assert sol.war_probability == pytest.approx(1.0)
    cont = MD.Continuation(sol).split_vectors(0.6)
    assert (cont[0][0][0], cont[0][0][1]) == pytest.approx((0.1 * 0.6 + 0.9 * 0.3, 0.1 * 0.4 + 0.9 * 0.7))
    binding, (pb,) = MD.mediate(sol, [0], None, "ideal", "binding")
    reneg, (pr,) = MD.mediate(sol, [0], None, "ideal", "renegotiable")
    assert pb.s == pr.s == pytest.approx(0.6)
    assert pb.settled == 1.0 and TP.class_probs(MD.prior_expected(sol.model, binding))["agreement"] == 1.0
    assert pr.accept[0] == (0.0, 0.0) and pr.accept[1] == (1.0, 1.0) and pr.settled == 0.0
    exp = MD.prior_expected(sol.model, reneg)
    assert TP.class_probs(exp)["escalation"] == pytest.approx(1.0) and (exp[0], exp[1]) == pytest.approx((0.5, 0.35))
    # no split is accepted, whoever proposes: C's best, a split of 1, is worth 0.1 + 0.27 = 0.37 < 0.5
    _after, (best,) = MD.mediate(sol, [0], None, "preferred", "renegotiable")
    assert best.settled == 0.0


def test_without_a_shift_renegotiation_changes_nothing() -> None:
    """p stays 0.6: without a mediator D offers 0.5 in each round and C accepts (0.5 = its war value), each side
    expecting 0.5. A split s is then worth s to C either way (binding: s for good; renegotiable: 0.1 s now and
    the game's 0.5 from round 1 on, 0.1 s + 0.45 >= 0.5 iff s >= 0.5), and 1 - s to D (>= 0.5 iff s <= 0.5): the
    same acceptance set, {0.5}, on the whole grid, the same values and the same class."""
    sol = solve_crisis(powell(0.6), None)
    assert sol.war_probability == 0.0 and sol.expected()[:2] == pytest.approx([0.5, 0.5])
    c, cont = MD.Continuation(sol), sol.type_values()
    for s in GRID:
        assert MD.acceptance(sol.model, s, cont, None) == MD.acceptance(sol.model, s, cont, None,
                                                                          c.split_vectors(s)), s
    assert MD.acceptance(sol.model, 0.5, cont, None) == ((1.0, 1.0), (1.0, 1.0))
    assert MD.acceptance(sol.model, 0.51, cont, None)[1] == (0.0, 0.0)
    assert MD.acceptance(sol.model, 0.49, cont, None)[0] == (0.0, 0.0)
    got = {}
    for split in MD.SPLITS:
        after, (prop,) = MD.mediate(sol, [0], None, "preferred", split)
        assert prop.s == pytest.approx(0.5) and prop.settled == 1.0
        got[split] = MD.prior_expected(sol.model, after)
    assert got["renegotiable"][:6] == pytest.approx(got["binding"][:6])
    assert TP.class_probs(got["renegotiable"])["agreement"] == 1.0


@pytest.mark.parametrize("shift", [0.0, 0.01, 0.02, 0.03, 0.05])
def test_the_side_that_declines_asks_more_the_larger_the_shift(shift: float) -> None:
    """Comparative statics by hand (0.01 offer grid): after a renegotiable split s, D offers C its round-1 war
    value 0.5 - shift, so C accepts iff 0.1 s + 0.9 (0.5 - shift) >= 0.5, i.e. s >= 0.5 + 9 x shift; a binding
    split needs only s >= 0.5 (C's war value now). Above a shift of 1/18 no split is enough (the first test)."""
    sol = solve_crisis(powell(0.6 - shift, offers=GRID), None)
    assert sol.war_probability == 0.0
    c, cont = MD.Continuation(sol), sol.type_values()
    reneg = [s for s in GRID if MD.acceptance(sol.model, s, cont, None, c.split_vectors(s))[0][0] == 1.0]
    binding = [s for s in GRID if MD.acceptance(sol.model, s, cont, None)[0][0] == 1.0]
    assert min(reneg) == pytest.approx(0.5 + 9 * shift)
    assert min(binding) == pytest.approx(0.5)


def test_a_larger_shift_makes_reopening_by_war_more_likely() -> None:
    """Logit (lambda 20), a mediator proposing its ideal 0.6: the larger the shift, the less often the principals
    accept a renegotiable split and the likelier war; a binding split's acceptance does not fall with the shift."""
    settled, war, settled_b = [], [], []
    for shift in (0.0, 0.1, 0.2, 0.3):
        sol = solve_crisis(powell(0.6 - shift), 20.0)
        after, (prop,) = MD.mediate(sol, [0], 20.0, "ideal", "renegotiable")
        settled.append(prop.settled)
        war.append(TP.class_probs(MD.prior_expected(sol.model, after))["escalation"])
        settled_b.append(MD.mediate(sol, [0], 20.0, "ideal", "binding")[1][0].settled)
    assert all(a > b for a, b in itertools.pairwise(settled)) and settled[0] > settled[-1] + 0.2
    assert all(a < b for a, b in itertools.pairwise(war))
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(settled_b)) and min(settled_b) > max(settled[1:])


def test_one_round_left_the_readings_coincide() -> None:
    """With a horizon of one round a renegotiable split has nothing left to reopen: round 0's flow (1 - d) u(s)
    plus the status quo that persists, d u(s), is the binding u(s), with the same class, for every s and type
    pair (private information: D's war cost 0.05 or 0.3)."""
    m = CrisisModel(("C", "D"), LINE, GRID, 0.0, 0.0, (0.4,), ((0.1, 0.1), (0.05, 0.3)), (1.0, 0.4),
                    (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="challenger",
                    responses=("accept", "war"), observers=(Observer("k", ((0.0, 0.0), (1.0, 1.0))),))
    sol = solve_crisis(m, None)
    c = MD.Continuation(sol)
    for s in (0.0, 0.07, 0.45, 0.5, 0.93, 1.0):
        sv = MD.settle_vector(m, s, m.vlen)
        for row in c.split_vectors(s):
            for v in row:
                assert v == pytest.approx(sv), s


def test_bad_split_readings_are_refused() -> None:
    sol = solve_crisis(powell(0.4), None)
    with pytest.raises(ValueError, match="mediated split must be one of renegotiable, binding, got 'final'"):
        MD.mediate(sol, [0], None, "ideal", "final")
    setup = TP.ThirdSetup(powell(0.4), (), (1.0, 1.0))
    with pytest.raises(InputError, match="mediated_split must be one of renegotiable, binding, got 'final'"):
        TP.readings(setup, ["mediated_split:final"], where="x.yaml")
    assert TP.readings(setup, []).split == "renegotiable"
    assert TP.readings(setup, ["mediated_split:binding"]).split == "binding"
    assert TP.readings(setup, ["mediated_split:binding"], split="renegotiable").split == "renegotiable"


def _tagged(*tags: str):  # type: ignore[no-untyped-def]
    from detente.cases import case_path
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("taiwan-1996"))
    return sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, *tags]})})


def test_a_library_case_reports_the_split_reading() -> None:
    """Taiwan 1996 with proposing mediators: the JSON names the reading, each proposal its split and, when
    renegotiable, the outcome once accepted; the binding reading gives C19's numbers back."""
    r = run_crisis(_tagged("mediation:propose"), explain=False)
    d = r.to_dict()["inputs"]["third_party_equilibrium"]
    assert d["mediated_split"] == "renegotiable"
    assert "split: renegotiable" in r.inputs.third_eq.summary()
    for tags in (("mediation:propose", "mediated_split:binding"), ("mediation:propose", "mediated_split:renegotiable")):
        eq = run_crisis(_tagged(*tags), explain=False).inputs.third_eq
        for p in eq.final.proposals:
            assert p.split == tags[1].split(":")[1]
            assert (p.after is None) == (p.split == "binding")
            if p.after is not None:
                assert sum(p.after.values()) == pytest.approx(1.0)
    # the reading is read only under mediation:propose: revealing mediators are unchanged by it
    a = run_crisis(_tagged("mediation:reveal", "mediated_split:binding"), explain=False).probs
    b = run_crisis(_tagged("mediation:reveal", "mediated_split:renegotiable"), explain=False).probs
    assert a == b
    # the package default since C22b: revealing mediators (the split reading stays renegotiable for propose)
    d0 = run_crisis(_tagged(), explain=False).to_dict()["inputs"]["third_party_equilibrium"]
    assert (d0["mediation_reading"], d0["mediated_split"]) == ("reveal", "renegotiable")


def test_cli_refuses_a_bad_split_tag_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cases import case_path
    from detente.cli.app import app

    text = Path(case_path("taiwan-1996")).read_text(encoding="utf-8")
    assert "  tags: [crisis" in text
    bad = tmp_path / "taiwan-bad.yaml"
    bad.write_text(text.replace("  tags: [crisis", '  tags: ["mediated_split:final", crisis', 1), encoding="utf-8")
    res = CliRunner().invoke(app, ["game", str(bad), "--template", "crisis"])
    assert res.exit_code == 2, res.output
    out = res.output.strip()
    assert len(out.splitlines()) == 1 and "Traceback" not in out
    assert "mediated_split" in out and ("taiwan-bad" in out or "taiwan-1996" in out), out


def test_binding_reading_is_c19s() -> None:
    """The binding reading's values are C19's settlement vector, whatever the game after it."""
    sol = solve_crisis(replace(powell(0.4), offers=GRID), None)
    after, (prop,) = MD.mediate(sol, [0], None, "ideal", "binding")
    assert prop.after is None and prop.split == "binding"
    assert MD.prior_expected(sol.model, after) == pytest.approx(MD.settle_vector(sol.model, 0.6, sol.model.vlen))
