"""``detente backtest cases``: predict the outcome class of every bundled crisis, per layer, and score."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.app import dump_json, out_console, user_errors
from detente.cli.backtest import backtest_app
from detente.errors import InputError


def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _short(cls: str) -> str:
    return {"not available": "n/a"}.get(cls, cls)


def _render(report: dict[str, Any], layers: list[str]) -> None:
    from detente.analysis.crisis_backtest import CLASSES, NA

    oc = out_console()
    t = Table(title=f"Crisis backtest: {len(report['cases'])} cases", title_justify="left")
    t.add_column("case")
    t.add_column("known")
    for layer in layers:
        t.add_column(layer)
    for row in report["cases"]:
        cells = []
        for layer in layers:
            d = row["layers"][layer]
            mark = "" if d["hit"] is None else (" ✓" if d["hit"] else " ✗")
            cells.append(_short(d["class"]) + mark)
        case = row["case"]
        if "file" in row and Path(row["file"]).stem != case:  # named by its meta.id; where to find it
            case += f" ({row['file']})"
        t.add_row(case, row["known"], *cells)
    if "sim" in layers:  # analyze and simulate play the crisis model by default: say which players are scored
        t.caption = "sim: the simulation with its older logit players (DECISIONS C14), not analyze's crisis players"
    oc.print(t)
    if report.get("skipped_no_known_outcome"):
        oc.print("left out (no known_outcome): " + ", ".join(report["skipped_no_known_outcome"]), markup=False)
    s = Table(title="Scores", title_justify="left")
    for col in ("layer", "available", "hits", "accuracy", "Brier (n)"):
        s.add_column(col, justify="left" if col == "layer" else "right")
    for layer in layers:
        sc = report["layers"][layer]
        brier = "–" if sc["brier"] is None else f"{sc['brier']:.3f} ({sc['brier_n']})"
        s.add_row(layer, f"{sc['available']}/{sc['n']}", str(sc["hits"]), _f(sc["accuracy"], 2), brier)
    br = report["base_rates"]
    s.add_row(f"base: always {br['most_common']}", f"{br['n']}/{br['n']}", str(br["most_common_hits"]),
              _f(br["most_common_hits"] / br["n"] if br["n"] else None, 2),
              f"{_f(br['frequency_brier'])} (freq.)")
    loo_n = br["n"] if br["n"] >= 2 else 0  # one case: nothing is left to learn a class from
    s.add_row("base: leave-one-out", f"{loo_n}/{br['n']}", str(br["loo_most_common_hits"]) if loo_n else "–",
              _f(br["loo_most_common_hits"] / loo_n if loo_n else None, 2),
              f"{_f(br['loo_frequency_brier'])} (freq.)")
    oc.print(s)
    for layer in layers:
        c = Table(title=f"Confusion ({layer}): rows known, columns predicted", title_justify="left")
        c.add_column("known \\ predicted")
        for p in (*CLASSES, NA):
            c.add_column(_short(p), justify="right")
        for k in CLASSES:
            c.add_row(k, *(str(report["layers"][layer]["confusion"][k][p]) for p in (*CLASSES, NA)))
        oc.print(c)
    freq = ", ".join(f"{k} {v:.2f}" for k, v in br["frequencies"].items())
    oc.print(f"class frequencies of the cases scored: {freq}", markup=False)
    lo = report.get("crisis_loo")
    if lo:
        oc.print(f"crisis model, leave-one-out ({lo['n']} cases): hits {lo['hits']} "
                 f"[{lo['hits_ci'][0]:.0f}, {lo['hits_ci'][1]:.0f}] v always-one-class {lo['base_always_hits']}; "
                 f"Brier {lo['brier']:.3f} [{lo['brier_ci'][0]:.3f}, {lo['brier_ci'][1]:.3f}] v class frequencies "
                 f"{lo['base_frequency_brier']:.3f}", markup=False)


@backtest_app.command("cases")
@user_errors
def cases(
    layer: Annotated[str, typer.Option(
        "--layer", help="models, games (the scenario's game), crisis (the general crisis model), "
                        "sim (the logit players, DECISIONS C14) or all.")] = "all",
    case: Annotated[
        list[str] | None, typer.Option("--case", help="Only these cases (repeatable): bundled names, or with --dir a "
                                                "meta.id or file name.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed for the sim layer.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Also write the tables as Markdown here "
                                                  "(docs/CASES-results.md is made this way).")] = None,
    folder: Annotated[list[Path] | None, typer.Option("--dir", help="Score every scenario with a known outcome in "
                                                      "this folder instead of the bundled crises (repeatable); a "
                                                      "case is named by its meta.id.")]
    = None,
    with_library: Annotated[bool, typer.Option("--with-library", help="With --dir: score the bundled crises too "
                                               "(e.g. --loo over the library and a folder of your own cases).")]
    = False,
    loo: Annotated[bool, typer.Option("--loo", help="Also choose the crisis model's two global numbers by "
                                      "leave-one-out over these cases and score that (slow: 25 solves a case).")]
    = False,
) -> None:
    """Predict the outcome class of every bundled crisis with a known outcome; hits, confusion, Brier."""
    from detente.analysis.crisis_backtest import LAYER_NAMES, run_cases

    if layer == "all":
        layers = list(LAYER_NAMES)
    elif layer in LAYER_NAMES:
        layers = [layer]
    else:
        raise InputError(f"unknown layer '{layer}' (choose {', '.join(LAYER_NAMES)} or all)", field="layer")
    folders = list(folder or [])
    from detente.cli.app import err_console
    from detente.report.progress import steps

    # a spinner and the time on a terminal: --loo on three cases of our own took 135 s in silence (H13)
    label = "scoring the cases" + (" and the leave-one-out fit (25 crisis-model solves a case)" if loo else "")
    with steps(err_console(), enabled=not json_out, names={"cases": label}) as step, step("cases"):
        report = run_cases(case, layers, seed, folders, loo, with_library)
    if not report["cases"]:
        where = ", ".join(str(f) for f in folders)
        if case and folders:  # the folders have cases; --case matched none of them (H12)
            raise InputError(f"no scenario with a known outcome in {where} has the id {', '.join(case)}",
                             field="--case")
        raise InputError(f"no scenario with a known outcome in {where}" if folders
                         else "no bundled case with a known outcome was selected", field="--dir" if folders else "case")
    if markdown is not None:
        from detente.fileio import atomic_write_text
        from detente.report.crisis_tables import crisis_markdown

        cmd = "detente backtest cases" + (f" --layer {layer}" if layer != "all" else "") + \
            (f" --seed {seed}" if seed is not None else "") + (" --with-library" if with_library else "") + \
            "".join(f" --dir {f.as_posix()}" for f in folders) + (" --loo" if loo else "") + \
            f" --markdown {markdown.as_posix()}"
        atomic_write_text(markdown, crisis_markdown(report, layers, cmd))
    if json_out:
        sys.stdout.write(dump_json(report))
        return
    _render(report, layers)
