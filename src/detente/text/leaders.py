"""A dated table of leaders: a named person speaks for a state only in the years they held office (T16).

``data/leaders.yaml`` lists heads of state and government 1945-2025 of a fixed set of states (the
P5, the G20 and ICB's most frequent crisis actors) and the P5's foreign ministers, each with the
years of their terms. An article rarely says whose president "Jimmy Carter" is; the table does,
but only when the years the text mentions fall in a term: a former president on a private mission
("Carter went to Pyongyang in 1994") is not his state, and "Johnson" in 1965 is not Boris Johnson.
A text that mentions no year resolves nobody through the table.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

import yaml

_TERM = re.compile(r"^(\d{4})(?:-(\d{4})?)?$")
_YEAR = re.compile(r"^(19\d\d|20[0-4]\d)$")
_NOW = 2026  # an open term ("2017-") runs to the year the table was compiled
# Letters NFKD does not take apart ("Yıldırım").
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss"})
# Title words and the offices they fit ("Prime Minister Major" is a prime minister, not a president);
# a word not listed ("Mr", "General") says no office.
_ROLE_OF_HEAD: dict[str, set[str] | None] = {
    "president": {"president"}, "prime": {"prime minister", "premier"}, "premier": {"premier", "prime minister"},
    "chancellor": {"chancellor"}, "king": {"king"}, "queen": {"king"}, "emperor": {"emperor"}, "emir": {"emir"},
    "sultan": {"sultan"}, "shah": {"shah"},
    "chairman": {"chairman"}, "secretary": {"secretary of state", "foreign secretary", "general secretary"},
    "leader": None, "minister": {"prime minister", "foreign minister", "foreign secretary", "secretary of state"}}


@dataclass(frozen=True)
class Leader:
    state: str
    role: str
    names: tuple[str, ...]  # full names, spelling variants after the first
    shorts: tuple[str, ...]  # forms used alone after the full name ("Carter"); empty: never alone
    terms: tuple[tuple[int, int], ...]

    def in_office(self, years: set[int]) -> bool:
        return any(a <= y <= b for a, b in self.terms for y in years)


@dataclass
class Leaders:
    people: list[Leader]
    monarchies: dict[str, dict[str, tuple[tuple[int, int], ...]]]  # kingdom|emirate|sultanate -> state -> terms
    by_short: dict[str, list[Leader]]
    by_full: dict[str, list[Leader]]
    longest: int  # words in the longest full name


def ascii_fold(s: str) -> str:
    """'Mendès France' -> 'Mendes France' (texts are written both ways)."""
    return unicodedata.normalize("NFKD", s.translate(_FOLD)).encode("ascii", "ignore").decode()


def _variants(name: str) -> set[str]:
    out = {name, ascii_fold(name)}
    for n in list(out):
        bare = " ".join(w for w in n.split() if not re.fullmatch(r"[A-Z]\.", w))
        if " " in bare:
            out.add(bare)  # "John F. Kennedy" -> "John Kennedy"
        if re.search(r"[A-Z][a-z]+-[a-z]", n):  # "Moon Jae-in" -> "Moon Jae In", "Moon Jaein"
            out.add(re.sub(r"-([a-z])", lambda m: " " + m.group(1).upper(), n))
            out.add(re.sub(r"-([a-z])", r"\1", n))
    return out


def _term(word: str) -> tuple[int, int]:
    """'1977-1981' -> (1977, 1981); '2017-' -> (2017, present); '1945' -> (1945, 1945)."""
    m = _TERM.match(word)
    if m is None:
        raise ValueError(f"bad term '{word}'")
    a = int(m.group(1))
    return a, int(m.group(2)) if m.group(2) else (_NOW if word.endswith("-") else a)


def _parse(state: str, role: str, entry: str) -> Leader:
    words = entry.split()
    terms: list[tuple[int, int]] = []
    while words and _TERM.match(words[-1]):
        terms.insert(0, _term(words.pop()))
    if not terms:
        raise ValueError(f"leaders.yaml {state}/{role}: '{entry}' has no term")
    rest = " ".join(words)
    shorts: list[str] | None = None
    m = re.match(r"^(.*?)\s*\[(.*)\]$", rest)
    if m:
        rest, inner = m.group(1), m.group(2)
        shorts = [] if inner == "-" else inner.split("|")
    names = [n.strip() for n in rest.split("|") if n.strip()]
    if shorts is None:
        shorts = [names[0].split()[-1]]
    return Leader(state, role, tuple(names), tuple(shorts), tuple(terms))


@functools.lru_cache(maxsize=1)
def load_leaders() -> Leaders:
    text = resources.files("detente.text").joinpath("data").joinpath("leaders.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # the C loader when built
    people = [_parse(str(state), str(role), str(e)) for state, roles in raw["leaders"].items()
              for role, entries in roles.items() for e in entries]
    monarchies: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {}
    for kind, table in (raw.get("monarchies") or {}).items():
        for state, spec in table.items():
            try:
                monarchies.setdefault(str(kind), {})[str(state)] = tuple(_term(w) for w in str(spec).split())
            except ValueError as exc:
                raise ValueError(f"leaders.yaml monarchies/{kind}/{state}: {exc}") from None
    by_short: dict[str, list[Leader]] = {}
    by_full: dict[str, list[Leader]] = {}
    for p in people:
        for s in p.shorts:
            for v in {s, ascii_fold(s)}:
                by_short.setdefault(v, []).append(p)
        for n in p.names:
            for v in _variants(n):
                by_full.setdefault(v, []).append(p)
    longest = max((len(k.split()) for k in by_full), default=0)
    return Leaders(people, monarchies, by_short, by_full, longest)


def text_years(tokens_or_text: list | str) -> set[int]:
    """The years a text mentions (1900-2049): the dates the table is read at."""
    if isinstance(tokens_or_text, str):
        words = re.findall(r"\d{4}", tokens_or_text)
    else:
        words = [t.text for t in tokens_or_text]
    return {int(w) for w in words if _YEAR.match(w)}


def fits(leader: Leader, head: str | None) -> bool:
    """Whether a title word ("president", "prime", "king") fits the leader's office."""
    if head is None or head not in _ROLE_OF_HEAD:
        return True
    roles = _ROLE_OF_HEAD[head]
    return roles is None or leader.role in roles


