"""Third parties as logit players and a mediator who proposes a split (decision C19): hand-computed
acceptance sets (complete information: a proposal inside both sides' acceptance set is accepted and war is
avoided; a too biased one is rejected), comparative statics (more bias, less acceptance), the logit fixed
point of the third parties, and the readings as named options."""

from __future__ import annotations

import itertools
import math

import pytest

from detente.errors import InputError
from detente.games.crisis import mediation as MD
from detente.games.crisis import third as TP
from detente.games.crisis.model import CrisisModel, Observer, solve_crisis
from detente.games.crisis.run import run_crisis

LINE = ((0.0, 0.0, 1.0), (1.0, 1.0, 0.0))  # one issue: C's value s, D's value 1 - s
COARSE = tuple(i / 20 for i in range(21))
GRID = tuple(i / 100 for i in range(101))


def peaked(at: float) -> tuple[tuple[float, float], ...]:
    """A third party whose value of s is 1 - |s - at| (its ideal division, i.e. its bias, is ``at``)."""
    return ((0.0, 1.0 - at), (at, 1.0), (1.0, at)) if 0.0 < at < 1.0 else ((0.0, 1.0 - at), (1.0, at))


def powell(mediator_at: float = 0.6) -> CrisisModel:
    """Powell 2006 with complete information: p falls 0.6 -> 0.4, the rising side D proposes, and C fights at
    once (test_crisis_model's commitment oracle): C's value 0.6 - 0.1 = 0.5, D's 0.4 - 0.05 = 0.35. A settlement
    s for good is accepted by C iff s >= 0.5 and by D iff 1 - s >= 0.35: the acceptance set is [0.5, 0.65]."""
    return CrisisModel(("C", "D"), LINE, COARSE, 0.0, 0.0, (0.6, 0.4), ((0.1, 0.1), (0.05, 0.05)), (1.0, 1.0),
                       (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="defender",
                       responses=("accept", "war"), observers=(Observer("k", peaked(mediator_at)),))


def test_the_commitment_oracle_fights_and_values_are_the_war_lottery() -> None:
    sol = solve_crisis(powell(), None)
    assert sol.war_probability == pytest.approx(1.0)
    v = sol.expected()
    assert (v[0], v[1]) == pytest.approx((0.5, 0.35))


@pytest.mark.parametrize(("s", "c_acc", "d_acc"), [(0.5, 1.0, 1.0), (0.6, 1.0, 1.0), (0.65, 1.0, 1.0),
                                                   (0.45, 0.0, 1.0), (0.7, 1.0, 0.0)])
def test_acceptance_set_under_complete_information(s: float, c_acc: float, d_acc: float) -> None:
    sol = solve_crisis(powell(), None)
    acc = MD.acceptance(sol.model, s, sol.type_values(), None)
    assert acc[0][0] == c_acc and acc[1][0] == d_acc


@pytest.mark.parametrize(("at", "settled"), [(0.6, True), (0.55, True), (0.8, False), (0.3, False)])
def test_proposal_inside_the_set_is_accepted_and_war_avoided_too_biased_is_rejected(at: float,
                                                                                  settled: bool) -> None:
    """Reading 'ideal': the mediator proposes its own ideal division. Inside [0.5, 0.65]: both accept, the
    crisis settles at it (an agreement) and war is avoided; at 0.8 D rejects and at 0.3 C does: war as before."""
    sol = solve_crisis(powell(at), None)
    after, (prop,) = MD.mediate(sol, [0], None, "ideal", "binding")
    assert prop.s == pytest.approx(at) and prop.ideal == pytest.approx(at)
    exp = MD.prior_expected(sol.model, after)
    probs = TP.class_probs(exp)
    if settled:
        assert prop.settled == 1.0 and probs["escalation"] == 0.0 and probs["agreement"] == 1.0
        assert (exp[0], exp[1]) == pytest.approx((at, 1 - at))
    else:
        assert prop.settled == 0.0 and probs["escalation"] == pytest.approx(1.0)
        assert (exp[0], exp[1]) == pytest.approx((0.5, 0.35))


@pytest.mark.parametrize(("at", "expected"), [(0.8, 0.65), (0.3, 0.5), (0.6, 0.6)])
def test_preferred_reading_proposes_the_mediators_best_acceptable_division(at: float, expected: float) -> None:
    """Reading 'preferred': the biased mediator goes as far its way as both sides accept (Kydd 2003)."""
    sol = solve_crisis(powell(at), None)
    _after, (prop,) = MD.mediate(sol, [0], None, "preferred", "binding")
    assert prop.s == pytest.approx(expected) and prop.settled == 1.0


def test_nash_reading_splits_the_surplus_over_the_war_lottery() -> None:
    """Disagreement = war at round 0: C 0.5, D 0.35; the Nash point maximises (s - 0.5)(0.65 - s): s = 0.575
    (on the 0.01 grid, 0.57 or 0.58), whatever the mediator's position."""
    for at in (0.2, 0.9):
        sol = solve_crisis(powell(at), None)
        _after, (prop,) = MD.mediate(sol, [0], None, "nash", "binding")
        assert prop.s == pytest.approx(0.575, abs=0.0051) and prop.settled == 1.0


@pytest.mark.parametrize("reading", ["ideal", "preferred"])
def test_more_bias_less_acceptance_under_logit(reading: str) -> None:
    """Comparative statics at lambda 10: a mediator further from the middle of the acceptance set (0.575)
    toward C gets its proposal accepted less often."""
    settled = []
    for at in (0.575, 0.65, 0.75, 0.9):
        sol = solve_crisis(powell(at), 10.0)
        _after, (prop,) = MD.mediate(sol, [0], 10.0, reading, "binding")
        settled.append(prop.settled)
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(settled))
    assert settled[0] > settled[-1] + 0.05


