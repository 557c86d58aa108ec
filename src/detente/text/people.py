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

from collections.abc import Callable
from dataclasses import dataclass

from detente.text.leaders import (
    MONARCH,
    Leader,
    covered,
    full_names,
    load_leaders,
    monarchy,
    offices,
    state_of,
    text_years,
)
from detente.text.matching import Token

# Words a title is made of, and the heads one of which it must contain.
TITLE_WORDS = {"president", "prime", "minister", "premier", "chancellor", "king", "queen", "emperor", "sultan",
               "emir", "sheikh", "shah", "crown", "prince", "foreign", "defence", "defense", "interior", "finance",
               "secretary", "of", "state", "ambassador", "envoy", "general", "gen", "marshal", "field", "admiral",
               "colonel", "col", "commander", "chairman", "leader", "spokesman", "spokeswoman", "spokesperson",
               "governor", "senator", "speaker", "chief", "deputy", "vice", "secretary-general", "-", "mr", "mrs",
               "ms", "dr", ".", "first", "supreme", "opposition", "army", "rebel", "separatist", "national", "security",
               "adviser", "advisor", "councillor", "councilor", "negotiator", "diplomat", "affairs", "external",
               "senior", "special", "personal"}
TITLE_HEADS = {"president", "minister", "premier", "chancellor", "king", "queen", "emperor", "sultan", "emir",
               "sheikh", "shah", "prince", "secretary", "ambassador", "envoy", "general", "gen", "marshal",
               "admiral", "colonel", "col", "commander", "chairman", "leader", "spokesman", "spokeswoman",
               "spokesperson", "governor", "senator", "speaker", "secretary-general", "mr", "mrs", "ms", "dr",
               "adviser", "advisor", "councillor", "councilor", "negotiator"}
# Role nouns that act as a title only right before a name ("the American diplomat Richard Holbrooke"),
# not in an apposition ("Staffan Berg, a Swedish diplomat,": a nationality there makes no party).
_BEFORE_NAME_HEADS = {"diplomat", "mediator", "negotiator", "journalist", "official"}
_PARTICLES = {"de", "da", "del", "bin", "ibn", "al", "von", "van", "der", "la", "le", "di", "du", "el",
              "dos", "das"}  # H17: "José Eduardo dos Santos" (was read as Colombia's Santos)
_NOT_NAMES = {"The", "A", "An", "On", "In", "At", "But", "And", "Monday", "Tuesday", "Wednesday", "Thursday",
              "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "June", "July", "August",
              "September", "October", "November", "December", "He", "She", "It", "They", "This", "That"}
# Words that continue a title after "of"/"for": "minister of state for foreign affairs" (T14).
_OFFICE_WORDS = {"state", "foreign", "defence", "defense", "interior", "finance", "external", "national",
                 "home", "economic", "trade", "security", "affairs"}
# A known person's kin or aide speaks for the person's actor (", Trump's son-in-law and adviser,").
_KIN = {"son", "daughter", "son-in-law", "daughter-in-law", "brother", "sister", "wife", "husband", "nephew",
        "aide", "confidant", "envoy", "emissary"}
# T16: a leader's name before these names a place ("Ho Chi Minh City", "Reagan Airport").
_PLACE_AFTER_NAME = {"City", "Trail", "Airport", "House", "Center", "Centre", "Street", "Avenue", "Square", "Bridge",
                     "Doctrine", "Plan", "Line", "Dam", "Canal", "Stadium", "University", "Library", "Foundation"}
# T16: words before a month name that a surname does not follow ("in May", "since March").
_DATE_PREPS = {"in", "on", "since", "until", "till", "by", "from", "of", "early", "late", "mid", "mid-", "last",
               "next", "this", "during", "through", "between"}
