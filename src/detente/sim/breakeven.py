"""Break-evens of escalation: what would have had to be true for a player to choose war.

For each war setting of a player (its war cost, its estimate of winning, its salience on each
issue war decides) the value at which escalation becomes its choice in the simulation, the
others held at their modes (the scenario's point values). "Its choice" is read on the modal
path: the run in which every choice is the best move by expected utility (the logit choice as
the temperature falls to 0; scripts play as written), so the criterion is deterministic and a
bisection over one number finds where it switches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.errors import InputError
from detente.scenario.numbers import Num
from detente.scenario.schema import Scenario
from detente.sim.engine import Simulation
from detente.sim.world import compile_world


@dataclass(frozen=True)
class Setting:
    """One number searched: its key (as the simulation reads it), label, mode and limits."""

    key: str
    label: str
    num: Num
    search: tuple[float, float]
    favours_war: str  # the end of its stated range that makes war more attractive: "low" | "high"


@dataclass(frozen=True)
class BreakEven:
    player: str
    key: str
    label: str
    mode: float
    low: float | None  # the stated range, when the number has one
    high: float | None
    search: tuple[float, float]
    value: float | None  # where the modal choice switches; None when it does not within the search
    escalate_when: str  # "below" | "above" the value; "always" | "never" over the whole search
    at_mode: bool  # escalation on the modal path at the scenario's own numbers
    evaluations: int

    @property
    def within_range(self) -> bool | None:
        if self.value is None or self.low is None or self.high is None:
            return None
        return self.low <= self.value <= self.high

    def sentence(self, player_name: str) -> str:
        rng = f"stated range {self.low:g}–{self.high:g}" if self.low is not None and self.high is not None \
            else "a point value"
        if self.value is None:
            what = ("escalates at every value searched" if self.escalate_when == "always"
                    else "does not escalate at any value searched")
            return (f"{player_name} {what} of {self.label} ({self.search[0]:g}–{self.search[1]:g}; "
                    f"mode {self.mode:g}, {rng})")
        side = "at or below" if self.escalate_when == "below" else "at or above"
        inside = {True: "inside", False: "outside", None: "—"}[self.within_range]
        gain = "; below 0, the war would be a gain in itself" if self.value < 0 else ""
        return (f"{player_name} escalates if {self.label} is {side} {self.value:.3g} "
                f"(mode {self.mode:g}, {rng}: the break-even is {inside} it{gain})")

    def to_dict(self) -> dict[str, Any]:
        return {"player": self.player, "key": self.key, "label": self.label, "mode": self.mode,
                "low": self.low, "high": self.high, "search": list(self.search),
                "value": None if self.value is None else round(self.value, 6),
                "escalate_when": self.escalate_when, "at_mode": self.at_mode,
                "within_range": self.within_range, "evaluations": self.evaluations}


def war_settings(sc: Scenario, player: str) -> list[Setting]:
    """``player``'s war cost, win probability (when named in ``parameters``) and salience on
    each war issue it has a stance on, in that order."""
    sim = sc.simulation
    if sim is None or sim.war is None:
        return []
    issues = {i.id: i for i in sc.issues}
    out = []
    if player in sim.war.cost:
        name = sim.war.cost[player]
        n = sc.parameters[name]
        # below 0 the war would be a gain in itself: how far below says how far off the premise is
        out.append(Setting(f"parameters.{name}", name, n, (-1.0, max(1.0, 2.0 * n.bounds[1])), "low"))
    if player in sim.war.win_prob:
        name = sim.war.win_prob[player]
        out.append(Setting(f"parameters.{name}", name, sc.parameters[name], (0.0, 1.0), "high"))
    actor = next((a.name for a in sc.actors if a.id == player), player)
    for iid in sim.war.issues:
        st = sc.positions.get(player, {}).get(iid)
        if st is not None:
            out.append(Setting(f"positions.{player}.{iid}.salience",
                               f"{actor}'s salience on {issues[iid].name}", st.salience, (0.0, 1.0), "high"))
    return out


def war_players(sc: Scenario) -> list[str]:
    """Players with a war move (escalate/assault) of their own or of a delegation of theirs."""
    w = compile_world(sc)
    return [w.player_ids[p] for p in range(w.n_players)
            if any(w.moves[k].kind.effect == "war" for k in w.menu[p])]


def modal_war_round(sc: Scenario, player: str, values: dict[str, float] | None = None,
                    rounds: int | None = None) -> int | None:
    """The round in which ``player`` goes to war on the modal path, or None."""
    w = compile_world(sc, rounds=rounds, values=values)
    res = Simulation(w, 0, log=False, choice="argmax").run()
    if res.outcome.war and res.outcome.by == player:
        return res.last_round
    return None


@dataclass(frozen=True)
class Corner:
    """Every war setting at the end of its stated range that favours war, all at once."""

    player: str
    values: dict[str, float]
    war_round: int | None

    def sentence(self, player_name: str) -> str:
        if not self.values:
            return f"{player_name}'s war settings have no stated ranges"
        verdict = (f"{player_name} escalates in round {self.war_round}" if self.war_round is not None
                   else f"{player_name} still does not escalate")
        return f"with every war setting at the end of its stated range that favours war, {verdict}"

    def to_dict(self) -> dict[str, Any]:
        return {"player": self.player, "values": dict(sorted(self.values.items())), "war_round": self.war_round}


def favourable_corner(sc: Scenario, player: str, rounds: int | None = None) -> Corner:
    values = {}
    for st in war_settings(sc, player):
        if st.num.is_range:
            values[st.key] = st.num.bounds[0] if st.favours_war == "low" else st.num.bounds[1]
    return Corner(player, values, modal_war_round(sc, player, values, rounds) if values else None)


def break_even(sc: Scenario, player: str | None = None, *, tol: float = 1e-3,
               rounds: int | None = None) -> list[BreakEven]:
    """The break-even of each war setting of ``player`` (default: every player with a war move)."""
    if sc.simulation is None:
        raise InputError("the scenario has no 'simulation:' section", sc.meta.id, field="simulation")
    players = [player] if player else war_players(sc)
    out = []
    for pid in players:
        at_mode = modal_war_round(sc, pid, rounds=rounds) is not None
        for st in war_settings(sc, pid):
            calls = 0

            def escalates(x: float, st: Setting = st, pid: str = pid) -> bool:
                nonlocal calls
                calls += 1
                return modal_war_round(sc, pid, {st.key: x}, rounds) is not None

            lo, hi = st.search
            f_lo, f_hi = escalates(lo), escalates(hi)
            value: float | None = None
            if f_lo == f_hi:
                when = "always" if f_lo else "never"
            else:
                when = "below" if f_lo else "above"
                a, b = lo, hi
                while b - a > tol * (hi - lo):
                    mid = (a + b) / 2
                    if escalates(mid) == f_lo:
                        a = mid
                    else:
                        b = mid
                value = (a + b) / 2
            low, high = (st.num.low, st.num.high) if st.num.is_range else (None, None)
            out.append(BreakEven(pid, st.key, st.label, st.num.value, low, high, st.search, value, when,
                                 at_mode, calls))
    return out
