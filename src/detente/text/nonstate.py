"""Sub-state and non-state actors the gazetteer cannot list: legislatures, central banks, armed
and separatist groups, de facto authorities (T6).

Found by mechanism, not by a list per text:

- a state's institution: a state mention (adjective, name, possessor, "of <state>") with an
  institution noun ("the Russian parliament", "Ukraine's central bank", "the parliament of
  Georgia"), or a legislature's own name from ``cues.yaml`` (``legislatures``: "the State Duma")
  -> ``<state>_legislature`` / ``<state>_central_bank``, kind ``faction``, ``represents`` the state;
- a named armed group: capitalised words ending in a group head ("Kosovo Liberation Army",
  "Polisario Front"), kind ``group``; an acronym in brackets after it is an alias;
- a described group: "<modifier> separatists / rebels / insurgents / militants / guerrillas /
  militias", "separatist / de facto authorities in <place>" -> ``<modifier>_<head>``, kind ``group``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from detente.text.matching import Token

GROUP_HEADS = {"army", "front", "movement", "brigade", "brigades", "militia", "tigers", "battalion", "group",
               "guards", "forces", "organisation", "organization", "council", "committee"}
_NAMED_REQUIRES = {"liberation", "revolutionary", "popular", "people's", "peoples", "islamic", "national",
                   "democratic", "patriotic", "resistance", "free", "united", "armed", "independence", "republican",
                   "insurgent", "rebel", "militia", "tigers", "wagner", "polisario", "mujahideen"}
DESCRIBED_HEADS = {"separatists": "separatists", "rebels": "rebels", "insurgents": "insurgents",
                   "militants": "militants", "guerrillas": "guerrillas", "guerillas": "guerrillas",
                   "militias": "militias", "militia": "militias", "paramilitaries": "paramilitaries"}
_GROUP_ADJ = {"separatist": "separatists", "rebel": "rebels", "insurgent": "insurgents", "militant": "militants",
              "guerrilla": "guerrillas", "militia": "militias", "paramilitary": "paramilitaries",
              "armed": "armed_groups"}
_NOT_MODIFIERS = {"the", "a", "an", "and", "but", "armed", "separatist", "rebel", "militant", "heavily", "local",
                  "foreign", "several", "many", "some", "two", "three", "other"}
# Heads of an international body's name ("... Fisheries Organization (NAFO)"), T23
ORG_HEADS = {"organization", "organisation", "agency", "commission", "tribunal", "court", "union", "league",
             "association", "authority", "bank", "fund", "conference", "community", "council", "committee",
             "programme", "program", "office", "institute", "forum", "alliance", "treaty"}
_DOMESTIC = {"national", "state", "federal", "central", "supreme", "security", "defence", "defense", "ministry",
             "foreign", "intelligence", "investigation", "royal", "presidential"}
AUTHORITY_MODS = {"separatist", "de facto", "self-proclaimed", "breakaway", "rebel"}
INSTITUTIONS = {"parliament": "legislature", "legislature": "legislature", "national assembly": "legislature",
                "congress": "legislature", "senate": "legislature", "duma": "legislature",
                "lower house": "legislature", "upper house": "legislature", "assembly": "legislature",
                "central bank": "central_bank", "national bank": "central_bank", "reserve bank": "central_bank"}
GENERIC_IDS = {*DESCRIBED_HEADS.values(), *_GROUP_ADJ.values(), "de_facto_authorities"}
# T28: the id suffix a legislature named by a generic noun takes (the gold files' <state>_<noun>: usa_congress,
# sdn_assembly, grc_parliament; no gold file writes <state>_legislature)
INST_NOUN = {"parliament": "parliament", "legislature": "legislature", "national assembly": "assembly",
             "congress": "congress", "senate": "senate", "duma": "duma", "lower house": "legislature",
             "upper house": "legislature", "assembly": "assembly"}
# T28: people through whom a legislature acts ("Republican leaders in Congress", "members of the Knesset")
MEMBER_NOUNS = {"members", "member", "leaders", "leader", "lawmakers", "legislators", "deputies", "mps",
                "senators", "parliamentarians", "representatives", "speaker", "leadership"}
# T28: capitalised legislature words before an officer's title ("Senate Majority Leader Name")
LEG_TITLE_WORDS = {"Senate", "House", "Congress", "Parliament", "Assembly", "Duma", "Knesset", "Majlis"}
# T28: "the congressional leadership", "parliamentary leaders": the legislature of that noun in the text
MEMBER_ADJ = {"congressional": "congress", "parliamentary": "parliament", "senatorial": "senate"}
_ADJ_HEADS = {"leadership", "leaders", "leader", "delegation", "committee", "committees", "majority", "panel",
              "republicans", "democrats", "opposition"}
# T28: fighters of an ethnic group ("Syrian Turkmen rebels", "Turkmen fighters"): heads after the group's name
FIGHTER_HEADS = {"fighters", "rebels", "militants", "militias", "militia", "insurgents", "guerrillas", "gunmen",
                 "forces", "units", "brigades"}
# T28: a collective of states by its role under a treaty ("the guarantors of the Rio Protocol")
ROLE_NOUNS = {"guarantors", "guarantor", "signatories", "co-chairs", "cochairs", "depositaries", "mediators"}
_TREATY_HEADS = {"protocol", "treaty", "accord", "accords", "agreement", "convention", "act", "declaration",
                 "group", "process", "format"}
# Words of a state's own forces ("Ukrainian Armed Forces", "Red Army"): not a group's name.
_GENERIC = {"armed", "forces", "force", "army", "navy", "air", "national", "guard", "guards", "ground", "border",
            "special", "defence", "defense", "red", "royal", "people's", "popular", "republican", "united", "front",
            "group", "brigade", "brigades", "battalion", "council", "committee", "organisation", "organization",
            "movement", "militia", "the"}
_STATE_RULES = {"adjective", "adjective+institution", "name", "alias", "metonym", "capital"}


@dataclass
class Found:
    id: str
    name: str
    kind: str  # group | faction | organisation
    represents: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # token ranges
    legislature: bool = False  # T23: a state's legislature, whatever its id
    shadows: list[int] = field(default_factory=list)  # T28: tokens that name no actor here ("Turkmen villages")


def _ascii(s: str) -> str:
    """'Hürriyet' -> 'Hurriyet' (ids are ASCII)."""
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")[:40] or "group"


def group_id(name: str, acronym: str | None = None) -> str:
    """A named group's id as the project's gold files and the gazetteer write organisations (nato, osce,
    icj): its acronym when the text gives one, else the initials of a name of three or more words
    ("United Jihad Council" -> ujc), else the name itself ("Tamil Tigers" -> tamil_tigers)."""
    if acronym:
        return _slug(acronym)
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in {"of", "the", "and", "for", "in"}]
    if len(words) >= 3:
        return "".join(w[0] for w in words).lower()
    return _slug(name)


def legislature_id(state: str, own_name: str) -> str:
    """T23: a legislature named by its own name takes that name's last word ("Verkhovna Rada" -> ``ukr_rada``,
    "House of Commons" -> ``gbr_commons``), the gold files' convention (``irn_majlis``, ``usa_congress``)."""
    return f"{state}_{_slug(_ascii(own_name.split()[-1]))}"


