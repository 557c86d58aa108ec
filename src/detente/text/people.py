"""People the gazetteer does not know, found by their titles and tied to an actor (T6).

"French President Jean Dupont", "Brazil's foreign minister Ana Souza", "Prime Minister Ion Popa
of Moldova", "Jean Dupont, the French foreign minister," and later "Dupont" or "the foreign
minister": the person is a mention of the actor the title names. Rules, in order: an actor
(adjective, name or possessor) right before the title; "of <actor>" right after the name; an
apposition after the name (", the <actor> <title>,"); the same surname resolved earlier. A
titled person none of these resolve is *unknown*: their acts are attributed to nobody rather
than to the nearest other actor (a wrong guess is worse than none).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.text.matching import Token

# Words a title is made of, and the heads one of which it must contain.
TITLE_WORDS = {"president", "prime", "minister", "premier", "chancellor", "king", "queen", "emperor", "sultan",
               "emir", "sheikh", "shah", "crown", "prince", "foreign", "defence", "defense", "interior", "finance",
               "secretary", "of", "state", "ambassador", "envoy", "general", "gen", "marshal", "field", "admiral",
               "colonel", "col", "commander", "chairman", "leader", "spokesman", "spokeswoman", "spokesperson",
               "governor", "senator", "speaker", "chief", "deputy", "vice", "secretary-general", "-", "mr", "mrs",
               "ms", "dr", ".", "first", "supreme", "opposition", "army", "rebel", "separatist", "national", "security",
               "adviser", "advisor", "councillor", "councilor", "negotiator", "diplomat", "affairs", "external",
               "senior"}
TITLE_HEADS = {"president", "minister", "premier", "chancellor", "king", "queen", "emperor", "sultan", "emir",
               "sheikh", "shah", "prince", "secretary", "ambassador", "envoy", "general", "gen", "marshal",
               "admiral", "colonel", "col", "commander", "chairman", "leader", "spokesman", "spokeswoman",
               "spokesperson", "governor", "senator", "speaker", "secretary-general", "mr", "mrs", "ms", "dr",
               "adviser", "advisor", "councillor", "councilor", "negotiator"}
# Role nouns that act as a title only right before a name ("the American diplomat Richard Holbrooke"),
# not in an apposition ("Staffan Berg, a Swedish diplomat,": a nationality there makes no party).
_BEFORE_NAME_HEADS = {"diplomat", "mediator", "negotiator", "journalist", "official"}
_PARTICLES = {"de", "da", "del", "bin", "ibn", "al", "von", "van", "der", "la", "le", "di", "du", "el"}
_NOT_NAMES = {"The", "A", "An", "On", "In", "At", "But", "And", "Monday", "Tuesday", "Wednesday", "Thursday",
              "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "June", "July", "August",
              "September", "October", "November", "December", "He", "She", "It", "They", "This", "That"}
# Words that continue a title after "of"/"for": "minister of state for foreign affairs" (T14).
_OFFICE_WORDS = {"state", "foreign", "defence", "defense", "interior", "finance", "external", "national",
                 "home", "economic", "trade", "security", "affairs"}
# A known person's kin or aide speaks for the person's actor (", Trump's son-in-law and adviser,").
_KIN = {"son", "daughter", "son-in-law", "daughter-in-law", "brother", "sister", "wife", "husband", "nephew",
        "aide", "confidant", "envoy", "emissary"}
# Titles that only one state's officials bear (T14; general knowledge, not read off one article).
TITLE_STATES = {"state councillor": "chn", "state councilor": "chn", "external affairs minister": "ind",
                "taoiseach": "irl", "chancellor of the exchequer": "gbr", "home secretary": "gbr",
                "supreme leader": "irn", "politburo member": "chn"}
_NATION_RULES = {"adjective", "adjective+institution", "name", "alias", "metonym", "capital"}


@dataclass(frozen=True)
class Person:
    tok_start: int  # the name's tokens (the title is not part of it)
    tok_end: int
    surname: str
    head: str  # the title's head word ("" when found by apposition only)
    actor: str | None  # None: unknown


def _name_end(tokens: list[Token], i: int, taken: set[int]) -> int:
    """End (exclusive) of a personal name starting at ``i``: capitalised words, particles, hyphens."""
    j = i
    while j < len(tokens) and j - i < 6 and j not in taken:
        t = tokens[j].text
        word = t[:1].isupper() and t.replace("'", "").replace("’", "").isalpha() and t not in _NOT_NAMES
        particle = t.lower() in _PARTICLES and j + 1 < len(tokens) and tokens[j + 1].text[:1].isupper() and j > i
        if word or particle:
            j += 1
        elif t == "-" and j > i and j + 1 < len(tokens) and tokens[j + 1].text.isalpha():
            j += 2
        else:
            break
    return j


def _actor_ending_at(ment_end: dict[int, tuple[str, str]], k: int) -> str | None:
    got = ment_end.get(k)
    return got[0] if got is not None and got[1] in _NATION_RULES else None


def find_people(tokens: list[Token], mentions: list, tok_sent: list[int]) -> list[Person]:
    """Titled people not already mentions, with the actor each belongs to (or None)."""
    taken = {t for m in mentions for t in range(m.tok_start, m.tok_end)}
    ment_end = {m.tok_end - 1: (m.actor, m.rule) for m in mentions}
    ment_start = {m.tok_start: (m.actor, m.rule) for m in mentions}
    out: list[Person] = []
    known: dict[str, str] = {}
    n = len(tokens)
    i = 0
    while i < n:
        low = tokens[i].lower
        if (low not in TITLE_HEADS and low not in _BEFORE_NAME_HEADS) or i in taken:
            i += 1
            continue
        # widen to the whole title: "Deputy Foreign Minister", "Secretary of State"
        a = i
        while a - 1 >= 0 and tokens[a - 1].lower in TITLE_WORDS and tokens[a - 1].lower != "of" and a - 1 not in taken:
            a -= 1
        b = i + 1
        while b < n and tokens[b].lower in TITLE_WORDS | {"for"} and b not in taken and tokens[b].text not in {"-"}:
            if tokens[b].lower in {"of", "for"} and not (b + 1 < n and tokens[b + 1].lower in _OFFICE_WORDS):
                break  # "minister of state for foreign affairs" goes on; "the President of France" stops
            b += 1
        office_of = None
        if b + 3 < n and tokens[b].lower == "of" and (b + 1) in ment_start and \
                ment_start[b + 1][1] in _NATION_RULES - {"adjective"}:
            # T14: "the emir of Kuwait, Sheikh Sabah al-Ahmad," - the office's state, then the name
            c = next((e + 1 for e, v in ment_end.items() if e > b and v == ment_start[b + 1]), b + 2)
            if c + 1 < n and tokens[c].text == "," and tokens[c + 1].text[:1].isupper():
                office_of, b = ment_start[b + 1][0], c + 1
        if b + 2 < n and tokens[b].lower in {"in", "to"} and tokens[b + 1].text[:1].isupper():
            # "India's ambassador in Beijing, Vijay Gokhale,": skip the post's place and the comma
            c = b + 1
            while c < n and c - b <= 3 and tokens[c].text[:1].isupper() and tokens[c].text.isalpha():
                c += 1
            if c + 1 < n and tokens[c].text == "," and tokens[c + 1].text[:1].isupper():
                b = c + 1
        elif b + 1 < n and tokens[b].text == "," and a > 0 and tokens[a - 1].lower in {"'s", "’s"}:
            b += 1  # "Japan's ambassador, Kenji Hiramatsu,"
        elif b + 2 < n and tokens[b].text == "," and a > 0 and tokens[a - 1].lower == "the" and \
                tokens[b + 1].text[:1].isupper():
            # T14: "the prime minister, Theresa May, told ...": a name of two or more words, then a comma
            e = _name_end(tokens, b + 1, taken)
            if e - (b + 1) >= 2 and e < n and tokens[e].text == ",":
                b += 1
        name_end = _name_end(tokens, b, taken)
        if name_end - b < 1 or (name_end - b == 1 and tokens[b].text.isupper() and len(tokens[b].text) <= 4):
            i = b
            continue  # a title without a name ("the President of France") or an acronym ("Minister UN")
        nxt = name_end + 1 if name_end < n and tokens[name_end].text == "." else name_end
        if ment_start.get(nxt, ("", ""))[1] == "person":
            i = nxt
            continue  # "Foreign Minister Sergei Lavrov", "John F. Kennedy": first names of a known person
        head = next(tokens[k].lower for k in range(a, b) if tokens[k].lower in TITLE_HEADS | _BEFORE_NAME_HEADS)
        actor = None
        q = a - 1
        if q >= 0 and tokens[q].lower == "the":
            q -= 1
        if q >= 0 and tokens[q].lower in {"'s", "’s"}:
            q -= 1
        actor = office_of or _actor_ending_at(ment_end, q)
        if actor is None and name_end + 1 < n and tokens[name_end].lower == "of":
            got = ment_start.get(name_end + 1) or (ment_start.get(name_end + 2)
                                                   if tokens[name_end + 1].lower == "the" else None)
            actor = got[0] if got is not None else None
        surname = tokens[name_end - 1].text
        if actor is None:
            actor = _apposition(tokens, name_end, ment_start, ment_end)
        if actor is None:
            # T14: a title only one state uses ("State Councillor Dai Bingguo"), if that state is in the text
            title = " ".join(tokens[k].lower for k in range(a, i + 1))
            own = next((st for t, st in TITLE_STATES.items() if title.endswith(t)), None)
            actor = own if own is not None and any(v[0] == own for v in ment_start.values()) else None
        if actor is None:
            actor = known.get(surname)
        if actor is not None:
            known[surname] = actor
        out.append(Person(b, name_end, surname, head, actor))
        i = name_end
    out += _appositions(tokens, taken | {t for p in out for t in range(p.tok_start, p.tok_end)}, ment_start,
                        ment_end, known)
    return sorted(out, key=lambda p: p.tok_start)


def _apposition(tokens: list[Token], k: int, ment_start: dict, ment_end: dict) -> str | None:
    """", the French foreign minister," / ", Brazil's foreign minister," right after a name."""
    if k >= len(tokens) or tokens[k].text != ",":
        return None
    j = k + 1
    if j < len(tokens) and tokens[j].lower in {"the", "a", "an"}:
        j += 1
    if j < len(tokens) and tokens[j].lower in {"former", "then", "acting", "new", "veteran", "senior"}:
        j += 1  # ", a former Pakistani foreign secretary,"
    got = ment_start.get(j)
    if got is None or got[1] not in _NATION_RULES | {"person"}:
        return None
    end = next((e for e, v in ment_end.items() if e >= j and v == got), j)
    r = end + 1
    if r < len(tokens) and tokens[r].lower in {"'s", "’s"}:
        r += 1
    elif got[1] == "person":
        return None  # T14: a known person counts only as the possessor: ", Trump's son-in-law and adviser,"
    words = []
    while r < len(tokens) and (tokens[r].lower in TITLE_WORDS or (
            got[1] == "person" and tokens[r].lower in _KIN | {"and"})) and len(words) < 5:
        words.append(tokens[r].lower)
        r += 1
    return got[0] if set(words) & (TITLE_HEADS | (_KIN if got[1] == "person" else set())) else None


def _appositions(tokens: list[Token], taken: set[int], ment_start: dict, ment_end: dict,
                 known: dict[str, str]) -> list[Person]:
    """"Jean Dupont, the French foreign minister, said": a two-word name then a titled apposition."""
    out = []
    i = 0
    n = len(tokens)
    while i < n:
        if i in taken or not tokens[i].text[:1].isupper() or (i > 0 and tokens[i - 1].text[:1].isupper()
                                                             and tokens[i - 1].text.isalpha()):
            i += 1
            continue
        e = _name_end(tokens, i, taken)
        if e - i >= 2 and e < n and tokens[e].text == ",":
            actor = _apposition(tokens, e, ment_start, ment_end)
            if actor is not None:
                known[tokens[e - 1].text] = actor
                out.append(Person(i, e, tokens[e - 1].text, "", actor))
                i = e
                continue
        i = max(e, i + 1)
    return out


def surname_mentions(tokens: list[Token], people: list[Person], taken: set[int]) -> list[tuple[int, str | None]]:
    """Later bare surnames ("Dupont said") of people found above: (token, actor or None)."""
    by_name: dict[str, str | None] = {}
    first: dict[str, int] = {}
    for p in people:
        if len(p.surname) >= 3:
            if p.surname in by_name and by_name[p.surname] != p.actor and p.actor is not None \
                    and by_name[p.surname] is not None:
                by_name[p.surname] = None  # two people share the surname: do not guess
            else:
                by_name[p.surname] = p.actor if by_name.get(p.surname) is None else by_name[p.surname]
            first.setdefault(p.surname, p.tok_start)
    own = {t for p in people for t in range(p.tok_start, p.tok_end)}
    out = []
    for k, t in enumerate(tokens):
        if t.text in by_name and k not in taken and k not in own and k > first[t.text]:
            nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
            if nxt[:1].isupper() and nxt.isalpha():
                continue  # part of a longer name
            out.append((k, by_name[t.text]))
    return out


def definite_descriptions(tokens: list[Token], people: list[Person], gaz_people: list[tuple[int, str, str]],
                          taken: set[int], tok_sent: list[int]) -> list[tuple[int, int, str]]:
    """"the president", "the foreign minister" (no name, no "of" after): the last person named
    with that title within three sentences, if they are resolved. ``gaz_people``: (token,
    actor, role) of gazetteer people ("Putin": "president"). Returns (start, end, actor)."""
    named: list[tuple[int, str, str]] = [(p.tok_start, p.head, p.actor) for p in people if p.actor and p.head]
    for k, actor, role in gaz_people:
        heads = [w for w in role.lower().replace("-", " ").split() if w in TITLE_HEADS]
        if heads:
            named.append((k, heads[-1], actor))
    named.sort()
    out = []
    n = len(tokens)
    for i in range(n - 1):
        if tokens[i].lower != "the" or i + 1 in taken:
            continue
        j = i + 1
        while j < n and tokens[j].lower in TITLE_WORDS and tokens[j].lower != "of" and j - i <= 3:
            j += 1
        words = [tokens[k].lower for k in range(i + 1, j)]
        heads = [w for w in words if w in TITLE_HEADS]
        if not heads or any(tokens[k].text[:1].isupper() and k > i + 1 and tokens[k].lower not in TITLE_WORDS
                            for k in range(i + 1, j)):
            continue
        nxt = tokens[j] if j < n else None
        if nxt is not None and (nxt.lower == "of" or (nxt.text[:1].isupper() and nxt.text.isalpha())):
            continue  # "the president of France", "the President Jean Dupont"
        head = heads[-1]
        cands = [(k, a) for k, h, a in named if h == head and k < i and tok_sent[i] - tok_sent[k] <= 3]
        if cands:
            out.append((i + 1, j, cands[-1][1]))
    return out
