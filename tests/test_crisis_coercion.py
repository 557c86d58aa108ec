"""Decision C24's readings of coercion: costs of holding that the stronger side imposes (``holding:coercive``)
and third parties who may join only the side they would fight for (``joining:credible``). Hand-computed
oracles and comparative statics: a side facing a stronger opponent, or losing a non-credible ally, gives in."""

from __future__ import annotations

from dataclasses import replace

import pytest

from detente.games.crisis import coercion as CO
from detente.games.crisis import third as TP
from detente.games.crisis.model import CrisisModel, Observer, round_summary, solve_crisis

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
GRID = tuple(i / 100 for i in range(101))


def standoff_at_rung_one(p: float, coercion: float, standoff: float = 0.0475) -> CrisisModel:
    """One round at rung 1 (both mobilised), status quo 0.3 (worth 0.7 to D), C proposes; D accepts, holds or
    fights; D's war cost 1 makes war worth 1 - p - 1 < 0 to it. Holding is worth 0.7 - h to D, h = 2 x standoff
    + coercion x 1 x p (rung 1, C's chance p), so C demands the largest s on the grid with 1 - s > 0.7 - h."""
    return CrisisModel(("C", "D"), LINE, GRID, 0.3, 0.3, (p,), ((0.2, 0.2), (1.0, 1.0)), (1.0, 1.0),
                       (standoff, standoff), (0.05, 0.05), (0.0, 0.0), (0.0, 0.0), 0.9, proposer="challenger",
                       responses=("accept", "hold", "war"), start_rung=1, coercion=(coercion, coercion))


def test_coercive_hold_cost_by_hand() -> None:
    m = standoff_at_rung_one(0.8, 0.05, standoff=0.1)
    # round 0, rung 2 after an escalation, no one-time cost: own 0.1 x 3, plus 0.05 x 2 x the other's chance
    assert m.hold_cost(0, 0, 2, (0.0, 0.0), False) == pytest.approx(0.3 + 0.05 * 2 * 0.2)
    assert m.hold_cost(1, 0, 2, (0.0, 0.0), False) == pytest.approx(0.3 + 0.05 * 2 * 0.8)
    assert m.hold_cost(1, 0, 0, (0.0, 0.0), False) == pytest.approx(0.1)  # rung 0: no pressure
    # round 1 weighs 0.9; a kept settlement (C21) costs nothing, pressure included
    two = replace(m, p=(0.8, 0.8), settled_free=True)
    assert two.hold_cost(1, 1, 1, (0.0, 0.0), False) == pytest.approx(0.9 * (0.1 * 2 + 0.05 * 0.8))
    assert two.hold_cost(1, 1, 1, (0.0, 0.0), True) == 0.0
    assert CO.coercion_scale((1.2, 0.8), 0.9) == pytest.approx((0.12, 0.08))


@pytest.mark.parametrize(("p", "coercion", "offer", "cls"), [
    (0.9, 0.0, 0.39, "stalemate"),  # own cost only: h = 0.095, C can demand 0.39 (within 0.1 of 0.3, C5)
    (0.5, 0.6, 0.69, "agreement"),  # h = 0.095 + 0.3
    (0.9, 0.6, 0.93, "capitulation"),  # h = 0.095 + 0.54: D concedes 0.93 of the way (>= 0.85, C5)
])
def test_pressure_from_a_stronger_side_makes_the_weak_one_concede(p: float, coercion: float, offer: float,
                                                                   cls: str) -> None:
    sol = solve_crisis(standoff_at_rung_one(p, coercion), None)
    assert round_summary(sol)[0]["offer"] == pytest.approx(offer)
    assert sol.outcome_probs()[cls] == pytest.approx(1.0)


