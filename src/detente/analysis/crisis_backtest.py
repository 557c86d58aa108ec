"""Crisis backtest: predict each bundled case's outcome class per layer, then score.

Every predictor receives the scenario with its ``known_outcome`` removed
(:func:`inputs_only`), so the outcome section cannot influence a prediction; the
known outcome is read only by :func:`run_cases` when it scores. The models-layer
rule (decision L1 in docs/DECISIONS.md) is a stated heuristic, not a theory of war:
static bargaining models never predict escalation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.scenario.schema import Scenario

CLASSES = ("agreement", "stalemate", "capitulation", "escalation")
NA = "not available"
LAYER_NAMES = ("models", "games", "crisis", "sim")

# Decision L1: thresholds of the models-layer rule (shares of the distance between the principals).
STALEMATE_SHIFT = 0.15  # weighted mean move from the status quo below this: stalemate
CAPITULATION_NEAR = 0.2  # forecast within this of one principal's ideal: the other capitulated
CONTESTED_GAP = 0.05  # principals' ideals closer than this share of the scale: issue not contested
MODELS_RULE_MODEL = "compromise"
CRISIS_TAG = "crisis"  # by default only bundled cases tagged as crises are backtested


# --------------------------------------------------------------------------- inputs


def inputs_only(sc: Scenario) -> Scenario:
    """The scenario without its outcome section: the only thing a predictor may see."""
    return sc.model_copy(update={"known_outcome": None})


# --------------------------------------------------------------------------- the models-layer rule


@dataclass(frozen=True)
class AxisReading:
    """The forecast read on the axis from the defender's ideal (0) to the challenger's ideal (1)."""

    shift: float  # salience-weighted mean |forecast - status quo|
    place: float  # salience-weighted mean forecast position
    issues: tuple[str, ...]


def axis_reading(sc: Scenario, forecast: dict[str, float | None], pair: tuple[str, str]) -> AxisReading | None:
    """Read ``forecast`` on the principals' axis over the issues they contest (None if none)."""
    a, b = pair
    pa, pb = sc.positions.get(a, {}), sc.positions.get(b, {})
    w_sum = shift = place = 0.0
    used = []
    for iss in sc.issues:
        if iss.id not in pa or iss.id not in pb or iss.status_quo is None:
            continue
        f = forecast.get(iss.id)
        if f is None or (isinstance(f, float) and math.isnan(f)):
            continue
        xa, xb = pa[iss.id].position.value, pb[iss.id].position.value
        span = iss.scale.max - iss.scale.min
        if abs(xa - xb) <= CONTESTED_GAP * span:
            continue
        w = pa[iss.id].salience.value + pb[iss.id].salience.value
        if w <= 0:
            continue
        s = (iss.status_quo.value - xb) / (xa - xb)
        t = (f - xb) / (xa - xb)
        shift += w * abs(t - s)
        place += w * min(max(t, 0.0), 1.0)
        w_sum += w
        used.append(iss.id)
    if w_sum <= 0:
        return None
    return AxisReading(shift / w_sum, place / w_sum, tuple(used))


def class_from_reading(r: AxisReading) -> str:
    """Decision L1: near the status quo -> stalemate; near one side's ideal -> capitulation; else agreement."""
    if r.shift < STALEMATE_SHIFT:
        return "stalemate"
    if r.place >= 1.0 - CAPITULATION_NEAR or r.place <= CAPITULATION_NEAR:
        return "capitulation"
    return "agreement"


@dataclass
class Prediction:
    """One layer's prediction for one case."""

    layer: str
    cls: str  # a class in CLASSES, or NA
    probs: dict[str, float] | None = None
    values: dict[str, float] = field(default_factory=dict)
    detail: str = ""

    @property
    def available(self) -> bool:
        return self.cls in CLASSES

    def to_dict(self) -> dict[str, Any]:
        return {"class": self.cls, "probabilities": self.probs, "values": self.values, "detail": self.detail}


def predict_models(sc: Scenario) -> Prediction:
    """Outcome class from the compromise forecast read against the status quo (decision L1)."""
    from detente.games.crisis.spec import principals
    from detente.models import get_model

    res = get_model(MODELS_RULE_MODEL).run(sc)
    forecast = {i: res.forecast_of(i) for i in res.issue_ids}
    try:  # the crisis model's principals (one rule for every layer, SF4)
        pair = principals(sc)[:2]
    except InputError as exc:
        return Prediction("models", NA, values={k: round(v, 3) for k, v in forecast.items() if v is not None},
                          detail=exc.reason)
    reading = axis_reading(sc, forecast, pair)
    values = {k: round(v, 3) for k, v in forecast.items() if v is not None}
    if reading is None:
        return Prediction("models", NA, values=values, detail=f"{pair[0]} and {pair[1]} contest no issue")
    cls = class_from_reading(reading)
    who = ""
    if cls == "capitulation":
        who = f" by {pair[1] if reading.place >= 0.5 else pair[0]}"
    return Prediction("models", cls, values=values,
                      detail=f"{MODELS_RULE_MODEL}: shift {reading.shift:.2f}, place {reading.place:.2f} "
                             f"on {pair[1]}(0)→{pair[0]}(1){who}")


