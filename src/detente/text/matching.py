"""Token phrase matching with two interchangeable backends: spaCy or pure Python.

The drafter needs one operation: find every occurrence of many short phrases in a text,
with character offsets, ignoring case (or not, for acronyms such as "US"). With spaCy
installed we use a blank English pipeline (``spacy.blank("en")``: tokenizer only, no
model download) and its rule-based :class:`spacy.matcher.Matcher`. Without it, a small
regex tokenizer and a first-token index do the same job. A pattern token ``*`` matches
any one token. Both backends tokenize patterns with their own tokenizer, so a phrase
matches the way the text is split.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

WILDCARD = "*"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Match:
    key: str
    start: int  # character offsets into the text
    end: int
    tok_start: int  # token offsets into the token list
    tok_end: int


class Backend(Protocol):
    name: str

    def add(self, key: str, phrases: list[str], case_sensitive: bool = False) -> None: ...

    def run(self, text: str) -> tuple[list[Token], list[Match]]: ...


_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., U.S.S.R.
    r"|n['’]t\b"  # n't
    r"|['’]s\b"  # possessive 's
    r"|\w+?(?=n['’]t\b)"  # did|n't
    r"|\d{1,3}(?:,\d{3})+\b"  # 2,000 (one token, as spaCy has it)
    r"|\w+"
    r"|[^\w\s]"
)


def simple_tokens(text: str) -> list[Token]:
    """The pure-Python tokenizer: words, possessives, acronyms with dots, punctuation."""
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


class PurePythonBackend:
    """Phrase matching without dependencies: index patterns by their first token."""

    name = "python"

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = defaultdict(list)
        self._wild_first: list[tuple[tuple[str, ...], str, bool]] = []

    def add(self, key: str, phrases: list[str], case_sensitive: bool = False) -> None:
        for phrase in phrases:
            toks = tuple(t.text if case_sensitive else t.lower for t in simple_tokens(phrase))
            if not toks:
                continue
            entry = (toks, key, case_sensitive)
            if toks[0] == WILDCARD:
                self._wild_first.append(entry)
            else:
                self._by_first[toks[0].lower()].append(entry)

    def run(self, text: str) -> tuple[list[Token], list[Match]]:
        tokens = simple_tokens(text)
        lowers = [t.lower for t in tokens]
        out: list[Match] = []
        n = len(tokens)
        for i in range(n):
            for toks, key, cs in (*self._by_first.get(lowers[i], ()), *self._wild_first):
                k = len(toks)
                if i + k > n:
                    continue
                ok = True
                for j, pt in enumerate(toks):
                    if pt == WILDCARD:
                        continue
                    if (tokens[i + j].text if cs else lowers[i + j]) != pt:
                        ok = False
                        break
                if ok:
                    out.append(Match(key, tokens[i].start, tokens[i + k - 1].end, i, i + k))
        return tokens, out


class SpacyBackend:
    """Phrase matching with spaCy's rule-based Matcher on a blank English pipeline."""

    name = "spacy"

    def __init__(self) -> None:
        import spacy
        from spacy.matcher import Matcher

        self._nlp = spacy.blank("en")
        self._nlp.max_length = 3_000_000
        self._matcher = Matcher(self._nlp.vocab)
        self._patterns: dict[str, list[list[dict[str, str]]]] = defaultdict(list)
        self._dirty = True

    def add(self, key: str, phrases: list[str], case_sensitive: bool = False) -> None:
        attr = "ORTH" if case_sensitive else "LOWER"
        for phrase in phrases:
            doc = self._nlp.make_doc(phrase)
            pattern = [{} if t.text == WILDCARD else {attr: t.text if case_sensitive else t.lower_}
                       for t in doc]
            if pattern:
                self._patterns[key].append(pattern)
        self._dirty = True

    def run(self, text: str) -> tuple[list[Token], list[Match]]:
        if self._dirty:
            for key, patterns in self._patterns.items():
                if key in self._matcher:
                    self._matcher.remove(key)
                self._matcher.add(key, patterns)
            self._dirty = False
        doc = self._nlp.make_doc(text)
        tokens = [Token(t.text, t.idx, t.idx + len(t.text)) for t in doc]
        strings = self._nlp.vocab.strings
        out = [Match(strings[mid], doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text), s, e)
               for mid, s, e in self._matcher(doc)]
        return tokens, out


def spacy_available() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def make_backend(name: str = "auto") -> Backend:
    """``auto`` (spaCy if installed, else Python), ``spacy`` or ``python``."""
    from detente.errors import InputError

    if name == "python" or (name == "auto" and not spacy_available()):
        return PurePythonBackend()
    if name in ("spacy", "auto"):
        if not spacy_available():
            raise InputError("spaCy is not installed; install the 'text' extra or use --backend python")
        return SpacyBackend()
    raise InputError(f"unknown text backend '{name}' (use auto, spacy or python)")


def longest_first(matches: list[Match]) -> list[Match]:
    """Keep non-overlapping matches, longer ones first, then earlier ones (then by key: both backends agree)."""
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.tok_end - m.tok_start), m.tok_start, m.key)):
        span = set(range(m.tok_start, m.tok_end))
        if span & taken:
            continue
        taken |= span
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.tok_start)