def test_capitulation_under_qre_once_pressure_makes_holding_worse_than_conceding() -> None:
    """The package's six offers and lambda 20: D concedes everything (1.0, capitulation) only when holding is
    worth less than 0 to it, h > 0.7. With pressure 0.9, h = 0.095 + 0.9 p: 0.365 at p = 0.3, 0.905 at p = 0.9;
    without pressure 0.095 whatever p. So raising C's chance (lowering D's) or the pressure makes D give in."""
    six = tuple(i / 5 for i in range(6))

    def cap(p: float, k: float) -> float:
        return solve_crisis(replace(standoff_at_rung_one(p, k), offers=six), 20.0).outcome_probs()["capitulation"]

    assert cap(0.9, 0.9) > 0.9
    assert cap(0.3, 0.9) < 0.01 and cap(0.9, 0.0) < 0.01


def ally_setup(join_cost: float) -> TP.ThirdSetup:
    """C (capability 100) v D (5) over one issue, status quo 0.5, C proposes once; D's standoff cost 0.6 makes
    holding worth -0.1 to it and its war cost 0.1 makes war worth (1 - p) - 0.1. K (capability 50) values
    D's position 0.6 and C's 0: joining D moves C's chance from 0.95 to odds 19 x 5/55, p = 0.633."""
    k = Observer("K", ((0.0, 0.6), (1.0, 0.0)))
    base = CrisisModel(("C", "D"), LINE, GRID, 0.5, 0.5, (0.95,), ((0.2, 0.2), (0.1, 0.1)), (1.0, 1.0),
                       (0.6, 0.6), (0.05, 0.05), (0.0, 0.0), (0.0, 0.0), 0.9, proposer="challenger",
                       responses=("accept", "hold", "war"), observers=(k,))
    party = TP.ThirdParty("K", 0.2, 0.6, 50.0, k.points, join_cost, 0.1, 0.02, (0.01, 0.01), 0.1)
    return TP.ThirdSetup(base, (party,), (100.0, 5.0))


def test_join_gain_by_hand() -> None:
    setup = ally_setup(0.25)
    p_with = (19 * 5 / 55) / (1 + 19 * 5 / 55)
    assert CO.join_gain(setup, 0, 1) == pytest.approx((p_with - 0.95) * (0.0 - 0.6))  # = 0.19
    assert CO.join_gain(setup, 0, 0) < 0  # fighting for the side it opposes is never worth it
    assert CO.credible_joins(setup).parties[0].can_join == (False, False)  # 0.19 < 0.25
    assert CO.credible_joins(ally_setup(0.15)).parties[0].can_join == (False, True)


def test_a_non_credible_ally_cannot_save_the_weak_side() -> None:
    """Promise (C13): K's join costs nothing unless war comes, and no war comes, so it joins D; D's war is then
    worth 0.367 - 0.1 and C demands only 0.73 (agreement). Credible (C24): fighting would gain K 0.19 < 0.25,
    so it cannot join, D's war is worth 0.05 - 0.1 < 0 and it concedes everything (capitulation)."""
    promise = TP.equilibrium(ally_setup(0.25), None)
    assert promise.choices == (TP.JOIN_D,)
    assert promise.probs["agreement"] == pytest.approx(1.0)
    assert round_summary(promise.final.sol)[0]["offer"] == pytest.approx(0.73)
    credible = TP.equilibrium(CO.credible_joins(ally_setup(0.25)), None)
    assert credible.choices == (TP.OUT,)
    assert set(credible.options[0]) == {TP.OUT, TP.PRESS_C, TP.PRESS_D, TP.MEDIATE}
    assert credible.probs["capitulation"] == pytest.approx(1.0)
    assert "would not fight for D" in credible.explain(0)
    # logit third parties (C19), both mixtures: no weight on an option that is not open
    for mix in ("first_order", "exact"):
        eq = TP.equilibrium(replace(CO.credible_joins(ally_setup(0.25)), mix=mix), 10.0)
        assert set(eq.shares[0]) == {TP.OUT, TP.PRESS_C, TP.PRESS_D, TP.MEDIATE}
        assert sum(eq.shares[0].values()) == pytest.approx(1.0)
        loose = TP.equilibrium(replace(ally_setup(0.25), mix=mix), 10.0)
        assert eq.probs["capitulation"] > loose.probs["capitulation"]