# Titles that only one state's officials bear (T14; general knowledge, not read off one article).
TITLE_STATES = {"state councillor": "chn", "state councilor": "chn", "external affairs minister": "ind",
                "taoiseach": "irl", "chancellor of the exchequer": "gbr", "home secretary": "gbr",
                "supreme leader": "irn", "politburo member": "chn",
                # rules6: the US title (Britain's are "foreign secretary", "secretary of state for ...")
                "secretary of state": "usa"}
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
        # "bin Salman", and "al-Sisi" / "el-Baradei" (tokens "al", "-", "Sisi"): the hyphen is then taken below;
        # H17: and a run of two particles, "de la Rúa", "van der Bellen", "von der Leyen" (the first particle
        # is taken here, the second on the next pass, whose own next word is then the capital)
        k = j + 2 if j + 2 < len(tokens) and tokens[j + 1].text.lower() in _PARTICLES \
            and tokens[j + 1].text.islower() and tokens[j].text.islower() else j + 1
        nxt = tokens[k + 1] if k + 1 < len(tokens) and tokens[k].text == "-" else tokens[k] \
            if k < len(tokens) else None
        particle = t.lower() in _PARTICLES and nxt is not None and nxt.text[:1].isupper() and j > i
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


# T28: forms of address, not offices: "Mr X of Yugoslavia" is a national of that state, not its agent
HONORIFICS = {"mr", "mrs", "ms", "dr", "judge", "justice", "professor", "prof", "sir", "lord", "lady", "madame",
              "monsieur", "dame"}


# H16: forms of address that a state's delegate or leader also bears: "Mr Zafrulla Khan of Pakistan told the
# Council" speaks for Pakistan; a judge or a professor "of Sweden" does not
ADDRESS_ONLY = HONORIFICS - {"judge", "justice", "professor", "prof"}


def nationality_mentions(tokens: list[Token], mentions: list,
                         acts: Callable[[int], bool] | None = None) -> set[int]:
    """T28 (``Extractor.nationals``): where a state's name follows "<form of address> <Name ...> of"
    ("India nominated Mr Ales Bebler of Yugoslavia", "Judge Gunnar Lagergren of Sweden"): the person's
    nationality, not the state acting. Returns the state mentions' first tokens. An office before the name
    ("President Vladimir Putin of Russia") is no form of address and stays the state's, and so does a plain
    form of address whose person is the subject of the verb after the state (``acts(token)``: "Mr Bhutto of
    Pakistan demanded", a delegate or leader speaking for the state; H16)."""
    out: set[int] = set()
    for m in mentions:
        if m.rule not in ("name", "alias") or m.tok_start < 3 or tokens[m.tok_start - 1].lower != "of":
            continue
        k = m.tok_start - 2
        while k >= 0 and m.tok_start - 2 - k < 4 and tokens[k].text[:1].isupper() and tokens[k].text.isalpha() \
                and tokens[k].lower not in HONORIFICS:
            k -= 1
        if m.tok_start - 2 - k >= 1 and k >= 0 and tokens[k].lower in HONORIFICS and not (
                tokens[k].lower in ADDRESS_ONLY and acts is not None and acts(m.tok_end)):
            out.add(m.tok_start)
    return out


