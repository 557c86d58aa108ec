"""The general crisis model written out as a games-layer extensive-form tree (docs/DECISIONS.md C15).

Why: the model's own recursion (model.py) solves one state at a time with beliefs rounded to a grid
and a short damped fixed point per state, so with private information it is approximate. The same
game as a full tree (``detente.games.tree.Game``) can be solved by the games layer's exact solvers
(backward induction with complete information, the sequential-equilibrium trace, logit QRE) and by
OpenSpiel's CFR, which checks the recursion and says how far its approximations move the answer.

The tree is the model, move for move: a chance node draws the principals' resolve types (only for a
side with two types), then each round the proposer offers a division on the model's grid and the
responder accepts, holds, climbs a rung or goes to war. A principal knows its own type and every move
(offers and responses are public) but not the other's type: its information set is (own type, public
history). Payoffs are the model's discounted sums (flows, standoff and one-time costs, audience costs;
war at its expected value, as the model has it), added along the path; status quo shares are rounded
as the model rounds them (SQ_STEP). A mediator who reveals resolve (C7) is a chance node at the root
whose "revealed" branch is the complete-information game at the mean war costs, the mixture the
recursion's run applies. The tree grows as (offers x responses)^horizon: beyond the games layer's node
limit (200,000, H3) export is refused with a one-line error naming the settings to reduce.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from detente.errors import InputError
from detente.games.crisis.channels import CHANNEL_NAMES
from detente.games.crisis.model import (
    NONE,
    RESPONSES,
    SQ_STEP,
    CrisisModel,
    _round,
    classify,
    standoff_move,
)
from detente.games.efg import MAX_EFG_NODES
from detente.games.solve import AUTO_CFR_ACTIONS
from detente.games.tree import Game

MAX_TREE_NODES = MAX_EFG_NODES  # the games layer's limit (README "Limits", DECISIONS H3)
TYPE_NAMES = ("resolved", "irresolute")
# above this many decision actions the sequential-equilibrium trace is refused (auto's switch to CFR, G5)
SEQUENTIAL_MAX_ACTIONS = AUTO_CFR_ACTIONS
TREE_SOLVERS = ("auto", "backward", "qre", "sequential", "openspiel", "cfr", "gambit")
CONCEPTS = {
    "backward": "subgame-perfect equilibrium by backward induction on the exported tree (exact)",
    "qre": "agent logit QRE at lambda={lam:g} on the exported tree (beliefs exact, no grid)",
    "sequential": "sequential equilibrium by the logit trace on the exported tree (exact when polished)",
    "openspiel": "OpenSpiel CFR+ average policy on the exported tree: approximates a Nash equilibrium "
                 "(not subgame-perfect); NashConv says how far it is",
    "gambit": "pygambit logit limit on the exported tree",
}


def types_of(m: CrisisModel, who: int) -> list[tuple[int, float]]:
    """(type index, probability) for a principal; one entry when its type is known."""
    c0, c1 = m.war_cost[who]
    pr = m.prior[who]
    if abs(c0 - c1) <= 1e-12 or pr >= 1.0:
        return [(0, 1.0)]
    if pr <= 0.0:
        return [(1, 1.0)]
    return [(0, pr), (1, 1.0 - pr)]


def mean_costs(m: CrisisModel) -> tuple[float, float]:
    """Prior-weighted war costs (what the complete-information counterfactuals use, C9)."""
    return tuple(m.prior[i] * m.war_cost[i][0] + (1 - m.prior[i]) * m.war_cost[i][1]  # type: ignore[return-value]
                 for i in (0, 1))


def _complete(m: CrisisModel) -> CrisisModel:
    mc = mean_costs(m)
    return replace(m, war_cost=((mc[0], mc[0]), (mc[1], mc[1])), prior=(1.0, 1.0))


def _allowed(m: CrisisModel, rung: int) -> list[str]:
    return [a for a in RESPONSES if a in m.responses and not (a == "escalate" and rung >= 2)]


def tree_size(m: CrisisModel, mediation: float = 0.0) -> int:
    """Nodes the exported tree will have (counted without building it)."""
    memo: dict[tuple[int, int], int] = {}

    def count(t: int, rung: int) -> int:
        got = memo.get((t, rung))
        if got is not None:
            return got
        last = t + 1 >= m.horizon
        n = 1
        for _ in m.offers:
            n += 1
            for a in _allowed(m, rung):
                if a == "war" or last:
                    n += 1
                else:
                    n += count(t + 1, 0 if a == "accept" else rung + 1 if a == "escalate" else rung)
        memo[(t, rung)] = n
        return n

    one = count(0, m.start_rung)
    pairs = len(types_of(m, 0)) * len(types_of(m, 1))
    n = one * pairs + (1 if pairs > 1 else 0)
    if mediation > 0:
        n += one + 1
    return n


class _Builder:
    def __init__(self, g: Game, m: CrisisModel, prefix: str) -> None:
        self.g, self.m, self.prefix = g, m, prefix
        T, d = m.horizon, m.discount
        self.flow_w = [(1 - d) * d ** t for t in range(T)]
        self.once_w = [d ** t for t in range(T + 1)]
        self.wv = [[[m.war_value(w, t, th) for th in (0, 1)] for t in range(T)] for w in (0, 1)]
        self.two = [len(types_of(m, i)) > 1 for i in (0, 1)]
        self.names = m.players

    def label(self, who: int, th: int, hist: str) -> str:
        typ = f" ({TYPE_NAMES[th]})" if self.two[who] else ""
        return f"{self.prefix}{self.names[who]}{typ} | {hist or 'start'}"

    def root(self, th: tuple[int, int]) -> int:
        m = self.m
        return self.round(0, m.start_rung, m.start_escalator, _round(m.sq, SQ_STEP), m.forced_at_start,
                          (0.0, 0.0), "", th, False)

    def end(self, pay: list[float], sq: float, forced: bool, agreed: bool, what: str) -> int:
        m = self.m
        w = self.once_w[m.horizon]
        vals = [pay[i] + w * m.u(i, sq) for i in (0, 1)]
        return self.g.terminal(vals, f"{what}; deadline at {sq:.2f}",
                               classify(sq, m.sq_pre, forced, agreed, m.sq))

    def round(self, t: int, rung: int, esc: int, sq: float, forced: bool, acc: tuple[float, float], hist: str,
              th: tuple[int, int], agreed: bool = False) -> int:
        m, g = self.m, self.g
        P = m.proposer_at(t)
        R = 1 - P
        fw, ow = self.flow_w[t], self.once_w[t]
        last = t + 1 >= m.horizon
        offer_moves: dict[str, int] = {}
        for k, s in enumerate(m.offers):
            where = f" {CHANNEL_NAMES[m.channel_of[k]]}" if m.channel is not None else ""
            step = f"r{t} {self.names[P]} offers {s:.4g}{where}"
            h_off = f"{hist}; {step}" if hist else step
            resp: dict[str, int] = {}
            op = m.offer_terms(t, k, sq)
            acc_k = (acc[0] + op[0], acc[1] + op[1]) if m.channel is not None else acc
            for a in _allowed(m, rung):
                h2 = f"{h_off}, {self.names[R]} {a}"
                if a == "war":
                    pay = [acc_k[i] + ow * self.wv[i][t][th[i]] for i in (0, 1)]
                    resp[a] = g.terminal(pay, h2, "escalation")
                    continue
                if a == "accept":
                    back = m.accept_back(t, k, sq, esc)
                    pay = [acc_k[i] + fw * m.u(i, s) - back[i] for i in (0, 1)]
                    r2, e2, sq_next, f2, ag = 0, NONE, _round(s, SQ_STEP), forced, True
                else:
                    r2, e2, sq2, f2, one = standoff_move(m, t, R, a, rung, m.commits(t, k, sq, esc), sq, forced)
                    ag = m.keeps(agreed, a)
                    pay = [acc_k[i] + fw * m._u(i, sq2) - m.hold_cost(i, t, r2, one, ag) for i in (0, 1)]
                    sq_next = _round(sq2, SQ_STEP)
                if last:
                    resp[a] = self.end(pay, sq_next, f2, ag, h2)
                else:
                    resp[a] = self.round(t + 1, r2, e2, sq_next, f2, (pay[0], pay[1]), h2, th, ag)
            offer_moves[f"offer {s:.4g}{where}"] = g.decision(R, resp, self.label(R, th[R], h_off))
        if len(offer_moves) != len(m.offers):
            raise ValueError("offers on the grid must differ in their first four digits")
        return g.decision(P, offer_moves, self.label(P, th[P], hist))


def check_tree_size(m: CrisisModel, mediation: float = 0.0, max_nodes: int = MAX_TREE_NODES) -> None:
    """Too large a tree is a one-line error (the CLI asks with mediation 0, a lower bound, before solving)."""
    n = tree_size(m, mediation)
    if n > max_nodes:
        raise InputError(f"the crisis model's game tree would have {n:,} nodes, more than {max_nodes:,}: reduce "
                         f"the horizon (now {m.horizon} rounds; --horizon) or the offer grid (now "
                         f"{len(m.offers) // (2 if m.channel is not None else 1)} points"
                         f"{' on each channel' if m.channel is not None else ''}; --offers)", field="--horizon")


def export_tree(m: CrisisModel, mediation: float = 0.0, max_nodes: int = MAX_TREE_NODES) -> Game:
    """The crisis model as a ``Game`` (players: challenger, defender). ``mediation`` is the chance
    that a mediator reveals both sides' resolve (C7). Too large a tree is a one-line error."""
    check_tree_size(m, mediation, max_nodes)
    g = Game(m.players, title=f"general crisis model: {m.players[0]} v {m.players[1]}")
    b = _Builder(g, m, "")
    tc, td = types_of(m, 0), types_of(m, 1)
    if len(tc) * len(td) == 1:
        main = b.root((tc[0][0], td[0][0]))
    else:
        kids: dict[str, int] = {}
        probs = []
        for a, pa in tc:
            for d, pd in td:
                lab = " / ".join(f"{m.players[i]} {TYPE_NAMES[x]}" for i, x, many in
                                 ((0, a, len(tc) > 1), (1, d, len(td) > 1)) if many)
                kids[lab] = b.root((a, d))
                probs.append(pa * pd)
        tot = sum(probs)
        main = g.chance(kids, [p / tot for p in probs], "resolve types")
    if mediation > 0:
        revealed = _Builder(g, _complete(m), "revealed: ").root((0, 0))
        g.chance({"mediator reveals resolve": revealed, "no mediation": main}, [mediation, 1 - mediation],
                 "mediation")
    g.parameters = {"horizon": float(m.horizon), "offers": float(len(m.offers)), "mediation": mediation}
    return g.validate()


