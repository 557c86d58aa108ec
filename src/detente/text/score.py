"""Score the drafter against hand-made gold labels: precision and recall of actors and moves.

Gold format (YAML): ``actors: {required: [...], optional: [...]}`` and ``moves:`` entries with an ``anchor``
(start/end offsets of a few words inside the move's sentence), ``actor``, the acceptable ``types`` and
``required``. A predicted move matches a gold move when the actor agrees, the type is one of the accepted ones
and its evidence span covers the anchor; each gold move matches at most one prediction. Optional gold items
are neither rewarded nor counted as false positives. Usage: ``python -m detente.text.score [--backend NAME]
[--match ids|kind] [--parser sm [--parse-mode correct|fill]] GOLD.yaml ARTICLE [GOLD2 ARTICLE2 ...]``; with
several pairs a ``pooled`` entry sums the counts over all articles (``--parser``: :mod:`detente.text.parsed`).
``--match kind`` (T14) also pairs a drafted sub-state actor with a gold one of the same state and kind whose
id differs (``usa_legislature`` / ``usa_congress``): the gold file's ``kinds`` gives the gold actor's kind,
and a gold id without one pairs only when its suffix names the drafted organ in :func:`organ_aliases`
(``irn_majlis`` for ``irn_legislature``; SF3). The default ``ids`` matches ids only.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from detente.errors import InputError
from detente.text.cues import load_cues
from detente.text.extract import Extraction, extract
from detente.text.nonstate import INSTITUTIONS
from detente.text.reader import read_article


@dataclass
class PR:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3)}


def score_actors(ex: Extraction, gold: dict[str, Any]) -> PR:
    found = {a.id for a in ex.actors}
    req = set(gold["actors"]["required"])
    opt = set(gold["actors"].get("optional", []))
    return PR(tp=len(found & req), fp=len(found - req - opt), fn=len(req - found))


def match_moves(ex: Extraction, gold: dict[str, Any]) -> tuple[PR, list[str], dict[int, Any]]:
    """One-to-one matching of predicted and gold moves; returns the score, the misses and, for each
    matched gold move (by index), the prediction that matched it."""
    golds = gold.get("moves", [])
    used: set[int] = set()
    matched: dict[int, Any] = {}
    tp = fp = 0
    report: list[str] = []
    for mv in ex.moves:
        hit = None
        for k, g in enumerate(golds):
            a = g["anchor"]
            if k in used or g["actor"] != mv.actor or mv.type not in g["types"]:
                continue
            if mv.evidence.start <= a["start"] and a["end"] <= mv.evidence.end:
                hit = k
                break
        if hit is None:
            fp += 1
            report.append(f"FP {mv.actor} {mv.type} '{mv.cue}' at {mv.evidence.start}")
            continue
        used.add(hit)
        matched[hit] = mv
        if golds[hit].get("required", True):
            tp += 1
    fn = 0
    for k, g in enumerate(golds):
        if g.get("required", True) and k not in used:
            fn += 1
            report.append(f"FN {g['actor']} {'/'.join(g['types'])} '{g['anchor']['text']}'")
    return PR(tp, fp, fn), report, matched


def score_closed(ex: Extraction, gold: dict[str, Any], matched: dict[int, Any]) -> PR:
    """Closed-channel recall: of the required gold moves labelled ``channel: closed``, how many were
    found (matched) and tagged closed. False positives are matched moves tagged closed whose gold says
    ``public`` or nothing. Gold files without ``channel`` labels give an empty count."""
    tp = fp = fn = 0
    for k, g in enumerate(gold.get("moves", [])):
        if "channel" not in g:
            continue
        pred = matched.get(k)
        tagged = pred is not None and pred.channel_kind == "closed"
        if g["channel"] == "closed" and g.get("required", True):
            tp, fn = tp + tagged, fn + (not tagged)
        elif g["channel"] != "closed" and tagged:
            fp += 1
    return PR(tp, fp, fn)


def _id_words(name: str) -> str:
    """'National People's Congress' -> 'national_peoples_congress' (an id's suffix)."""
    return "_".join("".join(ch for ch in w if ch.isalnum()) for w in name.lower().split())


@functools.cache
def organ_aliases() -> dict[str, frozenset[str]]:
    """The organs the drafter emits as ``<state>_<organ>`` (``legislature``, ``central_bank``) -> the id
    suffixes that name the same organ: the drafter's own institution nouns (``nonstate.INSTITUTIONS``:
    parliament, congress, senate, ...) and the legislatures' own names (``cues.yaml``: majlis, knesset,
    state duma, ...). A documented table, not fitted to any gold file."""
    out: dict[str, set[str]] = {}
    for noun, organ in INSTITUTIONS.items():
        out.setdefault(organ, {organ}).add(_id_words(noun))
    for name in load_cues().raw.get("legislatures") or {}:
        out.setdefault("legislature", {"legislature"}).add(_id_words(str(name)))
    return {k: frozenset(v) for k, v in out.items()}


def _same_organ(drafted: str, gold_id: str) -> bool:
    """``irn_legislature`` and ``irn_majlis``: the gold suffix names the drafted organ (state checked apart)."""
    organ, suffix = drafted.split("_", 1)[1], gold_id.split("_", 1)[1]
    return suffix in organ_aliases().get(organ, ())


def reconcile(ex: Extraction, gold: dict[str, Any]) -> dict[str, str]:
    """T14 matching option ``kind``: a drafted sub-state actor and a required gold actor that neither
    matches by id are one actor when both ids name the same state before the underscore and the gold
    file's ``kinds`` gives the drafted kind (``usa_legislature`` faction = gold ``usa_congress`` faction),
    or, for a gold actor without a ``kinds`` entry, its id names the drafted organ (:func:`organ_aliases`;
    before SF3 a gold actor without a kind paired whatever its kind). Returns drafted id -> gold id; the
    ``ids`` matching (the default, as before T14) uses none."""
    found = {a.id: a for a in ex.actors}
    req = set(gold["actors"]["required"]) | set(gold["actors"].get("optional", []))
    kinds = gold["actors"].get("kinds", {}) or {}
    free_gold = sorted(g for g in req - set(found) if "_" in g)
    out: dict[str, str] = {}
    for aid, a in sorted(found.items()):
        if aid in req or "_" not in aid:
            continue
        state = a.represents or aid.split("_", 1)[0]
        hit = [g for g in free_gold if g.split("_", 1)[0] == state and g not in out.values()
               and (kinds[g] == a.kind if g in kinds else _same_organ(aid, g))]
        if len(hit) == 1:
            out[aid] = hit[0]
    return out


def renamed(ex: Extraction, names: dict[str, str]) -> Extraction:
    """A copy of the extraction with actor ids renamed (actors and the moves' actors and targets)."""
    import copy

    if not names:
        return ex
    ex = copy.copy(ex)
    ex.actors = [copy.copy(a) for a in ex.actors]
    for a in ex.actors:
        a.id = names.get(a.id, a.id)
    ex.moves = [copy.copy(m) for m in ex.moves]
    for m in ex.moves:
        m.actor = names.get(m.actor, m.actor)
        m.target = names.get(m.target, m.target) if m.target else m.target
    return ex


def score(ex: Extraction, gold: dict[str, Any], matching: str = "ids") -> dict[str, Any]:
    if matching not in ("ids", "kind"):
        raise ValueError(f"unknown matching '{matching}' (use ids or kind)")
    if matching == "kind":
        ex = renamed(ex, reconcile(ex, gold))
    moves, misses, matched = match_moves(ex, gold)
    return {"actors": score_actors(ex, gold).to_dict(), "moves": moves.to_dict(),
            "closed_channel": score_closed(ex, gold, matched).to_dict(), "misses": misses}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    opts = {"--backend": "auto", "--match": "ids", "--parser": "", "--parse-mode": ""}
    while args[:1] and args[0] in opts and len(args) >= 2:
        opts[args[0]] = args[1]
        args = args[2:]
    backend, matching, parser, parse_mode = (opts[k] for k in opts)
    # as `detente draft`: --parse-mode only with --parser, and one of the parser's modes (H14)
    if len(args) < 2 or len(args) % 2 or matching not in ("ids", "kind") or (parse_mode and not parser) \
            or parse_mode not in ("", "correct", "fill"):
        print("usage: python -m detente.text.score [--backend auto|spacy|python] [--match ids|kind] "
              "[--parser sm [--parse-mode correct|fill]] GOLD.yaml ARTICLE [GOLD2 ARTICLE2 ...]", file=sys.stderr)
        return 2
    if parser:
        from detente.text.parsed import apply_parser, load_parser

        try:
            load_parser(parser)
        except InputError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    results: dict[str, Any] = {}
    for gold_path, article in zip(args[::2], args[1::2], strict=True):
        try:  # a missing or unreadable file is a one-line error, exit 2 (H14: it was a traceback)
            gold = yaml.safe_load(Path(gold_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            print(f"error: {gold_path}: not read ({type(e).__name__}: {str(e).splitlines()[0]})", file=sys.stderr)
            return 2
        try:
            text, _ = read_article(article)
        except InputError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        if not isinstance(gold, dict):
            print(f"error: {gold_path}: not a gold file (a mapping with actors and moves)", file=sys.stderr)
            return 2
        ex = extract(text, backend)
        if parser:
            import copy

            # a copy: the cached rules' objects stay untouched
            ex = apply_parser(copy.deepcopy(ex), parser, parse_mode or "correct")
        results[Path(article).name] = score(ex, gold, matching)
    if len(results) > 1:
        pooled = {}
        for part in ("actors", "moves", "closed_channel"):
            pooled[part] = PR(*(sum(r[part][k] for r in results.values()) for k in ("tp", "fp", "fn"))).to_dict()
        results["pooled"] = pooled
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
