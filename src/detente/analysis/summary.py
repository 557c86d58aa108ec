"""The bottom line of an analysis: five to ten sentences a reader needs before any table.

Built from computed results only (claim verdicts with their counts, the layers' outcome
classes, the strong-position table, the flip finder, the crisis game's thresholds and the
simulation's break-evens), so what it says about "where the argument stops following" is
what the numbers say, not prose. Also gathers every default a layer used in place of a missing
input and every input a layer ignored (docs/DECISIONS.md X1, X4).
"""

from __future__ import annotations

import math
import re
from typing import Any

from detente.analysis.analyze import Analysis
from detente.analysis.claims import Verdict, pct
from detente.defaults import DefaultUsed, InputWarning, unique
from detente.scenario.numbers import Num
from detente.scenario.priors import base_rates
from detente.scenario.schema import Scenario
from detente.uncertainty.params import range_widths

STRONG_WORDS = r"(?:strong|stronger|strongest|dominant)\s+(?:position|hand)"


def named_strong_actor(sc: Scenario) -> tuple[str | None, str]:
    """The actor the scenario argues is strong: a ``strongest_actor`` claim over all issues (else
    on any issue), else an actor named "X's strong position" (or "strong position of X") in the
    perspective, title or description. Returns (actor id, where it was found)."""
    checks = [c for c in sc.claims if c.check.kind == "strongest_actor"]
    for c in sorted(checks, key=lambda c: c.check.issue is not None):
        return c.check.actor, f"claim {c.id}"
    texts = [("perspective", sc.meta.perspective), ("title", sc.meta.title), ("description", sc.meta.description)]
    for where, text in texts:
        if not text:
            continue
        flat = " ".join(text.split())
        for a in sc.actors:
            for name in dict.fromkeys((a.name, a.id)):
                n = re.escape(name)
                pat = rf"\b{n}(?:'s|’s|’|')\s+{STRONG_WORDS}|{STRONG_WORDS}\s+of\s+{n}\b"
                m = re.search(pat, flat, flags=re.IGNORECASE)
                if m:
                    return a.id, f'the {where} ("{m.group(0)}")'
    return None, ""


def _claim_issue(sc: Scenario, where: str) -> str | None:
    """The issue of the strongest_actor claim that named the strong actor, if it names one."""
    if not where.startswith("claim "):
        return None
    return next((c.check.issue for c in sc.claims if c.id == where[len("claim "):]), None)


def stated_range(sc: Scenario, key: str) -> Num | None:
    """The scenario number behind a threshold or flip key, for its stated range."""
    try:
        if key.startswith("audience_cost:"):
            ch = key.split(":", 1)[1]
            return next(c.audience_cost for c in sc.channels if c.id == ch)
        if key.startswith(("salience:", "position:")):
            what, actor, issue = key.split(":")
            return getattr(sc.positions[actor][issue], what)
        if key.startswith("capability:"):
            return sc.actor(key.split(":", 1)[1]).capability
        if key.startswith("parameters."):
            return sc.parameters[key.split(".", 1)[1]]
        if key.startswith("actors.") and key.endswith(".capability"):
            return sc.actor(key.split(".")[1]).capability
        if key.startswith("positions."):
            _, actor, issue, what = key.split(".")
            return getattr(sc.positions[actor][issue], what)
        return sc.parameters.get(key)
    except (KeyError, StopIteration, ValueError, AttributeError):
        return None


def _widths(num: Num | None, now: float, at: float) -> float | None:
    if num is None or not num.is_range:
        return None
    lo, hi = num.bounds
    return range_widths(lo, now, hi, at, num.dist.value)


def _range_text(num: Num | None) -> str:
    if num is None or not num.is_range:
        return "a point value, no stated range"
    lo, hi = num.bounds
    return f"stated range {lo:g}–{hi:g}"