def _named_before(tokens: list[Token], a: int) -> tuple[int, str] | None:
    """T16: a name of two or more capitalised words and a comma right before token ``a`` ("Bill Richardson,
    the governor of ..."): (the name's first token, its surname)."""
    if a < 3 or tokens[a - 1].text != ",":
        return None
    k = a - 2
    while k >= 0 and tokens[k].text[:1].isupper() and tokens[k].text.isalpha() and a - 2 - k < 4:
        k -= 1
    if a - 2 - k < 2 or (k >= 0 and tokens[k].text not in {",", ".", "(", ";", ":"} and tokens[k].text.isalpha()
                         and tokens[k].lower not in {"in", "on", "and", "but", "when", "then"}):
        return None
    return k + 1, tokens[a - 2].text


def find(tokens: list[Token], mentions: list, state_ids: set[str], names: dict[str, str],
         legislatures: dict[str, str], context: list | None = None, own_names: bool = False,
         noun_ids: bool = False, members: bool = False, ethnic: bool = False, roles: bool = False,
         parties: bool = False) -> list[Found]:
    """Institutions and groups in ``tokens``; ``mentions`` are the gazetteer's (Mention objects),
    ``state_ids`` the ids of states, ``names`` id -> display name, ``legislatures`` a legislature's own
    name (lower case) -> its state id, ``context`` the mentions (places too) that say which state a
    bare "the opposition" belongs to. ``own_names`` (T23): a legislature the text names by its own name
    is ``<state>_<its name's last word>`` (``ukr_rada``, ``irn_majlis``, ``usa_congress``), as the gold files
    write it, and the text's generic mentions of it ("the Ukrainian parliament") join it. T28 options:
    ``noun_ids`` names a legislature the text names by a generic noun ``<state>_<noun>`` (``grc_parliament``,
    ``sdn_assembly``); ``members`` reads its members and leaders as the legislature ("leaders in Congress",
    "the congressional leadership", "Greek MPs"); ``ethnic`` reads "<StateAdj> <Ethnic> rebels" as a group
    ``<state>_<ethnic>``; ``roles`` reads "the guarantors of the <Name> Protocol" as a group
    ``<name>_guarantors``; ``parties`` joins "the main opposition party, <Name>," and the name's later
    uses to the state's opposition."""
    found: dict[str, Found] = {}
    lows = [t.lower for t in tokens]
    n = len(tokens)
    m_end = {m.tok_end - 1: m for m in mentions}
    m_start = {m.tok_start: m for m in mentions}
    state_tok = {t for m in mentions if m.actor in state_ids for t in range(m.tok_start, m.tok_end)}
    other_tok = {t for m in mentions if m.actor not in state_ids for t in range(m.tok_start, m.tok_end)}

    def add(fid: str, name: str, kind: str, a: int, b: int, represents: str | None = None) -> None:
        f = found.setdefault(fid, Found(fid, name, kind, represents))
        f.spans.append((a, b))

    def state_before(i: int) -> tuple[str | None, int]:
        """The state named right before token ``i`` ("Greece's", "the Greek"), and where the span starts."""
        j = i - 1
        if j >= 0 and lows[j] in {"'s", "’s"}:
            j -= 1
        m = m_end.get(j)
        state = m.actor if m is not None and m.rule in _STATE_RULES and m.actor in state_ids else None
        return state, (m.tok_start if state else i)

    ctx_start = {m.tok_start: m for m in (context if context is not None else mentions)}

    def fronted_place(i: int) -> str | None:
        """T28: "In Khartoum(,) the National Assembly": a sentence opening with "In <state or its capital>"."""
        j = i - 1 if i > 0 and lows[i - 1] == "the" else i
        j -= 1 if j > 0 and lows[j - 1] == "," else 0
        m = next((x for x in ctx_start.values() if x.tok_end == j), None)
        if m is None or m.actor not in state_ids or m.tok_start < 1 or lows[m.tok_start - 1] != "in":
            return None
        k = m.tok_start - 2
        return m.actor if k < 0 or tokens[k].text in {".", ";", ":", "!", "?", '"', "”"} else None

    inst_keys = sorted(INSTITUTIONS, key=lambda k: -len(k.split()))
    leg_first = {k.split()[0] for k in legislatures}
    inst_first = {k.split()[0] for k in inst_keys}
    bare_state: str | None = None
    own_ids: set[str] = set()
    for i in range(n):
        if lows[i] in leg_first:
            # the legislature's own name ("the State Duma", "the Knesset")
            for key, state in legislatures.items():
                ks = key.split()
                if lows[i:i + len(ks)] == ks and state in state_ids and tokens[i].text[:1].isupper():
                    lid = legislature_id(state, key) if own_names else f"{state}_legislature"
                    own_ids.add(lid)
                    add(lid, f"{names[state]} legislature", "faction", i, i + len(ks), state)
                    found[lid].legislature = True
        for key in inst_keys if lows[i] in inst_first else ():
            ks = key.split()
            if lows[i:i + len(ks)] != ks:
                continue
            state, a = state_before(i)
            if state is None and i + len(ks) + 1 < n and lows[i + len(ks)] in ({"of", "in"} if noun_ids else {"of"}):
                k = i + len(ks) + 1
                look = ctx_start if noun_ids else m_start  # T28: places too ("in Khartoum")
                mm = look.get(k) or (look.get(k + 1) if lows[k] == "the" else None)
                if mm is not None and mm.actor in state_ids:
                    state = mm.actor  # "the parliament of Georgia", T28: "the National Assembly in Khartoum"
            if state is None and noun_ids and tokens[i].text[:1].isupper():
                state = fronted_place(i)  # T28: "In Khartoum the National Assembly voted"
            if state is not None:
                what = INSTITUTIONS[key]
                if noun_ids and what == "legislature":
                    what = INST_NOUN[key]
                label = "central bank" if what == "central_bank" else "legislature"
                add(f"{state}_{what}", f"{names[state]} {label}", "faction", a, i + len(ks), state)
                found[f"{state}_{what}"].legislature = what != "central_bank"
            break
        low = lows[i]
        # "separatist forces", "armed rebel groups": an adjective of a group kind before a plain head
        adj_head = low in {"forces", "groups", "fighters", "units"} and i > 0 and lows[i - 1] in _GROUP_ADJ \
            and (lows[i - 1] != "armed" or low in {"groups", "fighters"})  # "armed forces" are a state's
        # described groups: "Abkhaz separatists", "separatists in Donetsk", "the rebels"
        if low in DESCRIBED_HEADS or adj_head:
            head = _GROUP_ADJ[lows[i - 1]] if adj_head else DESCRIBED_HEADS[low]
            if adj_head:
                i0 = i
                i = i - 1  # the modifier search below starts before the adjective
            else:
                i0 = i
            mod = None
            if i > 0 and tokens[i - 1].text[:1].isupper() and tokens[i - 1].text.isalpha() and \
                    lows[i - 1] not in _NOT_MODIFIERS:
                a = i - 1
                while a - 1 >= 0 and tokens[a - 1].text[:1].isupper() and tokens[a - 1].text.isalpha() \
                        and lows[a - 1] not in _NOT_MODIFIERS and i - a < 3:
                    a -= 1
                mod = " ".join(tokens[k].text for k in range(a, i))
            elif i0 + 2 < n and lows[i0 + 1] in {"in", "of", "from"} and tokens[i0 + 2].text[:1].isupper():
                mod, a = tokens[i0 + 2].text, i
            else:
                a = i
            fid = f"{_slug(mod)}_{head}" if mod else head
            add(fid, f"{mod} {head}" if mod else head.capitalize(), "group", min(a, i), i0 + 1)
            i = i0
        # "separatist authorities in X", "the de facto authorities"
        if low in {"authorities", "government", "leadership"} and i > 0:
            two = " ".join(lows[max(0, i - 2):i])
            one = lows[i - 1]
            if one in AUTHORITY_MODS or two in AUTHORITY_MODS:
                a = i - (2 if two in AUTHORITY_MODS else 1)
                place = tokens[i + 2].text if i + 2 < n and lows[i + 1] in {"in", "of"} and \
                    tokens[i + 2].text[:1].isupper() else None
                mod = place or (tokens[a - 1].text if a > 0 and tokens[a - 1].text[:1].isupper()
                                and tokens[a - 1].text.isalpha() and lows[a - 1] != "the" else None)
                fid = f"{_slug(mod)}_authorities" if mod else "de_facto_authorities"
                add(fid, f"{mod} authorities (de facto)" if mod else "De facto authorities", "group", a, i + 1)
        # "the Greek opposition", "opposition parties": a state's parliamentary opposition (a faction); a
        # bare one belongs to the state named last before it (within 80 tokens)
        if low == "opposition" and (i + 1 >= n or lows[i + 1] not in {"to", "of", "from", "against"}):
            state, a = state_before(i)
            bare = (i > 0 and lows[i - 1] == "the") or (i + 1 < n and lows[i + 1] in {"parties", "party", "leader",
                                                                                     "leaders", "politicians"})
            if state is None and noun_ids and i + 2 < n and lows[i + 1] == "in" and i + 2 in ctx_start and \
                    ctx_start[i + 2].actor in state_ids:
                state = ctx_start[i + 2].actor  # T28: "the opposition in London", "the opposition in Skopje"
            elif state is None and bare and bare_state is not None:
                state = bare_state  # one bare "the opposition" per text: the first one's state
            elif state is None and bare:
                prior = [mm for mm in (context if context is not None else mentions)
                         if mm.tok_end <= i and i - mm.tok_end < 80 and mm.actor in state_ids]
                state = prior[-1].actor if prior else None
                bare_state = state
            if state is not None:
                b = i + 2 if i + 1 < n and lows[i + 1] in {"parties", "party"} else i + 1
                add(f"{state}_opposition", f"{names[state]} opposition", "faction", a, b, state)
        # "the mayor of Kalymnos", "the governor of Aceh": a local authority, named by its place
        if low in {"mayor", "governor"} and i + 2 < n and lows[i + 1] == "of" and tokens[i + 2].text[:1].isupper() \
                and (i + 2) not in state_tok and (i + 2) not in other_tok:
            e = i + 3  # a place of several words: "the governor of New Mexico" is not "new"
            while e < n and e < i + 6 and tokens[e].text[:1].isupper() and tokens[e].text.isalpha() \
                    and e not in state_tok and e not in other_tok:
                e += 1
            place = " ".join(tokens[k].text for k in range(i + 2, e))
            a = i - 1 if i > 0 and lows[i - 1] == "the" else i
            who = _named_before(tokens, a)
            if who is not None:
                # T16: "Bill Richardson, the governor of New Mexico, said": the named office-holder is the
                # actor (by surname, as a person), and so are later bare uses of the surname
                b0, surname = who
                fid = _slug(_ascii(surname))
                add(fid, f"{' '.join(tokens[k].text for k in range(b0, a - 1))} ({low} of {place})", "other",
                    b0, e)
                for k in range(e, n):
                    if tokens[k].text == surname and not (k + 1 < n and tokens[k + 1].text[:1].isupper()):
                        add(fid, surname, "other", k, k + 1)
            else:
                add(_slug(_ascii(place)), f"{place} ({low})", "other", a, e)
        # "journalists of the Turkish newspaper Hürriyet": a newspaper whose staff act
        if low in {"journalists", "reporters", "editors"} and i + 3 < n and lows[i + 1] in {"of", "from"}:
            k = i + 2
            while k < min(n, i + 6) and lows[k] not in {"newspaper", "daily", "paper", "weekly", "magazine"}:
                k += 1
            if k + 1 < n and lows[k] in {"newspaper", "daily", "paper", "weekly", "magazine"} and \
                    tokens[k + 1].text[:1].isupper():
                add(_slug(_ascii(tokens[k + 1].text)), tokens[k + 1].text, "group", i, k + 2)
    # named armed groups: "Kosovo Liberation Army", "Polisario Front", "Tamil Tigers"
    i = 0
    while i < n:
        if lows[i] in GROUP_HEADS and tokens[i].text[:1].isupper() and i > 0:
            a = i
            while a - 1 >= 0 and tokens[a - 1].text[:1].isupper() and tokens[a - 1].text.replace("'", "").isalpha() \
                    and lows[a - 1] not in {"the", "a", "an"}:
                a -= 1
            words = {lows[k] for k in range(a, i + 1)}
            distinctive = [k for k in range(a, i + 1) if lows[k] not in _GENERIC and k not in state_tok]
            if a < i and words & _NAMED_REQUIRES and distinctive and \
                    not any(k in other_tok for k in range(a, i + 1)):
                name = " ".join(tokens[k].text for k in range(a, i + 1))
                bracket = i + 3 < n and tokens[i + 1].text == "(" and tokens[i + 3].text == ")" \
                    and tokens[i + 2].text.isupper()
                fid = group_id(name, tokens[i + 2].text if bracket else None)
                add(fid, name, "group", a, i + 1)
                if bracket:
                    acro = tokens[i + 2].text
                    for k in range(i + 4, n):
                        if tokens[k].text == acro:
                            add(fid, name, "group", k, k + 1)
        i += 1
    if own_names:
        # T23: "the Ukrainian parliament ... the Verkhovna Rada": one body, under its own name
        for f in list(found.values()):
            if f.legislature and f.represents and f.id not in own_ids:
                own = [g for g in found.values() if g.id != f.id and g.represents == f.represents
                       and g.id in own_ids]
                if len(own) == 1:
                    own[0].spans += f.spans
                    del found[f.id]
    if noun_ids:
        # T28: "the Greek parliament ... the assembly": one state's generic legislature nouns are one body,
        # under the noun the text uses most (first on a tie)
        by_state: dict[str, list[Found]] = {}
        for f in found.values():
            if f.legislature and f.represents:
                by_state.setdefault(f.represents, []).append(f)
        for fs in by_state.values():
            if len(fs) > 1:
                keep = max(fs, key=lambda f: (len(f.spans), -min(a for a, _ in f.spans)))
                for f in fs:
                    if f is not keep:
                        keep.spans += f.spans
                        del found[f.id]
    if members:
        _members(tokens, lows, found, mentions, state_ids, legislatures, names)
    if ethnic:
        _ethnic_groups(tokens, lows, found, mentions, state_ids)
    if roles:
        _role_groups(tokens, lows, found, mentions, state_ids, add)
    if ethnic:
        _occupations(tokens, lows, mentions, state_ids, add)
    if parties:
        _opposition_names(tokens, lows, found)
        _acronym_parties(tokens, lows, mentions, state_ids, add, found)
    # T23: an organisation the text defines with its acronym ("the Northwest Atlantic Fisheries Organization
    # (NAFO)"): an actor of its own under the acronym, and so are the acronym's later uses
    i = 1
    while i + 3 < n:
        if lows[i] in ORG_HEADS and tokens[i].text[:1].isupper() and tokens[i + 1].text == "(" and \
                tokens[i + 3].text == ")" and tokens[i + 2].text.isupper() and tokens[i + 2].text.isalpha() and \
                len(tokens[i + 2].text) >= 2 and i not in other_tok and i not in state_tok:
            a = i
            while a - 1 >= 0 and (tokens[a - 1].text[:1].isupper() or (lows[a - 1] in {"of", "for", "the", "on"}
                                                                         and a - 2 >= 0
                                                                         and tokens[a - 2].text[:1].isupper())) \
                    and tokens[a - 1].text.replace("-", "").isalpha() and a - 1 not in other_tok and i - a < 8:
                a -= 1
            while a < i and not tokens[a].text[:1].isupper():
                a += 1
            if a < i and lows[a] != "the" and not {lows[k] for k in range(a, i + 1)} & _DOMESTIC:
                acro = tokens[i + 2].text
                fid = _slug(acro)
                name = " ".join(tokens[k].text for k in range(a, i + 1))
                add(fid, name, "organisation", a, i + 4)
                for k in range(i + 4, n):
                    if tokens[k].text == acro:
                        add(fid, name, "organisation", k, k + 1)
        i += 1
    # "the rebels" after "the Kosovo Liberation Army": a bare head names the one specific group
    generic = GENERIC_IDS
    specific = [f for f in found.values() if f.kind == "group" and f.id not in generic]
    if len(specific) == 1:
        for bare in [f for f in found.values() if f.id in generic]:
            first = min(a for a, _ in specific[0].spans)
            later = [sp for sp in bare.spans if sp[0] > first]
            specific[0].spans += later
            bare.spans = [sp for sp in bare.spans if sp[0] <= first]
            if not bare.spans:
                del found[bare.id]
    return list(found.values())


