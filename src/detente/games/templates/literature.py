"""Textbook crisis games with their published structure (see docs/DECISIONS.md, G-entries).

A is the challenger or first mover, B the defender or responder. Where a mover may be
indifferent, the action the literature's tie-break favours is listed first, because
backward induction breaks ties toward the first listed action.
"""

from __future__ import annotations

from collections.abc import Mapping

from detente.games.tree import Game

IIG_OUTCOMES = ("SQ", "ACQ_A", "ACQ_B", "NEGO", "CAP_A", "CAP_B", "WAR_A", "WAR_B")
IIG_CLASS = {"SQ": "stalemate", "NEGO": "agreement", "ACQ_A": "capitulation", "ACQ_B": "capitulation",
             "CAP_A": "capitulation", "CAP_B": "capitulation", "WAR_A": "escalation", "WAR_B": "escalation"}


def audience_cost_game(pi: float = 0.2, a: float = 1.0, c_b: float = 3.0, w_r: float = 0.5,
                       w_i: float = -2.0, stake_a: float = 1.0, stake_b: float = 1.0,
                       players: tuple[str, str] = ("A", "B")) -> Game:
    """Fearon-style public threat: chance draws A's resolve; B does not see it (one infoset).

    A concession gives A ``stake_a`` and costs B ``stake_b`` (1 and 1 in the textbook version).
    """
    pa, pb = players
    g = Game([pa, pb], "Audience-cost crisis game")
    types = {}
    for t, w in (("resolved", w_r), ("irresolute", w_i)):
        fight = g.terminal([w, -c_b], f"war ({t})", "escalation",
                           breakdown=[{"war": w}, {"war cost": -c_b}])
        back = g.terminal([-a, 0.0], f"{pa} backs down", "capitulation", breakdown=[{"audience cost": -a}, {}])
        after_resist = g.decision(pa, {"fight": fight, "back_down": back}, infoset=f"{pa} {t}, resisted")
        concede = g.terminal([stake_a, -stake_b], f"{pb} concedes", "capitulation",
                             breakdown=[{"issue": stake_a}, {"issue": -stake_b}])
        b = g.decision(pb, {"concede": concede, "resist": after_resist}, infoset=f"{pb} after challenge")
        sq = g.terminal([0.0, 0.0], "status quo", "stalemate", breakdown=[{}, {}])
        types[t] = g.decision(pa, {"challenge": b, "status_quo": sq}, infoset=f"{pa} {t}")
    g.chance(types, [pi, 1.0 - pi], infoset="resolve")
    g.parameters = {"pi": pi, "a": a, "c_b": c_b, "w_r": w_r, "w_i": w_i}
    return g.validate()


def audience_cost_oracle(pi: float, a: float, c_b: float, w_i: float) -> dict[str, float | str]:
    """Closed-form PBE of :func:`audience_cost_game` (crisis-games brief, section 6.1)."""
    if a > -w_i:
        return {"regime": "tied hands", "sigma": 1.0, "r": 0.0, "p_war": 0.0}
    if pi * c_b > 1:
        return {"regime": "pooling", "sigma": 1.0, "r": 0.0, "p_war": 0.0}
    return {"regime": "semi-separating", "sigma": pi * (c_b - 1) / (1 - pi), "r": 1 / (1 + a),
            "p_war": pi / (1 + a), "p_backdown": pi * (c_b - 1) / (1 + a), "p_sq": 1 - pi * c_b}


