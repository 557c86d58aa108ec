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


def scale_digits(span: float) -> int:
    """Decimals that show an issue's values to about 1% of its scale: one on a 0-100 scale, two on 0-1
    (H13: a 0-1 scale printed to one decimal turned a coded 0.35 into '0.3' and hid every interval)."""
    import math

    if not span > 0 or not math.isfinite(span):
        return 1
    return max(1, min(6, 2 - math.floor(math.log10(span))))