def find_people(tokens: list[Token], mentions: list, tok_sent: list[int],
                states: list[tuple[int, str]] | None = None, honorifics: bool = True) -> list[Person]:
    """Titled people not already mentions, with the actor each belongs to (or None). ``states``: (token,
    state) of every state named (not as a place), for :func:`sole_office_state` (rules6). ``honorifics``
    (T28): a form of address is not part of the name ("Mr Harold Wilson" is the table's Harold Wilson), and
    "Mr <Name> of <State>" is a nationality, not an office."""
    taken = {t for m in mentions for t in range(m.tok_start, m.tok_end)}
    ment_end = {m.tok_end - 1: (m.actor, m.rule) for m in mentions}
    ment_start = {m.tok_start: (m.actor, m.rule) for m in mentions}
    out: list[Person] = []
    known: dict[str, str] = {}
    years = text_years(tokens)
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
        elif b + 2 < n and tokens[b].text == "," and a > 0 and (tokens[a - 1].lower == "the" or (
                a - 1 in ment_end and ment_end[a - 1][1] in _NATION_RULES)) and tokens[b + 1].text[:1].isupper():
            # (T28: also "The U.S. special envoy, Luigi Einaudi,": a state's adjective before the title)
            # T14: "the prime minister, Theresa May, told ...": a name of two or more words, then a comma
            e = _name_end(tokens, b + 1, taken)
            if e - (b + 1) >= 2 and e < n and tokens[e].text == ",":
                b += 1
        if honorifics and b + 1 < n and tokens[b].lower in HONORIFICS and b > i and tokens[b + 1].text[:1].isupper():
            b += 1  # T28: "The Prime Minister, Mr Harold Wilson,": the name the leader table knows has no "Mr"
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
            # (T28: "Mr Ales Bebler of Yugoslavia", a nationality: nationality_mentions took the state's mention
            # out before, so it is not found here; "Mr Bhutto of Pakistan demanded" keeps it, H16)
            got = ment_start.get(name_end + 1) or (ment_start.get(name_end + 2)
                                                   if tokens[name_end + 1].lower == "the" else None)
            actor = got[0] if got is not None else None
        surname = tokens[name_end - 1].text
        if actor is None:
            actor = _apposition(tokens, name_end, ment_start, ment_end)
        if actor is None:
            # T14: a title only one state uses ("State Councillor Dai Bingguo"), if that state is in the text
            title = " ".join(tokens[k].lower for k in range(a, i + 1))
            full = " ".join(tokens[k].lower for k in range(a, b) if tokens[k].text != ",")
            own = next((st for t, st in TITLE_STATES.items() if title.endswith(t) or full.endswith(t)), None)
            actor = own if own is not None and any(v[0] == own for v in ment_start.values()) else None
        if actor is None:
            actor = known.get(surname)
        if actor is None:
            # T16: the dated leader table ("President Carter" in a 1979 text), only in office in the text's years
            got = _table_state(tokens, b, name_end, head, years)
            if got is not None:
                actor = got[0]
        if actor is None and states is not None:
            t0 = max([a] + [k + 1 for k in range(a, b) if tokens[k].text == "."])  # not across a full stop
            title = " ".join(tokens[k].lower for k in range(t0, b) if tokens[k].text != ",")
            known_as = _table_entries(tokens, b, name_end)
            office = _office_words(title) or set()
            if not known_as:
                actor = sole_office_state(title, b, states, tok_sent, years)
            elif not office & {e.role for e in known_as}:
                # "Crown Prince Mohammed bin Salman" in 2019: the table knows him only in a later office, of
                # one state; a title it does not list (crown prince) is that state's if the text names it
                actor = sole_office_state(title, b, [(k, st) for k, st in states if st in
                                                     {e.state for e in known_as}], tok_sent, years)
        if actor is not None:
            known[surname] = actor
        out.append(Person(b, name_end, surname, head, actor))
        i = name_end
    taken_people = taken | {t for p in out for t in range(p.tok_start, p.tok_end)}
    out += _table_people(tokens, taken_people, years, known)
    out += _appositions(tokens, taken_people | {t for p in out for t in range(p.tok_start, p.tok_end)}, ment_start,
                        ment_end, known)
    return sorted(out, key=lambda p: p.tok_start)


def _table_entries(tokens: list[Token], a: int, b: int) -> list[Leader]:
    """The leader table's entries for the name (in office in the text's years or not)."""
    lead = load_leaders()
    name = spelled(tokens, a, b)
    return list(lead.by_full.get(name) or lead.by_short.get(name) or [])


def spelled(tokens: list[Token], a: int, b: int) -> str:
    """Tokens a..b as the text spells them ("John F. Kennedy", whatever the tokenizer did with "F.")."""
    out = tokens[a].text
    for k in range(a + 1, b):
        out += (" " if tokens[k].start > tokens[k - 1].end else "") + tokens[k].text
    return out


