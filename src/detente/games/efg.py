"""Gambit .efg text (format version 2): write any game, read one back.

Written from the format description in Gambit's documentation ("The extensive game
(.efg) file format"): a header ``EFG 2 R "title" { "P1" "P2" }``, a comment string, then
one line per node in preorder: ``p "name" player infoset "infoset name" { actions }
outcome``, ``c "name" infoset "infoset name" { "action" prob ... } outcome`` and
``t "name" outcome "outcome name" { payoffs }``. An information set's name and actions
may be omitted after its first occurrence (we always write them, as OpenSpiel's
reader needs); payoffs of outcomes on non-terminal nodes add up along the path (we keep
payoffs on terminals when writing). Chance probabilities are written as exact rationals
that sum to exactly one (Gambit checks the sum exactly; see :func:`exact_probs`).
Reading is linear in the file's size; errors name the line.
"""

from __future__ import annotations

import gc
import math
import re
import sys
from fractions import Fraction

import numpy as np

from detente.errors import InputError
from detente.games.tree import CHANCE, CHANCE_PLAYER, TERMINAL, Game


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: float) -> str:
    return np.format_float_positional(float(x) + 0.0, unique=True, trim="-")  # + 0.0: no "-0"


MAX_DENOMINATOR = 10**6  # a probability within 1e-9 of p/q with q <= this is written as p/q
_GRID = 10**15  # otherwise probabilities are written on this grid (floats are exact on it below 1)


def exact_probs(probs: tuple[float, ...] | list[float]) -> list[Fraction]:
    """Rationals for chance probabilities that sum to exactly 1, each within 1e-9 of its float.

    First every probability goes on a 10^-15 grid, the largest absorbing the rounding so the sum
    is exactly one as Gambit requires; then small-denominator fractions (1/60, 2/3) replace the
    grid values when they too sum to one. Both steps depend only on the grid values, which a
    float written and read back reproduces, so writing a read file again gives the same text.
    """
    ticks = [round(float(p) * _GRID) for p in probs]
    big = max(range(len(ticks)), key=ticks.__getitem__)
    ticks[big] += _GRID - sum(ticks)
    grid = [Fraction(t, _GRID) for t in ticks]
    small = [g.limit_denominator(MAX_DENOMINATOR) for g in grid]
    if sum(small) == 1 and all(abs(f - g) <= Fraction(1, 10**9) for f, g in zip(small, grid, strict=True)):
        return small
    return grid


def _frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def to_efg(game: Game) -> str:
    """The game as .efg text (payoffs in shortest round-trip decimals, chance probabilities as
    exact rationals summing to one)."""
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
            exact = exact_probs(s.probs)  # type: ignore[arg-type]
            acts = " ".join(f"{_q(a)} {_frac(p)}" for a, p in zip(s.actions, exact, strict=True))
            tail = f" {_q(s.label)} {{ {acts} }}"
            lines.append(f'c "" {iset_num[k]}{tail} 0')
        else:
            tail = f" {_q(s.label)} {{ {' '.join(_q(a) for a in s.actions)} }}"
            lines.append(f'p "" {s.player + 1} {iset_num[k]}{tail} 0')
        stack.extend(reversed(game.children[node]))
    return "\n".join(lines) + "\n"


MAX_EFG_NODES = 200_000  # as many as a template may build (README, Limits)
MAX_PAYOFF = 1e12  # as for scenario numbers (docs/DECISIONS.md D7)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|([{}])|,|([^\s{},"]+)|(\S)', re.S)


def _tokens(text: str, source: str | None) -> list[tuple[str, str]]:
    """All tokens in one regex pass (commas dropped); line numbers are found only on error."""
    out: list[tuple[str, str]] = []
    append = out.append
    for quoted, sym, word, bad in _TOKEN.findall(text):
        if quoted:
            body = quoted[1:-1]
            bad_char = _CONTROL.search(body)
            if bad_char is not None:  # names reach terminals: no escape sequences (DECISIONS H2)
                line = text.count("\n", 0, _offset(text, len(out))) + 1
                raise InputError(f"a name holds the control character U+{ord(bad_char.group()):04X}", source, line)
            append(("str", re.sub(r"\\(.)", r"\1", body) if "\\" in body else body))
        elif sym:
            append(("sym", sym))
        elif word:
            append(("word", word))
        elif bad:
            line = text.count("\n", 0, _offset(text, len(out))) + 1
            raise InputError(f"cannot read .efg text near '{bad}'", source, line)
    return out


def _offset(text: str, index: int) -> int:
    """Where token ``index`` starts in ``text`` (for error messages only)."""
    k = 0
    for m in _TOKEN.finditer(text):
        if m.group(0) == ",":
            continue
        if k == index:
            return m.start()
        k += 1
    return len(text)


def _number(tok: str) -> float:
    shown = tok if len(tok) <= 30 else tok[:27] + "..."
    try:
        x = float(Fraction(tok)) if "/" in tok else float(tok)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"'{shown}' is not a number") from None
    except OverflowError:  # e.g. 10**400/3 as a fraction
        x = math.inf
    if not math.isfinite(x) or abs(x) > MAX_PAYOFF:
        raise ValueError(f"'{shown}' is not a finite number within ±{MAX_PAYOFF:g}")
    return x