def _legislatures_by(found: dict[str, Found]) -> dict[str, Found]:
    """State -> its one legislature found in the text (a state with two keeps neither)."""
    out: dict[str, list[Found]] = {}
    for f in found.values():
        if f.legislature and f.represents:
            out.setdefault(f.represents, []).append(f)
    return {st: fs[0] for st, fs in out.items() if len(fs) == 1}


def _members(tokens: list[Token], lows: list[str], found: dict[str, Found], mentions: list,
             state_ids: set[str], legislatures: dict[str, str] | None = None,
             names: dict[str, str] | None = None) -> None:
    """T28: a legislature acts through its members and leaders: "Republican leaders in Congress", "members of
    the Knesset" (the member noun joins the legislature's span, so the verb after it is the body's), "the
    congressional leadership" (the one legislature in the text whose noun is ``congress``), "Greek MPs",
    "Ukraine's deputies" (the one legislature found for that state). A member noun with no legislature found
    for its state stays nothing: a description, not a body."""
    by_state = _legislatures_by(found)
    starts = {sp[0]: f for f in found.values() if f.legislature for sp in f.spans}
    n = len(tokens)
    for a, f in list(starts.items()):
        k = a - 1
        if k >= 1 and lows[k] in {"the"}:
            k -= 1
        if k >= 1 and lows[k] in {"of", "in"} and lows[k - 1] in MEMBER_NOUNS:
            j = k - 1
            f.spans.append((j, a))  # "leaders in" + "Congress": one span with the body's (merged later)
    m_end = {m.tok_end - 1: m for m in mentions if m.actor in state_ids and m.rule in _STATE_RULES}
    legs = [f for f in found.values() if f.legislature]
    for i in range(n - 2):
        # "Senate Majority Leader Mike Mansfield said": a legislature's officer, by title, is the text's one
        # legislature (the officer's name joins its span)
        if tokens[i].text in LEG_TITLE_WORDS and len(legs) == 1 and _title_fits(tokens[i].text, legs[0].id):
            j = i + 1
            while j < n and j < i + 3 and lows[j] in {"majority", "minority", "republican", "democratic"}:
                j += 1
            if j < n and lows[j] in {"leader", "speaker", "whip"} and j + 1 < n and tokens[j + 1].text[:1].isupper():
                e = j + 1
                while e < n and e < j + 5 and tokens[e].text[:1].isupper() and tokens[e].text.isalpha():
                    e += 1
                legs[0].spans.append((i, e))
    for i in range(n):
        if lows[i] in MEMBER_ADJ and i + 1 < n and lows[i + 1] in _ADJ_HEADS:
            noun = MEMBER_ADJ[lows[i]]
            hits = [f for f in by_state.values() if f.id.endswith("_" + noun)
                    or (noun == "congress" and f.id == "usa_congress")]
            if len(hits) == 1:
                hits[0].spans.append((i, i + 2))
        elif lows[i] in {"lawmakers", "legislators", "deputies", "mps", "parliamentarians", "senators"}:
            j = i - 1
            if j >= 0 and lows[j] in {"'s", "’s"}:
                j -= 1
            m = m_end.get(j)
            if m is not None and m.actor not in by_state and m.rule in ("adjective", "name", "alias"):
                # no legislature named for the state: its members name it, under its own name where the cues
                # know one (usa_congress, rus_duma, ukr_rada), else <state>_parliament
                own = next((k for k, st in (legislatures or {}).items() if st == m.actor), None)
                fid = legislature_id(m.actor, own) if own else f"{m.actor}_parliament"
                label = (names or {}).get(m.actor, m.actor)
                by_state[m.actor] = found.setdefault(fid, Found(fid, f"{label} legislature", "faction", m.actor,
                                                                legislature=True))
            if m is not None and m.actor in by_state:
                by_state[m.actor].spans.append((m.tok_start, i + 1))  # "Greek MPs", "Ukraine's deputies"
    for f in found.values():
        if f.legislature:
            f.spans = _merge_spans(f.spans)