def flip_candidates(a: Analysis) -> list[dict[str, Any]]:
    """Every computed single change that turns a verdict or the predicted outcome, with its size
    in widths of the assumption's stated range (None for a point value)."""
    sc = a.scenario
    out: list[dict[str, Any]] = []
    unc = a.layers.get("uncertainty")
    if unc is not None:
        f = unc.to_dict().get("flips") or {}
        base = f.get("base", {})
        for what, rows in (f.get("flips") or {}).items():
            for r in rows:
                num = stated_range(sc, r["param"])
                out.append({"source": "flip finder", "verdict": what.removeprefix("claim."),
                            "now": base.get(what), "becomes": r["to"], "assumption": r["param"],
                            "value": r["mode"], "at": r["flips_at"], "widths": r.get("change_in_widths"),
                            "within_range": r.get("within_range"), "range": _range_text(num)})
    games = a.layers.get("games")
    if games is not None:
        d = games.to_dict()
        base_cls = d.get("outcome_class")
        for th in d.get("thresholds", []):
            num = stated_range(sc, th["parameter"])
            for side in ("below", "above"):
                sw = th.get(side)
                if sw is None or sw.get("outcome_class") == base_cls:
                    continue
                w = _widths(num, th["value"], sw["at"])
                lo, hi = num.bounds if num is not None and num.is_range else (None, None)
                out.append({"source": "crisis game thresholds", "verdict": "game outcome", "now": base_cls,
                            "becomes": sw["outcome_class"], "assumption": th["parameter"], "value": th["value"],
                            "at": sw["at"], "widths": w,
                            "within_range": None if lo is None else lo <= sw["at"] <= hi,
                            "range": _range_text(num)})
    sim = a.layers.get("sim")
    if sim is not None:
        be = sim.to_dict().get("break_even") or {}
        for pl in be.get("players", []):
            for s in pl.get("settings", []):
                if s.get("value") is None or pl.get("escalates_at_modes"):
                    continue
                lo, hi = s.get("low"), s.get("high")
                num = stated_range(sc, s["key"])  # a log-normal number's widths are on the log scale (P7)
                w = range_widths(lo, s["mode"], hi, s["value"], num.dist.value if num is not None else "triangular") \
                    if lo is not None and hi is not None else None
                out.append({"source": "simulation break-even", "verdict": "simulated outcome",
                            "now": sim.batch.modal, "becomes": "escalation", "assumption": s["key"],
                            "value": s["mode"], "at": s["value"], "widths": w, "within_range": s.get("within_range"),
                            "range": "a point value, no stated range" if lo is None else
                            f"stated range {lo:g}–{hi:g}"})
    return out


def _flip_sentence(c: dict[str, Any]) -> str:
    size = (f"{c['widths']:.2g} stated-range widths away, " if c["widths"] is not None else "")
    inside = {True: "inside its stated range", False: "outside its stated range", None: "no stated range"}[
        c["within_range"]]
    return (f"{c['verdict']} ({c['now']}) becomes {c['becomes']} if {c['assumption']} is {c['at']:.3g} instead of "
            f"{c['value']:g} ({size}{inside}; {c['source']})")