def read_efg(text: str, source: str | None = None) -> Game:
    """Parse .efg text into a :class:`Game` (outcomes on inner nodes are added to the leaves).

    Linear time: each token is read once and information-set names are checked against one
    set per player, kept as the file is read.
    """
    toks = _tokens(text, source)
    n_toks = len(toks)
    toks.append(("end", ""))  # sentinel: look-ahead never runs off the list
    i = 0

    def fail(reason: str, at: int | None = None) -> InputError:
        """The error at token ``at`` (default: the current one), with its line."""
        k = min(i if at is None else at, n_toks - 1)
        line = text.count("\n", 0, _offset(text, k)) + 1 if n_toks else None
        return InputError(reason, source, line)

    def take(kind: str | None = None) -> str:
        nonlocal i
        k, v = toks[i]
        if k == "end":
            raise fail("the .efg text ends too early")
        if kind is not None and k != kind:
            raise fail(f"expected {kind} but found '{v}'")
        i += 1
        return v

    def number() -> float:
        at = i
        try:
            return _number(take("word"))
        except ValueError as exc:
            raise fail(str(exc), at) from None

    if take("word") != "EFG" or take("word") != "2":
        raise fail("not a Gambit .efg file (it must start with 'EFG 2')")
    take("word")  # R or D
    title = take("str")
    take("sym")
    players = []
    while toks[i][0] == "str":
        players.append(take("str"))
    take("sym")
    if toks[i][0] == "str":
        take("str")  # comment
    if not players:
        raise fail("the .efg file names no players")
    g = Game(players, title)
    outcomes: dict[int, tuple[str, tuple[float, ...]]] = {}
    isets: dict[tuple[int, int], tuple[str, list[str], list[float] | None]] = {}
    used: dict[int, set[str]] = {}  # information-set names taken, per player

    def read_outcome() -> tuple[str, tuple[float, ...]] | None:
        num = int(number())
        if num == 0:
            return None
        if toks[i][0] == "str":
            name = take("str")
            take("sym")
            pay = []
            while toks[i][0] == "word":
                pay.append(number())
            take("sym")
            if len(pay) != len(players):
                raise fail(f"outcome {num} has {len(pay)} payoffs for {len(players)} players")
            outcomes[num] = (name, tuple(pay))
        if num not in outcomes:
            raise fail(f"outcome {num} is used before its payoffs are given")
        return outcomes[num]

    def node(acc: tuple[float, ...]) -> int:
        at = i
        kind = take("word")
        take("str")  # node name
        if kind == "t":
            out = read_outcome()
            pay = tuple(a + b for a, b in zip(acc, out[1], strict=True)) if out else acc
            return g.terminal(pay, out[0] if out else "")
        if kind not in ("p", "c"):
            raise fail(f"unknown node type '{kind}'", at)
        if len(g) >= MAX_EFG_NODES:
            raise fail(f"the game has more than {MAX_EFG_NODES:,} nodes (README, Limits)", at)
        player = CHANCE_PLAYER if kind == "c" else int(number()) - 1
        if kind == "p" and not 0 <= player < len(players):  # player 0 is not chance: chance nodes are 'c'
            raise fail(f"player {player + 1} does not exist (players are 1..{len(players)}; chance nodes "
                       "are written 'c')", at)
        num = int(number())
        if toks[i][0] == "str":
            label = take("str")
            take("sym")
            acts: list[str] = []
            probs: list[float] | None = [] if kind == "c" else None
            while toks[i][0] == "str":
                acts.append(take("str"))
                if probs is not None:
                    probs.append(number())
            take("sym")
            if len(set(acts)) != len(acts):
                raise fail(f"information set {num} repeats an action label", at)
            if (player, num) not in isets:
                taken = used.setdefault(player, set())
                name = label if label and label not in taken else f"{label}#{num}"
                taken.add(name)
                isets[(player, num)] = (name, acts, probs)
        if (player, num) not in isets:
            raise fail(f"information set {num} of player {player + 1} has no actions", at)
        label, acts, probs = isets[(player, num)]
        out = read_outcome()
        acc2 = tuple(a + b for a, b in zip(acc, out[1], strict=True)) if out else acc
        kids = {a: node(acc2) for a in acts}
        try:
            if kind == "c":
                return g.chance(kids, probs or [], infoset=label)
            return g.decision(player, kids, infoset=label)
        except ValueError as exc:
            raise fail(str(exc), at) from None

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20_000))
    # The parse makes ~10 objects per node and no reference cycles; the cycle collector's
    # full passes over a growing heap would make reading superlinear, so it pauses meanwhile.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        node(tuple(0.0 for _ in players))
    except RecursionError:
        raise InputError("the game tree is too deep to read (more than about 10,000 levels)", source) from None
    finally:
        sys.setrecursionlimit(old_limit)
        if gc_was_on:
            gc.enable()
    if i != n_toks:
        raise fail("unexpected text after the last node")
    return g.check_game(source)