# H16: the legislatures an officer's title word can belong to ("House Speaker Nancy Pelosi" is no officer of
# Taiwan's parliament, the one legislature a text about Taiwan names)
_TITLE_BODIES = {"Senate": ("_senate", "usa_congress"), "House": ("_house", "_commons", "_lords", "usa_congress"),
                 "Congress": ("_congress",), "Parliament": ("_parliament",), "Assembly": ("_assembly",),
                 "Duma": ("_duma",), "Knesset": ("_knesset",), "Majlis": ("_majlis",)}


def _title_fits(word: str, legislature_id: str) -> bool:
    return any(legislature_id.endswith(end) for end in _TITLE_BODIES.get(word, ()))


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(set(spans)):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _ethnic_groups(tokens: list[Token], lows: list[str], found: dict[str, Found], mentions: list,
                   state_ids: set[str]) -> None:
    """T28: "Syrian Turkmen rebels": a state's adjective, a second state's adjective (a people named like
    their namesake state) and a fighters' head name an ethnic armed group in the first state,
    ``<state>_<people>`` (syr_turkmen, as the gold files write sub-state groups: col_farc, lbn_hezbollah), not
    the people's namesake state; later "<People> fighters"
    are the same group. Replaces the described group "syrian_turkmen_rebels" the head rule made."""
    m_at = {m.tok_start: m for m in mentions if m.rule in ("adjective", "adjective+institution")}
    one_word = {m.tok_start: m for m in mentions if m.actor in state_ids and m.tok_end == m.tok_start + 1
                and m.rule in _STATE_RULES}
    n = len(tokens)
    made: dict[str, tuple[str, Found]] = {}
    # H16: a state the text names by its name is a state here too: "Soviet Afghan forces" (after "invaded
    # Afghanistan") are two states' forces, not an Afghan people's group in the Soviet Union
    by_name = {(m.actor, tokens[m.tok_start].text) for m in mentions if m.rule in ("name", "alias")}
    for i in range(n - 2):
        m = m_at.get(i)
        if m is None or m.actor not in state_ids or m.tok_end != i + 1:
            continue
        j = i + 1
        second = one_word.get(j)  # the people's name is itself a state's adjective ("Turkmen", "Albanian")
        if second is None or second.actor == m.actor or second.tok_end != j + 1 or j + 1 >= n or \
                lows[j + 1] not in FIGHTER_HEADS or \
                any(a == second.actor and w != tokens[j].text for a, w in by_name):
            continue
        people = tokens[j].text
        fid = f"{m.actor}_{_slug(_ascii(people))}"
        for old in [f for f in found.values() if f.kind == "group" and any(a <= j < b for a, b in f.spans)]:
            old.spans = [sp for sp in old.spans if not sp[0] <= j < sp[1]]
            if not old.spans:
                del found[old.id]
        f = found.setdefault(fid, Found(fid, f"{people} fighters ({m.actor})", "group"))
        f.spans.append((i, j + 2))
        made[people] = (fid, f)
    for people, (_fid, f) in made.items():
        for k in range(n - 1):
            if tokens[k].text == people and lows[k + 1] in FIGHTER_HEADS | {"commander", "commanders"} and \
                    not any(a <= k < b for a, b in f.spans):
                f.spans.append((k, k + 2))
                for old in [g for g in found.values() if g is not f and any(a <= k < b for a, b in g.spans)]:
                    old.spans = [sp for sp in old.spans if not sp[0] <= k < sp[1]]
                    if not old.spans:
                        del found[old.id]
        f.spans = _merge_spans(f.spans)
        # the people's other uses ("bombing of Turkmen villages") name the people, not their namesake state
        f.shadows = [k for k in range(n) if tokens[k].text == people and not any(a <= k < b for a, b in f.spans)
                     and not (k + 1 < n and lows[k + 1] in _STATE_ORGANS)]  # H16: "Albanian officials" stay


