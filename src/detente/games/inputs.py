"""What a game template reads from a scenario, with what-if overrides (thresholds, draws over ranges).

Override keys: a parameter's name; ``audience_cost:<channel>``; ``salience:<actor>:<issue>``;
``position:<actor>:<issue>``; ``status_quo:<issue>``; ``capability:<actor>``. Scenario paths as
the uncertainty layer writes them (``parameters.x``, ``channels.c.audience_cost``, ...) translate
to these keys with :func:`override_key`, so a draw can be evaluated without rebuilding the scenario.
"""

from __future__ import annotations

from collections.abc import Mapping

from detente.defaults import DefaultUsed
from detente.errors import InputError
from detente.scenario.schema import CostTerm, GameSpec, Scenario


def override_key(path: str) -> str | None:
    """The override key for a scenario path (``positions.a.i.salience`` -> ``salience:a:i``), or None."""
    parts = path.split(".")
    if parts[0] == "parameters" and len(parts) == 2:
        return parts[1]
    if parts[0] == "channels" and len(parts) == 3 and parts[2] == "audience_cost":
        return f"audience_cost:{parts[1]}"
    if parts[0] == "positions" and len(parts) == 4 and parts[3] in ("salience", "position"):
        return f"{parts[3]}:{parts[1]}:{parts[2]}"
    if parts[0] == "issues" and len(parts) == 3 and parts[2] == "status_quo":
        return f"status_quo:{parts[1]}"
    if parts[0] == "actors" and len(parts) == 3 and parts[2] == "capability":
        return f"capability:{parts[1]}"
    return None


def stance_of(sc: Scenario, over: Mapping[str, float], actor: str, issue: str) -> tuple[float, float] | None:
    """(position, salience) of ``actor`` on ``issue`` with the ``position:``/``salience:`` overrides, or None
    (one reading for the templates' inputs and the two-track payoffs, G3)."""
    st = sc.positions.get(actor, {}).get(issue)
    if st is None:
        return None
    return (over.get(f"position:{actor}:{issue}", st.position.value),
            over.get(f"salience:{actor}:{issue}", st.salience.value))


class Inputs:
    """A scenario's numbers as one game spec sees them, overrides applied."""

    def __init__(self, sc: Scenario, spec: GameSpec, overrides: Mapping[str, float] | None = None) -> None:
        self.sc, self.spec, self.over = sc, spec, dict(overrides or {})
        self.used: dict[str, float] = {}
        self.defaults: list[DefaultUsed] = []  # copied onto the built game (detente.defaults)

    def error(self, field: str, reason: str) -> InputError:
        return InputError(reason, self.sc.meta.id, field=f"games.{self.spec.id}.{field}")

    def term(self, term: CostTerm, default: float | None = None) -> float:
        """The value of a cost term's parameter; ``default`` if unnamed; a one-line error if required."""
        name = self.spec.costs.get(term)
        if name is None:
            if default is None:
                raise self.error(f"costs.{term}", f"the {self.spec.template} game needs the cost term "
                                 f"'{term}' (map it to a parameter under costs:)")
            self.defaults.append(DefaultUsed(f"games.{self.spec.id}", f"costs.{term}", default,
                                             "no parameter named under costs:, so the default stands in"))
            return default
        v = self.over.get(name, self.sc.parameters[name].value)
        self.used[name] = v
        return v

    def has(self, term: CostTerm) -> bool:
        return term in self.spec.costs

    def stance(self, actor: str, issue: str) -> tuple[float, float] | None:
        return stance_of(self.sc, self.over, actor, issue)

    def need_stance(self, actor: str, issue: str, field: str = "issue") -> tuple[float, float]:
        st = self.stance(actor, issue)
        if st is None:
            raise self.error(field, f"'{actor}' needs a position on '{issue}' for the game")
        return st

    def status_quo(self, issue: str, field: str = "issue") -> float:
        iss = self.sc.issue(issue)
        if iss.status_quo is None:
            raise self.error(field, f"issue '{issue}' needs a status_quo for the game")
        return self.over.get(f"status_quo:{issue}", iss.status_quo.value)

    def span(self, issue: str) -> float:
        sc = self.sc.issue(issue).scale
        return sc.max - sc.min

    def capability(self, actor: str) -> float:
        return self.over.get(f"capability:{actor}", self.sc.actor(actor).capability.value)

    def audience_cost(self, channel: str | None) -> float | None:
        if channel is None:
            return None
        ch = next(c for c in self.sc.channels if c.id == channel)
        return self.over.get(f"audience_cost:{channel}", ch.audience_cost.value)

    def value(self, actor: str, issue: str, x: float) -> float:
        """Salience-weighted gain over the status quo in shares of the scale (G3): sq = 0."""
        st = self.stance(actor, issue)
        if st is None:
            return 0.0
        sq = self.status_quo(issue)
        return st[1] * (abs(sq - st[0]) - abs(x - st[0])) / self.span(issue)

    def win_prob(self) -> tuple[float, str]:
        """The challenger's chance of prevailing in war: a named parameter, else capability share."""
        if self.has(CostTerm.challenger_war_win_prob):
            p = self.term(CostTerm.challenger_war_win_prob)
            src = f"parameter {self.spec.costs[CostTerm.challenger_war_win_prob]}"
        else:
            ca, cd = self.capability(self.spec.challenger), self.capability(self.spec.defender)
            if ca + cd <= 0:
                raise self.error("challenger", "both capabilities are zero: name challenger_war_win_prob")
            p, src = ca / (ca + cd), "capability share"
            self.defaults.append(DefaultUsed(f"games.{self.spec.id}", f"costs.{CostTerm.challenger_war_win_prob}",
                                             round(p, 4), "no parameter named: the challenger's share of the "
                                             "two capabilities stands in"))
        if not 0.0 <= p <= 1.0:
            raise self.error("costs", f"war win probability {p:g} is outside [0, 1]")
        return p, src
