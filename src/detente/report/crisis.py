"""Terminal and HTML sections for the general crisis model (outcome probabilities, the path by round,
the mechanism that drives the result, and the defaults used). Self-contained: one section each."""

from __future__ import annotations

from html import escape
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from detente.report.html import register_html_section
from detente.report.terminal import LAYER_RENDERERS


def _rounds_table(d: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in d["rounds"]:
        resp = ", ".join(f"{a} {p:.2f}" for a, p in r["responses"].items() if p >= 0.01)
        rows.append([str(r["round"]), r["proposer"], f"{r['offer']:.2f}", f"{r['power']:.2f}", resp])
    return rows


def render_crisis(result: Any) -> RenderableType:
    d = result.to_dict()
    head = Text("General crisis model\n", style="bold")
    head.append(d["concept"])
    probs = ", ".join(f"{k} {v:.2f}" for k, v in sorted(d["outcome_classes"].items(), key=lambda kv: -kv[1]))
    head.append(f"\nOutcome probabilities: {probs}  →  {d['outcome_class']}")
    t = Table(title="Round by round (expected offer: share of the way to the challenger's position)",
              title_justify="left")
    for col in ("round", "proposer", "offer", "p(challenger wins)", "responses"):
        t.add_column(col)
    for row in _rounds_table(d):
        t.add_row(*row)
    story = Text("\n".join(f"• {line}" for line in result.story()[1:] if not line.startswith("Round ")))
    return Group(head, t, story)


LAYER_RENDERERS["crisis"] = render_crisis


@register_html_section("crisis", "Crisis model")
def crisis_section(result: Any) -> str:
    d = result.to_dict()
    probs = ", ".join(f"{escape(k)} {v:.2f}" for k, v in sorted(d["outcome_classes"].items(), key=lambda kv: -kv[1]))
    parts = [f"<p>{escape(d['concept'])}. Outcome probabilities: {probs}; predicted "
             f"<strong>{escape(d['outcome_class'])}</strong>.</p>"]
    mech = d.get("mechanism")
    if mech:
        parts.append(f"<h3>Mechanism: {escape(mech['mechanism'])}</h3><ul>"
                     + "".join(f"<li>{escape(x)}</li>" for x in mech["explanation"]) + "</ul>")
    head = "".join(f"<th>{h}</th>" for h in ("round", "proposer", "offer", "p(challenger wins)", "responses"))
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in _rounds_table(d))
    parts.append(f"<table><tr>{head}</tr>{body}</table>")
    if d["warnings"]:
        parts.append("<details><summary>Defaults used and warnings</summary><ul>"
                     + "".join(f"<li>{escape(w)}</li>" for w in d["warnings"]) + "</ul></details>")
    return "".join(parts)