def role_head(role: str) -> str:
    """The title word a table office is referred back to by ("prime minister" -> "minister")."""
    return next((w for w in reversed(role.split()) if w in TITLE_HEADS), "")


def _surname_for(lead: Leader, tokens: list[Token], b: int) -> str:
    """The form the text may use alone later: a one-word short form of the leader, else none."""
    last = tokens[b - 1].text
    one = [s.split()[-1] for s in lead.shorts]
    return last if last in one else (one[0] if len(one) == 1 else "")


def _table_state(tokens: list[Token], a: int, b: int, head: str, years: set[int]) -> tuple[str, str] | None:
    """T16: (state, surname) of a titled name the leader table knows and the text's years put in office."""
    lead = load_leaders()
    name = spelled(tokens, a, b)
    cands = lead.by_full.get(name) or lead.by_short.get(name) or []
    st = state_of(cands, years, head or None)
    if st is None:
        return None
    chosen = next(c for c in cands if c.state == st and c.in_office(years))
    return st, _surname_for(chosen, tokens, b)


def _table_people(tokens: list[Token], taken: set[int], years: set[int], known: dict[str, str]) -> list[Person]:
    """T16: untitled full names of the leader table ("Narendra Modi said"), resolved to the state they
    led in the text's years; a former leader is kept unresolved (the extractor makes them an actor of
    their own); anyone else out of office is left to the other rules."""
    if not years or not tokens:
        return []
    buf = [" "] * tokens[-1].end
    for t in tokens:
        buf[t.start:t.end] = t.text
    at_start = {t.start: k for k, t in enumerate(tokens)}
    at_end = {t.end: k for k, t in enumerate(tokens)}
    lead = load_leaders()
    out = []
    for s, e, name in full_names("".join(buf)):
        a, z = at_start.get(s), at_end.get(e)
        if a is None or z is None or any(k in taken for k in range(a, z + 1)):
            continue
        if z + 1 < len(tokens) and tokens[z + 1].text in _PLACE_AFTER_NAME:
            continue  # "Ho Chi Minh City", "Kennedy Airport": a place named after the person
        cands = lead.by_full.get(name, [])
        st = state_of(cands, years)
        if st is None:
            if former_leader(name, years) is not None:
                out.append(Person(a, z + 1, "", "", None))  # acts for no state (see extract._former_leaders)
            continue
        chosen = next(c for c in cands if c.state == st and c.in_office(years))
        surname = _surname_for(chosen, tokens, z + 1)
        if surname:
            known[surname] = st
        out.append(Person(a, z + 1, surname, role_head(chosen.role), st))
    return out


def dated_state(name: str, years: set[int]) -> str | None:
    """T16: the state the leader table says ``name`` (full or short form) led in the text's years."""
    lead = load_leaders()
    return state_of(lead.by_full.get(name) or lead.by_short.get(name) or [], years) if years else None


def former_leader(name: str, years: set[int]) -> Leader | None:
    """T16: the head of state or government the table knows by ``name`` when every year the text mentions
    is after their last term ("Carter" in a 1994 text): a former leader acts for no state. None when the
    name is ambiguous, anyone by it is in office then, or the text mentions no year."""
    if not years:
        return None
    lead = load_leaders()
    cands = lead.by_full.get(name) or lead.by_short.get(name) or []
    if not cands or any(c.in_office(years) for c in cands):
        return None
    heads = {c.names[0] for c in cands if c.role not in {"foreign minister", "foreign secretary", "secretary of state"}}
    if len(heads) != 1 or len({c.names[0] for c in cands}) != 1:
        return None
    last = max(b for c in cands for _, b in c.terms)
    return cands[0] if max(years) > last else None


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


