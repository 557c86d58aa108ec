"""The ICB benchmark: fit on the past, score on the future (decisions ICB3, ICB5).

Four predictors produce probabilities over detente's four classes: the fitting period's class
frequencies, a regularised multinomial logit on the allowed predictors, the structural crisis game
(ICB4, a closed-form three-move game) and the general crisis model of ``detente.games.crisis`` with
its global numbers fitted by maximum likelihood (ICB8). Evaluation sets: ``validation`` (fit before
1980, score 1980-89), ``rolling`` (fit before 1960, 1970, 1980; score the next decade each time,
pooled) and ``test`` (fit on everything given, score another ICB-format file). ``development`` runs
only the origins inside the training period.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.backtest.icb import CLASSES, IcbActor, IcbData, MappingOptions
from detente.backtest.icb_features import OneHot, structural_covariates
from detente.errors import InputError

SPLIT_YEAR = 1980
VALIDATION = (1980, 1990)
ROLLING = (1960, 1970, 1980)
DEVELOPMENT = (1960, 1970)
PREDICTORS = ("frequency", "logit", "structural", "general")
BASELINES = ("frequency", "logit", "structural")  # each predictor is compared with those listed before it
RESAMPLES = 2000
RELIABILITY_BINS = 10
EPS = 1e-15
LOGIT_CS = tuple(float(c) for c in np.logspace(-3, 2, 11))


# --------------------------------------------------------------------------- metrics

def row_losses(p: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Per-row log loss (natural log), multi-class Brier (sum over classes, 0..2) and 0/1 hit."""
    n, k = p.shape
    onehot = np.eye(k)[y]
    return {
        "log_loss": -np.log(np.clip(p[np.arange(n), y], EPS, None)),
        "brier": ((p - onehot) ** 2).sum(axis=1),
        "accuracy": (np.argmax(p, axis=1) == y).astype(float),  # ties go to the first class in CLASSES order
    }


def metrics(p: np.ndarray, y: np.ndarray) -> dict[str, float | int]:
    out: dict[str, float | int] = {k: float(v.mean()) for k, v in row_losses(p, y).items()}
    out["n"] = len(y)
    return out


def paired_bootstrap(p: np.ndarray, ref: np.ndarray, y: np.ndarray, clusters: Sequence[int], seed: int,
                     resamples: int = RESAMPLES) -> dict[str, dict[str, float]]:
    """Mean per-row difference (model − reference) of each metric with a 95% percentile interval,
    resampling whole crises (actors of one crisis share their fate)."""
    a, b = row_losses(p, y), row_losses(ref, y)
    ids = np.unique(np.asarray(clusters), return_inverse=True)[1]
    g = ids.max() + 1
    counts = np.bincount(ids, minlength=g).astype(float)
    idx = np.random.default_rng(seed).integers(0, g, size=(resamples, g))
    weights = np.stack([np.bincount(r, minlength=g) for r in idx]).astype(float)  # crises drawn per resample
    out = {}
    for m in ("log_loss", "brier", "accuracy"):
        d = a[m] - b[m]
        sums = np.bincount(ids, weights=d, minlength=g)
        means = (weights @ sums) / (weights @ counts)
        lo, hi = np.quantile(means, [0.025, 0.975])
        out[m] = {"mean": float(d.mean()), "low": float(lo), "high": float(hi)}
    return out


