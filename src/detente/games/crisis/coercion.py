"""Why a weak side gives in: two readings of coercion in the general crisis model (decision C24).

C24's diagnosis on 49 development crises: the model almost never predicts capitulation because (1) the weak
side is rescued by third parties' promises to join a war that they would not keep when war came (33 joins in
the modal configurations, 7 of them worth their cost to the joiner at the war node), and (2) holding the
status quo costs each side only its own standoff cost, whatever the other can bring to bear, so a weak side
waits out the deadline. Two named readings, each a setting tag with a package default:

- ``joining:promise`` (C13 as written: a third party that joins pays its join cost only if war comes, and its
  promise is believed) or ``joining:credible`` (subgame perfection at the war node; Schelling 1966, Huth 1988,
  Smith 1995, Fearon 1997: an intervention promise deters only if the intervener would keep it). A third party
  may join side X only if, once war has come, fighting is worth its cost to it: the shift in the war's odds
  its capability buys, times its value of X's victory over the other's, is at least its join cost
  ``(p_with - p_without)·(u_k(1) - u_k(0)) >= join_cost`` (round 0, the others staying out). Who gains: the
  side the non-credible ally would have joined loses the borrowed odds; its opponent keeps its advantage.
- ``holding:own`` (C3: the standoff costs each side its own cost, x(1 + rung)) or ``holding:coercive``
  (compellence as a process of costs: Schelling 1966, Pape 1996; the costs of a raised standoff fall on a
  side in proportion to the other's capability to impose them). Each round of standoff at rung r >= 1 also
  costs side i ``r·π_j(t)·(1 - δ)·S_i``: π_j the other side's chance of prevailing in war that round, S_i
  i's stake (its value of its own position over the other's). At full superiority one rung of pressure
  denies i a round's flow of its whole stake; nothing at rung 0 or after an agreement. Who pays: the side
  facing the stronger opponent, more at each rung, so accepting its demand becomes cheaper than holding.
"""

from __future__ import annotations

from dataclasses import replace

from detente.games.crisis import third as TP
from detente.games.crisis.model import Observer

JOININGS = ("promise", "credible")
JOINING = "credible"  # C24: chosen by its pre-registered rule (LOO Brier 0.669 against 0.723 on 49)
HOLDINGS = ("own", "coercive")
HOLDING = "coercive"  # C24: chosen with JOINING (the candidate "both")


def coercion_scale(stakes: tuple[float, float], discount: float) -> tuple[float, float]:
    """Per side, the pressure one rung of standoff puts on it against an opponent sure to prevail:
    (1 - δ)·S_i, one round's flow of its stake (``holding:coercive``)."""
    return ((1 - discount) * stakes[0], (1 - discount) * stakes[1])


def join_gain(setup: TP.ThirdSetup, k: int, side: int) -> float:
    """What party ``k`` gains at the war node by fighting on ``side`` (0 = C, 1 = D) rather than staying
    out: the change in C's round-0 chance of prevailing that its capability makes (the others out), times
    its value of C's victory minus its value of D's."""
    n = len(setup.parties)
    out = [TP.OUT] * n
    joined = list(out)
    joined[k] = TP.JOIN_C if side == 0 else TP.JOIN_D
    p_without = TP.configure(setup, out)[0].p[0]
    p_with = TP.configure(setup, joined)[0].p[0]
    ob = Observer(setup.parties[k].actor, setup.parties[k].utility)
    return (p_with - p_without) * (ob.u(1.0) - ob.u(0.0))


def credible_joins(setup: TP.ThirdSetup) -> TP.ThirdSetup:
    """``setup`` with each third party allowed to join only the sides it would fight for (``joining:credible``)."""
    parties = []
    for k, party in enumerate(setup.parties):
        can = tuple(join_gain(setup, k, side) >= party.join_cost for side in (0, 1))
        parties.append(replace(party, can_join=can))
    return replace(setup, parties=tuple(parties))