# H16: heads after a people's word that make it its namesake state again ("Albanian officials protested")
_STATE_ORGANS = {"government", "officials", "foreign", "ministry", "embassy", "ambassador", "president",
                 "prime", "authorities", "parliament", "diplomats", "envoy"}


def _role_groups(tokens: list[Token], lows: list[str], found: dict[str, Found], mentions: list,
                 state_ids: set[str], add) -> None:
    """T28: "the four guarantors of the 1942 Rio Protocol (Argentina, Brazil, ...)": states acting together in
    a treaty role are one group, ``<the name's first word>_<role>`` (rio_guarantors), and so is every later
    bare "the guarantors" / "the guarantor states" / "the guarantors'"."""
    n = len(tokens)
    i = 0
    def role_at(q: int) -> tuple[int, str] | None:
        """(first token, role) of a role noun ending at ``q``: "guarantors", "co-chairs" (three tokens)."""
        if lows[q] in ROLE_NOUNS:
            return q, "guarantors" if lows[q].startswith("guarantor") else _slug(lows[q])
        if lows[q] in {"chairs", "chairmen"} and q >= 2 and lows[q - 1] == "-" and lows[q - 2] == "co":
            return q - 2, "co_chairs"
        return None

    while i < n:
        got = role_at(i) if i + 2 < n and lows[i + 1] == "of" else None
        if got is not None:
            k = i + 2 + (1 if lows[i + 2] == "the" else 0)
            while k < n and tokens[k].text.isdigit():
                k += 1
            e = k
            while e < n and e < k + 5 and tokens[e].text[:1].isupper() and tokens[e].text.replace("-", "").isalpha():
                e += 1
            if e > k and lows[e - 1] in _TREATY_HEADS and e - 1 > k:
                r0, role = got
                fid = f"{_slug(_ascii(tokens[k].text))}_{role}"
                a = r0 - 1 if r0 > 0 and lows[r0 - 1] in {"the", "four", "three", "two", "five", "six"} else r0
                a -= 1 if a > 0 and lows[a - 1] == "the" else 0
                b = e  # the members a bracket lists after it stay actors of their own (they may act alone)
                add(fid, " ".join(tokens[q].text for q in range(a, e)), "group", a, b)
                for q in range(b, n):
                    later = role_at(q) if lows[q] in ROLE_NOUNS | {"chairs", "chairmen"} else None
                    if later is not None and later[1] == role and later[0] > 0 and \
                            lows[later[0] - 1] in {"the", "four", "three", "two"}:
                        end = q + 1 + (1 if q + 1 < n and lows[q + 1] in {"states", "countries", "powers",
                                                                           "governments", "'", "’"} else 0)
                        add(fid, fid, "group", later[0] - 1, end)
                i = b
                continue
        i += 1


