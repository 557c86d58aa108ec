"""The exchange model (Stokman & Van Oosten 1994; the "Decide" equal-gain model), vectorised.

Each round: per issue the MDS (capability x salience weighted mean); all exchanges between
actors on opposite sides of the MDS on both issues of a pair; realisation in descending
gain with conflicts dropped (or recomputed: ``recalculate``); then every actor moves part
way toward its voting position, ``x' = x + (SALIENCE_WEIGHT (1 - s) + FIXED_WEIGHT)(y - x)``.
Forecast = MDS after the last round. ``random_rate > 0`` gives the random-rate variant (the gain split drawn at random).
Decisions: docs/DECISIONS.md, entries EX1-EX8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.models.base import Model, ModelResult, register
from detente.models.compromise import weighted_mean
from detente.models.exchange.exchanges import candidates
from detente.models.exchange.realise import greedy
from detente.models.exchange.recalc import realise_recalculating
from detente.scenario.arrays import Arrays


@register
class ExchangeModel(Model):
    name = "exchange"
    summary = "Stokman/Van Oosten position-exchange model (equal gain; random rate optional)"

    @dataclass(frozen=True)
    class Options:
        rounds: int = 10
        seed: int = 0  # tie-breaking and the random-rate draws
        random_rate: float = 0.0  # 0 = equal gain; (0, 1] = random-rate variant (Decide's p)
        salience_weight: float = 0.4
        fixed_weight: float = 0.1
        mds_check: bool = True  # the MDS may not pass the demander's position
        conflict: str = "supply"  # exchanges conflict on a shared supply slot, or any actor-issue
        stop_when_stable: bool = False
        keep_exchanges: int = 50  # realised exchanges listed per round in the details
        # drop exchanges that conflict with a realised one (False) or compute them again from
        # the new positions, as Decide does (True; equal gain only; DECISIONS EX3)
        recalculate: bool = False
        # "after": the forecast is the MDS after the last round's update; "dem": Decide's
        # "final round", the MDS at the start of the last round (before its update; F4)
        report: str = "after"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        o = self.options
        if o.rounds < 0:
            raise InputError("model 'exchange' option rounds must be >= 0", field="rounds")
        if not 0.0 <= o.random_rate <= 1.0:
            raise InputError("model 'exchange' option random_rate must lie in [0, 1]", field="random_rate")
        if min(o.salience_weight, o.fixed_weight) < 0 or o.salience_weight + o.fixed_weight > 1:
            raise InputError("model 'exchange' weights must be >= 0 and sum to at most 1",
                             field="salience_weight")
        if o.conflict not in ("supply", "actor_issue"):
            raise InputError("model 'exchange' option conflict must be 'supply' or 'actor_issue'",
                             field="conflict")
        if o.recalculate and o.random_rate > 0:
            raise InputError("model 'exchange' option recalculate works with equal gain only "
                             "(random_rate 0)", field="recalculate")
        if o.report not in ("after", "dem"):
            raise InputError("model 'exchange' option report must be 'after' or 'dem'", field="report")

    def run_arrays(self, arr: Arrays) -> ModelResult:
        if arr.position.ndim != 2:
            raise InputError("model 'exchange' runs on one scenario at a time, not a batch")
        o = self.options
        rng = np.random.default_rng(o.seed)
        n, m = arr.position.shape
        w = arr.weight
        s = np.where(arr.has, arr.salience, 0.0)
        x = arr.filled_position.astype(float).copy()
        lo, hi = arr.lo[None, :], arr.hi[None, :]
        mds_hist = [weighted_mean(x, w)]
        rounds: list[dict[str, Any]] = []
        for t in range(o.rounds):
            mds = mds_hist[-1]
            finite_mds = np.nan_to_num(mds, nan=np.inf)
            cand = candidates(x, s, w, finite_mds, o.mds_check, o.random_rate, rng)
            if o.recalculate:
                done, y = realise_recalculating(cand, x, s, w, w.sum(axis=0), finite_mds,
                                                np.asarray(arr.hi - arr.lo, dtype=float), rng)
            else:
                done = cand.take(greedy(cand, n, m, o.conflict, rng))
                y = x.copy()
                y[done.j, done.p] += done.move_j
                y[done.i, done.q] += done.move_i
            y = np.clip(y, lo, hi)
            step = o.salience_weight * (1.0 - s) + o.fixed_weight
            x = np.where(arr.has, x + step * (y - x), x)
            mds_hist.append(weighted_mean(x, w))
            rounds.append(_round_record(t + 1, arr, cand.i.size, done, o.keep_exchanges))
            if o.stop_when_stable and done.i.size == 0:
                break
        notes = []
        if o.report == "dem" and len(mds_hist) > 1:
            # Decide's round r reports the MDS at the start of round r: its last round is the MDS
            # before the last update
            final = mds_hist[-2]
            notes.append(f"rounds reported as Decide does: the forecast is the MDS at the start of round "
                         f"{len(mds_hist) - 1}, before that round's update")
        else:
            final = mds_hist[-1]
        if np.isnan(final).any():
            empty = [i for i, v in zip(arr.issue_ids, final, strict=True) if np.isnan(v)]
            notes.append(f"no weight on {', '.join(empty)}: no forecast there")
        return self._result(
            arr, final,
            actor_figures={"final_position": np.where(arr.has, x, np.nan),
                           "moved": np.where(arr.has, x - arr.filled_position, np.nan)},
            details={
                "forecast_is": ("MDS (capability x salience weighted mean) at the start of the last round "
                                "(Decide's 'final round')" if o.report == "dem" else
                                "MDS (capability x salience weighted mean) after the last round"),
                "mds_by_round": [{i: _f(v) for i, v in zip(arr.issue_ids, row, strict=True)}
                                 for row in mds_hist],
                "rounds": rounds,
            },
            notes=notes,
        )


def _f(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _round_record(t: int, arr: Arrays, n_cand: int, done: Any, keep: int) -> dict[str, Any]:
    a, iss = arr.actor_ids, arr.issue_ids
    listed = [
        {"i": a[done.i[k]], "j": a[done.j[k]], "p": iss[done.p[k]], "q": iss[done.q[k]],
         "move_j_on_p": float(done.move_j[k]), "move_i_on_q": float(done.move_i[k]),
         "gain_i": float(done.gain_i[k]), "gain_j": float(done.gain_j[k])}
        for k in range(min(keep, done.i.size))
    ]
    return {"round": t, "candidates": int(n_cand), "realised": int(done.i.size),
            "total_gain": float((done.gain_i + done.gain_j).sum()), "exchanges": listed}
