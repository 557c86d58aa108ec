"""A learned second pass over the rules' moves (T17): per (sentence, actor) move types and closed channels.

The rules (extract.py) plateaued near move F1 0.4 on unseen articles (T9, T12, T15). This pass scores every
actor named in a sentence with two linear models trained on the gold files in tests/data
(``python -m detente.text.train_moves``): a move-type model (a type or ``none``) over the sentence's words
and bigrams, the words around the actor's first mention in it, and the rules' cue hits and moves; and a
closed-channel model over the sentence's and the previous sentence's words. The weights ship as
data/move_model.json (sparse, rounded), and are applied here in pure Python, so drafting needs no
scikit-learn. What the pass may do is an option (:data:`MODES`); whether it is on by default was decided by
leave-one-group-out cross-validation (docs/DECISIONS.md T17).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from importlib import resources
from typing import Any

from detente.text.matching import simple_tokens

MODES = ("off", "add", "add+closed", "filter")
_STOP = {"the", "a", "an", "of", "to", "and", "in", "on", "at", "for", "with", "by", "its", "it", "that",
         "was", "were", "is", "had", "has", "have", "be", "as", "from", "his", "her", "their", "this"}


def _words(text: str) -> list[str]:
    return [t.lower for t in simple_tokens(text)]


def move_features(sent_text: str, sent_start: int, mention_start: int | None, rule_types: list[str],
                  other_types: list[str], cue_keys: list[str], n_actors: int, first: bool) -> dict[str, float]:
    """Features of one (sentence, actor) pair. ``mention_start`` is the character offset of the actor's
    first mention in the sentence (None when the actor is carried over from the previous sentence)."""
    toks = simple_tokens(sent_text)
    words = [t.lower for t in toks]
    f: dict[str, float] = {"bias": 1.0}
    _bag(words, f)
    if mention_start is None:
        f["carried"] = 1.0
    else:
        rel = mention_start - sent_start
        i = next((k for k, t in enumerate(toks) if t.start >= rel), len(toks))
        j = next((k for k in range(i, len(toks)) if toks[k].start > rel and toks[k].text[:1].islower()), i + 1)
        for k, w in enumerate(words[j:j + 4]):
            f[f"r{k}:{w}"] = 1.0
            f["r:" + w] = 1.0
        for w in words[max(0, i - 2):i]:
            f["l:" + w] = 1.0
        f["pos:" + ("start" if i <= 2 else "early" if i <= 8 else "late")] = 1.0
        f["first" if first else "notfirst"] = 1.0
    f["nact:" + str(min(n_actors, 3))] = 1.0
    for t in rule_types:
        f["rule:" + t] = 1.0
    if not rule_types:
        f["rule:none"] = 1.0
    for t in other_types:
        f["other:" + t] = 1.0
    for k in cue_keys:
        f["cue:" + k] = 1.0
    return f


def _bag(words: list[str], f: dict[str, float]) -> None:
    """Content words ("w:") and adjacent word pairs ("b:") of a sentence: both models' shared core."""
    for w in words:
        if w.isalpha() and w not in _STOP:
            f["w:" + w] = 1.0
    for a, b in itertools.pairwise(words):
        if a.isalpha() and b.isalpha():
            f[f"b:{a}_{b}"] = 1.0


def channel_features(sent_text: str, prev_text: str, cue_kinds: list[str], move_type: str,
                     rule_channel: str | None) -> dict[str, float]:
    """Features of one move for the closed-channel model."""
    f: dict[str, float] = {"bias": 1.0, "type:" + move_type: 1.0, "rch:" + str(rule_channel): 1.0}
    _bag(_words(sent_text), f)
    for w in _words(prev_text):
        if w.isalpha() and w not in _STOP:
            f["p:" + w] = 1.0
    for k in cue_kinds:
        f["ch:" + k] = 1.0
    return f


def rule_features(mv: Any, sent_text: str, n_here: int) -> dict[str, float]:
    """Features of one move the rules drafted, for the filter model: its type, cue, rule, the words around
    the cue and the sentence's words."""
    f: dict[str, float] = {"bias": 1.0, "type:" + mv.type: 1.0, "cue:" + mv.cue.lower(): 1.0,
                           "rule:" + mv.rule: 1.0, f"tr:{mv.type}|{mv.rule}": 1.0,
                           "nhere:" + str(min(n_here, 4)): 1.0, "ch:" + str(mv.channel_kind): 1.0}
    words = _words(sent_text)
    for w in words:
        if w.isalpha() and w not in _STOP:
            f["w:" + w] = 1.0
    rel = mv.evidence.start
    cue_at = sent_text.lower().find(mv.cue.lower())
    if cue_at >= 0:
        before = _words(sent_text[:cue_at])[-3:]
        after = _words(sent_text[cue_at + len(mv.cue):])[:3]
        for w in before:
            f["cb:" + w] = 1.0
        for w in after:
            f["ca:" + w] = 1.0
    del rel
    return f


