"""Decision C18: public and closed channels in the general crisis model; the two-track game as its instance."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.cases import case_path
from detente.errors import InputError
from detente.games.build import build_game, pick_spec
from detente.games.crisis.channel_explain import public_only
from detente.games.crisis.instance import two_track_instance
from detente.games.crisis.model import RESPONSES, solve_crisis
from detente.games.crisis.run import run_crisis
from detente.games.crisis.spec import build_inputs
from detente.games.crisis.tree_export import export_tree
from detente.games.evaluate import node_values
from detente.games.solve import solve
from detente.games.tree import TERMINAL
from detente.scenario.loader import load_scenario
from detente.scenario.schema import Scenario

GENEVA = load_scenario(case_path("geneva-2022"))
SPEC = pick_spec(GENEVA, "two_track")


# -- the two-track game as an instance --------------------------------------------------------------------------

def _walk(a: Any, b: Any) -> int:
    """Walk the template's solved tree and the instance's together by action labels; at every decision
    node the same action is chosen and both players' values agree. The template's war is a chance node,
    the instance's a terminal with the lottery's expected payoffs: compared by value. Returns decisions seen."""
    ga, gb = a.game, b.game
    va, vb = node_values(ga, a.profile), node_values(gb, b.profile)
    seen, stack = 0, [(ga.root, gb.root)]
    while stack:
        na, nb = stack.pop()
        assert va[na] == pytest.approx(vb[nb], abs=1e-9), (ga.outcome[na], gb.outcome[nb])
        if ga.kind[na] == TERMINAL or ga.infosets[ga.infoset[na]].player < 0:
            assert gb.kind[nb] == TERMINAL
            if ga.kind[na] == TERMINAL:
                assert ga.outcome_class[na] == gb.outcome_class[nb]
            continue
        ia, ib = ga.infosets[ga.infoset[na]], gb.infosets[gb.infoset[nb]]
        assert ia.actions == ib.actions and ia.player == ib.player
        pa, pb = a.profile[ga.infoset[na]], b.profile[gb.infoset[nb]]
        assert pa.index(max(pa)) == pb.index(max(pb)), ia.actions
        seen += 1
        stack.extend(zip(ga.children[na], gb.children[nb], strict=True))
    return seen


def test_founding_case_two_track_is_the_general_instance() -> None:
    a, b = solve(build_game(GENEVA, SPEC), "backward"), solve(two_track_instance(GENEVA, SPEC), "backward")
    assert _walk(a, b) == 15  # every decision node of the subgame-perfect profile (1 + 2 x 7), not only the path
    assert [s.chosen for s in a.path()] == [s.chosen for s in b.path()] == ["ultimatum", "reject", "hold", "no_deal"]
    assert a.values == pytest.approx(b.values, abs=1e-12)


COSTS = ["usa_face_cost_accept", "usa_credibility_cost", "rus_info_benefit", "rus_face_cost_withdraw",
         "rus_war_cost", "usa_war_cost", "sanctions_cost_rus"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(costs=st.lists(st.floats(0.0, 2.0), min_size=len(COSTS), max_size=len(COSTS)), p=st.floats(0.0, 1.0),
       pub=st.floats(0.0, 2.0), closed_share=st.floats(0.0, 1.0), sal=st.tuples(st.floats(0.05, 1.0),
                                                                                st.floats(0.05, 1.0)),
       closed_track=st.booleans())
def test_instance_reproduces_the_template_on_random_costs(costs: list[float], p: float, pub: float,
                                                         closed_share: float, sal: tuple[float, float],
                                                         closed_track: bool) -> None:
    over = dict(zip(COSTS, costs, strict=True))
    over.update({"rus_war_win_prob": p, "audience_cost:geneva": pub, "audience_cost:closed": pub * closed_share,
                 "salience:rus:nato_expansion": sal[0], "salience:usa:nato_expansion": sal[1]})
    spec = SPEC if closed_track else SPEC.model_copy(update={"closed_channel": None})
    a = solve(build_game(GENEVA, spec, over), "backward")
    b = solve(two_track_instance(GENEVA, spec, over), "backward")
    _walk(a, b)
    assert a.outcome_class() == b.outcome_class()


def test_instance_refuses_a_closed_channel_costlier_than_the_public_one() -> None:
    with pytest.raises(InputError, match="exceeds the public channel"):
        two_track_instance(GENEVA, SPEC, {"audience_cost:closed": 0.9})


# -- the channel dimension of the general model -----------------------------------------------------------------

def _tiny(a_pub: float, info: float = 0.1, tags: tuple[str, ...] = ("channels:both",),
          closed: float | None = 0.05, history: bool = True) -> Scenario:
    """Hand-computed case: one issue, u_C(s) = s, u_D(s) = 1 - s, status quo at D's position (s = 0), one
    round (C proposes), complete information; holding costs D 0.5, C nothing; war and mobilising cost 5.
    D accepts s iff s + (its cost of accepting on that channel) <= 0.5. D has made a public demand before the
    decision date (history), so conceding costs it its audience cost (C4; the public channel's, a_pub): a_pub
    in public, a_pub x (0.05 / a_pub) = 0.05 in private; it states no face cost of accepting (0)."""
    chans = [{"id": "talks", "name": "talks", "kind": "public", "audience_cost": a_pub}]
    if closed is not None:
        chans.append({"id": "back", "name": "back channel", "kind": "closed", "audience_cost": closed})
    data = {
        "detente": 1,
        "meta": {"id": "tiny", "title": "tiny", "perspective": "test", "tags": ["challenger:c", "defender:d",
                                                                               "third_parties:rule", *tags]},
        "actors": [{"id": "c", "name": "C", "capability": 1}, {"id": "d", "name": "D", "capability": 1}],
        "issues": [{"id": "x", "name": "x", "status_quo": 0}],
        "positions": {"c": {"x": {"position": 100, "salience": 1}}, "d": {"x": {"position": 0, "salience": 1}}},
        "channels": chans,
        "moves": [{"id": "d_no", "actor": "d", "type": "demand", "channel": "talks", "issue": "x", "position": 0,
                   "step": 0}] if history else [],
        "parameters": {"horizon": 1, "discount": 0.5, "c_war_cost": 5, "d_war_cost": 5, "c_war_win_prob": 0.5,
                       "c_standoff_cost": 0, "d_standoff_cost": 0.5, "c_mobilise_cost": 5, "d_mobilise_cost": 5,
                       "c_info_benefit": info},
    }
    return Scenario.model_validate(data)


def _deal(sc: Scenario) -> tuple[float, str] | None:
    """The accepted division and its channel on the complete-information best-response path, or None."""
    m = build_inputs(sc).model
    sol = solve_crisis(m, None)
    rec = sol.nodes[sol.root]
    k = rec.sigma_p[0].index(1.0)
    if rec.sigma_r[0][k][RESPONSES.index("accept")] < 1.0:
        return None
    return m.offers[k], ("closed" if m.channel_of and m.channel_of[k] else "public")


@pytest.mark.parametrize(("a_pub", "both", "public"), [
    (0.05, (0.4, "public"), (0.4, "accept")),  # the channels cost alike: public, for its information benefit
    (0.2, (0.4, "closed"), (0.2, "accept")),  # in public D accepts at most 0.3 (grid: 0.2); in private 0.45
    # in public D accepts nothing above the status quo: C demands everything for the information benefit
    # (0.1 x 1 against 0 for offering the status quo) and D holds; the deal only in private
    (0.6, (0.4, "closed"), (1.0, "hold")),
])
def test_a_closed_channel_makes_the_deal_the_public_track_cannot_reach(a_pub: float, both: tuple, public: tuple
                                                                        ) -> None:
    assert _deal(_tiny(a_pub)) == both
    m = build_inputs(_tiny(a_pub)).model
    pub = solve_crisis(public_only(m), None)
    rec = pub.nodes[pub.root]
    k = rec.sigma_p[0].index(1.0)
    assert (pub.model.offers[k], RESPONSES[rec.sigma_r[0][k].index(1.0)]) == public


def test_the_explanation_says_the_deal_is_private_only_with_numbers() -> None:
    run = run_crisis(_tiny(0.6))
    ch = run.to_dict()["channels"]
    assert ch["public_only"]["best_response"]["stalemate"] == 1.0
    assert ch["with_closed"]["best_response"]["agreement"] == 1.0
    (mv,) = ch["closed_moves"]
    assert mv["only_in_private"] and mv["offer"] == 0.4
    # D: accepting in private 1 - 0.4 - 0.05 = 0.55 against 1 - 0.5 = 0.5 for holding; in public it would pay
    # its face cost in full and lose C's information benefit 0.1 x 0.4 either way: 1 - 0.4 - 0.6 - 0.04 = -0.04
    # against 0.5 - 0.04 = 0.46 for holding
    rv = mv["responder_value"]
    assert rv["closed"]["accept"] == pytest.approx(0.55)
    assert rv["closed"]["hold"] == pytest.approx(0.5)
    assert rv["public"]["accept"] == pytest.approx(-0.04)
    assert rv["public"]["hold"] == pytest.approx(0.46)
    # C: 0.4 in private; in public D would hold: C keeps the status quo (0) and the information benefit 0.04
    assert mv["proposer_value"] == pytest.approx({"closed": 0.4, "public": 0.04})
    text = "\n".join(run.story())
    assert "reachable only in private" in text and "+0.550" in text


def test_without_a_closed_channel_nothing_changes() -> None:
    plain = build_inputs(_tiny(0.2, closed=None))
    both = build_inputs(_tiny(0.2, closed=None))
    assert both.model.channel is None and both.channel_note.startswith("no closed channel")
    assert both.model == replace(plain.model)
    public = build_inputs(_tiny(0.2, tags=()))  # the default mode ignores the closed channel
    assert public.model.channel is None and public.channel_mode == "public"
    assert public.model.offers == build_inputs(_tiny(0.2, closed=None, tags=())).model.offers


def test_channels_model_equals_its_exported_tree() -> None:
    """The recursion's best responses with channels are the backward-induction solution of the exported tree."""
    sc = _tiny(0.2)
    m = replace(build_inputs(sc).model, p=(0.5, 0.5))  # two rounds
    rec = solve_crisis(m, None)
    tree = solve(export_tree(m), "backward")
    assert tree.values == pytest.approx(rec.expected()[:2], abs=1e-12)


def test_founding_case_channels_both_runs_and_explains() -> None:
    inp = build_inputs(GENEVA, channels="both")
    ct = inp.model.channel
    assert ct is not None and (ct.public, ct.closed) == ("geneva", "closed") and ct.ratio == pytest.approx(0.1)
    assert ct.face == (0.0, 0.5) and ct.credibility == (0.0, 0.3) and ct.info == (0.2, 0.0)
    assert ct.face_is_audience == (False, True)  # usa's C4 audience cost is its face cost: counted once
    assert inp.defaults["rus_face_cost_accept"] == 0.0
    assert len(inp.model.offers) == 12


def test_a_closed_channel_costlier_than_the_public_one_is_a_one_line_error() -> None:
    with pytest.raises(InputError, match="exceeds the public channel's") as e:
        build_inputs(_tiny(0.2, closed=0.3))
    assert "channels.back.audience_cost" in str(e.value) and "\n" not in str(e.value)
    overlap = _tiny(0.2).model_dump(mode="json", exclude_none=True)
    overlap["channels"][1]["audience_cost"] = {"value": 0.1, "low": 0.05, "high": 0.3}
    with pytest.raises(InputError, match=r"range reaches 0\.3, above the public channel talks's low 0\.2"):
        build_inputs(Scenario.model_validate(overlap))
    with pytest.raises(InputError, match="channels must be one of"):
        build_inputs(_tiny(0.2, tags=("channels:secret",)))


def test_cli_bad_channel_is_exit_2(tmp_path: Any) -> None:
    import yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_tiny(0.2, closed=0.3).model_dump(mode="json", exclude_none=True)))
    r = subprocess.run([sys.executable, "-m", "detente", "game", str(bad), "--template", "crisis"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "exceeds the public channel" in r.stderr + r.stdout


def test_the_simulation_plays_the_channel_model_with_its_payoffs(tmp_path: Any) -> None:
    """C14's walk of the solved states with C18's channel terms: the simulation's process gives the model's
    outcome probabilities and expected payoffs exactly (the terms counted by the run's own ``_add_payoff``)."""
    from detente.sim.crisis_play import build_plan
    from test_sim_crisis_play import _exact

    sc = _toy_with_channels(tmp_path)
    plan = build_plan(sc)
    assert plan.model.channel is not None and plan.model.channel.ratio == pytest.approx(0.25)
    got, value = _exact(plan, sc)
    for c in got:
        assert got[c] == pytest.approx(plan.probs[c], abs=1e-9)
    assert value == pytest.approx(list(plan.values), abs=1e-9)


def _toy_with_channels(tmp_path: Any) -> Scenario:
    """The simulation tests' toy crisis (two resolve types each) with a closed channel and channels: both."""
    from test_sim_crisis_play import TOY

    text = TOY.replace('tags: [crisis, "challenger:a", "defender:b"]',
                       'tags: [crisis, "challenger:a", "defender:b", "channels:both"]')
    text = text.replace("audiences:", "  - {id: back, name: Back, kind: closed, audience_cost: 0.05}\naudiences:")
    text = text.replace("  horizon: 3\n", "  horizon: 3\n  a_info_benefit: 0.1\n  b_face_cost_accept: 0.3\n")
    p = tmp_path / "toy.yaml"
    p.write_text(text, encoding="utf-8")
    return load_scenario(p)


def test_explained_values_under_private_information_are_the_responders_decision_values(tmp_path: Any) -> None:
    """With two resolve types each, every closed offer the explanation reports is answered by a best response
    to the values it states (expected over the responder's belief about the proposer): no reported choice is
    worth less than an alternative it lists."""
    run = run_crisis(_toy_with_channels(tmp_path))
    moves = run.to_dict()["channels"]["closed_moves"]
    assert moves
    for mv in moves:
        vals = mv["responder_value"]["closed"]
        assert vals[mv["response"]] >= max(vals.values()) - 1e-9, mv["text"]


def test_cli_general_solves_the_two_track_instance_and_checks_the_template() -> None:
    r = subprocess.run([sys.executable, "-m", "detente", "game", "geneva-2022", "--general", "--json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    import json

    d = json.loads(r.stdout)
    assert d["outcome_class"] == "stalemate" and d["template"].startswith("two_track")
    assert any("gives the same path (ultimatum -> reject -> hold -> no_deal)" in n for n in d["notes"])
    bad = subprocess.run([sys.executable, "-m", "detente", "game", "geneva-2022", "--channels", "both"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--channels applies to the crisis template only" in bad.stderr + bad.stdout


def test_a_public_demand_commits_its_proposer_and_a_closed_one_does_not() -> None:
    """C18 after C4: a public demand held against commits the proposer (a later acceptance below its status quo
    costs it its audience cost); the same demand made in private commits no one."""
    from detente.games.crisis.model import CH, NONE, step_state

    m = replace(build_inputs(_tiny(0.2, history=False)).model, p=(0.5, 0.5))
    sol = solve_crisis(m, None)
    K = len(m.offers) // 2
    pub, clo = K - 1, 2 * K - 1  # s = 1 on each channel
    assert step_state(m, sol.root, pub, "hold")[1] == CH
    assert step_state(m, sol.root, clo, "hold")[1] == NONE
    assert step_state(m, sol.root, 0, "hold")[1] == NONE  # offering the status quo is no demand
    # C (status quo 0.4 after an accepted 0.4) accepting 0.2 from D in round 1 (weight 0.5), committed: its
    # audience cost (the public channel's 0.2; no face cost stated) in public, a quarter of it in private
    k_pub, k_clo = 1, K + 1  # s = 0.2
    assert m.accept_back(1, k_pub, 0.4, CH)[0] == pytest.approx(0.5 * 0.2)
    assert m.accept_back(1, k_clo, 0.4, CH)[0] == pytest.approx(0.5 * 0.2 * 0.25)
    assert m.accept_back(1, k_pub, 0.4, NONE)[0] == 0.0  # not committed, no face cost stated


def test_a_missing_credibility_cost_is_a_listed_default() -> None:
    """rus states no credibility cost: the 0 used is in the defaults list, as its face cost's is (review R1)."""
    inp = build_inputs(GENEVA, channels="both")
    assert inp.model.channel is not None and inp.model.channel.credibility[0] == 0.0
    assert inp.defaults["rus_credibility_cost"] == 0.0
    assert "usa_credibility_cost" not in inp.defaults  # stated through the spec's defender_credibility


def test_tree_size_error_counts_the_offer_grid_as_given_to_offers() -> None:
    """With channels the model holds each grid point twice; the error names the grid --offers sets (review R1)."""
    from detente.games.crisis.tree_export import check_tree_size

    m = build_inputs(GENEVA, channels="both").model
    with pytest.raises(InputError, match="offer grid \\(now 6 points on each channel; --offers\\)"):
        check_tree_size(m, max_nodes=10)
    with pytest.raises(InputError, match="offer grid \\(now 6 points; --offers\\)"):
        check_tree_size(build_inputs(GENEVA).model, max_nodes=10)


def test_cli_refuses_a_too_large_channel_tree_before_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    """--channels both --tree: the size check before the solve counts both channels' offers (it built the
    public-only model, 35k nodes at horizon 3, and solved the 271k-node one before refusing; review R1)."""
    from typer.testing import CliRunner

    import detente.games.crisis.run as R
    from detente.cli import app

    def no_solve(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("solved before the size check")

    monkeypatch.setattr(R, "run_crisis", no_solve)
    r = CliRunner().invoke(app, ["game", str(case_path("geneva-2022")), "--template", "crisis", "--channels", "both",
                                 "--tree", "--horizon", "3"])
    assert r.exit_code == 2, r.output
    assert "270,965 nodes" in r.output and "6 points on each channel" in r.output


def test_the_channel_explanations_qre_is_the_runs_own_with_a_mediator() -> None:
    """With a mediator (munich-1938, rule mode: revelation probability 0.32) the run's probabilities mix the
    complete-information solution in; the channels section's 'with the closed channel' QRE is the same
    numbers, and the public-only counterfactual is mixed with the same mediator (it was the bare solve;
    review R1)."""
    from detente.games.crisis.mechanisms import complete_info

    sc = load_scenario(case_path("munich-1938"))
    run = run_crisis(sc, third_parties="rule", channels="both")
    mu = run.inputs.mediation
    assert mu > 0
    assert run.channels is not None and run.channels["with_closed"]["qre"] == pytest.approx(run.probs, abs=1e-12)
    pub = public_only(run.inputs.model)
    bare = solve_crisis(pub, run.qre.lam, run.belief_step).outcome_probs()
    from detente.games.crisis import third as TP

    ci = solve_crisis(complete_info(pub, TP.mean_costs(run.inputs.model)), run.qre.lam,
                      run.belief_step).outcome_probs()
    want = {k: (1 - mu) * bare[k] + mu * ci[k] for k in bare}
    assert run.channels["public_only"]["qre"] == pytest.approx(want, abs=1e-12)
    assert "mediator's revelation mixed in" in " ".join(run.channels["text"])
