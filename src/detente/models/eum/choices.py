"""The named readings of the expected-utility model's string options, in a fixed order.

One table for the option check (model.py) and the compiled kernel, which takes each reading
as its index here (compiled.py).
"""

from __future__ import annotations

CHOICES: dict[str, tuple[str, ...]] = {
    "voter": ("median", "mean"),
    "forecast_stat": ("median", "mean"),
    "probability": ("alliance", "alliance_excl", "scholz_code"),
    "t_rule": ("median_closer", "better", "worse"),
    "salience_lead": ("responder", "challenger"),
    "security": ("challengers", "challenged"),
    "compromise_sign": ("figure", "text"),
    "offer_selection": ("smallest_move", "type_priority", "scholz_code", "highest_eu", "mutual"),
    "perspective": ("own", "receiver"),
    "span": ("scale", "positions"),
    "kernel": ("auto", "numpy", "compiled"),
}
