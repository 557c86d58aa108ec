"""The parts of a draft that let every layer run: principals, a crisis game, a simulation, costs.

A drafted scenario used to stop ``detente game`` and ``detente simulate`` ("no 'games:'
section"). Here we add, from what the rules read, the sections those layers need:

- principals: the challenger is the actor of the first coercive move (demand, threat, sanction,
  mobilisation, use of force) the text reports; the defender the actor those moves target most,
  else the one that rejects most, else the next most-named actor.
  Both can be overridden (``detente draft --challenger``).
- a ``two_track`` game on the challenger's demanded issue, with the found public and closed
  channels (a placeholder public channel when the text names none);
- a ``simulation:`` section for the two principals, with war on the game's issue;
- every cost term under the library's names (``<actor>_war_cost``, ``<actor>_war_win_prob``,
  ``<actor>_face_cost_accept``, ``<actor>_face_cost_withdraw``, ``<actor>_standoff_cost``,
  ``power_shift``, ``horizon``, ``discount``), each a wide range, ``assumed: true``, with a note
  naming its source: an ICB prior from the scenario layer's table (``detente.scenario.priors``)
  for the terms it informs, else a stated default.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from detente.errors import InputError
from detente.scenario import priors
from detente.scenario.numbers import LOG_SCALE_TERMS

# Stated defaults (value, low, high): wide on purpose; the note says they are defaults. War and standoff
# costs are shares of the actor's own stake, scaled by it as the ICB prior's are (SF3).
DEFAULTS: dict[str, tuple[float, float, float]] = {
    "war_cost": (0.5, 0.1, 1.0),
    "war_win_prob": (0.5, 0.2, 0.8),
    "face_cost_accept": (0.5, 0.1, 1.0),
    "face_cost_withdraw": (0.5, 0.1, 1.0),
    "standoff_cost": (0.1, 0.0, 0.3),
    "power_shift": (0.0, -0.2, 0.2),
    "horizon": (5.0, 2.0, 10.0),
    "discount": (0.9, 0.7, 0.99),
}
DEFAULT_NOTE = "stated default of detente's drafter (no ICB prior for this term)"
# The drafter asks the table with no covariates, so every one is at its "not known" level: say so.
PRIOR_NOTE = ("assumed: ICB prior (prior: icb), covariates not read from the text, taken as "
              + ", ".join(f"{k}={v}" for k, v in priors.DEFAULTS.items()))
_PRINCIPAL_KINDS = {"state", "bloc", "group", "coalition"}
_COERCIVE = {"demand", "threaten", "sanction", "assault", "mobilize", "escalate"}

Prior = Callable[[str], tuple[float, float, float] | None]


def prior_provider() -> tuple[Prior | None, str]:
    """The ICB prior of the scenario layer (:func:`detente.scenario.priors.draft_prior`: ``(value, low,
    high)`` or None for a term the table does not inform), with the source's name; None when no table is
    installed (every term is then a stated default, listed as such)."""
    try:
        priors.load_table()
    except InputError:
        return None, DEFAULT_NOTE

    def ask(term: str) -> tuple[float, float, float] | None:
        got = priors.draft_prior(term)
        return None if got is None else got[:3]

    return ask, f"{PRIOR_NOTE}; source: {priors.load_table()['source']}"


def principals(data: dict[str, Any], challenger: str | None = None,
               defender: str | None = None, file: str = "draft") -> tuple[str, str, str]:
    """(challenger, defender, why) from the drafted moves; overrides win when given. ``file`` (the
    article) is named in the errors."""
    ids = [a["id"] for a in data["actors"]]
    kinds = {a["id"]: a.get("kind", "state") for a in data["actors"]}
    for who, field in ((challenger, "challenger"), (defender, "defender")):
        if who is not None and who not in ids:
            raise InputError(f"--{field} '{who}' is not an actor of the draft (actors: {', '.join(ids)})",
                             file, field=field)
    pool = [a for a in ids if kinds[a] in _PRINCIPAL_KINDS] or ids
    moves = data.get("moves", [])
    why = "given"
    if challenger is None:
        # The challenger triggers the crisis: the first coercive move the text reports is its.
        coercive = [m for m in moves if m["type"] in _COERCIVE and m["actor"] in pool and m["actor"] != defender]
        if coercive:
            first = min(coercive, key=lambda m: (m.get("step", 0), moves.index(m)))
            challenger = first["actor"]
            why = f"challenger: makes the first coercive move the text reports ({first['type']}, '{first['id']}')"
        else:
            challenger = next(a for a in pool if a != defender) if len(pool) > 1 else pool[0]
            why = "challenger: most-named actor (the text reports no demand, threat or use of force)"
    if defender is None:
        targets = Counter(m["target"] for m in moves if m["actor"] == challenger and m.get("target")
                          and m["target"] != challenger and m["target"] in ids)
        rejects = Counter(m["actor"] for m in moves if m["type"] == "reject" and m["actor"] != challenger)
        if targets:
            defender = max(targets, key=lambda a: (targets[a], -ids.index(a)))
            why += "; defender: most targeted by the challenger"
        elif rejects:
            defender = max(rejects, key=lambda a: (rejects[a], -ids.index(a)))
            why += "; defender: rejects most"
        else:
            others = [a for a in pool if a != challenger] or [a for a in ids if a != challenger]
            if not others:
                raise InputError("the draft names one actor only; a crisis needs two (add one by hand)", file)
            defender = others[0]
            why += "; defender: most-named other actor"
    if challenger == defender:
        raise InputError(f"challenger and defender are both '{challenger}'", file, field="defender")
    return challenger, defender, why


def _num(term: str, prior: Prior | None, source: str, what: str, stake: float = 1.0) -> tuple[dict[str, Any], bool]:
    """A parameter entry and whether it is a stated default (not a prior). War and standoff costs, the
    table's (ICB9) or the stated defaults, are shares of the actor's own stake: times ``stake`` (its
    salience x the principals' distance on the game's issue) they are in the units the crisis games and
    the simulation read."""
    got = prior(term) if prior is not None else None
    v, lo, hi = got if got is not None else DEFAULTS[term]
    if priors.DRAFT_TERMS.get(term) in LOG_SCALE_TERMS:  # a stated default is a share too (SF3)
        whose = "ICB's" if got is not None else "the default"
        what += (f"; {whose} share of the stake {v:g} [{lo:g}, {hi:g}] x this actor's stake {stake:g} (salience x "
                 "the principals' distance on the game's issue)")
        v, lo, hi = (round(x * stake, 6) for x in (v, lo, hi))
    src = source if got is not None else DEFAULT_NOTE
    out = {"value": v, "low": lo, "high": hi, "assumed": True, "note": f"{src}; {what}"}
    if got is not None and lo > 0 and priors.DRAFT_TERMS.get(term) in LOG_SCALE_TERMS:
        out["dist"] = "lognormal"  # the prior's interval spans orders of magnitude (P7)
    return out, got is None


def add_crisis_sections(data: dict[str, Any], challenger: str | None = None,
                        defender: str | None = None, file: str = "draft") -> tuple[list[str], list[str]]:
    """Add positions, a public channel, a demand move, ``games:``, ``simulation:`` and parameters
    to ``data`` in place; return the "check first" list (most consequential guesses first) and
    the parameters that are stated defaults."""
    c, d, why = principals(data, challenger, defender, file)
    prior, source = prior_provider()
    issues = {i["id"]: i for i in data["issues"]}
    moves = data.setdefault("moves", [])
    demand = next((m for m in moves if m["actor"] == c and m["type"] == "demand" and m.get("issue") in issues),
                  None)
    issue = demand["issue"] if demand else _pick_issue(data, c, d, moves, issues)
    iss = issues[issue]
    iss.setdefault("scale", {"min": 0, "max": 100, "low": "the demand refused; nothing changes",
                             "high": "the demand met in full"})
    iss.setdefault("status_quo", {"value": 0.0, "assumed": True,
                                  "note": "assumed: neutral default; the status quo is the demand refused"})
    checks = [f"principals {c} (challenger) and {d} (defender) - {why}; override with --challenger/--defender",
              f"the game's issue '{issue}'" + ("" if demand else " (no demand by the challenger was found)")]
    for actor, pos, role in ((c, 100.0, "challenger"), (d, 0.0, "defender")):
        st = data["positions"].setdefault(actor, {}).get(issue)
        if st is None:
            data["positions"][actor][issue] = {
                "position": {"value": pos, "assumed": True,
                             "note": f"assumed: the {role} of the drafted crisis "
                                     f"({'demands it' if pos else 'refuses it'})"},
                "salience": {"value": 0.5, "assumed": True, "note": "assumed: neutral default"}}
            checks.append(f"{actor}'s position on '{issue}' (placeholder: the {role}'s end of the scale)")
        elif isinstance(st["position"], dict) and st["position"].get("assumed") and \
                "neutral default" in st["position"].get("note", ""):
            st["position"] = {"value": pos, "assumed": True,
                              "note": f"assumed: the {role} of the drafted crisis; the text states no position"}
            checks.append(f"{actor}'s position on '{issue}' (placeholder: the {role}'s end of the scale)")
        elif role == "challenger" and demand is None and _value(st["position"]) == _value(iss["status_quo"]):
            # the game needs a demand that differs from the status quo
            old = _value(st["position"])
            st["position"] = {"value": pos, "assumed": True,
                              "note": f"assumed: the challenger's demand; the text's reading ({old:g}) equals the "
                                      "status quo, which leaves the crisis game no demand"}
            checks.append(f"{actor}'s position on '{issue}' (the text's reading {old:g} was replaced by a "
                          "placeholder demand of 100)")
    if demand is None:
        checks.append("the challenger's demand: the text names none on this issue, so the game takes the "
                      "challenger's position as the maximal demand")
    else:
        demand.setdefault("position", 100.0)
    chans = data.setdefault("channels", [])
    public = next((ch["id"] for ch in chans if ch["kind"] == "public"), None)
    closed = next((ch["id"] for ch in chans if ch["kind"] == "closed"), None)
    if public is None:
        public = "public_statements"
        chans.insert(0, {"id": public, "name": "Public statements (placeholder)", "kind": "public",
                         "participants": [c, d],
                         "audience_cost": {"value": 0.5, "low": 0.1, "high": 0.9, "assumed": True,
                                           "note": "assumed: a public channel's default face cost"},
                         "note": "draft: confidence 0.00; rule: placeholder (the text names no public channel)"})
        checks.append("the public channel is a placeholder")
    for ch in chans:
        for who in (c, d):
            if who not in ch["participants"]:
                ch["participants"].append(who)
    params: dict[str, Any] = data.setdefault("parameters", {})
    defaults: list[str] = []
    # The challenger's war cost takes the defender's prior too: the fitted challenger cost (ICB9) is not
    # identified (its salience fits near zero), so the note says whose number it is.
    spec_terms = [(c, "war_cost", "cost of a war to the challenger (share of the issue's value; the defender's "
                                  "prior, as ICB does not identify the challenger's)"),
                  (d, "war_cost", "cost of a war to the defender (share of the issue's value)"),
                  (c, "war_win_prob", "chance the challenger prevails in a war"),
                  (d, "war_win_prob", "chance the defender prevails in a war"),
                  (d, "face_cost_accept", "the defender's face cost of accepting in public"),
                  (c, "face_cost_withdraw", "the challenger's face cost of backing down"),
                  (c, "standoff_cost", "cost per round of a standoff to the challenger"),
                  (d, "standoff_cost", "cost per round of a standoff to the defender")]
    stakes = {who: _stake(data, iss, who, c, d) for who in (c, d)}
    for actor, term, what in spec_terms:
        params[f"{actor}_{term}"], dflt = _num(term, prior, source, what, stakes[actor])
        if dflt:
            defaults.append(f"{actor}_{term}")
    for term, what in (("power_shift", "expected shift of power during the crisis"),
                       ("horizon", "rounds the crisis game looks ahead"),
                       ("discount", "per-round discount of future payoffs")):
        params[term], dflt = _num(term, prior, source, what)
        if dflt:
            defaults.append(term)
    # The two win probabilities are complements. The ICB table's win_prob is the defender's, so the
    # defender's entry is the one looked up and the challenger's is its complement (value and range).
    dw, cw = params[f"{d}_war_win_prob"], params[f"{c}_war_win_prob"]
    cw.update(value=round(1 - dw["value"], 6), low=round(1 - dw["high"], 6), high=round(1 - dw["low"], 6),
              note=dw["note"].rsplit("; ", 1)[0] + "; chance the challenger prevails in a war (1 minus the defender's)")
    data["games"] = {"default": "two_track", "specs": [{
        "id": "two_track", "template": "two_track", "challenger": c, "defender": d, "issue": issue,
        "public_channel": public, **({"closed_channel": closed} if closed else {}),
        **({"demand_move": demand["id"]} if demand else {}),
        "costs": {"defender_face_accept": f"{d}_face_cost_accept",
                  "challenger_face_withdraw": f"{c}_face_cost_withdraw",
                  "challenger_war_cost": f"{c}_war_cost", "defender_war_cost": f"{d}_war_cost",
                  "challenger_war_win_prob": f"{c}_war_win_prob"},
        "note": f"Drafted from text: {why}. Every cost term is assumed (see parameters)."}]}
    data["simulation"] = {
        "players": [c, d], "rounds": 10, "runs": 100,
        "temperature": {"value": 0.05, "low": 0.01, "high": 0.2, "assumed": True,
                        "note": "assumed: stated default logit temperature of the drafter"},
        "war": {"issues": [issue], "win_prob": {c: f"{c}_war_win_prob", d: f"{d}_war_win_prob"},
                "cost": {c: f"{c}_war_cost", d: f"{d}_war_cost"}},
        "note": "Drafted from text; every number assumed."}
    listed = ", ".join(f"{n} {_range(params[n])}" for n in defaults)
    # The source names where the prior terms come from; it must not read as the defaults' source.
    n_prior = len(params) - len(defaults)
    checks.append("cost terms (" + ("all stated defaults" if not n_prior else
                                    f"{n_prior} from the prior ({source}); "
                                    f"{len(defaults)} stated defaults of the drafter") + ")"
                  + (f"; the stated defaults, value [low, high]: {listed}" if defaults else ""))
    data["meta"].setdefault("tags", []).extend([f"challenger:{c}", f"defender:{d}"])
    return checks, defaults


def _range(p: dict[str, Any]) -> str:
    return f"{p['value']:g} [{p['low']:g}, {p['high']:g}]"


def _value(x: Any) -> float:
    return float(x["value"]) if isinstance(x, dict) else float(x)


def _stake(data: dict[str, Any], iss: dict[str, Any], who: str, c: str, d: str) -> float:
    """``who``'s stake on the game's issue in utility units, as the crisis model reads it: its salience x
    the distance between the principals' positions over the scale's span."""
    pos = data["positions"]
    st = pos[who][iss["id"]]
    scale = iss.get("scale") or {}
    span = max(1e-9, float(scale.get("max", 100.0)) - float(scale.get("min", 0.0)))
    dist = abs(_value(pos[c][iss["id"]]["position"]) - _value(pos[d][iss["id"]]["position"])) / span
    return round(_value(st["salience"]) * dist, 6)


def _pick_issue(data: dict[str, Any], c: str, d: str, moves: list[dict[str, Any]],
                issues: dict[str, dict[str, Any]]) -> str:
    """Without a demand by the challenger: the issue of the principals' moves on which their
    stated positions differ, else of any of their moves, else the first issue."""
    pos = data["positions"]
    named = [m["issue"] for m in moves if m["actor"] in (c, d) and m.get("issue") in issues]
    for iid in named:
        a, b = pos.get(c, {}).get(iid), pos.get(d, {}).get(iid)
        if a is not None and b is not None and _value(a["position"]) != _value(b["position"]):
            return iid
    return named[0] if named else data["issues"][0]["id"]
