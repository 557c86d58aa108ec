"""Static charts as inline SVG (matplotlib), so a report opens with no network.

Figures are built without pyplot (no global state, safe in the web server's threads).
SVG output is made deterministic (fixed hash salt, no date) so the same analysis gives
the same report bytes.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from detente.models.base import ModelResult
from detente.models.strength import StrongPosition
from detente.scenario.arrays import Arrays
from detente.scenario.schema import Scenario

# Okabe & Ito (2008): distinguishable with the common colour-vision deficiencies (docs/DECISIONS.md X7)
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "purple": "#CC79A7",
             "vermillion": "#D55E00", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}
PALETTE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "purple", "vermillion", "sky", "black", "yellow")]
MARKERS = ["v", "^", "s", "D", "P", "X", "o", "h"]  # one shape per model, so colour is never the only cue
LEGEND_SIZE = 9
LABEL_SIZE = 8
ISSUE_MAP_MAX_LABELS = 60  # actor labels on one issue's row; above this the row is drawn without them


def to_svg(fig: Figure) -> str:
    """Render and close ``fig``; return the bare <svg> element."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "detente", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.find("<svg"):]


def renderer(fig: Figure) -> Any:
    """The figure's Agg renderer, for text extents (attaches an Agg canvas if it has none)."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()  # type: ignore[attr-defined]


def text_boxes(fig: Figure) -> list[tuple[Text, Bbox]]:
    """Every visible, non-empty text of the figure with its box in display units."""
    r = renderer(fig)
    fig.draw_without_rendering()  # legends and tick labels take their places at draw time
    return [(t, t.get_window_extent(r)) for t in dict.fromkeys(_drawn_texts(fig))
            if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0]


def _drawn_texts(fig: Figure) -> list[Text]:
    """The texts a reader sees: titles, axis labels, tick labels inside the view, annotations, legends."""
    out: list[Text] = list(fig.texts)
    legends = list(fig.legends)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.get_legend() is not None:
            legends.append(ax.get_legend())
        if not ax.axison:
            continue
        for axis in (ax.xaxis, ax.yaxis):
            out.append(axis.label)
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(1.0, abs(hi - lo))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if lo - eps <= tick.get_loc() <= hi + eps:
                    out += [tick.label1, tick.label2]
    for leg in legends:
        out += [*leg.get_texts(), leg.get_title()]
    return out


def _hit(a: Bbox, b: Bbox, pad: float = 0.5) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > pad and min(a.y1, b.y1) - max(a.y0, b.y0) > pad


def overlapping_labels(fig: Figure, pad: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than ``pad`` display units both ways (the test of
    a readable chart: tick labels, titles, legends, annotations)."""
    boxes = text_boxes(fig)
    return [(a.get_text(), b.get_text()) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:]
            if _hit(ba, bb, pad)]


def declutter(fig: Figure, movable: Sequence[Any], step: float = 8.0, tries: int = 14) -> None:
    """Nudge annotations (offsets in points) away from every other text, one at a time, left to
    right: each goes further in the direction of its offset until it overlaps nothing placed."""
    r = renderer(fig)
    moving = set(map(id, movable))
    fixed = [bb for t, bb in text_boxes(fig) if id(t) not in moving]
    # placed boxes as columns x0, x1, y0, y1: one vectorised test per try instead of a Python loop over
    # every box placed so far (2,500 labels at 250 actors x 10 issues took ~30 s); the same comparisons
    # as _hit, so the same placement
    placed = np.empty((len(fixed) + len(movable), 4))
    placed[:len(fixed)] = [(b.x0, b.x1, b.y0, b.y1) for b in fixed]
    k = len(fixed)
    # a label's box is measured once to sort and again only after it moves (it depends on nothing else)
    start = {id(t): t.get_window_extent(r) for t in movable}
    for t in sorted(movable, key=lambda t: start[id(t)].x0):
        x, y = t.xyann
        sign = -1.0 if y < 0 else 1.0
        bb = start[id(t)]
        for _ in range(tries):
            p = placed[:k]
            hit = ((np.minimum(bb.x1, p[:, 1]) - np.maximum(bb.x0, p[:, 0]) > -2.0)
                   & (np.minimum(bb.y1, p[:, 3]) - np.maximum(bb.y0, p[:, 2]) > -2.0))
            if not hit.any():  # keep a 2-pixel gap, not just no overlap
                break
            y += sign * step
            t.xyann = (x, y)
            bb = t.get_window_extent(r)
        placed[k] = (bb.x0, bb.x1, bb.y0, bb.y1)
        k += 1


def issue_map(sc: Scenario, arr: Arrays, models: dict[str, ModelResult],
              outliers: Sequence[tuple[str, str]] = ()) -> str:
    return to_svg(issue_map_fig(sc, arr, models, outliers))