def _layer_dict(name: str, sc: Scenario, seed: int | None) -> dict[str, Any] | None:
    from detente.analysis.analyze import LAYERS, AnalyzeOptions

    runner = LAYERS.get(name)
    if runner is None:
        return None
    # the sim layer scored here is the logit players' (C14): the crisis-model players' class frequencies are
    # the crisis layer's probabilities up to sampling noise, and the scores in docs/CASES.md were made with it
    res = runner(sc, AnalyzeOptions(seed=seed, sim_policy="logit"))
    return None if res is None else res.to_dict()


def _find_class(d: Any) -> str | None:
    """A predicted outcome class in a layer's result: ``outcome_class``/``class`` keys, searched shallowly."""
    if not isinstance(d, dict):
        return None
    for key in ("outcome_class", "modal_class", "predicted_class", "class"):
        v = d.get(key)
        if isinstance(v, str) and v in CLASSES:
            return v
    for key in ("outcome", "prediction", "summary"):
        found = _find_class(d.get(key))
        if found:
            return found
    return None


def _find_probs(d: Any) -> dict[str, float] | None:
    if not isinstance(d, dict):
        return None
    for key in ("frequencies", "outcome_classes", "class_frequencies", "probabilities"):
        v = d.get(key)
        if isinstance(v, dict) and v and set(v) & set(CLASSES):
            return {c: float(v.get(c, 0.0) or 0.0) for c in CLASSES}
    for key in ("outcome", "outcomes", "summary"):
        found = _find_probs(d.get(key))
        if found:
            return found
    return None


def predict_layer(name: str, sc: Scenario, seed: int | None = None) -> Prediction:
    """The games or sim layer's class (and class probabilities), or "not available"."""
    try:
        d = _layer_dict(name, sc, seed)
    except Exception as exc:  # a layer that cannot run a case is reported, not guessed
        return Prediction(name, NA, detail=f"layer failed: {type(exc).__name__}: {str(exc)[:120]}")
    if d is None:
        return Prediction(name, NA, detail="layer not installed or does not apply to this case")
    probs = _find_probs(d)
    cls = _find_class(d)
    if cls is None and probs is not None and sum(probs.values()) > 0:
        cls = max(CLASSES, key=lambda c: (probs[c], c == "stalemate"))
    if cls is None:
        return Prediction(name, NA, detail="layer gave no outcome class")
    detail = ", ".join(f"{c} {p:.2f}" for c, p in probs.items() if p > 0) if probs else ""
    return Prediction(name, cls, probs=probs, detail=detail)


def predict_crisis(sc: Scenario) -> Prediction:
    """The general crisis model's QRE outcome probabilities (globals chosen on the library, C10)."""
    from detente.analysis.crisis_layer import is_crisis
    from detente.games.crisis.run import run_crisis

    if not is_crisis(sc):  # as analyze's crisis layer: a legislative bargain has no war on the menu
        return Prediction("crisis", NA, detail="model does not apply: not a crisis scenario (no 'crisis' tag, "
                                               "games:/simulation: section or war-cost parameter)")
    try:
        run = run_crisis(sc, explain=False)
    except InputError as exc:
        return Prediction("crisis", NA, detail=f"model does not apply: {exc}")
    probs = {c: float(run.probs[c]) for c in CLASSES}
    detail = ", ".join(f"{c} {p:.2f}" for c, p in probs.items() if p >= 0.005)
    return Prediction("crisis", run.outcome_class, probs=probs, detail=detail)


PREDICTORS: dict[str, Callable[[Scenario, int | None], Prediction]] = {
    "models": lambda sc, seed: predict_models(sc),
    "games": lambda sc, seed: predict_layer("games", sc, seed),
    "crisis": lambda sc, seed: predict_crisis(sc),
    "sim": lambda sc, seed: predict_layer("sim", sc, seed),
}


def predict_case(sc: Scenario, layers: Sequence[str], seed: int | None = None) -> dict[str, Prediction]:
    """Predictions of ``layers`` for ``sc``; the predictors see only :func:`inputs_only`."""
    blind = inputs_only(sc)
    return {name: PREDICTORS[name](blind, seed) for name in layers}


