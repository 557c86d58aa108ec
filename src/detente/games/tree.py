"""Our own extensive-form game model: players, chance, information sets, terminal payoffs.

Games are built bottom-up (children before parents), so node ids are already in
topological order: every child has a smaller id than its parent. Solvers exploit this
by sweeping ids upwards (values) or downwards (reach probabilities) without recursion,
which is what lets a 10^5-node perfect-information game solve in well under a second.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from detente.errors import InputError

TERMINAL, DECISION, CHANCE = 0, 1, 2
CHANCE_PLAYER = -1
OUTCOME_CLASSES = ("agreement", "stalemate", "capitulation", "escalation")


@dataclass
class Infoset:
    """An information set: one player (or chance), one action list, the nodes it joins."""

    player: int  # CHANCE_PLAYER for chance
    label: str
    actions: tuple[str, ...]
    nodes: list[int] = field(default_factory=list)
    probs: tuple[float, ...] | None = None  # chance only


class Game:
    """A finite extensive-form game with perfect recall assumed (checked by ``validate``)."""

    def __init__(self, players: Sequence[str], title: str = "") -> None:
        if len(players) < 1 or len(set(players)) != len(players):
            raise ValueError("players must be distinct and at least one")
        self.players = tuple(players)
        self.title = title
        self.kind: list[int] = []
        self.children: list[tuple[int, ...]] = []
        self.infoset: list[int] = []
        self.payoff: list[tuple[float, ...] | None] = []
        self.outcome: list[str | None] = []
        self.outcome_class: list[str | None] = []
        self.parent: list[int] = []
        self.infosets: list[Infoset] = []
        self.notes: dict[str, str] = {}  # explanation of payoffs (term -> text)
        self.breakdown: dict[int, list[dict[str, float]]] = {}  # terminal -> per player {term: amount}
        self.parameters: dict[str, float] = {}  # parameters the payoffs were built from
        self.defaults: list[object] = []  # detente.defaults.DefaultUsed: inputs the builder filled in
        self._infoset_by_key: dict[tuple[int, str], int] = {}
        self.root = -1

    # -- building ----------------------------------------------------------------------------
    def _new(self, kind: int, children: tuple[int, ...], infoset: int,
             payoff: tuple[float, ...] | None, outcome: str | None, cls: str | None) -> int:
        nid = len(self.kind)
        for c in children:
            if not 0 <= c < nid:
                raise ValueError(f"child {c} does not exist yet (build children first)")
            if self.parent[c] != -1:
                raise ValueError(f"node {c} already has a parent")
            self.parent[c] = nid
        self.kind.append(kind)
        self.children.append(children)
        self.infoset.append(infoset)
        self.payoff.append(payoff)
        self.outcome.append(outcome)
        self.outcome_class.append(cls)
        self.parent.append(-1)
        self.root = nid
        return nid

    def terminal(self, payoffs: Sequence[float], outcome: str = "", cls: str | None = None,
                 breakdown: Sequence[Mapping[str, float]] | None = None) -> int:
        if len(payoffs) != len(self.players):
            raise ValueError(f"need {len(self.players)} payoffs, got {len(payoffs)}")
        if cls is not None and cls not in OUTCOME_CLASSES:
            raise ValueError(f"unknown outcome class '{cls}'")
        vals = tuple(float(x) for x in payoffs)
        if not all(math.isfinite(x) for x in vals):
            raise ValueError("payoffs must be finite")
        nid = self._new(TERMINAL, (), -1, vals, outcome, cls)
        if breakdown is not None:
            self.breakdown[nid] = [dict(b) for b in breakdown]
        return nid

    def _infoset_for(self, player: int, label: str | None, actions: tuple[str, ...],
                     probs: tuple[float, ...] | None) -> int:
        if label is not None and (player, label) in self._infoset_by_key:
            idx = self._infoset_by_key[(player, label)]
            if self.infosets[idx].actions != actions:
                raise ValueError(f"information set '{label}' has actions {self.infosets[idx].actions}, "
                                 f"not {actions}")
            return idx
        idx = len(self.infosets)
        name = label if label is not None else f"{idx}"
        self.infosets.append(Infoset(player, name, actions, [], probs))
        self._infoset_by_key[(player, name)] = idx
        return idx

    def decision(self, player: str | int, moves: Mapping[str, int], infoset: str | None = None) -> int:
        """A node where ``player`` picks among ``moves`` (action label -> child node id)."""
        p = player if isinstance(player, int) else self.player_index(player)
        actions = tuple(moves)
        if not actions or len(set(actions)) != len(actions):
            raise ValueError("a decision needs distinct action labels")
        iset = self._infoset_for(p, infoset, actions, None)
        nid = self._new(DECISION, tuple(moves.values()), iset, None, None, None)
        self.infosets[iset].nodes.append(nid)
        return nid

    def chance(self, moves: Mapping[str, int], probs: Sequence[float], infoset: str | None = None) -> int:
        actions = tuple(moves)
        pr = tuple(float(x) for x in probs)
        if len(pr) != len(actions) or any(x < 0 or not math.isfinite(x) for x in pr):
            raise ValueError("chance probabilities must be one non-negative number per action")
        if abs(sum(pr) - 1.0) > 1e-9:
            raise ValueError(f"chance probabilities sum to {sum(pr):g}, not 1")
        iset = self._infoset_for(CHANCE_PLAYER, infoset, actions, pr)
        nid = self._new(CHANCE, tuple(moves.values()), iset, None, None, None)
        self.infosets[iset].nodes.append(nid)
        return nid

    # -- queries -----------------------------------------------------------------------------
    def player_index(self, name: str) -> int:
        try:
            return self.players.index(name)
        except ValueError:
            raise ValueError(f"unknown player '{name}' (players: {', '.join(self.players)})") from None

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def perfect_information(self) -> bool:
        return all(len(s.nodes) == 1 for s in self.infosets)

    def player_of(self, node: int) -> int:
        return self.infosets[self.infoset[node]].player

    def actions_of(self, node: int) -> tuple[str, ...]:
        return self.infosets[self.infoset[node]].actions

    def history(self, node: int) -> list[tuple[int, str]]:
        """(ancestor node, action taken there) from the root down to ``node``."""
        out = []
        while self.parent[node] != -1:
            par = self.parent[node]
            out.append((par, self.actions_of(par)[self.children[par].index(node)]))
            node = par
        return out[::-1]

    def decision_infosets(self) -> Iterator[int]:
        return (i for i, s in enumerate(self.infosets) if s.player != CHANCE_PLAYER)

    def validate(self) -> Game:
        """Check that every node hangs under the root and that information sets are sound."""
        if self.root < 0:
            raise ValueError("empty game")
        orphans = [n for n in range(len(self)) if self.parent[n] == -1 and n != self.root]
        if orphans:
            raise ValueError(f"{len(orphans)} nodes are not connected to the root (first: {orphans[0]})")
        for s in self.infosets:
            if s.player != CHANCE_PLAYER and len(s.nodes) > 1:
                seqs = {tuple(self._own_sequence(n, s.player)) for n in s.nodes}
                if len(seqs) > 1:
                    raise ValueError(f"information set '{s.label}' violates perfect recall")
        return self

    def _own_sequence(self, node: int, player: int) -> list[tuple[int, str]]:
        return [(self.infoset[a], act) for a, act in self.history(node) if self.player_of(a) == player]

    def check_game(self, source: str | None = None) -> Game:
        """``validate`` with the error as a one-line :class:`InputError`."""
        try:
            return self.validate()
        except ValueError as exc:
            raise InputError(str(exc), source) from None
