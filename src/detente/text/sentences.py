"""Sentence splitting with character offsets into the source text.

A small rule-based splitter: a sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes
or brackets) followed by white space and an upper-case letter, digit or quote, or at a
blank line. Common abbreviations ("Mr.", "U.S.", "Gen.") and initials do not end a
sentence. Offsets are exact: ``text[s.start:s.end] == s.text`` always.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "capt", "sen", "rep", "gov", "st",
    "jr", "sr", "vs", "etc", "no", "vol", "fig", "art", "sec", "dept", "est", "approx",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "u.s.a", "u.s.s.r", "e.g", "i.e", "a.m", "p.m", "inc", "ltd", "co",
}
_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9А-Я])|\n[ \t]*\n")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str

    @property
    def is_question(self) -> bool:
        return self.text.rstrip("\"'”’») ").endswith("?")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the '.' at ``dot`` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREV:
        return True
    return len(word) == 1 and text[j].isupper()  # an initial: "J. Smith"


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets point back into it."""
    out: list[Sentence] = []
    pos = 0
    bounds: list[int] = []
    for m in _END.finditer(text):
        if m.group(0).startswith("\n"):
            bounds.append(m.start())
            continue
        if _is_abbreviation(text, m.start()) and len(m.group(0)) == 1:
            continue
        bounds.append(m.end())
    bounds.append(len(text))
    for b in bounds:
        chunk = text[pos:b]
        for line_start, line in _lines(chunk, pos):
            s, e = _strip(text, line_start, line_start + len(line))
            if e > s:
                out.append(Sentence(len(out), s, e, text[s:e]))
        pos = b
    return out


def _lines(chunk: str, offset: int) -> list[tuple[int, str]]:
    """A single newline between a heading-like line and the next also ends a sentence."""
    parts: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"\n", chunk):
        before = chunk[start:m.start()].strip()
        if before and before[-1] not in ",;:-–" and _looks_like_line_end(before):
            parts.append((offset + start, chunk[start:m.start()]))
            start = m.end()
    parts.append((offset + start, chunk[start:]))
    return parts


def _looks_like_line_end(line: str) -> bool:
    # Titles and headings have no final punctuation; prose lines wrapped mid-sentence do
    # not start a new paragraph, but a title line followed by a newline does.
    return line[-1] in ".!?\"'”’)" or len(line.split()) <= 14


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
