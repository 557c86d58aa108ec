"""``detente backtest icb``: crisis forecasts fitted on ICB crises before 1980 and scored on later ones."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.app import dump_json, err_console, out_console, user_errors
from detente.cli.backtest import backtest_app
from detente.errors import InputError


def default_data() -> Path:
    """The ICB folder under the shared data (:func:`detente.shared_data.shared_folder`)."""
    from detente.shared_data import shared_folder

    return shared_folder("data", "icb")


def _f(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _diff(d: dict[str, float] | None, digits: int = 3) -> str:
    if not d:
        return "–"
    return f"{d['mean']:+.{digits}f} [{d['low']:+.{digits}f}, {d['high']:+.{digits}f}]"


def _tables(report: dict[str, Any]) -> list[Table]:
    from detente.backtest.icb_eval import PREDICTORS

    out = []
    for name, info in report["sets"].items():
        t = Table(title=f"{name}: {info['n']} crisis actors in {info['crises']} crises, "
                  f"{info['years'][0]}–{info['years'][1]}", title_justify="left")
        for col in ("predictor", "log loss", "Brier", "accuracy", "Δ log loss vs frequency [95%]",
                    "Δ log loss vs logit [95%]", "Δ log loss vs structural [95%]"):
            t.add_column(col, justify="left" if col == "predictor" else "right")
        for p in PREDICTORS:
            r = report["predictors"][p].get(name)
            if r is None:
                continue
            vs = r["vs"]
            t.add_row(p, _f(r["log_loss"]), _f(r["brier"]), _f(r["accuracy"]),
                      _diff(vs.get("frequency", {}).get("log_loss")), _diff(vs.get("logit", {}).get("log_loss")),
                      _diff(vs.get("structural", {}).get("log_loss")))
        out.append(t)
    return out


def _command(data: Path | None, test: Path | None, test_system: Path | None, seed: int, markdown: Path | None,
             development: bool) -> str:
    parts = ["detente", "backtest", "icb"]
    if data is not None:
        parts += ["--data", data.as_posix()]
    if test is not None:
        parts += ["--test-data", test.as_posix()]
    if test_system is not None:
        parts += ["--test-system", test_system.as_posix()]
    if seed:
        parts += ["--seed", str(seed)]
    if development:
        parts.append("--development")
    if markdown is not None:
        parts += ["--markdown", markdown.as_posix()]
    return " ".join(parts)


@backtest_app.command("icb")
@user_errors
def icb(
    data: Annotated[Path | None, typer.Option("--data", help="Folder with the ICB actor-level, system-level and "
                                              "(optional) narrative files (default ../shared/data/icb).")] = None,
    test_data: Annotated[Path | None, typer.Option("--test-data", help="Another ICB actor-level file to score "
                                                   "with parameters fitted on all of --data.")] = None,
    test_system: Annotated[Path | None, typer.Option("--test-system", help="The system-level file of --test-data "
                                                     "(default: icb1v14-before1990.csv beside it).")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1,
                                      help="Seed for cross-validation folds, random starts and the bootstrap.")] = 0,
    development: Annotated[bool, typer.Option("--development", help="Only the rolling origins inside the "
                                              "training period (1960s, 1970s): never scores 1980-89.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON only.")] = False,
    markdown: Annotated[Path | None, typer.Option("--markdown", help="Write the report as Markdown here "
                                                  "(docs/ICB.md is made this way).")] = None,
) -> None:
    """ICB benchmark: class frequencies, multinomial logit, the structural crisis game and the general crisis
    model, time-ordered."""
    from detente.backtest.icb import load_icb, load_icb_dir
    from detente.backtest.icb_eval import data_summary, steps
    from detente.fileio import atomic_write_text

    folder = data if data is not None else default_data()
    if not folder.is_dir():
        raise InputError("ICB data folder not found (give it with --data DIR)", str(folder), field="data")
    if markdown is not None and markdown.is_dir():  # before a fit of minutes
        raise InputError("is a folder; give a file name", str(markdown))
    if test_system is not None and test_data is None:
        raise InputError("--test-system needs --test-data", field="test-system")
    icb_data = load_icb_dir(folder)
    test = load_icb(test_data, test_system) if test_data is not None else None
    if test is not None and not test.scored:
        raise InputError("no crisis actor with a usable outcome", str(test_data), field="outcom")
    if development and test is not None:
        raise InputError("--development never reads a 1980s outcome; --test-data fits on all of --data",
                         field="development")
    report = _run(icb_data, test, seed, development, False, json_out, steps)
    report.pop("_fits")
    report["data"] = data_summary(icb_data, _options())
    if test is not None:
        report["test_data"] = data_summary(test, _options())
    report["command"] = _command(data, test_data, test_system, seed, markdown, development)
    text = dump_json(report)
    if markdown is not None:
        from detente.backtest.icb_report import icb_markdown

        atomic_write_text(markdown, icb_markdown(report))
    if json_out:
        sys.stdout.write(text)
        return
    oc = out_console()
    for t in _tables(report):
        oc.print(t)
    from detente.backtest.icb_report import headline

    oc.print(headline(report), markup=False)
    oc.print(f"fit and score: {report['seconds']:.1f} s", markup=False)
    if markdown is not None:
        oc.print(f"wrote {markdown}", markup=False)


def _options():
    from detente.backtest.icb import MappingOptions

    return MappingOptions()


def _run(icb_data, test, seed: int, development: bool, need_all: bool, quiet: bool, steps) -> dict[str, Any]:
    import warnings

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.backtest.icb_eval import TICKS_PER_FIT, run_icb

    sets = ["development"] if development else ["validation", "rolling"]
    if test is not None:
        sets.append("test")
    total = steps(sets) + (TICKS_PER_FIT if need_all and test is None else 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      console=err_console(), disable=quiet, transient=True) as bar:
            task = bar.add_task("ICB benchmark", total=total)

            def tick(what: str) -> None:
                bar.update(task, advance=1, description=what)

            def status(what: str) -> None:
                bar.update(task, description=what)

            report = run_icb(icb_data, test, seed, development, tick, fit_all=need_all, status=status)
    return report


@backtest_app.command("icb-priors")
@user_errors
def icb_priors(
    data: Annotated[Path | None, typer.Option("--data", help="Folder with the ICB actor-level and system-level "
                                              "files (default ../shared/data/icb).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the prior table here (the shipped "
                                                "one: src/detente/scenario/data/icb_priors.json); default: "
                                                "print it.")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1,
                                      help="Seed of the draws behind the 90% intervals.")] = 0,
    covariance: Annotated[str, typer.Option("--covariance", help="sandwich (clustered by crisis; default) or "
                                            "information (inverse expected information).")] = "sandwich",
    unknown_power: Annotated[str, typer.Option("--unknown-power", help="mixture (an unknown power discrepancy "
                                               "draws its level from the data's shares; default) or equal "
                                               "(the model's reading, exactly equal).")] = "mixture",
) -> None:
    """Empirical priors (`prior: icb`) from the general crisis model fitted on all of --data (ICB9); scores
    nothing."""
    from detente.backtest.icb import load_icb_dir
    from detente.backtest.icb_eval import data_summary
    from detente.backtest.icb_priors import COVARIANCES, UNKNOWN_POWER, fit_all, power_mix, priors_table
    from detente.backtest.icb_structural import one_thread
    from detente.fileio import atomic_write_text, check_writable_target, probe_writable_folder

    if covariance not in COVARIANCES:
        raise InputError(f"unknown covariance '{covariance}' (choose {', '.join(COVARIANCES)})",
                         field="covariance")
    if unknown_power not in UNKNOWN_POWER:
        raise InputError(f"unknown reading '{unknown_power}' (choose {', '.join(UNKNOWN_POWER)})",
                         field="unknown-power")
    folder = data if data is not None else default_data()
    if not folder.is_dir():
        raise InputError("ICB data folder not found (give it with --data DIR)", str(folder), field="data")
    if output is not None:  # before the fit (a minute or more): a folder, a device, an unwritable place
        check_writable_target(output)
        probe_writable_folder(output.parent)
    icb_data = load_icb_dir(folder)
    with err_console().status("general crisis model: fitting on all of --data") as st, one_thread():
        fit, rows = fit_all(icb_data, lambda s: st.update(s))
        mix = power_mix(icb_data) if unknown_power == "mixture" else None
        table = priors_table(fit, rows, data_summary(icb_data, _options()), seed, covariance, mix)
    text = dump_json(table)
    if output is None:
        sys.stdout.write(text)
        return
    atomic_write_text(output, text)
    out_console().print(f"wrote {output} ({len(table['profiles'])} profiles; {table['source']})", markup=False)