def check_backward(m: CrisisModel) -> None:
    """Backward induction needs one resolve type per side (the CLI asks before solving the model)."""
    if len(types_of(m, 0)) * len(types_of(m, 1)) > 1:
        raise InputError("--solver backward needs complete information (one resolve type per side); this "
                         "crisis has private information: use sequential, qre or cfr", field="--solver")


def solve_tree(m: CrisisModel, method: str, *, lam: float = 5.0, iterations: int = 2000,
               mediation: float = 0.0) -> dict[str, Any]:
    """Export ``m`` and solve its tree with a games-layer solver; a summary for the run's output."""
    from detente.games.evaluate import class_distribution
    from detente.games.solve import solve

    method = "openspiel" if method == "cfr" else method
    if method not in CONCEPTS and method != "auto":
        raise InputError(f"unknown tree solver '{method}' (choose from {', '.join(TREE_SOLVERS)})",
                         field="--solver")
    if method == "backward":
        check_backward(m)
    t0 = time.perf_counter()
    g = export_tree(m, mediation)
    built = time.perf_counter() - t0
    n_actions = sum(len(g.infosets[k].actions) for k in g.decision_infosets())
    if method == "auto" and not g.perfect_information and n_actions > SEQUENTIAL_MAX_ACTIONS:
        from detente.games.openspiel_adapter import available

        if not available():  # auto would fall back to the trace (G5), which does not finish at this size
            raise InputError(f"--tree: the exported tree has {n_actions:,} decision actions and OpenSpiel (CFR) is not "
                             "installed (pip install 'detente[games]'); reduce --horizon / --offers",
                             field="--solver")
    if method in ("sequential", "qre") and not g.perfect_information and n_actions > SEQUENTIAL_MAX_ACTIONS:
        # the tree's QRE follows the same logit trace (games.solve): it ran for minutes here (H11)
        raise InputError(f"--solver {method}: the exported tree has {n_actions:,} decision actions, more than the "
                         f"logit trace is practical for ({SEQUENTIAL_MAX_ACTIONS}, G5): use --solver "
                         f"cfr{'' if method == 'qre' else ' or qre'}, or reduce --horizon / --offers", field="--solver")
    sol = solve(g, method, lam=lam, iterations=iterations, check=True, enumerate_pure=False)
    method = sol.method
    dist = class_distribution(g, sol.profile)
    probs = {c: dist.get(c, 0.0) for c in ("agreement", "stalemate", "capitulation", "escalation")}
    exact = method == "backward" or (method == "sequential" and sol.exact)
    concept = CONCEPTS[method].format(lam=lam)
    if method == "sequential" and not sol.exact:
        concept = f"logit QRE at lambda={sol.lam:g} on the exported tree (the trace stopped before an exact " \
                  "sequential equilibrium): approximate"
    out: dict[str, Any] = {
        "method": "cfr" if method == "openspiel" else method, "concept": concept, "exact": exact,
        "nodes": len(g), "information_sets": sum(1 for _ in g.decision_infosets()),
        "perfect_information": g.perfect_information, "seconds_build": built, "seconds_solve": sol.seconds,
        "outcome_classes": probs, "outcome_class": max(probs, key=lambda c: (probs[c], c == "escalation")),
        "nash_conv": sol.nash_conv, "agent_regret": sol.regret, "ties": sol.ties, "notes": list(sol.notes),
    }
    if method == "openspiel":
        out["iterations"] = iterations
        out["notes"].append("the crisis game is not zero-sum: CFR's average need not converge to a Nash "
                            "equilibrium there; the NashConv reported says how close this one is")
    if method == "qre":
        out["lambda"] = lam
    return out


