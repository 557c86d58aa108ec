"""``detente backtest``: score models against real outcomes (``deu`` = the DEU III table)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.app import app, dump_json, err_console, out_console, user_errors
from detente.errors import InputError

backtest_app = typer.Typer(
    name="backtest",
    help="Score every model against real outcomes, paired against the compromise model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(backtest_app, name="backtest")


def _models(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _command(path: str, split: str | None, seed: int, models: list[str] | None, capability: str,
             out: Path | None, resplits: int) -> str:
    parts = ["detente", "backtest", "deu", path, "--capability", capability]
    if split:
        parts += ["--split", split]
    parts += ["--seed", str(seed)]
    if resplits != 20:
        parts += ["--resplits", str(resplits)]
    for m in models or []:
        parts += ["--models", m]
    if out is not None:
        parts += ["--out", str(out)]
    return shlex.join(parts)


def _table(title: str, sc: dict[str, Any]) -> Table:
    from detente.backtest.leaderboard import _diff, _f, _ordered, _pct, _verdict

    t = Table(title=title, title_justify="left")
    for col in ("predictor", "n", "skip", "MAE", "med AE", "≤5", "≤10", "≤20", "CRPS", "cov80",
                "Δ vs compromise [95% CI]", "verdict"):
        t.add_column(col, justify="left" if col in ("predictor", "verdict") else "right")
    for name in _ordered(sc["models"]):
        r = sc["models"][name]
        t.add_row(name, str(r["n"]), str(r["skipped"]), _f(r["mae"]), _f(r["median_ae"]),
                  _pct(r["hit5"]), _pct(r["hit10"]), _pct(r["hit20"]), _f(r["crps"]),
                  _pct(r["cover80"]), _diff(r["vs_compromise"]), _verdict(r["vs_compromise"]))
    return t


def _candidates(rows: list[dict[str, Any]]) -> Table:
    from detente.backtest.leaderboard import _diff, _f

    t = Table(title="Candidates: fitted on train, chosen on dev, scored once on test", title_justify="left")
    for col in ("candidate", "params", "dev MAE (ref)", "test MAE (ref)", "test Δ [95% CI]",
                "re-split mean Δ (worse)", "ships"):
        t.add_column(col, justify="left" if col in ("candidate", "ships") else "right")
    for r in rows:
        t.add_row(r["name"], ", ".join(f"{p:g}" for p in r["params"]),
                  f"{_f(r['dev_mae'])} ({_f(r['dev_ref'])})", f"{_f(r['test_mae'])} ({_f(r['test_ref'])})",
                  _diff(r["test_diff"]), f"{r['resplit_mean_diff']:+.2f} ({r['resplit_worse']}/{r['resplits']})",
                  "yes" if r["ships"] else "no")
    return t


@backtest_app.command("deu")
@user_errors
def deu(
    path: Annotated[str, typer.Argument(help="Your copy of the DEU III table (tab- or semicolon-separated).")],
    split: Annotated[
        str | None,
        typer.Option("--split", help="Split JSON ({'assignment': {issue: train|dev|test}}) or 'random'."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1,
                                      help="Seed for the bootstrap and random splits.")] = 0,
    models: Annotated[
        list[str] | None,
        typer.Option("--models", "-m", help="Models/baselines to run (repeatable or comma-separated; "
                     "default all). The compromise model always runs as the reference."),
    ] = None,
    capability: Annotated[
        str, typer.Option("--capability", help="Capability convention: equal, council or gdp.")
    ] = "equal",
    resplits: Annotated[
        int, typer.Option("--resplits", min=1, max=1000, help="Random re-splits for candidates.")
    ] = 20,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON only.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for LEADERBOARD.md and backtest-summary.json.")
    ] = None,
) -> None:
    """Backtest on DEU III: every model and baseline, MAE/hits/CRPS, paired CIs, breakdowns."""
    from detente.backtest.capability import CONVENTIONS
    from detente.backtest.deu import load_deu
    from detente.backtest.leaderboard import build_report, headline, render_markdown
    from detente.backtest.run import random_split, read_split, run_backtest
    from detente.fileio import atomic_write_text

    if capability not in CONVENTIONS:
        raise InputError(f"unknown capability convention '{capability}' (choose {', '.join(CONVENTIONS)})",
                         field="capability")
    names = _models(models)
    table = load_deu(path)
    assignment, label = None, "none (all issues)"
    if split == "random":
        assignment = random_split([i.id for i in table.issues], seed)
        label = f"random 40/30/30 (seed {seed})"
    elif split:
        assignment, label = read_split(split, table)
    console = err_console()

    def progress(name: str) -> None:
        if not json_out:
            console.print(f"running {name} on {len(table.issues)} issues…")

    bt = run_backtest(table, capability, names, assignment, label, seed, progress)
    report = build_report(bt, _command(path, split, seed, names, capability, out, resplits), resplits)
    text = dump_json(report)
    if out is not None:
        atomic_write_text(out / "LEADERBOARD.md", render_markdown(report))
        atomic_write_text(out / "backtest-summary.json", text)
    if json_out:
        sys.stdout.write(text)
        return
    oc = out_console()
    oc.print(_table(f"DEU III: {report['all']['n_issues']} issues, capability {capability}", report["all"]))
    if "test" in report:
        oc.print(_table(f"TEST split: {report['test']['n_issues']} issues", report["test"]))
    if report.get("candidates"):
        oc.print(_candidates(report["candidates"]))
    oc.print("\n" + headline(report), markup=False)
    if out is not None:
        oc.print(f"wrote {out / 'LEADERBOARD.md'} and {out / 'backtest-summary.json'}", markup=False)