def risk_return_game(n_demands: int = 21, n_types: int = 20, p: float = 0.5, c_a: float = 0.1,
                     c_bar: float = 0.5, chance_first: bool = False,
                     demand_range: tuple[float, float] = (0.0, 1.0),
                     players: tuple[str, str] = ("A", "B")) -> Game:
    """Fearon (1995): A demands x on a grid; B, with private war cost c_B ~ U[0, c_bar], accepts or fights.

    Types are the midpoints of ``n_types`` equal bins. With ``chance_first`` nature moves
    first and A's demand is one information set across B's types (a signalling-order
    version solved by the logit trace); otherwise A moves first and the game has perfect
    information (solved by backward induction). Both describe the same strategic situation.
    """
    if n_demands < 2 or n_types < 1:
        raise ValueError("need at least 2 demands and 1 type")
    pa, pb = players
    g = Game([pa, pb], "Risk-return crisis bargaining")
    lo, hi = demand_range
    demands = [lo + (hi - lo) * j / (n_demands - 1) for j in range(n_demands)]
    costs = [(k + 0.5) * c_bar / n_types for k in range(n_types)]
    probs = [1.0 / n_types] * n_types

    def respond(x: float, c: float) -> int:
        acc = g.terminal([x, 1.0 - x], f"{pb} accepts", "agreement",
                         breakdown=[{"share": x}, {"share": 1.0 - x}])
        war = g.terminal([p - c_a, 1.0 - p - c], "war", "escalation",
                         breakdown=[{"expected share": p, "war cost": -c_a}, {"expected share": 1.0 - p,
                                                                              "war cost": -c}])
        return g.decision(pb, {"accept": acc, "fight": war})

    def label(x: float) -> str:
        return f"demand {x:.6g}"

    if chance_first:
        roots = {}
        for k, c in enumerate(costs):
            kids = {label(x): respond(x, c) for x in demands}
            roots[f"c_B={c:.6g} #{k}"] = g.decision(pa, kids, infoset=f"{pa} demands")
        g.chance(roots, probs)
    else:
        kids = {}
        for x in demands:
            kids[label(x)] = g.chance({f"c_B={c:.6g} #{k}": respond(x, c) for k, c in enumerate(costs)},
                                      probs)
        g.decision(pa, kids)
    g.parameters = {"p": p, "c_a": c_a, "c_bar": c_bar}
    return g.validate()


def risk_return_brute_force(n_demands: int, n_types: int, p: float, c_a: float, c_bar: float,
                            demand_range: tuple[float, float] = (0.0, 1.0)) -> tuple[int, float]:
    """Index and value of A's best grid demand by direct enumeration (B accepts iff x <= p + c_B)."""
    costs = [(k + 0.5) * c_bar / n_types for k in range(n_types)]
    best, best_v = 0, float("-inf")
    for j in range(n_demands):
        x = demand_range[0] + (demand_range[1] - demand_range[0]) * j / (n_demands - 1)
        v = sum(x if x <= p + c + 1e-12 else p - c_a for c in costs) / n_types
        if v > best_v + 1e-12:
            best, best_v = j, v
    return best, best_v


def iig_game(utilities: Mapping[str, Mapping[str, float]], players: tuple[str, str] = ("A", "B"),
             breakdown: Mapping[str, list[dict[str, float]]] | None = None,
             labels: Mapping[str, str] | None = None) -> Game:
    """The International Interaction Game (Bueno de Mesquita and Lalman 1992), Signorino's numbering.

    ``utilities[player][outcome]`` for players "A", "B" and the eight outcomes in IIG_OUTCOMES;
    ``players`` renames A and B, ``breakdown``/``labels`` give each outcome's terms and words.
    """
    for pl in ("A", "B"):
        missing = [o for o in IIG_OUTCOMES if o not in utilities.get(pl, {})]
        if missing:
            raise ValueError(f"IIG utilities for {pl} lack {', '.join(missing)}")
    pa, pb = players
    g = Game([pa, pb], "International Interaction Game")

    def out(o: str) -> int:
        return g.terminal([utilities["A"][o], utilities["B"][o]], (labels or {}).get(o, o), IIG_CLASS[o],
                          breakdown=(breakdown or {}).get(o))

    n8 = g.decision(pa, {"force": out("WAR_B"), "no_force": out("CAP_A")}, "8")
    n11 = g.decision(pb, {"force": out("WAR_A"), "no_force": out("CAP_B")}, "11")
    n7 = g.decision(pa, {"no_force": out("NEGO"), "force": n11}, "7")
    n6 = g.decision(pb, {"force": n8, "no_force": n7}, "6")
    n4 = g.decision(pa, {"acquiesce": out("ACQ_A"), "counter_demand": n6}, "4")
    n2 = g.decision(pb, {"no_demand": out("SQ"), "demand": n4}, "2")
    n10 = g.decision(pb, {"force": out("WAR_A"), "no_force": out("CAP_B")}, "10")
    n12 = g.decision(pa, {"force": out("WAR_B"), "no_force": out("CAP_A")}, "12")
    n9 = g.decision(pb, {"no_force": out("NEGO"), "force": n12}, "9")
    n5 = g.decision(pa, {"force": n10, "no_force": n9}, "5")
    n3 = g.decision(pb, {"acquiesce": out("ACQ_B"), "counter_demand": n5}, "3")
    g.decision(pa, {"demand": n3, "no_demand": n2}, "1")
    return g.validate()