def state_of(cands: list[Leader], years: set[int], head: str | None = None) -> str | None:
    """The one state the in-office candidates agree on, else None."""
    states = {c.state for c in cands if c.in_office(years) and fits(c, head)}
    return next(iter(states)) if len(states) == 1 else None


_WORD = re.compile(r"[\w'’.\-]+")
_PARTICLES = {"de", "da", "del", "dos", "do", "von", "van", "den", "der", "la", "le", "e", "bin", "ibn", "ul"}


def _name_word(w: str) -> bool:
    return w[:1].isupper() or w in _PARTICLES or (w[:1].islower() and ("-" in w[1:4] or "'" in w[1:3]))


def full_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name as written) of every full name of the table found in ``text``: runs of name-like
    words separated by spaces, longest known name first (a plain dictionary look-up: no large pattern to
    compile)."""
    lead = load_leaders()
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    out = []
    i = 0
    while i < len(words):
        if not words[i][1][:1].isupper():
            i += 1
            continue
        run = [words[i]]
        j = i + 1
        while j < len(words) and len(run) < lead.longest and _name_word(words[j][1]) and \
                text[words[j - 1][0] + len(words[j - 1][1]):words[j][0]].strip(" ") == "":
            run.append(words[j])
            j += 1
        hit = None
        for b in range(len(run), 0, -1):
            last = run[b - 1][1]
            for tail in ("'s", "’s"):
                last = last[:-2] if last.endswith(tail) else last
            if last.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", last):
                last = last[:-1]  # a sentence's full stop, not an initial
            name = " ".join([w for _, w in run[:b - 1]] + [last])
            if name in lead.by_full:
                hit = (run[0][0], run[b - 1][0] + len(last), name, b)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit[:3])
        i += hit[3]
    return out


# A monarchy's kind and the title of its monarch.
MONARCH = {"kingdom": "king", "emirate": "emir", "sultanate": "sultan"}


def monarchy(kind: str, state: str, years: set[int]) -> bool:
    """Whether ``state`` was a ``kind`` (kingdom, emirate, sultanate) in one of ``years`` (any, if none)."""
    terms = load_leaders().monarchies.get(kind, {}).get(state, ())
    return bool(terms) and (not years or any(a <= y <= b for a, b in terms for y in years))


def offices(state: str, years: set[int]) -> set[str]:
    """The offices the table knows ``state`` had in those years ("king", "emir", "sultan" for a monarchy)."""
    lead = load_leaders()
    out = {p.role for p in lead.people if p.state == state and p.in_office(years)}
    out |= {title for kind, title in MONARCH.items() if monarchy(kind, state, years)}
    return out


def covered(state: str) -> bool:
    """Whether the table lists the state's leaders (else its offices are unknown, not absent)."""
    return any(p.state == state for p in load_leaders().people)
