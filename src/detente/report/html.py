"""A single-file HTML report: perspective and assumptions first, then what follows from them.

Layers above the models add sections through ``HTML_SECTIONS`` (name -> function of the
layer's result returning an HTML fragment), so the report grows as layers land.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from detente import __version__
from detente.analysis.analyze import Analysis
from detente.formatting import scale_digits
from detente.report import plots
from detente.scenario.arrays import point_arrays
from detente.scenario.numbers import Num
from detente.scenario.schema import Scenario

HtmlSection = Callable[[Any], str]
HTML_SECTIONS: dict[str, tuple[str, HtmlSection]] = {}
"""Layer name -> (section title, renderer of that layer's result to an HTML fragment)."""


def register_html_section(name: str, title: str) -> Callable[[HtmlSection], HtmlSection]:
    def wrap(fn: HtmlSection) -> HtmlSection:
        HTML_SECTIONS[name] = (title, fn)
        return fn

    return wrap


_env = Environment(loader=PackageLoader("detente.report", "templates"),
                   autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


_env.filters["num"] = _fmt


def assumptions(sc: Scenario) -> list[dict[str, Any]]:
    """Every number in the scenario with its range, note and evidence, in file order."""
    rows: list[dict[str, Any]] = []

    def add(where: str, n: Num | None) -> None:
        if n is None:
            return
        rows.append({
            "where": where,
            "value": f"{n.value:g}",
            "range": f"{n.low:g} – {n.high:g}" if n.is_range else "",
            "assumed": n.assumed,
            "note": n.note or "",
            "evidence": n.evidence.quote if n.evidence else "",
        })

    for a in sc.actors:
        add(f"{a.name}: capability", a.capability)
    for i in sc.issues:
        add(f"{i.name}: status quo", i.status_quo)
    names = {a.id: a.name for a in sc.actors}
    issues = {i.id: i.name for i in sc.issues}
    for actor_id, stances in sc.positions.items():
        for issue_id, st in stances.items():
            add(f"{names[actor_id]} on {issues[issue_id]}: position", st.position)
            add(f"{names[actor_id]} on {issues[issue_id]}: salience", st.salience)
    for ch in sc.channels:
        add(f"channel {ch.name}: audience cost", ch.audience_cost)
    for key, p in sc.parameters.items():
        add(f"parameter {key}", p)
    return rows


SECTION_ORDER = ("games", "sim", "uncertainty")


def _order(name: str) -> tuple[int, str]:
    return (SECTION_ORDER.index(name) if name in SECTION_ORDER else len(SECTION_ORDER), name)


def build_html(analysis: Analysis) -> str:
    """The whole report as one self-contained HTML string."""
    from detente.report import sections  # registers the layer sections (it imports this module)

    sc = analysis.scenario
    arr = point_arrays(sc)
    names = {a.id: a.name for a in sc.actors}
    layer_sections = [
        {"id": name, "title": HTML_SECTIONS[name][0], "html": Markup(HTML_SECTIONS[name][1](result))}
        for name, result in sorted(analysis.layers.items(), key=lambda kv: _order(kv[0]))
        if name in HTML_SECTIONS
    ]
    known = sc.known_outcome
    flagged = [(o["issue"], o["model"]) for o in analysis.summary["outliers"]]
    forecasts = [
        {
            "issue": i,
            "status_quo": i.status_quo.value if i.status_quo else None,
            "models": [r.forecast_of(i.id) for r in analysis.models.values()],
            "outlier": [(i.id, m) in flagged for m in analysis.models],
            "known": known.values[i.id].value if known and i.id in known.values else None,
            "digits": scale_digits(i.scale.max - i.scale.min),  # as the terminal's table (H13)
        }
        for i in sc.issues
    ]
    template = _env.get_template("report.html.j2")
    return template.render(
        sc=sc,
        version=__version__,
        seed=analysis.seed,
        names=names,
        strong=analysis.strong,
        models=list(analysis.models),
        model_notes=[f"{k}: {n}" for k, r in analysis.models.items() for n in r.notes],
        forecasts=forecasts,
        claims=analysis.claims,
        summary=analysis.summary,
        assumptions=assumptions(sc),
        issue_map=Markup(plots.issue_map(sc, arr, analysis.models, flagged)),
        strength_chart=Markup(plots.strength_bars(sc, analysis.strong)),
        layer_sections=layer_sections,
        dynamics=Markup(sections.dynamics_section(sc, analysis.models) or ""),
        moves=Markup(sections.moves_table(sc) or ""),
    )