@pytest.mark.parametrize("split", MD.SPLITS)
def test_private_information_acceptance_is_pivotal_and_by_type(split: str) -> None:
    """Risk-return game (C13's test): p = 0.4, c_C = 0.1, D resolved (0.05, prior 0.4) fights C's demand 0.7,
    the irresolute D (0.3) accepts it: C expects 0.4 x 0.3 + 0.6 x 0.7 = 0.54. A split of 0.45 suits both D
    types (the resolved one's war value is 0.6 - 0.05 = 0.55 = 1 - 0.45) but C, pivotal against both, gains
    0.4 (0.45 - 0.3) + 0.6 (0.45 - 0.7) < 0 and rejects; 0.5 is refused by the resolved D and, against the
    irresolute one alone, by C (0.5 < 0.7); 0.7 is accepted by C and the irresolute D (ties accept): settled 0.6.
    No split does better than the screening outcome: a mediator with no information of its own adds nothing
    here (Fey & Ramsay 2010). One round: a renegotiable split (C20) has nothing left to reopen, the readings agree."""
    m = CrisisModel(("C", "D"), LINE, GRID, 0.0, 0.0, (0.4,), ((0.1, 0.1), (0.05, 0.3)), (1.0, 0.4),
                    (0.0, 0.0), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="challenger",
                    responses=("accept", "war"), observers=(Observer("k", ((0.0, 0.0), (1.0, 1.0))),))
    sol = solve_crisis(m, None)
    cont = sol.type_values()
    a45 = MD.acceptance(m, 0.45, cont, None)
    assert a45[1] == (1.0, 1.0) and a45[0][0] == 0.0
    a50 = MD.acceptance(m, 0.5, cont, None)
    assert a50[1] == (0.0, 1.0) and a50[0][0] == 0.0
    a70 = MD.acceptance(m, 0.7, cont, None)
    assert a70[1] == (0.0, 1.0) and a70[0][0] == 1.0
    after, (prop,) = MD.mediate(sol, [0], None, "preferred", split)
    assert MD.prior_expected(m, after)[0] == pytest.approx(0.54)
    assert prop.s == pytest.approx(0.7) and prop.settled == pytest.approx(0.6)  # the tie goes to settling


def _pressure_setup(mix: str = "first_order", parties: int = 1) -> TP.ThirdSetup:
    """One round from s = 0: C offers 0, 0.5 or 1; D accepts or holds (standoff cost 0.1); k at C's position
    can pressure D (adding 0.5 to its standoff cost) for 0.1 (C13's pressure test)."""
    obs = tuple(Observer(f"k{i}", ((0.0, 0.0), (1.0, 1.0))) for i in range(parties))
    m = CrisisModel(("C", "D"), LINE, (0.0, 0.5, 1.0), 0.0, 0.0, (0.5,), ((0.5, 0.5), (0.5, 0.5)), (1.0, 1.0),
                    (0.1, 0.1), (0.05, 0.05), (0.01, 0.01), (0.0, 0.0), 0.9, proposer="challenger",
                    responses=("accept", "hold"), observers=obs)
    ps = tuple(TP.ThirdParty(f"k{i}", 1.0, 1.0, 0.5, ((0.0, 0.0), (1.0, 1.0)), 0.2, 0.1 + 0.05 * i, 0.02,
                             (0.5, 0.5), 0.1) for i in range(parties))
    return TP.ThirdSetup(m, ps, (1.0, 1.0), mix=mix)


def test_best_response_is_the_special_case() -> None:
    eq = TP.equilibrium(_pressure_setup(), None)
    assert eq.lam is None and eq.choices == (TP.PRESS_D,)
    assert eq.shares == [{o: float(o == TP.PRESS_D) for o in range(6)}]
    assert eq.probs == pytest.approx(eq.final.sol.outcome_probs())


