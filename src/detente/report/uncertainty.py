"""Terminal tables for sweeps and sensitivity: intervals, claim probabilities, tornado, flips."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from detente.report.terminal import LAYER_RENDERERS


def _f(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def forecast_intervals(forecasts: dict[str, dict[str, Any]], title: str,
                       digits: dict[str, int] | None = None) -> Table:
    """``digits``: decimals per issue, from its scale (formatting.scale_digits; default 1)."""
    t = Table(title=title, title_justify="left")
    for col in ("model", "issue", "median", "50%", "80%", "95%"):
        t.add_column(col, justify="left" if col in ("model", "issue") else "right")
    for model, issues in forecasts.items():
        for issue, d in issues.items():
            if not d.get("n"):
                t.add_row(model, issue, "–", "–", "–", "–")
                continue
            iv = d["intervals"]
            k = (digits or {}).get(issue, 1)
            t.add_row(model, issue, _f(d["median"], k),
                      *(f"{_f(iv[q][0], k)}–{_f(iv[q][1], k)}" for q in ("50", "80", "95")))
    return t


def count_cell(d: dict[str, Any] | None) -> str:
    """'199/200 (99.5%; 95% CI 97.2–>99.9%)', the one way a count is written (X3)."""
    from detente.formatting import pct

    if not d or not d.get("evaluated"):
        return "not evaluated"
    k, n = d.get("holds"), d["evaluated"]
    if k is None:
        k = round(d["probability"] * n)
    iv = d.get("interval")
    ci = f"; 95% CI {pct(iv[0])}–{pct(iv[1])}" if iv else ""
    by = {"games": " — crisis game draws", "sim": " — simulated runs",
          "sim_draws": " — one simulated run per draw, logit players"}.get(d.get("counted_by") or "", "")
    return f"{k}/{n} ({pct(k / n)}{ci}){by}"


SIM_NOT_WIDENED = "not evaluated: the simulation's runs draw the stated ranges only"
NOT_COUNTED = "no layer counts it over draws (see the claims table)"


def wider_cell(stated: dict[str, Any] | None, wide: dict[str, Any] | None) -> str:
    """The 'ranges ×2' cell: the count, or why there is none (H13: a bare 'not evaluated' beside the
    simulation's count)."""
    if wide and wide.get("evaluated"):
        return count_cell(wide)
    if stated and stated.get("counted_by") == "sim":
        return SIM_NOT_WIDENED
    return "not evaluated"


def claim_probabilities(claims: dict[str, dict[str, Any]], texts: dict[str, str] | None = None,
                        wider: dict[str, dict[str, Any]] | None = None, wider_label: str = "",
                        missing: dict[str, str] | None = None, stated_label: str = "stated ranges") -> Table:
    """Held/evaluated draws per claim with a Clopper-Pearson interval; ``missing``: claims not
    evaluated here and why; ``stated_label``: what was drawn (a sweep's --widen/--dist change it)."""
    t = Table(title="Probability that each claim holds (draws where it holds / draws evaluated)",
              title_justify="left")
    t.add_column("claim")
    t.add_column(stated_label, justify="right")
    if wider is not None:
        t.add_column(f"{wider_label}", justify="right")
    for cid, d in claims.items():
        label = f"{cid}: {texts[cid]}" if texts and cid in texts else cid
        cell = count_cell(d)
        row = [label, Text(cell, style="yellow") if cell == "not evaluated" else cell]
        if wider is not None:
            row.append(wider_cell(d, wider.get(cid)))
        t.add_row(*row)
    for cid, why in (missing or {}).items():
        label = f"{cid}: {texts[cid]}" if texts and cid in texts else cid
        t.add_row(label, Text(f"not evaluated here: {why}", style="dim"), *([""] if wider is not None else []))
    if not claims and not missing:  # an empty table under its title read as a failure to print (H15)
        t.caption = "(the scenario states no claims)"
    return t


def outcome_line(outcome: dict[str, float] | None, sc: Any = None, label: str = "over the draws") -> Text:
    """The outcome-class shares over a sweep's draws, or why there are none (what would give them, and
    only what applies to ``sc``: H12 found both hints printed for a scenario with neither layer)."""
    if not outcome:
        why = []
        if sc is None or sc.simulation is not None:
            why.append("needs a per-draw layer: detente sweep --per-draw-layers")
        else:
            why.append("the scenario has no 'simulation:' section to run per draw")
        game_claim = sc is None or any(c.check.kind == "outcome_class" and c.check.layer in ("games", "any")
                                       for c in sc.claims)
        if sc is None or (sc.games is not None and game_claim):  # H13: said with no such claim in the scenario
            why.append("a claim on the crisis game's outcome class is counted above")
        return Text(f"Outcome-class shares: not tallied over the draws ({why[0]})"
                    + "".join(f"; {w}" for w in why[1:]) + ".", style="italic")
    parts = ", ".join(f"{k} {v:.1%}" for k, v in outcome.items() if v > 0)
    return Text(f"Outcome class {label}: {parts}")


def tornado_table(rows: list[dict[str, Any]], output: str, top: int = 8) -> Table:
    t = Table(title=f"Tornado: {output} (each assumption alone at its low and high end)", title_justify="left")
    for col in ("assumption", "range", "at low", "at high", "swing"):
        t.add_column(col, justify="left" if col == "assumption" else "right")
    for r in rows[:top]:
        t.add_row(r["param"], f"{r['low']:g}–{r['high']:g}", _f(r["at_low"]), _f(r["at_high"]), _f(r["swing"]))
    return t


SOBOL_NOISE = ("An index outside [0, 1], or a first-order index above its total, is estimation noise (an output "
               "that moves in steps, or too few samples: raise --samples); read the ranking, not the value.")


def sobol_table(sobol: dict[str, Any], top: int = 3) -> Table:
    t = Table(title=f"Sobol indices (SALib, {sobol.get('runs', 0)} runs): top assumptions per output",
              title_justify="left")
    t.add_column("output")
    t.add_column("assumption")
    t.add_column("total (ST)", justify="right")
    t.add_column("first order (S1)", justify="right")
    names = sobol.get("parameters", [])
    outside = False
    for out, idx in sobol.get("indices", {}).items():
        ranked = [j for j in sorted(range(len(names)), key=lambda j: -(idx["ST"][j] or 0.0))[:top]
                  if (idx["ST"][j] or 0.0) >= 0.01]
        for n, j in enumerate(ranked):
            t.add_row(out if n == 0 else "", names[j], _f(idx["ST"][j], 3), _f(idx["S1"][j], 3))
            outside |= any(v is not None and not -0.05 <= v <= 1.05 for v in (idx["ST"][j], idx["S1"][j]))
            # S1 <= ST by definition: 1.008 above 0.997 at --samples 64 went unremarked (H15)
            outside |= idx["S1"][j] is not None and idx["ST"][j] is not None and idx["S1"][j] > idx["ST"][j] + 0.005
    if outside:  # an index is a share of variance: a value beyond [0, 1] is the estimator's noise
        t.caption = SOBOL_NOISE
    return t


def flips_table(flips: dict[str, Any], top: int = 3) -> Table:
    t = Table(title="Flip finder: smallest single change that turns a verdict", title_justify="left")
    for col in ("verdict now", "assumption", "mode", "flips at", "range widths", "within range", "becomes"):
        t.add_column(col, justify="left" if col in ("verdict now", "assumption", "becomes") else "right")
    base = flips.get("base", {})
    for out, rows in flips.get("flips", {}).items():
        for n, r in enumerate(rows[:top]):
            t.add_row(f"{out}: {base.get(out, '')}" if n == 0 else "", r["param"], f"{r['mode']:g}",
                      f"{r['flips_at']:.3g}", _f(r["change_in_widths"], 2), "yes" if r["within_range"] else "no",
                      r["to"])
        if not rows:
            t.add_row(f"{out}: {base.get(out, '')}", "no single assumption flips it", "", "", "", "", "")
    return t


def render_uncertainty(result: Any) -> RenderableType:
    """The analysis section: intervals, claim probabilities (article's vs wider ranges), sensitivities."""
    d = result.to_dict() if hasattr(result, "to_dict") else result
    texts = d.get("claim_texts") or {}
    here = set(d["claims"]) | set(d["wider"]["claims"])
    missing = {cid: NOT_COUNTED for cid in texts if cid not in here}
    stated = {cid: d["claims"].get(cid, {}) for cid in texts if cid in here}
    parts: list[RenderableType] = [
        Text(f"Uncertainty: {d['draws']} draws over {len(d['parameters'])} ranged assumptions "
             f"(seed {d['seed']}); wider = ranges stretched ×{d['wider']['factor']:g} about the mode",
             style="bold"),
        forecast_intervals(d["forecasts"], "Forecast intervals under the stated ranges", d.get("issue_digits")),
        claim_probabilities(stated, texts, d["wider"]["claims"], f"ranges ×{d['wider']['factor']:g}", missing),
    ]
    if d.get("sobol", {}).get("indices"):
        parts.append(sobol_table(d["sobol"]))
    if d.get("flips", {}).get("flips"):
        parts.append(flips_table(d["flips"]))
    return Group(*parts)


LAYER_RENDERERS["uncertainty"] = render_uncertainty