def smallest_flip(cands: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The candidate with the fewest stated-range widths (ranged assumptions first)."""
    ranked = [c for c in cands if c["widths"] is not None and math.isfinite(c["widths"])]
    if ranked:
        return min(ranked, key=lambda c: (c["widths"], c["assumption"]))
    return cands[0] if cands else None


OUTLIER_SPAN = 0.4  # share of the issue's scale
OUTLIER_MAD = 3.0  # median absolute deviations of all the models' forecasts


def forecast_outliers(sc: Scenario, models: dict[str, Any]) -> list[dict[str, Any]]:
    """Forecasts far from the other models' median on the same issue (X6): farther than 40%
    of the scale and than three median absolute deviations of all the forecasts. Needs 4+ models."""
    out = []
    for issue in sc.issues:
        got = {m: f for m, r in models.items() if (f := r.forecast_of(issue.id)) is not None and math.isfinite(f)}
        if len(got) < 4:
            continue
        vals = sorted(got.values())
        med = _median(vals)
        mad = _median(sorted(abs(v - med) for v in vals))
        span = issue.scale.max - issue.scale.min
        for m, f in got.items():
            others = _median(sorted(v for k, v in got.items() if k != m))
            dist = abs(f - others)
            if dist > OUTLIER_SPAN * span and dist > OUTLIER_MAD * mad:
                out.append({"issue": issue.id, "issue_name": issue.name, "model": m, "forecast": f,
                            "others_median": others, "distance": dist})
    return out


def _median(xs: list[float]) -> float:
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def base_rate_text(rates: dict[str, Any] | None = None) -> str:
    """The baseline beside a predicted class (X9); ``game`` and ``simulate`` print it too (H13)."""
    rates = rates if rates is not None else base_rates()
    if not rates:
        return ""
    from detente.cases.blind import pooled

    shown = ", ".join(f"{k} {pct(v)}" for k, v in sorted(rates["classes"].items(), key=lambda kv: -kv[1]))
    blind = pooled("after 1989")  # the blind sets as first scored (cases/blind_record.json), not typed here
    return (f"Base rate: ICB's {rates['n']} crisis actors before 1990 ended in {shown}; out of sample "
            "the general crisis model was not shown to beat these frequencies on ICB's 1980s "
            f"(docs/ICB.md), and on {blind.n} hand-coded crises after 1989 scored blind it {blind.reading} "
            f"(Brier {blind.brier['crisis']:.2f} against {blind.brier['uniform']:.2f}; docs/CASES.md).")


def defaults_and_warnings(a: Analysis) -> tuple[list[DefaultUsed], list[InputWarning]]:
    """Defaults the layers filled in, and inputs they did not use or dropped."""
    sc = a.scenario
    defaults: list[DefaultUsed] = []
    warnings: list[InputWarning] = []
    # an actor with no stance is in no model, table or third-party choice: it vanished without a word (H13)
    players = set(sc.simulation.players) if sc.simulation is not None else set()
    silent = [x.id for x in sc.actors if not sc.positions.get(x.id) and x.represents is None and x.id not in players]
    if silent:
        warnings.append(InputWarning("scenario", "actors with no position on any issue, left out of the models, the "
                                     "strong-position table and the crisis model: " + ", ".join(silent)))
    games = a.layers.get("games")
    read: set[str] = set()
    if games is not None:
        defaults += [d for d in getattr(games.game, "defaults", []) if isinstance(d, DefaultUsed)]
        read |= set(games.parameters)
        spec = next((s for s in (sc.games.specs if sc.games else []) if s.id == games.spec_id), None)
        if spec is not None:
            unread = sorted(set(spec.costs.values()) - read)
            if unread:
                warnings.append(InputWarning(f"games.{spec.id}", f"the {spec.template.value} template does not "
                                             f"read the cost terms mapped to {', '.join(unread)}"))
            if not spec.costs and sc.parameters:
                warnings.append(InputWarning(f"games.{spec.id}", "the game spec maps no cost terms (no costs:), "
                                             f"so none of the scenario's {len(sc.parameters)} parameters enter it"))
    sim = a.layers.get("sim")
    if sim is not None and sim.policy.get("extended"):  # an input changed is listed, not only captioned (H12)
        warnings.append(InputWarning("sim", sim.policy["extended"]))
    if sim is not None and sim.policy.get("unplayed"):  # a scripted move dropped is listed too (H13)
        warnings.append(InputWarning("sim", sim.policy["unplayed"]))
    if sim is not None:
        offered = [r for r in sim.batch.runs if r.concessions and not r.outcome.settled]
        if offered:
            warnings.append(InputWarning("sim", f"{len(offered)} of {len(sim.batch.runs)} runs logged concessions "
                                         "(offers) that no one accepted: the issues stay where they were and "
                                         "those runs count as stalemate (X5)"))
    if sc.simulation is not None:
        d, w = sim_defaults(sc, logit=sim is not None and sim.policy.get("policy") == "logit")
        defaults += d
        warnings += w
    used = {n for s in (sc.games.specs if sc.games else []) for n in s.costs.values()}
    if sc.simulation is not None:
        sim = sc.simulation
        for refs in (*sim.move_costs.values(), *sim.move_benefits.values()):
            used |= {refs} if isinstance(refs, str) else set(refs)
        if sim.war is not None:
            used |= set(sim.war.win_prob.values()) | set(sim.war.cost.values())
    unused = [p for p in sc.parameters if p not in used]
    crisis = a.layers.get("crisis")
    if crisis is not None:  # the general crisis model reads parameters by name (C6, C13)
        unused = [p for p in unused if p in crisis.inputs.unused]
        # its stand-ins belong in the one list (they were only in its own section's warnings)
        defaults += [DefaultUsed("crisis", term, value, "not given: the general crisis model's default "
                                 "(README, 'The general crisis model: every term')")
                     for term, value in crisis.inputs.defaults.items()]
    if unused:
        warnings.append(InputWarning("scenario", f"parameters no layer reads: {', '.join(unused)}"))
    warnings += _not_a_crisis(sc, unused if crisis is None else [])
    # H15: a channel with no participants and no move was accepted without a word; the crisis model counts
    # it as open to both principals (games/crisis/channels.py), so it can carry their offers unnoticed
    named = {c for s_ in (sc.games.specs if sc.games else []) for c in (s_.public_channel, s_.closed_channel) if c}
    idle = [ch.id for ch in sc.channels
            if not ch.participants and ch.id not in named and not any(m.channel == ch.id for m in sc.moves)]
    if idle:
        warnings.append(InputWarning("scenario", f"channels with no participants that no move uses: {', '.join(idle)} "
                                     "(the crisis model counts such a channel as open to both principals)"))
    if crisis is not None and crisis.inputs.unsolved:  # stated for a third party the model does not solve (H12)
        from detente.games.crisis.spec import UNSOLVED

        warnings.append(InputWarning("crisis", UNSOLVED + ", ".join(crisis.inputs.unsolved)))
    if crisis is not None:
        warnings += [InputWarning("crisis", w) for w in (*crisis.inputs.changed, *crisis.inputs.unread)]
    return unique(defaults), unique(warnings)


NOT_CRISIS = ("analyze runs the general crisis model only on a crisis scenario: a 'crisis' tag, a games or "
              "simulation section, or an <actor>_war_cost parameter")


def _not_a_crisis(sc: Scenario, unused: list[str]) -> list[InputWarning]:
    """H15: principals named in the tags, or crisis-model terms, on a scenario analyze does not treat as a
    crisis were only 'parameters no layer reads' (or nothing), with no word of why."""
    from detente.games.crisis.spec import ACTOR_TERMS, GLOBAL_TERMS
    from detente.layer_checks import is_crisis

    if is_crisis(sc):
        return []
    # an actor's war cost makes a scenario a crisis (is_crisis): not listed here, as before
    suffixes = tuple(f"_{t}" for t in ACTOR_TERMS if t != "war_cost")
    terms = [p for p in unused if p.endswith(suffixes) or p in GLOBAL_TERMS
             or p.startswith(("sanctions_cost_", "third_party_"))]
    named = [t for t in sc.meta.tags if t.startswith(("challenger:", "defender:"))]
    if not terms and not named:
        return []
    what = " and ".join(x for x in (f"tags {', '.join(named)}" if named else "",
                                    f"crisis-model terms {', '.join(terms)}" if terms else "") if x)
    return [InputWarning("crisis", f"{what} are not used: {NOT_CRISIS}")]


def sim_defaults(sc: Scenario, logit: bool = True) -> tuple[list[DefaultUsed], list[InputWarning]]:
    """The simulation's stand-ins, read off the scenario by the world's own rules (sim/world.py); ``logit``:
    the logit players played, so what a war without a ``simulation.war`` section decides and costs is one."""
    sim = sc.simulation
    assert sim is not None
    defaults: list[DefaultUsed] = []
    warnings: list[InputWarning] = []
    actors = {a.id: a for a in sc.actors}

    def plays(actor: str) -> bool:
        seen: set[str] = set()
        cur: str | None = actor
        while cur is not None and cur not in seen:
            if cur in sim.players:
                return True
            seen.add(cur)
            cur = actors[cur].represents if cur in actors else None
        return False

    skipped = [m.id for m in sc.moves if not plays(m.actor)]
    if skipped:
        warnings.append(InputWarning("sim", f"{len(skipped)} moves of actors who are not simulation players "
                                     f"({' and '.join(sim.players)}) are not simulated: {', '.join(skipped)}"))
    for i in sc.issues:
        if i.status_quo is None:
            defaults.append(DefaultUsed("sim", f"issues.{i.id}.status_quo", (i.scale.min + i.scale.max) / 2,
                                        "no status quo: the scale's midpoint"))
    if sim.war is None and logit:  # SCENARIO.md: the capability share and zero cost stand in, listed (H15)
        defaults.append(DefaultUsed("sim", "war.issues", "none", "no simulation.war: a war decides no issue"))
        for p in sim.players:
            defaults.append(DefaultUsed("sim", f"war.win_prob.{p}", "capability share",
                                        "no simulation.war: the player's share of the two capabilities"))
            defaults.append(DefaultUsed("sim", f"war.cost.{p}", 0.0, "no simulation.war: war costs it nothing"))
    if sim.war is not None:
        for p in sim.players:
            if p not in sim.war.win_prob:
                defaults.append(DefaultUsed("sim", f"war.win_prob.{p}", "capability share",
                                            "no parameter named: the player's share of the two capabilities"))
            if p not in sim.war.cost:
                defaults.append(DefaultUsed("sim", f"war.cost.{p}", 0.0, "no parameter named: war costs it nothing"))
    for aud in sc.audiences:
        if aud.id not in sim.susceptibility:
            defaults.append(DefaultUsed("sim", f"susceptibility.{aud.id}", 0.8,
                                        "not given: 1 - weight of the audience's anchor"))
    return defaults, warnings


def _claim_line(vs: list[Verdict]) -> str:
    v = vs[0]
    parts = []
    for x in vs:
        # The count is always of draws/runs where the claim holds (a failing claim may hold in some).
        count = f" (holds in {x.held} of {x.draws} {_short(x.over)}, {pct(x.probability or 0.0)})" if x.draws else \
            f" (the model gives it probability {x.model_probability:.2f})" if x.model_probability is not None else \
            " (point values only)"
        parts.append(f"{x.status.replace('_', ' ')} by {x.layer or 'no layer'}"
                     + (count if x.status != "not_evaluated" else f": {x.detail}"))
    return f"{v.claim}: " + "; ".join(parts)


def _n(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def _short(over: str | None) -> str:
    return "runs" if over and "runs" in over else "draws"


def bottom_line(a: Analysis) -> dict[str, Any]:
    """The ``summary`` of analysis.json: the lines, and the facts behind each."""
    sc = a.scenario
    lines: list[str] = []
    by_claim: dict[str, list[Verdict]] = {}
    for v in a.claims:
        by_claim.setdefault(v.claim, []).append(v)
    holds = [c for c, vs in by_claim.items() if all(v.status == "holds" for v in vs)]
    fails = [c for c, vs in by_claim.items() if all(v.status == "fails" for v in vs)]
    unevaluated = [c for c, vs in by_claim.items() if all(v.status == "not_evaluated" for v in vs)]
    mixed = [c for c in by_claim if c not in holds + fails + unevaluated]
    if by_claim:
        head = [f"{len(holds)} of {len(by_claim)} claims hold ({', '.join(holds) or 'none'})",
                f"{len(fails)} fail ({', '.join(fails) or 'none'})"]
        if mixed:
            head.append(f"{len(mixed)} split between layers ({', '.join(mixed)})")
        if unevaluated:
            head.append(f"{len(unevaluated)} not evaluated ({', '.join(unevaluated)})")
        lines.append("Claims: " + "; ".join(head) + ".")
        for c in fails + mixed:
            lines.append("  " + _claim_line(by_claim[c]))
        def counts(vs: list[Verdict]) -> str:
            got = [f"{v.held}/{v.draws}" + (f" ({v.layer})" if len(vs) > 1 else "") for v in vs if v.draws]
            return " and ".join(got) or "point values"

        counted = [f"{c} {counts(by_claim[c])}" for c in holds]
        if counted:
            lines.append("  holding (draws or runs where it holds / all): " + ", ".join(counted))

    # predicted outcome class beside the known one
    predicted: dict[str, Any] = {}
    games = a.layers.get("games")
    if games is not None:
        gd = games.to_dict()
        shares = (gd.get("ranges") or {}).get("outcome_class_shares") or {}
        n = (gd.get("ranges") or {}).get("draws")
        predicted["games"] = {"class": gd.get("outcome_class"), "share": shares.get(gd.get("outcome_class")),
                              "draws": n}
    crisis = a.layers.get("crisis")
    if crisis is not None:
        predicted["crisis"] = {"class": crisis.outcome_class, "probability": crisis.probs[crisis.outcome_class]}
    sim = a.layers.get("sim")
    if sim is not None:
        predicted["sim"] = {"class": sim.batch.modal, "share": sim.frequencies.get(sim.batch.modal),
                            "draws": len(sim.batch.runs)}
    known = sc.known_outcome.outcome_class.value if sc.known_outcome else None
    rates = base_rates() if predicted else None
    if predicted:
        bits = []
        for layer, p in predicted.items():
            if layer == "crisis":
                bits.append(f"{p['class']} (general crisis model, probability {p['probability']:.2f})")
                continue
            name = "crisis game" if layer == "games" else "simulation"
            share = f", {pct(p['share'])} of {p['draws']} {'draws' if layer == 'games' else 'runs'}" \
                if p.get("share") is not None and p.get("draws") else ""
            bits.append(f"{p['class']} ({name}{share})")
        line = "Predicted outcome: " + "; ".join(bits)
        if known:
            agree = [layer for layer, p in predicted.items() if p["class"] == known]
            line += f". Known outcome: {known}" + (
                f" — {'matched by ' + ' and '.join(agree) if agree else 'none of these layers predicts it'}.")
        else:
            line += ". No known outcome is recorded."
        if rates:
            line += " " + base_rate_text(rates)
        lines.append(line)
    elif known:
        lines.append(f"Known outcome: {known}; no crisis game, crisis model or simulation in this scenario "
                     "predicts a class.")

    # strong position against the scenario's own claim or perspective
    names = {x.id: x.name for x in sc.actors}
    rows = [r for r in a.strong.rows if r.gain is not None]
    named, where = named_strong_actor(sc)
    strong: dict[str, Any] = {"top": rows[0].actor if rows else None, "named": named, "named_in": where or None,
                              "based_on": a.strong.based_on}
    if rows:
        top = rows[0]
        line = (f"Strong position: {names.get(top.actor, top.actor)} gains most under the {a.strong.based_on} "
                f"forecast ({top.gain:+.2f}).")
        issue = _claim_issue(sc, where)
        if named is not None and issue is not None:  # a claim on one issue is read on that issue (H12)
            on = [r for r in a.strong.rows if issue in r.issues and r.issues[issue]["gain"] is not None]
            on.sort(key=lambda r: -r.issues[issue]["gain"])
            rank = next((k + 1 for k, r in enumerate(on) if r.actor == named), None)
            strong.update(named_issue=issue, rank_of_named=rank, agrees=rank == 1)
            iname = next((i.name for i in sc.issues if i.id == issue), issue)
            if rank == 1:
                line += (f" On {iname}, {names.get(named, named)} gains most, as {where} says "
                         f"({on[0].issues[issue]['gain']:+.2f}).")
            elif rank is None:
                line += (f" {where.capitalize()} names {names.get(named, named)} on {iname}, where it has no gain "
                         "to rank.")
            else:
                g = on[rank - 1].issues[issue]["gain"]
                line += (f" {where[0].upper() + where[1:]} names {names.get(named, named)} on {iname}, where it "
                         f"ranks {rank} of {len(on)} ({g:+.2f}; {names.get(on[0].actor, on[0].actor)} gains most "
                         f"there, {on[0].issues[issue]['gain']:+.2f}): the table does not agree.")
        elif named is not None:
            rank = next((k + 1 for k, r in enumerate(rows) if r.actor == named), None)
            strong["rank_of_named"] = rank
            strong["agrees"] = rank == 1
            if rank == 1:
                line += f" That agrees with {where}, which names {names.get(named, named)}."
            elif rank is None:
                line += f" {where.capitalize()} names {names.get(named, named)}, which has no gain to rank."
            else:
                g = next(r.gain for r in rows if r.actor == named)
                line += (f" {where[0].upper() + where[1:]} names {names.get(named, named)}, which ranks "
                         f"{rank} of {len(rows)} ({g:+.2f}): the table does not agree.")
        else:
            line += " The scenario does not say who it expects to be strong."
        lines.append(line)
    elif a.strong.rows:  # an imported BdM file has no status quo: the bottom line was an empty box (H15)
        lines.append("Strong position: not ranked — no actor's gain against the status quo can be computed (no "
                     "issue has a status quo: give issues[].status_quo); the table gives power shares and win "
                     "probabilities only.")

    # where the argument stops following: the smallest computed change
    cands = flip_candidates(a)
    best = smallest_flip(cands)
    flip: dict[str, Any] = {"smallest": best, "candidates": cands}
    if best is not None:
        lines.append("Smallest change that flips a verdict: " + _flip_sentence(best) + ".")
    missed = [layer for layer, p in predicted.items() if known and p["class"] != known]
    if missed:
        src = {"games": ("crisis game thresholds", "crisis game"), "sim": ("simulation break-even", "simulation")}
        bits = []
        for layer in missed:
            if layer == "crisis":
                bits.append(f"general crisis model: gives {known} probability {crisis.probs.get(known, 0.0):.2f} "
                            "(no threshold search is run for it)")
                continue
            near = smallest_flip([c for c in cands if c["becomes"] == known and c["source"] == src[layer][0]])
            if near is None and layer == "sim" and sim is not None and sim.policy.get("policy") == "crisis":
                bits.append("simulation: its players play the crisis model (no break-even of the simulation is "
                            "searched)")
                continue
            if near is None:
                bits.append(f"{src[layer][1]}: no single change searched gives it")
                continue
            gain = "; below 0 war would be a gain in itself" if near["at"] < 0 < near["value"] and \
                "cost" in near["assumption"] else ""
            bits.append(f"{src[layer][1]}: {near['assumption']} at {near['at']:.3g} instead of {near['value']:g} "
                        f"({near['range']}{gain})")
        lines.append(f"Where the argument stops following — to reach the known outcome ({known}): "
                     + "; ".join(bits) + ".")
    joint = games.to_dict().get("joint_change") if games is not None else None
    if joint and joint.get("found"):
        lines.append(joint["text"])

    outliers = forecast_outliers(sc, a.models)
    if outliers:
        lines.append("Outlier forecasts (far from the other models; read with care): " + "; ".join(
            f"{o['model']} on {o['issue_name']}: {o['forecast']:.0f} against a median of {o['others_median']:.0f}"
            for o in outliers) + ".")
    defaults, warnings = defaults_and_warnings(a)
    if defaults or warnings:
        lines.append(f"Inputs: {_n(len(defaults), 'default')} stood in for missing inputs ('defaults used'); "
                     f"{_n(len(warnings), 'warning')} about inputs not used or dropped.")
    return {
        "lines": lines,
        "claims": {"holds": holds, "fails": fails, "split": mixed, "not_evaluated": unevaluated,
                   "verdicts": [v.to_dict() | {"count": v.share_text()} for v in a.claims]},
        "outcome": {"predicted": predicted, "known": known,
                    "base_rates": rates["classes"] if rates else None},
        "strong_position": strong,
        "flip": flip,
        "outliers": outliers,
        "defaults_used": [d.to_dict() for d in defaults],
        "warnings": [w.to_dict() for w in warnings],
    }
