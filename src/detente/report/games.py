"""Terminal section for the crisis-games layer: method, path in words, outcome, thresholds."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from detente.formatting import pct
from detente.report.terminal import LAYER_RENDERERS


def render_game(result: Any) -> RenderableType:
    d = result.to_dict()
    head = Text(f"Crisis game: {d['title']}\n", style="bold")
    exact = "exact" if d["exact"] else "approximate"
    head.append(f"{d['nodes']} nodes, {'perfect' if d['perfect_information'] else 'imperfect'} information; "
                f"method: {d['method']} — {d['concept']} ({exact})")
    if d.get("nash_conv") is not None:
        head.append(f"; NashConv {d['nash_conv']:.2g}")
    for n in d["notes"]:
        head.append(f"\n{n}", style="italic")
    story = Text("\n".join(f"• {line}" for line in d["explanation"]))
    parts: list[RenderableType] = [head, story]
    if d.get("defaults_used"):
        used = Text("Defaults used (inputs the game spec does not give):", style="bold yellow")
        for u in d["defaults_used"]:
            used.append(f"\n  - {u['term']} = {u['value']} ({u['reason']})")
        parts.append(used)
    if d["thresholds"]:
        t = Table(title="Where the equilibrium path changes (one assumption at a time)", title_justify="left")
        t.add_column("assumption")
        t.add_column("now", justify="right")
        t.add_column("searched")
        t.add_column("path changes")
        for th in d["thresholds"]:
            changes = []
            for side in ("below", "above"):
                sw = th[side]
                if sw is not None:
                    changes.append(f"{side} {sw['at']:.3g}: {sw['path']}")
            lo, hi = th["searched"]
            t.add_row(th["parameter"], f"{th['value']:g}", f"[{lo:g}, {hi:g}]",
                      "\n".join(changes) or Text("no change", style="dim"))
        parts.append(t)
        parts.append(Text("\n".join(f"• {line}" for line in d["threshold_summary"])))
    if d.get("joint_change"):
        parts.append(Text(f"• {d['joint_change']['text']}"))
    if d.get("ranges"):
        r = d["ranges"]
        ok = r["draws"] - r.get("failed", 0)
        t = Table(title=f"Equilibrium paths over {ok} draws of the stated ranges", title_justify="left")
        t.add_column("draws", justify="right")
        t.add_column("path")
        for row in r["paths"]:
            t.add_row(f"{round(row['share'] * ok)}/{ok} ({pct(row['share'])})", row["path"])
        notes = [x for x in (r.get("draws_note"), f"{r['failed']} draws could not be solved" if r.get("failed")
                             else None) if x]
        if notes:
            t.caption = "; ".join(notes)
        parts.append(t)
    if d.get("pure_equilibria"):
        parts.append(Text(f"{len(d['pure_equilibria'])} pure weak PBE found by enumeration", style="italic"))
    return Group(*parts)


LAYER_RENDERERS["games"] = render_game
