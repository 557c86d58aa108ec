"""``detente simulate``: play a scenario's crisis out round by round, many seeded times."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from detente.cli.app import JsonOpt, ScenarioArg, app, dump_json, load, out_console, user_errors


@app.command()
@user_errors
def simulate(
    file: ScenarioArg,
    runs: Annotated[int | None, typer.Option("--runs", "-n", min=1, max=100_000,
                                             help="Number of seeded runs (default: simulation.runs).")] = None,
    rounds: Annotated[int | None, typer.Option("--rounds", min=1, max=1000,
                                               help="Rounds per run (default: simulation.rounds).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1,
                                             help="Master seed (default: the scenario's settings.seed).")] = None,
    log: Annotated[bool, typer.Option("--log", help="Print one representative run move by move.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="Worker processes.")] = 1,
    ranges: Annotated[str | None, typer.Option(
        "--ranges", help="sample: each run draws the ranged numbers (low/mode/high) from its seeded "
                         "generator; fixed: point values (default: simulation.ranges, which defaults "
                         "to sample).")] = None,
    game_player: Annotated[str | None, typer.Option(
        "--game-player", help="Let this actor play the equilibrium strategy of the scenario's crisis "
                              "game (games: section) instead of its script and logit choice.")] = None,
    crisis_player: Annotated[str | None, typer.Option(
        "--crisis-player", help="Let this actor play the general crisis model's QRE strategy after its "
                                "script (see detente.sim.crisis_policy for what it does not yet share).")]
    = None,
    policy: Annotated[str, typer.Option(
        "--policy", help="Who plays the principals: auto (the general crisis model where it builds from the "
                         "scenario with the simulation's players as principals, else logit), crisis, or logit "
                         "(the old script-then-logit players).")] = "auto",
    json_out: JsonOpt = False,
) -> None:
    """Simulate the crisis: outcome-class frequencies and, with --log, one run's account.

    With --json: a summary document; with --log --json: the representative run as JSON lines.
    """
    from detente.analysis.sim_layer import escalation_break_evens, run_batch
    from detente.errors import InputError, printable
    from detente.report.sim import break_even_lines, by_types_line, frequency_table
    from detente.sim import compile_world

    if ranges is not None and ranges not in ("sample", "fixed"):
        raise InputError(f"--ranges must be 'sample' or 'fixed', got '{ranges}'", field="ranges")
    from detente.analysis.sim_layer import policy_record, typed_runs, unplayed_steps
    from detente.sim.crisis_play import NO_BREAKEVEN, POLICIES, choose_plan

    if policy not in POLICIES:
        raise InputError(f"--policy must be one of {', '.join(POLICIES)}, got '{policy}'", field="policy")
    sc = load(file)
    compile_world(sc, rounds=rounds)  # the scenario's simulation section, checked before any solve
    assert sc.simulation is not None
    if game_player is not None or crisis_player is not None:
        if policy == "crisis":
            raise InputError("--game-player/--crisis-player replace one player's policy; they go with --policy "
                             "logit, not crisis", sc.meta.id, field="--policy")
        policy = "logit"
    plan, why = choose_plan(sc, policy)
    asked_rounds = rounds
    if plan is not None and rounds is None:
        rounds = max(sc.simulation.rounds, plan.rounds_needed)
    world = compile_world(sc, rounds=rounds)
    mode = ranges or sc.simulation.ranges
    n = runs if runs is not None else (1 if log else world.runs)
    master = seed if seed is not None else sc.settings.seed
    policies = None
    if game_player is not None:
        from detente.sim.game_policy import scenario_game_policy

        policies = {game_player: scenario_game_policy(sc, game_player)}
        if game_player not in world.player_ids:
            raise InputError(f"'{game_player}' is not a simulation player ({', '.join(world.player_ids)})",
                             sc.meta.id, field="--game-player")
    if crisis_player is not None:
        from detente.sim.crisis_policy import CrisisPolicy

        if crisis_player not in world.player_ids:
            raise InputError(f"'{crisis_player}' is not a simulation player ({', '.join(world.player_ids)})",
                             sc.meta.id, field="--crisis-player")
        start = 1 + max((m.step or 0 for m in sc.moves if m.step is not None), default=-1)
        policies = {**(policies or {}), crisis_player: CrisisPolicy(sc, crisis_player, start=start)}
    from detente.cli.app import err_console
    from detente.report.progress import steps

    # a spinner and the time on a terminal (H12: 100,000 runs said nothing for minutes)
    with steps(err_console(), enabled=not json_out, names={"runs": f"{n} simulated runs"}) as step, step("runs"):
        batch = run_batch(sc, master, n, rounds=rounds, ranges=mode, jobs=jobs, keep_logs=False,
                          policies=policies, plan=plan)
    rep = batch.representative()
    if json_out and log:
        sys.stdout.write(rep.json_lines())
        return
    breakevens = escalation_break_evens(sc, rounds) if plan is None else {"criterion": NO_BREAKEVEN, "players": []}
    record = policy_record(plan, why, sc.simulation.rounds if asked_rounds is None else None, world.rounds)
    record.update(unplayed_steps(sc, world.rounds))
    if policies:  # the others still choose by logit; the break-even search knows only logit players (H11)
        record["replaced"] = {a: ("the crisis game's equilibrium strategy" if a == game_player else
                                  "the general crisis model's QRE strategy after its script") for a in policies}
        breakevens = {"criterion": "not computed: " + ", ".join(f"{a} plays {how}" for a, how in
                                                                  record["replaced"].items())
                      + ", and the break-even search assumes every player chooses by logit", "players": []}
    if plan is not None and world.rounds < plan.rounds_needed:  # the model's column is for the whole crisis
        record["cut_short"] = (f"the runs stop after {world.rounds} rounds, before the model's deadline (round "
                               f"{plan.rounds_needed}: {plan.history} of history + {plan.model.horizon}); each run's "
                               "class is read from the state it reached")
    from detente.analysis.summary import base_rate_text, sim_defaults
    from detente.defaults import DefaultUsed

    # the stand-ins this run read, as analyze lists them (H15: simulate listed none)
    used = sim_defaults(sc, logit=plan is None)[0] + [
        DefaultUsed("crisis", k, v, "not given: the general crisis model's default")
        for k, v in (plan.defaults.items() if plan is not None else ())]
    summary = {
        "scenario": sc.meta.id, "perspective": " ".join(sc.meta.perspective.split()), "seed": master,
        "policy": record, "defaults_used": [x.to_dict() for x in used],
        "base_rate": base_rate_text() or None,  # the terminal's baseline, in the JSON too (H15)
        **{k: v for k, v in typed_runs(batch).items() if k == "runs_by_types"},
        "runs": n, "rounds": world.rounds, "ranges": mode, "frequencies": batch.frequencies,
        "modal_class": batch.modal,
        "known_outcome": sc.known_outcome.outcome_class.value if sc.known_outcome else None,
        "break_even": breakevens,
        "outcomes": [r.to_dict() for r in batch.runs],
    }
    if json_out:
        sys.stdout.write(dump_json(summary))
        return
    console = out_console()
    if log:
        console.print(f"{sc.meta.title} — perspective: {' '.join(sc.meta.perspective.split())}",
                      markup=False)
        console.print(f"run seed {rep.seed} (master seed {master}, run 1 of {n} with the most frequent "
                      f"outcome)", markup=False)
        sys.stdout.write(printable(rep.log_text()))
        if n == 1:
            return
    d = {"runs": n, "rounds": world.rounds, "seed": master, "ranges": mode, "frequencies": batch.frequencies,
         "policy": summary["policy"], **typed_runs(batch),
         "known_outcome": summary["known_outcome"],
         "runs_with_concessions": sum(1 for r in batch.runs if r.concessions),
         "runs_with_public_concessions": sum(
             1 for r in batch.runs if any(c["track"] != "closed" for c in r.concessions))}
    console.print(frequency_table(d))
    if base := base_rate_text():  # the baseline beside the classes, as analyze gives it (H13)
        console.print(base, markup=False, style="dim")
    if d.get("runs_by_types"):
        console.print(by_types_line(d["runs_by_types"]))
    console.print(break_even_lines(breakevens))
    if used:
        console.print("Defaults used (inputs the scenario does not give):\n"
                      + "\n".join(f"  - {x.text()}" for x in used), markup=False)
