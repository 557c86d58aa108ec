"""Train and cross-validate the learned move pass (detente.text.learned) on the gold files (T17).

Usage: ``python -m detente.text.train_moves DATA_DIR [--write OUT.json]`` where DATA_DIR holds gold_*.yaml
and articles/. Prints leave-one-group-out figures (groups A-D of docs/DECISIONS.md T14/T17: train on three,
score the fourth, thresholds chosen by an inner leave-one-group-out on the three) for the rules alone and
with the pass; ``--write`` fits on all groups and writes the sparse weights (data/move_model.json).
Needs scikit-learn (the ``icb`` extra); drafting with the shipped weights does not. Deterministic: lbfgs,
no random step.
"""

from __future__ import annotations

import copy
import json
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

GROUPS = {
    "A": ["cuba1962", "iran2015", "falklands1982", "korea2018", "karabakh2020", "doklam2017", "kargil1999", "imia1996"],
    "B": ["perejil2002", "yongbyon1994", "belarus2021", "balakot2019", "scarborough2012", "qatar2017"],
    "C": ["iranhostage1981", "reykjavik1986", "skripal2018", "turbot1995", "yeonpyeong2010"],
    "D": ["suez1956", "codwar1976", "beagle1979", "lebanon2006", "galwan2020"],
}
ADD_GRID = (0.35, 0.45, 0.55, 0.65, 0.75)
KEEP_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
CLOSED_GRID = (0.3, 0.4, 0.5, 0.6, 0.7)
C_REG = 0.5  # inverse L2 strength, fixed before any run
MIN_COUNT = 3  # a feature seen in fewer training pairs is dropped
PRUNE = 0.1  # shipped weights below this are left out (rounded to 3 places)


def _sentence_of(sentences: list[Any], char: int) -> int:
    return next((s.index for s in sentences if s.start <= char < s.end), len(sentences) - 1)


def load_article(data: Path, name: str) -> dict[str, Any]:
    """Rules' extraction (learned pass off), the per-sentence cue keys and the learned-pass pairs with labels."""
    from detente.text.extract import _cached_extractor
    from detente.text.learned import channel_features, pairs
    from detente.text.reader import read_article

    gold = yaml.safe_load((data / f"gold_{name}.yaml").read_text(encoding="utf-8"))
    text, _ = read_article(str(data / "articles" / f"{name}.txt"))
    ext = _cached_extractor("python", "named", "merge", threading.get_ident())
    ext.learned = "off"
    ex = ext.run(text)
    cue_keys = dict(ext._cue_keys)
    labels: dict[tuple[int, str], str] = {}
    for g in sorted(gold.get("moves", []), key=lambda g: not g.get("required", True)):
        labels.setdefault((_sentence_of(ex.sentences, g["anchor"]["start"]), g["actor"]), g["types"][0])
    rows = [(feats, labels.get((si, actor), "none")) for si, actor, _s, feats in
            pairs(text, ex.sentences, ex.actors, ex.moves, cue_keys)]
    closed_s = {si for c in ex.channels if c.kind == "closed" for si in c.sentences}
    public_s = {si for c in ex.channels if c.kind == "public" for si in c.sentences}
    crow = []
    for g in gold.get("moves", []):
        if "channel" not in g:
            continue
        si = _sentence_of(ex.sentences, g["anchor"]["start"])
        rule = next((mv.channel_kind for mv in ex.moves if mv.sentence == si and mv.actor == g["actor"]),
                    "closed" if si in closed_s else "public" if si in public_s else None)
        prev = ex.sentences[si - 1].text if si else ""
        kinds = [k for k in cue_keys.get(si, []) if k.startswith("C|")]
        crow.append((channel_features(ex.sentences[si].text, prev, kinds, g["types"][0], rule),
                     "closed" if g["channel"] == "closed" else "other"))
    from detente.text.learned import rule_features
    from detente.text.score import match_moves

    _pr, _rep, matched = match_moves(ex, gold)
    good = {id(mv) for mv in matched.values()}
    counts = Counter(mv.sentence for mv in ex.moves)
    frows = [(rule_features(mv, ex.sentences[mv.sentence].text, counts[mv.sentence]),
              "keep" if id(mv) in good else "drop") for mv in ex.moves]
    return {"name": name, "gold": gold, "text": text, "ex": ex, "cue_keys": cue_keys, "rows": rows,
            "crows": crow, "frows": frows}