def _opposition_names(tokens: list[Token], lows: list[str], found: dict[str, Found]) -> None:
    """T28: "The main opposition party, VMRO-DPMNE, campaigned", "the opposition Jana Sangh demanded": the name
    in apposition after a state's opposition party, or right after "opposition", is the opposition (one span to
    the verb's subject), and so are its later uses."""
    n = len(tokens)
    for f in [f for f in found.values() if f.id.endswith("_opposition")]:
        for a, b in list(f.spans):
            if lows[b - 1] == "opposition" and b < n and tokens[b].text[:1].isupper() and tokens[b].text.isalpha():
                # "the opposition Jana Sangh demanded", "the opposition Labour Party": the name right after
                e = b
                while e < n and e < b + 4 and tokens[e].text[:1].isupper() and tokens[e].text.isalpha():
                    e += 1
                name = [tokens[q].text for q in range(b, e)]
                if name[-1].lower() in {"party"} and len(name) > 1:
                    name = name[:-1]
                f.spans.append((a, e))
                for q in range(e, n - len(name) + 1):
                    if [tokens[q + r].text for r in range(len(name))] == name:
                        f.spans.append((q, q + len(name) + (1 if q + len(name) < n and
                                                            lows[q + len(name)] == "party" else 0)))
                continue
            if b + 2 < n and lows[b - 1] in {"party", "parties"} and tokens[b].text == ",":
                e = b + 1
                while e < n and e < b + 6 and ((tokens[e].text[:1].isupper() and tokens[e].text.isalpha()) or (
                        tokens[e].text in {"-", "–"} and e > b + 1)):
                    e += 1  # "VMRO-DPMNE": three tokens
                if e > b + 1 and e < n and tokens[e].text == ",":
                    name = [tokens[q].text for q in range(b + 1, e)]
                    f.spans.append((a, e + 1))  # to the closing comma: the verb after it is the party's
                    for q in range(e + 1, n - len(name) + 1):
                        if [tokens[q + r].text for r in range(len(name))] == name:
                            f.spans.append((q, q + len(name)))
        f.spans = _merge_spans(f.spans)


