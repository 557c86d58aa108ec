"""The backtest report: one JSON-ready summary and the ``docs/LEADERBOARD.md`` rendering.

The file names the exact command, the data file's sha256, the split and the seed, so anyone
with the same copy of DEU III regenerates the same bytes. It holds aggregates only, never
per-issue data (DEU carries no declared licence).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.backtest.candidates import RESPLITS, evaluate
from detente.backtest.capability import capability_function
from detente.backtest.metrics import BOOTSTRAP_RESAMPLES, paired_bootstrap, point_metrics
from detente.backtest.run import REFERENCE, Backtest
from detente.backtest.score import GROUPS, score


def build_report(bt: Backtest, command: str, resplits: int = RESPLITS) -> dict[str, Any]:
    """Everything the leaderboard and ``--json`` show."""
    report: dict[str, Any] = {
        "command": command,
        "data": {"file": bt.table.path.name, "sha256": bt.table.sha256,
                 "issues": len(bt.issues), "with_rp": sum(i.rp is not None for i in bt.issues),
                 "dropped": dict(bt.table.dropped)},
        "capability": bt.capability,
        "split": bt.split_label,
        "seed": bt.seed,
        "bootstrap_resamples": BOOTSTRAP_RESAMPLES,
        "all": score(bt),
        "failures": {n: dict(r.failures) for n, r in bt.runs.items() if r.failures},
    }
    report["conventions"] = conventions(bt)
    if bt.split is not None:
        report["test"] = score(bt, bt.mask("test"))
        report["candidates"] = evaluate(bt, resplits)
    return report


def conventions(bt: Backtest) -> dict[str, Any]:
    """The compromise model under each capability convention, paired against this run's."""
    from detente.backtest.capability import CONVENTIONS
    from detente.backtest.deu import to_scenario
    from detente.backtest.run import run_model
    from detente.errors import InputError

    y = bt.outcome
    ref = bt.runs[REFERENCE].forecast
    out: dict[str, Any] = {}
    for name in CONVENTIONS:
        try:
            cap = capability_function(name, bt.table)
        except InputError as exc:
            out[name] = {"error": exc.reason}
            continue
        f = run_model(REFERENCE, [to_scenario(i, cap) for i in bt.issues]).forecast
        m = point_metrics(f, y)
        d = paired_bootstrap(f, ref, y, bt.seed) if name != bt.capability else None
        out[name] = {"mae": m["mae"], "median_ae": m["median_ae"], "vs_run": d.to_dict() if d else None}
    return out


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _diff(d: dict[str, Any] | None) -> str:
    if d is None:
        return "reference"
    return f"{d['mean']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]"


def _verdict(d: dict[str, Any] | None) -> str:
    if d is None:
        return ""
    if d["wins"] == 0 and d["losses"] == 0:
        return "identical forecasts"
    if d["high"] < 0:
        return "better"
    if d["low"] > 0:
        return "worse"
    return "no detectable difference"


def _ordered(models: dict[str, Any]) -> list[str]:
    return sorted(models, key=lambda n: (n != REFERENCE, models[n]["mae"] is None, models[n]["mae"] or 0))