def _one_state_title(tokens: list[Token], k: int, ment_start: dict) -> str | None:
    """rules6: ", the assistant secretary of state for East Asia," - an apposition whose title only one
    state uses (``TITLE_STATES``), when that state is in the text."""
    words = []
    j = k + 1
    if j < len(tokens) and tokens[j].lower in {"the", "a"}:
        j += 1
    while j < len(tokens) and tokens[j].lower in TITLE_WORDS | {"assistant", "under"} and len(words) < 6:
        words.append(tokens[j].lower)
        j += 1
    title = " ".join(words)
    own = next((st for t, st in TITLE_STATES.items() if title.endswith(t)), None)
    return own if own is not None and any(v[0] == own for v in ment_start.values()) else None


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
        if e - i >= 2 and i >= 5 and tokens[i - 1].text == "," and tokens[i - 2].lower in {"'s", "’s"} and \
                ment_end.get(i - 3, ("", ""))[1] == "person":
            # T16: "a relative of Khomeini's, Sadegh Tabatabai,": a known person's kin or aide (as T14's
            # ", Trump's son-in-law and adviser,") speaks for that person's actor
            k = next((s for s, v in ment_start.items() if s <= i - 3 and v == ment_end[i - 3] and
                      i - 3 - s < 4), i - 3)
            if k >= 2 and tokens[k - 1].lower == "of" and tokens[k - 2].lower in _KIN | {"relative", "friend",
                                                                                         "adviser", "advisor"}:
                actor = ment_end[i - 3][0]
                known[tokens[e - 1].text] = actor
                out.append(Person(i, e, tokens[e - 1].text, "", actor))
                i = e
                continue
        if e - i >= 2 and e < n and tokens[e].text == ",":
            actor = _apposition(tokens, e, ment_start, ment_end) or _one_state_title(tokens, e, ment_start)
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
            prv = tokens[k - 1].lower if k else ""
            if nxt.isdigit() or prv in _DATE_PREPS or (prv.isdigit() and len(prv) <= 2):
                continue  # T16: "in May", "on 4 May", "May 12": a month, not Theresa May
            out.append((k, by_name[t.text]))
    return out


