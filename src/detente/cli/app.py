"""The ``detente`` command. User mistakes print one line and exit with code 2."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from detente.errors import InputError

app = typer.Typer(
    name="detente",
    help="Model political negotiations and crises: who holds the strong position, "
    "which outcome to expect, and why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])
EXIT_INPUT = 2
LOADED: dict[str, str] = {}  # scenario id -> the file it was loaded from (for layers' error messages)


class SafeConsole(Console):
    """A console that shows control characters in the text it prints as escapes (``\\x1b``), so a
    name from a file can never drive the terminal; rich's own styling is untouched."""

    def _render_buffer(self, buffer: Any) -> str:
        from rich.segment import Segment

        from detente.errors import CONTROL_CHARS, printable

        return super()._render_buffer(
            Segment(printable(t), st, c) if not c and CONTROL_CHARS.search(t) else Segment(t, st, c)
            for t, st, c in buffer)


def err_console() -> Console:
    return SafeConsole(stderr=True, highlight=False, soft_wrap=True)


def user_errors(fn: F) -> F:
    """Turn :class:`InputError` into one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            if exc.file in LOADED:  # a layer names the scenario by its id: name the file instead
                exc.file = LOADED[exc.file]
            err_console().print(f"error: {exc}", markup=False)
            raise typer.Exit(EXIT_INPUT) from None

    return wrapper  # type: ignore[return-value]


def out_console() -> Console:
    return SafeConsole(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def load(spec: str):
    """Load a scenario and refuse up front whatever a layer would refuse later (file, line, field)."""
    from detente.cases import resolve_scenario_path
    from detente.layer_checks import layer_problems
    from detente.scenario.loader import format_path, load_scenario_lines

    path = resolve_scenario_path(spec)
    sc, lines = load_scenario_lines(path)
    problem = layer_problems(sc) or _model_problem(sc)
    if problem is not None:
        where, reason = problem
        raise InputError(reason, str(path), lines.line_of(where), format_path(where) or None)
    LOADED[sc.meta.id] = str(path)
    return sc


def _model_problem(sc: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The scenario's ``models:`` options, checked by the model they are for, for every command (H12:
    analyze named no file for a bad option and validate said field 'model' for an unknown model)."""
    if not sc.models:  # nothing to check: the models stay unimported (start-up time)
        return None
    from detente.errors import InputError
    from detente.layer_checks import parse_field
    from detente.models import MODELS, get_model

    for name in sc.models:
        if name not in MODELS:
            return ("models", name), f"unknown model '{name}' (models: {', '.join(sorted(MODELS))})"
        try:
            get_model(name, sc)
        except InputError as exc:
            where = parse_field(exc.field)
            return (where if where[:1] == ("models",) else ("models", name)), exc.reason
    return None


ScenarioArg = Annotated[str, typer.Argument(help="Scenario YAML file, or the name of a bundled case.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]


@app.command()
@user_errors
def validate(file: ScenarioArg) -> None:
    """Check a scenario file against the schema; print a one-line error or a summary."""
    from detente.scenario.numbers import count_ranges

    sc = load(file)  # model options too, each checked by the model it is for
    n_stances = sum(len(v) for v in sc.positions.values())
    ranged = count_ranges(sc)
    out_console().print(
        f"ok: {file}: '{sc.meta.id}' with {len(sc.actors)} actors, {len(sc.issues)} issues, "
        f"{n_stances} positions, {len(sc.channels)} channels, {len(sc.moves)} moves, "
        f"{len(sc.claims)} claims; {ranged} numbers given as ranges"
    )


@app.command()
@user_errors
def forecast(
    file: ScenarioArg,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model name (repeatable), or 'all'. Default: the static models."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Forecast each issue with one or more bargaining models."""
    from detente.models import MODELS, STATIC_MODELS, get_model
    from detente.report.terminal import forecast_table
    from detente.scenario.numbers import count_ranges

    sc = load(file)
    names = list(model or STATIC_MODELS)
    if "all" in names:
        names = sorted(MODELS)
    results = {name: get_model(name).run(sc) for name in dict.fromkeys(names)}
    ranged = count_ranges(sc)  # a point forecast says where its uncertainty is (H13)
    note = (f"one run per model at the stated modes; {ranged} numbers are given as ranges: detente sweep (or "
            "analyze) gives the forecasts' intervals over them" if ranged
            else "one run per model: no number is given as a range, so there is no interval to give")
    if json_out:  # the JSON carried bare points, without the status quo or the terminal's note (H15)
        sys.stdout.write(dump_json({
            "scenario": sc.meta.id, "note": note, "ranged_numbers": ranged,
            "status_quo": {i.id: i.status_quo.value if i.status_quo is not None else None for i in sc.issues},
            "models": {k: r.to_dict() for k, r in results.items()}}))
        return
    out_console().print(forecast_table(sc, results, point_note=note))


@app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="File in a foreign format.")],
    from_: Annotated[str, typer.Option("--from", help="Format: ktab, ktab-xml, dem or bdm.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write YAML here.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing -o file (refused "
                                            "without it).")] = False,
) -> None:
    """Convert a KTAB, Decide (DEM) or BdM file into a detente scenario (YAML)."""
    from detente.fileio import atomic_write_text
    from detente.scenario.formats import import_file
    from detente.scenario.writer import scenario_to_yaml

    # an imported scenario is edited by hand as a draft is: replaced silently before (H15; draft refuses)
    if output is not None and (output.is_file() or output.is_symlink()) and not overwrite:
        raise InputError("exists; give --overwrite to replace it (it may be a scenario edited by hand)",
                         str(output), field="output")
    text = scenario_to_yaml(import_file(file, from_))
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(output, text)
        err_console().print(f"wrote {output}")