def reliability(p: np.ndarray, y: np.ndarray, bins: int = RELIABILITY_BINS) -> list[dict[str, float | int]]:
    """Pooled one-vs-rest reliability: every (actor, class) probability binned on [0, 1] in equal widths,
    with the mean forecast and the observed frequency of the class in each bin."""
    k = p.shape[1]
    prob, hit = p.ravel(), np.eye(k)[y].ravel()
    which = np.minimum((prob * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        m = which == b
        if m.any():
            rows.append({"low": b / bins, "high": (b + 1) / bins, "n": int(m.sum()),
                         "forecast": float(prob[m].mean()), "observed": float(hit[m].mean())})
    return rows


# --------------------------------------------------------------------------- predictors

def labels(actors: Sequence[IcbActor]) -> np.ndarray:
    return np.array([CLASSES.index(_four(a.cls)) for a in actors], dtype=int)


def _four(cls: str | None) -> str:
    return "capitulation" if cls and cls.startswith("capitulation") else str(cls)


def game_outcomes(actors: Sequence[IcbActor]) -> np.ndarray:
    """Index into the game's five outcomes (capitulation split by whose) for each scored actor."""
    fixed = {"agreement": 0, "stalemate": 1, "escalation": 4}
    return np.array([fixed.get(_four(a.cls), 2 if a.whose == "actor" else 3) for a in actors], dtype=int)


def fit_frequency(train: Sequence[IcbActor]) -> Callable[[Sequence[IcbActor]], np.ndarray]:
    freq = np.bincount(labels(train), minlength=len(CLASSES)) / len(train)
    return lambda acts: np.tile(freq, (len(acts), 1))


def fit_logit(train: Sequence[IcbActor], seed: int) -> tuple[Callable[[Sequence[IcbActor]], np.ndarray], dict]:
    """Multinomial logit, L2 penalty chosen by 5-fold cross-validated log loss inside the fitting set."""
    try:
        from sklearn.linear_model import LogisticRegressionCV
        from sklearn.model_selection import StratifiedKFold
    except ImportError:

        raise InputError("the ICB baselines need scikit-learn: pip install 'detente[icb]'",
                         "detente backtest icb") from None
    enc = OneHot.fit(train)
    y = labels(train)
    folds = max(2, min(5, int(np.unique(y, return_counts=True)[1].min())))  # 5 unless a class is rarer
    model = LogisticRegressionCV(Cs=list(LOGIT_CS), cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
                                 scoring="neg_log_loss", max_iter=5000, l1_ratios=(0.0,), use_legacy_attributes=False)
    model.fit(enc.transform(train), y)
    classes = list(model.classes_)

    def predict(acts: Sequence[IcbActor]) -> np.ndarray:
        out = np.zeros((len(acts), len(CLASSES)))
        out[:, classes] = model.predict_proba(enc.transform(acts))
        return out

    c = model.C_
    return predict, {"C": float(np.atleast_1d(c)[0]), "columns": len(enc.columns)}


def inner_origins(train: Sequence[IcbActor]) -> list[int]:
    """The last two decades present in a fitting set: the structural model's inner rolling origins."""
    last = max(a.year for a in train) // 10 * 10
    return [last - 10, last]


def fit_structural(train: Sequence[IcbActor], seed: int, tick: Callable[[str], None] = lambda _: None,
                   hessian: bool = False, cache: dict | None = None
                   ) -> tuple[Callable[[Sequence[IcbActor]], np.ndarray], dict, Any]:
    """The ICB crisis game by penalised maximum likelihood; the penalty chosen on inner rolling origins.
    ``cache`` keeps each inner fold's losses, so fitting periods that share a fold compute it once."""
    from detente.backtest import icb_structural as st

    cache = {} if cache is None else cache
    losses = []
    tick("structural: choosing the penalty")
    for o in inner_origins(train):
        before = [a for a in train if a.year < o]
        after = [a for a in train if o <= a.year < o + 10]
        if not (before and after):
            continue
        key = (seed, tuple((a.crisno, a.cracno) for a in before), tuple((a.crisno, a.cracno) for a in after))
        if key not in cache:
            fold = (structural_covariates(before), game_outcomes(before), structural_covariates(after),
                    labels(after))
            cache[key] = st.fold_losses(fold, seed)
        losses.append(cache[key])
    if losses:
        penalty, scores = st.choose_penalty([], seed, losses=losses)
    else:
        penalty, scores = 1.0, {}
    tick("structural: final fit")
    fit = st.fit(structural_covariates(train), game_outcomes(train), penalty, seed, starts=2, hessian=hessian)
    info = {"penalty": penalty, "penalty_scores": {f"{k:g}": v for k, v in scores.items()},
            "params": fit.params(), "loglik": fit.loglik, "n": fit.n, "converged": fit.converged}
    return (lambda acts: fit.predict(structural_covariates(acts)).real), info, fit


# --------------------------------------------------------------------------- the benchmark

@dataclass
class EvalSet:
    name: str
    train: list[IcbActor]
    score: list[IcbActor]


TICKS_PER_FIT = 5


def steps(sets: Sequence[str]) -> int:
    """Progress ticks a run makes (for the progress bar)."""
    fits = len(set(_origins(sets)))
    return TICKS_PER_FIT * fits + (TICKS_PER_FIT + 1 if "test" in sets else 0)


def _origins(sets: Sequence[str]) -> list[int]:
    out = []
    if "development" in sets:
        out += list(DEVELOPMENT)
    if "rolling" in sets:
        out += list(ROLLING)
    if "validation" in sets:
        out.append(SPLIT_YEAR)
    return out


def usable_cores() -> int:
    """Cores this process may run on (``os.sched_getaffinity`` exists on Linux only)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def run_icb(data: IcbData, test: IcbData | None = None, seed: int = 0, development: bool = False,
            tick: Callable[[str], None] = lambda _: None, fit_all: bool = False,
            status: Callable[[str], None] = lambda _: None, processes: int | None = None) -> dict[str, Any]:
    """Fit and score every predictor on every evaluation set; JSON-ready after popping ``_fits``
    (the fitted models by end year; None = all of ``data``, fitted when there is a test file or
    ``fit_all``, e.g. for the priors). ``tick`` advances the progress bar; ``status`` only retitles it.
    ``processes``: 2 runs the general crisis model's fits in a second process beside the others (same
    results); default 2 when two cores are usable, else 1."""
    from detente.backtest.icb_structural import one_thread

    if processes is None:
        processes = 2 if usable_cores() >= 2 else 1
    with one_thread():
        return _run(data, test, seed, development, tick, fit_all, status, processes)


def _run(data: IcbData, test: IcbData | None, seed: int, development: bool, tick: Callable[[str], None],
         fit_all: bool, status: Callable[[str], None], processes: int) -> dict[str, Any]:
    from detente.backtest import icb_general as gen

    t0 = time.perf_counter()
    scored = data.scored
    sets = ["development"] if development else ["validation", "rolling"]
    if test is not None:
        sets.append("test")
    cache: dict[int | None, dict[str, Any]] = {}
    fold_cache: dict = {}

    def train_of(end: int | None) -> list[IcbActor]:
        return [a for a in scored if end is None or a.year < end]

    ends: list[int | None] = list(DEVELOPMENT if development else ROLLING)
    if test is not None or fit_all:
        ends.append(None)
    rows = [(a.year, gen.config(a), y) for a, y in zip(scored, labels(scored), strict=True)]
    general = gen.ChainRunner(rows, [e for e in ends if len(set(labels(train_of(e)))) >= 2], ROLLING[0],
                              SPLIT_YEAR, processes, status)
    try:
        for e in ends:  # every other fit, while the general model's fits run beside them
            fitted(e, cache, train_of(e), data, seed, tick, fold_cache)
        out = _score(data, test, seed, development, sets, tick, fit_all, cache, general, train_of, fold_cache, t0)
    except BaseException:
        general.close(kill=True)
        raise
    general.close()
    return out


def _with_general(f: dict[str, Any], end: int | None, general: Any, tick: Callable[[str], None]) -> dict[str, Any]:
    """Add the general crisis model's fit for ``end`` to a fitted period (once)."""
    if "general" not in f["predict"]:
        label = "all of --data" if end is None else f"before {end}"
        tick(f"{label}: general crisis model")
        g, start = general.get(end)
        f["predict"]["general"] = g.predict
        f["info"]["general"] = {"params": g.params(), "loglik": g.loglik, "n": g.n, "configurations": g.configs,
                                "iterations": g.iterations, "converged": g.converged, "seconds": g.seconds,
                                "start_loglik": -g.history[0],
                                "start": start}
        f["general_fit"] = g
    return f


def fitted(end: int | None, cache: dict[int | None, dict[str, Any]], train: list[IcbActor], data: IcbData,
           seed: int, tick: Callable[[str], None], fold_cache: dict) -> dict[str, Any]:
    """The frequency baseline, the logit and the structural game fitted on ``train`` (once per end)."""
    if end not in cache:
        label = "all of --data" if end is None else f"before {end}"
        if len(set(labels(train))) < 2:
            raise InputError(f"{len(train)} crisis actors with a usable outcome {label}, "
                             f"{len(set(labels(train)))} outcome class(es): a fit needs at least two classes",
                             data.source, field="outcom")
        tick(f"{label}: frequency baseline")
        freq = fit_frequency(train)
        tick(f"{label}: multinomial logit")
        logit, logit_info = fit_logit(train, seed)
        struct, struct_info, fit = fit_structural(train, seed, lambda s: tick(f"{label}: {s}"),
                                                   hessian=end is None, cache=fold_cache)
        cache[end] = {"predict": {"frequency": freq, "logit": logit, "structural": struct},
                      "info": {"logit": logit_info, "structural": struct_info, "n_train": len(train),
                               "train_classes": _class_counts(train)},
                      "fit": fit}
    return cache[end]


def _score(data: IcbData, test: IcbData | None, seed: int, development: bool, sets: list[str],
           tick: Callable[[str], None], fit_all: bool, cache: dict[int | None, dict[str, Any]], general: Any,
           train_of: Callable[[int | None], list[IcbActor]], fold_cache: dict, t0: float) -> dict[str, Any]:
    scored = data.scored
    report: dict[str, Any] = {"predictors": {p: {} for p in PREDICTORS}, "reliability": {}, "fits": {},
                              "sets": {} if development else {"validation": {}}}

    def score(name: str, end: int | None, acts: list[IcbActor]) -> dict[str, np.ndarray]:
        f = _with_general(fitted(end, cache, train_of(end), data, seed, tick, fold_cache), end, general, tick)
        report["fits"]["all of --data" if end is None else f"before {end}"] = f["info"]
        return {p: f["predict"][p](acts) for p in PREDICTORS}

    evaluations: list[tuple[str, list[IcbActor], dict[str, np.ndarray]]] = []
    if development or "rolling" in sets:
        pooled_acts: list[IcbActor] = []
        pooled: dict[str, list[np.ndarray]] = {p: [] for p in PREDICTORS}
        per_origin = {}
        for o in DEVELOPMENT if development else ROLLING:
            acts = [a for a in scored if o <= a.year < o + 10]
            probs = score(f"before {o}", o, acts)
            per_origin[f"{o}s"] = {p: metrics(probs[p], labels(acts)) for p in PREDICTORS}
            pooled_acts += acts
            for p in PREDICTORS:
                pooled[p].append(probs[p])
        name = "development" if development else "rolling"
        evaluations.append((name, pooled_acts, {p: np.vstack(v) for p, v in pooled.items()}))
        report["sets"][name] = {"origins": per_origin}
    if not development:
        acts = [a for a in scored if VALIDATION[0] <= a.year < VALIDATION[1]]
        evaluations.insert(0, ("validation", acts, score("validation", SPLIT_YEAR, acts)))
    if test is not None:
        acts = test.scored
        tick("test: scoring")
        evaluations.append(("test", acts, score("test", None, acts)))
    for name, acts, probs in evaluations:
        if not acts:
            continue
        y = labels(acts)
        clusters = [a.crisno for a in acts]
        info = report["sets"].setdefault(name, {})
        info.update({"n": len(acts), "crises": len(set(clusters)), "classes": _class_counts(acts),
                     "years": [min(a.year for a in acts), max(a.year for a in acts)]})
        for p in PREDICTORS:
            entry = metrics(probs[p], y)
            entry["vs"] = {b: paired_bootstrap(probs[p], probs[b], y, clusters, seed)
                           for b in BASELINES if b != p and PREDICTORS.index(b) < PREDICTORS.index(p)}
            if name in report["sets"] and "origins" in report["sets"][name]:
                entry["origins"] = {o: v[p] for o, v in report["sets"][name]["origins"].items()}
            report["predictors"][p][name] = entry
        report["reliability"][name] = {p: reliability(probs[p], y) for p in PREDICTORS}
    for name in report["sets"]:
        report["sets"][name].pop("origins", None)
    if fit_all:
        f = _with_general(fitted(None, cache, train_of(None), data, seed, tick, fold_cache), None, general, tick)
        report["fits"]["all of --data"] = f["info"]
    report["seconds"] = time.perf_counter() - t0
    report["_fits"] = cache  # not serialised; the CLI pops it
    return report


def _class_counts(acts: Sequence[IcbActor]) -> dict[str, int]:
    y = labels(acts)
    return {c: int((y == i).sum()) for i, c in enumerate(CLASSES)}


def data_summary(data: IcbData, options: MappingOptions) -> dict[str, Any]:
    return {"source": data.source, "crisis_actors": len(data.actors), "scored": len(data.scored),
            "left_out": dict(data.excluded), "narratives": data.narratives,
            "crises": len({a.crisno for a in data.actors}),
            "years": [min(a.year for a in data.actors), max(a.year for a in data.actors)],
            "mapping": {"violence": options.violence, "levels": options.levels, "split": options.split}}
