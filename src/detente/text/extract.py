"""Rule-based extraction: actors, moves, channels, audiences, issues, outcome claims.

Everything found carries the sentence it comes from (character offsets into the text)
and a confidence in [0, 1] that says how much the rule that found it is worth. The rules
are deliberately simple and listed in data/cues.yaml, so a reviewer can see why a field
was proposed; the draft is a starting point for a human, not a verdict.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from detente.text.cues import Cues, expand_gaps, load_cues
from detente.text.gazetteer import RULE_CONFIDENCE, GazActor, Gazetteer, load_gazetteer
from detente.text.leaders import text_years
from detente.text.matching import Backend, Match, Token, longest_first, make_backend
from detente.text.sentences import Sentence, split_sentences

MAX_QUOTE = 400  # longer sentences are quoted as a window around the cue
_AMBIGUOUS_HEADS = {"public", "audience", "audiences", "parliament", "congress"}
# After these an actor is the object of a phrase, not the subject of the next verb.
_OBJECT_PREPS = {"to", "on", "against", "with", "from", "over", "towards", "of", "about", "than", "for"}
# "the President of Peru", "the Sultan of Oman": after these, "of <state>" names the agent.
_TITLES = {"president", "king", "queen", "sultan", "emir", "government", "prime", "minister", "leader",
           "leaders", "chancellor", "premier", "ambassador", "delegation", "foreign", "secretary", "ministry",
           "forces", "army", "navy", "junta", "regime", "people", "parliament", "shah", "crown", "prince",
           "presidency", "chairmanship"}  # rules6: "the Danish presidency of the European Union" is the Union
_PRONOUNS = {"he", "she"}
_TITLE_WORDS_LIST = {"president", "prime", "minister", "foreign", "defence", "defense", "secretary", "of", "state",
                     "chancellor", "king", "premier", "leader", "general", "ambassador", "envoy", "the"}
# After these a state's name is where something happens or goes, not who acts ("fled to Iran").
_PLACE_PREPS = {"in", "into", "from", "to", "through", "across", "near", "within", "inside", "toward", "towards",
                "via", "around", "along", "throughout", "at", "off", "onto"}
_POSS_PRONOUNS = {"his", "her"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "'s", "’s", "any", "such", "every", "each"}
# Move types whose cue governs a following clause: what is demanded or offered is not itself an act.
_GOVERNING = {"demand", "offer", "threaten"}
_REPORTING = {"statement"}
_DATELINE_WORDS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
                   "January", "February", "March", "April", "June", "July", "August", "September", "October",
                   "November", "December", "Reuters", "AP", "AFP", "dpa", "Xinhua", "TASS", "Interfax"}
# "Blair House", "Carter Center": a surname before one of these names a place, not the person.
_NAMED_PLACE_HEADS = {"House", "Center", "Centre", "Airport", "Street", "Avenue", "Square", "Hall", "Library",
                      "Bridge", "Park", "Road", "Institute", "Foundation", "Memorial", "Doctrine", "Plan", "Line",
                      "Building", "Palace", "Base", "Island", "Islands", "Stadium", "University", "College"}
# After a state's possessive these nouns make the state the agent ("India's army", "New Delhi's response
# committed forces"); "soldiers of <state>" likewise.
_AGENT_HEADS = {"army", "armies", "navy", "forces", "troops", "soldiers", "infantry", "units", "unit", "military",
                "government", "ministry", "envoy", "envoys", "ambassador", "officials", "diplomats", "delegation",
                "response", "position", "leadership", "leader", "president", "prime", "foreign", "defence",
                "defense", "spokesman", "spokeswoman", "negotiators", "commandos", "warships", "fleet", "marines",
                "patrols", "patrol", "aircraft", "jets", "artillery", "regime", "administration", "cabinet",
                "plan", "proposal", "letter", "statement", "note", "message", "resolution", "junta"}
_AUDIENCE_WORDS = {"parliament", "council", "assembly", "reporters", "journalists", "press", "nation", "congress",
                   "senate", "lawmakers", "legislators", "deputies", "conference", "public", "audience", "crowd",
                   "commons", "house", "bundestag", "knesset", "duma", "majlis", "rada", "sejm"}
_DOCUMENTS = {"resolution", "plan", "proposal", "statement", "declaration", "communique", "communiqué", "note",
              "letter", "message", "report", "paper", "agreement", "deal", "text"}
_FRONTED = {"in", "on", "at", "after", "before", "during", "by", "since", "within", "twice", "later", "then",
            "earlier", "meanwhile", "finally", "next"}
_INSTITUTION_WORDS = {"junta", "government", "foreign", "defence", "defense", "interior", "ministry", "army",
                      "military", "navy", "cabinet", "administration", "leadership", "regime", "external", "affairs",
                      "department"}
_INSTITUTION_HEADS = {"government", "ministry", "department", "army", "cabinet", "administration", "leadership",
                      "regime", "junta"}
_PASSIVE_AUX = {"was", "were", "been", "being", "is", "are"}
_IRREGULAR_PARTICIPLES = {"shot", "struck", "sunk", "hit", "seized", "caught", "thrown", "overrun", "held"}
_FORCEFUL = {"assault", "mobilize", "escalate", "threaten"}
# A mention after a lowercase word outside this list is an object ("admit United Nations
# inspectors"), not the subject of a later verb.
_BEFORE_SUBJECT = {"a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "and", "but",
                   "or", "nor", "while", "whereas", "then", "when", "as", "after", "before", "since", "because",
                   "although", "though", "so", "until", "once", "where", "which", "who", "meanwhile", "also",
                   "later", "earlier", "now", "only", "even", "both", "either", "neither", "all", "many", "some",
                   "most", "several", "each", "every", "other", "another", "whether", "if", "unless", "how",
                   "why", "what", "today", "yesterday", "first", "finally", "instead", "thus", "therefore",
                   "however", "moreover", "said", "says", "is", "was", "were", "are", "be", "been", "not", "no",
                   "yet", "again", "here", "there", "former", "new", "by", "for", "than", "day", "days", "week",
                   "weeks", "month", "months", "year", "years", "morning", "evening", "night", "time", "times",
                   # T17: quantities before an adjective subject ("about a dozen Moroccan gendarmes landed")
                   "dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "few", "about", "around",
                   "two", "three", "four", "five", "six", "ten", "twenty", "fifty"}
# "met its obligations" is not a meeting
_MET_OBJECTS = {"obligations", "obligation", "commitments", "commitment", "deadline", "deadlines", "targets",
                "target", "conditions", "demands", "requirements", "criteria", "expectations", "standards"}
_DEONTIC = {"must", "should", "shall"}
# Nouns of a meeting between parties ("a telephone call between A and B"); "on the telephone between
# Athens and Ankara" is a broker's shuttle, not a bilateral call.
_MEETING_NOUNS = {"call", "calls", "talks", "meeting", "meetings", "negotiations", "summit", "contacts",
                  "consultations", "conversation", "conversations"}
# Acts an actor can announce as its own in the passive ("the border would be reopened").
_COMMITTABLE = {"concede", "withdraw", "demobilize", "offer", "aid", "accept"}
# Capitalised head words an organisation's full name ends with, used alone after "the" (T14).
_HEAD_WORDS = {"Union", "Alliance", "League", "Commission", "Council", "Agency", "Court", "Community", "Organization",
               "Organisation", "Assembly", "Tribunal"}
_ANNOUNCING = {"announced", "announces", "ordered", "orders", "declared", "declares", "confirmed", "decreed"}
# Acts done in the open by their nature (force, sanctions, expulsions, troop moves): a closed-track scene
# set by an earlier sentence (T6) does not cover them; a closed cue in their own sentence still does (T14).
_OPEN_ACTS = {"assault", "escalate", "mobilize", "sanction", "reduce_relations", "withdraw", "demobilize", "aid"}
# Capitalised words that make a place's name with a state's ("Northern Ireland", "Upper Volta").
_PLACE_WORDS = {"northern", "southern", "eastern", "western", "upper", "lower", "central", "greater", "new", "old",
                "north", "south", "east", "west", "democratic", "republic", "federal", "united", "royal", "kingdom"}
_CLOSE_QUOTES = {'"', "”", "''"}
_NOUN_SUFFIXES = ("ure", "ion", "ions", "ment", "ments", "ance", "ence")
_PEOPLE_WORDS = {"crown", "prince", "king", "emir", "president", "prime", "minister", "ministers", "foreign",
                 "leader", "leaders", "government", "governments", "officials", "delegation", "delegations",
                 "negotiators", "envoy", "envoys", "representatives", "diplomats", "sultan", "chancellor"}
_BUILDING_WORDS = {"house", "kremlin", "palace", "street", "ministry", "department", "pentagon", "mansion",
                   "hill", "bottom", "office", "quai", "square", "building", "hall", "court", "gate", "residence"}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9}
_GROUP_NOUNS = {"states", "countries", "governments", "nations", "capitals", "allies", "powers", "members",
                "neighbours", "neighbors", "signatories", "monarchies", "kingdoms", "parties"}
_MEETING_WORDS = {"met", "meet", "meeting", "meetings", "talks", "summit", "negotiations", "conference", "held",
                  "signed", "hosted", "convened", "gathered"}
_REPORTING_VERBS = {"announced", "said", "declared", "promised", "pledged", "agreed", "confirmed", "stated",
                    "replied", "told", "insisted", "warned", "added", "answered", "responded",
                    "assured", "announces", "says", "declares", "promises", "pledges", "agrees", "confirms"}
_CARRIERS = {"it", "they", "he", "she", "its", "their", "his", "her", "north", "south", "capital", "side",
             "regime", "kingdom", "republic", "island", "country", "authorities", "officials", "diplomats"}
_AUXILIARIES = {"is", "was", "were", "are", "be", "been", "am", "by", "and", "or", "while", "after", "before",
                "without", "when", "not", "also", "still", "then"}


@dataclass(frozen=True)
class Span:
    """A piece of evidence: ``text[start:end] == quote``."""

    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Mention:
    actor: str
    start: int
    end: int
    text: str
    rule: str
    confidence: float
    sentence: int
    tok_start: int
    tok_end: int


@dataclass
class ActorFinding:
    id: str
    name: str
    kind: str
    groups: list[str]
    mentions: list[Mention]
    confidence: float
    evidence: Span
    people: list[str] = field(default_factory=list)
    represents: str | None = None  # a legislature's or central bank's state

    @property
    def best_rule(self) -> str:
        return max(self.mentions, key=lambda m: m.confidence).rule


@dataclass
class MoveFinding:
    actor: str
    type: str
    target: str | None
    cue: str
    rule: str
    confidence: float
    evidence: Span
    sentence: int
    channel_kind: str | None = None
    issue: str | None = None
    tok: int = -1  # token index of the cue (for rules relating cues of one sentence)


@dataclass
class ChannelFinding:
    kind: str  # public | closed
    name: str
    cue: str
    confidence: float
    evidence: Span
    level: str | None = None
    sentences: list[int] = field(default_factory=list)


@dataclass
class AudienceFinding:
    id: str
    name: str
    belongs_to: str | None
    confidence: float
    evidence: Span
    count: int = 1


@dataclass
class IssueFinding:
    id: str
    name: str
    cue: str
    confidence: float
    evidence: Span
    sentences: list[int] = field(default_factory=list)
    positions: list[tuple[int, int]] = field(default_factory=list)  # (sentence, char start) of every cue


@dataclass
class ClaimFinding:
    outcome: str
    cue: str
    confidence: float
    evidence: Span
    others: list[Span] = field(default_factory=list)


@dataclass
class Extraction:
    text: str
    sentences: list[Sentence]
    backend: str
    actors: list[ActorFinding]
    moves: list[MoveFinding]
    channels: list[ChannelFinding]
    audiences: list[AudienceFinding]
    issues: list[IssueFinding]
    claims: list[ClaimFinding]
    dropped: list[str] = field(default_factory=list)  # what a rule set aside, and why
    llm: dict[str, list[str]] = field(default_factory=dict)  # {"added": [...], "dropped": [...]} when a model ran
    check_first: list[str] = field(default_factory=list)  # set by the drafter: what a reviewer checks first
    defaults: list[str] = field(default_factory=list)  # parameters that are stated defaults, not priors
    # hooks for detente.text.parsed: the sentences on each track as the rules read them, and the parser used
    channel_sents: dict[str, set[int]] = field(default_factory=dict)
    parser: dict[str, str | int] = field(default_factory=dict)  # names as text; counts (added, reassigned) ints


# ---------------------------------------------------------------- helpers


def _heading_sentences(text: str, sentences: list[Sentence]) -> set[int]:
    """T27: sentences that are a paragraph of their own with no final stop (a headline, a section heading:
    "Russia imposes sanctions on Turkey as row deepens", "British mediation") or wholly in brackets (an
    editorial note: "(Reporting by the Moscow bureau)"). A headline restates the body's lede, where the
    move is drafted from; gold files anchor the body (or mark a headline's move optional)."""
    out: set[int] = set()
    for k, s in enumerate(sentences):
        line_start = k == 0 or "\n" in text[sentences[k - 1].end:s.start]
        line_end = k == len(sentences) - 1 or "\n" in text[s.end:sentences[k + 1].start]
        if not (line_start and line_end):
            continue
        body = s.text.strip()
        # a bracketed line with no sentence stop inside ("(Reporting by ... bureaus)"), not a bracketed aside
        # of the narrative ("(In March, Togo's foreign minister called for ...)")
        note = body[:1] in "([" and body[-1:] in ")]" and body[-2:-1] not in ".!?\"'”’"
        if note or (body[-1:] not in ".!?\"'”’)" and len(body.split()) <= 20 and k < len(sentences) - 1):
            out.add(k)
    return out


def _sentence_of(sentences: list[Sentence], char: int) -> int:
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid].start <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def evidence_span(text: str, sent: Sentence, focus: tuple[int, int] | None = None) -> Span:
    """The sentence as evidence; a window around ``focus`` when the sentence is very long."""
    start, end = sent.start, sent.end
    if end - start > MAX_QUOTE and focus is not None:
        mid = (focus[0] + focus[1]) // 2
        start = max(sent.start, mid - MAX_QUOTE // 2)
        end = min(sent.end, start + MAX_QUOTE)
        while start > sent.start and not text[start - 1].isspace():
            start += 1
        while end < sent.end and not text[end].isspace():
            end -= 1
        start, end = min(start, focus[0]), max(end, focus[1])
    return Span(start, end, text[start:end])


_FINITE = {"was", "were", "is", "are", "had", "has", "have", "would", "will", "could", "did", "does", "do", "can",
           "may", "might", "remained", "remains", "be", "been", "not", "it", "they", "he", "she", "there", "this"}


def _subjunctive(words: list[str]) -> bool:
    """T17: "insisted that the communique mention the shoal", "... that Spanish troops leave": a mandative
    clause (a demand), told from a report ("insisted that the talks were useful", "that it had acted") by
    the absence of any finite or past-tense word, or pronoun subject, in its first five words."""
    return len(words) >= 3 and not any(w in _FINITE or (w.endswith("ed") and len(w) > 4) for w in words)


_FORCE_WORDS = {"retaliation", "retaliate", "retaliatory", "strike", "strikes", "attack", "attacks", "blow", "blows",
                "arrests", "arrest", "war", "punish", "punished", "punishment", "consequences", "shoot", "sink",
                "bomb", "invade", "invasion", "annihilate", "destroy", "fire",
                # T27: the passive and past forms ("the ship would be sunk if it entered the area")
                "sunk", "bombed", "attacked", "destroyed", "invaded", "shot", "struck", "punishing"}
_FORCE_PAIRS = {("use", "force"), ("military", "action"), ("military", "target"), ("military", "targets"),
                ("military", "response"), ("by", "force"), ("armed", "force"),
                ("all", "means"), ("necessary", "means")}  # T27: "would use all (necessary) means to prevent"
_THREAT_MODALS = {"would", "will", "should", "could", "'ll"}
_AFTER: list[str] = []  # marker: the content follows the reporting verb (not a parenthetical report)


def _reported_content(tokens: list[Token], s_tok: int, e_tok: int, c0: int, c1: int) -> list[str] | None:
    """What a reporting verb reports: the words after it up to a semicolon (at most 25), or, for a
    parenthetical report (", he said,"), the rest of the sentence around it."""
    low = [t.lower for t in tokens]
    paren = c0 - 2 >= s_tok and low[c0 - 2] == "," and c1 < e_tok and low[c1] == ","
    if paren or (c1 < e_tok and low[c1] in {".", "!"}):  # "..., he said." at the end too
        a = c0 - 1
        while a > s_tok and low[a] != ",":
            a -= 1
        return low[s_tok:a] + low[c1 + 1:e_tok]
    out: list[str] = []
    for k in range(c1, min(e_tok, c1 + 25)):
        if low[k] in {";", '"', "“", "”"}:
            break
        out.append(low[k])
    return out


def _threat(content: list[str] | None) -> bool:
    """T17: a report whose content announces force in the future or the conditional ("would deliver a
    second blow", "should be met with enormous retaliation", "would treat them as military targets")
    is a threat, unless the force word is negated ("would not attack")."""
    if not content or not set(content) & _THREAT_MODALS:
        return False
    for k, w in enumerate(content):
        hit = w in _FORCE_WORDS or (k and (content[k - 1], w) in _FORCE_PAIRS)
        if hit and not {"not", "never", "no", "n't", "without"} & set(content[:k]):
            first_modal = min(i for i, x in enumerate(content) if x in _THREAT_MODALS)
            if first_modal < k:
                return True
    return False


_CONDITIONS = {"if", "unless", "provided", "once", "until", "when"}
_PRECONDITIONS = {"precondition", "preconditions", "prerequisite", "prerequisites"}


def _conditional(content: list[str] | None) -> str | None:
    """rules6: a reported commitment on a condition is an offer ("said it would return to talks if the North
    confirmed", "would act if India shared"), or a demand when refused until it is met ("would not stop
    until its territory was returned", "there would be no agreement unless ...") or named a precondition.
    Force words make it a threat first (:func:`_threat`). None: no conditional commitment."""
    if not content:
        return None
    if set(content) & _PRECONDITIONS or any(a == "condition" and b in {"for", "of"} for a, b in pairwise(content)):
        return "demand"
    modal = next((k for k, w in enumerate(content) if w in {"would", "will", "'ll"}), None)
    if modal is None:
        return None
    cond = next((k for k in range(modal + 1, min(len(content), modal + 20)) if content[k] in _CONDITIONS or (
        content[k] == "as" and content[k + 1:k + 3] == ["soon", "as"])), None)
    if cond is None or (content[cond] == "when" and cond > 0 and content[cond - 1] != ","):
        return None
    negated = bool({"not", "never", "no", "n't", "nothing"} & set(content[modal + 1:modal + 4]))
    return "demand" if negated or content[cond] in {"unless", "until"} else "offer"


def _city_like(surface: str) -> bool:
    """"Moscow", "Buenos Aires": a city's name (capitalised words), not a building or an institution
    ("the Kremlin", "the White House", "Foggy Bottom" count as the state on their own)."""
    words = surface.split()
    return bool(words) and words[0].lower() != "the" and len(words) <= 3 and all(
        w[:1].isupper() for w in words) and not set(w.lower() for w in words) & _BUILDING_WORDS


_FINITE_IRREGULAR = {"said", "says", "told", "sent", "took", "gave", "made", "held", "met", "won", "sought", "kept",
                     "brought", "threw", "struck", "ruled", "stood", "backs", "rules", "orders", "demands",
                     "warns", "urges", "condemns", "rejects", "calls", "was", "were", "has", "had", "would",
                     "will", "did", "is", "are", "have", "stayed", "spent", "began", "chose", "wrote", "drew",
                     "broke", "fought", "went", "flew", "left", "ran", "shot", "seized", "hit", "cut", "set",
                     "put", "sank", "swore", "vowed", "could", "should", "might", "must", "can"}  # T28: more


def _finite_after(tokens: list[Token], i: int) -> bool:
    """T23: the word at ``i`` (or after ", which") reads as the finite verb of a clause whose subject ends
    right before it ("the Arab League backed", "the court ordered", "NAFO, which adopted"): the body acts
    there, whether or not the verb is a move cue."""
    if i + 2 < len(tokens) and tokens[i].text == "," and tokens[i + 1].lower in {"which", "who"}:
        i += 2
    if i >= len(tokens):
        return False
    w = tokens[i].text
    if not w.isalpha() or not w.islower():
        return False
    return w in _FINITE_IRREGULAR or (w.endswith("ed") and len(w) > 4 and w not in {"based", "led", "backed-up"})


# Curated groups that are diplomatic forums, not armed or political movements (T23's bare-group reading)
_FORUMS = {"p5plus1", "e3", "g7", "g8", "g20", "brics", "non_aligned", "palestinian_authority"}
_BODY_PEOPLE = {"troops", "forces", "soldiers", "peacekeepers", "officials", "inspectors", "monitors", "observers",
                "judges", "envoys", "diplomats", "negotiators", "mediators", "staff", "experts", "members"}
_RECOURSE = {"took", "take", "takes", "taking", "referred", "refer", "refers", "referring", "brought", "bring",
             "appealed", "appeal", "turned", "submitted", "submit", "petitioned", "applied", "filed", "file"}
_ORGAN_HEADS = {"council", "assembly", "commission", "committee", "board", "secretariat", "secretary-general"}


def _body_acts(tokens: list[Token], m: Mention) -> bool:
    """T23: a body named once is still a party when it acts or is turned to in that sentence: the subject of a
    verb (:func:`_finite_after`), the forum of a recourse ("took the case to the International Tribunal",
    "appealed to the OAS"), or the setting of one of its organs that acts ("At the Organisation of American
    States, the Permanent Council ... adopted")."""
    if _finite_after(tokens, m.tok_end):
        return True
    if m.tok_end < len(tokens) and tokens[m.tok_end].lower in _BODY_PEOPLE and _finite_after(tokens, m.tok_end + 1):
        return True  # "KFOR troops cleared", "IAEA inspectors left": the body's people act
    if _officer_acts(tokens, m):
        return True
    j = m.tok_end
    k = m.tok_start - 1 - (1 if m.tok_start >= 1 and tokens[m.tok_start - 1].lower == "the" else 0)
    head = k < 0 or tokens[k].lower not in _OBJECT_PREPS | {"by", "at", "in"}  # not "a resolution of the Council"
    if head and j + 1 < len(tokens) and tokens[j].lower == "in" and tokens[j + 1].text[:1].isupper():
        j += 1  # T28: "The Security Council in New York was called into session": where it sits, then its verb
        while j < len(tokens) and j < m.tok_end + 5 and tokens[j].text[:1].isupper() and tokens[j].text.isalpha():
            j += 1
        if _finite_after(tokens, j):
            return True
    k = m.tok_start - 1
    if k >= 0 and tokens[k].lower == "the":
        k -= 1
    if k >= 0 and tokens[k].lower in {"to", "with", "before"} and \
            any(tokens[j].lower in _RECOURSE for j in range(max(0, k - 5), k)):
        return True
    if k >= 0 and tokens[k].lower == "at":
        # "At the OAS in Washington, the Permanent Council spent two nights ...": the organ is the body's
        j = m.tok_end
        while j < len(tokens) and j < m.tok_end + 12 and tokens[j].text not in {".", ";"}:
            if tokens[j].lower in _ORGAN_HEADS and tokens[j].text[:1].isupper() and \
                    _finite_after(tokens, j + 1):
                return True
            j += 1
    return False


_OFFICERS = {"secretary-general", "secretary", "president", "chairman", "chair", "envoy", "representative",
             "commissioner", "director-general", "spokesman", "spokeswoman", "panel", "leaders", "ambassadors",
             "mission", "observers", "delegation", "general"}  # "Secretary - General": three tokens


def _officer_acts(tokens: list[Token], m: Mention) -> bool:
    """T28 (``body_subjects``): a body named once acts through an organ or officer that is the subject of a
    verb ("the African Union's Peace and Security Council adopted", "AU panel ... led", "the Secretary-General
    of NATO, Lord Carrington, offered"), or is the auspices talks are held under ("under UN auspices")."""
    n, j = len(tokens), m.tok_end
    before = [tokens[k].lower for k in range(max(0, m.tok_start - 3), m.tok_start)]
    if (j < n and tokens[j].lower == "auspices") or before[-2:] == ["auspices", "of"] or \
            before == ["auspices", "of", "the"]:
        return True
    if j < n and tokens[j].lower in {"'s", "’s"}:
        j += 1
    k = j
    while k < n and k < j + 5 and (tokens[k].text[:1].isupper() or tokens[k].lower == "and"):
        k += 1
    if k > j and (tokens[k - 1].lower in _ORGAN_HEADS | _OFFICERS) and _finite_after(tokens, k):
        return True
    if j < n and tokens[j].lower in _OFFICERS and _finite_after(tokens, j + 1):
        return True  # "the AU panel led", "NATO ambassadors held"
    q = m.tok_start - 1 - (1 if m.tok_start >= 1 and tokens[m.tok_start - 1].lower == "the" else 0)
    if q >= 1 and tokens[q].lower == "of" and tokens[q - 1].lower in _OFFICERS | _ORGAN_HEADS:
        e = m.tok_end
        if e < n and tokens[e].text == ",":  # "the Secretary-General of NATO, Lord Carrington, offered"
            e = next((r + 1 for r in range(e + 1, min(n, e + 6)) if tokens[r].text == ","), e)
        return _finite_after(tokens, e)
    return False


def _subject_of_verb(tokens: list[Token], i: int) -> bool:
    """T23: the mention ending before ``i`` heads or joins the subject of a verb ("Spain and Morocco quarrelled",
    "the Syrians and Iraqis stayed silent"): over a coordination of capitalised names to the verb."""
    j, n = i, len(tokens)
    while j < n and j < i + 8 and (tokens[j].lower in {"and", ",", "the"} or tokens[j].text[:1].isupper()):
        j += 1
    return _finite_after(tokens, j)


def _after_place_prep(tokens: list[Token], i: int) -> bool:
    """T23: the coordination holding the mention at ``i`` follows a place preposition ("flights from Dubai and
    Lebanon carried ..."): the names are where something comes from, not the verb's subject."""
    k = i - 1
    while k >= 0 and i - k < 8 and (tokens[k].lower in {"and", ",", "the"} or tokens[k].text[:1].isupper()):
        k -= 1
    return k >= 0 and tokens[k].lower in _PLACE_PREPS


def _bound_state(tokens: list[Token], i: int) -> bool:
    """T23: a state named once after "of", "with" or "in" is bound to something the text is about (an office,
    "the President of Finland"; a partner, "the alliance with China"; a deployment, "forces in Belarus"):
    T6/T16 judge those readings, the idle-state rule leaves them alone."""
    k = i - 1
    if k >= 0 and tokens[k].lower == "the":
        k -= 1
    return k >= 0 and tokens[k].lower in {"of", "with", "in"}


def _where(tokens: list[Token], i: int) -> bool:
    """T16: "forces in Belarus", "inside Syria": where something happens or stands (a state whose ground is
    the scene stays an actor), as against where people or goods come from or go to."""
    k = i - 1
    while k >= 0 and (tokens[k].lower in {"and", "or", ",", "the"} or (tokens[k].text[:1].isupper() and
                                                                     tokens[k].text.isalpha())):
        k -= 1
    return k >= 0 and tokens[k].lower in {"in", "inside", "within", "throughout", "across", "on", "at"}


def _listed_place(tokens: list[Token], i: int, states: set[int]) -> bool:
    """T16: "from Syria and Lebanon", "to Iraq, Turkey or Egypt": a state listed after a place preposition
    with other states (``states``: where state names start; "Within the Union, Britain ..." is no list)."""
    k = i - 1
    for _ in range(6):
        if k < 1 or tokens[k].lower not in {"and", "or", ","}:
            return False
        k -= 1
        while k >= 0 and tokens[k].text[:1].isupper() and tokens[k].text.isalpha() and tokens[k].lower != "the":
            k -= 1
        if k + 1 not in states:
            return False
        if k >= 0 and tokens[k].lower == "the":
            k -= 1
        if k >= 0 and tokens[k].lower in _PLACE_PREPS:
            return True
    return False


def _slug(words: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")
    return (s or "x")[:60]


def _clause_bounds(tokens: list[Token], s_tok: int, e_tok: int, i: int) -> tuple[int, int]:
    """Token range of the clause holding token ``i`` (split at , ; : and dashes)."""
    a = i
    while a > s_tok and tokens[a - 1].text not in {",", ";", ":", "-", "–", "—"}:
        a -= 1
    b = i
    while b < e_tok and tokens[b].text not in {",", ";", ":", "–", "—"}:
        b += 1
    return a, b


# ---------------------------------------------------------------- the extractor


# rules6: verbs whose subject is not the subject of the clause they report ("Kosovo said gunmen attacked").
_BARRIER_VERBS = _REPORTING_VERBS | {"warned", "claimed", "alleged", "accused", "denied", "reported", "feared",
                                     "suspected", "believed", "argued", "suggested", "added", "noted"}
# Words that may stand between a reporting verb and the reported verb without being the reported clause's
# own subject ("said that it would", "said on Monday it had"): everything else is a subject of its own.
_REPORT_GLUE = {"that", "it", "they", "he", "she", "we", "had", "has", "have", "would", "will", "could", "might",
                "was", "were", "is", "are", "be", "been", "not", "also", "then", "and", "but", "later", "soon",
                "now", "already", "still", "again", "never", "on", "in", "at", "last", "this", "next", "early",
                "late", ",", "\"", "“", "”", "'", "its", "their", "to"}
# Head nouns of a subject a state's demonym can lead ("Serb gunmen attacked", "dozens of Russian troops
# crossed"): armed men, officials and machines that act for a side.
_SUBJECT_NOUNS = {"gunmen", "troops", "soldiers", "forces", "force", "police", "policemen", "officers", "guards",
                  "guard", "militiamen", "fighters", "commandos", "marines", "paratroopers", "sailors", "pilots",
                  "jets", "aircraft", "warplanes", "planes", "bombers", "drones", "helicopters", "warships", "ships",
                  "vessels", "boats", "submarines", "artillery", "tanks", "units", "unit", "patrols", "patrol",
                  "gendarmes", "diplomats", "officials", "negotiators", "envoys", "authorities", "leaders",
                  "ministers", "delegation", "delegates", "government", "army", "navy", "military", "agents",
                  "intelligence", "cabinet", "administration", "leadership", "regime", "junta", "gunboats",
                  "frigates", "destroyers", "batteries", "infantry", "airmen", "militia", "militias", "security"}
# Modifiers between the demonym and the head ("special forces", "coast guard vessels", "border guards").
_SUBJECT_MODIFIERS = {"special", "coast", "border", "security", "armed", "naval", "navy", "air", "military",
                      "government", "fighter", "combat", "regular", "elite", "riot", "fisheries", "defence",
                      "defense", "police", "army", "marine", "patrol", "reserve", "frontier", "masked", "local",
                      "senior", "foreign", "ministry", "intelligence", "warplanes"}
# rules6: verbs whose object noun names the act ("launched an offensive", "imposed a blockade").
_LIGHT_VERBS = {"launched", "launches", "began", "begun", "started", "mounted", "staged", "conducted", "carried",
                "imposed", "imposes", "issued", "issues", "made", "makes", "delivered", "opened", "ordered",
                "declared", "announced", "unveiled", "presented", "tabled", "submitted", "extended", "renewed",
                "resumed", "stepped", "escalated", "intensified", "lodged", "filed", "signed", "concluded"}
_LED = {"flagged", "registered",  # T27: "the British-flagged tanker" is not Britain
        "led", "backed", "based", "sponsored", "supported", "allied", "brokered", "controlled", "funded", "owned",
        "run", "installed", "occupied", "administered", "aligned", "friendly", "dominated", "held"}
_TITLE_WORDS_OBJ = {"president", "prime", "minister", "premier", "chancellor", "foreign", "defence", "defense",
                    "secretary", "leader", "king", "emir", "envoy", "ambassador", "general", "spokesman",
                    "spokeswoman", "negotiator", "adviser", "advisor", "chief", "deputy", "vice", "senator",
                    "governor", "commander", "former", "interior", "finance", "fisheries", "trade"}
_IRREGULAR_PAST = {"struck", "sank", "shot", "fought", "met", "sent", "took", "gave", "made", "held", "broke", "hit",
                   "led", "left", "flew", "began", "brought", "withdrew", "threw", "drove", "came", "went", "stood",
                   "sought", "won", "lost", "overran", "stormed", "blew", "tore", "rejected", "cut", "put", "set",
                   "said", "told", "says", "spent", "wrote", "spoke", "chose", "kept", "paid", "fell", "rose", "saw",
                   "knew", "thought", "bought", "caught", "taught", "felt", "sat", "ran", "got"}
_SKIP_BEFORE_VERB = {"had", "has", "have", "then", "also", "later", "again", "first", "soon", "reportedly",
                     "allegedly", "apparently", "twice", "once", "still", "already"}


# T28: "the Sea of Japan", "the Gulf of Thailand": a state's name inside a place's name
_GEO_HEADS = {"Sea", "Gulf", "Bay", "Strait", "Straits", "Isle", "Lake", "Cape", "Channel", "Mount", "Plain",
              "Desert", "Sound", "Bight"}
# T28: "the Brasilia Presidential Act", "the Minsk agreements": a capital naming a document
_DOCUMENT_HEADS = {"act", "accord", "accords", "agreement", "agreements", "declaration", "protocol", "protocols",
                   "treaty", "communique", "communiqué", "convention", "charter", "memorandum", "format", "process"}


def _document_after(tokens: list[Token], i: int) -> bool:
    """T28: the document head right after a city's name, or after one capitalised word ("Brasilia Presidential
    Act"; "Tashkent Declaration"; "the Minsk agreements")."""
    n = len(tokens)
    if i < n and tokens[i].lower in _DOCUMENT_HEADS and (tokens[i].text[:1].isupper() or tokens[i].lower not in
                                                          {"act", "process", "format", "charter", "convention"}):
        return True  # not "would Islamabad act against ...": a verb
    return i + 1 < n and tokens[i].text[:1].isupper() and tokens[i].text.isalpha() and \
        tokens[i + 1].lower in _DOCUMENT_HEADS and tokens[i + 1].text[:1].isupper()


# T28: words after "the <Adjective>" that make it a noun ("the Chinese saying", "the French would not")
_DEMONYM_VERBS = {"saying", "said", "say", "says", "had", "have", "has", "were", "are", "would", "will", "could",
                  "did", "do", "refused", "agreed", "replied", "insisted", "declined", "themselves", "also"}


def _venue_cue(cue: str) -> bool:
    """rules6: a public cue that names only where or how parties met ("talks in Brussels", "the
    negotiations", "delegations"), not that the act was done in the open (a press conference, a
    televised address)."""
    low = cue.lower()
    return bool(re.fullmatch(r"(?:the )?(?:meeting|talks|negotiations|summit) in \S+|the (?:talks|negotiations)|"
                             r"delegations|negotiations were held", low))


def _content_between(tokens: list[Token], a: int, b: int) -> bool:
    """A word in tokens a..b other than _REPORT_GLUE, capitalised words and -ly adverbs: a subject of its own."""
    if any(tokens[k].text in {",", ";", ":", "(", ")"} or tokens[k].lower in {"and", "but", "or"}
           for k in range(a, b)):
        return False  # "declared that X had refused, announced sanctions", "answered ... and accepted": one subject
    return any(tokens[k].text.isalpha() and tokens[k].text.islower() and tokens[k].lower not in _REPORT_GLUE
               and tokens[k].lower not in _BARRIER_VERBS and not tokens[k].lower.endswith("ly") for k in range(a, b))


def _finite_head(tokens: list[Token], cue: int) -> bool:
    """rules6: the cue opens with a verb in the past or after an auxiliary ("attacked", "had struck"), not a
    noun a verbal phrase happens to list ("announced a maritime exclusion zone")."""
    w = tokens[cue].lower
    prev = tokens[cue - 1].lower if cue else ""
    return w.endswith("ed") or w in _IRREGULAR_PAST or prev in {"had", "has", "have", "would", "will", "did"}


# People and bodies who act for no side a text names unless a demonym or possessive says whose they are.
_UNNAMED_HEADS = _SUBJECT_NOUNS - {"government", "army", "navy", "military", "cabinet", "administration",
                                   "leadership", "regime", "junta", "security", "intelligence", "force"} | {
    "senators", "lawmakers", "legislators", "protesters", "demonstrators", "residents", "villagers", "fishermen",
    "students", "settlers", "activists", "critics", "analysts", "observers", "experts", "journalists",
    "reporters", "crowds", "rioters", "assailants", "attackers", "militants", "rebels", "insurgents", "men",
    "people", "witnesses", "sources", "aides", "advisers", "advisors", "participants", "mediators"}


def _unnamed_subject(tokens: list[Token], cue: int, s_tok: int, ment_at: dict) -> bool:
    """rules6: the words right before the verb are a noun phrase of people or forces that names no actor
    ("Gunmen attacked", "47 senators sent", "Diplomats in Brussels said", "Residents who had returned
    spent"): no determiner that points back to an actor ("its", "their", "his", "her") and no actor inside.
    Looks back over the noun phrase and one short post-modifier ("in Brussels", "familiar with the talks")."""
    k = cue - 1
    while k > s_tok and (tokens[k].lower in _SKIP_BEFORE_VERB or (
            tokens[k].lower.endswith("ly") and tokens[k].text.islower() and len(tokens[k].text) > 4)):
        k -= 1
    if k > s_tok and tokens[k].text.isalpha() and tokens[k].text.islower() and tokens[k].lower.endswith("s") and \
            not tokens[k].lower.endswith(("ss", "us", "is")) and k not in ment_at:
        # "Arab oil producers imposed", "Houthi fighters fired": a group named by a word the gazetteer does not
        # know (a capitalised modifier that is no actor) acts for nobody the text names
        j = k - 1
        while j > s_tok and k - j <= 3 and tokens[j].text.isalpha() and tokens[j].text.islower():
            j -= 1
        if j >= s_tok and j not in ment_at and tokens[j].text[:1].isupper() and tokens[j].text.isalpha() and \
                tokens[j].lower not in {"the", "a", "an", "its", "their", "his", "her", "some", "many", "several"} \
                and (j == s_tok or not tokens[j - 1].text[:1].isupper()) and (j - 1 not in ment_at) and \
                (j == s_tok or tokens[j - 1].lower not in {"its", "their", "his", "her", "'s", "’s"}) and \
                not (j - 2 >= s_tok and tokens[j - 1].lower in {"and", "of"} and j - 2 in ment_at):
            return True  # (not "the United States and its partners", "Russia and Western states")
    head = None
    for j in range(k, max(s_tok - 1, k - 6), -1):
        if j in ment_at or tokens[j].text in {",", ";", ":", "(", ")", '"', "“", "”"}:
            return False
        if tokens[j].lower in _UNNAMED_HEADS:
            head = j
            break
        if tokens[j].lower in {"that", "which", "and", "or", "but"}:
            return False
    if head is None or not (head == k or tokens[head + 1].lower in {"in", "at", "from", "familiar", "close",
                                                                     "who", "on", "with"}):
        return False
    q = head - 1
    while q >= s_tok and (tokens[q].text.isdigit() or tokens[q].lower in _NUMBER_WORDS or tokens[q].lower in
                          _SUBJECT_MODIFIERS | {"some", "several", "many", "dozens", "hundreds", "of", "a", "the",
                                                "few", "two", "three", "group", "unidentified", "unnamed", "western",
                                                "foreign", "senior", "other", "about", "around", "armed", "masked"}):
        q -= 1
    if q >= s_tok and (q in ment_at or tokens[q].lower in {"its", "their", "his", "her", "'s", "’s"}):
        return False  # "its diplomats", "Iran's officials"
    if tokens[q + 1].lower in {"the", "a", "some", "several", "many", "two", "three", "dozens", "hundreds"} and \
            q >= s_tok and tokens[q].lower not in _OBJECT_PREPS | {"by", "that"} and \
            not (tokens[q].text.islower() and tokens[q].lower.endswith("ed")):
        return True  # "in the organisation's 45 years the ministers ended": a full noun phrase opens the clause
    return q < s_tok or not tokens[q].text.isalpha() or (tokens[q].text.islower() and tokens[q].lower in {
        "and", "but", "then", "when", "after", "before", "as", "while", "that", "because", "since", "until"})


def _relative_antecedent(tokens: list[Token], comma: int, s_tok: int, ment_at: dict) -> Mention | bool | None:
    """rules6: the actor right before ", which/who ... ," that closes at token ``comma`` (None when the noun
    before it is no actor; False when ``comma`` closes no relative clause)."""
    for k in range(comma - 1, max(s_tok, comma - 30), -1):
        if tokens[k].text in {";", ":", "(", ")"}:
            return False
        if tokens[k].text == ",":
            if k + 1 < comma and tokens[k + 1].lower in {"which", "who"} and k - 1 >= s_tok:
                ante = ment_at.get(k - 1)
                return ante if ante is not None and ante.actor else None
            return False
    return False


def _noun_phrase_subject(tokens: list[Token], cue: int, s_tok: int, ment_at: dict) -> Mention | None:
    """rules6: "Serb gunmen attacked Kosovo police", "dozens of Russian troops crossed", "heavily armed
    Indian soldiers fired": a demonym leading the noun phrase right before an active verb is the
    subject's side, whatever precedes the noun phrase (a quantity, "a group of", an adjective), so the
    object named after the verb is never taken for the actor."""
    k = cue - 1
    while k > s_tok and (tokens[k].lower in _SKIP_BEFORE_VERB or (
            tokens[k].lower.endswith("ly") and tokens[k].text.islower() and len(tokens[k].text) > 4)):
        k -= 1
    if k <= s_tok or tokens[k].lower not in _SUBJECT_NOUNS or not tokens[k].text.islower():
        return None
    j = k - 1
    while j > s_tok and cue - j <= 6 and tokens[j].text.islower() and tokens[j].lower in _SUBJECT_MODIFIERS | \
            _SUBJECT_NOUNS and j not in ment_at:
        j -= 1
    adj = ment_at.get(j)
    if adj is None or adj.tok_end != j + 1 or not adj.rule.startswith("adjective") or not adj.actor:
        return None
    if adj.tok_start > 0 and tokens[adj.tok_start - 1].text in {"-", "–"}:
        return None
    return adj


# T27: verbs that cancel, suspend or break off a relation, and the relations they act on
_CANCEL_WORDS = {"cancelled", "canceled", "cancel", "cancels", "cancelling", "canceling", "suspended", "suspend",
                 "suspends", "suspending", "froze", "freeze", "freezes", "freezing", "frozen", "scrapped", "scrap",
                 "scraps", "scrapping", "postponed", "postpone", "postpones", "postponing", "shelved", "halted",
                 "halt", "halts", "halting", "abandoned"}
_OFF_VERBS = {"called", "call", "calls", "calling", "broke", "break", "breaks", "breaking", "broken", "cut", "cuts",
              "cutting"}
_RELATION_NOUNS = {"visit", "visits", "meeting", "meetings", "talks", "summit", "summits", "contacts", "contact",
                   "cooperation", "co-operation", "dialogue", "ties", "relations", "negotiations", "consultations",
                   "trip", "exchanges", "hotline", "session", "round", "conference"}


def _cancel_at(tokens: list[Token], k: int) -> bool:
    """A cancelling verb at token ``k``: "cancelled", "suspending", "called off", "broke off"."""
    w = tokens[k].lower
    return w in _CANCEL_WORDS or (w in _OFF_VERBS and k + 1 < len(tokens) and tokens[k + 1].lower == "off")


def _cancelled_relations(tokens: list[Token], s_tok: int, e_tok: int, c0: int, c1: int) -> bool:
    """T27: a meeting or relations cue governed by a cancelling verb is a cut in relations, not a contact:
    "cancelled a visit to Turkey", "was suspending military contacts with", "cancelled a planned meeting
    with"; and a cancelling cue whose object or passive subject is a meeting: "called off the summit", "a planned
    summit in Juba ... was called off by Khartoum", "talks were suspended"."""
    cue_words = {t.lower for t in tokens[c0:c1]}
    if cue_words & _RELATION_NOUNS or any(tokens[k].lower in _RELATION_NOUNS for k in range(c0, c1)):
        # the meeting noun is the cue: a cancelling verb up to four words before it (same clause) ...
        for k in range(c0 - 1, max(s_tok, c0 - 5) - 1, -1):
            if tokens[k].text in {",", ";", ":"} or tokens[k].lower in {"and", "but", "after", "before"}:
                break
            if _cancel_at(tokens, k) or (k > s_tok and _cancel_at(tokens, k - 1) and tokens[k].lower == "off"):
                return True
        # ... or after it, in the passive ("talks were suspended", "the visit was called off")
        k = c1
        if k < e_tok and tokens[k].lower in {"was", "were", "had", "has", "have", "is", "are"}:
            k += 1 + (k + 1 < e_tok and tokens[k + 1].lower == "been")
            return k < e_tok and _cancel_at(tokens, k)
        return False
    if not any(_cancel_at(tokens, k) for k in range(c0, c1)):
        return False
    # a cancelling cue ("called off"): its object after it, or the passive's subject before it
    if any(tokens[k].lower in _RELATION_NOUNS for k in range(c1, min(e_tok, c1 + 4))):
        return True
    if c0 - 1 >= s_tok and tokens[c0 - 1].lower in _PASSIVE_AUX | {"been"}:
        return any(tokens[k].lower in _RELATION_NOUNS for k in range(s_tok, c0))
    return False


_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"}
# T27: what is attacked or declared void in words, not by force
_POLICY_NOUNS = _DOCUMENTS | {"treaty", "protocol", "accord", "award", "decision", "policy", "policies", "ruling",
                              "verdict", "settlement", "compromise", "deal", "arrangement", "ceasefire", "truce",
                              "government's", "speech", "remarks", "plans", "proposals", "agreements", "treaties"}
_VOID_WORDS = {"void", "null", "invalid", "unenforceable", "inoperative", "illegal", "illegitimate", "dead", "defunct",
               "nonexistent", "non-existent", "lapsed"}
# finite verbs of a reported clause ("stood", "was", "had"): the report's content has its own verb
_FINITE_PAST = {"was", "were", "had", "stood", "would", "could", "did", "remained", "wanted", "intended", "planned",
                "saw", "bore", "made", "held", "meant", "sought", "knew", "felt", "thought", "went", "came"}
_PUBLISHED = {"statement", "statements", "recording", "recordings", "videotape", "video", "videos", "tape", "tapes",
              "footage", "photographs", "photos", "pictures", "images", "report", "transcript", "transcripts",
              "details", "figures", "data", "document", "documents", "text", "list", "map", "communique",
              "communiqué", "findings", "evidence", "audio"}
_REFUSAL_AUX = {"would", "will", "did", "does", "do", "could", "can", "should", "'ll"}
_REFUSAL_SUBJECTS = {"it", "he", "she", "they", "we", "i"}
_WARNING_VERBS = {"tolerate", "allow", "permit", "accept"}


def _refusal(tokens: list[Token], c1: int, e_tok: int,
             ment_at: dict[int, Mention]) -> tuple[str, set[str], int] | None:
    """T27: a report whose content is its own side's refusal ("said it would not attend", "says it will not
    abide by the ruling", "said it did not recognise the court's jurisdiction", "stated that there would be no
    dialogue") is a rejection; "would not tolerate/allow" a war is a warning (threaten). The content's subject
    must be a pronoun or actors (returned, checked against the reporter by the caller); "said no request was
    received" or "said the ship was not damaged" (no modal refusal) stay statements. Returns (type, subjects,
    the token after the refused verb)."""
    k = c1
    # "told Maduro (in private) that ...": the content starts after "that"
    for j in range(c1, min(e_tok, c1 + 8)):
        if tokens[j].lower == "that":
            k = j + 1
            break
        if tokens[j].text in {".", ";", '"', "“"}:
            break
    else:
        if k < e_tok and tokens[k].lower == "that":
            k += 1
    subjects: set[str] = set()
    j = k
    while j < min(e_tok, k + 5) and tokens[j].lower not in _REFUSAL_AUX:
        t = tokens[j]
        if j in ment_at:
            subjects.add(ment_at[j].actor)
        elif t.lower in _REFUSAL_SUBJECTS or t.lower in {"there", "the", "its", "his", "her", "their", "own",
                                                          "government", "country", "side"}:
            pass
        else:
            return None
        j += 1
    if j >= e_tok or tokens[j].lower not in _REFUSAL_AUX or j == k:
        return None
    if tokens[k].lower == "there":
        nxt = [tokens[i].lower for i in range(j + 1, min(e_tok, j + 3))]
        return ("reject", subjects, j + 3) if nxt == ["be", "no"] and tokens[j].lower in {"would", "will"} else None
    n = j + 1
    if n < e_tok and tokens[n].lower in {"not", "never", "n't"}:
        n += 1
    else:
        return None
    if n < e_tok and tokens[n].lower in {"ever", "again", "now", "yet"}:
        n += 1
    if n >= e_tok or not tokens[n].text.isalpha() or tokens[n].lower in {"be", "been", "have", "know", "only",
                                                                          "say", "comment", "expect"}:
        return None
    verb, nxt = tokens[n].lower, (tokens[n + 1].lower if n + 1 < e_tok else "")
    if (verb in _WARNING_VERBS - {"accept"} and tokens[j].lower in {"would", "will", "'ll"}) or \
            (verb == "rule" and nxt == "out") or verb in {"exclude", "hesitate"}:
        return "threaten", subjects, n + 1  # "would not tolerate", "did not rule out sending the army"
    if verb in _FORCE_WORDS or (verb, nxt) in _FORCE_PAIRS or verb in {"fight", "intervene"}:
        return "offer", subjects, n + 1  # "would not use force": a reassurance, not a refusal
    return "reject", subjects, n + 1


def _content_subject(tokens: list[Token], c1: int, e_tok: int, ment_at: dict[int, Mention],
                     stop: set[str]) -> tuple[int, set[str]] | None:
    """T27: where a reported clause's subject ends (the first word in ``stop``) and the actors it names; None
    when the subject is not a pronoun or actors ("said the ship was ...")."""
    k = c1
    for j in range(c1, min(e_tok, c1 + 8)):
        if tokens[j].lower == "that":
            k = j + 1
            break
        if tokens[j].text in {".", ";", '"', "“"}:
            break
    subjects: set[str] = set()
    j = k
    while j < min(e_tok, k + 5) and tokens[j].lower not in stop:
        if j in ment_at:
            subjects.add(ment_at[j].actor)
        elif tokens[j].lower not in _REFUSAL_SUBJECTS | {"the", "its", "his", "her", "their", "own", "government",
                                                          "country", "side"}:
            return None
        j += 1
    return (j, subjects) if j < e_tok and j > k and tokens[j].lower in stop else None


_WISH_VERBS = {"wants", "wanted", "want"}
_EXPECT_VERBS = {"expected", "expects", "expect"}


def _wish(tokens: list[Token], c1: int, e_tok: int, ment_at: dict[int, Mention], told: bool) -> set[str] | None:
    """T27: a report of what its own side wants of another ("the Pentagon has said it wants the aircraft back";
    told both sides "that Beijing expected the oil to flow again") is a demand; "expected" only when the report
    is addressed to someone (told): "said it expected talks to resume" is a forecast. Returns the content's
    subjects (checked against the reporter by the caller), or None."""
    got = _content_subject(tokens, c1, e_tok, ment_at, _WISH_VERBS | (_EXPECT_VERBS if told else set()))
    if got is None:
        return None
    j, subjects = got
    tail = [tokens[i].lower for i in range(j + 1, min(e_tok, j + 8))]
    if "back" in tail or "to" in tail[1:] or (tail[:1] == ["the"] and "released" in tail):
        return subjects
    return None


_FORCE_HEADS = {"troops", "forces", "soldiers", "units", "formations", "battalions", "brigades", "divisions",
                "warships", "reservists", "reserves", "reinforcements", "tanks", "armour", "armor", "fleet",
                "army", "navy", "frigates", "destroyers", "jets", "aircraft", "regiments", "contingent"}
_FORCE_MOVES = {"sent": "mobilize", "moved": "mobilize", "deployed": "mobilize", "dispatched": "mobilize",
                "rushed": "mobilize", "redeployed": "mobilize", "mobilised": "mobilize", "mobilized": "mobilize",
                "massed": "mobilize", "brought": "mobilize", "placed": "mobilize", "put": "mobilize",
                "ordered": "mobilize", "withdrawn": "withdraw", "pulled": "withdraw", "demobilised": "demobilize",
                "demobilized": "demobilize", "stood": "demobilize"}


def _own_forces_at(tokens: list[Token], s_tok: int, aux: int, ment_at: dict[int, Mention]) -> str | None:
    """T27: the state whose forces are the subject ending right before the passive auxiliary at ``aux``:
    "Ecuadorean troops were", "Kosovo special police units were", "The armed forces of Greece were"."""
    k = aux - 1
    if k < s_tok or tokens[aux].lower not in _PASSIVE_AUX | {"been"}:
        return None
    if tokens[aux].lower == "been" and aux - 1 >= s_tok and tokens[aux - 1].lower in {"had", "have", "has"}:
        k = aux - 2
    if k >= s_tok and k in ment_at and k - 1 >= s_tok and tokens[k - 1].lower == "of" and \
            k - 2 >= s_tok and tokens[k - 2].lower in _FORCE_HEADS:
        return ment_at[k].actor  # "the armed forces of Greece were"
    if k < s_tok or tokens[k].lower not in _FORCE_HEADS:
        return None
    for j in range(k - 1, max(s_tok, k - 4) - 1, -1):  # the state's word before the head, over modifiers
        if j in ment_at:
            return ment_at[j].actor
        if not (tokens[j].text.isalpha() and tokens[j].text.islower()) or tokens[j].lower in _OBJECT_PREPS:
            return None
    return None


def _own_forces_moves(tokens: list[Token], tok_sent: list[int],
                      ment_at: dict[int, Mention]) -> list[tuple[int, str, int, int, str]]:
    """T27: "Ecuadorean troops were sent to the border", "Indian forces were moved towards the border",
    "Pakistani formations were brought forward", "the armed forces of Greece were placed in a state of alert":
    nobody but their own state moves a state's forces, so an agentless passive of a troop movement is that
    state's act (mobilize; "were withdrawn / pulled back": withdraw). Returns (sentence, actor, first token,
    end token, type)."""
    out = []
    for a in range(1, len(tokens) - 1):
        if tokens[a].lower not in _PASSIVE_AUX | {"been"}:
            continue
        v = a + 1
        if v < len(tokens) and tokens[v].lower.endswith("ly") and v + 1 < len(tokens):
            v += 1  # "were quickly moved"
        mtype = _FORCE_MOVES.get(tokens[v].lower)
        if mtype is None or tok_sent[v] != tok_sent[a]:
            continue
        s_tok = a
        while s_tok > 0 and tok_sent[s_tok - 1] == tok_sent[a]:
            s_tok -= 1
        actor = _own_forces_at(tokens, s_tok, a, ment_at)
        if actor is None or any(tokens[j].lower in {"if", "unless", "provided", "until", "whether", "would", "should",
                                                    "could"}
                                for j in range(s_tok, a)):
            continue  # "offering to negotiate if German forces were withdrawn": a condition, not an act
        nxt = tokens[v + 1].lower if v + 1 < len(tokens) else ""
        if tokens[v].lower in {"placed", "put"} and not any(
                tokens[j].lower in {"alert", "readiness"} for j in range(v + 1, min(len(tokens), v + 7))):
            continue  # "were placed under arrest": not a troop movement
        if tokens[v].lower == "brought" and nxt not in {"forward", "up", "in", "into", "to"}:
            continue
        if tokens[v].lower == "pulled" and nxt not in {"back", "out"}:
            continue
        if tokens[v].lower == "stood" and nxt != "down":
            continue
        if tokens[v].lower == "ordered" and nxt in {"not", "to"}:
            after = tokens[v + 2].lower if v + 2 < len(tokens) else ""
            if nxt == "not" or after in {"withdraw", "leave", "return", "retreat", "pull", "cease", "stop", "halt"}:
                mtype = "withdraw" if after in {"withdraw", "leave", "return", "retreat", "pull"} else ""
                if not mtype:
                    continue  # "were ordered not to fire", "ordered to cease fire": no movement
        if tokens[v].lower == "ordered" and nxt not in {"to", "into", "towards", "toward", "back", "home", "out"}:
            continue
        out.append((tok_sent[a], actor, a, v + 1, mtype))
    return out


class Extractor:
    """Compiles the gazetteer and cues once; :meth:`run` extracts from one text."""

    def __init__(self, backend: str | Backend = "auto", actors: str = "named", organs: str = "merge") -> None:
        from detente.errors import InputError

        if actors not in ("named", "participants"):
            raise InputError(f"unknown actor reading '{actors}' (use named or participants)", "draft",
                             field="actors")
        if organs not in ("merge", "split"):
            raise InputError(f"unknown organ reading '{organs}' (use merge or split)", "draft", field="organs")
        self.actor_mode = actors
        # T14 option: "named" (default) reads a city metonym ("Moscow", "Salisbury") as its state only when
        # the text also names the state by name, adjective or a person; "always" is the T13 reading
        self.city_metonyms = "named"
        # T14 option: drop a non-state body named in one sentence that never acts (default True)
        self.passing_bodies = True
        # T16 option: in the named reading, drop a state named only as a place that never acts (default True;
        # False is T6's named reading, which the participants reading already refined this way)
        self.place_states = True
        self.passive_legislatures = True  # T16 option: drop a legislature that never acts (default True)
        self.carry_subject = True  # T10 option: an agentless verb continues the last actor's story
        # rules6 option: a verb whose subject is a noun phrase naming no actor ("47 senators sent", "Diplomats
        # in Brussels said") gives no move (True, default); False is the earlier reading (the nearest actor
        # before it, or the last actor's story)
        self.unnamed_subjects = True
        # rules6 option: a report of a conditional commitment ("said it would return to talks if ...", "would not
        # stop until ...", "... was a precondition") is an offer or a demand, not a statement (default True)
        self.conditional_reports = True
        # rules6 option: a closed scene (T6) covers only moves of actors its cue's sentence names (True,
        # default); False covers every move in the scene as before
        self.scene_participants = True
        # rules6 option: an act noun that is the object of a light verb ("launched an offensive") is the act of
        # the verb's subject (True, default)
        self.light_verbs = True
        # rules6 option: drop drafted moves whose rule confidence is below this (0.0, default: keep all; T20
        # measured 0.65-0.8: precision up a little, recall and F1 down on every set)
        self.min_confidence = 0.0
        # rules6 option: "kept its mediation going": an act noun after "its/their" is the antecedent's (True)
        self.its_acts = True
        # T23 option: "own" names a legislature the text names by its own name after it ("Verkhovna Rada" ->
        # ukr_rada, as the gold files do); "generic" is the earlier <state>_legislature; T28 "noun" (default) is
        # "own" and names one called by a generic noun after the noun (grc_parliament, sdn_assembly)
        self.legislature_ids = "noun"
        # T28 options (detente.text.nonstate.find; DECISIONS T28), default True: a legislature acts through its
        # members and leaders; "<StateAdj> <People> rebels" is a group <state>_<people>; "the guarantors of the
        # <Name> Protocol" is a group; "the main opposition party, <Name>," names the opposition
        self.legislature_members = True
        self.ethnic_groups = True
        self.role_groups = True
        self.opposition_names = True
        # T28 option: a form of address is no office ("Mr Ales Bebler of Yugoslavia" is a national, not the
        # state; "Mr Harold Wilson" is the leader table's Harold Wilson) (default True)
        self.nationals = True
        # T28 option: "the Chinese saying ...", "the French had ...": a nationality adjective used as a noun is
        # the state, as its name would be (not a weak adjective mention) (default True)
        self.demonyms = True
        # T28 option: "President <Name>" whom no title, apposition or leader table ties to a state, in a text
        # that names prime ministers: "state" (default since LD1) reads them as the state named last in their
        # sentence or the two before, "separate" as <state>_president (a head of state who is not the
        # government: mkd_president in one gold file of 44; elsewhere it took the state's moves, e.g. an
        # Azerbaijani president beside an Armenian prime minister), "off" leaves them unknown (before T28)
        self.presidents = "state"
        # T28 option: a state's name inside a place's name ("the Sea of Japan") or a capital naming a document
        # ("the Brasilia Presidential Act", "the Minsk agreements") is no mention of the state (default True)
        self.place_names = True
        # T23 option: drop a state named in one sentence, by name only, that neither acts nor is acted on
        # ("flights from Lebanon", "Greece and Portugal also expelled diplomats" read as no move) (default True)
        self.idle_states = True
        # T23 option: a body named in one sentence as the subject of a verb ("the Arab League backed Rabat's
        # claim", "the court ordered the same") acts there: not a passing mention, even with no move cue (True)
        self.body_subjects = True
        # T23 option: a bare "the guerrillas/rebels" after the text's one curated armed group is that group (True)
        self.bare_groups = True
        # T27 options (moves round 8: general mechanisms behind lost moves; DECISIONS T27), each default True:
        # no moves drafted from a heading line or a bracketed editorial note (the body restates them)
        self.headings = True
        # "said it would not / did not <verb>": a reported refusal is a rejection, not a statement
        self.refusal_reports = True
        # "cancelled a visit", "suspending military contacts", "the summit was called off": reduce_relations
        self.relations_polarity = True
        # "released videotape / a statement": a publication (statement), not a release (concede)
        self.published_releases = True
        # "the two governments never agreed on a fee": a failure to agree is not each side's rejection
        self.mutual_failures = True
        # "contacts involving British, Swedish and Iranian officials": the parties a meeting noun lists
        self.meeting_parties = True
        # "... until Turkey apologises" (present tense): what is awaited is a condition, not an act
        self.until_conditions = True
        # "the Agreement was attacked by the opposition": words (statement); "declared the protocol void": reject
        self.verdicts = True
        # (refusal_reports also reads "said it wants the aircraft back" as a demand)
        # "an idea Britain rejected": the actor right before the verb of a reduced relative clause is its subject
        self.reduced_relatives = True
        # "with the Chinese side pressing for ...": the absolute clause's subject; "to Kosygin, the Soviet premier,":
        # an apposition to an object is an object too (not the antecedent of a later "he")
        self.absolute_with = True
        # "sent messages ... at the end of April urging a cease-fire": a participle after a date is the main clause's
        self.participle_dates = True
        self.appositive_objects = True
        # "said that X stood by its ally and called for calm": the second verb is the reporter's own act
        self.coordinated_acts = True
        # "said it was suspending contacts" (no "that"): the report is the vehicle of the act it reports, as
        # "said that it would ..." is (T17)
        self.bare_reports = True
        # "<State adjective> troops were sent / moved / deployed": the forces' own state moved them
        self.own_forces = True
        # T17 option: the learned second pass (detente.text.learned.MODES); see DECISIONS T17 for the default
        self.learned = "off"
        self._legislatures = {str(k).lower(): str(v) for k, v in
                              (load_cues().raw.get("legislatures") or {}).items()}
        self.organs = organs
        self.gaz: Gazetteer = load_gazetteer()
        self._adjectives = {(a.phrase.lower(), a.actor) for a in self.gaz.aliases if a.rule == "adjective"}
        self.cues: Cues = load_cues()
        self.backend = make_backend(backend) if isinstance(backend, str) else backend
        for alias in self.gaz.aliases:
            self.backend.add("A|" + self.gaz.key(alias), [alias.phrase], alias.case_sensitive)
        for mtype, phrases in self.cues.verbal.items():
            self.backend.add(f"V|{mtype}", phrases)
        for mtype, phrases in self.cues.nominal.items():
            if phrases:
                self.backend.add(f"N|{mtype}", phrases)
        raw = self.cues.raw
        for kind in ("closed", "public", "closed_act"):
            self.backend.add(f"C|{kind}", [x for p in raw["channels"][kind] for x in expand_gaps(str(p))])
        for level, phrases in raw["channels"]["levels"].items():
            self.backend.add(f"L|{level}", list(phrases))
        self.backend.add("U|head", list(raw["audiences"]["heads"]))
        for outcome, phrases in raw["outcomes"].items():
            self.backend.add(f"O|{outcome}", list(phrases))
        for k, spec in enumerate(raw["issues"]):
            fixed = [c for c in spec["cues"] if "{A}" not in c]
            if fixed:
                self.backend.add(f"I|{k}", fixed)
        self._issue_templates = raw["issues"]
        for head in self.gaz.institution_heads:
            self.backend.add("H|inst", [head])
        for word in ("by", "of", "'s", "’s"):
            self.backend.add("W|" + word, [word])

    # -- public

    def run(self, text: str) -> Extraction:
        sentences = split_sentences(text)
        if not sentences:
            return Extraction(text, [], self.backend.name, [], [], [], [], [], [])
        tokens, matches = self.backend.run(text)
        self._tokens = tokens
        self._unknown: list[Mention] = []
        self._dynamic: dict[str, GazActor] = {}  # actors found by mechanism (detente.text.nonstate), id -> GazActor
        self._represents: dict[str, str | None] = {}
        self._former: set[str] = set()  # T16: former leaders read as actors of their own
        self._former_roles: dict[str, str] = {}  # and the office each held ("the former president")
        self._places: list[Mention] = []  # capitals and seats read as places ("crowds in Yerevan")
        self._legislature_found: set[str] = set()  # ids of legislatures (detente.text.nonstate), T23
        by_kind: dict[str, list[Match]] = defaultdict(list)
        for m in matches:
            by_kind[m.key[0]].append(m)
        tok_sent = self._token_sentences(tokens, sentences)
        dropped: list[str] = []
        mentions = self._mentions(text, tokens, by_kind["A"], by_kind["H"], tok_sent, dropped)
        mentions = self._resolve_eras(mentions, dropped)
        mentions = self._short_forms(text, tokens, mentions, tok_sent)
        mentions = self._compass_forms(text, tokens, mentions, tok_sent)
        mentions = self._head_forms(text, tokens, mentions, tok_sent)
        mentions = self._titled_people(text, tokens, mentions, tok_sent)
        mentions = self._non_state(text, tokens, mentions, tok_sent)
        mentions = self._definite_institutions(text, tokens, mentions, tok_sent)
        actors = self._actors(text, sentences, mentions, dropped)
        known = {a.id for a in actors}
        mentions = [m for m in mentions if m.actor in known]
        channels = self._channels(text, sentences, by_kind["C"], by_kind["L"], mentions)
        issues = self._issues(text, sentences, tokens, by_kind["I"], mentions)
        moves = self._moves(text, sentences, tokens, tok_sent, by_kind["V"], by_kind["N"], mentions,
                            channels, issues)
        actors = self._participants(tokens, actors, moves, dropped)
        known = {a.id for a in actors}
        mentions = [m for m in mentions if m.actor in known]
        moves = [mv for mv in moves if mv.actor in known]
        if self.headings:
            heads = _heading_sentences(text, sentences)
            dropped += [f"move {mv.actor} {mv.type} '{mv.cue}' at {mv.evidence.start}: in a heading or editorial "
                        "note (T27)" for mv in moves if mv.sentence in heads]
            moves = [mv for mv in moves if mv.sentence not in heads]
        if self.min_confidence > 0:
            # rules6 option: say less but be right; the actors stay as read (DECISIONS T20 measures it)
            low = [mv for mv in moves if mv.confidence < self.min_confidence]
            dropped += [f"move {mv.actor} {mv.type} '{mv.cue}' at {mv.evidence.start}: confidence {mv.confidence} "
                        f"below min_confidence {self.min_confidence}" for mv in low]
            moves = [mv for mv in moves if mv.confidence >= self.min_confidence]
        for mv in moves:
            if mv.target is not None and mv.target not in known:
                mv.target = None
        self._cue_keys: dict[int, list[str]] = defaultdict(list)  # sentence -> cue keys (the learned pass)
        for m in matches:
            if m.key[0] in "VNC":
                self._cue_keys[_sentence_of(sentences, m.start)].append(m.key)
        if self.learned != "off":
            from detente.text.learned import augment

            moves = augment(text, sentences, actors, moves, channels, self._cue_keys, self.learned)
        audiences = self._audiences(text, sentences, tokens, by_kind["U"], mentions)
        claims = self._claims(text, sentences, by_kind["O"])
        return Extraction(text, sentences, self.backend.name, actors, moves, channels, audiences, issues,
                          claims, dropped, channel_sents=self._channel_sents)

    # -- actors

    @staticmethod
    def _token_sentences(tokens: list[Token], sentences: list[Sentence]) -> list[int]:
        out = []
        k = 0
        for t in tokens:
            while k + 1 < len(sentences) and t.start >= sentences[k + 1].start:
                k += 1
            out.append(k)
        return out

    def _after_locative(self, m: Mention) -> bool:
        """'met in Singapore', 'talks in Geneva': the place where parties meet."""
        q = m.tok_start - 1
        if q >= 0 and self._tokens[q].lower == "the":
            q -= 1
        if q < 1 or self._tokens[q].lower not in self.cues.locative:
            return False
        return any(self._tokens[k].lower in _MEETING_WORDS for k in range(max(0, q - 3), q))

    def _mentions(self, text: str, tokens: list[Token], alias_matches: list[Match], inst: list[Match],
                  tok_sent: list[int], dropped: list[str]) -> list[Mention]:
        inst_starts = {m.tok_start for m in inst}
        years = text_years(text)
        # Longest match wins; a place name ("Latin America") blocks the actor inside it.
        kept = longest_first(alias_matches)
        # Ambiguous surface forms (one phrase, several actors) resolve to the actor the text
        # names most often without ambiguity.
        per_span: dict[tuple[int, int], set[str]] = defaultdict(set)
        for m in alias_matches:
            per_span[(m.tok_start, m.tok_end)].add(m.key.split("|")[2])
        plain = Counter(next(iter(v)) for v in per_span.values() if len(v) == 1)
        out: list[Mention] = []
        for m in kept:
            _, rule, actor = m.key.split("|")
            if actor == "-":
                continue
            cands = per_span[(m.tok_start, m.tok_end)] - {"-"}
            if len(cands) > 1:
                actor = max(sorted(cands), key=lambda a: plain.get(a, 0))
            surface = text[m.start:m.end]
            if not any(ch.isupper() for ch in surface):
                continue  # "china", "turkey": common nouns, not names
            prev = tokens[m.tok_start - 1].lower if m.tok_start > 0 else ""
            if rule in ("capital", "metonym") and self.gaz.stale_capital(surface, years):
                dropped.append(f"'{surface}' at {m.start} no longer names a seat of government then: a city (T16)")
                continue
            if rule in ("capital", "metonym") and self._dateline(text, tokens, m):
                dropped.append(f"'{surface}' at {m.start} read as a dateline, not an actor")
                continue
            if (rule == "capital" and prev in self.cues.locative | {"a", "an"}) or (
                    rule == "metonym" and prev in self.cues.locative and surface[:1].isupper()):
                dropped.append(f"'{surface}' at {m.start} read as a place (after '{prev}')")
                self._places.append(Mention(actor, m.start, m.end, surface, rule, 0.0, tok_sent[m.tok_start],
                                            m.tok_start, m.tok_end))
                continue
            if rule in ("capital", "metonym") and prev == "the" and m.tok_start > 1 and \
                    tokens[m.tok_start - 2].lower in self.cues.locative | _PLACE_PREPS:
                dropped.append(f"'{surface}' at {m.start} read as a place (after '{tokens[m.tok_start - 2].lower} "
                               "the')")
                continue
            if self.place_names and rule in ("name", "alias") and m.tok_start >= 2 and prev == "of" and \
                    tokens[m.tok_start - 2].text in _GEO_HEADS:
                dropped.append(f"'{tokens[m.tok_start - 2].text} of {surface}' at {m.start} read as a place's name "
                               "(T28)")
                continue
            if self.place_names and rule in ("capital", "metonym") and _document_after(tokens, m.tok_end):
                dropped.append(f"'{surface} {tokens[m.tok_end].text}' at {m.start} read as a document's name (T28)")
                continue
            if rule == "person" and m.tok_end < len(tokens) and tokens[m.tok_end].text in _NAMED_PLACE_HEADS:
                dropped.append(f"'{surface} {tokens[m.tok_end].text}' at {m.start} read as a place named after "
                               "a person")
                continue
            if rule in ("name", "alias") and m.tok_start >= 2 and m.tok_end < len(tokens) and \
                    tokens[m.tok_end].text == "," and tokens[m.tok_start - 2].text == "," and \
                    tokens[m.tok_start - 1].text.istitle() and tokens[m.tok_start - 1].text.isalpha() and \
                    tokens[m.tok_start - 1].lower not in _PLACE_WORDS and \
                    not any(x.tok_end == m.tok_start for x in alias_matches):
                # T14: "the chief of staff, Hamilton Jordan, met": a first name before a state's name in an
                # apposition makes a person's name
                dropped.append(f"'{tokens[m.tok_start - 1].text} {surface}' at {m.start} read as a person")
                continue
            if rule == "adjective" and m.tok_end in inst_starts:
                rule = "adjective+institution"
            elif rule == "adjective" and self.demonyms and prev == "the" and m.tok_end < len(tokens) and (
                    tokens[m.tok_end].text in {".", ";", ":"} or tokens[m.tok_end].lower in _DEMONYM_VERBS
                    or _finite_after(tokens, m.tok_end)):
                rule = "alias"  # T28: "the Chinese saying they could not pass it on": the people, for their state
            organ_of = self.gaz.actors[actor].organ_of
            if organ_of and self.organs == "merge":
                actor = organ_of  # T6: the gold files' reading; --organs split keeps the organ
            conf = RULE_CONFIDENCE.get(rule, 0.7)
            out.append(Mention(actor, m.start, m.end, surface, rule, conf, tok_sent[m.tok_start],
                               m.tok_start, m.tok_end))
        return out

    @staticmethod
    def _dateline(text: str, tokens: list[Token], m: Match) -> bool:
        """'KYIV, March 3 (Reuters) -', 'BRUSSELS -': a city opening a paragraph, then a date, an
        agency or a dash, says where the report was filed."""
        line_start = text.rfind("\n", 0, m.start) + 1
        if text[line_start:m.start].strip(" \t\"'(") :
            return False
        nxt = [t.text for t in tokens[m.tok_end:m.tok_end + 8]]
        if not nxt or nxt[0] not in {",", "(", "-", "–", "—", ":"}:
            return False
        if nxt[0] in {"-", "–", "—"}:
            return True  # "BRUSSELS - The EU ..."
        if nxt[0] == "," and len(nxt) > 1 and re.fullmatch(r"1[89]\d\d|20\d\d", nxt[1]):
            return True  # "Vienna, 2015: how ..."
        return any(w in _DATELINE_WORDS or w in {"-", "–", "—"} for w in nxt[1:])

    def _short_forms(self, text: str, tokens: list[Token], mentions: list[Mention],
                     tok_sent: list[int]) -> list[Mention]:
        """After "Kim Jong Un" or "Moon Jae-in" the text says "Kim", "Moon": a multi-word person
        name found in this text lends its first word to the same actor (unless two actors' people
        would share it)."""
        forms: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            if m.rule == "person" and " " in m.text:
                head = m.text.split()[0]
                if len(head) >= 3 and head[0].isupper() and head.lower() not in _BEFORE_SUBJECT:
                    forms[head].add(m.actor)
        forms = {f: a for f, a in forms.items() if len(a) == 1}
        if not forms:
            return mentions
        from detente.text.matching import PurePythonBackend

        local = PurePythonBackend()
        for form, actors in forms.items():
            local.add(next(iter(actors)), [form], case_sensitive=True)
        at_start = {tk.start: i for i, tk in enumerate(tokens)}
        taken = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
        out = list(mentions)
        for hit in local.run(text)[1]:
            i = at_start.get(hit.start)
            if i is None or i in taken or tokens[i].end != hit.end:
                continue
            if i + 1 < len(tokens) and tokens[i + 1].text[:1].isupper() and tokens[i + 1].text.isalpha() and \
                    tokens[i + 1].start == tokens[i].end + 1:
                continue  # T16: "Kim Young Sam" is not "Kim" of "Kim Il Sung": the first word of another name
            out.append(Mention(hit.key, hit.start, hit.end, text[hit.start:hit.end], "person",
                               RULE_CONFIDENCE["person"], tok_sent[i], i, i + 1))
        return sorted(out, key=lambda m: m.tok_start)

    @staticmethod
    def _compass_forms(text: str, tokens: list[Token], mentions: list[Mention], tok_sent: list[int]) -> list[Mention]:
        """T10: after "North Korea" or "South Sudan" the text says "the North", "the South": the one
        state named in this text with that compass word. Not "the North Korean ..." (an adjective) and
        not when two named states share the word."""
        by_word: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            first = m.text.split()[0] if m.text else ""
            if first in {"North", "South", "East", "West"} and " " in m.text and m.rule in ("name", "alias"):
                by_word[first].add(m.actor)
        # not "the North Korean leader", "the South China Sea"
        return _the_short_forms(text, tokens, mentions, tok_sent, by_word, lambda nxt: nxt.text[:1].isupper())

    def _head_forms(self, text: str, tokens: list[Token], mentions: list[Mention],
                    tok_sent: list[int]) -> list[Mention]:
        """T14: after "the European Union" or "the Arab League" the text says "the Union", "the League": the
        one organisation or bloc named in this text whose name ends with that capitalised head word."""
        by_word: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            g = self._info(m.actor)
            if g.kind == "state" or m.rule not in ("name", "alias"):
                continue
            for name in (m.text, g.name):
                words = name.split()
                if len(words) >= 2 and words[-1] in _HEAD_WORDS:
                    by_word[words[-1]].add(m.actor)
        # not "the Union Jack", "the Council of Europe"
        return _the_short_forms(text, tokens, mentions, tok_sent, by_word,
                                lambda nxt: nxt.text[:1].isupper() or nxt.lower == "of")

    def _titled_people(self, text: str, tokens: list[Token], mentions: list[Mention],
                       tok_sent: list[int]) -> list[Mention]:
        """People found by title or apposition (detente.text.people): a resolved one is a mention of
        its actor; an unknown one blocks attribution past it (``self._unknown``)."""
        from detente.text.people import definite_descriptions, find_people, surname_mentions

        self._token_sentences_cache = tok_sent
        named = [(m.tok_start, m.actor) for m in mentions if self._info(m.actor).kind == "state" and
                 m.rule in ("name", "alias", "adjective", "adjective+institution") and
                 not (m.tok_start and tokens[m.tok_start - 1].lower in _PLACE_PREPS)]
        if self.nationals:
            from detente.text.people import nationality_mentions, office_appositions

            national = nationality_mentions(tokens, mentions,  # T28: "Mr Bebler of Yugoslavia"
                                            acts=lambda i: _finite_after(tokens, i))  # H16: not "Mr X of Y said"
            mentions = [m for m in mentions if m.tok_start not in national]
            held = office_appositions(tokens, mentions)  # T28: "the Secretary-General of NATO, Lord Carrington,"
            mentions = [m if m.tok_start not in held else Mention(held[m.tok_start], m.start, m.end, m.text, m.rule,
                                                                  m.confidence, m.sentence, m.tok_start, m.tok_end)
                        for m in mentions]
        people = find_people(tokens, mentions, tok_sent, named, honorifics=self.nationals)
        if self.presidents != "off":
            from detente.text.people import context_presidents

            states = [(m.tok_start, m.actor) for m in [*mentions, *self._places] if self._info(m.actor).kind == "state"]
            adj_ends = {m.tok_end - 1 for m in mentions if m.rule.startswith("adjective")}
            people, made = context_presidents(tokens, people, states, tok_sent, self.presidents == "separate",
                                              adj_ends)
            for fid, (name, state) in made.items():
                self._dynamic.setdefault(fid, GazActor(fid, name, "faction"))
                self._represents[fid] = state
        taken = {t for m in mentions for t in range(m.tok_start, m.tok_end)}
        spans: list[tuple[int, int, str | None]] = [(p.tok_start, p.tok_end, p.actor) for p in people]
        spans += [(k, k + 1, a) for k, a in surname_mentions(tokens, people, taken)]
        roles = {m.tok_start: self.gaz.actors[m.actor].people.get(m.text, "") for m in mentions if m.rule == "person"}
        taken |= {t for a, b, _ in spans for t in range(a, b)}
        own = self._speaker_states(tokens, spans, mentions)
        spans = [(a, b, actor if actor is not None else own.get(tokens[b - 1].text)) for a, b, actor in spans]
        mentions, spans = self._former_leaders(tokens, mentions, spans)  # T16 (detente.text.people)
        gaz_people = [(m.tok_start, m.actor, self._former_roles.get(m.actor) or roles.get(m.tok_start, ""))
                      for m in mentions if m.rule == "person"]
        focus = [(m.tok_start, m.actor) for m in mentions if self._info(m.actor).kind == "state" and
                 m.rule != "adjective" and not (m.tok_start and tokens[m.tok_start - 1].lower in _PLACE_PREPS)]
        spans += definite_descriptions(tokens, people, gaz_people, taken, tok_sent, focus, self._former)
        out = list(mentions)
        self._unknown = []
        for a, b, actor in spans:
            start, end = tokens[a].start, tokens[b - 1].end
            m = Mention(actor or "", start, end, text[start:end], "person", 0.8, tok_sent[a], a, b)
            (out if actor is not None else self._unknown).append(m)
        return sorted(out, key=lambda m: m.tok_start)

    def _former_leaders(self, tokens: list[Token], mentions: list[Mention],
                        spans: list[tuple[int, int, str | None]]) -> tuple[list[Mention], list]:
        """T16: a person of the gazetteer whom the leader table puts in another state's office in the text's
        years is that state's ("Johnson" in 1965); a head of state or government out of office in every
        year the text mentions ("Carter" in 1994) acts for no state: an actor of their own (kind
        ``other``), kept only if they act."""
        from detente.text.leaders import ascii_fold, text_years
        from detente.text.people import dated_state, former_leader, spelled

        years = text_years(tokens)
        if not years:
            return mentions, spans

        def own_id(name: str, role: str) -> str | None:
            if "later" in role:
                return None  # the gazetteer knows a later office ("president, later deputy chair ...")
            lead = former_leader(name, years)
            if lead is None:
                return None
            fid = _slug(ascii_fold((lead.shorts[0] if lead.shorts else lead.names[0]).split()[-1]))
            self._dynamic.setdefault(fid, GazActor(fid, lead.names[0], "other"))
            self._former.add(fid)
            self._former_roles[fid] = lead.role
            return fid

        out_m = []
        for m in mentions:
            now = dated_state(m.text, years) if m.rule == "person" else None
            if now is not None and now != m.actor and now in self.gaz.actors:
                # "President Johnson" in a 1965 text is Lyndon Johnson's, whatever the gazetteer's Johnson
                m = Mention(now, m.start, m.end, m.text, "person", m.confidence, m.sentence, m.tok_start,
                            m.tok_end)
            # a person the gazetteer files under a body ("Tusk": the European Council) holds that office then
            fid = own_id(m.text, self.gaz.actors[m.actor].people.get(m.text, "")) if m.rule == "person" and \
                now is None and self.gaz.actors[m.actor].kind == "state" else None
            out_m.append(m if fid is None else Mention(fid, m.start, m.end, m.text, "person", m.confidence,
                                                       m.sentence, m.tok_start, m.tok_end))
        by_form = {m.text: m.actor for m in out_m if m.actor in self._former}
        out_s = []
        for a, b, actor in spans:
            if actor is None or actor in by_form.values():
                name = spelled(tokens, a, b)
                actor = by_form.get(name) or by_form.get(tokens[b - 1].text) or own_id(name, "") or actor
            out_s.append((a, b, actor))
        return out_m, out_s

    def _speaker_states(self, tokens: list[Token], spans: list[tuple[int, int, str | None]],
                        mentions: list[Mention]) -> dict[str, str]:
        """A titled person no title or apposition ties to a state speaks for the state they name as the
        subject of what they report ("Pangalos replied that Greece would not negotiate", "Mishra told
        American officials that India might not ..."): surname -> state, when every such report names
        the same state."""
        state_at = {m.tok_start: m.actor for m in mentions if m.rule in ("name", "alias", "capital", "metonym")
                    and self._info(m.actor).kind == "state"}
        seen: dict[str, set[str]] = defaultdict(set)
        n = len(tokens)
        place_at = {p.tok_start: p.actor for p in self._places if self._info(p.actor).kind == "state"}
        tok_sent = self._token_sentences_cache
        last_in_sent: dict[int, tuple[int, int]] = {}
        for a, b, _actor in sorted(spans):
            last_in_sent[tok_sent[a]] = (a, b)
        for a, b, actor in spans:
            if actor is not None:
                continue
            name = tokens[b - 1].text
            k = b + 1 if b < n and tokens[b].text == "," else b
            if k < n and tokens[k].lower in _REPORTING_VERBS | {"addressed"}:
                after = " ".join(tokens[j].lower for j in range(k + 1, min(n, k + 7)))
                after = after[4:] if after.startswith("the ") else after
                house = next((st for name, st in self._legislatures.items() if after.startswith(name + " ")
                              or after == name), None)
                if house is not None:
                    seen[name].add(house)  # T14: "told the House of Commons": a member speaks to their own
                for j in range(k + 1, min(n, k + 7) if house is None else k + 1):
                    if tokens[j].text in {",", ";", "."}:
                        break
                    if tokens[j].lower == "in" and j + 1 in place_at and tokens[k].lower == "told":
                        # T14: "told a news conference in Madrid": a press event in a capital is that state's
                        seen[name].add(place_at[j + 1])
                        break
                    if tokens[j].lower == "that":
                        u = j + 1 + (1 if j + 1 < n and tokens[j + 1].lower == "the" else 0)
                        if u in state_at:
                            seen[name].add(state_at[u])
                        break
            s0 = next(i for i in range(a, -1, -1) if i == 0 or tok_sent[i - 1] != tok_sent[a])
            if s0 + 3 < a and tokens[s0].lower == "in" and s0 + 1 in place_at and a - s0 <= 12 and \
                    tokens[s0 + 2].text == ",":
                seen[name].add(place_at[s0 + 1])  # T14: "In Rawalpindi, the military spokesman, Name,"
            if last_in_sent.get(tok_sent[a]) == (a, b):
                # T14: "... Prime Minister Name answered in a video address. He said Pakistan would act":
                # the next sentence's pronoun reports for the last person named
                nx = next((i for i in range(b, n) if tok_sent[i] == tok_sent[a] + 1), None)
                if nx is not None and nx + 2 < n and tokens[nx].lower in {"he", "she"} and \
                        tokens[nx + 1].lower in _REPORTING_VERBS:
                    u = nx + 2 + (1 if tokens[nx + 2].lower == "that" else 0)
                    u += 1 if u < n and tokens[u].lower == "the" else 0
                    if u in state_at:
                        seen[name].add(state_at[u])
        return {name: next(iter(states)) for name, states in seen.items() if len(states) == 1}

    def _non_state(self, text: str, tokens: list[Token], mentions: list[Mention],
                   tok_sent: list[int]) -> list[Mention]:
        """Legislatures, central banks, armed and separatist groups (detente.text.nonstate): each is
        an actor of its own; its words stop being a mention of the state they name."""
        from detente.text.nonstate import GENERIC_IDS, find

        states = {m.actor for m in mentions if self._info(m.actor).kind == "state"}
        names = {a: self.gaz.actors[a].name for a in states}
        legis = {str(k): str(v) for k, v in (self.cues.raw.get("legislatures") or {}).items()}
        context = sorted([m for m in mentions if m.rule != "adjective"] + self._places, key=lambda m: m.tok_start)
        names.update({m.actor: self.gaz.actors[m.actor].name for m in self._places})
        found = find(tokens, mentions, states | {m.actor for m in self._places}, names, legis, context,
                     own_names=self.legislature_ids in ("own", "noun"), noun_ids=self.legislature_ids == "noun",
                     members=self.legislature_members, ethnic=self.ethnic_groups, roles=self.role_groups,
                     parties=self.opposition_names)
        self._legislature_found |= {f.id for f in found if f.legislature}
        if not found:
            return mentions
        cover: dict[int, str] = {}
        new: list[Mention] = []
        curated = sorted({m.actor for m in mentions if self._info(m.actor).kind == "group"
                          and m.actor not in _FORUMS})
        first = min((m.tok_start for m in mentions if curated and m.actor == curated[0]), default=0)
        for f in found:
            if self.bare_groups and len(curated) == 1 and f.id in GENERIC_IDS:
                # T23: "the FARC ... the guerrillas": a bare group noun after the text's one named armed
                # group (a curated one) is that group, as nonstate.find already reads it for groups it finds
                own = self._info(curated[0])
                for a, b in [sp for sp in f.spans if sp[0] > first]:
                    start, end = tokens[a].start, tokens[b - 1].end
                    new.append(Mention(own.id, start, end, text[start:end], "alias", 0.8, tok_sent[a], a, b))
                    cover.update({t: own.id for t in range(a, b)})
                f.spans = [sp for sp in f.spans if sp[0] <= first]
                if not f.spans:
                    continue
            if f.id in self.gaz.actors and f.id not in self._dynamic:
                continue  # a curated actor already has this id
            for t in f.shadows:  # T28: the word names the group's people here, not a state
                cover.setdefault(t, "")
            self._dynamic[f.id] = GazActor(f.id, f.name, f.kind)
            self._represents[f.id] = f.represents
            for a, b in f.spans:
                if any(t in cover for t in range(a, b)):
                    continue
                for t in range(a, b):
                    cover[t] = f.id
                start, end = tokens[a].start, tokens[b - 1].end
                new.append(Mention(f.id, start, end, text[start:end], "alias", 0.85, tok_sent[a], a, b))
        kept = [m for m in mentions if not any(t in cover for t in range(m.tok_start, m.tok_end))]
        return sorted(kept + new, key=lambda m: m.tok_start)

    def _definite_institutions(self, text: str, tokens: list[Token], mentions: list[Mention],
                               tok_sent: list[int]) -> list[Mention]:
        """"The government refused", "the foreign ministry said": a state's institution named without
        the state is the state last named as a possible agent (not an object, place or adjective) in
        this sentence or the three before; none, no mention."""
        taken = {t for m in mentions for t in range(m.tok_start, m.tok_end)}
        states = [m for m in mentions if self._info(m.actor).kind == "state" and m.rule != "adjective"]
        out = list(mentions)
        n = len(tokens)
        # "the Argentine junta", "China's foreign ministry": which state each institution word was last tied to
        explicit: list[tuple[int, str, str]] = []
        for m in [*mentions, *self._places]:
            if self._info(m.actor).kind != "state":
                continue
            k = m.tok_end + (1 if m.tok_end < n and tokens[m.tok_end].lower in {"'s", "’s"} else 0)
            while k < n and tokens[k].lower in _INSTITUTION_WORDS and tokens[k].lower not in _INSTITUTION_HEADS:
                k += 1
            if k < n and tokens[k].lower in _INSTITUTION_HEADS:
                explicit.append((k, tokens[k].lower, m.actor))
            q = m.tok_start - 1
            if q > 0 and tokens[q].lower in {"in", "of"} and tokens[q - 1].lower in _INSTITUTION_HEADS:
                explicit.append((q - 1, tokens[q - 1].lower, m.actor))  # "the military junta in Buenos Aires"
        for i in range(n - 1):
            if tokens[i].lower != "the" or i + 1 in taken:
                continue
            j = i + 1
            while j < n and j - i <= 3 and tokens[j].lower in _INSTITUTION_WORDS:
                j += 1
            if j + 1 < n and j - 1 > i and tokens[j - 1].lower in {"ministry", "department"} and \
                    tokens[j].lower == "of" and tokens[j + 1].lower in _INSTITUTION_WORDS:
                # T14: "the Department of Foreign Affairs in Manila", "the Ministry of Defence"
                j += 1
                while j < n and j - i <= 6 and tokens[j].lower in _INSTITUTION_WORDS:
                    j += 1
            words = [tokens[k].lower for k in range(i + 1, j)]
            if not words or (words[-1] not in _INSTITUTION_HEADS and not (
                    "of" in words and words[words.index("of") - 1] in {"ministry", "department"})):
                continue
            if j < n and (tokens[j].lower in {"of", "in"} or tokens[j].text[:1].isupper()):
                # "the government of Peru", "the junta in Buenos Aires": named there (a capital read as a
                # place there still names the institution's state)
                k = j + 1 + (1 if j + 1 < n and tokens[j + 1].lower == "the" else 0)
                place = next((m for m in self._places if m.tok_start == k), None)
                if tokens[j].lower in {"of", "in"} and place is not None:
                    start, end = tokens[i + 1].start, tokens[j - 1].end
                    out.append(Mention(place.actor, start, end, text[start:end], "definite", 0.6, tok_sent[i],
                                       i + 1, j))
                continue
            si = tok_sent[i]
            tied = [a for k, h, a in explicit if k < i and h == words[-1]]
            prior = [m for m in states if m.tok_end <= i and si - 3 <= m.sentence <= si
                     and not self._is_object(tokens, m)]
            if not tied and not prior:
                continue
            actor = tied[-1] if tied else prior[-1].actor
            start, end = tokens[i + 1].start, tokens[j - 1].end
            out.append(Mention(actor, start, end, text[start:end], "definite", 0.6, si, i + 1, j))
        return sorted(out, key=lambda m: m.tok_start)

    def _info(self, actor_id: str) -> GazActor:
        return self._dynamic.get(actor_id) or self.gaz.actors[actor_id]

    def _resolve_eras(self, mentions: list[Mention], dropped: list[str]) -> list[Mention]:
        """A capital, building or adjective shared with a defunct predecessor ("Moscow" in a
        1962 article) names the predecessor when the text names the predecessor itself more
        often than the successor."""
        # T28: "the Russians" (a people's plural) in a 1968 text is as weak as "Moscow": the era decides
        plural = {m.tok_start for m in mentions if m.rule == "alias" and m.text.endswith("s") and
                  (m.text[:-1].lower(), m.actor) in self._adjectives} if self.demonyms else set()
        strong: Counter[str] = Counter(m.actor for m in mentions if m.rule in ("name", "alias", "person")
                                       and m.tok_start not in plural)
        weak_rules = {"metonym", "capital", "adjective", "adjective+institution"}
        remap: dict[str, str] = {}
        for g in self.gaz.actors.values():
            if g.until is None or not g.successor:
                continue
            if strong.get(g.id, 0) >= 2 and strong.get(g.id, 0) > 2 * strong.get(g.successor, 0):
                remap[g.successor] = g.id
        if not remap:
            return mentions
        out = []
        for m in mentions:
            if m.actor in remap and (m.rule in weak_rules or m.tok_start in plural):
                dropped.append(f"'{m.text}' at {m.start} read as {self.gaz.actors[remap[m.actor]].name} "
                               "(the text is about the predecessor state)")
                m = Mention(remap[m.actor], m.start, m.end, m.text, m.rule, m.confidence, m.sentence,
                            m.tok_start, m.tok_end)
            out.append(m)
        return out

    def _actors(self, text: str, sentences: list[Sentence], mentions: list[Mention],
                dropped: list[str]) -> list[ActorFinding]:
        by_actor: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_actor[m.actor].append(m)
        counts = {a: len(ms) for a, ms in by_actor.items()}
        # states the text names by name, alias, adjective or a person, not only through a city
        named_states = {a for a, ms in by_actor.items() if self._info(a).kind == "state" and not all(
            m.rule in ("capital", "metonym") and _city_like(m.text) for m in ms)}
        out: list[ActorFinding] = []
        for actor_id, ms in by_actor.items():
            g = self._info(actor_id)
            if g.until is not None and g.successor and counts.get(g.successor, 0) >= 3 * len(ms):
                dropped.append(f"'{g.name}' mentioned {len(ms)}x, its successor {counts[g.successor]}x: "
                               "read as a historical reference, not an actor")
                continue
            if all(m.rule in ("name", "alias") for m in ms) and any(self._after_locative(m) for m in ms) and \
                    all(self._place_reading(self._tokens, m) for m in ms):
                dropped.append(f"'{g.name}' named only as a meeting place ({len(ms)}x): a venue, not an actor")
                continue
            if self.city_metonyms == "named" and g.kind == "state" and len(named_states) >= 2 and all(
                    m.rule in ("capital", "metonym") and _city_like(m.text) for m in ms):
                # T14: "Salisbury" (an English city, once Rhodesia's capital) in a text that names two other
                # states but never Zimbabwe: a city stands for a state only if the text names it otherwise
                # too (a text naming fewer than two states by name, "Athens rejected the claim.", is exempt)
                dropped.append(f"'{ms[0].text}' ({len(ms)}x) stands for {g.name}, which the text never names "
                               "otherwise: read as a city, not an actor")
                continue
            best = max(ms, key=lambda m: (m.confidence, -m.start))
            conf = min(0.99, best.confidence + 0.02 * (len(ms) - 1))
            people = sorted({m.text for m in ms if m.rule == "person"})
            sent = sentences[best.sentence]
            out.append(ActorFinding(actor_id, g.name, g.kind, list(g.groups), ms, round(conf, 2),
                                    evidence_span(text, sent, (best.start, best.end)), people,
                                    self._represents.get(actor_id)))
        out.sort(key=lambda a: (-len(a.mentions), a.id))
        return out

    def _place_reading(self, tokens: list[Token], m: Mention) -> bool:
        """"in Greece", "fled to Iran", "troops from Palestine", "Syrian-based": a place, not an agent."""
        q = m.tok_start - 1
        if q >= 0 and tokens[q].lower == "the":
            q -= 1
        if q >= 0 and tokens[q].lower in _PLACE_PREPS:
            return True
        nxt = tokens[m.tok_end:m.tok_end + 2]
        return len(nxt) == 2 and nxt[0].text == "-" and nxt[1].lower in {"based", "controlled", "occupied"}

    def _participants(self, tokens: list[Token], actors: list[ActorFinding], moves: list[MoveFinding],
                      dropped: list[str]) -> list[ActorFinding]:
        """Which named actors the draft keeps (T6). Always: an actor that is neither the agent nor the
        target of a move and is named only by a capital or an adjective before a plain noun ("KYIV,
        March 3", "a Swedish diplomat") is dropped. ``actors="named"`` (default, the gold files'
        reading) keeps every other named actor; ``"participants"`` (ICB's reading) also drops one
        named only as a place ("fled to Iran") or in one sentence, unless it acts or is acted on."""
        involved = {mv.actor for mv in moves} | {mv.target for mv in moves if mv.target}
        agents = {mv.actor for mv in moves}
        state_starts = {m.tok_start for a in actors if a.kind == "state" for m in a.mentions}
        out = []
        for a in actors:
            if a.kind == "faction" and a.id in self._legislature_found and self.passive_legislatures and \
                    a.id not in agents and not (self.legislature_members and any(
                        _finite_after(tokens, m.tok_end) for m in a.mentions)):
                # (T28: a legislature that is the subject of a verb, "the National Assembly voted to ...", acts)
                # T16: a legislature named only as an audience or a place ("told the House of Commons"), never an agent
                dropped.append(f"'{a.name}' never acts: an audience or a venue, not a party")
                continue
            if a.id in involved:
                out.append(a)
                continue
            strong = [m for m in a.mentions if m.rule not in ("adjective", "capital")]
            if not strong:
                dropped.append(f"'{a.name}' named only by a capital or an adjective ({len(a.mentions)}x) and "
                               "never acts: not an actor")
                continue
            if self.idle_states and a.kind == "state" and len({m.sentence for m in a.mentions}) < 2 and \
                    all(m.rule in ("name", "alias") and not _bound_state(tokens, m.tok_start)
                        and not (_subject_of_verb(tokens, m.tok_end) and not _after_place_prep(tokens, m.tok_start))
                        for m in a.mentions):
                # T23: "flights from Beirut and Dubai", "Greece and Portugal followed": a state named in one
                # sentence, by its name only (no leader, institution, people or capital standing for it), that
                # neither acts nor is acted on is mentioned, not a party
                dropped.append(f"'{a.name}' named in one sentence only and never acts or is acted on: not an actor")
                continue
            if a.id in self._former and a.id not in agents:
                dropped.append(f"'{a.name}' is a former leader who never acts here: not an actor")  # T16
                continue
            if self.actor_mode == "named" and self.passing_bodies and a.kind != "state" and \
                    len({m.sentence for m in a.mentions}) < 2 and \
                    not (self.body_subjects and any(_body_acts(tokens, m) for m in a.mentions)):
                # T14: "the UN", "NATO", "the G7" named in one sentence, neither acting nor acted on: a
                # passing mention of a body, not a party (states keep T6's named reading)
                dropped.append(f"'{a.name}' ({a.kind}) named in one sentence and never acts: a passing mention")
                continue
            if self.actor_mode == "named" and self.place_states and a.kind == "state" and \
                    all((self._place_reading(tokens, m) or _listed_place(tokens, m.tok_start, state_starts))
                        and not _where(tokens, m.tok_start) for m in strong):
                # T16: "migrants flown in from Syria", "talks in Norway": a state named only as where something
                # happens or comes from, never acting or acted on, is no party (T6's named reading otherwise)
                dropped.append(f"'{a.name}' named only as a place ({len(strong)}x) and never acts: not an actor")
                continue
            if self.actor_mode == "participants":
                if all(self._place_reading(tokens, m) for m in strong):
                    dropped.append(f"'{a.name}' named only as a place ({len(strong)}x) and never acts: "
                                   "not a participant")
                    continue
                if len({m.sentence for m in a.mentions}) < 2:
                    dropped.append(f"'{a.name}' named once in passing and never acts: not a participant")
                    continue
            out.append(a)
        return out

    # -- channels

    def _channels(self, text: str, sentences: list[Sentence], cmatches: list[Match],
                  lmatches: list[Match], mentions: list[Mention]) -> list[ChannelFinding]:
        found: dict[str, ChannelFinding] = {}
        actor_chars = {c for m in mentions for c in range(m.start, m.end)}
        # "negotiations in Kazakhstan" names an actor, not a venue
        cmatches = [m for m in cmatches if not ((m.end - 1) in actor_chars and " in " in text[m.start:m.end])]
        self._act_closed: set[int] = set()  # sentences closed only by an act cue (a summons): no scene set
        self._cue_at: dict[int, list[tuple[int, str]]] = defaultdict(list)  # sentence -> (char, kind) of its cues
        scene_closed: set[int] = set()
        closed_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for m in cmatches:
            if m.key.split("|")[1] != "public":
                closed_spans[_sentence_of(sentences, m.start)].append((m.start, m.end))
        # closed cues first, so a public cue in their sentence is judged against them
        for m in sorted(cmatches, key=lambda m: (m.key.endswith("public"), -(m.end - m.start), m.start)):
            kind = m.key.split("|")[1]
            cue = text[m.start:m.end]
            si = _sentence_of(sentences, m.start)
            if kind == "closed_act":
                kind = "closed"
                self._act_closed.add(si)
            elif kind == "closed":
                scene_closed.add(si)
            if kind == "public" and si in closed_spans and (
                    _venue_cue(cue) or any(a < m.end and m.start < b for a, b in closed_spans[si])):
                # rules6: "in private talks in Brussels": a closed cue wins over a venue ("talks in *") or a
                # public cue it overlaps ("closed and non-public"); a channel is one kind
                continue
            self._cue_at[si].append((m.start, kind))
            strong = kind == "closed" or " in " in cue or "public" in cue.lower()
            conf = 0.85 if strong else 0.6
            ch = found.get(kind)
            if ch is None:
                name = "Closed channels" if kind == "closed" else "Public talks"
                venue = re.match(r"(?:the )?(?:meeting|talks|negotiations|summit) in (\w[\w\-]*)", cue, re.I)
                if venue and venue.group(1)[0].isupper():
                    name = f"Talks in {venue.group(1)}"
                found[kind] = ChannelFinding(kind, name, cue, conf, evidence_span(text, sentences[si],
                                                                                  (m.start, m.end)), None, [si])
            else:
                if si not in ch.sentences:
                    ch.sentences.append(si)
                venue = re.match(r"(?:the )?(?:meeting|talks|negotiations|summit) in (\w[\w\-]*)", cue, re.I)
                if kind == "public" and ch.name == "Public talks" and venue and venue.group(1)[0].isupper():
                    ch.name = f"Talks in {venue.group(1)}"
                if conf > ch.confidence:
                    ch.confidence, ch.cue = conf, cue
                    ch.evidence = evidence_span(text, sentences[si], (m.start, m.end))
        self._act_closed -= scene_closed
        pub = found.get("public")
        if pub is not None:
            for m in sorted(lmatches, key=lambda m: m.start):
                level = m.key.split("|")[1]
                if " not " in f" {text[max(0, m.start - 20):m.start]} ".lower():
                    continue  # "not at the highest level"
                if level != "unnamed":
                    pub.level = level
                    break
        closed = found.get("closed")
        if closed is not None and any(m.key == "L|unnamed" for m in lmatches):
            closed.level = "unnamed"
        return [found[k] for k in ("public", "closed") if k in found]

    # -- issues

    def _issues(self, text: str, sentences: list[Sentence], tokens: list[Token], imatches: list[Match],
                mentions: list[Mention]) -> list[IssueFinding]:
        found: dict[str, IssueFinding] = {}

        def add(issue_id: str, name: str, m_start: int, m_end: int, conf: float) -> None:
            si = _sentence_of(sentences, m_start)
            cue = text[m_start:m_end]
            f = found.get(issue_id)
            if f is None:
                f = found[issue_id] = IssueFinding(issue_id, name, cue, conf,
                                                   evidence_span(text, sentences[si], (m_start, m_end)), [si])
            elif si not in f.sentences:
                f.sentences.append(si)
            f.positions.append((si, m_start))

        for m in imatches:
            spec = self._issue_templates[int(m.key.split("|")[1])]
            add(spec["id"], spec["name"], m.start, m.end, 0.7)
        # Templates with an actor slot: "expansion of {A}" for every bloc or state found.
        names = {m.actor: self._info(m.actor).name for m in mentions}
        surfaces: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            if m.rule in ("name", "alias"):
                surfaces[m.actor].add(m.text)
        from detente.text.matching import PurePythonBackend

        local = PurePythonBackend()
        for k, spec in enumerate(self._issue_templates):
            for cue in spec["cues"]:
                if "{A}" not in cue:
                    continue
                for actor, forms in surfaces.items():
                    local.add(f"{k}|{actor}", [cue.replace("{A}", f) for f in forms])
        _, tmatches = local.run(text)
        for m in tmatches:
            k, actor = m.key.split("|")
            spec = self._issue_templates[int(k)]
            add(spec["id"].replace("{A}", actor), spec["name"].replace("{N}", names[actor]), m.start, m.end, 0.8)
        for f in found.values():
            f.confidence = round(min(0.95, f.confidence + 0.05 * (len(f.sentences) - 1)), 2)
        return sorted(found.values(), key=lambda f: (-len(f.sentences), f.id))

    # -- moves

    def _moves(self, text: str, sentences: list[Sentence], tokens: list[Token], tok_sent: list[int],
               vmatches: list[Match], nmatches: list[Match], mentions: list[Mention],
               channels: list[ChannelFinding], issues: list[IssueFinding]) -> list[MoveFinding]:
        cues = self.cues
        ment_at: dict[int, Mention] = {}
        for m in mentions:
            for t in range(m.tok_start, m.tok_end):
                ment_at[t] = m
        by_sent: dict[int, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_sent[m.sentence].append(m)
        tagged = [(m, "verbal") for m in vmatches] + [(m, "nominal") for m in nmatches]
        # One cue per token span: longest first; a noun that is also a verb form is read
        # as a noun after a determiner or possessive.
        chosen: list[tuple[Match, str]] = []
        taken: set[int] = set()
        for m, form in sorted(tagged, key=lambda x: (-(x[0].tok_end - x[0].tok_start), x[1] == "verbal",
                                                     x[0].tok_start)):
            span = set(range(m.tok_start, m.tok_end))
            if span & taken:
                continue
            if any(t in ment_at for t in span) and m.tok_end - m.tok_start == 1:
                continue  # the cue word is itself an actor's name
            taken |= span
            chosen.append((m, form))
        self._cue_starts = [m for m, _ in chosen]  # rules6: where a cue starts (its_acts)
        governors: list[tuple[int, int]] = []  # (sentence, token after the cue) of demand/offer/threat verbs
        self._all_mentions = sorted(mentions, key=lambda m: m.start)
        persons = sorted((m for m in [*mentions, *self._unknown, *self._unnamed_officials(tokens, mentions)]
                          if m.rule == "person" and not self._is_object(tokens, m)), key=lambda m: m.tok_start)
        issue_at = self._issue_positions(tokens, issues)
        closed_sents = {s for c in channels if c.kind == "closed" for s in c.sentences}
        public_sents = {s for c in channels if c.kind == "public" for s in c.sentences}
        direct_closed = set(closed_sents)
        scene = self._closed_context(text, sentences, closed_sents - self._act_closed, public_sents,
                                     {m.sentence for m in mentions})
        closed_sents |= scene
        self._channel_sents = {"closed": closed_sents, "direct_closed": direct_closed, "public": public_sents}
        # rules6: who took part in the scene a closed cue set (None: the cue's sentence names nobody)
        named_in: dict[int, set[str]] = defaultdict(set)
        for mm in mentions:
            named_in[mm.sentence].add(mm.actor)
        self._scene_actors: dict[int, set[str] | None] = {}
        for si0 in sorted(closed_sents - self._act_closed):
            if si0 in scene and si0 not in direct_closed:
                continue
            for nxt in range(si0 + 1, len(sentences)):
                if nxt not in scene or nxt in direct_closed:
                    break
                got = self._scene_actors.get(nxt, set())
                self._scene_actors[nxt] = None if got is None or not named_in.get(si0) else got | named_in[si0]
        out: list[MoveFinding] = []
        self._reporter: tuple[int, int, Mention] | None = None  # (sentence, token after the cue, agent)
        governed: set[int] = set()  # cues read as the object of a demand/offer/threat
        told_private: set[int] = set()
        reported_conditional: set[int] = set()  # rules6: reports read as an offer or demand by their condition
        self._tok_sent = tok_sent
        acts: list[tuple[int, str, int]] = []  # (sentence, actor, cue token) of every act, kept or not
        seen: set[tuple[int, str, str]] = set()
        for m, form in sorted(chosen, key=lambda x: x[0].tok_start):
            mtype = m.key.split("|")[1]
            si = tok_sent[m.tok_start]
            sent = sentences[si]
            s_tok = next(i for i in range(m.tok_start, -1, -1) if i == 0 or tok_sent[i - 1] != si)
            e_tok = m.tok_end
            while e_tok < len(tokens) and tok_sent[e_tok] == si:
                e_tok += 1
            prev = tokens[m.tok_start - 1].lower if m.tok_start > s_tok else ""
            prev2 = tokens[m.tok_start - 2].lower if m.tok_start - 1 > s_tok else ""
            if m.tok_end - m.tok_start == 1 and prev2 in {"a", "an", "the"} and \
                    not tokens[m.tok_start].lower.endswith(("ing", "ed")) and \
                    tokens[m.tok_start - 1].text.isalpha() and tokens[m.tok_start - 1].text.islower():
                prev = prev2  # "a hydrogen bomb": still a noun
            if form == "verbal" and prev in _DETERMINERS and (
                    m.tok_end - m.tok_start == 1 or mtype in ("demand", "reject", "threaten", "sanction", "offer")
                    or tokens[m.tok_end - 1].lower == "of"  # T14: "the shelling of X by Y"
                    or tokens[m.tok_start].lower.endswith(_NOUN_SUFFIXES)):  # T14: "the closure of ~ consulate"
                form = "nominal"  # "a bomb", "its offer": a noun, not a report of an act
            if form == "verbal" and m.tok_end - m.tok_start == 1 and prev in {"in", "on", "of", "with", "at", "into",
                                                                              "for", "about", "under"} and \
                    not tokens[m.tok_start].lower.endswith(("ed", "ing")) and tokens[m.tok_start].lower != "protest":
                form = "nominal"  # rules6: "in bomb shelters", "with supply ships": a noun after a preposition
            if sent.is_question:
                continue
            cue_text = text[m.start:m.end]
            if m.tok_start > s_tok and cue_text[:1].isupper() and m.tok_end - m.tok_start == 1 \
                    and tokens[m.tok_start - 1].text not in {'"', "“", "(", ":"}:
                continue  # "Qaboos bin Said": a name, not the verb
            nxt = [tokens[i].lower for i in range(m.tok_end, min(e_tok, m.tok_end + 3))]
            if cue_text.lower() == "met" and (set(nxt) & _MET_OBJECTS or nxt[:1] in (["its"], ["their"])
                                              or prev in _PASSIVE_AUX | {"be"}):  # "the demand was met"
                continue
            ahead = [tokens[i].lower for i in range(m.tok_end, min(e_tok, m.tok_end + 6))]
            ahead = ahead[:ahead.index(",")] if "," in ahead else ahead
            bare_insist = self.bare_reports and cue_text.lower() in {"insisted", "insists"} and \
                nxt[:1] and nxt[0] in _REFUSAL_SUBJECTS | {"the", "its", "his", "her", "their"}
            if (cue_text.lower().startswith("insist") and nxt[:1] == ["that"]) or bare_insist or (
                    mtype == "statement" and "that" in ahead):
                # "insisted/said/told X that Y must ..." is a demand; "insisted that X was ..." a statement;
                # T27: "insisted they had been driven out" (no "that") likewise
                k0 = m.tok_end + ahead.index("that") if "that" in ahead else m.tok_end
                compl = [tokens[i].lower for i in range(k0, min(e_tok, k0 + 12))]
                if bare_insist and "that" not in ahead:
                    compl = ["that", *compl]
                # "told American officials that ...": a message passed on; "told Parliament/the Security
                # Council/reporters that ...": a statement to an audience
                told = cue_text.lower() == "told" and not set(ahead[:ahead.index("that")] if "that" in ahead
                                                              else ahead) & _AUDIENCE_WORDS
                mtype = "demand" if set(compl) & _DEONTIC or (
                    cue_text.lower().startswith("insist") and _subjunctive(compl[1:6])) else "statement"
                if told and mtype == "statement":
                    told_private.add(m.tok_start)  # an inform, unless it is the vehicle of an act
            content_threat = False
            announcers: list[Mention] = []  # T17: the co-subjects of a reporting verb whose object is this act
            if mtype in ("statement", "demand") and form == "verbal" and \
                    cue_text.lower() in _REPORTING_VERBS | {"warned", "vowed"}:
                content = _reported_content(tokens, s_tok, e_tok, m.tok_start, m.tok_end)
                if _threat(content):
                    mtype = "threaten"  # T17: "said that it would deliver a harsher blow": the event decides
                    content_threat = True  # not a governor: a threat cue inside the content still governs
                elif mtype == "statement" and content is not None and \
                        content is not _AFTER and set(content) & _DEONTIC:
                    mtype = "demand"  # T17: "During that period, he said, work should be confined ..."
                elif mtype == "statement" and self.conditional_reports and content is not None:
                    # rules6: "said it would return to talks if ...": quotes inside do not end what is reported
                    tail = [tokens[i].lower for i in range(m.tok_end, e_tok)]
                    tail = tail[:tail.index(";")] if ";" in tail else tail
                    seen_all = tail if content[:len(tail)] == tail[:len(content)] else content
                    if _threat(seen_all):
                        mtype, content_threat = "threaten", True  # '... would "totally destroy" X if forced'
                    elif _conditional(seen_all) is not None:
                        mtype = _conditional(seen_all) or mtype
                        reported_conditional.add(m.tok_start)  # still the vehicle of an act it reports
            c_a, _c_b = _clause_bounds(tokens, s_tok, e_tok, m.tok_start)
            # "On 21 May": a capitalised "May" is the month, not the modal
            before = [tokens[i].lower for i in range(max(c_a, m.tok_start - 3), m.tok_start)
                      if tokens[i].text != "May" or i == s_tok]
            clause_before = [tokens[i].lower for i in range(c_a, m.tok_start)]
            conf = 0.6
            if "would" in before and self._reported_commitment(tokens, s_tok, m.tok_start, ment_at):
                before = [w for w in before if w != "would"]  # "announced that it would suspend"
                conf -= 0.05
                if mtype in ("assault", "escalate"):
                    mtype = "threaten"  # T17: "said it would strike back": force announced, not yet used
            if (len(before) >= 2 and before[-2] in {"had", "has", "have"} and before[-1] == "long") or (
                    len(before) >= 3 and before[-3] in {"had", "has", "have"} and before[-2] == "long"):
                continue  # rules6: "which the United States had long refused to accept": a standing position
            if any(w in cues.hypothetical for w in before) or (
                    clause_before and clause_before[0] in {"if", "unless", "whether"}) or (
                    len(clause_before) > 1 and clause_before[:2] == ["even", "if"]):
                continue
            if self.until_conditions and form == "verbal" and "until" in before and \
                    not {",", ";"} & set(before[before.index("until"):]) and \
                    re.fullmatch(r"[a-z]+(?<!s)s", tokens[m.tok_start].lower):
                continue  # T27: "will not take his calls until Turkey apologises": a condition, not an act
            far = [tokens[i].lower for i in range(max(c_a, m.tok_start - 5), m.tok_start)]
            if self.relations_polarity and mtype == "reduce_relations" and cue_text.lower().startswith("recall") and \
                    nxt[:1] in (["that"], ["how"], [","]):
                continue  # T27: "Craxi recalled that he had asked ...": a reminder, not an envoy recalled
            if self.published_releases and mtype == "concede" and \
                    cue_text.lower() in {"released", "releases", "release"} and set(nxt[:3]) & _PUBLISHED:
                mtype = "statement"  # T27: "released videotape of earlier interceptions": a publication, not a release
            obj_words = [w for w in nxt[:3] if w not in _DETERMINERS]
            if self.verdicts and mtype == "assault" and form == "verbal" and cue_text.lower().startswith("attack") and (
                    (obj_words[:1] and obj_words[0] in _POLICY_NOUNS) or (prev in _PASSIVE_AUX and any(
                        tokens[k].lower in _POLICY_NOUNS for k in range(max(s_tok, m.tok_start - 4), m.tok_start)))):
                mtype = "statement"  # T27: "the Agreement was attacked by the opposition": words, not force
            if self.verdicts and mtype == "statement" and cue_text.lower() in {"declared", "declares", "pronounced"} \
                    and any(w in _VOID_WORDS for w in ahead[:7]) and set(ahead[:4]) & _POLICY_NOUNS:
                mtype = "reject"  # T27: "Quito declared the protocol unenforceable": a treaty repudiated
            if mtype == "concede" and nxt[:1] == ["that"]:
                mtype = "statement"  # "conceded that the town was lost": an admission, not a concession
            if self.relations_polarity and mtype in ("consult", "withdraw") and \
                    _cancelled_relations(tokens, s_tok, e_tok, m.tok_start, m.tok_end):
                mtype = "reduce_relations"  # T27: "cancelled a visit to", "the summit was called off"
            refusal_subjects: set[str] | None = None
            if self.refusal_reports and mtype == "statement" and form == "verbal" and \
                    cue_text.lower() in _REPORTING_VERBS | {"stated", "states", "reiterated", "maintained"}:
                got_refusal = _refusal(tokens, m.tok_end, e_tok, ment_at)
                if got_refusal is not None and not any(
                        m.tok_start < c.tok_start < got_refusal[2] and c.tok_end > got_refusal[2] - 3 and (
                            c.tok_start <= got_refusal[2] - 2 or c.key == "V|accept") for c, _ in chosen):
                    # T27: "said it would not attend": a rejection (unless the refusal is a cue of its own,
                    # "said that it would not stop": that cue decides)
                    mtype, refusal_subjects = got_refusal[0], got_refusal[1]
                elif got_refusal is None:
                    wish = _wish(tokens, m.tok_end, e_tok, ment_at, cue_text.lower() in {"told", "tells", "telling"})
                    if wish is not None:
                        mtype, refusal_subjects = "demand", wish  # T27: "said it wants the aircraft back"
            negated = any(w in cues.negations for w in before) or "no" in far or (
                form == "verbal" and nxt[:1] in (["no"], ["nothing"]) and mtype != "reject")
            if negated:
                if mtype == "accept":
                    mtype = "reject"
                else:
                    continue
            if prev in {"to", "from"} and form == "verbal" and mtype != "demand":
                before_to = tokens[m.tok_start - 2].lower if m.tok_start - 2 >= s_tok else ""
                if before_to not in cues.aspect_verbs:
                    continue  # an aim ("to withdraw troops"), not an act
            if any(w in {"will", "predicted", "expected"} for w in clause_before):
                conf -= 0.15
            window = [tokens[i].lower for i in range(max(s_tok, m.tok_start - 8), m.tok_start)]
            if window[-1:] in (["of"], ["for"]) or (len(window) > 1 and window[-2] in {"of", "for"}):
                k_of = max(i for i, w in enumerate(window) if w in {"of", "for"})
                if any(w.startswith(("accus", "blam", "condemn", "denounc", "criticis", "criticiz"))
                       for w in window[:k_of]):
                    continue  # T10: "accused Azerbaijan of shelling": an allegation, not the subject's act
            if self._governed(tokens, m, form, si, governors):
                governed.add(m.tok_start)
                continue  # what is demanded, offered or threatened is not itself an act
            if mtype in _GOVERNING and not content_threat and (
                    form == "verbal" or (m.tok_end < e_tok and tokens[m.tok_end].lower == "that")):
                governors.append((si, m.tok_end))  # "demanded that ...", "the demand that India pull out"
            if form == "nominal" and mtype in _GOVERNING and any(
                    mv.sentence == si and mv.type in ("reject", "accept", "concede") and 0 < m.tok_start - mv.tok <= 6
                    for mv in out):
                continue  # "refused to answer Beijing's demand": the demand is the object, not a new move
            pair = self._last_two_parties(tokens, m.tok_start, si) if self._two_parties_subject(
                tokens, c_a, m.tok_start, they=mtype in ("consult", "accept")) else []
            if self.mutual_failures and pair and negated and mtype == "reject" and \
                    tokens[m.tok_start].lower.startswith("agree"):
                continue  # T27: "the two governments never agreed on a fee": no agreement, nobody's rejection
            n_group = self._group_subject(tokens, max(c_a, m.tok_start - 7), m.tok_start)
            if n_group:
                pair = self._last_list(tokens, m.tok_start, n_group)  # T14: "the four states handed ..."
            prev_mv = out[-1] if out and out[-1].sentence == si and out[-1].tok < m.tok_start else None
            if prev_mv is not None and any(prev_mv.tok < c.tok_start < m.tok_start and c.tok_start not in governed
                                           for c, _ in chosen):
                prev_mv = None  # another cue (not kept) stands between: its subject is unknown
            if pair:
                agent, rule = pair[0], "pronoun"
            elif prev_mv is not None and form == "verbal" and m.tok_start - 1 > s_tok and \
                    tokens[m.tok_start - 1].lower == "and" and m.tok_start - 2 not in ment_at and \
                    not any(tokens[k].text == ";" for k in range(prev_mv.tok, m.tok_start)) and \
                    (tokens[m.tok_start - 2].text == "," or tokens[m.tok_start - 2].text.islower()):
                # "..., which demanded ... and called on both governments": the same subject
                agent = Mention(prev_mv.actor, m.start, m.end, "", "context", 0.6, si, m.tok_start, m.tok_end)
                rule = "subject"
            else:
                agent, rule = self._agent(tokens, m, form, s_tok, e_tok, ment_at, by_sent[si], persons)
                speaker = self._after_quote(tokens, m, e_tok, ment_at)
                if speaker is not False:
                    # T14: '"...," said Russia' / '"...," the spokesperson said': the speaker after the quote,
                    # never an actor named inside it
                    agent, rule = (speaker, "subject") if speaker is not None else (None, "")
            head = tokens[m.tok_start].lower
            if form == "verbal" and prev in _PASSIVE_AUX and rule != "by-agent" and mtype not in _FORCEFUL and \
                    (head.endswith(("ed", "en")) or head in _IRREGULAR_PARTICIPLES):
                # "In Ankara, it was dismissed as interference": the reaction of the place's state
                place = next((p for p in self._places if p.tok_start == s_tok + 1 and tokens[s_tok].lower == "in"
                              and p.tok_end < e_tok and tokens[p.tok_end].text == ","), None)
                if place is not None:
                    agent, rule = Mention(place.actor, m.start, m.end, "", "context", 0.6, si, m.tok_start,
                                          m.tok_end), "opening-place"
            if agent is None and form == "verbal" and self.carry_subject and rule != "unnamed" and \
                    not {"each", "either", "neither"} & set(clause_before[-6:]) and \
                    _CARRIERS & set(clause_before[-6:]) and not (
                    prev in _PASSIVE_AUX and (head.endswith(("ed", "en")) or head in _IRREGULAR_PARTICIPLES)):
                # T10: a verb whose subject names no actor ("The North refused.", "Its envoy then ...")
                # continues the story of the last actor that acted in this or the sentence before.
                last = next((mv for mv in reversed(out) if mv.sentence >= si - 1), None)
                if last is not None:
                    agent, rule = Mention(last.actor, m.start, m.end, "", "context", 0.6, si, m.tok_start,
                                          m.tok_end), "context"
            if agent is None and form == "nominal" and mtype not in _REPORTING:
                # T14: "May announced the expulsion of 23 diplomats": an act named as the object of the
                # announcer's own reporting verb is the announcer's
                v = m.tok_start - 1
                while v > s_tok and (tokens[v].lower in {"the", "a", "an", "its", "their", "his", "her"} or (
                        m.tok_start - v <= 3 and tokens[v].text.isalpha() and tokens[v].text.islower()
                        and tokens[v].lower not in _ANNOUNCING)):
                    v -= 1  # T17: "announced smaller expulsions": adjectives too, up to three words
                reps = [mv for mv in out if mv.tok == v and mv.sentence == si]
                if reps and tokens[v].lower in _ANNOUNCING:
                    agent, rule = Mention(reps[-1].actor, m.start, m.end, "", "context", 0.6, si, m.tok_start,
                                          m.tok_end), "subject"
                    announcers = [Mention(r.actor, m.start, m.end, "", "context", 0.6, si, m.tok_start,
                                          m.tok_end) for r in reps[:-1]]
            if agent is None and form == "nominal" and mtype not in _REPORTING and self.light_verbs:
                # rules6: "Turkey launched an offensive", "Israel imposed a naval blockade": an act named as the
                # object of a light verb is the light verb's subject's (found as a verb's subject is)
                v = m.tok_start - 1
                while v > s_tok and m.tok_start - v <= 4 and tokens[v].text.isalpha() and \
                        tokens[v].text.islower() and tokens[v].lower not in _LIGHT_VERBS | _OBJECT_PREPS | \
                        _PLACE_PREPS | {"beyond", "against", "under", "after", "before", "and", "or"}:
                    v -= 1
                if v > s_tok and tokens[v].lower in _LIGHT_VERBS and v not in ment_at and \
                        not tokens[m.tok_start].lower.endswith("ed"):
                    fake = Match("V|" + mtype, tokens[v].start, tokens[v].end, v, v + 1)
                    got, how = self._agent(tokens, fake, "verbal", s_tok, e_tok, ment_at, by_sent[si], persons)
                    if got is not None and how in ("subject", "pronoun", "main-subject"):
                        agent, rule = got, how
            if agent is None and form == "nominal":
                # T14: "The four states handed Qatar ... a list of thirteen demands": a noun cue whose
                # sentence opens with a group subject is the group's act
                first = next((k for k in range(s_tok, min(m.tok_start, s_tok + 4)) if tokens[k].lower == "the"), -1)
                n_group = self._group_subject(tokens, first, min(m.tok_start, first + 4)) if first >= 0 else 0
                pair = self._last_list(tokens, m.tok_start, n_group) if n_group else []
                if pair:
                    agent, rule = pair[0], "pronoun"
            if agent is None and (form == "nominal" or self.meeting_parties) and mtype == "consult" and \
                    tokens[m.tok_end - 1].lower in _MEETING_NOUNS:
                # rules6: "secret negotiations between Israel and the PLO took place": the parties named
                pair = self._between(tokens, m.tok_end, e_tok, ment_at) or (
                    self._involving(tokens, m.tok_end, e_tok, ment_at) if self.meeting_parties else [])
                if pair:
                    agent, rule = pair[0], "pronoun"
            summons = re.fullmatch(r"(?:was|were|had been) (?:summoned|called in)", cue_text.lower())
            if summons:
                # T17: "the Russian ambassador was summoned to the Foreign Office": the venue's state
                # summoned; no venue named, no move (the ambassador's own state is the one summoned)
                venue = self._venue_after(tokens, m.tok_end, e_tok, ment_at)
                if venue is None or (agent is not None and venue.actor == agent.actor
                                     and agent.tok_start < m.tok_start):
                    continue
                agent, rule = venue, "by-agent"
            if agent is None:
                continue
            if refusal_subjects and refusal_subjects - {agent.actor}:
                mtype = "statement"  # "Iran said Britain would not release the ship": someone else's refusal
            victim: str | None = None
            participle = head.endswith(("ed", "en")) or head in _IRREGULAR_PARTICIPLES
            passive = (prev in _PASSIVE_AUX and participle) or cue_text.lower().startswith("came under")
            if form == "verbal" and passive:
                # "positions were shelled (by X)": the subject suffered the act; the agent is the
                # by-phrase, else the actor that last used force on it (or anyone) in the last 3 sentences.
                if rule == "by-agent":
                    victim = next((x.actor for x in reversed(by_sent[si]) if x.tok_end <= m.tok_start
                                   and x.actor != agent.actor), None)
                elif rule == "opening-place":
                    pass
                elif mtype in _COMMITTABLE and self._announced_passive(tokens, s_tok, m.tok_start, agent):
                    pass  # T14: "Khan announced that the pilot would be freed": the announcer's commitment
                elif self.own_forces and _own_forces_at(tokens, s_tok, m.tok_start - 1, ment_at) is not None:
                    continue  # T27: "Indian forces were moved ...": read by the own-forces pass below
                elif mtype not in _FORCEFUL | {"sanction"}:
                    continue  # "was turned back": without a by-agent, only force is read off the context
                else:
                    victim = agent.actor
                    recent = [mv for mv in reversed(out) if mv.sentence >= si - 3 and mv.actor != victim
                              and mv.type in _FORCEFUL]
                    pick = next((mv for mv in recent if mv.target == victim), recent[0] if recent else None)
                    if pick is None:
                        continue
                    agent = next(x for a in (pick.actor,) for x in [Mention(a, m.start, m.end, "", "context",
                                                                            0.6, si, m.tok_start, m.tok_end)])
                    rule = "context"
            if mtype == "same":
                # "Athens accepted ..., and Ankara did the same": the type of the last move by someone else
                last = next((mv for mv in reversed(out) if mv.sentence >= si - 1 and mv.actor != agent.actor), None)
                if last is None:
                    continue
                mtype = last.type
            if mtype not in _REPORTING:
                acts.append((si, agent.actor, m.tok_start))
                acts.extend((si, x.actor, m.tok_start) for x in announcers)
            conf += {"by-agent": 0.25, "possessive": 0.25, "inside": 0.2, "of-agent": 0.2,
                     "subject": 0.2, "participle-subject": 0.1, "pronoun": 0.1, "pronoun-possessive": 0.15,
                     "main-subject": 0.1, "context": 0.0, "opening-place": 0.0}[rule]
            conf = round(min(0.95, conf * max(0.6, agent.confidence)), 2) if agent.rule.startswith(
                "adjective") else round(min(0.95, conf), 2)
            agents = [(agent, rule)] + [(x, "co-subject") for x in announcers]
            if rule == "subject" or (rule == "possessive" and agent.rule.startswith("adjective")):
                # rules6: "Chinese and Indian troops clashed": coordinated demonyms act together too
                agents += [(co, "co-subject") for co in self._co_agents(tokens, agent, s_tok, ment_at)]
            elif rule == "by-agent":
                agents += [(co, "co-subject") for co in self._listed_after(tokens, agent, e_tok, ment_at)]
            if pair:
                agents = [(x, "co-subject" if k else "pronoun") for k, x in enumerate(pair)]
            elif mtype == "accept":
                agents += [(x, "co-subject") for x in self._counterparts(tokens, m, e_tok, ment_at, agents)]
            if mtype == "consult" and tokens[m.tok_end - 1].lower in _MEETING_NOUNS:
                agents += [(x, "co-subject") for x in self._between(tokens, m.tok_end, e_tok, ment_at)
                           if all(x.actor != a.actor for a, _ in agents)]
            channel = "closed" if si in closed_sents and (si in direct_closed or mtype not in _OPEN_ACTS) else (
                "public" if si in public_sents else None)
            if channel == "closed" and si not in direct_closed and self.scene_participants and \
                    self._scene_actors.get(si) is not None and agent.actor not in self._scene_actors[si]:
                # rules6: "Merkel telephoned Lukashenko" two sentences after a secret meeting of others: a
                # scene covers the acts of those it named, not of everyone
                channel = "public" if si in public_sents else None
            if si in direct_closed and si in public_sents:
                # rules6: "who said in public that they opposed sanctions, were telling the North in private
                # to ...": a sentence with both kinds of cue; each move takes the kind of the nearer cue
                near = min(self._cue_at.get(si, []), key=lambda c: (abs(c[0] - m.start), c[1] != "closed"),
                           default=None)
                channel = near[1] if near is not None else channel
            issue, same_clause = self._nearest_issue(issue_at, si, m, tokens, s_tok, e_tok)
            if not same_clause and mtype in ("demand", "offer", "threaten", "reject"):
                # "Russia issued an ultimatum ..., it slowed escalation in the L/DPR": the ultimatum
                # continues the actor's earlier demand, not the issue named in another clause.
                issue = next((mv.issue for mv in reversed(out) if mv.actor == agent.actor and mv.issue
                              and mv.type in ("demand", "offer")), issue)
            if mtype in _REPORTING or cue_text.lower() in _REPORTING_VERBS:
                self._reporter = (si, m.tok_end, agent)
            for who, how in agents:
                key = (si, who.actor, mtype)
                if key in seen:
                    continue
                seen.add(key)
                target = victim if victim is not None else self._target(tokens, m, who.actor, by_sent[si])
                out.append(MoveFinding(who.actor, mtype, target, text[m.start:m.end], f"{form}/{how}",
                                       conf if how != "co-subject" else round(conf - 0.05, 2),
                                       evidence_span(text, sent, (m.start, m.end)), si, channel, issue,
                                       m.tok_start))
        if self.own_forces:
            for si, actor, k0, k1, mtype in _own_forces_moves(tokens, tok_sent, ment_at):
                if any(mv.sentence == si and mv.actor == actor and mv.type == mtype for mv in out):
                    continue
                channel = "closed" if si in direct_closed else ("public" if si in public_sents else None)
                span = (tokens[k0].start, tokens[k1 - 1].end)
                out.append(MoveFinding(actor, mtype, None, text[span[0]:span[1]], "verbal/own-forces", 0.7,
                                       evidence_span(text, sentences[si], span), si, channel, None, k0))
                acts.append((si, actor, k0))
        # "X announced that it would withdraw": the report is the act's vehicle, not a second act.
        def coordinated(st: MoveFinding, a_tok: int) -> bool:
            # T27: "said that the alliance stood by its ally and called for calm": a past verb after "and" that
            # follows the report's own clause is the reporter's second act, not what was reported
            return self.coordinated_acts and tokens[a_tok - 1].lower == "and" and \
                tokens[a_tok].lower.endswith("ed") and tokens[st.tok].lower.endswith(("said", "stated", "declared")) \
                and any(tokens[i].lower in _FINITE_PAST for i in range(st.tok + 2, a_tok - 1))

        def vehicle(st: MoveFinding) -> bool:
            return any(a_si == st.sentence and a_actor == st.actor and 0 < a_tok - st.tok <= 15
                       and not coordinated(st, a_tok)
                       and ("that" in {tokens[i].lower for i in range(st.tok, a_tok)} or a_tok - st.tok <= 4
                            # rules6: "Athens replied on 9 January, rejecting the claim": the participle's act
                            or (a_tok - st.tok <= 10 and tokens[a_tok - 1].text == ","
                                and tokens[a_tok].lower.endswith("ing"))
                            # T27: "said it was suspending military contacts": a reported clause without "that"
                            or (self.bare_reports and a_tok - st.tok <= 8 and st.tok + 1 < len(tokens)
                                and tokens[st.tok + 1].lower in {"it", "he", "she", "they"}
                                and not {",", ";"} & {tokens[i].text for i in range(st.tok, a_tok)}))
                       for a_si, a_actor, a_tok in acts)
        def carrier(mv: MoveFinding) -> bool:
            # rules6: "wrote to Reagan proposing ...", "sent a letter urging ...": the letter carries the act
            return mv.type == "inform" and any(
                a_si == mv.sentence and a_actor == mv.actor and 0 < a_tok - mv.tok <= 12 and (
                    tokens[a_tok].lower.endswith("ing") or "that" in {tokens[i].lower for i in range(mv.tok, a_tok)})
                for a_si, a_actor, a_tok in acts)
        act_type = {(mv.sentence, mv.actor, mv.tok): mv.type for mv in out}

        def agreed_act(mv: MoveFinding) -> bool:
            # rules6: "agreed to drop its claims", "undertook to deliver fuel oil": what was agreed to decides the
            # type (the agreement is its vehicle), as a statement's content does
            return mv.type == "accept" and mv.cue.lower().endswith(" to") and any(
                a_si == mv.sentence and a_actor == mv.actor and 0 < a_tok - mv.tok <= 4 and
                act_type.get((a_si, a_actor, a_tok)) not in (None, "accept", "statement", "consult", "reject")
                for a_si, a_actor, a_tok in acts)
        def setting(mv: MoveFinding) -> bool:
            # rules6: "pressed Clinton in private telephone calls not to ...", "a plan worked out in telephone
            # calls": talks named as where or how another act of the same actor was done are its setting
            k = mv.tok - 1
            while k >= 0 and mv.tok - k <= 3 and tokens[k].text.isalpha() and tokens[k].text.islower() and \
                    tokens[k].lower not in {"in", "during", "over", "through", "via", "by"}:
                k -= 1
            return mv.type == "consult" and k >= 0 and tokens[k].lower in {"in", "during", "over", "through", "via"} \
                and any(o is not mv and o.sentence == mv.sentence and o.actor == mv.actor and o.type not in
                        ("consult", "statement") for o in out)
        kept = [mv for mv in out if ((mv.type not in _REPORTING and mv.tok not in reported_conditional)
                                     or not vehicle(mv)) and not carrier(mv) and not agreed_act(mv)
                and not setting(mv)]
        for mv in kept:
            if mv.type == "statement" and mv.tok in told_private:
                mv.type = "inform"
        return kept

    @staticmethod
    def _closed_context(text: str, sentences: list[Sentence], closed: set[int], public: set[int],
                        with_actor: set[int] | None = None) -> set[int]:
        """A closed-track cue ("met secretly in Muscat.") sets the scene for what follows: the next
        two sentences of the same paragraph are on the closed track too, until a public cue. A cue in a
        sentence that names no actor ("What happened then took place out of public view.") or opens a
        paragraph introduces the whole paragraph."""
        out: set[int] = set()
        for si in sorted(closed):
            opens = si == 0 or "\n\n" in text[sentences[si - 1].end:sentences[si].start]
            scene = with_actor is not None and si not in with_actor
            reach = len(sentences) if opens or scene else 2
            for nxt in range(si + 1, min(len(sentences), si + 1 + reach)):
                if nxt >= len(sentences) or nxt in public or \
                        "\n\n" in text[sentences[nxt - 1].end:sentences[nxt].start]:
                    break
                out.add(nxt)
        return out

    def _announced_passive(self, tokens: list[Token], s_tok: int, cue: int, agent: Mention) -> bool:
        """"<agent> announced/said that <something> would/will be <participle>": the agent, the subject of
        the reporting verb, commits itself to the act (T14). Only a future ("would/will be"), not a report
        of what happened ("said that the pilot had been captured")."""
        if cue - 2 <= s_tok or tokens[cue - 1].lower != "be" or tokens[cue - 2].lower not in {"would", "will"}:
            return False
        for k in range(cue - 3, max(s_tok, agent.tok_end) - 1, -1):
            if tokens[k].lower == "that" and k - 1 >= agent.tok_end and k - agent.tok_end <= 4 and \
                    tokens[k - 1].lower in _REPORTING_VERBS | {"announced", "confirmed"}:
                return True
            if tokens[k].text in {";", "."}:
                return False
        return False

    @staticmethod
    def _venue_after(tokens: list[Token], after: int, e_tok: int, ment_at: dict[int, Mention]) -> Mention | None:
        """The actor named as the place one was called to: "to/by (the) <actor>" within three words."""
        k = after
        while k < min(e_tok, after + 3):
            if tokens[k].lower in {"to", "by", "into"}:
                j = k + 1
                if j < e_tok and tokens[j].lower == "the":
                    j += 1
                return ment_at.get(j)
            k += 1
        return None

    @staticmethod
    def _reported_commitment(tokens: list[Token], s_tok: int, cue: int, ment_at: dict[int, Mention]) -> bool:
        """"<reported> that it/they/<actor> would <cue>": an announced commitment, not a conditional."""
        k = cue - 1
        while k > s_tok and tokens[k].lower != "would" and cue - k < 4:
            k -= 1
        if tokens[k].lower != "would":
            return False
        j = k - 1
        if j > s_tok and tokens[j].lower in {"it", "they", "he", "she"}:
            j -= 1
        elif k + 1 == cue - 1 and tokens[k + 1].lower == "be" and j not in ment_at:
            # T14: "announced that the pilot would be freed": a passive whose subject is no actor
            q = j
            while q > s_tok and q > j - 4 and tokens[q].lower != "that" and q not in ment_at:
                q -= 1
            if tokens[q].lower != "that":
                return False
            j = q
        elif j in ment_at:
            j = ment_at[j].tok_start - 1
            if j > s_tok and tokens[j].lower == "the":
                j -= 1
        else:
            return False
        if j >= s_tok and tokens[j].lower in _REPORTING_VERBS | {"warned", "vowed"}:
            return True  # T17: "said it would retaliate", "warned Russia would respond" (no "that")
        # "announced on Radio Moscow that ...": the reporting verb may stand a few words before "that"
        return j > s_tok and tokens[j].lower == "that" and any(
            tokens[i].lower in _REPORTING_VERBS for i in range(max(s_tok, j - 5), j))

    @staticmethod
    def _governed(tokens: list[Token], m: Match, form: str, si: int, governors: list[tuple[int, int]]) -> bool:
        """True when the cue sits in the object of an earlier demand/offer/threat verb of the same
        sentence, with no comma between ("demanded the withdrawal of", "demanded that X withdraw")."""
        for g_si, g_end in reversed(governors):
            if g_si != si or g_end > m.tok_start:
                continue
            between = [tokens[i].lower for i in range(g_end, m.tok_start)]
            if len(between) > 15 or any(w in {",", ";", ":", "—", "–"} for w in between):
                return False
            if any(a in {"and", "but"} and b == "that" for a, b in pairwise(between)):
                return False  # "invited X to meet and that X had accepted": a second, parallel report
            return form == "nominal" or "that" in between or "to" in between
        return False

    @staticmethod
    def _listed_after(tokens: list[Token], agent: Mention, e_tok: int, ment_at: dict[int, Mention]) -> list[Mention]:
        """"signed by Aliyev, Pashinyan and Putin": every actor listed after a by-agent acts too (the
        list runs over commas, "and", titles and names; anything else ends it)."""
        out: list[Mention] = []
        t = agent.tok_end
        while t < e_tok:
            tok = tokens[t]
            if t in ment_at:
                x = ment_at[t]
                if x.actor != agent.actor and all(o.actor != x.actor for o in out):
                    out.append(x)
                t = max(t + 1, x.tok_end)
                continue
            if tok.text in {",", "and"} or tok.lower in _TITLE_WORDS_LIST or (tok.text[:1].isupper() and
                                                                               tok.text.isalpha()):
                t += 1
                continue
            break
        return out

    @staticmethod
    def _two_parties_subject(tokens: list[Token], c_a: int, cue: int, they: bool = True) -> bool:
        """"They met", "the two leaders met and agreed", "both sides agreed": a subject naming two parties.
        "Both sides/the two governments" fits every move type (T10); a bare "they" only meetings and
        agreements (elsewhere it is as often one group)."""
        words = [tokens[k].lower for k in range(max(c_a, cue - 5), cue)]
        if they and "they" in words[-3:]:
            return True
        return any((a == "the" and b == "two") or (a == "both" and b in {"sides", "leaders", "countries", "governments",
                                                                      "parties", "men", "ministers",
                                                                      # T27: "both presidents asked"
                                                                      "presidents", "premiers", "states", "nations",
                                                                      "capitals", "delegations"})
                   or (a == "the" and b == "leaders" and k == len(words) - 2)  # T14: "The leaders sat down"
                   for k, (a, b) in enumerate(pairwise(words)))

    @staticmethod
    def _group_subject(tokens: list[Token], lo: int, hi: int) -> int:
        """"The four states handed ...", "the foreign ministers of the three governments said": a subject
        naming a group of N >= 3 parties in tokens ``lo:hi`` (T14); returns N, else 0. Two is
        `_two_parties_subject`'s."""
        words = [tokens[k].lower for k in range(lo, hi)]
        for k in range(len(words) - 2):
            n = _NUMBER_WORDS.get(words[k + 1])
            if words[k] in {"the", "all", "these", "those"} and n and n >= 3 and (
                    words[k + 2] in _GROUP_NOUNS or (k + 3 < len(words) and words[k + 3] in _GROUP_NOUNS)):
                return n
        return 0

    def _last_list(self, tokens: list[Token], cue: int, n: int) -> list[Mention]:
        """The last list of exactly ``n`` distinct states named together ("Saudi Arabia, the United Arab
        Emirates, Bahrain and Egypt") before the cue: the members of "the four states"."""
        states = [m for m in self._all_mentions if m.tok_end <= cue and m.rule in ("name", "alias", "adjective")
                  and self._info(m.actor).kind == "state"]
        best: list[Mention] = []
        run: list[Mention] = []
        for m in states:
            if run and all(tokens[k].lower in {",", "and", "the", "as", "well"}
                           for k in range(run[-1].tok_end, m.tok_start)) and m.tok_start - run[-1].tok_end <= 3:
                run.append(m)
            else:
                run = [m]
            actors = list(dict.fromkeys(x.actor for x in run))
            if len(actors) == n and len(run) == n:
                best = list(run)
        return best

    def _last_two_parties(self, tokens: list[Token], cue: int, si: int) -> list[Mention]:
        """The last two distinct actors named (not as places or adjectives) in this sentence before the
        cue or in the sentence before: the two parties of "they met"."""
        pool = [m for m in [*self._all_mentions, *self._unknown] if m.tok_end <= cue and si - 1 <= m.sentence <= si
                and m.rule != "adjective"]
        out: list[Mention] = []
        for m in sorted(pool, key=lambda m: m.tok_start, reverse=True):
            if not m.actor:
                return []  # an unknown person is one of the parties
            if m.tok_end < len(tokens) and tokens[m.tok_end].lower in {"summit", "meeting", "talks", "conference"}:
                continue  # "the BRICS summit": where they met
            if all(o.actor != m.actor for o in out):
                out.append(m)
            if len(out) == 2:
                return out[::-1]
        return []

    def _counterparts(self, tokens: list[Token], m: Match, e_tok: int, ment_at: dict[int, Mention],
                      agents: list[tuple[Mention, str]]) -> list[Mention]:
        """An agreement is reciprocal: "A signed a deal with B", "A agreed with B on ..." give B the
        same move (T10). Only a party named right after the cue, through "with" and determiners or
        titles, counts. Meetings are not made reciprocal: the gold files credit the one who went ("X met
        Kim in Pyongyang" is X's consult), and a mediator's calls "between A and B" are the mediator's."""
        head = tokens[m.tok_start].lower
        if head.startswith(("visit", "travel", "flew", "arriv", "host", "went", "sent", "led", "shuttl", "mediat")):
            return []
        glue = {"with", "between", "and", "the", "his", "her", "its", "their", "of", "counterpart", "counterparts",
                "leaders", "leader", "officials", "delegation", "delegations", "representatives", "envoys", "envoy",
                "president", "prime", "minister", "foreign", "ministers", "secretary", "state", "a", "an", "deal",
                "agreement", "accord", "talks", "meeting", "meetings", "directly", "again", "new", "bilateral"}
        have = {a.actor for a, _ in agents}
        out: list[Mention] = []
        k = m.tok_end
        gap = 0
        while k < e_tok and gap <= 6:
            mention = ment_at.get(k)
            if mention is not None:
                if mention.rule == "adjective" or not mention.actor:
                    return out
                if mention.actor not in have:
                    have.add(mention.actor)
                    out.append(mention)
                k = mention.tok_end
                continue
            if tokens[k].lower not in glue:
                break
            k += 1
            gap += 1
        if head.startswith(("agree", "accept", "sign", "reach", "struck", "conclud", "settl")) and \
                not any(tokens[q].lower == "with" for q in range(m.tok_end, min(k, e_tok))):
            return []  # "accepted the plan of B": B did not accept; "agreed with B": both did
        return out

    @staticmethod
    def _after_quote(tokens: list[Token], m: Match, e_tok: int,
                     ment_at: dict[int, Mention]) -> Mention | bool | None:
        """A reporting verb after a closing quote: the speaker named between the quote and the verb
        ('," Russia said') or right after it ('," said Russia'); None when the speaker is no actor ('," the
        spokesperson said'); False when the cue does not follow a quote."""
        if tokens[m.tok_start].lower not in _REPORTING_VERBS | {"says", "said", "added", "told"}:
            return False
        q = m.tok_start - 1
        while q >= 0 and m.tok_start - q <= 6 and tokens[q].text not in _CLOSE_QUOTES:
            if tokens[q].text in {".", ";", ":"} or tokens[q].lower in {"that", "and", "but"}:
                return False
            q -= 1
        if q < 1 or tokens[q].text not in _CLOSE_QUOTES or tokens[q - 1].text not in {",", ".", "?", "!"}:
            return False
        between = [ment_at[k] for k in range(q + 1, m.tok_start) if k in ment_at]
        if between:
            return between[-1]
        if m.tok_start == q + 1:  # '," said Russia'
            for k in range(m.tok_end, min(e_tok, m.tok_end + 4)):
                if k in ment_at:
                    return ment_at[k]
        return None

    @staticmethod
    def _involving(tokens: list[Token], after: int, e_tok: int, ment_at: dict[int, Mention]) -> list[Mention]:
        """T27: "weeks of discreet contacts involving British, Swedish and Iranian officials", "talks among
        Egypt, Jordan and Israel": the parties listed after a meeting noun (two to four; a list of adjectives
        counts when it ends in a people word: officials, diplomats, negotiators ...)."""
        if after >= e_tok or tokens[after].lower not in {"involving", "among", "amongst"}:
            return []
        out: list[Mention] = []
        k = after + 1
        while k < e_tok and len(out) < 5:
            mention = ment_at.get(k)
            if mention is not None:
                if not mention.actor:
                    return []
                out.append(mention)
                k = mention.tok_end
                continue
            if tokens[k].lower not in {"the", "and", ",", "its", "their", "a"}:
                break
            k += 1
        if any(x.rule.startswith("adjective") for x in out) and (k >= e_tok or tokens[k].lower not in _PEOPLE_WORDS):
            return []  # "involving British ships": not the states' talks
        return out if 2 <= len(out) <= 4 and len({x.actor for x in out}) == len(out) else []

    @staticmethod
    def _between(tokens: list[Token], after: int, e_tok: int, ment_at: dict[int, Mention]) -> list[Mention]:
        """T14: "a telephone call between the emir and the Saudi crown prince", "talks between Spain and
        Morocco": the parties a meeting noun names are its parties too (a broker who arranged it keeps
        their own move). An adjective counts before a title or a people word ("the Saudi crown prince")."""
        k = after
        if k < e_tok and tokens[k].lower != "between":
            return []
        out: list[Mention] = []
        k += 1
        while k < e_tok and len(out) < 2:
            mention = ment_at.get(k)
            if mention is not None:
                if not mention.actor:
                    return []
                nxt = tokens[mention.tok_end].lower if mention.tok_end < e_tok else ""
                if mention.rule != "adjective" or nxt in _PEOPLE_WORDS:
                    out.append(mention)
                k = mention.tok_end
                continue
            if tokens[k].lower not in {"the", "and", "its", "their", "his", "her", "a"} and \
                    tokens[k].lower not in _PEOPLE_WORDS:
                break
            k += 1
        return out if len(out) == 2 else []

    def _co_agents(self, tokens: list[Token], agent: Mention, s_tok: int, ment_at: dict[int, Mention]) -> list[Mention]:
        """"Russia and China supported": the actors coordinated with the subject act too. Not the object
        of a fronted phrase before a comma ("In a letter to Putin, Macron urged": rules6)."""
        out: list[Mention] = []
        cur = agent
        while True:
            q = cur.tok_start - 1
            if q >= s_tok and tokens[q].lower == "the":
                q -= 1
            if q - 1 < s_tok or tokens[q].lower not in {"and", ","}:
                return out
            prev = ment_at.get(q - 1)
            if prev is None or prev.actor == agent.actor or prev in out:
                return out
            if tokens[q].text == "," and self._is_object(tokens, prev):
                return out
            out.append(prev)
            cur = prev

    def _issue_positions(self, tokens: list[Token], issues: list[IssueFinding]) -> list[tuple[int, int, str]]:
        """(sentence, token, issue id) for every cue of every issue found."""
        starts = {t.start: i for i, t in enumerate(tokens)}
        out = []
        for f in issues:
            for si, s in f.positions:
                k = starts.get(s)
                if k is not None:
                    out.append((si, k, f.id))
        return sorted(out)

    @staticmethod
    def _nearest_issue(issue_at: list[tuple[int, int, str]], si: int, m: Match, tokens: list[Token],
                       s_tok: int, e_tok: int) -> tuple[str | None, bool]:
        """The issue a move is about and whether it is named in the cue's own clause: an issue in
        that clause wins, else the issue named nearest to the cue in the sentence (not merely the
        first one the sentence names)."""
        here = [(k, iid) for s, k, iid in issue_at if s == si]
        if not here:
            return None, False
        a, b = _clause_bounds(tokens, s_tok, e_tok, m.tok_start)
        same = [(k, iid) for k, iid in here if a <= k < b]
        pool = same or here
        return min(pool, key=lambda x: (abs(x[0] - m.tok_start), x[0]))[1], bool(same)

    def _agent(self, tokens: list[Token], m: Match, form: str, s_tok: int, e_tok: int,
               ment_at: dict[int, Mention], in_sentence: list[Mention],
               persons: list[Mention]) -> tuple[Mention | None, str]:
        # An actor inside the cue after "of" ("concentration of Russian troops") did it; one
        # in an object slot ("force Russia to") is the target, handled by _target.
        patient_of = m.key.split("|")[1] in ("reduce_relations", "sanction")  # "the expulsion of Russian diplomats"
        for t in range(m.tok_start, m.tok_end):
            if t in ment_at and t > m.tok_start and tokens[ment_at[t].tok_start - 1].lower == "of" and not patient_of:
                return ment_at[t], "inside"
        # Passive: "... put forward by Russia"
        by_start = m.tok_end - 1 if tokens[m.tok_end - 1].lower == "by" else m.tok_end  # the cue "signed by"
        active = form == "verbal" and m.tok_start > s_tok and tokens[m.tok_start - 1].lower not in _PASSIVE_AUX \
            and not (tokens[m.tok_start].lower == "came" and tokens[m.tok_start + 1].lower == "under")  # T17
        for t in range(by_start, min(e_tok, m.tok_end + 5)):
            if tokens[t].lower == "by" and active and t - m.tok_end >= 1:
                break  # "called the agreement a capitulation by Armenia": the by-phrase is the object's
            if tokens[t].lower == "by" and t + 1 < e_tok:
                for u in range(t + 1, min(e_tok, t + 4)):
                    if u in ment_at:
                        return ment_at[u], "by-agent"
                break
            if tokens[t].lower == "from" and form == "verbal" and not active and t + 2 < e_tok and \
                    m.key.split("|")[1] in _FORCEFUL:
                # T14: "the island was shelled from the North Korean coast": where fire came from fired it
                u = t + 2 if tokens[t + 1].lower == "the" else t + 1
                if u in ment_at and ment_at[u].actor:
                    return ment_at[u], "by-agent"
                break
            if tokens[t].text in {",", ";", "."}:
                break
        # An adjective right before a nominal cue: "American pressure", "Soviet proposals"
        adj = ment_at.get(m.tok_start - 1)
        if adj is not None and adj.rule.startswith("adjective") and adj.tok_end == m.tok_start and (
                form == "nominal" or not tokens[m.tok_start].lower.endswith(("ed", "ing"))):
            q = adj.tok_start - 1
            if q >= s_tok and tokens[q].lower in {"the", "a", "an"}:
                q -= 1
            gov = tokens[q] if q >= s_tok else None
            # "rejected the American proposal": the object of another verb is not an act of its own
            if gov is None or not (gov.text.isalpha() and gov.text.islower() and gov.lower not in _BEFORE_SUBJECT
                                   and gov.lower not in _OBJECT_PREPS):
                return adj, "possessive"
        # Possessive: "Russia's demands", "His proposals"
        for t in range(m.tok_start - 1, max(s_tok, m.tok_start - 4) - 1, -1):
            if tokens[t].lower in {"'s", "’s"} and t - 1 in ment_at:
                return ment_at[t - 1], "possessive"
            if tokens[t].lower in _POSS_PRONOUNS and t == m.tok_start - 1:
                ref = self._antecedent(persons, tokens[t].start, m)
                if ref is not None:
                    return ref, "pronoun-possessive"
            if tokens[t].lower in {"its", "their"} and t == m.tok_start - 1 and form == "nominal" and \
                    self.its_acts and t - 1 >= s_tok and tokens[t - 1].text.islower() and \
                    tokens[t - 1].lower not in _OBJECT_PREPS | self.cues.locative and \
                    not any(c.tok_start == t - 1 for c in self._cue_starts):
                # rules6: "Kuwait ... kept its mediation going": "its" act noun as the object of a plain verb is
                # the verb's subject's (not "rejected their proposal": a cue verb there makes it an object)
                fake = Match(m.key, tokens[t - 1].start, tokens[t - 1].end, t - 1, t)
                got, how = self._agent(tokens, fake, "verbal", s_tok, e_tok, ment_at, in_sentence, persons)
                if got is not None and how in ("subject", "pronoun"):
                    return got, "pronoun-possessive"  # the subject of the verb whose object it is
            if tokens[t].text in {",", ";", "."} or tokens[t].lower in {"to", "a", "an", "the", "of", "for", "with",
                                                                         "on", "in", "at"}:
                break
        # Of-phrase after a noun: "the withdrawal of the United States"
        if form == "nominal":
            if m.tok_end < e_tok and tokens[m.tok_end].lower == "of" and not patient_of:
                for u in range(m.tok_end + 1, min(e_tok, m.tok_end + 4)):
                    if u in ment_at:
                        return ment_at[u], "of-agent"
            # "X answered with threats", "X responded with sanctions": the noun is X's act
            w = m.tok_start - 1
            if not (w - 1 > s_tok and tokens[w].lower == "with" and tokens[w - 1].text.islower()
                    and tokens[w - 1].lower.endswith("ed")):
                return None, ""
        # T27: "with the Chinese side pressing for stronger language": the absolute clause's own subject
        if self.absolute_with and form == "verbal" and tokens[m.tok_start].lower.endswith("ing"):
            for w in range(m.tok_start - 1, max(s_tok, m.tok_start - 6) - 1, -1):
                if tokens[w].text in {",", ";", ":"}:
                    break
                if tokens[w].lower == "with":
                    inner = [ment_at[k] for k in range(w + 1, m.tok_start) if k in ment_at]
                    rest = {tokens[k].lower for k in range(w + 1, m.tok_start) if k not in ment_at}
                    if inner and rest <= {"the", "side", "sides", "government", "officials", "delegation",
                                          "negotiators", "leadership", "authorities"}:
                        return inner[-1], "subject"
                    break
        # A participle after a noun ("a message proposing that ...") belongs to the main clause.
        prev = tokens[m.tok_start - 1] if m.tok_start > s_tok else None
        obj = ment_at.get(m.tok_start - 1)
        if obj is not None:  # T14: "wrote to President Ronald Reagan proposing ...": the object does not propose
            q = obj.tok_start - 1
            while q > s_tok and (tokens[q].text[:1].isupper() or tokens[q].text == ".") and tokens[q].text.isalpha():
                q -= 1
            obj_before = tokens[q].lower if q >= s_tok else ""
            obj = obj if obj_before in _OBJECT_PREPS | {"to"} or (
                tokens[q].text.islower() and obj_before.endswith("ed") and obj_before not in _AUXILIARIES) else None
        if tokens[m.tok_start].lower.endswith("ing") and prev is not None and prev.text.isalpha() and (
                obj is not None or ((prev.text.islower() or (self.participle_dates and prev.text in _MONTHS))
                                    and prev.lower not in _AUXILIARIES and m.tok_start - 1 not in ment_at)):
            for mention in in_sentence:
                if mention.tok_start >= m.tok_start:
                    break
                q = mention.tok_start - 1
                if q > s_tok and tokens[q].lower == "the":
                    q -= 1
                p = tokens[q].lower if q >= s_tok else ""
                if p not in self.cues.locative and p not in _OBJECT_PREPS and not self._is_object(tokens, mention):
                    return mention, "main-subject"
        if form == "verbal" and active and m.tok_start - 1 > s_tok and tokens[m.tok_start - 1].text == ",":
            ante = _relative_antecedent(tokens, m.tok_start - 1, s_tok, ment_at)
            if ante is not False:
                # rules6: "China, which had been asked by Seoul and Washington to restrain its ally, objected":
                # the verb after a closed relative clause is its antecedent's (no actor there, no move)
                return (ante, "subject") if ante is not None else (None, "unnamed")
        if form == "verbal" and active:
            np = _noun_phrase_subject(tokens, m.tok_start, s_tok, ment_at)
            if np is not None:
                return np, "subject"
            if self.unnamed_subjects and _unnamed_subject(tokens, m.tok_start, s_tok, ment_at) and \
                    _finite_head(tokens, m.tok_start):
                # rules6: "47 senators sent an open letter", "Diplomats in Brussels said": a subject that names
                # no actor is nobody's act (not the last actor named, nor the story's)
                return None, "unnamed"
        # Subject: the nearest actor before the verb that is not a place ("in Belarus")
        unknown = {t for u in self._unknown for t in range(u.tok_start, u.tok_end)}
        for t in range(m.tok_start - 1, s_tok - 1, -1):
            if t in unknown:
                return None, ""  # an unknown person acts: better no move than a wrong actor
            if form == "verbal" and active and t < m.tok_start - 1 and m.tok_start - t <= 6 and \
                    tokens[t].lower in _BARRIER_VERBS and _content_between(tokens, t + 1, m.tok_start) and \
                    _finite_head(tokens, m.tok_start) and tokens[m.tok_start - 1].lower != "be":
                # rules6: "Kosovo said gunmen attacked its police": the reported clause has a subject of
                # its own that names no actor; the reporter is not the doer
                return None, ""
            if tokens[t].lower in _PRONOUNS and t not in ment_at:
                rep = self._reporter
                if t - 1 > s_tok and tokens[t - 1].lower == "that" and rep is not None and \
                        rep[0] == self._tok_sent[t] and 0 < t - rep[1] <= 4:
                    return rep[2], "pronoun"  # "X, said that he had agreed": the reporter
                ref = self._antecedent(persons, tokens[t].start, m)
                if ref is not None:
                    return ref, "pronoun"
                break
            if tokens[t].lower in {"which", "who"} and t - 1 > s_tok and m.tok_start - t <= 3 and \
                    not any(tokens[k].text == "," for k in range(t + 1, m.tok_start)):
                # ", which will send ...": the relative clause's subject is the noun before the comma;
                # "... and which has mediated": the same as the earlier ", which"
                k = t
                if tokens[t - 1].lower == "and":
                    k = next((j for j in range(t - 2, s_tok, -1) if tokens[j].lower == tokens[t].lower
                              and tokens[j - 1].text == ","), -1)
                if k > s_tok + 1 and tokens[k - 1].text == ",":
                    ante = ment_at.get(k - 2)
                    if ante is not None:
                        return ante, "subject"
                    if tokens[k - 2].lower not in _DOCUMENTS and not tokens[k - 2].text.isdigit():
                        return None, ""
                    continue  # "adopted Resolution 502, which demanded": the adopter's act
                if tokens[t - 1].lower == "and":
                    return None, ""
            c0 = _clause_bounds(tokens, s_tok, e_tok, t)[0]
            if tokens[t].lower in {"it", "they"} and t not in ment_at and m.tok_start - t <= 3 and (
                    t == s_tok or tokens[t - 1].lower in {",", "and", "but", "then", "that", ";", "so"}
                    or (tokens[c0].lower in _FRONTED and t - c0 <= 5)):  # "In July it launched"
                ref = self._actor_antecedent(tokens, tokens[t].start, tokens[t].lower)
                if ref is not None:
                    return ref, "pronoun"
                break
            mention = ment_at.get(t)
            if mention is None or t != mention.tok_end - 1:
                continue
            if t + 2 < m.tok_start and tokens[t + 1].text in {"-", "–"} and tokens[t + 2].lower in _LED:
                # rules6: "The Saudi-led coalition expelled Qatar": the state modifies the subject, it is not it
                if m.tok_start - (t + 3) <= 3 and all(tokens[k].text.isalpha() and tokens[k].text.islower()
                                                      for k in range(t + 3, m.tok_start)):
                    return None, "unnamed"
                continue
            if t + 1 < m.tok_start and tokens[t + 1].lower in {"'s", "’s"} and not any(
                    tokens[k].lower in _AGENT_HEADS for k in range(t + 2, min(m.tok_start, t + 6))):
                continue  # "North Korea's partners voted": the possessor is not the subject ("India's army" is)
            q = mention.tok_start - 1
            if q > s_tok and (tokens[q].lower == "the" or (tokens[q].lower in {"a", "an"} and
                                                           mention.rule.startswith("adjective"))):
                q -= 1  # rules6: "refused help from a Greek tug": an object's adjective is no subject either
            p = tokens[q].lower if q >= s_tok else ""
            if p == "for" and q == s_tok:
                p = ""  # "For the United States, the aim was to ...": a perspective, not an object
            raw = tokens[q].text if q >= s_tok else ""
            if p == "of" and q - 1 >= s_tok and (tokens[q - 1].lower in _TITLES or tokens[q - 1].lower in _AGENT_HEADS):
                p = raw = ""  # "the Sultan of Oman offered", "soldiers of Pakistan's army": the holder acts
            if p in self.cues.locative or p in _OBJECT_PREPS or p == "by":
                continue
            if p in {"which", "whom"} and any(tokens[k].text == "," for k in range(mention.tok_end, m.tok_start)):
                continue  # "..., which India opposed, and refused": the relative clause's subject
            if self.reduced_relatives and mention.tok_end == m.tok_start and form == "verbal" and raw.isalpha() \
                    and raw.islower() and q - 1 >= s_tok and tokens[q - 1].lower in {"a", "an", "the", "this", "that",
                                                                                     "any", "every", "each"}:
                return mention, "subject"  # T27: "an idea Britain rejected", "a charge Erdogan rejected"
            if raw.isalpha() and raw.islower() and p not in _BEFORE_SUBJECT and not p.endswith("ly"):
                continue  # an object: "admit United Nations inspectors"
            if self._in_complement(tokens, mention, m.tok_start, s_tok):
                continue
            if any(tokens[i].text == ")" for i in range(mention.tok_end, m.tok_start)) and \
                    any(tokens[i].text == "(" for i in range(s_tok, mention.tok_start)):
                continue  # inside a parenthesis: "(the five members ..., plus Germany) met"
            return mention, "subject"
        # "(negotiated in) telephone calls between Putin and ...": with no subject, the parties named
        for t in range(m.tok_end, min(e_tok, m.tok_end + 2)):
            if tokens[t].lower == "between" and m.key == "V|consult":
                for u in range(t + 1, min(e_tok, t + 4)):
                    if u in ment_at:
                        return ment_at[u], "by-agent"
        # Participle opening ("Using ..., the United States began ...")
        if tokens[s_tok].lower.endswith("ing"):
            for mention in in_sentence:
                if mention.tok_start > m.tok_end:
                    return mention, "participle-subject"
        return None, ""

    def _actor_antecedent(self, tokens: list[Token], before: int, pronoun: str) -> Mention | None:
        """'it'/'they' as a subject: the last state, bloc, organisation or group named before it in
        this or the two sentences before that is not an object or a possessor (persons are 'he'/'she')."""
        si = next((m.sentence for m in self._all_mentions if m.start >= before), None)
        for m in reversed(self._all_mentions):
            if m.end > before or m.rule == "person":
                continue
            if si is not None and si - m.sentence > 2:
                return None
            kind = self._info(m.actor).kind
            if pronoun == "it" and kind not in ("state", "organisation", "bloc", "faction"):
                continue
            if self._is_object(tokens, m) or (m.tok_end < len(tokens) and tokens[m.tok_end].lower in {"'s", "’s"}):
                continue
            if m.rule == "adjective":
                continue
            return m
        return None

    @staticmethod
    def _antecedent(persons: list[Mention], before: int, m: Match) -> Mention | None:
        """'He'/'his': the last named person before the pronoun who is not an object ("assured
        Dobrynin"), within a short reach (a wrong guess is worse than none)."""
        cand = [p for p in persons if p.end <= before]
        if not cand:
            return None
        last = max(cand, key=lambda p: p.end)
        if not last.actor:
            return None  # the last person named is unknown: do not pass their act to someone else
        return last if m.start - last.end < 600 else None

    def _unnamed_officials(self, tokens: list[Token], mentions: list[Mention]) -> list[Mention]:
        """rules6: "the Russian president", "Pakistan's foreign minister" with no name after the title: a
        person of that state, the antecedent a later "he"/"she" refers back to (not a mention: the
        demonym or possessor already names the state as the subject)."""
        from detente.text.people import TITLE_HEADS, TITLE_WORDS

        out: list[Mention] = []
        n = len(tokens)
        for m in mentions:
            if m.rule not in ("adjective", "adjective+institution", "name", "alias") or \
                    self._info(m.actor).kind != "state":
                continue
            k = m.tok_end
            if m.rule in ("name", "alias"):
                if k >= n or tokens[k].lower not in {"'s", "’s"}:
                    continue
                k += 1
            j = k
            while j < n and j - k < 4 and tokens[j].text.islower() and tokens[j].lower in TITLE_WORDS - {"of", "."}:
                j += 1
            if j == k or tokens[j - 1].lower not in TITLE_HEADS or (j < n and tokens[j].text[:1].isupper()) or \
                    (j + 1 < n and tokens[j].text == "," and tokens[j + 1].text[:1].isupper()):
                continue  # no title, or a name follows ("the Russian president, Vladimir Putin,")
            out.append(Mention(m.actor, m.start, tokens[j - 1].end, "", "person", 0.7, m.sentence, m.tok_start, j))
        return out

    def _is_object(self, tokens: list[Token], mention: Mention) -> bool:
        """After a preposition or a lowercase content word ("assured Dobrynin", "with Haig")."""
        q = mention.tok_start - 1
        if q >= 0 and tokens[q].text.islower() and tokens[q].lower in _TITLE_WORDS_OBJ and mention.rule == "person":
            # rules6: "Pakistan's prime minister Imran Khan spoke": a title before a name is no verb
            while q >= 0 and tokens[q].text.islower() and tokens[q].lower in _TITLE_WORDS_OBJ:
                q -= 1
            if q >= 0 and tokens[q].lower in {"'s", "’s"}:
                q -= 1
            while q >= 0 and tokens[q].text[:1].isupper() and tokens[q].text.isalpha() and tokens[q].lower != "the":
                q -= 1
        if self.appositive_objects and mention.rule == "person":
            # T27: "to Alexei Kosygin", "met President Johnson": the given names and titles before a surname (at
            # most two, and only when a lowercase word stands before them: "In August President Trump" is no object)
            r = q
            while r > 0 and q - r < 2 and tokens[r].text[:1].isupper() and tokens[r].text.isalpha():
                r -= 1
            if r < q and tokens[r].text.isalpha() and tokens[r].text.islower():
                q = r
        if q > 0 and tokens[q].lower in {"the", "a", "an"}:
            q -= 1  # rules6: "told the United States that it would ...": the article does not make a subject
        if q < 0:
            return False
        if self.appositive_objects and tokens[q].text == "," and mention.tok_end < len(tokens) and \
                tokens[mention.tok_end].text == ",":
            # T27: "In a message to Alexei Kosygin, the Soviet premier, he asked": an apposition to an object
            r = q - 1
            while r >= 0 and tokens[r].text[:1].isupper() and tokens[r].text.isalpha():
                r -= 1
            if 0 <= r < q - 1 and (tokens[r].lower in _OBJECT_PREPS or tokens[r].lower in self.cues.locative):
                return True
        p, raw = tokens[q].lower, tokens[q].text
        if p in _OBJECT_PREPS or p in self.cues.locative:
            return True
        return raw.isalpha() and raw.islower() and p not in _BEFORE_SUBJECT and not p.endswith("ly")

    @staticmethod
    def _in_complement(tokens: list[Token], mention: Mention, cue_tok: int, s_tok: int) -> bool:
        """True when ``mention`` is the subject of a that-clause which closes before the cue
        ("declared that Argentina had refused ..., announced sanctions")."""
        q = mention.tok_start - 1
        if q >= s_tok and tokens[q].lower == "the":
            q -= 1
        if q < s_tok or tokens[q].lower != "that":
            return False
        return any(tokens[i].text == "," for i in range(mention.tok_end, cue_tok))

    def _target(self, tokens: list[Token], m: Match, agent: str, in_sentence: list[Mention]) -> str | None:
        for mention in in_sentence:
            if mention.tok_start < m.tok_start + 1 or mention.actor == agent:
                continue
            if mention.tok_start - m.tok_end > 14:
                break
            if any(tokens[k].text == ";" or (tokens[k].text == "," and tokens[k + 1].lower in {"and", "but", "while",
                                                                                             "whereas"})
                   for k in range(m.tok_end, mention.tok_start)):
                break  # rules6: "shelled Tskhinvali, and Russian troops crossed": the next clause's actor
            q = mention.tok_start - 1
            if tokens[q].lower == "the":
                q -= 1
            if tokens[q].lower in self.cues.locative:
                continue  # "in Belarus" is where, not whom
            return mention.actor
        return None

    # -- audiences

    def _audiences(self, text: str, sentences: list[Sentence], tokens: list[Token], umatches: list[Match],
                   mentions: list[Mention]) -> list[AudienceFinding]:
        need = set(self.cues.raw["audiences"]["require_context"])
        ment_end: dict[int, Mention] = {m.tok_end - 1: m for m in mentions}
        found: dict[str, AudienceFinding] = {}
        for m in longest_first(umatches):
            head = text[m.start:m.end]
            if not any(w in head.lower() for w in need):
                continue
            mod_start = m.tok_start
            belongs = None
            prev = m.tok_start - 1
            if prev >= 0 and prev in ment_end:
                belongs = ment_end[prev].actor
                mod_start = ment_end[prev].tok_start
            elif prev >= 0 and tokens[prev].text[:1].isupper() and tokens[prev].lower not in {"the", "a", "an"}:
                mod_start = prev
            # "the elite in Russia", "the public of Ukraine"
            nxt = m.tok_end
            if belongs is None and nxt + 1 < len(tokens) and tokens[nxt].lower in {"in", "of"}:
                for u in range(nxt + 1, min(len(tokens), nxt + 3)):
                    mention = next((x for x in mentions if x.tok_start == u), None)
                    if mention is not None:
                        belongs = mention.actor
                        break
            if mod_start == m.tok_start and belongs is None and head.lower() in _AMBIGUOUS_HEADS:
                continue
            name = text[tokens[mod_start].start:m.end].strip('"')
            aid = _slug(name)
            si = _sentence_of(sentences, m.start)
            f = found.get(aid)
            conf = 0.7 if mod_start < m.tok_start or belongs else 0.5
            if f is None:
                found[aid] = AudienceFinding(aid, name[:1].upper() + name[1:], belongs, conf,
                                             evidence_span(text, sentences[si], (m.start, m.end)))
            else:
                f.count += 1
                f.confidence = round(min(0.9, max(f.confidence, conf) + 0.05), 2)
        return sorted(found.values(), key=lambda a: (-a.count, a.id))[:8]

    # -- claims

    def _claims(self, text: str, sentences: list[Sentence], omatches: list[Match]) -> list[ClaimFinding]:
        verdict = [v.lower() for v in self.cues.raw["outcomes"]["verdict"]]
        by_outcome: dict[str, list[tuple[float, Match, int]]] = defaultdict(list)
        for m in omatches:
            outcome = m.key.split("|")[1]
            if outcome == "verdict":
                continue
            si = _sentence_of(sentences, m.start)
            s_low = sentences[si].text.lower()
            has_verdict = any(v in s_low for v in verdict)
            position = si / max(1, len(sentences) - 1)  # verdicts cluster at the end
            score = 0.45 + (0.3 if has_verdict else 0.0) + 0.15 * position
            if sentences[si].is_question:
                score -= 0.3
            by_outcome[outcome].append((score, m, si))
        out: list[ClaimFinding] = []
        for outcome, hits in by_outcome.items():
            hits.sort(key=lambda h: (-h[0], h[1].start))
            score, m, si = hits[0]
            if score < 0.5 and len(hits) < 2:
                continue
            conf = round(min(0.95, score + 0.05 * (len(hits) - 1)), 2)
            others = [evidence_span(text, sentences[s], (h.start, h.end)) for _, h, s in hits[1:4]]
            out.append(ClaimFinding(outcome, text[m.start:m.end], conf,
                                    evidence_span(text, sentences[si], (m.start, m.end)), others))
        out.sort(key=lambda c: -c.confidence)
        return out


def extract(text: str, backend: str = "auto", actors: str = "named", organs: str = "merge") -> Extraction:
    """Extract everything the rules find in ``text`` (``actors``: see :meth:`Extractor._participants`;
    ``organs``: ``merge`` files "the Security Council" under the UN, ``split`` keeps it an actor).
    The compiled extractor is reused (compiling spaCy's matcher takes most of a short text's time;
    :meth:`Extractor.run` starts each text afresh; one extractor per thread, as a run keeps state)."""
    from detente.text.matching import spacy_available

    if backend == "auto":  # resolved now, so a cached spaCy extractor never stands in for python
        backend = "spacy" if spacy_available() else "python"
    if backend in ("python", "spacy") and actors in ("named", "participants") and organs in ("merge", "split"):
        return _cached_extractor(backend, actors, organs, threading.get_ident()).run(text)
    return Extractor(backend, actors, organs).run(text)


@functools.lru_cache(maxsize=8)
def _cached_extractor(backend: str, actors: str, organs: str, _thread: int) -> Extractor:
    return Extractor(backend, actors, organs)


def _the_short_forms(text: str, tokens: list[Token], mentions: list[Mention], tok_sent: list[int],
                     by_word: dict[str, set[str]], blocked: Callable[[Token], bool]) -> list[Mention]:
    """Mentions of "the <word>" for each word that names exactly one actor in ``by_word`` ("the North",
    "the Union"), where the word is not already part of a mention and the next token does not make it
    part of a longer name (``blocked``)."""
    forms = {w: next(iter(a)) for w, a in by_word.items() if len(a) == 1}
    if not forms:
        return mentions
    taken = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    out = list(mentions)
    for i in range(1, len(tokens)):
        w = tokens[i].text
        if w not in forms or i in taken or tokens[i - 1].lower != "the":
            continue
        if i + 1 < len(tokens) and blocked(tokens[i + 1]):
            continue
        out.append(Mention(forms[w], tokens[i - 1].start, tokens[i].end, text[tokens[i - 1].start:tokens[i].end],
                           "definite", RULE_CONFIDENCE["definite"], tok_sent[i], i - 1, i + 1))
    return sorted(out, key=lambda m: m.tok_start)