def definite_descriptions(tokens: list[Token], people: list[Person], gaz_people: list[tuple[int, str, str]],
                          taken: set[int], tok_sent: list[int],
                          states: list[tuple[int, str]] | None = None,
                          former: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """"the president", "the foreign minister" (no name, no "of" after): the last person named
    with that title within three sentences, if they are resolved. ``gaz_people``: (token,
    actor, role) of gazetteer people ("Putin": "president"). Returns (start, end, actor).

    T16, with ``states`` ((token, state) of the states named as possible agents): a title no named
    person answers is the state in focus, the last one named in this or the two sentences before
    that had such an office in the text's years by the leader table ("the prime minister" is not the
    United States'); "the kingdom" ("the emirate", "the sultanate") likewise is the last one named."""
    named: list[tuple[int, str, str]] = [(p.tok_start, p.head, p.actor) for p in people if p.actor and p.head]
    for k, actor, role in gaz_people:
        heads = [w for w in role.lower().replace("-", " ").split() if w in TITLE_HEADS]
        if heads:
            named.append((k, heads[-1], actor))
    named.sort()
    years = text_years(tokens)
    out = []
    n = len(tokens)
    for i in range(n - 1):
        if tokens[i].lower != "the" or i + 1 in taken:
            continue
        if states is not None and tokens[i + 1].lower in MONARCH and not (
                i + 2 < n and (tokens[i + 2].lower == "of" or tokens[i + 2].text[:1].isupper())):
            kind = tokens[i + 1].lower
            st = _focus(states, i, tok_sent, lambda a, k=kind: monarchy(k, a, years))
            if st is not None:
                out.append((i + 1, i + 2, st))
            continue
        j = i + 1
        was = tokens[j].lower == "former"  # T16: "the former president"
        j += was
        while j < n and tokens[j].lower in TITLE_WORDS and tokens[j].lower != "of" and j - i <= 3 + was:
            j += 1
        words = [tokens[k].lower for k in range(i + 1 + was, j)]
        heads = [w for w in words if w in TITLE_HEADS]
        if not heads or any(tokens[k].text[:1].isupper() and k > i + 1 + was and tokens[k].lower not in TITLE_WORDS
                            for k in range(i + 1 + was, j)):
            continue
        nxt = tokens[j] if j < n else None
        if nxt is not None and (nxt.lower == "of" or (nxt.text[:1].isupper() and nxt.text.isalpha())):
            continue  # "the president of France", "the President Jean Dupont"
        if nxt is not None and nxt.text == "," and j + 1 < n and tokens[j + 1].text[:1].isupper():
            continue  # T16: "the prime minister, Theresa May, told": the name that follows says who
        head = heads[-1]
        # T16: "the former president" is a former leader (``former``) if one is named, "the president" never one
        cands = [(k, a) for k, h, a in named if h == head and k < i and tok_sent[i] - tok_sent[k] <= 3
                 and (was or a not in former)]
        if was and any(a in former for _, a in cands):
            cands = [(k, a) for k, a in cands if a in former]
        if cands:
            out.append((i + 1, j, cands[-1][1]))
            continue
        office = _OFFICE_OF_TITLE.get(" ".join(words))
        if states is not None and office is not None and years and not was and words[0] not in _NOT_FOCUS:
            st = _focus(states, i, tok_sent, lambda a, o=office: _has_office(a, o, years))
            if st is not None:
                out.append((i + 1, j, st))
    return out


_LEADER_OFFICES = {"president", "prime minister", "premier", "foreign minister", "foreign secretary", "king", "emir",
                   "sultan", "crown prince"}


def _office_words(title: str) -> set[str] | None:
    """The table offices a title names ("prime minister" -> {prime minister, premier}); "crown prince" is
    no table office but a monarchy's; None for a title no state-wide office answers ("deputy foreign
    minister", "defence minister", "general")."""
    words = [w for w in title.replace("-", " ").split() if w not in {"the", "his", "her", "its", "then", "new"}]
    if not words or words[0] in _NOT_FOCUS:
        return None
    key = " ".join(words)
    if key == "crown prince":
        return {"crown prince"}
    return _OFFICE_OF_TITLE.get(key)


def _could_hold(state: str, office: set[str], years: set[int]) -> bool:
    """rules6: whether an unnamed-by-the-table holder of ``office`` could be ``state``'s: never where the
    table lists that office for the state (its holder would have been matched by name), else as
    :func:`_has_office` (a crown prince only in a monarchy)."""
    lead = load_leaders()
    if any(p.state == state and p.role in office for p in lead.people):
        return False
    if office == {"crown prince"}:
        return any(monarchy(kind, state, years) for kind in MONARCH)
    if covered(state) and not office & {"foreign minister", "foreign secretary"}:
        return bool(offices(state, years) & office)
    return _has_office(state, office, years)


def sole_office_state(title: str, at: int, states: list[tuple[int, str]], tok_sent: list[int],
                      years: set[int]) -> str | None:
    """rules6: a named person with a leader's title no other rule resolves ("President Benigno Aquino",
    "Crown Prince Mohammed bin Salman", "the emir, Sheikh Tamim,") belongs to the one state named in the
    text that could have held the office then and whose holder the leader table does not already name;
    with several, the one such state named in this sentence or the two before (none or two: unknown).
    The text must give a year (the table's offices are dated)."""
    office = _office_words(title)
    if not office or not years or not states:
        return None
    fits = sorted({st for _, st in states if _could_hold(st, office, years)})
    if len(fits) == 1:
        return fits[0]
    near = {st for k, st in states if st in fits and k < at and 0 <= tok_sent[at] - tok_sent[k] <= 2}
    return next(iter(near)) if len(near) == 1 else None


# T16: a bare title and the table's offices it can name ("the premier" fits a premier or a prime minister).
_OFFICE_OF_TITLE = {"president": {"president"}, "prime minister": {"prime minister", "premier"},
                    "premier": {"premier", "prime minister"}, "chancellor": {"chancellor"},
                    "king": {"king"}, "queen": {"king"}, "emperor": {"emperor"}, "emir": {"emir"},
                    "sultan": {"sultan"}, "shah": {"shah"}, "supreme leader": {"supreme leader"},
                    "foreign minister": {"foreign minister", "foreign secretary", "secretary of state"},
                    "foreign secretary": {"foreign secretary"}, "secretary of state": {"secretary of state"},
                    "general secretary": {"general secretary"}}
# "the former president", "the vice president": not the sitting office-holder.
_NOT_FOCUS = {"former", "vice", "deputy", "acting"}


def _has_office(state: str, office: set[str], years: set[int]) -> bool:
    """Whether ``state`` had the office then: by the table where it covers the state; a state it does not
    cover may have had a president, a prime minister or a foreign minister, and a monarch only by the
    table's list of monarchies (never a chancellor or a general secretary)."""
    if "foreign minister" in office:
        return True  # every state has one (the table lists only the P5's)
    if covered(state):
        return bool(offices(state, years) & office)
    return bool(office & (_COMMON_OFFICES | offices(state, years)))


_COMMON_OFFICES = {"president", "prime minister", "foreign minister"}


def _focus(states: list[tuple[int, str]], i: int, tok_sent: list[int], ok: Callable[[str], bool]) -> str | None:
    """The last state named before token ``i`` in its sentence or the two before that passes ``ok``."""
    for k, st in reversed(states):
        if k >= i:
            continue
        if tok_sent[i] - tok_sent[k] > 2:
            break
        if ok(st):
            return st
    return None


# T28: offices of an organisation's or a state's officer, before "of <X>, <Name>,"
OFFICE_HEADS = {"secretary-general", "general", "president", "chairman", "chair", "director", "commissioner",
                "representative", "envoy", "head", "commander", "spokesman", "spokeswoman"}


def office_appositions(tokens: list[Token], mentions: list) -> dict[int, str]:
    """T28 (``Extractor.nationals``): a person the gazetteer files under one actor, named in apposition to an
    office of another ("the Secretary-General of NATO, Lord Carrington, offered"), holds that office here:
    person mention's first token -> the office's actor (the gazetteer's Carrington was Britain's foreign
    secretary, 1979-82; in 1987 he spoke for NATO)."""
    at_end = {m.tok_end: m for m in mentions if m.rule != "person"}
    out: dict[int, str] = {}
    for m in mentions:
        a = m.tok_start
        a -= 1 if a > 0 and tokens[a - 1].lower in HONORIFICS else 0  # "Lord Carrington"
        if m.rule != "person" or a < 4 or tokens[a - 1].text != ",":
            continue
        body = at_end.get(a - 1)
        if body is None or body.tok_start < 2:
            continue
        q = body.tok_start - 1 - (1 if tokens[body.tok_start - 1].lower == "the" else 0)
        if q >= 1 and tokens[q].lower == "of" and tokens[q - 1].lower in OFFICE_HEADS and body.actor != m.actor:
            out[m.tok_start] = body.actor
    return out


def context_presidents(tokens: list[Token], people: list[Person], states: list[tuple[int, str]],
                       tok_sent: list[int], separate: bool,
                       adjective_ends: set[int] | frozenset[int] = frozenset()) -> tuple[list[Person], dict]:
    """T28 (``Extractor.presidents``): "President Gjorge Ivanov refused to sign" where no title, apposition or
    the leader table ties the president to a state, in a text that speaks of prime ministers (a parliamentary
    state, whose government the prime minister heads): the president is the state's named last in their
    sentence or the two before (``states``: (token, state), places too), read as ``<state>_president`` when
    ``separate`` (a head of state apart from the government), else as the state. Returns the people and
    the made actors, id -> (name, state)."""
    lows = [t.lower for t in tokens]
    if not any(lows[k] == "prime" and lows[k + 1] in {"minister", "ministers"} for k in range(len(lows) - 1)):
        return people, {}
    out, made = [], {}
    state_end = adjective_ends  # "the Macedonian President Name": the title's own state
    state_ids, state_at = {st for _, st in states}, {k for k, _ in states}
    pms = _prime_ministers_of(lows, people, states)  # H16: "Japan's prime minister" makes no Filipino one
    for p in people:
        a = p.tok_start
        if p.head == "president" and a >= 1 and lows[a - 1] == "president" and \
                not (a >= 2 and (lows[a - 2] in {"vice", "former", "deputy", "acting", "-", "'s", "’s"}
                                 or a - 2 in state_end)) and not _table_entries(tokens, a, p.tok_end) and \
                (p.actor is None or p.actor in state_ids) and not _named_body_before(tokens, a - 1, tok_sent,
                                                                                   state_at | set(state_end)):
            si = tok_sent[a]
            near = [st for k, st in states if k < a and 0 <= si - tok_sent[k] <= 2]
            if p.actor is not None:
                near = [p.actor]  # tied by the context rule (sole_office_state): the state, whatever the reading
            if near and (separate or p.actor is None) and (None in pms or near[-1] in pms):
                actor = f"{near[-1]}_president" if separate else near[-1]
                if separate:
                    made[actor] = (f"President {p.surname}", near[-1])
                p = Person(p.tok_start, p.tok_end, p.surname, p.head, actor)
        out.append(p)
    return out, made


def _prime_ministers_of(lows: list[str], people: list[Person], states: list[tuple[int, str]]) -> set[str | None]:
    """The states whose prime minister the text names ("Japan's prime minister", "British Prime Minister",
    "Prime Minister X of Britain", "Prime Minister <a name resolved to a state>"), None for one it ties to no
    state ("both prime ministers"): a president is read apart from the government only in a state that may
    have a prime minister here (H16: a Filipino president beside Japan's prime minister is the Philippines)."""
    at = dict(states)
    person_at = {p.tok_start: p.actor for p in people}
    out: set[str | None] = set()
    n = len(lows)
    for k in range(n - 1):
        if lows[k] != "prime" or lows[k + 1] not in {"minister", "ministers"}:
            continue
        q = k - 1 - (1 if k >= 1 and lows[k - 1] in {"'s", "’s"} else 0)
        tied = at.get(q)
        if tied is None and k + 3 < n and lows[k + 2] == "of":
            tied = at.get(k + 3 + (1 if lows[k + 3] == "the" else 0))
        if tied is None:
            tied = next((person_at[j] for j in range(k + 2, min(n, k + 5)) if j in person_at), None)
        out.add(tied)
    return out


def _named_body_before(tokens: list[Token], t: int, tok_sent: list[int], state_tokens: set[int]) -> bool:
    """The title at ``t`` follows a capitalised name inside its sentence that is no state ("Gazprom President
    Alexei Miller", "FIFA President Sepp Blatter", "Club President X"): an organisation's president, not a
    state's (H16)."""
    k = t - 1
    if k < 0 or not tokens[k].text[:1].isupper() or not tokens[k].text[:1].isalpha() or k in state_tokens:
        return False
    return (k >= 1 and tok_sent[k - 1] == tok_sent[k]) or tokens[k].lower not in _OPENERS  # "Then President X"


# words that open a sentence before a title ("Then President Ivanov", "But President Ivanov")
_OPENERS = {"then", "but", "and", "yet", "so", "later", "now", "meanwhile", "when", "while", "after", "before",
            "as", "since", "if", "although", "though", "however", "still", "also", "once", "outgoing", "incumbent",
            "acting", "interim", "former", "late", "today", "yesterday", "there", "here", "even", "only", "until"}
