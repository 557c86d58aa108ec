"""Say in words what each side does on the equilibrium path and why, and where the path changes.

Reasons compare the value of the chosen action with each alternative, split into the
terms the template recorded (issue value, face, credibility, information, war cost).
Thresholds vary one number at a time over a wide range, rebuild and re-solve the game,
and bisect to the value where the equilibrium path changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from detente.errors import InputError
from detente.games.evaluate import Profile, beliefs
from detente.games.solve import Solution, solve
from detente.games.tree import CHANCE, TERMINAL, Game

MAX_ALTERNATIVES = 3  # alternatives explained one by one; the rest are summarised


def expected_breakdown(game: Game, prof: Profile, node: int, player: int) -> dict[str, float]:
    """Reach-weighted sum of the terminal payoff components below ``node`` for ``player``."""
    out: dict[str, float] = {}
    stack = [(node, 1.0)]
    while stack:
        n, w = stack.pop()
        if w == 0.0:
            continue
        if game.kind[n] == TERMINAL:
            for k, v in game.breakdown.get(n, [{}] * len(game.players))[player].items():
                out[k] = out.get(k, 0.0) + w * v
            continue
        for p, c in zip(prof[game.infoset[n]], game.children[n], strict=True):
            stack.append((c, w * p))
    return out


def _fmt_terms(terms: Mapping[str, float]) -> str:
    ordered = sorted(terms.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    parts = [f"{k} {v:+.2f}" for k, v in ordered if abs(v) > 5e-4]
    return ", ".join(parts)


def narrative(sol: Solution, names: Mapping[str, str] | None = None) -> list[str]:
    """One sentence per decision on the path, with the reason in numbers."""
    g = sol.game
    names = dict(names or {})
    lines = []
    steps = sol.path()
    histories: dict[tuple[str, str], list[str]] = {}
    for st in steps:
        histories.setdefault((st.player, st.infoset), []).append(" → ".join(st.history) or "the start")
    done: set[tuple[str, str]] = set()
    groups = _chance_groups(g, steps)
    told: set[tuple[Any, ...]] = set()
    for st in steps:
        key = (st.player, st.infoset)
        shared = len(histories[key]) > 1
        if shared and key in done:
            continue
        done.add(key)
        gkey = _group_key(g, st)
        if gkey in groups:
            if gkey not in told:
                told.add(gkey)
                lines.append(_group_line(g, gkey, groups[gkey], names))
            continue
        who = names.get(st.player, st.player)
        pidx = g.players.index(st.player)
        chosen = st.chosen
        p = st.probs[chosen]
        where = _where(g, st.node)
        if shared:
            k = g.infoset[st.node]
            mu = (sol.beliefs or beliefs(g, sol.profile))[k]
            hist = [" → ".join(a for _, a in g.history(h)) or "the start" for h in g.infosets[k].nodes]
            held = ", ".join(f"{w:.2f} on {h}" for w, h in zip(mu, hist, strict=True))
            where = f" not knowing whether after {' or '.join(histories[key])} (beliefs: {held})"
        # an information set's name is shown when it says more than the player's id and a number
        label = "" if st.infoset.isdigit() or st.infoset.startswith(f"{st.player} ") else f" ({st.infoset})"
        if p < 1 - 1e-6:
            mix = ", ".join(f"{a} {q:.3f}" for a, q in st.probs.items() if q > 1e-6)
            vals = ", ".join(f"{a} {v:+.3f}" for a, v in st.values.items())
            if sol.method == "qre":
                lines.append(f"{who}{label}{where} chooses with noise: {mix} (logit response to values {vals}).")
            else:
                lines.append(f"{who}{label}{where} mixes: {mix}; it is indifferent between the actions it mixes "
                             f"(values {vals}).")
            continue
        node = st.node
        kids = dict(zip(g.actions_of(node), g.children[node], strict=True))
        single = len(g.infosets[g.infoset[node]].nodes) == 1
        v_best = st.values[chosen]
        alts = []
        others = sorted(((a, v) for a, v in st.values.items() if a != chosen), key=lambda kv: -kv[1])
        for a, v in others[:MAX_ALTERNATIVES]:
            why = ""
            if single and g.breakdown:
                terms = expected_breakdown(g, sol.profile, kids[a], pidx)
                own = expected_breakdown(g, sol.profile, kids[chosen], pidx)
                diff = {k: terms.get(k, 0.0) - own.get(k, 0.0) for k in sorted(set(terms) | set(own))}
                txt = _fmt_terms(diff)
                why = f" (compared with {chosen}: {txt})" if txt else ""
            alts.append(f"{v:+.2f} for {a}{why}")
        if len(others) > MAX_ALTERNATIVES:
            rest = [v for _, v in others[MAX_ALTERNATIVES:]]
            alts.append(f"{min(rest):+.2f} to {max(rest):+.2f} for the {len(rest)} other actions")
        reach = "" if st.reach > 1 - 1e-9 or shared else f" [reached with probability {st.reach:.3f}]"
        tie = [a for a, v in others if abs(v - v_best) <= 1e-9]
        tie_txt = (f" It is indifferent between {chosen} and {', '.join(tie)}; the tie goes to the first listed "
                   "action." if tie and sol.method == "backward" else "")
        lines.append(f"{who}{where} chooses {chosen}{reach}: it is worth {v_best:+.2f} to it, against "
                     + "; ".join(alts) + "." + tie_txt)
    dist = sol.to_dict()["outcomes"]
    top = sorted(dist.items(), key=lambda kv: -kv[1])
    lines.append("Outcome: " + "; ".join(f"{k} ({q:.0%})" if q < 1 - 1e-9 else k for k, q in top if q > 1e-6)
                 + f" — class {sol.outcome_class()}.")
    return lines


def _where(g: Game, node: int) -> str:
    """' after a → b', with chance outcomes said apart: ' after a (nature drew x)'."""
    moves = [a for par, a in g.history(node) if g.kind[par] != CHANCE]
    drawn = [a for par, a in g.history(node) if g.kind[par] == CHANCE]
    out = f" after {' → '.join(moves)}" if moves else ""
    if drawn:
        out += f", when nature drew {' and '.join(drawn)},"
    return out


CHANCE_GROUP = 5  # a chance move with at least this many outcomes: its followers are told in one line


def _group_key(g: Game, st: Any) -> tuple[Any, ...] | None:
    """Steps right after a wide chance move share a key: (player, history before it, choice)."""
    par = g.parent[st.node]
    if par == -1 or g.kind[par] != CHANCE or len(g.children[par]) < CHANCE_GROUP:
        return None
    return (st.player, tuple(st.history[:-1]), st.chosen)


def _chance_groups(g: Game, steps: Sequence[Any]) -> dict[tuple[Any, ...], list[Any]]:
    out: dict[tuple[Any, ...], list[Any]] = {}
    for st in steps:
        k = _group_key(g, st)
        if k is not None:
            out.setdefault(k, []).append(st)
    return out


def _group_line(g: Game, key: tuple[Any, ...], group: Sequence[Any], names: Mapping[str, str]) -> str:
    player, before, chosen = key
    who = names.get(player, player)
    n_out = len(g.children[g.parent[group[0].node]])
    where = f" after {' → '.join(before)}" if before else ""
    reach = sum(st.reach for st in group)
    first, last = group[0].history[-1], group[-1].history[-1]
    span = first if len(group) == 1 else f"{first} … {last}"
    margin = min(st.values[chosen] - max(v for a, v in st.values.items() if a != chosen) for st in group)
    return (f"{who}{where} chooses {chosen} in {len(group)} of the {n_out} chance outcomes ({span}; together "
            f"probability {reach:.3f}), each time by at least {margin:.2f} over its best alternative.")


def signature(sol: Solution) -> tuple[Any, ...]:
    """What counts as 'the equilibrium path': each reached decision's support and the class.

    Supports, not probabilities: inside a mixed regime the mixing probabilities move with every
    number, and calling each of those moves a change of path would hide the regime changes.
    """
    steps = tuple((st.player, st.infoset, tuple(a for a, q in st.probs.items() if q > 1e-6))
                  for st in sol.path())
    return (*steps, sol.outcome_class())


def path_text(sol: Solution) -> str:
    parts = []
    for st in sol.path():
        if st.reach < 0.5:
            continue
        p = st.probs[st.chosen]
        parts.append(f"{st.player} {st.chosen}" + ("" if p > 1 - 1e-6 else f" ({p:.2f})"))
    return " → ".join(parts) + f" ⇒ {sol.outcome_class()}"


@dataclass
class Threshold:
    key: str
    term: str
    value: float
    low: float
    high: float
    below: dict[str, Any] | None  # nearest switch below the current value
    above: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.key, "term": self.term, "value": self.value, "searched": [self.low, self.high],
                "below": self.below, "above": self.above}

    def text(self) -> str:
        out = []
        for side, sw in (("below", self.below), ("above", self.above)):
            if sw is not None:
                out.append(f"{side} {sw['at']:.4g}: {sw['path']}")
        if not out:
            return f"{self.key} = {self.value:g}: the path does not change in [{self.low:g}, {self.high:g}]"
        return f"{self.key} = {self.value:g}: " + "; ".join(out)


def find_thresholds(build: Callable[[Mapping[str, float]], Game], knobs: Sequence[Any], method: str = "auto",
                    grid: int = 41, tol: float = 1e-6) -> list[Threshold]:
    """For each knob (key, term, value, low, high), the nearest values where the path changes."""

    def run(key: str, x: float) -> Solution | None:
        try:
            return solve(build({key: x}), method, check=False, enumerate_pure=False)
        except InputError:  # the value makes no game (e.g. a zero stake): not a switch
            return None

    def sig(key: str, x: float) -> tuple[Any, ...] | None:
        sol = run(key, x)
        return None if sol is None else signature(sol)

    out = []
    for kb in knobs:
        base = run(kb.key, kb.value)
        if base is None:
            continue
        sig0 = signature(base)
        xs = sorted({kb.low + (kb.high - kb.low) * i / (grid - 1) for i in range(grid)} | {kb.value})
        sigs = {x: sig(kb.key, x) for x in xs}
        i0 = xs.index(kb.value)
        found: dict[str, dict[str, Any] | None] = {"below": None, "above": None}
        for side, rng in (("below", range(i0 - 1, -1, -1)), ("above", range(i0 + 1, len(xs)))):
            prev = kb.value
            for i in rng:
                if sigs[xs[i]] is not None and sigs[xs[i]] != sig0:
                    inside, outside = prev, xs[i]
                    while abs(outside - inside) > tol * max(1.0, kb.high - kb.low):
                        mid = (inside + outside) / 2
                        if sig(kb.key, mid) in (sig0, None):
                            inside = mid
                        else:
                            outside = mid
                    sol = run(kb.key, outside)
                    assert sol is not None
                    found[side] = {"at": round((inside + outside) / 2, 6), "path": path_text(sol),
                                   "outcome_class": sol.outcome_class()}
                    break
                prev = xs[i]
        out.append(Threshold(kb.key, kb.term, kb.value, kb.low, kb.high, found["below"], found["above"]))
    return out




def threshold_summary(ths: Sequence[Threshold], base_class: str | None) -> list[str]:
    """Which single assumption changes produce escalation, a concession or another outcome."""
    lines = []
    kinds = {"escalation": "escalation", "capitulation": "a concession", "agreement": "an agreement",
             "stalemate": "a stalemate"}
    found: set[str] = set()
    for th in ths:
        for side, sw in (("below", th.below), ("above", th.above)):
            if sw is None or sw["outcome_class"] == base_class:
                if sw is not None:
                    lines.append(f"{th.key} {side} {sw['at']:.3g} changes the path but not the outcome "
                                 f"({sw['path']}).")
                continue
            what = kinds.get(sw["outcome_class"], str(sw["outcome_class"]))
            found.add(sw["outcome_class"])
            lines.append(f"{what.capitalize()} if {th.key} is {side} {sw['at']:.3g} (now {th.value:g}): "
                         f"{sw['path']}.")
    for cls in ("escalation", "capitulation"):
        if cls not in found and cls != base_class:
            lines.append(f"No single assumption in its searched range produces {kinds[cls]}.")
    return lines
