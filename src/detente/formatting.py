"""Number formatting shared by the analysis layers and the reports (kept light: no heavy imports)."""

from __future__ import annotations


def pct(x: float) -> str:
    """A share as a percentage with no false precision: 100% only when it is exactly 1."""
    if x >= 1.0:
        return "100%"
    if x <= 0.0:
        return "0%"
    v = 100 * x
    if v >= 99.95:
        return ">99.9%"
    if v < 0.05:
        return "<0.1%"
    return f"{v:.1f}".rstrip("0").rstrip(".") + "%"