def main_table(sc: dict[str, Any]) -> list[str]:
    lines = ["| predictor | kind | n | skipped | MAE | median AE | ≤5 | ≤10 | ≤20 | CRPS | cover 50% | "
             "cover 80% | Δ MAE vs compromise [95% CI] | verdict | wins/losses |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in _ordered(sc["models"]):
        r = sc["models"][name]
        d = r["vs_compromise"]
        wl = f"{d['wins']}/{d['losses']}" if d else ""
        lines.append(
            f"| {name} | {r['kind']} | {r['n']} | {r['skipped']} | {_f(r['mae'])} | {_f(r['median_ae'])} | "
            f"{_pct(r['hit5'])} | {_pct(r['hit10'])} | {_pct(r['hit20'])} | {_f(r['crps'])} | "
            f"{_pct(r['cover50'])} | {_pct(r['cover80'])} | {_diff(d)} | {_verdict(d)} | {wl} |")
    return lines


def group_table(sc: dict[str, Any]) -> list[str]:
    groups = list(GROUPS)
    ns = {g: sc["models"][REFERENCE]["by_group"][g]["n"] for g in groups}
    lines = ["| predictor | " + " | ".join(f"{g} (n={ns[g]})" for g in groups) + " |",
             "|---|" + "---|" * len(groups)]
    for name in _ordered(sc["models"]):
        cells = []
        for g in groups:
            b = sc["models"][name]["by_group"][g]
            d = b["vs_compromise"]
            cell = _f(b["mae"])
            if d is not None:
                cell += f" ({d['mean']:+.1f} [{d['low']:+.1f}, {d['high']:+.1f}])"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def candidate_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| candidate | fitted on train | train MAE (compromise) | dev MAE (compromise) | dev | "
             "test MAE (compromise) | test Δ [95% CI] | mean Δ over re-splits (worse in) | ships |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        params = ", ".join(f"{p:g}" for p in r["params"])
        same = r["params"] == [float(p) for p in r["identity"]]
        lines.append(
            f"| {r['name']}: {r['description']} | {params}{' (= compromise)' if same else ''} | "
            f"{_f(r['train_mae'])} ({_f(r['train_ref'])}) | {_f(r['dev_mae'])} ({_f(r['dev_ref'])}) | "
            f"{'pass' if r['dev_pass'] else 'fail'} | {_f(r['test_mae'])} ({_f(r['test_ref'])}) | "
            f"{_diff(r['test_diff'])} | {r['resplit_mean_diff']:+.2f} ({r['resplit_worse']}/{r['resplits']}) | "
            f"{'**yes**' if r['ships'] else 'no'} |")
    return lines


def headline(report: dict[str, Any]) -> str:
    """The result in plain words."""
    models = report["all"]["models"]
    beaten = [n for n, r in models.items() if r["vs_compromise"] and r["vs_compromise"]["high"] < 0]
    ref = models[REFERENCE]
    text = (f"On {report['all']['n_issues']} DEU III issues the compromise model (capability × salience "
            f"weighted mean, capability `{report['capability']}`) has MAE {ref['mae']:.2f} "
            f"(median AE {ref['median_ae']:.2f}). ")
    if beaten:
        text += f"Predictors whose paired 95% interval lies below zero: {', '.join(beaten)}. "
    else:
        text += ("No registered model or baseline beats it: every paired 95% interval of the MAE "
                 "difference includes zero or lies above it. ")
    cands = report.get("candidates") or []
    if cands:
        ships = [c["name"] for c in cands if c["ships"]]
        text += (f"Of {len(cands)} candidates fitted on train and scored once on test, "
                 + (f"{', '.join(ships)} met the shipping rule." if ships else
                    "none met the shipping rule (dev gain, test interval below zero, and a negative mean "
                    f"over {cands[0]['resplits']} random re-splits); the compromise model stays the default."))
    return text


def render_markdown(report: dict[str, Any]) -> str:
    d = report["data"]
    out = [
        "# DEU III leaderboard",
        "",
        "Generated by `detente backtest deu`; do not edit by hand. Regenerate with:",
        "",
        "```",
        report["command"],
        "```",
        "",
        f"- data: `{d['file']}`, sha256 `{d['sha256']}`; {d['issues']} scoreable issues "
        f"({d['with_rp']} with a reference point); rows dropped: "
        + ", ".join(f"{k} {v}" for k, v in d["dropped"].items() if v) + ".",
        f"- capability convention: `{report['capability']}`; split: {report['split']}; seed {report['seed']} "
        f"(paired bootstrap, {report['bootstrap_resamples']} resamples of issues, percentile 95% CI).",
        "- Each DEU issue is scored as its own one-issue scenario, so models that work across issues (the "
        "exchange model trades between issues) reduce to their one-issue behaviour here.",
        "- Δ = model MAE − compromise MAE on the issues both forecast; negative is better than the compromise "
        "model. Hit rates: share of issues with |error| ≤ 5/10/20 points. CRPS and coverage only for models "
        "that publish a distribution.",
        "",
        "## Result",
        "",
        headline(report),
        "",
        "## All issues",
        "",
        *main_table(report["all"]),
        "",
        "## By procedure, voting rule and issue type (MAE, Δ vs compromise [95% CI])",
        "",
        *group_table(report["all"]),
        "",
    ]
    conv = report.get("conventions") or {}
    if conv:
        out += ["## The compromise model under each capability convention", "",
                f"| capability | MAE | median AE | Δ vs `{report['capability']}` [95% CI] |", "|---|---|---|---|"]
        for name, c in conv.items():
            if "error" in c:
                out.append(f"| {name} | – | – | not available: {c['error']} |")
            else:
                out.append(f"| {name} | {_f(c['mae'])} | {_f(c['median_ae'])} | {_diff(c['vs_run'])} |")
        out.append("")
    if "test" in report:
        out += [f"## TEST split only ({report['test']['n_issues']} issues)", "", *main_table(report["test"]), ""]
    if report.get("candidates"):
        out += [
            "## Candidates to beat the compromise model",
            "",
            "Protocol: parameters fitted by grid search on TRAIN only; DEV decides whether a candidate is "
            "worth it; TEST scored once per candidate, all reported. A candidate ships only if it gains on "
            "DEV, its paired 95% interval on TEST lies below zero, and its mean Δ over "
            f"{report['candidates'][0]['resplits']} seeded random 40/30/30 re-splits (refitted on each "
            "train part, scored on each test part) is negative.",
            "",
            *candidate_table(report["candidates"]),
            "",
        ]
    out += ["## Run notes", "", "Timings are in `benchmarks/backtest.py`, not here, so that this file is "
            "byte-for-byte reproducible.", "", "| predictor | issues skipped (error raised) |", "|---|---|"]
    for n in report["all"]["models"]:
        fails = report["failures"].get(n, {})
        note = "; ".join(f"{c}× {msg}" for msg, c in fails.items()) if fails else "0"
        out.append(f"| {n} | {note} |")
    out.append("")
    return "\n".join(out)