def fit(rows: list[tuple[dict[str, float], str]]) -> dict[str, Any]:
    """Multinomial L2 logistic regression; returns sparse class -> feature -> weight and intercepts."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(k for f, _ in rows for k in f)
    keep = [{k: v for k, v in f.items() if counts[k] >= MIN_COUNT} for f, _ in rows]
    vec = DictVectorizer(sort=True)
    x = vec.fit_transform(keep)
    y = [lab for _, lab in rows]
    clf = LogisticRegression(C=C_REG, max_iter=3000)
    clf.fit(x, y)
    names = vec.get_feature_names_out()
    classes = [str(c) for c in clf.classes_]
    coef = clf.coef_
    if len(classes) == 2:  # binary: one row for the second class; give the first class zero weights
        weights = {classes[0]: {}, classes[1]: {}}
        intercepts = {classes[0]: 0.0, classes[1]: round(float(clf.intercept_[0]), 3)}
        for j, name in enumerate(names):
            w = round(float(coef[0, j]), 3)
            if abs(w) >= PRUNE:
                weights[classes[1]][str(name)] = w
        return {"weights": weights, "intercepts": intercepts}
    weights = {c: {} for c in classes}
    for i, c in enumerate(classes):
        for j, name in enumerate(names):
            w = round(float(coef[i, j]), 3)
            if abs(w) >= PRUNE:
                weights[c][str(name)] = w
    return {"weights": weights, "intercepts": {c: round(float(b), 3) for c, b in zip(classes, clf.intercept_,
                                                                                      strict=True)}}


def evaluate(arts: list[dict[str, Any]], model: dict[str, Any] | None, mode: str) -> dict[str, list[int]]:
    """Pooled (tp, fp, fn) for moves and closed channels over ``arts`` with the pass in ``mode``."""
    from detente.text.learned import augment
    from detente.text.score import match_moves, score_closed

    tot = {"moves": [0, 0, 0], "closed": [0, 0, 0]}
    for a in arts:
        ex = copy.copy(a["ex"])
        ex.moves = [copy.copy(mv) for mv in a["ex"].moves]
        ex.moves = augment(a["text"], ex.sentences, ex.actors, ex.moves, ex.channels, a["cue_keys"], mode, model)
        pr, _, matched = match_moves(ex, a["gold"])
        cl = score_closed(ex, a["gold"], matched)
        for k, p in (("moves", pr), ("closed", cl)):
            tot[k] = [tot[k][0] + p.tp, tot[k][1] + p.fp, tot[k][2] + p.fn]
    return tot


def f1(t: list[int]) -> float:
    tp, fp, fn = t
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def recall(t: list[int]) -> float:
    return t[0] / (t[0] + t[2]) if t[0] + t[2] else 1.0


def train(arts: list[dict[str, Any]], add: float, closed: float, keep: float = 0.5) -> dict[str, Any]:
    rows = [r for a in arts for r in a["rows"]]
    mm = {"gate": fit([(f, "none" if lab == "none" else "move") for f, lab in rows if "rule:none" in f]),
          "types": fit([(f, lab) for f, lab in rows if lab != "none"])}
    cm = fit([r for a in arts for r in a["crows"]])
    fm = fit([r for a in arts for r in a["frows"]])
    mm["add_threshold"], cm["closed_threshold"], fm["keep_threshold"] = add, closed, keep
    return {"moves": mm, "closed": cm, "filter": fm}


def choose(groups: dict[str, list[dict[str, Any]]]) -> tuple[float, float]:
    """Thresholds by leave-one-group-out over ``groups``: the add threshold maximising pooled move F1, then
    the closed threshold maximising pooled closed recall among those that keep closed precision >= 0.5."""
    moves: dict[float, list[int]] = {t: [0, 0, 0] for t in ADD_GRID}
    models = {}
    for held in groups:
        train_arts = [a for g, arts in groups.items() if g != held for a in arts]
        models[held] = train(train_arts, 0.0, 1.0)
        for t in ADD_GRID:
            models[held]["moves"]["add_threshold"] = t
            r = evaluate(groups[held], models[held], "add")["moves"]
            moves[t] = [x + y for x, y in zip(moves[t], r, strict=True)]
    add = max(ADD_GRID, key=lambda t: (round(f1(moves[t]), 4), t))
    closed_tot: dict[float, list[int]] = {t: [0, 0, 0] for t in CLOSED_GRID}
    for held in groups:
        models[held]["moves"]["add_threshold"] = add
        for t in CLOSED_GRID:
            models[held]["closed"]["closed_threshold"] = t
            r = evaluate(groups[held], models[held], "add+closed")["closed"]
            closed_tot[t] = [x + y for x, y in zip(closed_tot[t], r, strict=True)]
    ok = [t for t in CLOSED_GRID if closed_tot[t][0] / max(1, closed_tot[t][0] + closed_tot[t][1]) >= 0.5]
    closed = max(ok or [max(CLOSED_GRID)], key=lambda t: (round(recall(closed_tot[t]), 4), t))
    return add, closed


def choose_keep(groups: dict[str, list[dict[str, Any]]]) -> float:
    """The filter's keep threshold by leave-one-group-out over ``groups`` (pooled move F1; ties: the
    lowest, which drops least)."""
    tot: dict[float, list[int]] = {t: [0, 0, 0] for t in KEEP_GRID}
    for held in groups:
        model = train([a for g, arts in groups.items() if g != held for a in arts], 1.0, 1.0)
        for t in KEEP_GRID:
            model["filter"]["keep_threshold"] = t
            r = evaluate(groups[held], model, "filter")["moves"]
            tot[t] = [x + y for x, y in zip(tot[t], r, strict=True)]
    return max(KEEP_GRID, key=lambda t: (round(f1(tot[t]), 4), -t))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m detente.text.train_moves DATA_DIR [--write OUT.json]", file=sys.stderr)
        return 2
    data = Path(args[0])
    out = Path(args[args.index("--write") + 1]) if "--write" in args else None
    groups = {g: [load_article(data, n) for n in names] for g, names in GROUPS.items()}
    report: dict[str, Any] = {}
    for held in groups:
        inner = {g: arts for g, arts in groups.items() if g != held}
        add, closed = choose(inner)
        keep = choose_keep(inner)
        model = train([a for arts in inner.values() for a in arts], add, closed, keep)
        row = {"thresholds": [add, closed, keep]}
        for mode in ("off", "add", "add+closed", "filter"):
            r = evaluate(groups[held], model, mode)
            row[mode] = {"moves": r["moves"], "f1": round(f1(r["moves"]), 3), "closed": r["closed"],
                         "closed_recall": round(recall(r["closed"]), 3)}
        report[held] = row
        print(held, json.dumps(row), flush=True)
    for mode in ("off", "add", "add+closed", "filter"):
        mv = [sum(report[g][mode]["moves"][k] for g in groups) for k in range(3)]
        cl = [sum(report[g][mode]["closed"][k] for g in groups) for k in range(3)]
        print(f"pooled {mode}: moves tp/fp/fn {mv} F1 {f1(mv):.3f}; closed {cl} recall {recall(cl):.3f}")
    if out is not None:
        add, closed = choose(groups)
        keep = choose_keep(groups)
        model = train([a for arts in groups.values() for a in arts], add, closed, keep)
        model["note"] = (f"detente.text.learned weights (T17): multinomial L2 logistic regression, C={C_REG}, trained "
                         "on the gold files of groups A-D; thresholds by leave-one-group-out")
        out.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {out} (thresholds add {add}, closed {closed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