_PARTY_HEADS = {"party", "list", "bloc", "alliance", "movement", "front", "union", "league", "congress"}


def _acronym_parties(tokens: list[Token], lows: list[str], mentions: list, state_ids: set[str], add,
                     found: dict[str, Found]) -> None:
    """T28: a party the text defines with its acronym, its state's adjective in its name ("the Italian
    Republican Party (PRI)", "the Serbian Progressive Party (SNS)") is ``<state>_<acronym>`` (the gold files'
    ita_pri, grc_anel), kind faction; the acronym's later uses are the party. Without the bracket no id is
    made: the gold files name parties by their native acronyms, which the text may not give."""
    state_at = {m.tok_start: m.actor for m in mentions if m.actor in state_ids and m.rule in _STATE_RULES}
    covered = {t for m in mentions for t in range(m.tok_start, m.tok_end)}  # "the Soviet Union (USSR)": a name
    n = len(tokens)
    for i in range(1, n - 3):
        if i in covered:
            continue
        if lows[i] not in _PARTY_HEADS or not tokens[i].text[:1].isupper() or tokens[i + 1].text != "(" or \
                tokens[i + 3].text != ")" or not tokens[i + 2].text.isupper() or len(tokens[i + 2].text) < 2:
            continue
        a = i
        while a - 1 >= 0 and i - a < 6 and tokens[a - 1].text[:1].isupper() and tokens[a - 1].text.isalpha() and \
                lows[a - 1] != "the":
            a -= 1
        state = next((state_at[k] for k in range(a, i) if k in state_at), None)
        if state is None:
            continue
        acro = tokens[i + 2].text
        fid = f"{state}_{_slug(_ascii(acro))}"
        if fid in found:
            continue
        name = " ".join(tokens[k].text for k in range(a, i + 1))
        add(fid, name, "faction", a, i + 4, state)
        for k in range(i + 4, n):
            if tokens[k].text == acro:
                add(fid, name, "faction", k, k + 1, state)


