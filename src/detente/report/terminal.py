"""Terminal summary of an analysis with rich: perspective first, then what follows from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # annotations only: `forecast` need not import the analysis layers
    from detente.analysis.analyze import Analysis
    from detente.models.base import ModelResult
    from detente.models.strength import StrongPosition
    from detente.scenario.schema import Scenario

LayerRenderer = Callable[[Any], RenderableType]
LAYER_RENDERERS: dict[str, LayerRenderer] = {}
"""Renderers for the sections later layers add (games, sim, ...), keyed by layer name."""

_STATUS_STYLE = {"holds": "green", "fails": "red", "not_evaluated": "yellow"}


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def header(sc: Scenario) -> Panel:
    body = Text()
    body.append(sc.meta.title, style="bold")
    if sc.meta.date:
        body.append(f"  ({sc.meta.date.isoformat()})")
    body.append("\nPerspective: ", style="bold")
    body.append(" ".join(sc.meta.perspective.split()))
    body.append("\nThe numbers are assumptions; what follows shows what they imply.", style="italic")
    return Panel(body, title=f"detente · {sc.meta.id}", expand=True)


def strong_table(sc: Scenario, strong: StrongPosition) -> Table:
    t = Table(title=f"Who holds the strong position (forecast: {strong.based_on} model)",
              title_justify="left")
    t.add_column("actor")
    t.add_column("power share", justify="right")
    t.add_column("distance to forecast", justify="right")
    t.add_column("gain vs status quo", justify="right")
    if strong.win_probability_from:
        t.add_column(f"win probability ({strong.win_probability_from})", justify="right")
    t.add_column("issues", justify="right")
    names = {a.id: a.name for a in sc.actors}
    for r in strong.rows:
        gain = "–" if r.gain is None else f"{r.gain:+.2f}"
        cells = [names.get(r.actor, r.actor), f"{100 * r.power_share:.0f}%", f"{100 * r.distance:.0f}% of scale", gain]
        if strong.win_probability_from:
            cells.append("–" if r.win_probability is None else f"{r.win_probability:.2f}")
        t.add_row(*cells, str(len(r.issues)))
    t.caption = ("power share: capability × salience over the issues the actor cares about; "
                 "gain: salience-weighted move toward the actor's position, relative to the status quo"
                 + ("; win probability: KTAB's PCE chance, when the spatial model stops, that the position the actor "
                    "then holds wins (actors ending together each get it: DECISIONS S6), averaged over its issues"
                    if strong.win_probability_from else ""))
    return t


def forecast_table(sc: Scenario, models: dict[str, ModelResult],
                   outliers: list[dict[str, Any]] | None = None, point_note: str | None = None) -> Table:
    """``point_note``: what the single numbers are and where their uncertainty is (H13: bare points)."""
    from detente.formatting import scale_digits

    flagged = {(o["issue"], o["model"]) for o in outliers or []}
    t = Table(title="Forecasts by model" + (" (! = outlier, far from the other models)" if flagged else ""),
              title_justify="left")
    t.add_column("issue")
    t.add_column("status quo", justify="right")
    for name in models:
        t.add_column(name, justify="right")
    known = sc.known_outcome.values if sc.known_outcome else {}
    if known:
        t.add_column("coded outcome", justify="right")
    for issue in sc.issues:
        k = scale_digits(issue.scale.max - issue.scale.min)
        row = [issue.name, _fmt(issue.status_quo.value if issue.status_quo else None, k)]
        row += [_fmt(r.forecast_of(issue.id), k) + (" !" if (issue.id, m) in flagged else "")
                for m, r in models.items()]
        if known:
            row.append(_fmt(known[issue.id].value if issue.id in known else None, k))
        t.add_row(*row)
    notes = ([point_note] if point_note else []) + [f"{name}: {n}" for name, r in models.items() for n in r.notes]
    if notes:
        t.caption = "\n".join(notes)
    return t


def claims_table(analysis: Analysis) -> Table:
    t = Table(title="Claims (each verdict at the scenario's own numbers; the count is over the stated ranges)",
              title_justify="left")
    t.add_column("claim")
    t.add_column("layer")
    t.add_column("verdict")
    t.add_column("count over the stated ranges")
    t.add_column("why")
    for v in analysis.claims:
        t.add_row(f"{v.claim}: {' '.join(v.text.split())}", v.layer or "–",
                  Text(v.status.replace("_", " "), style=_STATUS_STYLE.get(v.status, "")),
                  v.count_cell(), v.detail)
    return t


def bottom_line(analysis: Analysis) -> Panel:
    """Five to ten lines before any table: claims, outcome, strong position, what flips it."""
    body = Text()
    for k, line in enumerate(analysis.summary["lines"]):
        if k:
            body.append("\n")
        style = "bold" if line.startswith(("Claims:", "Predicted outcome", "Strong position")) else ""
        body.append(line, style=style)
    return Panel(body, title="Bottom line", title_align="left", expand=True)


def defaults_block(analysis: Analysis) -> RenderableType | None:
    """Every default a layer used for a missing input, and every input it ignored or dropped."""
    s = analysis.summary
    if not s["defaults_used"] and not s["warnings"]:
        return None
    out = Text()
    if s["defaults_used"]:
        out.append("Defaults used (inputs the scenario does not give):", style="bold")
        for d in s["defaults_used"]:
            v = d["value"]
            out.append(f"\n  - {d['layer']}: {d['term']} = {v:g}" if isinstance(v, float) else
                       f"\n  - {d['layer']}: {d['term']} = {v}")
            out.append(f" ({d['reason']})", style="dim")
    if s["warnings"]:
        if s["defaults_used"]:
            out.append("\n")
        out.append("Warnings (inputs not used, or dropped):", style="bold yellow")
        for w in s["warnings"]:
            out.append(f"\n  - {w['layer']}: {w['what']}")
    return out


def render(analysis: Analysis, console: Console, log: bool = False) -> None:
    """Bottom line first, then the claims, then the tables; the move-by-move log only with ``log``."""
    sc = analysis.scenario
    parts: list[RenderableType] = [header(sc), bottom_line(analysis)]
    if analysis.claims:
        parts.append(claims_table(analysis))
    if (block := defaults_block(analysis)) is not None:
        parts.append(block)
    unc = analysis.layers.get("uncertainty")
    swept = ", ".join(unc.to_dict()["forecasts"]) if unc is not None else ""
    note = (f"one run per model at the stated modes; intervals over the stated ranges below ({swept})" if swept
            else "one run per model: no number is given as a range, so no interval is drawn")
    parts += [strong_table(sc, analysis.strong),
              forecast_table(sc, analysis.models, analysis.summary["outliers"], note)]
    if sc.known_outcome:
        ko = sc.known_outcome
        when = f" on {ko.date.isoformat()}" if ko.date else ""
        parts.append(Text(f"Known outcome{when}: {ko.outcome_class.value}"
                          + (f" — {ko.detail}" if ko.detail else "")))
    for name, result in analysis.layers.items():
        if name in LAYER_RENDERERS:
            parts.append(LAYER_RENDERERS[name](result, log=log) if name == "sim" else LAYER_RENDERERS[name](result))
    console.print(Group(*parts))
