"""Gambit .efg text (format version 2): write any game, read one back.

Written from the format description in Gambit's documentation ("The extensive game
(.efg) file format"): a header ``EFG 2 R "title" { "P1" "P2" }``, a comment string, then
one line per node in preorder: ``p "name" player infoset "infoset name" { actions }
outcome``, ``c "name" infoset "infoset name" { "action" prob ... } outcome`` and
``t "name" outcome "outcome name" { payoffs }``. An information set's name and actions
may be omitted after its first occurrence (we always write them, as OpenSpiel's
reader needs); payoffs of outcomes on non-terminal nodes add up along the path (we keep
payoffs on terminals when writing).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from detente.errors import InputError
from detente.games.tree import CHANCE, CHANCE_PLAYER, TERMINAL, Game


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: float) -> str:
    return np.format_float_positional(float(x) + 0.0, unique=True, trim="-")  # + 0.0: no "-0"


def to_efg(game: Game) -> str:
    """The game as .efg text (payoffs and probabilities in shortest round-trip decimals)."""
    lines = [f"EFG 2 R {_q(game.title)} {{ {' '.join(_q(p) for p in game.players)} }}", _q(""), ""]
    iset_num: dict[int, int] = {}
    per_player: dict[int, int] = {}
    outcome_no = 0
    stack = [game.root]
    while stack:
        node = stack.pop()
        kind = game.kind[node]
        if kind == TERMINAL:
            outcome_no += 1
            pay = ", ".join(_num(x) for x in game.payoff[node])  # type: ignore[union-attr]
            lines.append(f't "" {outcome_no} {_q(game.outcome[node] or "")} {{ {pay} }}')
            continue
        k = game.infoset[node]
        s = game.infosets[k]
        first = k not in iset_num
        if first:
            per_player[s.player] = per_player.get(s.player, 0) + 1
            iset_num[k] = per_player[s.player]
        if kind == CHANCE:
            acts = " ".join(f"{_q(a)} {_num(p)}" for a, p in zip(s.actions, s.probs, strict=True))  # type: ignore[arg-type]
            tail = f" {_q(s.label)} {{ {acts} }}"
            lines.append(f'c "" {iset_num[k]}{tail} 0')
        else:
            tail = f" {_q(s.label)} {{ {' '.join(_q(a) for a in s.actions)} }}"
            lines.append(f'p "" {s.player + 1} {iset_num[k]}{tail} 0')
        stack.extend(reversed(game.children[node]))
    return "\n".join(lines) + "\n"


_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([{},])|([^\s{},"]+))', re.S)


def _tokens(text: str, source: str | None) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip() == "":
                break
            raise InputError(f"cannot read .efg text near '{text[pos:pos + 20]}'", source)
        if m.group(1) is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group(1))))
        elif m.group(2) is not None:
            if m.group(2) != ",":
                out.append(("sym", m.group(2)))
        elif m.group(3) is not None:
            out.append(("word", m.group(3)))
        pos = m.end()
    return out


def _number(tok: str, source: str | None) -> float:
    try:
        x = float(Fraction(tok)) if "/" in tok else float(tok)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"'{tok}' is not a number", source) from None
    if not math.isfinite(x):
        raise InputError(f"'{tok}' is not a finite number", source)
    return x


def read_efg(text: str, source: str | None = None) -> Game:
    """Parse .efg text into a :class:`Game` (outcomes on inner nodes are added to the leaves)."""
    toks = _tokens(text, source)
    i = 0

    def take(kind: str | None = None) -> str:
        nonlocal i
        if i >= len(toks):
            raise InputError("the .efg text ends too early", source)
        k, v = toks[i]
        if kind is not None and k != kind:
            raise InputError(f"expected {kind} but found '{v}'", source)
        i += 1
        return v

    def peek() -> tuple[str, str] | None:
        return toks[i] if i < len(toks) else None

    if take("word") != "EFG" or take("word") != "2":
        raise InputError("not a Gambit .efg file (it must start with 'EFG 2')", source)
    take("word")  # R or D
    title = take("str")
    take("sym")
    players = []
    while peek() and peek()[0] == "str":  # type: ignore[index]
        players.append(take("str"))
    take("sym")
    if peek() and peek()[0] == "str":  # type: ignore[index]
        take("str")  # comment
    if not players:
        raise InputError("the .efg file names no players", source)
    g = Game(players, title)
    outcomes: dict[int, tuple[str, tuple[float, ...]]] = {}
    isets: dict[tuple[int, int], tuple[str, list[str], list[float] | None]] = {}

    def read_outcome() -> tuple[str, tuple[float, ...]] | None:
        num = int(_number(take("word"), source))
        if num == 0:
            return None
        nxt = peek()
        if nxt and nxt[0] == "str":
            name = take("str")
            take("sym")
            pay = []
            while peek() and peek() != ("sym", "}"):
                pay.append(_number(take("word"), source))
            take("sym")
            if len(pay) != len(players):
                raise InputError(f"outcome {num} has {len(pay)} payoffs for {len(players)} players", source)
            outcomes[num] = (name, tuple(pay))
        if num not in outcomes:
            raise InputError(f"outcome {num} is used before its payoffs are given", source)
        return outcomes[num]

    def node(acc: tuple[float, ...]) -> int:
        kind = take("word")
        take("str")  # node name
        if kind == "t":
            out = read_outcome()
            pay = tuple(a + b for a, b in zip(acc, out[1], strict=True)) if out else acc
            return g.terminal(pay, out[0] if out else "")
        if kind not in ("p", "c"):
            raise InputError(f"unknown node type '{kind}'", source)
        player = CHANCE_PLAYER if kind == "c" else int(_number(take("word"), source)) - 1
        if not (player == CHANCE_PLAYER or 0 <= player < len(players)):
            raise InputError(f"player {player + 1} does not exist", source)
        num = int(_number(take("word"), source))
        if peek() and peek()[0] == "str":  # type: ignore[index]
            label = take("str")
            take("sym")
            acts: list[str] = []
            probs: list[float] | None = [] if kind == "c" else None
            while peek() and peek() != ("sym", "}"):
                acts.append(take("str"))
                if probs is not None:
                    probs.append(_number(take("word"), source))
            take("sym")
            if (player, num) not in isets:
                used = {v[0] for k, v in isets.items() if k[0] == player}
                name = label if label and label not in used else f"{label}#{num}"
                isets[(player, num)] = (name, acts, probs)
        if (player, num) not in isets:
            raise InputError(f"information set {num} of player {player + 1} has no actions", source)
        label, acts, probs = isets[(player, num)]
        out = read_outcome()
        acc2 = tuple(a + b for a, b in zip(acc, out[1], strict=True)) if out else acc
        kids = {a: node(acc2) for a in acts}
        try:
            if kind == "c":
                return g.chance(kids, probs or [], infoset=label)
            return g.decision(player, kids, infoset=label)
        except ValueError as exc:
            raise InputError(str(exc), source) from None

    import sys

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20_000))
    try:
        node(tuple(0.0 for _ in players))
    finally:
        sys.setrecursionlimit(old_limit)
    if i != len(toks):
        raise InputError("unexpected text after the last node", source)
    return g.check_game(source)
