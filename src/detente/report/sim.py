"""Terminal section for the simulation layer: outcome-class frequencies and one run's log."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from detente.formatting import pct
from detente.report.terminal import LAYER_RENDERERS

_CLASS_STYLE = {"agreement": "green", "stalemate": "yellow", "capitulation": "magenta", "escalation": "red"}


def frequency_table(d: dict[str, Any]) -> Table:
    how = "ranged numbers drawn per run" if d.get("ranges") == "sample" else "point values"
    t = Table(title=f"Simulation: outcome classes over {d['runs']} seeded runs of {d['rounds']} rounds "
                    f"(seed {d['seed']}; {how})", title_justify="left")
    pol = d.get("policy") or {}
    model = pol.get("model_outcome_classes") if pol.get("policy") == "crisis" else None
    t.add_column("outcome class")
    t.add_column("share of runs", justify="right")
    if model:
        mixed = any("most likely choices" in n for n in pol.get("notes", []))
        t.add_column("crisis model" + (" (third parties' likeliest choices)" if mixed else ""), justify="right")
    t.add_column("", justify="left")
    for cls, p in d["frequencies"].items():
        mark = "known outcome" if cls == d.get("known_outcome") else ""
        t.add_row(Text(cls, style=_CLASS_STYLE.get(cls, "")), pct(p), *([pct(model[cls])] if model else []), mark)
    why = str(pol.get("why") or "")
    fell_back = why.startswith("logit: ")  # auto fell back: say why, as the HTML does (H13)
    who = ("players: the general crisis model's strategies, types drawn per run (C14); "
           if model else "players: logit choice after the script"
           + (f" ({why[len('logit: '):]})" if fell_back else "") + "; " if pol else "")
    if pol.get("replaced"):  # --game-player / --crisis-player
        who = ("players: logit choice after the script, except "
               + ", ".join(f"{a}: {how}" for a, how in pol["replaced"].items()) + "; ")
    mixed_note = next((n for n in pol.get("notes", []) if "most likely choices" in n), None) if model else None
    t.caption = (f"{who}{d['runs_with_concessions']} runs with concessions, "
                 f"{d['runs_with_public_concessions']} with a public one"
                 + (f"; note: {pol['cut_short']}" if pol.get("cut_short") else "")
                 + (f"; note: {pol['extended']}" if pol.get("extended") else "")
                 + (f"; note: {pol['unplayed']}" if pol.get("unplayed") else "")
                 + (f"; {mixed_note}" if mixed_note else ""))
    return t


def by_types_line(by: dict[str, Any]) -> Text:
    """The classes per pair of resolve types the crisis players played (C14; after a mediator's revelation:
    'stated (revealed)', the war costs at their stated values, C20b)."""
    return Text("By the resolve types played: " + "; ".join(
        f"{k}: {', '.join(f'{c} {pct(p)}' for c, p in g['frequencies'].items() if p > 0)} ({g['runs']} runs)"
        for k, g in by.items()))


def break_even_lines(be: dict[str, Any]) -> Text:
    """'What would have had to be true for escalation', one line per war setting."""
    out = Text("What would have had to be true for escalation", style="bold")
    if not be.get("players") and str(be.get("criterion", "")).startswith("not computed"):
        out.append(f"\n  ({be['criterion']})")
        return out
    if not be.get("players"):
        out.append("\n  (no player has a war move)")
        return out
    out.append(f" ({be['criterion']}):")
    for pl in be["players"]:
        at = "escalates" if pl["escalates_at_modes"] else "does not escalate"
        out.append(f"\n  at the scenario's own numbers, {pl.get('name', pl['player'])} {at}")
        for row in pl["settings"]:
            out.append(f"\n  - {row['text']}")
        out.append(f"\n  - {pl['favourable_corner']['text']}")
    return out


def render_sim(result: Any, log: bool = False) -> RenderableType:
    """Frequencies and break-evens; one run's move-by-move log only when ``log`` is asked for."""
    d = result.to_dict()
    rep = d["representative"]
    parts: list[RenderableType] = [frequency_table(d), break_even_lines(d["break_even"])]
    if d.get("runs_by_types"):
        parts.insert(1, by_types_line(d["runs_by_types"]))
    if log:
        text = Text(f"One representative run (seed {rep['seed']}, {rep['outcome']['class']}):\n", style="bold")
        text.append("\n".join(rep["log"]))
        parts.append(text)
    else:
        parts.append(Text(f"(one representative run's move-by-move log, {len(rep['log'])} lines: "
                          "add --log, or read report.html)", style="dim"))
    for c in d["opinion_comparisons"]:
        parts.append(Text(
            f"Counterfactual without {c['without_move']}: {c['audience']} {c.get('direction', 'reaches')} "
            f"{c['threshold']:g} on "
            f"{c['issue']} in {c['crossed_without']} of {c['runs']} runs (with it: {c['crossed_with']}); "
            f"sooner without in {pct(c['sooner_share'])} of paired runs"))
    return Group(*parts)


LAYER_RENDERERS["sim"] = render_sim