def test_one_logit_third_party_is_a_logit_over_its_option_values() -> None:
    """One third party: sigma(o) = exp(lam net(o)) / sum, and the principals' outcome is the mixture of the
    six configurations' outcomes with those weights (exact and first order agree: one party)."""
    lam = 8.0
    eq = TP.equilibrium(_pressure_setup("exact"), lam)
    nets = {o: v - c for o, (v, c) in eq.options[0].items()}
    z = sum(math.exp(lam * x) for x in nets.values())
    assert eq.shares[0] == pytest.approx({o: math.exp(lam * x) / z for o, x in nets.items()})
    assert eq.mix == "exact" and eq.converged
    ev = TP._Evaluator(eq.setup, lam)
    mixed = {c: sum(eq.shares[0][o] * ev((o,)).probs[c] for o in range(6)) for c in eq.probs}
    assert eq.probs == pytest.approx(mixed)
    add = TP.equilibrium(_pressure_setup("first_order"), lam)
    assert add.mix == "first_order" and add.shares[0] == pytest.approx(eq.shares[0])
    assert add.probs == pytest.approx(eq.probs)
    assert eq.choices == (TP.PRESS_D,) and eq.shares[0][TP.PRESS_D] == max(eq.shares[0].values())


def test_two_logit_third_parties_are_a_fixed_point() -> None:
    """Each party's probabilities are the logit of its expected net values under the other's probabilities."""
    lam = 8.0
    eq = TP.equilibrium(_pressure_setup("exact", parties=2), lam)
    assert eq.mix == "exact" and eq.converged
    ev = TP._Evaluator(eq.setup, lam)
    for k in (0, 1):
        u = {}
        for o in range(6):
            tot = 0.0
            for o2 in range(6):
                ch = (o, o2) if k == 0 else (o2, o)
                e = ev(ch)
                tot += eq.shares[1 - k][o2] * e.net(eq.setup, k)
            u[o] = tot
        z = sum(math.exp(lam * x) for x in u.values())
        assert eq.shares[k] == pytest.approx({o: math.exp(lam * x) / z for o, x in u.items()}, abs=1e-8)
    # free-riding: the second presser pays more; its pressure is worth less once the first presses
    assert eq.shares[0][TP.PRESS_D] > eq.shares[1][TP.PRESS_D]


def test_high_precision_approaches_the_best_response_choice() -> None:
    eq = TP.equilibrium(_pressure_setup(), 400.0)
    assert eq.shares[0][TP.PRESS_D] > 0.99


def test_readings_are_named_options_and_bad_ones_refused() -> None:
    from detente.cases import case_path
    from detente.scenario.loader import load_scenario

    sc = load_scenario(case_path("taiwan-1996"))

    def tagged(*tags: str):  # type: ignore[no-untyped-def]
        return sc.model_copy(update={"meta": sc.meta.model_copy(update={"tags": [*sc.meta.tags, *tags]})})

    r = run_crisis(tagged("mediation:propose", "mediator_proposal:nash"), explain=False)
    d = r.to_dict()["inputs"]["third_party_equilibrium"]
    assert d["mediation_reading"] == "propose" and d["mediator_proposal"] == "nash"
    assert set(d["parties"][0]["probabilities"]) == set(d["parties"][0]["options"])
    assert sum(d["parties"][0]["probabilities"].values()) == pytest.approx(1.0)
    assert r.probs == pytest.approx(d["outcome_classes"])
    rv = run_crisis(tagged("mediation:reveal"), explain=False)
    assert rv.to_dict()["inputs"]["third_party_equilibrium"]["proposals"] == []
    for bad, field in (("mediation:vote", "mediation"), ("mediator_proposal:split", "mediator_proposal"),
                       ("third_party_mix:sample", "third_party_mix")):
        with pytest.raises(InputError, match=field):
            run_crisis(tagged(bad), explain=False)
    many = tagged("third_party_mix:exact")
    many = many.model_copy(update={"positions": {**many.positions, **{f"x{i}": many.positions["twn"] for i in
                                                                     range(3)}}, "actors": [*many.actors, *[
        a.model_copy(update={"id": f"x{i}"}) for a in many.actors if a.id == "twn" for i in range(3)]]})
    with pytest.raises(InputError, match="1296 times"):
        run_crisis(many, explain=False)


def test_rule_reading_is_unchanged() -> None:
    """`third_parties: rule` (C7): no equilibrium, the stated mediator's reveal mixed in as before."""
    from detente.cases import case_path
    from detente.games.crisis.mechanisms import complete_info
    from detente.scenario.loader import load_scenario

    for name in ("taiwan-1996", "geneva-2022"):
        r = run_crisis(load_scenario(case_path(name)), explain=False, third_parties="rule")
        assert r.inputs.third_eq is None
        med = r.inputs.mediation
        base = r.qre.outcome_probs()
        if med > 0:
            ci = solve_crisis(complete_info(r.inputs.model, TP.mean_costs(r.inputs.model)), r.qre.lam).outcome_probs()
            base = {k: (1 - med) * base[k] + med * ci[k] for k in base}
        assert r.probs == base