@app.command()
@user_errors
def cases(json_out: JsonOpt = False) -> None:
    """List the bundled scenarios."""
    from detente.cases import case_names, case_path
    from detente.scenario.loader import load_scenario

    rows = []
    for name in case_names():
        sc = load_scenario(case_path(name))
        rows.append(
            {
                "name": name,
                "title": sc.meta.title,
                "date": sc.meta.date.isoformat() if sc.meta.date else None,
                "actors": len(sc.actors),
                "issues": len(sc.issues),
            }
        )
    if json_out:
        sys.stdout.write(dump_json(rows))
        return
    t = Table(title="Bundled cases", title_justify="left")
    for col in ("name", "title", "date", "actors", "issues"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            *(str(r[c] if r[c] is not None else "–") for c in ("name", "title", "date", "actors", "issues"))
        )
    out_console().print(t)


@app.command()
@user_errors
def analyze(
    file: ScenarioArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for analysis.json (default: detente-out/<scenario id>)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, max=2**32 - 1, help="Seed for every random step (default: the scenario's settings.seed)."
        ),
    ] = None,
    json_out: JsonOpt = False,
    log: Annotated[bool, typer.Option("--log", help="Also print one simulated run, move by move.")] = False,
    sim_policy: Annotated[str, typer.Option(
        "--sim-policy", help="The simulation's players: auto (the general crisis model where it applies, else "
                             "logit), crisis, or logit (the older script-then-logit players).")] = "auto",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, max=64,
                     help="Processes for the models' independent runs (default: the usable cores); same results."),
    ] = None,
) -> None:
    """The main job: bottom line, claims, strong-position table, forecasts; writes analysis.json and report.html."""
    from detente.analysis.analyze import AnalyzeOptions
    from detente.analysis.analyze import analyze as run_analysis
    from detente.fileio import atomic_write_files, probe_writable_folder
    from detente.report.html import build_html
    from detente.report.progress import steps
    from detente.report.terminal import render
    from detente.sim.crisis_play import POLICIES, choose_plan

    if sim_policy not in POLICIES:
        raise InputError(f"--sim-policy must be one of {', '.join(POLICIES)}, got '{sim_policy}'", field="sim-policy")
    sc = load(file)
    if sim_policy == "crisis":  # before minutes of work: a scenario the crisis players cannot play is an error (C14)
        choose_plan(sc, sim_policy)
    folder = out if out is not None else Path("detente-out") / sc.meta.id
    if folder.exists() and not folder.is_dir():  # before minutes of work, not after
        raise InputError("--out must be a folder, and this is a file", str(folder), field="out")
    probe_writable_folder(folder)  # a read-only folder, too
    with steps(err_console(), enabled=not json_out) as step:
        from detente.analysis.parallel import default_jobs

        result = run_analysis(sc, AnalyzeOptions(seed=seed, sim_policy=sim_policy, jobs=jobs or default_jobs()),
                              step=step)
        text = dump_json(result.to_dict())
        with step("report"):
            html = build_html(result)
    path, report = atomic_write_files({folder / "analysis.json": text, folder / "report.html": html})
    if json_out:
        sys.stdout.write(text)
        return
    console = out_console()
    render(result, console, log=log)
    console.print(f"\nwrote {path} and {report}")


@app.command()
@user_errors
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this machine only).")] = "127.0.0.1",
) -> None:
    """A local web page: pick or upload a scenario, edit its numbers (capabilities, parameters), run it, read
    the report."""
    try:
        import uvicorn

        from detente.report.web import create_app, is_loopback
    except ImportError as exc:
        raise InputError(f"the web page needs the 'web' extra: pip install 'detente[web]' ({exc.name} missing)",
                         "detente serve") from None
    _check_can_listen(host, port)
    if not is_loopback(host):
        err_console().print(f"warning: --host {host} makes the page reachable from other machines: anyone who "
                            "can reach it can upload scenarios and run analyses (there is no login)", markup=False)
    err_console().print(f"detente: serving on http://{host}:{port}/ (Ctrl-C to stop)", markup=False)
    uvicorn.run(create_app(host=host), host=host, port=port, log_level="warning")


def _check_can_listen(host: str, port: int) -> None:
    """A busy port or an unknown host is the user's to fix: say so in one line before starting."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as sock:
            sock.bind(infos[0][4])
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", "detente serve",
                         field="port") from None


try:  # typer >= 0.20 vendors click; older typer uses click itself
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as _cx  # type: ignore[no-redef]


PATH_OPTIONS = ("--out", "-o", "--output", "--efg", "--merge")


def _empty_path_option(argv: list[str]) -> str | None:
    """The path option given an empty value (``--out ''`` would silently mean the current folder)."""
    for k, arg in enumerate(argv):
        if arg in PATH_OPTIONS and k + 1 < len(argv) and not argv[k + 1].strip():
            return arg
        name, eq, value = arg.partition("=")
        if eq and name in PATH_OPTIONS and not value.strip():
            return name
    return None


def main() -> None:
    """Run the CLI; a usage mistake (missing argument, bad option value) is one line and exit 2."""
    empty = _empty_path_option(sys.argv[1:])
    if empty is not None:
        err_console().print(f"error: option '{empty}' needs a path, not an empty string", markup=False)
        sys.exit(EXIT_INPUT)
    try:
        rc = app(standalone_mode=False)
    except _cx.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `detente` or `detente backtest`: show help
            exc.show()
            sys.exit(0)
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        err_console().print(f"error: {' '.join(exc.format_message().split())}{where}", markup=False)
        sys.exit(EXIT_INPUT)
    except typer.Abort:
        err_console().print("aborted", markup=False)
        sys.exit(130)
    sys.exit(rc if isinstance(rc, int) else 0)
