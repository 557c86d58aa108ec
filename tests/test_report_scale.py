"""Charts at KTAB's 250 actors stay a bounded size (issue 18): the quadrant map's grid is capped,
and an issue map row with more actors than it can label says so instead of placing hundreds of names."""

from __future__ import annotations

import math
from types import SimpleNamespace

from detente.models import get_model
from detente.report import plots, sections
from detente.scenario.arrays import point_arrays
from detente.scenario.loader import load_scenario_text

ORDER = ["confrontation", "compromise", "capitulation", "stalemate"]


def _eum(n: int) -> SimpleNamespace:
    acts = [f"a{k}" for k in range(n)]
    quad = {a: {b: ORDER[(i + j) % 4] for j, b in enumerate(acts)} for i, a in enumerate(acts)}
    return SimpleNamespace(details={"issues": {"x": {"quadrants_first_round": quad}}})


def _scenario(n: int) -> str:
    out = ["detente: 1", "meta: {id: crowd, title: Crowd, perspective: synthetic}", "actors:"]
    out += [f"  - {{id: a{k}, name: Actor {k}, capability: {1 + k % 7}}}" for k in range(n)]
    out += ["issues:", "  - {id: x, name: Issue X, status_quo: 50}", "positions:"]
    out += [f"  a{k}: {{x: {{position: {100 * k / (n - 1):.3f}, salience: 0.5}}}}" for k in range(n)]
    return "\n".join(out) + "\n"


def test_quadrant_map_small_is_half_an_inch_a_cell_with_every_actor_labelled():
    fig = sections.quadrant_fig(_eum(10), "x")
    assert tuple(fig.get_size_inches()) == (0.5 * 10 + 3.6, 0.5 * 10 + 1.6)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"a{k}" for k in range(10)]
    assert "labelled" not in ax.get_title(loc="left")


def test_quadrant_map_at_250_actors_is_capped_and_labels_one_actor_in_k():
    fig = sections.quadrant_fig(_eum(250), "x")
    w, h = fig.get_size_inches()
    assert math.isclose(w, sections.QUADRANT_MAX_SIDE + 3.6) and math.isclose(h, sections.QUADRANT_MAX_SIDE + 1.6)
    every = math.ceil(0.15 / (sections.QUADRANT_MAX_SIDE / 250))  # 3
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [f"a{k}" for k in range(0, 250, every)]
    assert f"one actor in {every} labelled" in fig.axes[0].get_title(loc="left")


def test_issue_map_labels_actors_up_to_the_limit_and_says_when_it_does_not():
    for n, labelled in ((plots.ISSUE_MAP_MAX_LABELS, True), (plots.ISSUE_MAP_MAX_LABELS + 1, False)):
        sc = load_scenario_text(_scenario(n))
        arr = point_arrays(sc)
        fig = plots.issue_map_fig(sc, arr, {"compromise": get_model("compromise").run_arrays(arr)})
        ax = fig.axes[0]
        names = {t.get_text() for t in ax.texts}
        assert ("a0" in names) is labelled
        assert ("not labelled" in ax.get_title(loc="left")) is not labelled
