"""Public and closed channels in the general crisis model (docs/DECISIONS.md C18).

With the option ``channels: both`` and a scenario that defines a closed channel, every offer is made
on a channel the proposer chooses: the public one (its audience costs, Fearon 1994, Schultz 1999)
or the closed one (the closed channel's audience cost, smaller; Putnam 1988, Stasavage 2004, Kurizaki
2007). A channel's weight w is 1 on the public channel and closed / public audience cost on the
closed one. The terms (one-time, in the round of the move):

* accepting a division one values below the status quo costs the responder w x (its face cost
  ``<actor>_face_cost_accept`` + its credibility cost ``<actor>_credibility_cost``: yielding to a
  demand), and, after its own escalation, w x its audience cost (C4);
* offering a concession (a division the proposer values below the status quo) costs the proposer
  w x face x the share of the way from the status quo to the other side's end that it offers;
* a public demand (a division the proposer values above the status quo) gains the proposer its
  information benefit (``<actor>_info_benefit``) x the share of the way from the status quo to its
  own end that it demands, and the responder loses as much (the two-track game's term, G3).

With ``channels: public`` (the default) or no closed channel the model is the one before C18.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHANNEL_MODES = ("public", "both")
CHANNEL_MODE = "public"
CHANNEL_NAMES = ("public", "closed")


@dataclass(frozen=True)
class ChannelTerms:
    """The channel terms the solver reads; index 0 is the challenger, 1 the defender."""

    public: str  # the public channel's id
    closed: str  # the closed channel's id
    ratio: float  # closed / public audience cost: the weight of a closed move's costs (0..1)
    face: tuple[float, float]  # face cost of conceding in public (offering: in proportion; accepting: in full)
    info: tuple[float, float]  # information benefit of a maximal public demand
    public_audience: float = 0.0  # for the output
    closed_audience: float = 0.0
    credibility: tuple[float, float] = (0.0, 0.0)  # lost with allies by accepting a demand (yielding), not by offering
    face_is_audience: tuple[bool, bool] = (False, False)  # C4's audience cost was read from the same face parameter

    def weight(self, ch: int) -> float:
        return 1.0 if ch == 0 else self.ratio

    def to_dict(self) -> dict[str, Any]:
        return {"public": self.public, "closed": self.closed, "ratio": self.ratio, "face_accept": list(self.face),
                "credibility": list(self.credibility), "info_benefit": list(self.info),
                "public_audience_cost": self.public_audience, "closed_audience_cost": self.closed_audience}


def offer_terms(ct: ChannelTerms, ch: int, who: int, u_sq: float, u_s: float, u_own: float,
                u_other: float) -> tuple[float, float]:
    """(cost to the proposer ``who``, info benefit it gains and the responder loses) of offering a
    division worth ``u_s`` to it, at a status quo worth ``u_sq``, on channel ``ch``."""
    w = ct.weight(ch)
    cost = 0.0
    if u_s < u_sq - 1e-12 and ct.face[who] > 0:
        cost = w * ct.face[who] * (u_sq - u_s) / max(1e-12, u_sq - u_other)
    info = 0.0
    if ch == 0 and u_s > u_sq + 1e-12 and ct.info[who] > 0:
        info = ct.info[who] * (u_s - u_sq) / max(1e-12, u_own - u_sq)
    return cost, info


def accept_cost(ct: ChannelTerms, ch: int, who: int, below_sq: bool, escalated: bool, audience: float) -> float:
    """What accepting costs the responder ``who`` on channel ``ch`` (face for a concession, C4's audience
    cost after its own escalation), both weighted by the channel."""
    if not below_sq:
        return 0.0
    committed = audience if escalated and not ct.face_is_audience[who] else 0.0  # one parameter counted once
    return ct.weight(ch) * (ct.face[who] + ct.credibility[who] + committed)


def double_offers(grid: tuple[float, ...]) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """Every grid point on the public channel, then on the closed one."""
    return grid + grid, (0,) * len(grid) + (1,) * len(grid)


def pick_channels(sc: Any, pair: tuple[str, str], owner: dict[str, str], named: tuple[str | None, str | None]
                  ) -> tuple[Any, Any] | None:
    """(public, closed) channel of the principals: the games spec's if it names them, else the public
    channel with the largest audience cost and the closed one with the smallest among those open to
    both principals (no participants listed: open to all). None without a closed channel."""
    def open_to_both(ch: Any) -> bool:
        who = {owner.get(p, p) for p in ch.participants}
        return not ch.participants or set(pair) <= who

    by_id = {ch.id: ch for ch in sc.channels}
    pub = by_id.get(named[0]) if named[0] else None
    clo = by_id.get(named[1]) if named[1] else None
    if pub is None:
        pubs = [ch for ch in sc.channels if ch.kind.value == "public" and open_to_both(ch)]
        pub = max(pubs, key=lambda ch: ch.audience_cost.value, default=None)
    if clo is None:
        clos = [ch for ch in sc.channels if ch.kind.value == "closed" and open_to_both(ch)]
        clo = min(clos, key=lambda ch: ch.audience_cost.value, default=None)
    if pub is None or clo is None:
        return None
    return pub, clo


def check_ratio(public: float, closed: float) -> str | None:
    """Why a (public, closed) pair of audience costs is invalid, or None. A closed channel is the one
    audiences do not see: its audience cost cannot exceed the public one's (nor be negative)."""
    if closed < 0:
        return f"a closed channel's audience cost cannot be negative, got {closed:g}"
    if closed > public + 1e-12:
        return (f"the closed channel's audience cost {closed:g} exceeds the public channel's {public:g} (a closed "
                "move is one the audiences do not see)")
    return None


def ratio_of(public: float, closed: float) -> float:
    """Weight of a closed move's costs: closed / public audience cost (0 when the public one is 0, as the
    two-track game has it: then the closed one is 0 too)."""
    return closed / public if public > 0 else 0.0