# --------------------------------------------------------------------------- scoring


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Rows = known class, columns = predicted class (plus NA); counts."""
    table = {k: {p: 0 for p in (*CLASSES, NA)} for k in CLASSES}
    for known, pred in pairs:
        table[known][pred if pred in CLASSES else NA] += 1
    return table


def brier(probs: dict[str, float], known: str) -> float:
    """Multi-class Brier score: sum over classes of (p - 1[known])^2; 0 is perfect, 2 is worst."""
    return float(sum((probs.get(c, 0.0) - (1.0 if c == known else 0.0)) ** 2 for c in CLASSES))


def frequencies(known: Sequence[str]) -> dict[str, float]:
    n = len(known)
    counts = Counter(known)
    return {c: counts.get(c, 0) / n if n else 0.0 for c in CLASSES}


def most_common(known: Sequence[str]) -> str:
    """The most frequent class; ties broken by the order of CLASSES."""
    counts = Counter(known)
    return max(CLASSES, key=lambda c: (counts.get(c, 0), -CLASSES.index(c)))


def base_rates(known: Sequence[str]) -> dict[str, Any]:
    """Always-the-most-common-class and library-frequency baselines, in sample and leave-one-out."""
    n = len(known)
    mc = most_common(known)
    freq = frequencies(known)
    out: dict[str, Any] = {
        "n": n, "frequencies": freq, "most_common": mc,
        "most_common_hits": sum(k == mc for k in known),
        "frequency_brier": float(np.mean([brier(freq, k) for k in known])) if n else None,
    }
    loo_hits, loo_brier = 0, []
    for j in range(n):
        rest = [k for i, k in enumerate(known) if i != j]
        if not rest:
            continue
        loo_hits += most_common(rest) == known[j]
        loo_brier.append(brier(frequencies(rest), known[j]))
    out["loo_most_common_hits"] = loo_hits
    out["loo_frequency_brier"] = float(np.mean(loo_brier)) if loo_brier else None
    return out


def score_layer(rows: Sequence[tuple[str, Prediction]]) -> dict[str, Any]:
    """Hits, accuracy among available cases, confusion table and Brier (where probabilities exist)."""
    avail = [(k, p) for k, p in rows if p.available]
    hits = sum(k == p.cls for k, p in avail)
    with_probs = [(k, p) for k, p in avail if p.probs]
    return {
        "n": len(rows), "available": len(avail), "hits": hits,
        "accuracy": hits / len(avail) if avail else None,
        "confusion": confusion((k, p.cls) for k, p in rows),
        "brier": float(np.mean([brier(p.probs or {}, k) for k, p in with_probs])) if with_probs else None,
        "brier_n": len(with_probs),
    }


def value_errors(sc: Scenario, pred: Prediction) -> dict[str, float]:
    """|forecast - known value| per issue where both exist."""
    if sc.known_outcome is None:
        return {}
    return {i: round(abs(pred.values[i] - v.value), 3)
            for i, v in sc.known_outcome.values.items() if i in pred.values}


def folder_cases(names: Sequence[str] | None, folder: Path) -> tuple[list[tuple[str, Scenario, Path]], list[Path]]:
    """A folder's scenarios (``*.yaml``/``*.yml``, sorted by file name) named by their ``meta.id`` (H15: the
    file name was used), with their files; those without a known outcome are returned apart. ``names``
    selects by id or by file name; a name that is the id of a case here means that case (H17: ``--case duel``
    also took the file duel.yml of another id)."""
    from detente.scenario.loader import load_scenario

    if not folder.is_dir():
        raise InputError("not a folder", str(folder), field="--dir")
    kept, skipped = [], []
    loaded = [(f, load_scenario(f)) for f in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])]
    ids = {sc.meta.id for _, sc in loaded}
    by_id = {n for n in names or () if n in ids}  # a name that is a case's id picks that case, not a file so named
    for f, sc in loaded:
        if names and sc.meta.id not in names and (f.stem not in names or f.stem in by_id):
            continue
        if sc.known_outcome is None:
            skipped.append(f)
        else:
            kept.append((sc.meta.id, sc, f))
    return kept, skipped


def load_cases(names: Sequence[str] | None, folder: Path | None = None) -> list[tuple[str, Scenario]]:
    """The cases to score: bundled crises (or ``names``), or every scenario with a known outcome in
    ``folder`` (``*.yaml``/``*.yml``, sorted by file name), each named by its ``meta.id``."""
    from detente.cases import case_names, case_path
    from detente.scenario.loader import load_scenario

    if folder is not None:
        return [(name, sc) for name, sc, _ in folder_cases(names, folder)[0]]
    out = []
    for name in names or case_names():
        sc = load_scenario(case_path(name))
        if sc.known_outcome is None or (names is None and CRISIS_TAG not in sc.meta.tags):
            continue
        out.append((name, sc))
    return out


def _where(f: Path | None) -> str:
    return "the bundled library" if f is None else f"{f.parent.name}/{f.name}"


def load_sources(names: Sequence[str] | None, folders: Sequence[Path] = (), with_library: bool = False,
                 files: dict[str, Path] | None = None,
                 skipped: list[Path] | None = None) -> list[tuple[str, Scenario]]:
    """The bundled crises (no folder, or ``with_library``) followed by each folder's cases, in the order
    given; two cases of the same id are an error (a leave-one-out would count one case twice). ``files``
    and ``skipped``, when given, receive each folder case's file and the folder files without a known outcome."""

    if with_library and not folders:
        raise InputError("--with-library adds the bundled crises to the cases of --dir: give --dir",
                         field="--with-library")
    out: list[tuple[str, Scenario]] = []
    where: dict[str, list[Path | None]] = {}
    if not folders:
        out += load_cases(names)
    elif with_library:
        out += [c for c in load_cases(None) if not names or c[0] in names]
    for name, _ in out:
        where.setdefault(name, []).append(None)
    for d in folders:
        kept, left = folder_cases(names, d)
        for name, sc, f in kept:
            out.append((name, sc))
            where.setdefault(name, []).append(f)
            if files is not None:
                files[name] = f
        if skipped is not None:
            skipped += left
    twice = sorted(n for n, at in where.items() if len(at) > 1)
    if twice:
        raise InputError(f"case {twice[0]} appears twice ({' and '.join(_where(f) for f in where[twice[0]])}; "
                         "a case is named by its meta.id)", field="--dir")
    return out