def attach_tree(run: Any, method: str, *, lam: float, iterations: int = 2000) -> None:
    """Solve ``run``'s model (a ``CrisisRun``) on its exported tree and set ``run.tree``, with the
    recursion's outcome probabilities under the matching concept beside it (QRE against QRE at the
    same lambda; the other solvers against the recursion's best responses)."""
    from detente.games.crisis.model import CLASSES, solve_crisis

    m, med = run.inputs.model, run.inputs.mediation
    tree = solve_tree(m, method, lam=lam, iterations=iterations, mediation=med)
    if tree["method"] == "qre":
        ref = dict(run.probs)
        what = f"the recursion's agent QRE at lambda={run.qre.lam:g} (belief grid {run.belief_step:g})"
    else:
        best = run.best or solve_crisis(m, None, run.belief_step)
        ref = best.outcome_probs()
        if med > 0:
            ci = solve_crisis(_complete(m), None, run.belief_step).outcome_probs()
            ref = {k: (1 - med) * ref[k] + med * ci[k] for k in CLASSES}
        what = f"the recursion's best responses (belief grid {run.belief_step:g})"
    gap = max(abs(tree["outcome_classes"][c] - ref[c]) for c in CLASSES)
    tree["compare"] = {"against": what, "outcome_classes": ref, "max_difference": gap}
    run.tree = tree


