"""Optional language-model backend: a model proposes fields, the text decides what stays.

A :class:`Proposer` reads an article and proposes fields (actors, moves, issues, channels,
outcome claims). A model can invent things, so every proposal must cite its evidence as a quote
with character offsets, and :func:`verify` keeps a proposal only when ``text[start:end]`` is
exactly the quote and the proposal is well formed; everything else is dropped with the reason,
for the reviewer to see. Accepted proposals are added to the rule-based extraction where the
rules found nothing (:func:`merge_proposals`), marked with rule ``llm``.

:class:`ChatProposer` talks to any OpenAI-compatible chat endpoint (OpenAI, a local llama.cpp
``llama-server``, vLLM, Ollama's /v1) with the standard library only. Tests give it a recorded
transport; nothing here is called unless the user passes ``--llm URL``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from detente.errors import InputError
from detente.scenario.schema import MoveType
from detente.text.extract import (
    ActorFinding,
    ChannelFinding,
    ClaimFinding,
    Extraction,
    IssueFinding,
    Mention,
    MoveFinding,
    Span,
    _sentence_of,
)

LLM_CONFIDENCE = 0.5  # below the rules' typical 0.6-0.95: a model's reading needs a human's look
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
FIELDS = ("actor", "move", "issue", "channel", "claim")
OUTCOMES = ("stalemate", "agreement", "capitulation", "escalation")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

_MOVE_TYPES = "|".join(m.value for m in MoveType)
_OUTCOMES = "|".join(OUTCOMES)
SYSTEM_PROMPT = (
    "You read a news article about a negotiation or crisis and propose fields for a scenario. Answer with "
    'one JSON object {"proposals": [...]} and nothing else. Each proposal is one of:\n'
    '{"field": "actor", "id": "<short lowercase id>", "name": "<name>", '
    '"kind": "state|bloc|organisation|group|person"}\n'
    f'{{"field": "move", "actor": "<actor id>", "type": "<{_MOVE_TYPES}>", "target": "<actor id or null>", '
    '"issue": "<issue id or null>"}\n'
    '{"field": "issue", "id": "<short lowercase id>", "name": "<name>"}\n'
    '{"field": "channel", "kind": "public|closed", "name": "<name>"}\n'
    f'{{"field": "claim", "outcome": "<{_OUTCOMES}>"}}\n'
    'Every proposal MUST have "evidence": {"quote": "<exact words copied from the article>", "start": <int>, '
    '"end": <int>} where start and end are the character offsets of the quote in the article (0-based, end '
    "exclusive), so that article[start:end] == quote. Proposals whose quote is not at those offsets are "
    "discarded. Propose only what the article states."
)

Transport = Callable[[str, bytes, dict[str, str], float], bytes]


class Proposer(Protocol):
    """Anything that proposes fields for an article (a language model, a recording, a person)."""

    name: str

    def propose(self, text: str) -> list[dict[str, Any]]:
        """Raw proposals, each a dict with ``field`` and ``evidence``; :func:`verify` checks them."""
        ...


@dataclass
class Verified:
    accepted: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # one line each: which proposal, and why


def _urllib_transport(url: str, body: bytes, headers: dict[str, str], timeout: float) -> bytes:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # the user's own URL
        data = resp.read(MAX_RESPONSE_BYTES + 1)
    if len(data) > MAX_RESPONSE_BYTES:
        raise InputError(f"the model's answer is over {MAX_RESPONSE_BYTES} bytes", url)
    return data


def chat_url(url: str) -> str:
    """Accept a server root, a /v1 base or the full endpoint."""
    u = url.rstrip("/")
    if u.endswith("/chat/completions"):
        return u
    if u.endswith("/v1"):
        return u + "/chat/completions"
    return u + "/v1/chat/completions"


class ChatProposer:
    """An OpenAI-compatible chat endpoint (also llama.cpp's ``llama-server``), stdlib only.

    The API key, if the server needs one, is read from ``DETENTE_LLM_API_KEY``; a local
    server needs none. Temperature 0 and a fixed seed make answers as repeatable as the server allows.
    """

    def __init__(self, url: str, model: str = "default", *, timeout: float = 120.0,
                 transport: Transport | None = None) -> None:
        if not re.match(r"^https?://", url):
            raise InputError("--llm needs an http:// or https:// URL", url)
        self.url = chat_url(url)
        self.model = model
        self.timeout = timeout
        self.transport = transport or _urllib_transport
        self.name = f"llm:{model}@{self.url}"

    def request_body(self, text: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "temperature": 0,
            "seed": 0,
            "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": SYSTEM_PROMPT},
                         {"role": "user", "content": text}],
        }

    def propose(self, text: str) -> list[dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get("DETENTE_LLM_API_KEY")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        body = json.dumps(self.request_body(text)).encode("utf-8")
        try:
            raw = self.transport(self.url, body, headers, self.timeout)
        except urllib.error.HTTPError as exc:
            raise InputError(f"the model server answered HTTP {exc.code} ({exc.reason})", self.url) from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(f"cannot reach the model server: {reason}", self.url) from None
        return parse_response(raw, self.url)


def parse_response(raw: bytes, where: str = "<llm>") -> list[dict[str, Any]]:
    """A chat-completion answer -> the list of proposals in its message (fences tolerated)."""
    try:
        reply = json.loads(raw.decode("utf-8"))
        content = reply["choices"][0]["message"]["content"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, IndexError, TypeError):
        raise InputError("the model server's answer is not an OpenAI-style chat completion", where) from None
    if not isinstance(content, str):
        raise InputError("the model's message has no text content", where)
    content = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", content)
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        raise InputError("the model's message is not JSON", where) from None
    props = data.get("proposals") if isinstance(data, dict) else data
    if not isinstance(props, list):
        raise InputError("the model's JSON has no list of proposals", where)
    return props


def _describe(p: Any) -> str:
    if not isinstance(p, dict):
        return repr(p)[:60]
    keys = [str(p.get(k)) for k in ("field", "id", "actor", "type", "kind", "outcome") if p.get(k) is not None]
    return " ".join(keys)[:80] or "proposal"


def _check_fields(p: dict[str, Any]) -> str | None:
    kind = p.get("field")
    if kind not in FIELDS:
        return f"unknown field {kind!r}"
    if kind == "actor":
        if not isinstance(p.get("name"), str) or not p["name"].strip():
            return "an actor needs a name"
        if p.get("id") is not None and not (isinstance(p["id"], str) and _ID.match(p["id"])):
            return f"bad actor id {p.get('id')!r}"
    elif kind == "move":
        if p.get("type") not in {m.value for m in MoveType}:
            return f"unknown move type {p.get('type')!r}"
        for k in ("actor", "target", "issue"):
            v = p.get(k)
            if (k == "actor" or v is not None) and not (isinstance(v, str) and _ID.match(v)):
                return f"bad {k} id {v!r}"
    elif kind == "issue":
        if not (isinstance(p.get("id"), str) and _ID.match(p["id"])) or not isinstance(p.get("name"), str):
            return "an issue needs an id and a name"
    elif kind == "channel":
        if p.get("kind") not in ("public", "closed"):
            return f"channel kind must be public or closed, not {p.get('kind')!r}"
    elif kind == "claim" and p.get("outcome") not in OUTCOMES:
        return f"unknown outcome {p.get('outcome')!r}"
    return None


def verify(text: str, proposals: list[Any]) -> Verified:
    """Keep a proposal only when it is well formed and ``text[start:end] == quote``."""
    out = Verified()
    for k, p in enumerate(proposals):
        label = f"proposal {k + 1} ({_describe(p)})"
        if not isinstance(p, dict):
            out.dropped.append(f"{label}: not an object")
            continue
        ev = p.get("evidence")
        if not isinstance(ev, dict) or not isinstance(ev.get("quote"), str) or not ev["quote"].strip():
            out.dropped.append(f"{label}: no evidence quote")
            continue
        start, end, quote = ev.get("start"), ev.get("end"), ev["quote"]
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
                or isinstance(end, bool):
            out.dropped.append(f"{label}: evidence offsets missing or not integers")
            continue
        if not 0 <= start < end <= len(text):
            out.dropped.append(f"{label}: evidence offsets {start}-{end} outside the text (0-{len(text)})")
            continue
        if text[start:end] != quote:
            found = text.find(quote)
            where = f"; the quote occurs at {found}-{found + len(quote)}" if found >= 0 else \
                "; the quote does not occur in the text"
            out.dropped.append(f"{label}: text[{start}:{end}] is not the quoted span{where}")
            continue
        problem = _check_fields(p)
        if problem:
            out.dropped.append(f"{label}: {problem}")
            continue
        out.accepted.append(p)
    return out


def _resolve_actor(name: str, proposed_id: str | None, gaz_lookup: dict[str, str]) -> str:
    key = name.strip().lower()
    if key in gaz_lookup:
        return gaz_lookup[key]
    if proposed_id and proposed_id in gaz_lookup.values():
        return proposed_id
    return proposed_id or re.sub(r"[^a-z0-9]+", "_", key).strip("_")[:60] or "actor"


def merge_proposals(ex: Extraction, accepted: list[dict[str, Any]]) -> list[str]:
    """Add verified proposals the rules did not find to ``ex`` (in place); return what was added."""
    from detente.text.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    lookup: dict[str, str] = {}
    for alias in gaz.aliases:
        if alias.actor and alias.rule in ("name", "alias"):
            lookup.setdefault(alias.phrase.lower(), alias.actor)
    for a in gaz.actors.values():
        lookup.setdefault(a.id, a.id)
    added: list[str] = []
    sents = ex.sentences

    def span(p: dict[str, Any]) -> tuple[Span, int]:
        ev = p["evidence"]
        return Span(ev["start"], ev["end"], ev["quote"]), _sentence_of(sents, ev["start"])

    actor_ids = {a.id for a in ex.actors}
    renamed: dict[str, str] = {}
    for p in (q for q in accepted if q["field"] == "actor"):
        sp, si = span(p)
        aid = _resolve_actor(p["name"], p.get("id"), lookup)
        if p.get("id"):
            renamed[p["id"]] = aid
        if aid in actor_ids:
            continue
        g = gaz.actors.get(aid)
        mention = Mention(aid, sp.start, sp.end, sp.quote, "llm", LLM_CONFIDENCE, si, -1, -1)
        ex.actors.append(ActorFinding(aid, g.name if g else p["name"].strip(), g.kind if g else
                                      str(p.get("kind") or "state"), list(g.groups) if g else [], [mention],
                                      LLM_CONFIDENCE, sp))
        actor_ids.add(aid)
        added.append(f"actor {aid}")
    issue_ids = {i.id for i in ex.issues}
    for p in (q for q in accepted if q["field"] == "issue"):
        sp, si = span(p)
        if p["id"] not in issue_ids:
            ex.issues.append(IssueFinding(p["id"], p["name"], sp.quote, LLM_CONFIDENCE, sp, [si], [(si, sp.start)]))
            issue_ids.add(p["id"])
            added.append(f"issue {p['id']}")
    have = {(m.sentence, m.actor, m.type) for m in ex.moves}
    for p in (q for q in accepted if q["field"] == "move"):
        sp, si = span(p)
        actor = renamed.get(p["actor"], p["actor"])
        target = renamed.get(p.get("target") or "", p.get("target"))
        if actor not in actor_ids:
            ex.dropped.append(f"llm move {actor} {p['type']}: its actor is not among the actors")
            continue
        if (si, actor, p["type"]) in have:
            continue
        ex.moves.append(MoveFinding(actor, p["type"], target if target in actor_ids else None, sp.quote, "llm",
                                    LLM_CONFIDENCE, sp, si, None, p.get("issue") if p.get("issue") in issue_ids
                                    else None))
        have.add((si, actor, p["type"]))
        added.append(f"move {actor} {p['type']}")
    kinds = {c.kind for c in ex.channels}
    for p in (q for q in accepted if q["field"] == "channel"):
        sp, si = span(p)
        if p["kind"] not in kinds:
            name = str(p.get("name") or ("Closed channels" if p["kind"] == "closed" else "Public talks"))
            ex.channels.append(ChannelFinding(p["kind"], name, sp.quote, LLM_CONFIDENCE, sp, None, [si]))
            kinds.add(p["kind"])
            added.append(f"channel {p['kind']}")
    outcomes = {c.outcome for c in ex.claims}
    for p in (q for q in accepted if q["field"] == "claim"):
        sp, _ = span(p)
        if p["outcome"] not in outcomes:
            ex.claims.append(ClaimFinding(p["outcome"], sp.quote, LLM_CONFIDENCE, sp))
            outcomes.add(p["outcome"])
            added.append(f"claim {p['outcome']}")
    ex.moves.sort(key=lambda m: (m.sentence, m.evidence.start))
    return added


class RecordedProposer:
    """Replays recorded chat-completion answers from a JSON file, keyed by the article's SHA-256:
    ``{"responses": [{"text_sha256": ..., "response": {<chat completion>}}]}``. For tests and demos."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        with open(path, encoding="utf-8") as fh:
            self.recording = json.load(fh)
        self.name = f"recorded:{os.path.basename(path)}"

    def propose(self, text: str) -> list[dict[str, Any]]:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for entry in self.recording["responses"]:
            if entry["text_sha256"] == digest:
                return parse_response(json.dumps(entry["response"]).encode(), self.name)
        raise InputError("no recorded answer for this article", self.name)