def run_cases(names: Sequence[str] | None, layers: Sequence[str], seed: int | None = None,
              folder: Path | Sequence[Path] | None = None, loo: bool = False,
              with_library: bool = False) -> dict[str, Any]:
    """Predict every crisis case (or the ``names`` given, or the cases of one or more folders, with the
    bundled crises too if ``with_library``) with a known outcome, then score each layer; ``loo`` adds the
    crisis model's leave-one-out fit of its two globals over all the cases scored."""
    cases: list[dict[str, Any]] = []
    scored: dict[str, list[tuple[str, Prediction]]] = {name: [] for name in layers}

    folders = [] if folder is None else [folder] if isinstance(folder, Path) else list(folder)
    files: dict[str, Path] = {}
    left_out: list[Path] = []
    loaded = load_sources(names, folders, with_library, files, left_out)
    if loo and "crisis" not in layers:
        raise InputError("--loo fits the crisis model: add --layer crisis or all", field="--loo")
    if loo and len(loaded) < 3:  # it used to be skipped without a word
        raise InputError(f"--loo needs at least 3 cases with a known outcome; {len(loaded)} selected", field="--loo")
    for name, sc in loaded:
        preds = predict_case(sc, layers, seed)
        known = sc.known_outcome.outcome_class.value
        row: dict[str, Any] = {"case": name, "title": sc.meta.title, "known": known,
                               "known_date": sc.known_outcome.date.isoformat() if sc.known_outcome.date else None,
                               "layers": {}}
        if name in files:  # a folder's case: its id names it; the file says where it is (H15)
            row["file"] = _where(files[name])
        for layer, p in preds.items():
            d = p.to_dict()
            d["hit"] = (p.cls == known) if p.available else None
            errs = value_errors(sc, p)
            if errs:
                d["abs_error"] = errs
            row["layers"][layer] = d
            scored[layer].append((known, p))
        cases.append(row)
    known_all = [c["known"] for c in cases]
    out = {"cases": cases, "layers": {name: score_layer(rows) for name, rows in scored.items()},
           "base_rates": base_rates(known_all)}
    # a folder's scenario without a known outcome is left out; say which, not only a smaller count (H15)
    skipped = [_where(f) for f in left_out]
    if skipped:
        out["skipped_no_known_outcome"] = skipped
    if loo and "crisis" in layers and len(loaded) >= 3:
        from detente.analysis.crisis_fit import loo as loo_fit
        from detente.analysis.crisis_fit import predict_grid

        known = {n: sc.known_outcome.outcome_class.value for n, sc in loaded if sc.known_outcome}
        out["crisis_loo"] = loo_fit(predict_grid(loaded), known)
    return out