# T28: people of one trade or standing who act as a body in crises (fishing wars, settler disputes); not
# demonstrators or protesters, whom the gold files never count
OCCUPATIONS = {"fishermen", "trawlermen", "fishers", "farmers", "settlers", "miners", "truckers", "dockers",
               "veterans", "shipowners"}
_VERBISH = {"said", "threatened", "refused", "flew", "blocked", "held", "sent", "took", "kept", "left", "began",
            "went", "met", "warned", "demanded", "called", "vowed", "voted", "staged", "struck"}


def _occupations(tokens: list[Token], lows: list[str], mentions: list, state_ids: set[str], add) -> None:
    """T28 (with ``ethnic``): "British fishermen flew Canadian flags", "Icelandic trawlermen refused": a
    state's adjective and a trade acting (a verb after them) are a group ``<state>_<trade>`` (the gold files'
    gbr_trawlermen, gbr_fishermen), kind group; later "the <trade>" are the same group."""
    adj_end = {m.tok_end: m.actor for m in mentions if m.actor in state_ids and m.rule in ("adjective",
                                                                                         "adjective+institution")}
    n = len(tokens)
    made: dict[str, str] = {}
    for i in range(1, n - 1):
        if lows[i] in OCCUPATIONS and i in adj_end:
            nxt = lows[i + 1]
            if nxt in _VERBISH or (nxt.endswith("ed") and len(nxt) > 4 and tokens[i + 1].text.islower()):
                fid = f"{adj_end[i]}_{lows[i]}"
                start = next(m.tok_start for m in mentions if m.tok_end == i and m.actor == adj_end[i])
                add(fid, " ".join(tokens[k].text for k in range(start, i + 1)), "group", start, i + 1)
                made[lows[i]] = fid
    for trade, fid in made.items():
        for k in range(1, n):
            if lows[k] == trade and lows[k - 1] == "the":
                add(fid, trade, "group", k - 1, k + 1)