def predict(weights: dict[str, dict[str, float]], intercepts: dict[str, float],
            feats: dict[str, float]) -> dict[str, float]:
    """Softmax over classes of a multinomial linear model stored sparsely: class -> feature -> weight."""
    scores = {c: intercepts.get(c, 0.0) + sum(w.get(k, 0.0) * v for k, v in feats.items())
              for c, w in weights.items()}
    top = max(scores.values())
    exp = {c: math.exp(s - top) for c, s in scores.items()}
    z = sum(exp.values())
    return {c: e / z for c, e in exp.items()}


@functools.lru_cache(maxsize=1)
def load_model() -> dict[str, Any]:
    """The shipped weights (data/move_model.json, written by detente.text.train_moves)."""
    text = resources.files("detente.text").joinpath("data").joinpath("move_model.json").read_text(encoding="utf-8")
    return json.loads(text)


_PRONOUN_OPENERS = {"he", "she", "it", "they", "his", "her", "its", "their"}


def pairs(text: str, sentences: list[Any], actors: list[Any], moves: list[Any],
          cue_keys: dict[int, list[str]]) -> list[tuple[int, str, int | None, dict[str, float]]]:
    """Every (sentence, actor) pair the learned pass scores, with its features: each actor named in a
    sentence, and for a sentence opening with a pronoun, the actor of the previous sentence's last move."""
    named: dict[int, dict[str, int]] = {}
    for a in actors:
        for m in a.mentions:
            named.setdefault(m.sentence, {})
            named[m.sentence][a.id] = min(named[m.sentence].get(a.id, m.start), m.start)
    by_sent: dict[int, list[Any]] = {}
    for mv in moves:
        by_sent.setdefault(mv.sentence, []).append(mv)
    out: list[tuple[int, str, int | None, dict[str, float]]] = []
    for s in sentences:
        cands: dict[str, int | None] = dict(named.get(s.index, {}))
        first_word = _words(s.text[:20])[:1]
        prev_moves = by_sent.get(s.index - 1, [])
        if first_word and first_word[0] in _PRONOUN_OPENERS and prev_moves:
            cands.setdefault(prev_moves[-1].actor, None)
        if not cands:
            continue
        first_actor = min((k for k, v in cands.items() if v is not None), key=lambda k: cands[k], default=None)
        here = by_sent.get(s.index, [])
        for actor, start in sorted(cands.items()):
            rule_types = sorted({mv.type for mv in here if mv.actor == actor})
            other = sorted({mv.type for mv in here if mv.actor != actor})
            feats = move_features(s.text, s.start, start, rule_types, other, cue_keys.get(s.index, []),
                                  len(cands), actor == first_actor)
            out.append((s.index, actor, start, feats))
    return out


def augment(text: str, sentences: list[Any], actors: list[Any], moves: list[Any], channels: list[Any],
            cue_keys: dict[int, list[str]], mode: str, model: dict[str, Any] | None = None) -> list[Any]:
    """The rules' moves plus what the learned pass adds (``add``: a move for a scored pair with no rule
    move of that actor in the sentence, when a type other than ``none`` has probability >= the model's
    ``add_threshold``) and, with ``add+closed``, closed tags where the channel model says >= its
    ``closed_threshold``. ``off`` returns the moves unchanged."""
    from detente.text.extract import MoveFinding, evidence_span

    if mode == "off":
        return moves
    model = model or load_model()
    if mode == "filter":
        fm = model["filter"]
        counts: dict[int, int] = {}
        for mv in moves:
            counts[mv.sentence] = counts.get(mv.sentence, 0) + 1
        return [mv for mv in moves if predict(fm["weights"], fm["intercepts"], rule_features(
            mv, sentences[mv.sentence].text, counts[mv.sentence])).get("keep", 0.0) >= fm["keep_threshold"]]
    mm, cm = model["moves"], model["closed"]
    closed_s = {si for c in channels if c.kind == "closed" for si in c.sentences}
    public_s = {si for c in channels if c.kind == "public" for si in c.sentences}
    have = {(mv.sentence, mv.actor) for mv in moves}
    out = list(moves)
    for si, actor, _start, feats in pairs(text, sentences, actors, moves, cue_keys):
        if (si, actor) in have:
            continue
        gate = predict(mm["gate"]["weights"], mm["gate"]["intercepts"], feats).get("move", 0.0)
        if gate < mm["add_threshold"]:
            continue
        probs = predict(mm["types"]["weights"], mm["types"]["intercepts"], feats)
        best = max(sorted(probs), key=lambda c: probs[c])
        s = sentences[si]
        channel = "closed" if si in closed_s else "public" if si in public_s else None
        out.append(MoveFinding(actor, best, None, "(learned)", "learned", round(gate * probs[best], 2),
                               evidence_span(text, s), si, channel))
    if mode == "add+closed":
        for mv in out:
            if mv.channel_kind == "closed":
                continue
            prev = sentences[mv.sentence - 1].text if mv.sentence > 0 else ""
            kinds = [k for k in cue_keys.get(mv.sentence, []) if k.startswith("C|")]
            p = predict(cm["weights"], cm["intercepts"],
                        channel_features(sentences[mv.sentence].text, prev, kinds, mv.type, mv.channel_kind))
            if p.get("closed", 0.0) >= cm["closed_threshold"]:
                mv.channel_kind = "closed"
    return sorted(out, key=lambda mv: (mv.sentence, mv.tok if mv.tok >= 0 else 10**9))
