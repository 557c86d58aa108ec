"""``detente sweep`` (Monte Carlo over the stated ranges) and ``detente sensitivity``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from detente.cli.app import JsonOpt, ScenarioArg, app, dump_json, err_console, load, out_console, user_errors
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1,
                                            help="Seed, 0..2^32-1 (default: the scenario's settings.seed).")]
WidenOpt = Annotated[float, typer.Option("--widen", help="Stretch every stated range about its mode by this factor "
                                         "(0 < factor <= 100).")]
MAX_SAMPLES = 2**16
ModelOpt = Annotated[list[str] | None, typer.Option("--model", "-m", help="Model to sweep (repeatable).")]
PerDrawOpt = Annotated[bool, typer.Option(
    "--per-draw-layers", help="Also run layers that take one scenario per draw (the simulation's outcome "
    "class and the claims it checks; about 50 ms a draw).")]


def _models(model: list[str] | None) -> tuple[str, ...]:
    from detente.models import MODELS

    names = tuple(dict.fromkeys(model or ("compromise", "median")))
    for n in names:
        if n not in MODELS:
            raise InputError(f"unknown model '{n}' (models: {', '.join(sorted(MODELS))})", field="model")
    return names


@app.command()
@user_errors
def sweep(
    file: ScenarioArg,
    draws: Annotated[int, typer.Option("--draws", "-n", min=1, max=20_000_000,
                                       help="Number of Monte Carlo draws (at most 20,000,000).")] = 10_000,
    backend: Annotated[str, typer.Option("--backend", help="inprocess, pool or dask.")] = "inprocess",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://HOST:PORT); default: a LocalCluster.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Workers for pool / LocalCluster.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Keep finished chunks of a killed run in --out.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace another run's results in --out.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: detente-out/<scenario id>/sweep; with --store none, none: nothing "
                      "is written unless --out is given, then run.json and the chunks, to resume).")] = None,
    seed: SeedOpt = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, max=1_000_000, help="Draws per chunk.")] = 10_000,
    widen: WidenOpt = 1.0,
    dist: Annotated[str | None, typer.Option(
        "--dist", help="Override every distribution: triangular, uniform, normal, lognormal or fixed.")] = None,
    model: ModelOpt = None,
    store: Annotated[str, typer.Option("--store", help="duckdb, parquet, both or none (no tables; nothing on disk "
                                                         "without --out).")] = "duckdb",
    per_draw_layers: PerDrawOpt = False,
    json_out: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Monte Carlo over every ranged number: forecast intervals, claim and outcome probabilities."""
    import detente.analysis  # noqa: F401  (registers the crisis game's per-draw claim checks)
    from detente.formatting import scale_digits
    from detente.report.uncertainty import claim_probabilities, forecast_intervals, outcome_line
    from detente.uncertainty.engine import SweepOptions, run_sweep

    if workers is not None and (backend == "inprocess" or scheduler is not None):  # was ignored (H12)
        raise InputError("--workers sets the processes of --backend pool or of dask's LocalCluster (no --scheduler)"
                         f"; --backend {backend}" + (" with --scheduler" if scheduler is not None else "")
                         + " does not use it", field="--workers")
    sc = load(file)
    opts = SweepOptions(draws=draws, seed=seed, chunk_size=chunk_size, models=_models(model), widen=widen,
                        dist=dist, backend=backend, scheduler=scheduler, workers=workers, store=store,
                        per_draw=per_draw_layers)
    opts.check()  # refuse bad options before a progress bar or any file appears
    if resume and overwrite:
        raise InputError("give --resume or --overwrite, not both", field="overwrite")
    # --store none: the summary only, so nothing on disk unless --out names a folder (H13: the default folder
    # kept chunks and run.json, and the same command then asked for --resume); there, run.json and the chunks
    # stay, to --resume a long run without pyarrow or duckdb (U5), and the same command reuses them
    folder: Path | None = out if out is not None or store == "none" else Path("detente-out") / sc.meta.id / "sweep"
    if folder is None and resume:
        raise InputError("--store none without --out keeps nothing to resume: give the --out folder of the run",
                         field="resume")
    show = not (quiet or json_out)
    progress = Progress(TextColumn("[bold]sweep {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                        console=err_console(), disable=not show, transient=False)
    try:
        with progress:
            task = progress.add_task(sc.meta.id, total=draws)
            try:
                result = run_sweep(sc, opts, folder, resume=resume, overwrite=overwrite,
                                   on_progress=lambda done, total: progress.update(task, completed=done),
                                   on_note=lambda note: err_console().print(f"note: {note}", markup=False))
            except InputError:  # refused before any draw (e.g. the folder holds another run): no bar left
                progress.update(task, visible=False)
                raise
    except KeyboardInterrupt:  # Ctrl-C: say what is kept and how to go on (was a silent exit 130)
        if folder is None:
            err_console().print("interrupted: nothing kept (--store none without --out)", markup=False)
            raise typer.Exit(130) from None
        kept = len(list((folder / "chunks").glob("chunk-*"))) if (folder / "chunks").is_dir() else 0
        err_console().print(f"interrupted: {kept} finished chunk(s) of up to {opts.chunk_size} draws kept in "
                            f"{folder}; run the same command with --resume to continue", markup=False)
        raise typer.Exit(130) from None
    if json_out:
        sys.stdout.write(dump_json(result.to_dict()))
        return
    if quiet:
        return
    s = result.summary
    texts = {c.id: " ".join(c.text.split()) for c in sc.claims}
    t = result.record["timings"]
    # H15: with --widen 50 the claims' column still said "stated ranges"
    drawn = " ".join(x for x in (f"×{widen:g}" if widen != 1.0 else "",
                                 f"({dist} for every number)" if dist else "") if x)
    drawn = f"ranges {drawn}" if drawn else "stated ranges"
    out_console().print(Group(
        forecast_intervals(s["forecasts"], f"Forecast intervals over {draws} draws (seed {result.seed}"
                           + ("" if drawn == "stated ranges" else f"; {drawn}") + ")",
                           {i.id: scale_digits(i.scale.max - i.scale.min) for i in sc.issues}),
        claim_probabilities({k: {**v, "counted_by": _counted_by(sc, k)} for k, v in s["claims"].items()
                             if v["evaluated"]}, texts,
                            missing={k: _why_not_counted(sc, k, per_draw_layers)
                                     for k, v in s["claims"].items() if not v["evaluated"]}, stated_label=drawn),
        outcome_line(s["outcome"], sc, "over the draws (" + (
            "the simulation, one run per draw with its older script-then-logit players, not the crisis-model "
            "players of analyze and simulate" if sc.simulation is not None else "the crisis game") + ")")))
    if folder is None:
        wrote = "nothing written (--store none without --out)"
    elif result.files:
        wrote = f"wrote {folder / 'run.json'}, " + ", ".join(str(f) for f in result.files)
    else:
        wrote = (f"wrote {folder / 'run.json'} and {t['chunks']} chunk file(s) in {folder / 'chunks'}, no tables "
                 "(--store none); the same command reuses them")
    err_console().print(f"{t['chunks']} chunks ({t['chunks_resumed']} resumed) in {t['wall_seconds']:.2f} s "
                        f"on {backend}; {wrote}")


def _counted_by(sc: Scenario, claim_id: str) -> str | None:
    """Which layer a sweep's count of this claim comes from, where it is not the models' forecasts: an
    outcome-class claim the simulation answers is one run per draw with the logit players, which may
    disagree with analyze's crisis-model players (H12: 20/20 here, 3/100 there, with no word)."""
    check = next(c.check for c in sc.claims if c.id == claim_id)
    if check.kind in ("equilibrium_action", "payoff_order"):
        return "games"
    if check.kind != "outcome_class":
        return None
    layer = getattr(check, "layer", None)
    if layer == "games" or (layer == "any" and sc.games is not None):
        return "games"
    return "sim_draws" if layer in ("sim", "any") else None


def _why_not_counted(sc: Scenario, claim_id: str, per_draw_layers: bool) -> str:
    """Why a sweep has no count for this claim, and what would give one (H11: every such claim was told
    to add --per-draw-layers, which counts none of the simulation's own claim kinds)."""
    check = next(c.check for c in sc.claims if c.id == claim_id)
    if check.kind in ("concessions_channel", "opinion_sooner_without"):
        return "the simulation's own runs count it (detente analyze or simulate), not sweeps"
    layer = getattr(check, "layer", None)
    if check.kind == "outcome_class" and layer == "crisis":
        return "the general crisis model gives a probability, not a count over draws (detente analyze)"
    if check.kind == "outcome_class" and layer in ("sim", "any") and sc.simulation is None:
        # --per-draw-layers would not help: there is no simulation to run per draw (H12)
        from detente.layer_checks import is_crisis

        return ("no layer counts it over draws: the scenario has no 'simulation:' section"
                + (" and no 'games:' section" if sc.games is None else "")
                + (" (the general crisis model gives its probability in detente analyze)"
                   if layer == "any" and is_crisis(sc) else ""))
    if check.kind == "outcome_class" and layer in ("sim", "any") and not per_draw_layers:
        return "needs the simulation once per draw (add --per-draw-layers)"
    return "no layer could evaluate it on these draws"


@app.command()
@user_errors
def sensitivity(
    file: ScenarioArg,
    samples: Annotated[int, typer.Option("--samples", min=2, max=MAX_SAMPLES,
                                         help="Sobol base sample size (power of 2, at most 65536).")] = 1024,
    seed: SeedOpt = None,
    widen: WidenOpt = 1.0,
    model: ModelOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write sensitivity.json here.")] = None,
    per_draw_layers: PerDrawOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Tornado (one at a time), Sobol indices (SALib) and the flip finder for every claim."""
    from detente.fileio import atomic_write_text
    from detente.report.uncertainty import flips_table, sobol_table, tornado_table
    from detente.uncertainty.engine import SweepOptions, prepare
    from detente.uncertainty.sensitivity import find_flips, sobol_indices, tornado

    sc = load(file)
    seed = sc.settings.seed if seed is None else seed
    models = _models(model)
    SweepOptions(models=models, widen=widen, seed=seed).check()
    if out is not None:  # before the Sobol runs, not after them (H15), as analyze checks its folder
        from detente.errors import InputError
        from detente.fileio import probe_writable_folder

        if out.exists() and not out.is_dir():
            raise InputError("--out must be a folder, and this is a file", str(out), field="out")
        probe_writable_folder(out)
    params, target = prepare(sc, SweepOptions(models=models, widen=widen))
    tor = tornado(target, params)
    sob = sobol_indices(target, params, samples, seed=seed)
    if per_draw_layers:  # outcome-class flips need one simulation per point: a coarser search
        _, slow = prepare(sc, SweepOptions(models=models, widen=widen, per_draw=True))
        flips = find_flips(slow, params, grid=8, rounds=3, refine=4)
    else:
        flips = find_flips(target, params)
    data = {"scenario": sc.meta.id, "seed": seed, "widen": widen, "parameters": [p.key for p in params],
            "tornado": tor, "sobol": sob.to_dict(), "flips": flips}
    text = dump_json(data)
    if out is not None:
        atomic_write_text(out / "sensitivity.json", text)
    if json_out:
        sys.stdout.write(text)
        return
    primary = [k for k in tor if k.startswith(f"f.{models[0]}.")]
    console = out_console()
    console.print(Group(*(tornado_table(tor[k], k, top=5) for k in primary), sobol_table(data["sobol"]),
                        flips_table(flips)))
