"""The simulation plays the general crisis model (DECISIONS C14): types drawn per run, the model's
state walked play by play, the model's outcome classes; over many runs the simulated class
frequencies match the model's solved probabilities (chi-square), reproducibly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from detente.games.crisis.model import CLASSES, RESPONSES, classify, step_state
from detente.scenario.loader import load_scenario

TOY = """\
detente: 1
meta:
  id: toy-crisis
  title: A two-power toy crisis
  perspective: Made up for tests.
  tags: [crisis, "challenger:a", "defender:b"]
actors:
  - {id: a, name: Alpha, capability: 1}
  - {id: b, name: Beta, capability: 1}
issues:
  - {id: x, name: Issue X, status_quo: 0}
  - {id: y, name: Issue Y, status_quo: 20}
positions:
  a:
    x: {position: 100, salience: 1.0}
    y: {position: 80, salience: 0.5}
  b:
    x: {position: 0, salience: 0.8}
    y: {position: 20, salience: 0.6}
channels:
  - {id: pub, name: Public, kind: public, audience_cost: 0.2, participants: [a, b]}
audiences:
  - {id: pa, name: Alpha's public, watches: [a, b], opinion: {x: 60}}
moves:
  - {id: a_demand, actor: a, type: demand, channel: pub, issue: x, position: 100, step: 0}
  - {id: a_hold, actor: a, type: hold, issue: x}
  - {id: b_hold, actor: b, type: reject, channel: pub, issue: x, position: 0}
  - {id: a_threat, actor: a, type: threaten, channel: pub, issue: x, position: 100}
  - {id: b_threat, actor: b, type: threaten, channel: pub, issue: x, position: 0}
  - {id: a_war, actor: a, type: escalate, issue: x, position: 100}
  - {id: b_war, actor: b, type: escalate, issue: x, position: 0}
  - {id: a_campaign, actor: a, type: inform, channel: pub, issue: x, position: 100}
parameters:
  a_war_cost: {value: 0.3, low: 0.1, high: 0.6}
  b_war_cost: {value: 0.4, low: 0.2, high: 0.8}
  horizon: 3
simulation:
  players: [a, b]
  rounds: 2
  runs: 50
  temperature: 0.05
  scripted: [a, b]
  after_script: logit
"""


@pytest.fixture
def toy(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    return load_scenario(p)


def _exact(plan, sc) -> tuple[dict[str, float], list[float]]:  # type: ignore[no-untyped-def]
    """The class probabilities and expected payoffs of the simulation's process, enumerated: each type
    pair, then every offer and answer with the plan's strategies, moving by ``step_state`` and the
    solved children, payoffs counted by the run's own ``_add_payoff``. The process is Markov in the
    solved node and round (the payoff terms are added, each from its own step), so each node's class
    distribution and expected payoff to come are computed once per type pair (every path still counts)."""
    import numpy as np

    from detente.sim import compile_world

    m = plan.model
    acc = dict.fromkeys(CLASSES, 0.0)
    value = [0.0, 0.0]
    run = plan.start(compile_world(sc), np.random.default_rng(0))

    def walk(nodes, key, t, memo):  # type: ignore[no-untyped-def]
        if (key, t) in memo:
            return memo[key, t]
        rec = nodes[key]
        P = m.proposer_at(t)
        probs = dict.fromkeys(CLASSES, 0.0)
        ahead = [0.0, 0.0]
        for k, pk in enumerate(rec.sigma_p[run.types[P]]):
            for ai, pa in enumerate(rec.sigma_r[run.types[1 - P]][k]):
                if pk * pa == 0:
                    continue
                nxt = step_state(m, key, k, RESPONSES[ai])
                run.payoff = [0.0, 0.0]
                run._add_payoff(key, t, k, RESPONSES[ai], nxt)
                step = list(run.payoff)
                w = pk * pa
                if nxt is not None and t + 1 < m.horizon:
                    sub, sub_ahead = walk(nodes, rec.children[k][ai], t + 1, memo)
                    for c in CLASSES:
                        probs[c] += w * sub[c]
                    for i in (0, 1):
                        ahead[i] += w * (step[i] + sub_ahead[i])
                    continue
                probs["escalation" if nxt is None else classify(nxt[2], m.sq_pre, nxt[3], nxt[4], m.sq)] += w
                for i in (0, 1):
                    ahead[i] += w * step[i]
        memo[key, t] = (probs, ahead)
        return probs, ahead

    def add(nodes, root, w):  # type: ignore[no-untyped-def]
        probs, ahead = walk(nodes, root, 0, {})
        for c in CLASSES:
            acc[c] += w * probs[c]
        for i in (0, 1):
            value[i] += w * ahead[i]

    def split(s, w):  # type: ignore[no-untyped-def]
        """A mediator's split accepted before round 0 (C19, C20): settled for good, or round 0's agreement."""
        from detente.games.crisis.model import NONE, SQ_STEP, _round

        sq, forced, d = _round(s, SQ_STEP), plan.root[4], m.discount
        if plan.split == "binding" or m.horizon == 1:
            acc[classify(sq, m.sq_pre, forced, True, m.sq)] += w
            for i in (0, 1):
                value[i] += w * (m.u(i, s) if plan.split == "binding" else (1 - d) * m.u(i, s) + d * m._u(i, sq))
            return
        probs, ahead = walk(plan.nodes, (1, 0, NONE, sq, forced, True, *plan.root[6:8]), 1, {})
        for c in CLASSES:
            acc[c] += w * probs[c]
        for i in (0, 1):
            value[i] += w * ((1 - d) * m.u(i, s) + ahead[i])

    pc, pd = m.prior
    for tc, wc in ((0, pc), (1, 1 - pc)):
        for td, wd in ((0, pd), (1, 1 - pd)):
            run.types = (tc, td)
            run.model = m
            rest = 1.0  # no proposal accepted yet
            for _name, s, pa in plan.proposals:
                both = pa[0][tc] * pa[1][td]
                if both > 0:
                    split(s, wc * wd * rest * both)
                rest *= 1 - both
            add(plan.nodes, plan.root, wc * wd * rest * (1 - plan.mediation))
            if plan.mediation:
                from detente.sim.crisis_play import _complete

                run.model = _complete(plan)
                add(plan.ci_nodes, plan.ci_root, wc * wd * plan.mediation)
    return acc, value


def _chi2_sf_3df(x: float) -> float:
    """P(chi-square with 3 degrees of freedom > x), closed form."""
    return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


def _chi2(freq: dict[str, float], probs: dict[str, float], n: int) -> tuple[float, int]:
    cells = [c for c in CLASSES if probs[c] > 1e-9]
    x = sum((n * freq[c] - n * probs[c]) ** 2 / (n * probs[c]) for c in cells)
    assert all(freq[c] == 0 for c in CLASSES if c not in cells)  # an impossible class never occurs
    return x, len(cells) - 1


def test_step_state_matches_every_solved_child(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.sim.crisis_play import build_plan

    plan = build_plan(toy)
    m = plan.model
    checked = 0
    for key, rec in plan.nodes.items():
        for k in range(len(m.offers)):
            for ai, a in enumerate(RESPONSES):
                child = rec.children[k][ai]
                if child is not None:
                    assert child[1:6] == step_state(m, key, k, a)
                    checked += 1
    assert checked > 50


def test_the_simulations_process_is_the_models_exactly(toy, load_case) -> None:  # type: ignore[no-untyped-def]
    """Walking the solved states with the played offers and answers gives the model's own outcome
    probabilities and expected payoffs (types and mediation included): agreement is exact, not only
    in expectation."""
    from detente.sim.crisis_play import build_plan

    munich = load_case("munich-1938")  # under C7's rule a mediator mixes in complete information
    munich = munich.model_copy(update={"meta": munich.meta.model_copy(
        update={"tags": [*munich.meta.tags, "third_parties:rule"]})})
    berlin = load_case("berlin-1948")  # its likeliest configuration has a mediator, who proposes a split (C20)
    berlin = berlin.model_copy(update={"meta": berlin.meta.model_copy(  # an option since C22b
        update={"tags": [*berlin.meta.tags, "mediation:propose"]})})
    binding = berlin.model_copy(update={"meta": berlin.meta.model_copy(
        update={"tags": [*berlin.meta.tags, "mediated_split:binding"]})})
    for sc in (toy, munich, load_case("munich-1938"), berlin, binding):  # and the third parties' equilibrium (C13)
        plan = build_plan(sc)
        got, value = _exact(plan, sc)
        for c in CLASSES:
            assert got[c] == pytest.approx(plan.probs[c], abs=1e-9)
        assert value == pytest.approx(list(plan.values), abs=1e-9)
    assert build_plan(munich).mediation > 0
    assert build_plan(berlin).proposals and build_plan(binding).split == "binding"


def test_simulated_frequencies_match_the_model(toy) -> None:  # type: ignore[no-untyped-def]
    """2,000 seeded runs: class counts against the model's probabilities, chi-square at 0.1%;
    and per-run resolve types against the prior (binomial, 4 standard errors)."""
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    plan = build_plan(toy)
    n = 2000
    b = run_batch(toy, 11, n, plan=plan, ranges="fixed")
    assert b.policy == "crisis"
    x, df = _chi2(b.frequencies, plan.probs, n)
    assert df == 3 and _chi2_sf_3df(x) > 0.001, (b.frequencies, plan.probs)
    for i, who in enumerate(plan.players):
        k = sum(r.crisis["types"][who] == "resolved" for r in b.runs)
        p = plan.model.prior[i]
        assert abs(k - n * p) <= 4 * math.sqrt(n * p * (1 - p))
    assert 0 < plan.model.prior[0] < 1 and 0 < plan.model.prior[1] < 1
    # the payoffs each run realises (the model's) average to the model's expected values
    for i, who in enumerate(plan.players):
        xs = [r.crisis["payoff"][who] for r in b.runs]
        mean = sum(xs) / n
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
        assert abs(mean - plan.values[i]) <= 4 * sd / math.sqrt(n)
    # the class each run reports is the model's class of its final state (C5)
    for r in b.runs[:200]:
        st = r.outcome.model.get("state")
        if st is not None:
            assert r.outcome.cls == classify(st["status_quo"], plan.model.sq_pre, st["force_used"], st["agreed"],
                                             plan.model.sq)
        else:
            assert r.outcome.cls == "escalation" and r.outcome.war


def test_the_simulations_state_feeds_the_model(toy) -> None:  # type: ignore[no-untyped-def]
    """Play by play: an accepted division sets the contested issues to the frontier's positions and
    settles them; war ends the run; beliefs in the model state move with what was played."""
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    plan = build_plan(toy)
    b = run_batch(toy, 3, 60, plan=plan, ranges="fixed", keep_logs=True)
    seen_accept = seen_war = moved_belief = False
    prior = (plan.root[6], plan.root[7])
    for r in b.runs:
        recs = [x for x in r.records if x["kind"] == "crisis"]
        assert r.records[0]["kind"] == "policy" and set(r.records[0]["types"]) == {"a", "b"}
        for rec in recs:
            if "offer" in rec and tuple(rec["beliefs"]["prior_resolved"].values()) != prior:
                moved_belief = True
        last = r.crisis["path"][-1]
        if last["response"] == "accept" and len(r.crisis["path"]) == plan.model.horizon:
            seen_accept = True
            pos = plan.positions(last["offer"])
            assert r.outcome.final["x"] == pytest.approx(pos["x"]) and r.outcome.final["y"] == pytest.approx(pos["y"])
            assert set(r.outcome.settled) == {"x", "y"}
        if last["response"] == "war":
            seen_war = True
            assert r.outcome.cls == "escalation" and r.outcome.war
            assert r.last_round == plan.history + len(r.crisis["path"])
    assert seen_accept and seen_war and moved_belief


def test_same_seed_same_runs_and_processes_agree(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    plan = build_plan(toy)
    a = run_batch(toy, 5, 40, plan=plan)
    b = run_batch(toy, 5, 40, plan=build_plan(toy))
    two = run_batch(toy, 5, 40, plan=plan, jobs=2)
    other = run_batch(toy, 6, 40, plan=plan)
    dump = [json.dumps(r.to_dict(), sort_keys=True) for r in a.runs]
    assert dump == [json.dumps(r.to_dict(), sort_keys=True) for r in b.runs]
    assert dump == [json.dumps(r.to_dict(), sort_keys=True) for r in two.runs]
    assert dump != [json.dumps(r.to_dict(), sort_keys=True) for r in other.runs]
    assert all("types" in r.to_dict() for r in a.runs)
    rep = a.representative()  # replayed with its log: the same run
    assert rep.outcome == next(r for r in a.runs if r.seed == rep.seed).outcome
    assert rep.lines[0].startswith("policy: the general crisis model")


def test_cli_default_policy_and_logit_option(toy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from detente.cli.app import app

    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["simulate", str(p), "--runs", "30", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["policy"]["policy"] == "crisis" and d["rounds"] == 1 + 3  # history + horizon (simulation.rounds 2)
    assert set(d["policy"]["model_outcome_classes"]) == set(CLASSES)
    assert all(set(o["types"]) == {"a", "b"} for o in d["outcomes"])
    old = json.loads(runner.invoke(app, ["simulate", str(p), "--runs", "30", "--json", "--policy", "logit"]).stdout)
    assert old["policy"]["policy"] == "logit" and "types" not in old["outcomes"][0] and old["rounds"] == 2
    bad = runner.invoke(app, ["simulate", str(p), "--policy", "random"])
    assert bad.exit_code == 2 and "--policy" in bad.output
    clash = runner.invoke(app, ["simulate", str(p), "--policy", "crisis", "--crisis-player", "a"])
    assert clash.exit_code == 2
    bad_an = runner.invoke(app, ["analyze", str(p), "--sim-policy", "random", "--out", str(tmp_path / "o")])
    assert bad_an.exit_code == 2 and "--sim-policy" in bad_an.output and not (tmp_path / "o").exists()


def test_auto_falls_back_to_logit_when_the_principals_are_not_the_players(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.errors import InputError
    from detente.sim.crisis_play import choose_plan

    other = toy.model_copy(update={"meta": toy.meta.model_copy(update={"tags": ["challenger:a", "defender:c"]}),
                                   "actors": [*toy.actors, toy.actors[1].model_copy(update={"id": "c", "name": "C"})],
                                   "positions": {**toy.positions, "c": toy.positions["b"]}})
    plan, why = choose_plan(other, "auto")
    assert plan is None and "not the simulation's players" in why
    with pytest.raises(InputError, match="principals"):
        choose_plan(other, "crisis")
    assert choose_plan(toy, "logit")[0] is None


@pytest.fixture
def load_case():  # type: ignore[no-untyped-def]
    from detente.cases import case_path

    return lambda name: load_scenario(case_path(name))


@pytest.mark.slow
def test_founding_case_frequencies_match_the_model(load_case) -> None:  # type: ignore[no-untyped-def]
    """geneva-2022, 2,000 runs with its ranges drawn per run (the simulation's own numbers vary;
    the model's are its point values and types): chi-square at 0.1%."""
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    sc = load_case("geneva-2022")
    plan = build_plan(sc)
    b = run_batch(sc, 2022, 2000, plan=plan)
    x, df = _chi2(b.frequencies, plan.probs, 2000)
    assert df == 3 and _chi2_sf_3df(x) > 0.001, (b.frequencies, plan.probs)
    from detente.games.crisis.run import run_crisis
    from detente.games.crisis.third import class_probs

    # the probabilities matched are the crisis model's for the third parties' likeliest choices, which the
    # runs play; the model's own section mixes their logit choices (C19), and the plan says by how much
    run = run_crisis(sc, explain=False)
    assert plan.probs == pytest.approx(class_probs(run.inputs.third_eq.final.expected), abs=1e-12)
    assert plan.proposals == []  # mediators reveal by default (C22b): nobody proposes a split
    note = next(n for n in plan.notes if "most likely choices" in n)
    assert f"{run.probs['escalation']:.3f} there" in note and f"{plan.probs['escalation']:.3f} here" in note


def test_checkpoint_round_trip_with_the_crisis_players(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.sim import compile_world
    from detente.sim.crisis_play import build_plan
    from detente.sim.engine import Simulation

    plan = build_plan(toy)
    w = compile_world(toy, rounds=plan.rounds_needed)
    for seed in range(6):
        full = Simulation(w, seed, director=plan).run()
        sim = Simulation(w, seed, director=plan)
        sim.step()
        sim.step()
        saved = json.loads(json.dumps(sim.get_state()))
        other = Simulation(w, seed + 1000, director=plan)
        other.set_state(saved)
        again = other.run()
        assert again.log_text() == full.log_text() and again.crisis == full.crisis


def test_analyze_sim_layer_plays_the_crisis_model_by_default(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.sim_layer import sim_layer
    from detente.report.sim import frequency_table

    d = sim_layer(toy, AnalyzeOptions(seed=3)).to_dict()
    assert d["policy"]["policy"] == "crisis" and d["rounds"] == 4 and d["runs"] == 50
    assert d["break_even"]["players"] == [] and d["break_even"]["criterion"].startswith("not computed")
    assert d["representative"]["log"][0].startswith("policy: the general crisis model")
    assert frequency_table(d).columns[2].header == "crisis model"
    old = sim_layer(toy, AnalyzeOptions(seed=3, sim_policy="logit")).to_dict()
    assert old["policy"]["policy"] == "logit" and old["rounds"] == 2
    assert [p["player"] for p in old["break_even"]["players"]] == ["a", "b"]  # both have a war move


def test_sim_layer_json_lists_each_runs_types_and_classes_by_type_pair(toy) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.sim_layer import sim_layer

    res = sim_layer(toy, AnalyzeOptions(seed=3))
    d = res.to_dict()
    assert [x["seed"] for x in d["run_types"]] == [r.seed for r in res.batch.runs]
    assert [x["class"] for x in d["run_types"]] == [r.outcome.cls for r in res.batch.runs]
    assert sum(g["runs"] for g in d["runs_by_types"].values()) == d["runs"]
    for key, g in d["runs_by_types"].items():
        mine = [x["class"] for x in d["run_types"]
                if ", ".join(f"{a} {t}" for a, t in x["types"].items()) == key]
        assert g["frequencies"]["escalation"] == mine.count("escalation") / len(mine)
    assert "run_types" not in sim_layer(toy, AnalyzeOptions(seed=3, sim_policy="logit")).to_dict()
    assert d["mean_payoff"]["a"] == pytest.approx(sum(r.crisis["payoff"]["a"] for r in res.batch.runs) / d["runs"])
    assert set(d["policy"]["model_expected_payoff"]) == {"a", "b"}


@pytest.mark.slow
def test_bottom_line_does_not_claim_a_search_the_crisis_players_did_not_make(load_case) -> None:  # type: ignore[no-untyped-def]
    from detente.analysis.analyze import AnalyzeOptions, analyze

    sc = load_case("cuba-1962")  # known agreement; the simulated runs' modal class is another
    a = analyze(sc, AnalyzeOptions())
    assert a.layers["sim"].batch.policy == "crisis" and a.layers["sim"].batch.modal != "agreement"
    line = next(x for x in a.summary["lines"] if x.startswith("Where the argument stops following"))
    assert "simulation: its players play the crisis model" in line


def test_asking_for_the_crisis_players_without_a_simulation_section_is_an_error(toy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--sim-policy crisis on a scenario with no simulation was silently ignored (exit 0, no sim layer)."""
    from typer.testing import CliRunner

    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.sim_layer import sim_layer
    from detente.cli.app import app
    from detente.errors import InputError
    from detente.sim.crisis_play import choose_plan

    bare = toy.model_copy(update={"simulation": None})
    with pytest.raises(InputError, match="'simulation:' section"):
        choose_plan(bare, "crisis")
    with pytest.raises(InputError, match="'simulation:' section"):
        sim_layer(bare, AnalyzeOptions(seed=1, sim_policy="crisis"))
    assert sim_layer(bare, AnalyzeOptions(seed=1)) is None  # auto: no simulation, no layer, no error
    res = CliRunner().invoke(app, ["analyze", "ktab-soe-policy", "--sim-policy", "crisis",
                                   "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "field 'simulation'" in res.output and not (tmp_path / "o").exists()


def test_simulate_with_fewer_rounds_than_the_model_needs_says_so(toy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--rounds below history + horizon stops the crisis players early; the table printed the model's
    probabilities beside the truncated runs' classes without a word."""
    from typer.testing import CliRunner

    from detente.cli.app import app

    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    runner = CliRunner()
    short = json.loads(runner.invoke(app, ["simulate", str(p), "--runs", "5", "--rounds", "1", "--json"]).stdout)
    assert "before the model's deadline (round 4" in short["policy"]["cut_short"]
    full = json.loads(runner.invoke(app, ["simulate", str(p), "--runs", "5", "--json"]).stdout)
    assert "cut_short" not in full["policy"]
    text = runner.invoke(app, ["simulate", str(p), "--runs", "5", "--rounds", "1"], terminal_width=400).stdout
    assert "before the model's deadline" in text


def test_force_in_the_history_is_a_rung_not_the_end_of_the_run(tmp_path: Path) -> None:
    """A played assault (step 1) is history the crisis model reads as a rung (fait accompli); the
    simulation replays it without ending the run (it used to end every run there, as a 'stalemate'
    after 0 of the model's rounds), so its classes follow the model's probabilities."""
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    text = TOY.replace("  - {id: a_hold, actor: a, type: hold, issue: x}\n",
                       "  - {id: a_hold, actor: a, type: hold, issue: x}\n"
                       "  - {id: a_clash, actor: a, type: assault, issue: x, position: 60, step: 1}\n")
    p = tmp_path / "clash.yaml"
    p.write_text(text, encoding="utf-8")
    sc = load_scenario(p)
    plan = build_plan(sc)
    assert plan.history == 2
    n = 400
    b = run_batch(sc, 5, n, plan=plan, ranges="fixed", keep_logs=True)
    assert all("ended after 0 of" not in r.outcome.detail for r in b.runs)
    clash = [line for line in b.runs[0].lines if "a_clash" in line]
    assert len(clash) == 1 and "a rung, not war" in clash[0]
    x, df = _chi2(b.frequencies, plan.probs, n)
    assert df == 3 and _chi2_sf_3df(x) > 0.001, (b.frequencies, plan.probs)


def test_scripted_escalation_in_the_history_reads_as_history_not_going_to_war(tmp_path: Path) -> None:
    """A scripted ``escalate`` of the history read "Alpha goes to war" in the log, though it is what
    happened before the decision date, not an outcome of the run (SF3): the line now says so, with the
    model's reading (crisis players: a rung, the run goes on; logit players: war, the run ends)."""
    from detente.analysis.sim_layer import run_batch
    from detente.sim.crisis_play import build_plan

    text = TOY.replace("  - {id: a_hold, actor: a, type: hold, issue: x}\n",
                       "  - {id: a_hold, actor: a, type: hold, issue: x}\n"
                       "  - {id: a_seal, actor: a, type: escalate, target: b, issue: x, position: 60, step: 1, "
                       "label: the border sealed}\n")
    p = tmp_path / "seal.yaml"
    p.write_text(text, encoding="utf-8")
    sc = load_scenario(p)
    crisis = run_batch(sc, 5, 2, plan=build_plan(sc), ranges="fixed", keep_logs=True).runs[0].lines
    logit = run_batch(sc, 5, 2, ranges="fixed", keep_logs=True).runs[0].lines
    for lines, reading in ((crisis, "a rung, not war; the run goes on"), (logit, "as war, the top rung")):
        seal = [line for line in lines if "the border sealed" in line]
        assert len(seal) == 1 and seal[0].startswith("round 2, on the ground: Alpha escalated to the use of "
                                                     "force against Beta before the decision date")
        assert "goes to war" not in seal[0] and "step 1" in seal[0] and reading in seal[0]
    # an escalation the players choose after the history still reads as going to war
    from detente.sim.engine import _move_phrase
    from detente.sim.world import compile_world

    w = compile_world(sc)
    k = next(i for i, m in enumerate(w.moves) if m.id == "a_war")
    assert _move_phrase(w, k, False).startswith(", on the ground: Alpha goes to war")


def test_each_logged_model_move_gives_the_probability_it_was_drawn_with(toy) -> None:  # type: ignore[no-untyped-def]
    """H12: a run that went to war right after a generous offer read as the model's verdict; each logged
    offer and answer now carries the logit probability it was drawn with, which is the solved node's own
    (checked at the root, where the key is known), and the line says it."""
    from detente.analysis.sim_layer import run_batch
    from detente.games.crisis.model import RESPONSES
    from detente.sim.crisis_play import build_plan

    plan = build_plan(toy)
    rep = run_batch(toy, 3, 30, plan=plan).representative()  # replayed with its log
    recs = [r for r in rep.records if r.get("kind") == "crisis" and "probability" in r]
    assert recs, rep.lines
    root = plan.nodes[plan.root]
    first_offer = next(r for r in recs if "offer" in r and r.get("model_round") == 0)
    k = plan.model.offers.index(first_offer["offer"])
    assert first_offer["probability"] in {round(float(root.sigma_p[t][k]), 6) for t in (0, 1)}
    first_answer = next(r for r in recs if "response" in r and r.get("model_round") == 0)
    ai = RESPONSES.index(first_answer["response"])
    assert first_answer["probability"] in {round(float(root.sigma_r[t][k][ai]), 6) for t in (0, 1)}
    assert len(recs) >= 2 and all(0.0 < r["probability"] <= 1.0 for r in recs)
    assert any("chosen with probability" in line for line in rep.lines)
