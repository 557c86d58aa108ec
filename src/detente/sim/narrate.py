"""The readable log: each move as a sentence an analyst can follow.

"Russia demands of the United States: NATO's eastward expansion at 100 (legally binding
non-expansion and NATO posture returned to 1997) — Maximal ultimatum on ...": who, the kind
of move (its verb from the move type), to whom, the issue and position, what the position
means on the issue's scale (its anchors), and the move's own label from the scenario.
"""

from __future__ import annotations

from detente.sim.world import SimMove, World

# Names that read with an article in running text ("the United States", "the EU").
_ARTICLE_FIRST_WORDS = frozenset({"united", "us", "uk", "eu", "european", "netherlands", "philippines",
                                  "soviet", "holy", "vatican", "russian", "american", "british", "western"})


def actor(w: World, actor_id: str | None, *, start: bool = False) -> str:
    """An actor's name as it reads in a sentence (with "the" where English wants one)."""
    if actor_id is None:
        return "the other side"
    name = w.actor_names.get(actor_id, actor_id)
    first = name.split()[0].lower() if name.split() else ""
    if w.actor_kinds.get(actor_id) == "delegation" or first in _ARTICLE_FIRST_WORDS:
        name = f"the {name}"
    return name[0].upper() + name[1:] if start and name else name


def short(w: World, actor_id: str, *, start: bool = False) -> str:
    """The name without its parenthetical gloss ("NATO (allies other than ...)" -> "NATO")."""
    name = actor(w, actor_id, start=start)
    return name.split(" (", 1)[0] if " (" in name else name


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def anchor(w: World, i: int, x: float) -> str:
    """What position ``x`` means on issue ``i``'s scale, from the scale's anchors."""
    low, high = w.scale_text[i] if i < len(w.scale_text) else ("", "")
    frac = (x - w.lo[i]) / w.span[i] if w.span[i] else 0.5
    if frac >= 0.95 and high:
        return high
    if frac <= 0.05 and low:
        return low
    if not (low and high):
        return f"{frac:.0%} of the way up the scale"
    if 0.4 <= frac <= 0.6:
        return f"halfway between “{low}” and “{high}”"
    near, far = (high, low) if frac > 0.5 else (low, high)
    return f"closer to “{near}” than to “{far}”"


def at(w: World, i: int, x: float) -> str:
    return f"{w.issue_names[i]} at {x:g} ({anchor(w, i, x)})"


def repeat_of_history(mv: SimMove) -> str:
    """What a move of the scenario's history is when a player makes it again: the same kind of move (type,
    issue, position), not the dated event of its label."""
    return f"a new move of the same kind as the history's step {mv.step}"


def move_sentence(w: World, mv: SimMove, *, running: bool = False) -> str:
    """The move as a sentence, without the round and track (the engine adds those)."""
    who = actor(w, mv.actor, start=True)
    tgt = actor(w, mv.target) if mv.target else None
    i, x = mv.issue, mv.position
    issue = w.issue_names[i] if i is not None else None
    t = mv.type
    if t == "demand":
        if i is not None and x is not None:
            return f"{who} demands of {tgt}: {at(w, i, x)}" if tgt else f"{who} demands {at(w, i, x)}"
        return f"{who} makes a demand of {tgt}" if tgt else f"{who} makes a demand"
    if t == "reject":
        if tgt and issue:
            return f"{who} rejects {possessive(tgt)} demand on {issue}"
        return f"{who} rejects the demand on {issue}" if issue else f"{who} rejects the other side's position"
    if t == "statement":
        return f"{who} makes a statement" + (f" on {issue}" if issue else "")
    if t == "consult":
        return f"{who} and {tgt} talk" if tgt else f"{who} holds consultations"
    if t == "inform":
        if i is not None and x is not None:
            verb = "keeps up its information campaign" if running else "opens an information campaign"
            return f"{who} {verb} on {issue}, pressing toward {x:g} ({anchor(w, i, x)})"
        return f"{who} campaigns in the information space"
    if t == "hold":
        if i is not None and x is not None:
            return f"{who} holds {at(w, i, x)}"
        return f"{who} holds firm on {issue}" if issue else f"{who} holds firm"
    if t in ("offer", "counter_propose", "accept", "concede"):
        verb = {"offer": "offers", "counter_propose": "counter-proposes", "accept": "accepts",
                "concede": "concedes"}[t]
        to = f" {tgt}" if tgt and t == "offer" else (f" to {tgt}" if tgt and t == "counter_propose" else "")
        if i is not None and x is not None:
            return f"{who} {verb}{to}: {at(w, i, x)}"
        return f"{who} {verb}{to}" + (f" on {issue}" if issue else "")
    if t == "threaten":
        if i is not None and x is not None:
            whom = f" {tgt}" if tgt else ""
            return f"{who} threatens{whom} with {at(w, i, x)}"
        return f"{who} threatens {tgt}" if tgt else f"{who} issues a threat"
    if t in ("withdraw", "demobilize", "mobilize", "sanction"):
        verb = {"withdraw": "withdraws", "demobilize": "demobilises", "mobilize": "mobilises",
                "sanction": "imposes sanctions"}[t]
        on = f" on {tgt}" if tgt and t == "sanction" else ""
        return f"{who} {verb}{on}: {at(w, i, x)}" if i is not None and x is not None else f"{who} {verb}{on}"
    if t == "reduce_relations":
        return f"{who} reduces relations with {tgt}" if tgt else f"{who} reduces relations"
    if t == "aid":
        return f"{who} gives aid to {tgt}" if tgt else f"{who} gives aid"
    if mv.kind.effect == "war":
        return f"{who} {mv.kind.verb} {tgt}" if tgt else f"{who} goes to war"
    return f"{who} {mv.kind.verb}" + (f" {tgt}" if tgt else "") + (f" on {issue}" if issue else "")