def test_readings_from_tags_and_errors() -> None:
    from detente.cases import case_path
    from detente.errors import InputError
    from detente.games.crisis.spec import build_inputs
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("munich-1938"))
    # C24's rule made both readings the default; the tags give C3/C13's back
    assert (CO.JOINING, CO.HOLDING) == ("credible", "coercive")
    old = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "holding:own",
                                                                             "joining:promise"]})})
    base = build_inputs(old)
    assert base.model.coercion == (0.0, 0.0) and base.joining == "promise"
    assert base.to_dict()["joins_not_credible"] == []
    tagged = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "holding:coercive",
                                                                                "joining:credible"]})})
    inp = build_inputs(tagged)
    assert build_inputs(sc).model.coercion == inp.model.coercion
    m = inp.model
    stakes = (m.frontier[-1][1], m.frontier[0][2])
    assert m.coercion == pytest.approx(((1 - m.discount) * stakes[0], (1 - m.discount) * stakes[1]))
    d = inp.to_dict()
    assert d["holding"] == "coercive" and d["joining"] == "credible"
    assert inp.third_setup is not None
    refused = [f"{p.actor} joining {m.players[i]}" for p in inp.third_setup.parties for i in (0, 1)
               if not p.can_join[i]]
    assert d["joins_not_credible"] == refused
    assert build_inputs(tagged, holding="own", joining="promise").model.coercion == (0.0, 0.0)  # argument wins
    assert build_inputs(old, holding="coercive").model.coercion == inp.model.coercion
    bad = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "joining:maybe"]})})
    with pytest.raises(InputError, match="joining must be one of promise, credible"):
        build_inputs(bad)


def test_inputs_report_the_readings_used() -> None:
    """H14: under C7's rule (third_parties:rule) third parties join by salience, so the inputs do not claim
    C24's credible joins there (they did: 'joining: credible' with nothing checked); holding is the reading."""
    from detente.cases import case_path
    from detente.games.crisis.spec import build_inputs
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("munich-1938"))
    rule = build_inputs(sc, third_parties="rule")
    assert rule.third_setup is None
    d = rule.to_dict()
    assert d["joining"] == "not used (rule mode)" and d["joins_not_credible"] == []
    assert d["holding"] == "coercive"
    own = build_inputs(sc, holding="own", joining="promise").to_dict()
    assert (own["holding"], own["joining"]) == ("own", "promise")


@pytest.mark.parametrize(("extra", "says"), [
    (["holding:own", "holding:coercive"], "contradicts 'holding:own'"),
    (["joining:promise", "joining:credible"], "contradicts 'joining:promise'"),
    (["holdng:own"], "did you mean 'holding:'"),
    (["joinig:promise"], "did you mean 'joining:'"),
])
def test_validate_knows_c24s_tags(extra: list[str], says: str) -> None:
    """H14: C24's tags were missing from the setting tags: two conflicting ones went through (the last won
    without a word, as H13 refused for the others) and a misspelt one left the default in place silently."""
    from detente.cases import case_path
    from detente.layer_checks import _tag_problems
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("munich-1938"))
    ok = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, "holding:own",
                                                                            "joining:promise"]})})
    assert list(_tag_problems(ok)) == []
    bad = sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, *extra]})})
    (problem,) = list(_tag_problems(bad))
    assert says in problem[1]



def test_report_choice_table_when_third_parties_have_different_options() -> None:
    """Under credible joins one party may keep a join another lacks (berlin-1948: the West's join is closed to
    it while others keep theirs); the report's choice table took the first party's options for every row and
    raised KeyError('join west'), so `analyze berlin-1948` crashed. Every party's options are columns now."""
    from detente.cases import case_path
    from detente.games.crisis.run import run_crisis
    from detente.report.sections import crisis_section
    from detente.scenario.loader import load_scenario

    run = run_crisis(load_scenario(case_path("berlin-1948")), explain=False)
    eq = run.to_dict()["inputs"]["third_party_equilibrium"]
    sets = {frozenset(r["options"]) for r in eq["parties"] if r.get("probabilities")}
    assert len(sets) > 1  # the case this test is about: the parties' option sets differ
    html = crisis_section(run)
    assert "Choice probabilities" in html and "<td>–</td>" in html
    for o in set().union(*sets):
        assert f"<th>{o}</th>" in html
