"""Static charts as inline SVG (matplotlib), so a report opens with no network.

Figures are built without pyplot (no global state, safe in the web server's threads).
SVG output is made deterministic (fixed hash salt, no date) so the same analysis gives
the same report bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from detente.models.base import ModelResult
from detente.models.strength import StrongPosition
from detente.scenario.arrays import Arrays
from detente.scenario.schema import Scenario

PALETTE = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#c36f09"]


def to_svg(fig: Figure) -> str:
    """Render and close ``fig``; return the bare <svg> element."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "detente", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.find("<svg"):]


def issue_map(sc: Scenario, arr: Arrays, models: dict[str, ModelResult]) -> str:
    """One row per issue: actors' positions (size = effective power), status quo,
    each model's forecast and the known outcome, on the issue's own scale."""
    m = len(arr.issue_ids)
    fig = Figure(figsize=(8.5, 1.25 * m + 0.6))
    axes = fig.subplots(m, 1, squeeze=False)
    w = arr.weight
    known = sc.known_outcome.values if sc.known_outcome else {}
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
            for x, ids in at.items():
                ax.annotate(", ".join(ids), (x, 0), xytext=(0, 9), textcoords="offset points",
                            ha="center", fontsize=7, color="#555")
        if not np.isnan(arr.status_quo[c]):
            ax.axvline(arr.status_quo[c], color="black", lw=1.5, ls="--", label="status quo")
        for k, (name, res) in enumerate(models.items()):
            f = res.forecast[c]
            if not np.isnan(f):
                ax.plot([f], [-0.35], marker="v", ms=9, color=PALETTE[k % len(PALETTE)], ls="none",
                        label=f"{name} forecast")
        if issue.id in known:
            ax.plot([known[issue.id].value], [-0.35], marker="*", ms=14, color="#c00", ls="none",
                    label="known outcome")
        ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
        ax.set_ylim(-0.8, 0.8)
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_title(issue.name, loc="left", fontsize=9)
        low, high = issue.scale.low or f"{lo:g}", issue.scale.high or f"{hi:g}"
        ax.set_xlabel(f"{lo:g} = {low}   ·   {hi:g} = {high}", fontsize=7)
    seen: dict[str, object] = {}  # one legend entry per label, across all rows
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    fig.legend(list(seen.values()), list(seen.keys()), loc="upper center", ncol=4, fontsize=7,
               frameon=False, bbox_to_anchor=(0.5, 1.0 + 0.25 / m))
    fig.tight_layout()
    return to_svg(fig)


def strength_bars(sc: Scenario, strong: StrongPosition) -> str:
    """Each actor's gain against the status quo under the forecast, and its power share."""
    rows = strong.rows
    names = {a.id: a.name for a in sc.actors}
    labels = [names.get(r.actor, r.actor)[:32] for r in rows][::-1]
    gains = [r.gain if r.gain is not None else 0.0 for r in rows][::-1]
    shares = [100 * r.power_share for r in rows][::-1]
    fig = Figure(figsize=(8.5, 0.35 * len(rows) + 1.2))
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(rows))
    ax1.barh(y, gains, color=["#2a9d8f" if g >= 0 else "#e76f51" for g in gains])
    ax1.axvline(0, color="black", lw=0.8)
    ax1.set_yticks(y, labels, fontsize=8)
    ax1.set_title("gain vs status quo", fontsize=9)
    ax2.barh(y, shares, color="#1b6ca8")
    ax2.set_title("power share (%)", fontsize=9)
    fig.tight_layout()
    return to_svg(fig)


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str = "") -> str:
    """A plain horizontal bar chart (used by layer sections such as outcome frequencies)."""
    fig = Figure(figsize=(6.5, 0.35 * len(labels) + 1.0))
    ax = fig.subplots()
    y = np.arange(len(labels))
    ax.barh(y, values, color=PALETTE[0])
    ax.set_yticks(y, list(labels), fontsize=8)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=9, loc="left")
    ax.set_xlabel(xlabel, fontsize=8)
    fig.tight_layout()
    return to_svg(fig)
