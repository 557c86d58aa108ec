"""The gazetteer: which words name which actor, shipped as data with the package.

``data/gazetteer.yaml`` is curated (ids, kinds, adjectives, metonyms, leaders, blocs);
``data/countries.yaml`` adds every country's name and name-like aliases from the OEDA
Phoenix dictionary (MIT). A curated entry and a Phoenix entry with the same ISO code are
one actor, so "Russian Federation", "Russia", "the Kremlin" and "Lavrov" all resolve to
``rus`` and never to duplicates.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

# Confidence that a match of each kind really names the actor.
RULE_CONFIDENCE = {
    "name": 0.95,
    "alias": 0.9,
    "metonym": 0.85,
    "person": 0.85,
    "adjective+institution": 0.85,
    "adjective": 0.6,
    "capital": 0.6,
    "definite": 0.6,
}
_CAPITAL_LIKE = re.compile(r"^[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?$")


@dataclass
class GazActor:
    id: str
    name: str
    kind: str
    groups: list[str] = field(default_factory=list)
    until: int | None = None
    successor: str | None = None
    people: dict[str, str] = field(default_factory=dict)
    organ_of: str | None = None  # an organ of an organisation ("UN Security Council" -> un)


@dataclass(frozen=True)
class Alias:
    phrase: str
    actor: str | None  # None: a place that blocks shorter actor matches
    rule: str
    case_sensitive: bool


@dataclass
class Gazetteer:
    actors: dict[str, GazActor]
    aliases: list[Alias]
    institution_heads: list[str]
    by_code: dict[str, str] = field(default_factory=dict)  # ISO-3 code -> actor id
    # T16: a seat of government's name -> the last year it named one ("Salisbury": 1982, now Harare)
    former_capitals: dict[str, int] = field(default_factory=dict)

    def stale_capital(self, surface: str, years: set[int]) -> bool:
        """T16: a former seat's name in a text whose every year is after it stopped being one ("Salisbury"
        in a 2018 text is the English city); a text without years keeps the old reading."""
        until = self.former_capitals.get(surface)
        return until is not None and bool(years) and min(years) > until

    def key(self, alias: Alias) -> str:
        return f"{alias.rule}|{alias.actor or '-'}"


def _load_yaml(name: str) -> Any:
    text = resources.files("detente.text").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _is_capital(phrase: str) -> bool:
    """A bare city name (not "the Kremlin", not "State Department"): a place unless used as agent."""
    return bool(_CAPITAL_LIKE.match(phrase)) and not phrase.startswith("the ") and " " not in phrase


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    cur = _load_yaml("gazetteer.yaml")
    phx = _load_yaml("countries.yaml")["countries"]
    actors: dict[str, GazActor] = {}
    aliases: list[Alias] = []
    by_code: dict[str, str] = {}

    for e in cur["actors"]:
        a = GazActor(id=e["id"], name=e["name"], kind=e.get("kind", "state"), groups=e.get("groups", []),
                     until=e.get("until"), successor=e.get("successor"), organ_of=e.get("organ_of"),
                     people={str(k): str(v) for k, v in (e.get("people") or {}).items()})
        if a.id in actors:  # T28: a second entry would silently replace the first (an "andean" `can` was Canada)
            raise ValueError(f"gazetteer.yaml: actors: id '{a.id}' listed twice")
        actors[a.id] = a
        if e.get("code"):
            by_code[e["code"]] = a.id
        aliases.append(Alias(a.name, a.id, "name", a.name.isupper() and len(a.name) <= 5))
        for p in e.get("aliases", []):
            aliases.append(Alias(str(p), a.id, "alias", False))
        for p in e.get("exact", []):
            aliases.append(Alias(str(p), a.id, "alias", True))
        for p in e.get("adjectives", []):
            aliases.append(Alias(str(p), a.id, "adjective", str(p).isupper()))
        for p in e.get("metonyms", []):
            rule = "capital" if _is_capital(str(p)) else "metonym"
            aliases.append(Alias(str(p), a.id, rule, False))
        for person in a.people:
            aliases.append(Alias(person, a.id, "person", True))

    for e in phx:
        code = e["code"]
        actor_id = by_code.get(code)
        if actor_id is None:
            actor_id = code.lower()
            if actor_id in actors:  # a curated id that is not this country: keep them apart
                actor_id = f"{actor_id}_state"
            actors[actor_id] = GazActor(id=actor_id, name=e["name"], kind="state")
            by_code[code] = actor_id
            aliases.append(Alias(e["name"], actor_id, "name", False))
        else:
            aliases.append(Alias(e["name"], actor_id, "alias", False))
        for p in e.get("aliases", []):
            # Phoenix lists adjectives and long forms together; an adjective-like form
            # ("Kazakhstani") is weaker evidence than a name.
            rule = "adjective" if re.search(r"(?:an|ian|ese|ish|i|ic)$", p) and " " not in p else "alias"
            aliases.append(Alias(str(p), actor_id, rule, False))

    for code, forms in (cur.get("demonyms") or {}).items():
        actor_id = by_code.get(code)
        if actor_id is None:
            raise ValueError(f"gazetteer.yaml demonyms: unknown ISO code {code}")
        for p in forms:
            plural = str(p).endswith("s") and not str(p).endswith(("ss", "ois"))  # "Serbs" names the people
            aliases.append(Alias(str(p), actor_id, "alias" if plural else "adjective", False))
    # "the Syrians", "Iraqis": the plural of an adjective in -an/-i names the state's people
    have = {(a.phrase.lower(), a.actor) for a in aliases}
    for a in list(aliases):
        if a.rule == "adjective" and a.actor and re.search(r"(?:an|i)$", a.phrase) and " " not in a.phrase:
            plural = a.phrase + "s"
            if (plural.lower(), a.actor) not in have:
                aliases.append(Alias(plural, a.actor, "alias", False))
                have.add((plural.lower(), a.actor))
    have_phrase = {(a.phrase, a.actor) for a in aliases}
    for code, forms in (cur.get("capitals") or {}).items():
        actor_id = by_code.get(code)
        if actor_id is None:
            raise ValueError(f"gazetteer.yaml capitals: unknown ISO code {code}")
        for p in forms or []:
            if (str(p), actor_id) not in have_phrase:
                aliases.append(Alias(str(p), actor_id, "capital" if _is_capital(str(p)) else "metonym", False))
    for place in cur.get("places", []):
        aliases.append(Alias(str(place), None, "place", False))
    former = {str(k): int(v) for k, v in (cur.get("former_capitals") or {}).items()}
    return Gazetteer(actors=actors, aliases=aliases, institution_heads=list(cur.get("institution_heads", [])),
                     by_code=by_code, former_capitals=former)