def tree_story(tree: dict[str, Any]) -> list[str]:
    """Sentences for ``CrisisRun.story``: what the tree solver found, beside the recursion."""
    pr = ", ".join(f"{k} {v:.2f}" for k, v in sorted(tree["outcome_classes"].items(), key=lambda kv: -kv[1]))
    lines = [f"Exported game tree ({tree['nodes']:,} nodes, {tree['information_sets']:,} information sets), "
             f"{tree['concept']}: {pr}."]
    bits = [f"solved in {tree['seconds_solve']:.2f} s"]
    if tree.get("iterations"):
        bits.append(f"{tree['iterations']} iterations")
    if tree.get("nash_conv") is not None:
        bits.append(f"NashConv {tree['nash_conv']:.2e}")
    if tree.get("agent_regret") is not None:
        bits.append(f"largest one-shot regret {tree['agent_regret']:.2e}")
    lines.append("Tree solver: " + "; ".join(bits) + ".")
    cmp_ = tree.get("compare")
    if cmp_:
        ref = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cmp_["outcome_classes"].items(), key=lambda kv: -kv[1]))
        lines.append(f"Against {cmp_['against']}: {ref}; largest difference {cmp_['max_difference']:.3f}.")
    lines.extend(f"Tree solver: {n}" for n in tree["notes"])
    return lines


