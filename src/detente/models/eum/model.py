"""The Bueno de Mesquita expected-utility ("challenge") model as reconstructed by Scholz,
Calbert & Smith (2011), with every documented ambiguity as a named option.

Defaults follow the common reading (Scholz's paper text); the ``scholz`` preset bundles
the choices that reproduce their published EC emissions run as closely as we can (see
docs/DECISIONS.md, entries E1-E12).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from detente.errors import InputError
from detente.models.base import Model, ModelResult, register
from detente.models.eum.batch import run_issue_batch
from detente.models.eum.choices import CHOICES as _CHOICES
from detente.models.eum.octants import LABELS
from detente.models.eum.rounds import IssueRun, run_issue
from detente.scenario.arrays import Arrays

PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    # Choices that jmckib's replication attributes to the code of Scholz et al.
    "scholz": {
        "probability": "scholz_code", "voter_risk": True, "perspective": "receiver",
        "offer_selection": "scholz_code", "capitulation_moves": False, "q": 1.0,
        "rounds": 8, "stop_when_stable": False,
    },
}


@register
class EumModel(Model):
    name = "eum"
    summary = "Bueno de Mesquita expected-utility (challenge) model, Scholz et al. 2011 reconstruction"

    @dataclass(frozen=True)
    class Options:
        preset: str = "default"
        voter: str = "median"  # mu in U_b/U_w: Condorcet (weighted) median or weighted mean
        forecast_stat: str = "median"  # the reported forecast per round
        probability: str = "alliance"  # P_i: alliance sum over all k, without i and j, or Scholz code
        voter_risk: bool = False  # bend each voter's distances by its own r in P (Scholz code)
        q: float = 1.0  # status-quo probability Q (Scholz chose 1.0 for the EC case)
        t_rule: str = "median_closer"  # T: 1 iff |x_i - mu| < |x_i - x_j|; or always better/worse
        salience_lead: str = "responder"  # A1: whose salience weighs the resist branch
        security: str = "challengers"  # A2: Sec_i = sum_j E^j(U_ji) (prose) or sum_j E^i(U_ij)
        compromise_sign: str = "figure"  # A3: figure 6 / symmetry, or the printed text
        offer_selection: str = "smallest_move"  # A4
        capitulation_moves: bool = True  # capitulation (compel) means a full move
        perspective: str = "own"  # exponents: each challenger's own, or the receiver's (Scholz code)
        risk: bool = True  # estimate r_i from security; off = everyone risk neutral
        rounds: int = 10
        stop_when_stable: bool = True
        tolerance: float = 1e-9  # "stable" = no position moves more than tolerance x range
        span: str = "scale"  # R: the issue's scale width, or the spread of starting positions
        kernel: str = "auto"  # batches of draws: compiled (Numba) when installed, else NumPy (U-K1)

    def __init__(self, **options: Any) -> None:
        preset = options.get("preset", "default")
        if preset not in PRESETS:
            raise InputError(f"model 'eum' has no preset '{preset}' (presets: {', '.join(PRESETS)})",
                             field="preset")
        super().__init__(**{**PRESETS[preset], **options})
        for name, allowed in _CHOICES.items():
            value = getattr(self.options, name)
            if value not in allowed:
                raise InputError(f"model 'eum' option {name}='{value}' is not one of "
                                 f"{', '.join(allowed)}", field=name)
        if not 0.0 <= self.options.q <= 1.0:
            raise InputError("model 'eum' option q must lie in [0, 1]", field="q")
        if self.options.rounds < 0:
            raise InputError("model 'eum' option rounds must be >= 0", field="rounds")
        if self.options.kernel == "compiled" and not _numba_available():
            raise InputError("model 'eum' option kernel='compiled' needs Numba: pip install 'detente[fast]'",
                             field="kernel")

    @property
    def kernel(self) -> str:
        """The kernel batches run on: ``compiled`` or ``numpy`` (``auto`` resolved)."""
        if self.options.kernel == "auto":
            return "compiled" if _numba_available() else "numpy"
        return self.options.kernel

    stat_labels: ClassVar[dict[int, str]] = LABELS
    batched: ClassVar[bool] = True  # run_arrays takes a leading batch axis (see run_batch, forecast_batch)

    def run_arrays(self, arr: Arrays) -> ModelResult:
        if arr.position.ndim == 3:
            return self.run_batch(arr)
        if arr.position.ndim != 2:
            raise InputError("model 'eum' takes arrays shaped (actors, issues) or (draws, actors, issues)")
        opt = self.options
        n, m = arr.position.shape
        forecast = np.full(m, np.nan)
        r_fig = np.full((n, m), np.nan)
        sec_fig = np.full((n, m), np.nan)
        final_fig = np.full((n, m), np.nan)
        issues: dict[str, Any] = {}
        notes: list[str] = []
        for c in range(m):
            rows = np.flatnonzero(arr.has[:, c])
            if rows.size == 0:
                notes.append(f"{arr.issue_ids[c]}: no actor takes a stance, so no forecast")
                continue
            x = arr.position[rows, c]
            span = float(arr.span[c]) if opt.span == "scale" else float(np.ptp(x))
            if not span > 0:
                span = max(float(np.ptp(x)), 1.0)
            run = run_issue(x, arr.capability[rows, c], arr.salience[rows, c], span, opt)
            traj = run.median if opt.forecast_stat == "median" else run.mean
            forecast[c] = traj[-1]
            final_fig[rows, c] = run.positions[-1]
            if run.risk:
                r_fig[rows, c] = run.risk[0]
                sec_fig[rows, c] = run.security[0]
            if float(np.sum(arr.capability[rows, c] * arr.salience[rows, c])) <= 0:
                notes.append(f"{arr.issue_ids[c]}: every actor has zero capability x salience; "
                             "positions cannot move the vote")
            issues[arr.issue_ids[c]] = _issue_details(run, [arr.actor_ids[k] for k in rows])
        return self._result(
            arr, forecast,
            actor_figures={"risk_exponent": r_fig, "security": sec_fig, "final_position": final_fig},
            details={"forecast_is": f"{opt.forecast_stat} voter position after the last round",
                     "issues": issues},
            notes=notes,
        )


    def run_batch(self, arr: Arrays) -> ModelResult:
        """All draws of a (B, n, m) batch at once: forecasts (B, m), the same numbers as one run per draw.

        Details are reduced to per-issue summaries (rounds run, share converged); the
        per-round trajectories and quadrant labels of a single run are not kept. With the
        compiled kernel the numbers agree with one run per draw to rounding (U-K1); with
        ``kernel='numpy'`` bit for bit.
        """
        forecast, figs, issues, notes = self._batch(arr, figures=True)
        return self._result(
            arr, forecast, actor_figures=figs,
            details={"forecast_is": f"{self.options.forecast_stat} voter position after the last round, per draw",
                     "kernel": self.kernel, "issues": issues},
            notes=notes,
        )

    def forecast_batch(self, arr: Arrays) -> np.ndarray:
        """(B, m) forecasts of a batch, without the per-actor figures (what a sweep reads)."""
        return self._batch(arr, figures=False)[0]

    def _batch(self, arr: Arrays, figures: bool) -> tuple[np.ndarray, dict[str, np.ndarray], dict, list[str]]:
        opt = self.options
        if self.kernel == "compiled":
            from detente.models.eum.compiled import run_issue_compiled as run_issues  # imports Numba
        else:
            run_issues = run_issue_batch
        b, n, m = arr.position.shape
        forecast = np.full((b, m), np.nan)
        # filled issue by issue below; NaN only where an actor takes no stance (no prefill of GBs)
        names = ("risk_exponent", "security", "final_position") if figures else ()
        figs = {k: np.empty((b, n, m)) for k in names}
        issues: dict[str, Any] = {}
        notes: list[str] = []
        has = arr.has
        for c in range(m):
            pattern = has[:, :, c]
            if not (b and pattern.all()):
                for fig in figs.values():
                    fig[:, :, c] = np.nan
            if b and not (pattern == pattern[0]).all():
                self._per_draw_issue(arr, c, forecast, figs)
                issues[arr.issue_ids[c]] = {"batched": False}
                continue
            rows = np.flatnonzero(pattern[0]) if b else np.empty(0, dtype=int)
            if rows.size == 0:
                notes.append(f"{arr.issue_ids[c]}: no actor takes a stance, so no forecast")
                continue
            x = arr.position[:, rows, c]
            ptp = np.ptp(x, axis=1)
            span = np.full(b, float(arr.span[c])) if opt.span == "scale" else ptp.astype(float)
            span = np.where(span > 0, span, np.maximum(ptp, 1.0))
            run = run_issues(x, arr.capability[:, rows, c], arr.salience[:, rows, c], span, opt)
            forecast[:, c] = run.forecast
            if figures:
                at = slice(None) if rows.size == n else rows
                figs["final_position"][:, at, c] = run.final
                figs["risk_exponent"][:, at, c] = run.risk
                figs["security"][:, at, c] = run.security
            issues[arr.issue_ids[c]] = {"batched": True, "rounds_run_max": int(run.rounds.max(initial=0)),
                                        "converged_share": float(run.converged.mean()) if b else 0.0}
        return forecast, figs, issues, notes

    def _per_draw_issue(self, arr: Arrays, c: int, forecast: np.ndarray, figs: dict[str, np.ndarray]) -> None:
        """Fallback when the actors with a stance on issue ``c`` differ between draws."""
        sq = arr.status_quo if arr.status_quo.ndim == 2 else np.broadcast_to(arr.status_quo, forecast.shape)
        for k in range(arr.position.shape[0]):
            one = Arrays(arr.actor_ids, arr.issue_ids[c:c + 1], arr.position[k, :, c:c + 1],
                         arr.salience[k, :, c:c + 1], arr.capability[k, :, c:c + 1], sq[k, c:c + 1],
                         arr.lo[c:c + 1], arr.hi[c:c + 1])
            res = self.run_arrays(one)
            forecast[k, c] = res.forecast[0]
            for name, fig in figs.items():
                fig[k, :, c] = res.actor_figures[name][:, 0]


#: above this many actors a quadrant map is written as one string of letters per actor, not one JSON
#: entry per ordered pair: at 250 actors x 10 issues the pairs were 29 of analysis.json's 37 MB (64 MB
#: indented); the letters keep every label (DECISIONS H9)
QUADRANT_PAIRS_MAX = 30
QUADRANT_CODES = {"confrontation": "X", "compromise": "C", "capitulation": "K", "stalemate": "S", "none": "."}


def _quadrants(kinds: np.ndarray, ids: list[str]) -> dict[str, Any]:
    """Ordered-dyad labels ``{i: {j: label}}`` (row i's view of E^i(U_ij), E^j(U_ji)); above
    QUADRANT_PAIRS_MAX actors the same labels as rows of letters (``quadrant_labels`` reads both)."""
    if len(ids) <= QUADRANT_PAIRS_MAX:
        return {a: {b: LABELS[int(kinds[r, k])] for k, b in enumerate(ids) if k != r}
                for r, a in enumerate(ids)}
    letter = {code: QUADRANT_CODES[label] for code, label in LABELS.items()}
    return {"encoding": f"rows of letters: rows[i][j] is actor i's view of actor j (more than "
                        f"{QUADRANT_PAIRS_MAX} actors); '-' on the diagonal",
            "letters": {v: k for k, v in QUADRANT_CODES.items()},
            "actors": list(ids),
            "rows": ["".join("-" if k == r else letter[int(kinds[r, k])] for k in range(len(ids)))
                     for r in range(len(ids))]}


def quadrant_labels(value: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``{i: {j: label}}`` from either form ``_quadrants`` writes."""
    if "rows" not in value or "actors" not in value:
        return value
    names, ids = value["letters"], value["actors"]
    return {a: {b: names[ch] for b, ch in zip(ids, row, strict=True) if ch != "-"}
            for a, row in zip(ids, value["rows"], strict=True)}


def _issue_details(run: IssueRun, ids: list[str]) -> dict[str, Any]:
    def fl(v: Any) -> Any:
        return [float(t) for t in v]

    out: dict[str, Any] = {
        "rounds_run": len(run.positions) - 1,
        "converged": run.converged,
        "median_by_round": fl(run.median),
        "mean_by_round": fl(run.mean),
        "positions_by_round": [dict(zip(ids, fl(p), strict=True)) for p in run.positions],
    }
    if run.kinds:
        out["quadrants_first_round"] = _quadrants(run.kinds[0], ids)
        out["quadrants_last_round"] = _quadrants(run.kinds[-1], ids)
        by_round = [{LABELS[k]: int((kinds == k).sum()) for k in (1, 2, 3, 4)} for kinds in run.kinds]
        out["quadrant_counts_first_round"] = by_round[0]
        out["quadrant_counts_by_round"] = by_round  # ordered dyads per label, each round
        out["risk_exponent_by_round"] = [dict(zip(ids, fl(r), strict=True)) for r in run.risk]
    return out


def options_of(model: EumModel) -> dict[str, Any]:
    """The options as a plain dict (for logging)."""
    return dataclasses.asdict(model.options)


def _numba_available() -> bool:
    """Whether the compiled kernel can run, without importing Numba (~0.2 s) before a batch needs it."""
    loaded = sys.modules.get("detente.models.eum.compiled")
    if loaded is not None:
        return bool(loaded.AVAILABLE)
    return importlib.util.find_spec("numba") is not None
