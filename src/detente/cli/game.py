"""``detente game``: build a crisis game from a scenario (or read a Gambit .efg), solve and explain it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.app import JsonOpt, app, dump_json, load, out_console, user_errors

MIN_BELIEF_STEP = 0.05  # 1/20: the finest belief grid the CLI accepts (H12)

@app.command()
@user_errors
def game(
    file: Annotated[str, typer.Argument(help="Scenario YAML, bundled case name, or a Gambit .efg file.")],
    template: Annotated[str | None, typer.Option("--template", help="Game id in the scenario's 'games:' section, "
                                                 "or a template: crisis (the general crisis model, the default "
                                                 "without a 'games:' section), two_track, iig, audience_cost, "
                                                 "risk_return, alternating_offers (a template the scenario lacks "
                                                 "reuses the default game's players and cost terms).")] = None,
    solver: Annotated[str, typer.Option("--solver", help="auto|backward|qre|sequential|openspiel|cfr|gambit (cfr = "
                                        "openspiel). Crisis template: auto and qre run the model's own recursion; "
                                        "the others solve its exported game tree beside it.")] = "auto",
    efg: Annotated[Path | None, typer.Option("--efg", help="Also write the game as Gambit .efg text here.")] = None,
    lam_opt: Annotated[float | None, typer.Option("--lambda", help="Precision for --solver qre: a finite number "
                                                  "in (0, 1e6] (default 10; crisis template: the model's "
                                                  "fitted lambda).")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="Crisis template: also solve the exported game tree (with "
                                       "--solver qre: the tree's logit QRE at --lambda; auto: the games layer's "
                                       "choice).")] = False,
    belief_step: Annotated[float | None, typer.Option("--belief-step", help="Crisis template: the recursion rounds "
                                                      "beliefs to this grid (1/n: 0.25, 0.1, down to 0.05; "
                                                      "default 0.25); an approximation, smaller is closer and "
                                                      "slower.")
                           ] = None,
    iterations: Annotated[int | None, typer.Option("--iterations", help="CFR iterations (--solver openspiel/cfr "
                                                   "or auto when it picks CFR), 1 to 100000 (default 2000).")
                          ] = None,
    horizon: Annotated[int | None, typer.Option("--horizon", help="Crisis template: cut the model to this many "
                                                "rounds (a smaller game tree).")] = None,
    offers: Annotated[int | None, typer.Option("--offers", help="Crisis template: offer grid of this many "
                                               "points (default 6; a smaller game tree).")] = None,
    third_parties: Annotated[str | None, typer.Option("--third-parties", help="Crisis model only: strategic (each "
                             "third party stays out, joins, pressures or mediates in equilibrium) or rule (the "
                             "stated rule of decision C7). Default: the scenario's tag third_parties:..., else "
                             "strategic.")] = None,
    channels: Annotated[str | None, typer.Option("--channels", help="Crisis model only: public (every move public, "
                        "the default) or both (the proposer makes each offer on the public or the closed channel, "
                        "decision C18). Default: the scenario's tag channels:..., else public.")] = None,
    general: Annotated[bool, typer.Option("--general", help="two_track: solve the game as an instance of the general "
                       "crisis model (decision C18) and check it against the template (the oracle).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Solve a crisis game: who does what on the equilibrium path, why, and where it would change."""
    import math

    from detente.errors import InputError
    from detente.fileio import atomic_write_text, check_writable_target, read_user_text
    from detente.games.build import GameRun, run_scenario_game
    from detente.games.efg import read_efg, to_efg
    from detente.games.explain import narrative
    from detente.games.solve import SOLVERS, solve
    from detente.report.games import render_game

    if solver not in SOLVERS:
        raise InputError(f"unknown solver '{solver}' (choose from {', '.join(SOLVERS)})", field="--solver")
    if lam_opt is not None and not (math.isfinite(lam_opt) and 0 < lam_opt <= 1e6):
        raise InputError(f"--lambda must be a finite number in (0, 1e6], got {lam_opt:g}", field="--lambda")
    if lam_opt is not None and solver != "qre":
        raise InputError(f"--lambda sets the logit QRE's precision; --solver {solver} does not use it (add "
                         "--solver qre)", field="--lambda")
    lam = 10.0 if lam_opt is None else lam_opt
    if iterations is not None and not 1 <= iterations <= 100_000:
        raise InputError(f"--iterations must be a whole number from 1 to 100000, got {iterations}",
                         field="--iterations")
    if iterations is not None and solver in ("backward", "qre", "sequential", "gambit"):
        raise InputError(f"--iterations sets CFR's iterations; --solver {solver} runs no CFR", field="--iterations")
    if belief_step is not None and not (math.isfinite(belief_step) and MIN_BELIEF_STEP - 1e-12 <= belief_step <= 0.5
                                        and abs(1 / belief_step - round(1 / belief_step)) < 1e-9):
        # a finer grid multiplies the states the recursion keeps: 0.005 ran past 10 GB and minutes on a
        # 30-actor scenario with both channels, with no output (H12)
        raise InputError(f"--belief-step must be 1/n for a whole n from 2 to {round(1 / MIN_BELIEF_STEP)} (0.25, 0.1, "
                         f"0.05; finer grids need far more memory and time), got {belief_step:g}",
                         field="--belief-step")
    if third_parties is not None and third_parties not in ("strategic", "rule"):
        raise InputError(f"unknown third-party mode '{third_parties}' (choose strategic or rule)",
                         field="--third-parties")
    if channels is not None and channels not in ("public", "both"):
        raise InputError(f"unknown channel mode '{channels}' (choose public or both)", field="--channels")
    if efg is not None:
        check_writable_target(efg)  # a device or folder is refused before the work
    crisis_only = horizon is not None or offers is not None or belief_step is not None or tree
    n_iter = 2000 if iterations is None else iterations
    if file.endswith(".efg"):
        if crisis_only or third_parties is not None or channels is not None or general:
            raise InputError("--horizon, --offers, --belief-step, --tree, --third-parties, --channels and --general "
                             "apply to scenarios only", field="--template")
        g = read_efg(read_user_text(Path(file)), source=file)
        sol = solve(g, solver, lam=lam, iterations=n_iter)
        run = GameRun(None, "efg", sol, narrative(sol), [], {}, {})
    else:
        sc = load(file)
        if general and (template == "crisis" or (template is None and sc.games is None)):
            raise InputError("--general applies to the two_track template", field="--general")
        if template == "crisis" or (template is None and sc.games is None):
            from detente.games.crisis.run import run_crisis
            from detente.layer_checks import is_crisis
            from detente.report.crisis import render_crisis

            if not is_crisis(sc):  # analyze skips the crisis layer here: say so rather than solve it silently
                from detente.cli.app import err_console

                err_console().print(f"warning: {file}: not a crisis scenario (no 'crisis' tag, games or simulation "
                                    "section, or war-cost term), so analyze skips the crisis model for it; this "
                                    "solve takes every term the scenario does not give from the model's defaults",
                                    markup=False)
            if iterations is not None and solver == "auto" and not tree:
                raise InputError("--iterations sets CFR's iterations; the crisis template's auto solver runs the "
                                 "model's recursion (add --tree or --solver cfr)", field="--iterations")
            if tree or solver not in ("auto", "qre"):  # refused before the model is solved (seconds)
                from detente.games.crisis.run import _shrink
                from detente.games.crisis.spec import build_inputs
                from detente.games.crisis.tree_export import check_backward, check_tree_size

                pre = build_inputs(sc, third_parties=third_parties, channels=channels)  # its offers doubled
                _shrink(pre, horizon, offers)
                if solver == "backward":
                    check_backward(pre.model)
                check_tree_size(pre.model)  # mediation, known after solving, only adds nodes
            from detente.cli.app import err_console
            from detente.report.progress import steps

            # a solve can take minutes (many third parties, both channels, a fine belief grid): on a terminal
            # it shows a spinner and its time, as analyze does (H12: it printed nothing for over a minute)
            with steps(err_console(), enabled=not json_out,
                       names={"solve": "the crisis model", "tree": f"its game tree ({solver})"}) as step:
                with step("solve"):
                    crun = run_crisis(sc, lam=lam_opt,  # without --lambda: the model's fitted lambda (H11)
                                      belief_step=0.25 if belief_step is None else belief_step, horizon=horizon,
                                      offers=offers, third_parties=third_parties, channels=channels)
                if tree or solver not in ("auto", "qre"):
                    from detente.games.crisis.tree_export import attach_tree

                    with step("tree"):
                        attach_tree(crun, solver, lam=crun.qre.lam, iterations=n_iter)
            if efg is not None:
                from detente.games.crisis.tree_export import export_tree

                atomic_write_text(efg, to_efg(export_tree(crun.inputs.model, crun.inputs.mediation)))
            if json_out:  # the terminal's baseline beside the classes, in the JSON too (H15)
                from detente.analysis.summary import base_rate_text

                sys.stdout.write(dump_json(crun.to_dict() | {"base_rate": base_rate_text() or None}))
                return
            out_console().print(render_crisis(crun))
            _base_rate()
            if efg is not None:
                out_console().print(f"\nwrote {efg}")
            return
        if crisis_only:
            raise InputError("--horizon, --offers, --belief-step and --tree apply to the crisis template only",
                             field="--template")
        if third_parties is not None:
            raise InputError("--third-parties applies to the crisis template only", field="--template")
        if channels is not None:
            raise InputError("--channels applies to the crisis template only (the two_track template has its own "
                             "closed track: the game spec's closed_channel)", field="--channels")
        if iterations is not None:  # the scenario games are solved with the games layer's default CFR settings
            raise InputError("--iterations applies to the crisis template's tree and to .efg files",
                             field="--iterations")
        if general:
            from detente.games.crisis.instance import instance_run

            run = instance_run(sc, template, solver)
        elif solver == "qre":
            from detente.games.build import build_game, pick_spec

            spec = pick_spec(sc, template)
            sol = solve(build_game(sc, spec), "qre", lam=lam)
            run = GameRun(spec.id, spec.template.value, sol, narrative(sol, {a.id: a.name for a in sc.actors}))
        else:
            run = run_scenario_game(sc, template, solver)
    if efg is not None:
        atomic_write_text(efg, to_efg(run.game))
    if json_out:
        from detente.analysis.summary import base_rate_text

        extra = {} if file.endswith(".efg") else {"base_rate": base_rate_text() or None}
        sys.stdout.write(dump_json(run.to_dict() | extra))
        return
    console = out_console()
    console.print(render_game(run))
    if not file.endswith(".efg"):  # a scenario's crisis game: its baseline beside its class (H13)
        _base_rate()
    if efg is not None:
        console.print(f"\nwrote {efg}")


def _base_rate() -> None:
    """The outcome classes' base rate, as analyze's bottom line gives it beside every predicted class."""
    from detente.analysis.summary import base_rate_text

    text = base_rate_text()
    if text:
        out_console().print(text, markup=False, style="dim")