def issue_map_fig(sc: Scenario, arr: Arrays, models: dict[str, ModelResult],
                  outliers: Sequence[tuple[str, str]] = ()) -> Figure:
    """One row per issue: actors' positions (size = effective power), status quo, each model's
    forecast (its own colour and shape; outliers ringed), and the coded outcome as a hollow
    diamond, on the issue's own scale. ``outliers``: (issue id, model) pairs to flag."""
    m = len(arr.issue_ids)
    fig = Figure(figsize=(9.0, 1.9 * m + 0.9))
    axes = fig.subplots(m, 1, squeeze=False)
    w = arr.weight
    known = sc.known_outcome.values if sc.known_outcome else {}
    flagged = set(outliers)
    labels: list[Any] = []
    crowded: list[int] = []
    for c, ax in enumerate(axes[:, 0]):
        issue = sc.issues[c]
        lo, hi = arr.lo[c], arr.hi[c]
        ax.hlines(0, lo, hi, color="#999", lw=1)
        has = arr.has[:, c]
        if has.any():
            sizes = 30 + 400 * w[has, c] / max(w[:, c].max(), 1e-12)
            ax.scatter(arr.position[has, c], np.zeros(has.sum()), s=sizes, color="#bbb", alpha=0.7,
                       edgecolor="#666", zorder=2, label="actors (size = power)")
            at: dict[float, list[str]] = {}  # actors at the same spot share one label
            for r in np.flatnonzero(has):
                at.setdefault(float(arr.position[r, c]), []).append(arr.actor_ids[r])
            if len(at) > ISSUE_MAP_MAX_LABELS:  # a row of hundreds of names is unreadable and slow to place
                crowded.append(c)
                at = {}
            for x, ids in sorted(at.items()):
                labels.append(ax.annotate(", ".join(ids), (x, 0), xytext=(0, 10), textcoords="offset points",
                                          ha="center", fontsize=LABEL_SIZE, color="#444"))
        if not np.isnan(arr.status_quo[c]):
            ax.axvline(arr.status_quo[c], color="black", lw=1.5, ls="--", label="status quo")
        for k, (name, res) in enumerate(models.items()):
            f = res.forecast[c]
            if not np.isnan(f):
                ax.plot([f], [-0.45], marker=MARKERS[k % len(MARKERS)], ms=9, color=PALETTE[k % len(PALETTE)],
                        mec="white", mew=0.6, ls="none", label=f"{name} forecast", zorder=3)
                if (issue.id, name) in flagged:
                    ax.plot([f], [-0.45], marker="o", ms=17, mfc="none", mec=OKABE_ITO["vermillion"], mew=1.6,
                            ls="none", label="outlier forecast (far from the other models)", zorder=3)
        if issue.id in known:
            ax.plot([known[issue.id].value], [-0.45], marker="D", ms=11, mfc="none", mec="black", mew=1.8,
                    ls="none", label="coded outcome (the author's coding, not a measurement)", zorder=4)
        ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
        ax.set_ylim(-0.9, 1.3)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_title(issue.name + (f" (actors at more than {ISSUE_MAP_MAX_LABELS} places: not labelled, see the "
                                   "strong-position table)" if c in crowded else ""), loc="left", fontsize=10)
        low, high = issue.scale.low or f"{lo:g}", issue.scale.high or f"{hi:g}"
        ax.set_xlabel(textwrap.shorten(f"{lo:g} = {low}   ·   {hi:g} = {high}", 150), fontsize=LABEL_SIZE)
        ax.tick_params(labelsize=LABEL_SIZE)
    seen: dict[str, object] = {}  # one legend entry per label, across all rows
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.9 / (1.9 * m + 0.9)))
    fig.legend(list(seen.values()), list(seen.keys()), loc="upper center", ncol=3, fontsize=LEGEND_SIZE,
               frameon=False, bbox_to_anchor=(0.5, 1.0))
    declutter(fig, labels)
    return fig


def strength_bars(sc: Scenario, strong: StrongPosition) -> str:
    return to_svg(strength_bars_fig(sc, strong))


def strength_bars_fig(sc: Scenario, strong: StrongPosition) -> Figure:
    """Each actor's gain against the status quo under the forecast, and its power share; long
    names wrap rather than being cut."""
    rows = strong.rows
    names = {a.id: a.name for a in sc.actors}
    labels = ["\n".join(textwrap.wrap(names.get(r.actor, r.actor), 30)[:3]) for r in rows][::-1]
    lines = max((lab.count("\n") + 1 for lab in labels), default=1)
    gains = [r.gain if r.gain is not None else 0.0 for r in rows][::-1]
    shares = [100 * r.power_share for r in rows][::-1]
    fig = Figure(figsize=(9.0, (0.28 + 0.16 * lines) * len(rows) + 1.2))
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(rows))
    ax1.barh(y, gains, color=[OKABE_ITO["green"] if g >= 0 else OKABE_ITO["vermillion"] for g in gains])
    ax1.axvline(0, color="black", lw=0.8)
    ax1.set_yticks(y, labels, fontsize=LABEL_SIZE)
    ax1.set_title("gain vs status quo", fontsize=10)
    ax2.barh(y, shares, color=OKABE_ITO["blue"])
    ax2.set_title("power share (%)", fontsize=10)
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    fig.tight_layout()
    fig.subplots_adjust(wspace=0.3)  # room between the panels' end ticks
    return fig


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str = "") -> str:
    return to_svg(bar_chart_fig(labels, values, title, xlabel))


def bar_chart_fig(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str = "") -> Figure:
    """A plain horizontal bar chart (outcome frequencies, Sobol indices); long labels wrap."""
    wrapped = ["\n".join(textwrap.wrap(str(lab), 44)) or str(lab) for lab in labels]
    lines = max((lab.count("\n") + 1 for lab in wrapped), default=1)
    fig = Figure(figsize=(7.5, (0.28 + 0.16 * lines) * len(labels) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(labels))
    ax.barh(y, values, color=PALETTE[0])
    ax.set_yticks(y, wrapped, fontsize=LABEL_SIZE)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.tick_params(axis="x", labelsize=LABEL_SIZE)
    fig.tight_layout()
    return fig
