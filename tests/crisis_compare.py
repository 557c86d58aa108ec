"""Shared by the crisis solver's bit-identity tests (test_crisis_speed.py against the frozen reference, C17;
test_crisis_levels.py round by round against depth first, P8): one comparison and one small rich model."""

from __future__ import annotations

from dataclasses import replace

from detente.games.crisis.model import CrisisModel, CrisisSolution


def same_nodes(a: CrisisSolution, b: CrisisSolution) -> None:
    """The same states solved in the same order, with the same strategies, children, values and ties (their
    reprs, so even the sign of a zero counts), and the same convergence, ties on the path and notes."""
    assert a.root == b.root
    assert list(a.nodes) == list(b.nodes)
    for key, ra in a.nodes.items():
        rb = b.nodes[key]
        for name in ("sigma_p", "sigma_r", "children", "values", "ties"):
            assert repr(getattr(ra, name)) == repr(getattr(rb, name)), (key, name)
    assert (a.converged, a.ties_on_path, a.notes) == (b.converged, b.ties_on_path, b.notes)


def rich_model(**kw) -> CrisisModel:  # type: ignore[no-untyped-def]
    """Three rounds, a three-point frontier, six offers, both sides uncertain; ``kw`` replaces fields."""
    m = CrisisModel(("A", "B"), ((0.0, 0.0, 1.0), (0.5, 0.7, 0.8), (1.0, 1.0, 0.0)),
                    tuple(i / 5 for i in range(6)), 0.1, 0.1, (0.6, 0.58, 0.56),
                    ((0.3, 0.7), (0.1, 0.4)), (0.5, 0.5), (0.05, 0.05), (0.1, 0.1),
                    (0.02, 0.02), (0.3, 0.3), 0.9)
    return replace(m, **kw)