def recursion_profile(g: Game, sol: Any, revealed: Any = None) -> list[list[float]]:
    """The recursion's strategies (``CrisisSolution``) as a behaviour profile on the exported tree
    ``g``: each information set (own type, public history) plays what the recursion plays in the
    state that history leads to. ``revealed`` solves the mediator's complete-information branch.
    On the tree, this profile's outcomes are the recursion's, and its NashConv says how far the
    recursion's answer (beliefs on a grid, a short fixed point per state) is from an equilibrium."""
    from detente.games.evaluate import uniform_profile
    from detente.games.tree import CHANCE

    prof = uniform_profile(g)

    def walk(node: int, s: Any, key: tuple, th: tuple[int, int]) -> None:
        m = s.model
        rec = s.nodes[key]
        P = m.proposer_at(key[0])
        prof[g.infoset[node]] = list(rec.sigma_p[th[P]])
        for k, rnode in enumerate(g.children[node]):
            acts = g.actions_of(rnode)
            prof[g.infoset[rnode]] = [rec.sigma_r[th[1 - P]][k][RESPONSES.index(a)] for a in acts]
            for a, child in zip(acts, g.children[rnode], strict=True):
                nxt = rec.children[k][RESPONSES.index(a)]
                if nxt is not None:
                    walk(child, s, nxt, th)

    def typed(node: int, s: Any) -> None:
        m = s.model
        pairs = [(a, d) for a, _ in types_of(m, 0) for d, _ in types_of(m, 1)]
        if g.kind[node] == CHANCE:
            for th, child in zip(pairs, g.children[node], strict=True):
                walk(child, s, s.root, th)
        else:
            walk(node, s, s.root, pairs[0])

    root = g.root
    if g.infosets[g.infoset[root]].label == "mediation":
        if revealed is None:
            raise ValueError("the tree has a mediation branch: pass the complete-information solution")
        typed(g.children[root][0], revealed)
        typed(g.children[root][1], sol)
    else:
        typed(root, sol)
    return prof


def check_recursion(m: CrisisModel, lam: float | None, belief_step: float, mediation: float = 0.0,
                    g: Game | None = None) -> dict[str, Any]:
    """Solve ``m`` by the recursion and score its strategies on the exact tree: outcome
    probabilities there, NashConv and the largest one-shot regret, over all information sets and
    over those reached (0 at an equilibrium; for a QRE they measure the QRE's own noise as well as
    the recursion's approximations). Unreached sets are judged at uniform beliefs over their nodes,
    not at the recursion's posteriors, so a regret there alone is no evidence against it."""
    from detente.games.crisis.model import solve_crisis
    from detente.games.evaluate import action_values, agent_regret, class_distribution, nash_conv, reach_probs

    g = g if g is not None else export_tree(m, mediation)
    t0 = time.perf_counter()
    sol = solve_crisis(m, lam, belief_step)
    rev = solve_crisis(_complete(m), lam, belief_step) if mediation > 0 else None
    secs = time.perf_counter() - t0
    prof = recursion_profile(g, sol, rev)
    dist = class_distribution(g, prof)
    return {"lambda": lam, "belief_step": belief_step, "seconds": secs, "states": len(sol.nodes),
            "outcome_classes": {c: dist.get(c, 0.0) for c in ("agreement", "stalemate", "capitulation",
                                                                "escalation")},
            "nash_conv": nash_conv(g, prof), "agent_regret": agent_regret(g, prof),
            "regret_on_path": _regret_reached(g, prof, action_values, reach_probs)}


def _regret_reached(g: Game, prof: list[list[float]], action_values: Any, reach_probs: Any) -> float:
    q, reach = action_values(g, prof), reach_probs(g, prof)
    worst = 0.0
    for k in g.decision_infosets():
        if sum(reach[n] for n in g.infosets[k].nodes) > 1e-12:
            worst = max(worst, max(q[k]) - sum(p * v for p, v in zip(prof[k], q[k], strict=True)))
    return worst
