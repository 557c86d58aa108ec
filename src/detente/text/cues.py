"""Cue lists (data/cues.yaml): words that signal moves, channels, audiences, outcomes, issues."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Cues:
    verbal: dict[str, list[str]]  # move type -> phrases reporting an act (verbs inflected)
    nominal: dict[str, list[str]]  # move type -> nouns naming an act ("Russia's demands")
    negations: frozenset[str]
    hypothetical: frozenset[str]
    aspect_verbs: frozenset[str]
    locative: frozenset[str]
    raw: dict[str, Any]


GAP = "~"  # in a lexicon phrase: zero to MAX_GAP words ("closed ~ border": "closed the only land border")
MAX_GAP = 3


def expand_gaps(phrase: str) -> list[str]:
    """'closed ~ border' -> closed border, closed * border, closed * * border, closed * * * border: a
    verb and its object's head with up to three words between, so the lexicon need not list every
    determiner and adjective (T10)."""
    if GAP not in phrase.split():
        return [phrase]
    words = phrase.split()
    k = words.index(GAP)
    out: list[str] = []
    for n in range(MAX_GAP + 1):
        for rest in expand_gaps(" ".join(words[k + 1:])):
            out.append(" ".join([*words[:k], *(["*"] * n), rest]))
    return out


def inflect(verb_phrase: str) -> list[str]:
    """'insist on' -> insist on, insists on, insisted on, insisting on (regular English)."""
    head, _, rest = verb_phrase.partition(" ")
    tail = f" {rest}" if rest else ""
    forms = {head}
    if head.endswith("e"):
        forms |= {head + "s", head + "d", head[:-1] + "ing"}
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        forms |= {head[:-1] + "ies", head[:-1] + "ied", head + "ing"}
    elif head.endswith(("s", "sh", "ch", "x")):
        forms |= {head + "es", head + "ed", head + "ing"}
    else:
        forms |= {head + "s", head + "ed", head + "ing"}
    if head in ("retaliate",):
        forms.add("retaliation")
    return sorted(f + tail for f in forms)


# T27: the past participle of an irregular past tense that opens a lexicon phrase ("spoke to" -> "spoken to",
# "broke off relations" -> "broken off relations", "withdrew its ambassador" -> "withdrawn its ambassador"): the
# perfect ("had spoken to Lavrov") reports the same act. Left out: "frozen assets" (an adjective), "were detained,
# flown to Ceuta" (a passive).
_PARTICIPLES = {"spoke": "spoken", "wrote": "written", "took": "taken", "gave": "given", "broke": "broken",
                "withdrew": "withdrawn", "began": "begun", "undertook": "undertaken"}


def participle_forms(phrase: str) -> list[str]:
    """'spoke to' -> ['spoke to', 'spoken to']; other phrases unchanged."""
    head, _, rest = phrase.partition(" ")
    if head not in _PARTICIPLES:
        return [phrase]
    return [phrase, f"{_PARTICIPLES[head]} {rest}".strip()]


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (YAML would keep only the last: a second
    ``consult:`` under a section silently dropped the first list; rules6)."""


def _strict_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"cues.yaml line {key_node.start_mark.line + 1}: key '{key}' given twice")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)


def parse_cues(text: str) -> dict[str, Any]:
    """The cue file's YAML, with duplicate keys refused."""
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass


@functools.lru_cache(maxsize=1)
def load_cues() -> Cues:
    text = resources.files("detente.text").joinpath("data").joinpath("cues.yaml").read_text(encoding="utf-8")
    raw = parse_cues(text)
    verbal: dict[str, list[str]] = {}
    nominal: dict[str, list[str]] = {}
    for section in ("moves", "lexicon", "delivery"):  # the broad lexicon (T10) and rules6's add to the hand-made lists
        for move_type, spec in (raw.get(section) or {}).items():
            phrases: list[str] = []
            for v in spec.get("verbs", []):
                phrases += inflect(str(v))
            phrases += [x for p in spec.get("phrases", []) for f in participle_forms(str(p)) for x in expand_gaps(f)]
            verbal[move_type] = sorted(set(verbal.get(move_type, [])) | set(phrases))
            nominal[move_type] = sorted(set(nominal.get(move_type, [])) | {str(p) for p in spec.get("nouns", [])})
    return Cues(
        verbal=verbal,
        nominal=nominal,
        negations=frozenset(raw["negations"]),
        hypothetical=frozenset(raw["hypothetical"]),
        aspect_verbs=frozenset(raw["aspect_verbs"]),
        locative=frozenset(raw["locative"]),
        raw=raw,
    )
