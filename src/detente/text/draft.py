"""Turn an :class:`~detente.text.extract.Extraction` into a scenario that validates.

The scenario schema has no confidence field, so each field's confidence and the rule that
proposed it go into its ``note`` ("draft: confidence 0.85; rule: ..."). Fields with an
``evidence`` slot (stances, moves, numbers) get the sentence as :class:`Evidence` with its
character offsets; actors, channels, audiences, issues and claims, which have none, carry
the same offsets in their note. Numbers the article does not give are ``assumed: true``
with a neutral default, so ``detente validate`` passes and a reviewer sees what to fill in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import InputError
from detente.scenario.loader import scenario_from_data
from detente.scenario.schema import Scenario
from detente.text.crisis_draft import add_crisis_sections
from detente.text.extract import Extraction, Extractor, Span, extract
from detente.text.reader import read_article

if TYPE_CHECKING:
    from detente.text.llm import Proposer

SOURCE_ID = "article"
DEFAULT_CAPABILITY = 50.0
DEFAULT_SALIENCE = 0.5
DEFAULT_POSITION = 50.0
DEFAULT_AUDIENCE_COST = {"public": 0.5, "closed": 0.1}
MIN_MOVE_CONFIDENCE = 0.5
_OUTCOME_WORDS = {"stalemate": "a stalemate (no side moves; a draw)", "agreement": "an agreement",
                  "capitulation": "one side's capitulation", "escalation": "escalation"}


def _ev(span: Span) -> dict[str, Any]:
    return {"quote": span.quote, "source": SOURCE_ID, "start": span.start, "end": span.end}


def _where(span: Span) -> str:
    short = span.quote if len(span.quote) <= 90 else span.quote[:87] + "..."
    return f'evidence chars {span.start}-{span.end}: "{short}"'


def _note(confidence: float, rule: str, span: Span | None = None, extra: str = "") -> str:
    parts = [f"draft: confidence {confidence:.2f}", f"rule: {rule}"]
    if extra:
        parts.append(extra)
    if span is not None:
        parts.append(_where(span))
    return "; ".join(parts)


def _assumed(value: float, why: str, span: Span | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "assumed": True,
                           "note": f"assumed: neutral default; {why}"}
    if span is not None:
        out["evidence"] = _ev(span)
    return out


def _meta_id(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "-", name).strip("-.") or "article"
    return ("draft-" + s)[:64].rstrip("-.")


def _title(text: str, file: str) -> str:
    first = text.strip().splitlines()[0].strip().lstrip("# ").strip() if text.strip() else ""
    if 0 < len(first) <= 160:
        return first
    return f"Draft from {Path(file).name}"


def build_data(ex: Extraction, file: str, kind: str = "txt", crisis: bool = True,
               challenger: str | None = None, defender: str | None = None) -> dict[str, Any]:
    """The draft as plain data (validated by :func:`draft_from_text`); with ``crisis`` also the
    crisis game, simulation and cost terms (:mod:`detente.text.crisis_draft`)."""
    if not ex.actors:
        raise InputError("no actors found: the article names no state, bloc or organisation the "
                         "gazetteer knows", file)
    actor_ids = {a.id for a in ex.actors}
    offsets_note = ("offsets count characters of the file's text" if kind != "html"
                    else "offsets count characters of the page's visible text")
    meta = {
        "id": _meta_id(Path(file).stem),
        "title": _title(ex.text, file),
        "perspective": (f"Draft made by detente's rule-based reader from {Path(file).name}: it encodes what "
                        "this one article says, not a record of fact. Every number marked assumed is a "
                        "placeholder to review; every field's note gives the rule and its confidence."),
        "description": (f"Drafted with the {ex.backend} backend from {len(ex.sentences)} sentences; "
                        f"{offsets_note}." + (" Set aside: " + "; ".join(ex.dropped[:5]) if ex.dropped else "")
                        + (f" A language model ({ex.llm['source'][0]}) proposed fields; {len(ex.llm['added'])} "
                           f"were added (rule: llm), {len(ex.llm['dropped'])} dropped for evidence not in the text "
                           "or bad form." if ex.llm else "")
                        + (f" Parser: {ex.parser['model']} ({ex.parser['package']}, option --parser "
                           f"{ex.parser['option']}, mode {ex.parser['mode']}) proposed moves the rules verified; "
                           f"{ex.parser['added']} were added (rule: parse/...)"
                           + (f" and {ex.parser['reassigned']} rule moves given the parse's actor (rule: ...; parse: "
                              "actor)" if ex.parser.get("reassigned") else "") + "."
                           if ex.parser else "")),
        "sources": [{"id": SOURCE_ID, "citation": f"{_title(ex.text, file)} ({Path(file).name})"}],
        "tags": ["draft"],
    }
    actors = []
    for a in ex.actors:
        rules = sorted({m.rule for m in a.mentions})
        extra = f"{len(a.mentions)} mentions ({', '.join(rules)})"
        if a.people:
            extra += f"; people: {', '.join(a.people)}"
        entry: dict[str, Any] = {
            "id": a.id, "name": a.name, "kind": a.kind,
            "capability": _assumed(DEFAULT_CAPABILITY, "the article gives no capability"),
            "note": _note(a.confidence, a.best_rule, a.evidence, extra),
        }
        groups = [g for g in a.groups if g in actor_ids]
        if groups:
            entry["groups"] = groups
        if a.represents in actor_ids:
            entry["represents"] = a.represents
        actors.append(entry)

    # Issues need at least one stance: actors named in an issue's sentences take one.
    mention_sents: dict[str, set[int]] = {a.id: {m.sentence for m in a.mentions} for a in ex.actors}
    moves_ok = [m for m in ex.moves if m.confidence >= MIN_MOVE_CONFIDENCE]
    issues, positions = [], {}
    for iss in ex.issues:
        members = [a.id for a in ex.actors if mention_sents[a.id] & set(iss.sentences)]
        if not members:
            continue
        issues.append({
            "id": iss.id, "name": iss.name,
            "scale": {"min": 0, "max": 100, "low": "the demand refused; nothing changes",
                      "high": "the demand met in full"},
            "status_quo": _assumed(0.0, "the status quo is the demand refused", iss.evidence),
            "description": _note(iss.confidence, f'issue cue "{iss.cue}"', iss.evidence,
                                 f"named in {len(iss.sentences)} sentences"),
        })
        for actor_id in members:
            st = _stance(actor_id, iss.id, moves_ok, ex, iss.sentences)
            positions.setdefault(actor_id, {})[iss.id] = st
    if not issues:
        # The schema needs one issue; make the placeholder explicit rather than invent one.
        top = ex.actors[0]
        issues.append({"id": "issue_to_define", "name": "Issue to define (the drafter found none)",
                       "description": "draft: confidence 0.00; rule: placeholder; no issue cue matched"})
        positions[top.id] = {"issue_to_define": {
            "position": _assumed(DEFAULT_POSITION, "no issue found"),
            "salience": _assumed(DEFAULT_SALIENCE, "no issue found")}}

    channels, chan_ids = [], {}
    for c in ex.channels:
        cid = "closed" if c.kind == "closed" else re.sub(r"[^a-z0-9]+", "_", c.name.lower()).strip("_")
        chan_ids[c.kind] = cid
        participants = [a.id for a in ex.actors[:2]]
        entry = {
            "id": cid, "name": c.name, "kind": c.kind,
            "audience_cost": _assumed(DEFAULT_AUDIENCE_COST[c.kind],
                                      f"a {c.kind} channel's default face cost", c.evidence),
            "participants": participants,
            "note": _note(c.confidence, f'{c.kind}-channel cue "{c.cue}"', c.evidence,
                          f"participants assumed: the two most-named actors; cue in {len(c.sentences)} sentences"),
        }
        if c.level:
            entry["level"] = c.level
        channels.append(entry)

    audiences = []
    watch = [a.id for a in ex.actors[:2]]
    for au in ex.audiences:
        entry = {"id": au.id, "name": au.name, "watches": watch,
                 "weight": _assumed(1.0, "equal weight for every audience", au.evidence),
                 "note": _note(au.confidence, "audience cue", au.evidence,
                               f"named {au.count}x; watches assumed: the two most-named actors")}
        if au.belongs_to:
            entry["belongs_to"] = au.belongs_to
        audiences.append(entry)

    moves = []
    counts: dict[str, int] = {}
    issue_ids = {i["id"] for i in issues}
    for mv in moves_ok:
        base = f"{mv.actor}_{mv.type}"
        counts[base] = counts.get(base, 0) + 1
        mid = base if counts[base] == 1 else f"{base}_{counts[base]}"
        entry: dict[str, Any] = {"id": mid, "actor": mv.actor, "type": mv.type}
        if mv.channel_kind in chan_ids:
            entry["channel"] = chan_ids[mv.channel_kind]
        if mv.target:
            entry["target"] = mv.target
        if mv.issue in issue_ids:
            entry["issue"] = mv.issue
        entry["step"] = mv.sentence
        entry["label"] = f'{mv.type} ("{mv.cue}")'
        entry["note"] = _note(mv.confidence, mv.rule, None, f'cue "{mv.cue}"; step = sentence number')
        entry["evidence"] = _ev(mv.evidence)
        moves.append(entry)

    claims = []
    for k, cl in enumerate(ex.claims, 1):
        others = "; ".join(_where(s) for s in cl.others)
        claims.append({
            "id": f"outcome_{cl.outcome}" if k == 1 or cl.outcome not in {c['check']['equals'] for c in claims}
            else f"outcome_{cl.outcome}_{k}",
            "text": f'The article claims the outcome is {_OUTCOME_WORDS[cl.outcome]} ("{cl.cue}").',
            "check": {"kind": "outcome_class", "equals": cl.outcome},
            "note": _note(cl.confidence, f'outcome cue "{cl.cue}"', cl.evidence,
                          f"also: {others}" if others else ""),
        })

    data: dict[str, Any] = {"detente": 1, "meta": meta, "actors": actors, "issues": issues,
                            "positions": positions}
    if channels:
        data["channels"] = channels
    if audiences:
        data["audiences"] = audiences
    if moves:
        data["moves"] = moves
    if claims:
        data["claims"] = claims
    if crisis:
        ex.check_first, ex.defaults = add_crisis_sections(data, challenger, defender, file)
        data["meta"]["description"] += " Check first: " + "; ".join(
            f"({k}) {c}" for k, c in enumerate(ex.check_first, 1)) + "."
    return data


def _stance(actor_id: str, issue_id: str, moves: list, ex: Extraction, sentences: list[int]) -> dict[str, Any]:
    own = [m for m in moves if m.actor == actor_id and m.issue == issue_id]
    demand = next((m for m in own if m.type == "demand"), None)
    reject = next((m for m in own if m.type == "reject"), None)
    offer = next((m for m in own if m.type in ("offer", "concede")), None)
    if demand is None and reject is None and offer is not None:
        # an offer on the demanded issue concedes part of it: halfway is a placeholder, the move is evidence
        position = {"value": 50.0, "assumed": True,
                    "note": _note(offer.confidence, f"{offer.type}s part of it (placeholder: halfway)", offer.evidence)}
        return {"position": position,
                "salience": _assumed(DEFAULT_SALIENCE, "the article gives no weights"),
                "note": "draft: the actor offers or concedes on this issue", "evidence": _ev(offer.evidence)}
    if demand is not None:
        position = {"value": 100.0, "note": _note(demand.confidence, "demands it", demand.evidence)}
        ev = demand.evidence
    elif reject is not None:
        position = {"value": 0.0, "note": _note(reject.confidence, "rejects the demand", reject.evidence)}
        ev = reject.evidence
    else:
        mention = next(m for a in ex.actors if a.id == actor_id for m in a.mentions if m.sentence in sentences)
        sent = ex.sentences[mention.sentence]
        ev = Span(sent.start, sent.end, sent.text) if sent.end - sent.start <= 400 else \
            next(i.evidence for i in ex.issues if i.id == issue_id)
        position = _assumed(DEFAULT_POSITION, "named with the issue, but no stated position found")
    return {"position": position,
            "salience": _assumed(DEFAULT_SALIENCE, "the article gives no weights"),
            "note": "draft: the actor is named in a sentence about this issue",
            "evidence": _ev(ev)}


def draft_from_text(text: str, file: str = "<article>", kind: str = "txt", backend: str = "auto",
                    proposer: Proposer | None = None, extractor: Extractor | None = None,
                    crisis: bool = True, challenger: str | None = None,
                    defender: str | None = None, actors: str = "named",
                    organs: str = "merge", parser: str | None = None,
                    parse_mode: str = "correct") -> tuple[Scenario, Extraction]:
    """Rules first; then, if asked for, a trained parser's proposals the rules verify
    (:mod:`detente.text.parsed`), then a language model's proposals that cite the text verbatim.
    ``extractor`` reuses compiled rules across many texts (benchmarks, the ICB evaluation)."""
    if parser is not None:
        from detente.text.parsed import MODES, load_parser

        if parse_mode not in MODES:
            raise InputError(f"unknown parse mode '{parse_mode}' (use {' or '.join(MODES)})", file,
                             field="parse_mode")
        load_parser(parser, file)  # before any work: a clear error when the model is not installed
    ex = extractor.run(text) if extractor is not None else extract(text, backend, actors, organs)
    if parser is not None:
        import copy

        from detente.text.parsed import apply_parser

        ex = apply_parser(copy.deepcopy(ex), parser, parse_mode)
    if proposer is not None:
        from detente.text.llm import merge_proposals, verify

        checked = verify(text, proposer.propose(text))
        ex.llm = {"added": merge_proposals(ex, checked.accepted), "dropped": checked.dropped,
                  "accepted": [str(len(checked.accepted))], "source": [proposer.name]}
    data = build_data(ex, file, kind, crisis, challenger, defender)
    return scenario_from_data(data, file), ex


def draft_article(path: str | Path, backend: str = "auto", proposer: Proposer | None = None,
                  crisis: bool = True, challenger: str | None = None,
                  defender: str | None = None, actors: str = "named",
                  organs: str = "merge", parser: str | None = None,
                  parse_mode: str = "correct") -> tuple[Scenario, Extraction]:
    """Read an article file and draft a scenario from it."""
    text, kind = read_article(path)
    return draft_from_text(text, str(path), kind, backend, proposer, crisis=crisis, challenger=challenger,
                           defender=defender, actors=actors, organs=organs, parser=parser, parse_mode=parse_mode)
