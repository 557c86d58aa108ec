"""Terminal and HTML sections for the general crisis model (outcome probabilities, the path by round,
the mechanism that drives the result, and the defaults used). Self-contained: one section each."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from detente.report.terminal import LAYER_RENDERERS


def rounds_table(d: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in d["rounds"]:
        resp = ", ".join(f"{a} {p:.2f}" for a, p in r["responses"].items() if p >= 0.01)
        rows.append([str(r["round"]), r["proposer"], f"{r['offer']:.2f}", f"{r['power']:.2f}", resp])
    return rows


def principals_line(d: dict[str, Any]) -> str:
    """Who bargains and where that came from; the fallback (largest capability x salience) is a default
    the analyst should see (H12: a climate negotiation was read as an EU-China war without a word)."""
    inp = d.get("inputs") or {}
    src = (inp.get("read") or {}).get("principals", "")
    line = f"Principals: {inp.get('challenger')} (challenger) and {inp.get('defender')} (defender), from the {src}"
    if src.startswith("largest"):
        line += " (a default: tag challenger:ID and defender:ID to choose them)"
    return line


def render_crisis(result: Any) -> RenderableType:
    d = result.to_dict()
    head = Text("General crisis model\n", style="bold")
    head.append(d["concept"])
    head.append("\n" + principals_line(d))
    probs = ", ".join(f"{k} {v:.2f}" for k, v in sorted(d["outcome_classes"].items(), key=lambda kv: -kv[1]))
    head.append(f"\nOutcome probabilities: {probs}  →  {d['outcome_class']}")
    t = Table(title="Round by round (expected offer: share of the way to the challenger's position)",
              title_justify="left")
    for col in ("round", "proposer", "offer", "p(challenger wins)", "responses"):
        t.add_column(col)
    for row in rounds_table(d):
        t.add_row(*row)
    story = Text("\n".join(f"• {line}" for line in result.story()[1:] if not line.startswith("Round ")))
    return Group(head, t, story)


LAYER_RENDERERS["crisis"] = render_crisis