def alternating_offers_game(rounds: int, grid: int, d1: float, d2: float,
                            players: tuple[str, str] = ("P1", "P2")) -> Game:
    """Finite Rubinstein bargaining over a pie of 1: the proposer keeps j/grid; breakdown (0, 0)."""
    if rounds < 1 or grid < 1:
        raise ValueError("need at least one round and a grid of at least 1")
    g = Game(list(players), f"Alternating offers ({rounds} rounds)")

    def build(t: int) -> int:
        proposer = t % 2
        deltas = (d1**t, d2**t)
        kids = {}
        for j in range(grid, -1, -1):
            keep = j / grid
            shares = (keep, 1 - keep) if proposer == 0 else (1 - keep, keep)
            acc = g.terminal([shares[0] * deltas[0], shares[1] * deltas[1]], f"agree at t={t}", "agreement",
                             breakdown=[{"share": shares[0], "delay": shares[0] * (deltas[0] - 1)},
                                        {"share": shares[1], "delay": shares[1] * (deltas[1] - 1)}])
            rej = build(t + 1) if t + 1 < rounds else g.terminal([0.0, 0.0], "breakdown", "stalemate",
                                                                   breakdown=[{}, {}])
            kids[f"keep {j}/{grid}"] = g.decision(1 - proposer, {"accept": acc, "reject": rej})
        return g.decision(proposer, kids)

    build(0)
    return g.validate()


def alternating_offers_share(rounds: int, d1: float, d2: float) -> float:
    """Closed-form SPE share of the first proposer in the finite game with continuous offers."""
    v = 1.0  # the last proposer keeps everything
    for t in range(rounds - 2, -1, -1):
        responder_delta = d2 if t % 2 == 0 else d1
        v = 1.0 - responder_delta * v
    return v


def chicken_commitment_game(a: float) -> Game:
    """Chicken where A may first commit publicly to Straight; swerving afterwards costs A an extra a."""
    g = Game(["A", "B"], "Chicken with public commitment")

    def second_stage(extra: float, tag: str) -> int:
        def a_moves(b_act: str) -> int:
            if b_act == "swerve":
                ss = g.terminal([0.0 - extra, 0.0], "both swerve", "agreement")
                ts = g.terminal([1.0, -1.0], "B swerves", "capitulation")
                return g.decision("A", {"straight": ts, "swerve": ss}, f"A {tag}, B swerved")
            st = g.terminal([-1.0 - extra, 1.0], "A swerves", "capitulation")
            tt = g.terminal([-10.0, -10.0], "crash", "escalation")
            return g.decision("A", {"swerve": st, "straight": tt}, f"A {tag}, B straight")

        return g.decision("B", {"swerve": a_moves("swerve"), "straight": a_moves("straight")}, f"B {tag}")

    commit = second_stage(a, "committed")
    free = second_stage(0.0, "uncommitted")
    g.decision("A", {"no_commit": free, "commit": commit}, "A commits?")
    g.parameters = {"a": a}
    return g.validate()


def chicken_simultaneous() -> Game:
    """Simultaneous Chicken: B's move is one information set over A's two moves."""
    g = Game(["A", "B"], "Chicken")
    pay = {("swerve", "swerve"): (0, 0), ("swerve", "straight"): (-1, 1),
           ("straight", "swerve"): (1, -1), ("straight", "straight"): (-10, -10)}
    kids = {}
    for a_act in ("swerve", "straight"):
        kids[a_act] = g.decision("B", {b: g.terminal(pay[(a_act, b)], f"{a_act}/{b}")
                                       for b in ("swerve", "straight")}, infoset="B")
    g.decision("A", kids, infoset="A")
    return g.validate()
