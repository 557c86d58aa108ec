"""HTML sections for the layers above the static models: games, simulation, uncertainty,
and the dynamic models' trajectories and quadrant map.

Each section reads the layer's own result (its ``to_dict()`` or, for games, the solved
tree) so the report shows exactly what the JSON says.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from detente.models.base import ModelResult
from detente.report.crisis import rounds_table
from detente.report.html import register_html_section
from detente.report.plots import LABEL_SIZE, LEGEND_SIZE, OKABE_ITO, PALETTE, bar_chart, declutter, to_svg
from detente.report.uncertainty import SOBOL_NOISE
from detente.scenario.schema import Scenario

MAX_TREE_NODES = 160  # larger trees are described, not drawn

QUADRANT_MAX_SIDE = 14.0  # inches of grid in a quadrant map, whatever the number of actors
QUADRANT_COLOURS = {"confrontation": OKABE_ITO["vermillion"], "compromise": OKABE_ITO["orange"],
                    "capitulation": OKABE_ITO["blue"], "stalemate": "#bbbbbb", "none": "#ffffff"}


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


# -- games -------------------------------------------------------------------------------------

def game_tree_svg(run: Any) -> str | None:
    fig = game_tree_fig(run)
    return None if fig is None else to_svg(fig)


def game_tree_fig(run: Any) -> Figure | None:
    """The game tree, leaves left to right and numbered (their outcomes and payoffs are in the table
    under it, readable at any size), with the equilibrium path drawn thick."""
    from detente.games.evaluate import reach_probs
    from detente.games.tree import TERMINAL

    game = run.game
    if len(game) > MAX_TREE_NODES:
        return None
    reach = reach_probs(game, run.solution.profile)
    x, depth, leaves = _tree_layout(game)
    max_depth = max(depth.values())
    fig = Figure(figsize=(min(18.0, 1.5 + 0.55 * len(leaves)), 1.4 + 1.3 * max_depth))
    ax = fig.subplots()
    path_colour = OKABE_ITO["vermillion"]
    edge_labels = []
    for node in depth:
        if game.kind[node] == TERMINAL:
            continue
        actions = game.actions_of(node)
        for action, child in zip(actions, game.children[node], strict=True):
            on_path = reach[child] > 1e-9 and reach[node] > 1e-9
            ax.plot([x[node], x[child]], [-depth[node], -depth[child]], color=path_colour if on_path else "#bbb",
                    lw=2.8 if on_path else 0.9, zorder=1)
            at = 0.62  # nearer the child, where siblings' edges are further apart
            edge_labels.append(ax.annotate(
                action, (x[node] + at * (x[child] - x[node]), -depth[node] - at * (depth[child] - depth[node])),
                xytext=(0, 0), textcoords="offset points", fontsize=LABEL_SIZE, ha="center", va="center",
                color="#222", fontweight="bold" if on_path else "normal",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9}))
        k = game.player_of(node)
        player = game.players[k] if k >= 0 else "chance"
        ax.scatter([x[node]], [-depth[node]], s=110, color=PALETTE[k % len(PALETTE)] if k >= 0 else "#666",
                   zorder=2)
        ax.annotate(player, (x[node], -depth[node]), xytext=(0, 9), textcoords="offset points", ha="center",
                    fontsize=LABEL_SIZE + 1, fontweight="bold")
    for n, node in enumerate(leaves, start=1):
        on_path = reach[node] > 1e-9
        ax.scatter([x[node]], [-depth[node]], marker="s", s=40, color=path_colour if on_path else "#999", zorder=2)
        ax.annotate(str(n), (x[node], -depth[node]), xytext=(0, -8), textcoords="offset points", ha="center",
                    va="top", fontsize=LABEL_SIZE + 1, color=path_colour if on_path else "#333",
                    fontweight="bold" if on_path else "normal")
    ax.set_axis_off()
    ax.set_ylim(-max_depth - 0.7, 0.6)
    ax.set_xlim(-0.7, len(leaves) - 0.3)
    ax.set_title(f"{game.title}: equilibrium path thick; leaves numbered (payoffs in the table below)",
                 fontsize=10, loc="left")
    fig.tight_layout()
    # edge labels step sideways-free: up or down by a few points until clear of every other text
    for t in edge_labels:
        t.xyann = (0, 0.01)
    declutter(fig, edge_labels, step=5.0, tries=8)
    return fig


def _tree_layout(game: Any) -> tuple[dict[int, float], dict[int, int], list[int]]:
    """x of every node (leaves 0, 1, 2, ... depth-first; parents centred), depth, leaves in order."""
    x: dict[int, float] = {}
    depth: dict[int, int] = {game.root: 0}
    leaves: list[int] = []
    stack = [game.root]
    while stack:
        node = stack.pop()
        kids = game.children[node]
        for c in kids:
            depth[c] = depth[node] + 1
        if not kids:
            x[node] = float(len(leaves))
            leaves.append(node)
        stack.extend(reversed(kids))
    for node in sorted(depth, key=lambda n: -depth[n]):
        if game.children[node]:
            x[node] = float(np.mean([x[c] for c in game.children[node]]))
    return x, depth, leaves


def leaf_table(run: Any) -> str:
    """Outcome, class and payoffs of each numbered leaf of the drawn tree."""
    from detente.games.evaluate import reach_probs

    game = run.game
    reach = reach_probs(game, run.solution.profile)
    _, _, leaves = _tree_layout(game)
    rows = []
    for n, node in enumerate(leaves, start=1):
        pay = ", ".join(f"{p} {v:+.2f}" for p, v in zip(game.players, game.payoff[node] or (), strict=False))
        mark = "on the path" if reach[node] > 1e-9 else ""
        rows.append([n, game.outcome[node] or "", game.outcome_class[node] or "", pay, mark])
    return _table(["leaf", "outcome", "class", "payoffs", ""], rows)


@register_html_section("games", "Crisis game")
def games_section(run: Any) -> str:
    d = run.to_dict()
    parts = [f"<p><strong>{escape(d.get('title') or d['template'])}</strong>: {escape(d['concept'])}, "
             f"method {escape(d['method'])}{'' if d['exact'] else ' (approximate)'}; {d['nodes']} nodes. "
             f"Predicted outcome: <strong>{escape(str(d.get('outcome_class')))}</strong>.</p>"]
    svg = game_tree_svg(run)
    parts.append(f'<div class="chart wide">{svg}</div><details><summary>leaves: outcomes and payoffs</summary>'
                 f"{leaf_table(run)}</details>" if svg else
                 f"<p class='muted'>The tree has {d['nodes']} nodes: too many to draw; the path is below.</p>")
    parts.append("<h3>Why each side does what it does</h3>" + _list(d.get("explanation", [])))
    if d.get("threshold_summary"):
        parts.append("<h3>Where the equilibrium would change</h3>" + _list(d["threshold_summary"]))
    r = d.get("ranges")
    if r and r.get("paths"):
        from detente.formatting import pct
  # the terminal's table (H13: the report had only the bottom line's share)
        ok = r["draws"] - r.get("failed", 0)
        notes = [x for x in (r.get("draws_note"), f"{r['failed']} draws could not be solved" if r.get("failed")
                             else None) if x]
        parts.append(f"<h3>Equilibrium paths over {ok} draws of the stated ranges</h3>"
                     + "".join(f"<p class='muted'>{escape(n)}.</p>" for n in notes)
                     + _table(["draws", "path"], [[f"{round(x['share'] * ok)}/{ok} ({pct(x['share'])})", x["path"]]
                                                  for x in r["paths"]]))
    for note in d.get("notes", []):
        parts.append(f"<p class='muted'>{escape(note)}</p>")
    if d.get("payoff_notes"):
        parts.append("<details><summary>How payoffs are built</summary>" + _table(
            ["term", "meaning"], [[k, v] for k, v in d["payoff_notes"].items()]) + "</details>")
    return "".join(parts)


# -- simulation --------------------------------------------------------------------------------

@register_html_section("sim", "Simulation")
def sim_section(result: Any) -> str:
    d = result.to_dict()
    freq = d.get("frequencies", {})
    parts = [f"<p>{d.get('runs')} seeded runs of {d.get('rounds')} rounds (seed {d.get('seed')}). "
             f"Most frequent outcome: <strong>{escape(str(d.get('modal_class')))}</strong>"
             + (f"; what happened: <strong>{escape(str(d['known_outcome']))}</strong>" if d.get("known_outcome")
                else "") + ".</p>"]
    pol = d.get("policy") or {}
    if pol.get("policy") == "crisis":
        model = pol.get("model_outcome_classes") or {}
        mixed = next((n for n in pol.get("notes", []) if "most likely choices" in n), None)
        parts.append("<p>The players play the general crisis model's strategies, each principal's resolve type drawn "
                     "per run (DECISIONS C14). The model's own outcome probabilities"
                     + (" (the third parties' likeliest choices)" if mixed else "") + ": "
                     + escape(", ".join(f"{c} {_pct(v)}" for c, v in model.items())) + "."
                     + "".join(f" Note: {escape(str(n))}." for n in (mixed, pol.get("extended"), pol.get("cut_short"))
                               if n) + "</p>")
    elif pol.get("why"):
        parts.append(f"<p class='muted'>Players: {escape(str(pol['why']))}.</p>")
    if pol.get("unplayed"):
        parts.append(f"<p class='muted'>Note: {escape(str(pol['unplayed']))}.</p>")
    if freq:
        parts.append('<div class="chart">' + bar_chart(list(freq), [100 * v for v in freq.values()],
                                                      "outcome classes over the runs", "% of runs") + "</div>")
    for comp in d.get("opinion_comparisons", []):
        def _when(side: str, comp: dict[str, Any] = comp) -> str:  # None was printed as "None" (H11)
            r = comp.get(f"median_round_{side}")
            return "median not reached" if r is None else f"median round {r:.0f}"

        parts.append(f"<p>{escape(comp['audience'])} {escape(comp.get('direction', 'reaches'))} "
                     f"{comp['threshold']:g} on {escape(comp['issue'])}: "
                     f"{_when('without')} without {escape(comp['without_move'])}, {_when('with')} with it; "
                     f"sooner without it in {_pct(comp.get('sooner_share'))} of paired runs.</p>")
    be = d.get("break_even") or {}
    texts = [s["text"] for p in be.get("players", []) for s in p.get("settings", []) if s.get("text")]
    if texts:
        parts.append("<h3>What would have had to be true for escalation</h3>"
                     f"<p class='muted'>{escape(be.get('criterion', ''))}</p>" + _list(texts))
    rep = d.get("representative") or {}
    if rep.get("log"):
        parts.append("<h3>One representative run</h3><details><summary>move-by-move log (click to open)</summary><pre>"
                     + escape("\n".join(rep["log"])) + "</pre></details>")
    return "".join(parts)


# -- uncertainty -------------------------------------------------------------------------------

def _interval_chart(forecasts: dict[str, dict[str, Any]], model: str) -> str:
    return to_svg(interval_fig(forecasts, model))


def interval_fig(forecasts: dict[str, dict[str, Any]], model: str) -> Figure:
    issues = [i for i in forecasts if forecasts[i].get("n")]  # an issue with no forecast has no interval (H13)
    fig = Figure(figsize=(7.5, 0.45 * len(issues) + 1.0))
    ax = fig.subplots()
    for k, issue in enumerate(issues):
        f = forecasts[issue]
        for level, width in (("95", 3), ("80", 6), ("50", 10)):
            lo, hi = f["intervals"][level]
            ax.plot([lo, hi], [k, k], color=PALETTE[0], lw=width, alpha=0.35 if level != "50" else 0.9,
                    solid_capstyle="butt")
        ax.plot([f["median"]], [k], marker="|", ms=14, color="black")
    ax.set_yticks(range(len(issues)), issues, fontsize=LABEL_SIZE)
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    ax.invert_yaxis()
    ax.set_title(f"{model} forecast: 50/80/95% intervals over the stated ranges", fontsize=10, loc="left")
    fig.tight_layout()
    return fig


@register_html_section("uncertainty", "Uncertainty and sensitivity")
def uncertainty_section(result: Any) -> str:
    d = result.to_dict()
    parts = [f"<p>{d['draws']} draws over every ranged number ({len(d.get('parameters', []))} of them), "
             f"seed {d['seed']}; and again with every range {d['wider']['factor']:g}× as wide.</p>"]
    for model, forecasts in d.get("forecasts", {}).items():
        if model != "compromise":
            continue
        none = [i for i, f in forecasts.items() if not f.get("n")]
        if len(none) < len(forecasts):  # all issues without a forecast gave a KeyError and no report (H13)
            parts.append('<div class="chart">' + _interval_chart(forecasts, model) + "</div>")
        if none:
            parts.append(f"<p class='muted'>No interval for {escape(', '.join(none))}: the {model} model gives no "
                         "forecast there in any draw (no actor has both salience and capability).</p>")
    from detente.report.uncertainty import NOT_COUNTED, count_cell, wider_cell

    rows = []
    texts = d.get("claim_texts", {})
    for cid in texts:
        got, wide = d.get("claims", {}).get(cid, {}), d["wider"]["claims"].get(cid, {})
        if not got and not wide:  # why, as the terminal says (H13: a bare 'not evaluated' twice)
            rows.append([cid, texts.get(cid, ""), f"not evaluated here: {NOT_COUNTED}", ""])
            continue
        rows.append([cid, texts.get(cid, ""), count_cell(got), wider_cell(got, wide)])
    if rows:
        parts.append("<h3>How likely each claim is to hold</h3><p class='muted'>Draws where the claim holds / "
                     "draws evaluated, with a 95% Clopper–Pearson interval: the same count as in the claims "
                     "table. Ranges ×2 is its own set of draws.</p>" + _table(
                         ["claim", "text", "stated ranges", f"ranges ×{d['wider']['factor']:g}"], rows))
    top = d.get("top_sensitivities") or {}
    if top:
        labels, values = [], []
        for out, items in top.items():
            for it in items:
                labels.append(f"{out.split('.')[-1]} ← {it['param']}")
                values.append(it["ST"])
        parts.append('<div class="chart">' + bar_chart(labels, values, "Sobol total-order indices (top 3 per "
                                                      "forecast)", "share of variance") + "</div>")
        if any(v is not None and not -0.05 <= v <= 1.05 for v in values):
            parts.append(f"<p class='muted'>{SOBOL_NOISE}</p>")
    flips = (d.get("flips") or {}).get("flips", {})
    flip_rows = [[out, f["param"], f"{f['mode']:g}", f"{f['flips_at']:.3g}", "yes" if f["within_range"] else "no",
                  f.get("to", "")] for out, items in flips.items() for f in items]
    if flip_rows:
        parts.append("<h3>Which assumption flips a verdict</h3>" + _table(
            ["output", "assumption", "now", "flips at", "within its stated range", "becomes"], flip_rows))
    return "".join(parts)


# -- dynamic models ----------------------------------------------------------------------------

def trajectories_svg(sc: Scenario, smp: ModelResult) -> str | None:
    fig = trajectories_fig(sc, smp)
    return None if fig is None else to_svg(fig)


LINESTYLES = ["-", "--", ":", "-."]


def trajectories_fig(sc: Scenario, smp: ModelResult) -> Figure | None:
    """Each actor's position per turn of the SMP, one panel per issue; one legend, beside the
    panels, at a readable size (colour and line style per actor)."""
    pos = smp.details.get("positions") or {}
    if not pos:
        return None
    issues = [i for i in smp.issue_ids if any(i in v for v in pos.values())]
    height = 2.1 * len(issues) + 0.6
    rows = max(4, int(height * 72 / (LEGEND_SIZE * 1.9)))  # legend rows that fit the figure's height
    ncol = -(-len(pos) // rows)
    width = 7.4 + 1.3 * ncol
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(len(issues), 1, squeeze=False, sharex=True)
    handles: dict[str, Any] = {}
    for ax, issue in zip(axes[:, 0], issues, strict=True):
        for k, (actor, per_issue) in enumerate(pos.items()):
            if issue in per_issue:
                ys = per_issue[issue]
                (line,) = ax.plot(range(len(ys)), ys, color=PALETTE[k % len(PALETTE)],
                                  ls=LINESTYLES[(k // len(PALETTE)) % len(LINESTYLES)], lw=1.5, label=actor)
                handles.setdefault(actor, line)
        scale = sc.issue(issue).scale
        pad = 0.04 * (scale.max - scale.min)
        ax.set_ylim(scale.min - pad, scale.max + pad)  # the issue's own scale, not matplotlib's margins
        ax.set_title(sc.issue(issue).name, fontsize=10, loc="left")
        ax.tick_params(labelsize=LABEL_SIZE)
    axes[-1, 0].set_xlabel("turn", fontsize=LABEL_SIZE)
    right = 7.4 / width
    fig.tight_layout(rect=(0, 0, right, 1), h_pad=1.2)
    fig.legend(list(handles.values()), list(handles), loc="upper left", bbox_to_anchor=(right, 0.99),
               fontsize=LEGEND_SIZE, frameon=False, ncol=ncol)
    return fig


def quadrant_svg(eum: ModelResult, issue: str) -> str | None:
    fig = quadrant_fig(eum, issue)
    return None if fig is None else to_svg(fig)


def quadrant_fig(eum: ModelResult, issue: str) -> Figure | None:
    """BdM's quadrant map of the first round: how each actor (row) sees each other actor (column)."""
    info = (eum.details.get("issues") or {}).get(issue) or {}
    if not info.get("quadrants_first_round"):
        return None
    from detente.models.eum.model import quadrant_labels

    quad = quadrant_labels(info["quadrants_first_round"])  # pairs, or rows of letters above 30 actors
    actors = list(quad)
    names = list(QUADRANT_COLOURS)
    grid = np.array([[names.index(quad[a].get(b, "none")) if a != b else names.index("none") for b in actors]
                     for a in actors])
    # half an inch a cell up to QUADRANT_MAX_SIDE inches, then smaller cells: at 250 actors a 0.5-inch
    # grid was a 129-inch figure whose Agg canvas took 5 GB and ~19 CPU s per issue (issue 18)
    cell = min(0.5, QUADRANT_MAX_SIDE / len(actors))
    every = max(1, math.ceil(0.15 / cell))  # an 8-point label needs ~0.15 inch: label every k-th actor
    fig = Figure(figsize=(cell * len(actors) + 3.6, cell * len(actors) + 1.6))
    ax = fig.subplots()
    from matplotlib.colors import ListedColormap

    ax.imshow(grid, cmap=ListedColormap(list(QUADRANT_COLOURS.values())), vmin=0, vmax=len(names) - 1)
    ticks = range(0, len(actors), every)
    ax.set_xticks(ticks, [actors[k] for k in ticks], fontsize=LABEL_SIZE, rotation=90)
    ax.set_yticks(ticks, [actors[k] for k in ticks], fontsize=LABEL_SIZE)
    note = f"; one actor in {every} labelled" if every > 1 else ""
    ax.set_title(f"{issue}: first-round relations\n(row's view of column{note})", fontsize=10, loc="left")
    for name in names[:-1]:
        ax.plot([], [], "s", color=QUADRANT_COLOURS[name], label=name)
    ax.legend(fontsize=LEGEND_SIZE, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def dynamics_section(sc: Scenario, models: dict[str, ModelResult]) -> str | None:
    parts = []
    smp = models.get("smp")
    if smp is not None and (svg := trajectories_svg(sc, smp)):
        parts.append("<h3>Position trajectories (KTAB spatial model)</h3><p class='muted'>Each actor's position "
                     f"turn by turn until the model stops. {escape(smp.details.get('forecast_method', ''))}</p>"
                     f'<div class="chart">{svg}</div>')
    eum = models.get("eum")
    if eum is not None:
        charts = [s for i in sc.issues if (s := quadrant_svg(eum, i.id))]
        if charts:
            parts.append("<h3>Expected-utility quadrant map</h3><p class='muted'>Bueno de Mesquita's "
                         "classification of each pair in the first round: confrontation (both expect to gain "
                         "from a challenge: escalation risk), compromise or capitulation (settlement), "
                         "stalemate (neither moves).</p>" + "".join(f'<div class="chart">{c}</div>' for c in charts))
    return "".join(parts) or None


def moves_table(sc: Scenario) -> str | None:
    """The scenario's moves with their evidence: what was played, in order, and what was on the menu."""
    if not sc.moves:
        return None
    names = {a.id: a.name for a in sc.actors}
    rows = []
    for m in sorted(sc.moves, key=lambda m: (m.step is None, m.step or 0)):
        rows.append(["–" if m.step is None else m.step, names.get(m.actor, m.actor), m.type.value,
                     m.channel or "", m.label or "", m.evidence.quote if m.evidence else ""])
    return _table(["step", "actor", "move", "channel", "what", "evidence"], rows)


@register_html_section("crisis", "Crisis model")
def crisis_section(result: Any) -> str:
    d = result.to_dict()
    probs = ", ".join(f"{escape(k)} {v:.2f}" for k, v in sorted(d["outcome_classes"].items(), key=lambda kv: -kv[1]))
    from detente.report.crisis import principals_line

    parts = [f"<p>{escape(d['concept'])}. {escape(principals_line(d))}. Outcome probabilities: {probs}; predicted "
             f"<strong>{escape(d['outcome_class'])}</strong>.</p>"]
    if d.get("notes"):  # e.g. a mediator's mix, which the mechanism's figures leave out (H11: not shown before)
        parts.append("<ul>" + "".join(f"<li>Note: {escape(n)}</li>" for n in d["notes"]) + "</ul>")
    mech = d.get("mechanism")
    if mech:
        parts.append(f"<h3>Mechanism: {escape(mech['mechanism'])}</h3><ul>"
                     + "".join(f"<li>{escape(x)}</li>" for x in mech["explanation"]) + "</ul>")
    chans = d.get("channels")
    if chans:
        parts.append("<h3>Public and closed channels</h3><p class='muted'>The proposer makes each offer on the "
                     "public or the closed channel (decision C18).</p><ul>"
                     + "".join(f"<li>{escape(x)}</li>" for x in chans["text"]) + "</ul>")
    eq = d["inputs"].get("third_party_equilibrium")
    if eq:
        how = ("by logit at the principals' precision, a fixed point with the principals' solution (decision C19)"
               if eq.get("lambda") is not None else "given the others' choices and the principals' solved game "
               "(decision C13)")
        parts.append("<h3>Third parties</h3><p class='muted'>Each chooses before the first round to stay out, join a "
                     f"side, pressure a side or mediate, {how}: {escape(eq['concept'])}; "
                     f"{'converged' if eq['converged'] else 'did not settle'}.</p><ul>"
                     + "".join(f"<li>{escape(r['why'])}</li>" for r in eq["parties"]) + "</ul>"
                     + ("<p>Ties: " + escape("; ".join(eq["ties"])) + "</p>" if eq["ties"] else ""))
        rows = [r for r in eq["parties"] if r.get("probabilities")]
        if rows and eq.get("lambda") is not None:
            # options differ between parties (C24: a join a party would not fight for is not offered to it)
            opts = list(dict.fromkeys(o for r in rows for o in r["options"]))
            head = "".join(f"<th>{escape(o)}</th>" for o in ("third party", *opts))
            body = "".join("<tr><td>" + escape(r["actor"]) + "</td>" + "".join(
                f"<td>{r['probabilities'][o]:.2f} ({r['options'][o]['net']:+.3f})</td>" if o in r["options"]
                else "<td>–</td>" for o in opts) + "</tr>" for r in rows)
            parts.append("<p class='muted'>Choice probabilities (net value of each option; – : not open to that "
                         "party):</p>"
                         f"<table><tr>{head}</tr>{body}</table>")
        if eq.get("proposals"):
            parts.append("<p>Mediation in the most likely configuration (" + escape(eq["mediation_reading"])
                         + ", proposal: "
                         + escape(eq["mediator_proposal"]) + ", split: " + escape(eq.get("mediated_split", "binding"))
                         + "): " + escape("; ".join(
                             f"{p['mediator']} proposes {p['division']:.2f} (its ideal {p['mediator_ideal']:.2f}), "
                             f"settled with probability {p['settled']:.2f}" for p in eq["proposals"])) + ".</p>")
    elif d["inputs"].get("third_parties"):
        parts.append("<h3>Third parties (stated rule, C7)</h3><ul>" + "".join(
            f"<li>{escape(r['actor'])} {escape(r.get('role', 'stays out'))}</li>" for r in d["inputs"]["third_parties"])
            + "</ul>")
    head = "".join(f"<th>{h}</th>" for h in ("round", "proposer", "offer", "p(challenger wins)", "responses"))
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rounds_table(d))
    parts.append("<h3>Round by round</h3><p class='muted'>Expected offer: share of the way to the challenger's "
                 f"position.</p><table><tr>{head}</tr>{body}</table>")
    if d["warnings"]:
        parts.append("<details><summary>Defaults used and warnings</summary><ul>"
                     + "".join(f"<li>{escape(w)}</li>" for w in d["warnings"]) + "</ul></details>")
    return "".join(parts)
