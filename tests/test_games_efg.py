""".efg: exact chance probabilities (Gambit checks their sum exactly) and a linear-time reader."""

from __future__ import annotations

import re
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente.games.efg as efg_mod
import detente.games.tree as tree_mod
from detente.errors import InputError
from detente.games.efg import exact_probs, read_efg, to_efg
from detente.games.tree import Game


def chance_game(ways: list[int]) -> Game:
    """Nested uniform chance moves (1/60, 1/3, ...) above one decision per branch."""
    g = Game(["A", "B"], "uniform chance")

    def build(level: int, tag: str) -> int:
        if level == len(ways):
            return g.decision("A", {"l": g.terminal([1.0, -1.0]), "r": g.terminal([0.0, 0.5])},
                              infoset=f"A{tag}")
        k = ways[level]
        kids = {f"c{j}": build(level + 1, f"{tag}.{j}") for j in range(k)}
        return g.chance(kids, [1.0 / k] * k, infoset=f"nature{tag}")

    build(0, "")
    return g.validate()


def chance_sums(text: str) -> list[list[Fraction]]:
    """Every chance node's probabilities as written, read as exact rationals."""
    out = []
    for line in text.splitlines():
        if line.startswith("c "):
            body = line[line.index("{") + 1:line.rindex("}")]
            out.append([Fraction(tok) for tok in re.findall(r'"[^"]*"\s+(\S+)', body)])
    return out


def test_uniform_chance_is_written_as_exact_fractions_summing_to_one() -> None:
    text = to_efg(chance_game([60, 3]))
    rows = chance_sums(text)
    assert len(rows) == 61
    assert all(sum(r) == 1 for r in rows)
    assert rows[0] == [Fraction(1, 60)] * 60
    assert "0.0166" not in text and "1/60" in text and "1/3" in text
    back = read_efg(text)
    assert to_efg(back) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=40).filter(lambda w: sum(w) > 0))
def test_exact_probs_sum_to_one_and_stay_close(weights: list[float]) -> None:
    probs = [w / sum(weights) for w in weights]
    fr = exact_probs(probs)
    assert sum(fr) == 1
    assert all(f >= 0 for f in fr)
    assert all(abs(float(f) - p) <= 1e-9 for f, p in zip(fr, probs, strict=True))
    assert exact_probs([float(f) for f in fr]) == fr  # written, read back, written again: same text


def test_pygambit_loads_the_export(tmp_path: Path) -> None:
    gbt = pytest.importorskip("pygambit")
    path = tmp_path / "g.efg"
    path.write_text(to_efg(chance_game([60, 7])), encoding="utf-8")
    gg = gbt.read_efg(str(path))
    assert len(gg.players) == 2
    root = gg.root
    probs = [a.prob for a in root.infoset.actions]
    assert len(probs) == 60 and sum(probs) == 1 and probs[0] == Fraction(1, 60)


def big_efg(depth: int) -> str:
    """A complete binary tree: two players alternate, chance (1/3, 2/3) at every third level,
    every decision node its own information set (the case that made the old reader quadratic)."""
    lines = ['EFG 2 R "big" { "A" "B" }', '""']
    count = [0, 0, 0, 0]  # A's sets, B's sets, chance sets, outcomes
    stack = [0]
    while stack:
        d = stack.pop()
        if d == depth:
            count[3] += 1
            lines.append(f't "" {count[3]} "o{count[3]}" {{ {count[3] % 7}, {-(count[3] % 5)} }}')
            continue
        if d % 3 == 2:
            count[2] += 1
            lines.append(f'c "" {count[2]} "c{count[2]}" {{ "h" 1/3 "t" 2/3 }} 0')
        else:
            p = d % 2
            count[p] += 1
            lines.append(f'p "" {p + 1} {count[p]} "s{count[p]}" {{ "l" "r" }} 0')
        stack += [d + 1, d + 1]
    return "\n".join(lines) + "\n"


def _lines_executed(text: str) -> int:
    """Line events in the reader and the tree model while reading ``text`` (a clock-free cost)."""
    files = {efg_mod.__file__, tree_mod.__file__}
    n = 0

    def local(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal n
        if event == "line":
            n += 1
        return local

    def glob(frame, event, arg):  # type: ignore[no-untyped-def]
        return local if frame.f_code.co_filename in files else None

    sys.settrace(glob)
    try:
        read_efg(text)
    finally:
        sys.settrace(None)
    return n


def test_reader_work_grows_linearly() -> None:
    small, large = big_efg(10), big_efg(12)  # 2,047 and 8,191 nodes
    ratio = _lines_executed(large) / _lines_executed(small)
    assert ratio < 4.4  # the old reader (used-label set rebuilt per information set) gave ~13


@pytest.mark.slow
def test_reads_a_100k_node_file_in_under_two_seconds() -> None:
    text = big_efg(16)  # 131,071 nodes
    t0 = time.process_time()  # CPU time: other jobs on the machine do not count
    g = read_efg(text)
    took = time.process_time() - t0
    assert len(g) == 2**17 - 1
    assert took < 2.0


def test_errors_name_the_line() -> None:
    text = 'EFG 2 R "x" { "A" "B" }\n""\np "" 1 1 "s" { "a" "b" } 0\nt "" 1 "o" { 1 2 }\nt "" 2 "p" { 1 zz }\n'
    with pytest.raises(InputError) as e:
        read_efg(text, "g.efg")
    assert e.value.line == 5 and "zz" in str(e.value) and str(e.value).startswith("g.efg:5")
    with pytest.raises(InputError) as e:
        read_efg('EFG 2 R "x" { "A" }\n""\n\np "" 1 1 "s" { "a" "a" } 0\n', "g.efg")
    assert e.value.line == 4
    with pytest.raises(InputError) as e:
        read_efg('EFG 2 R "x" { "A" }\n""\np "" 1 1 "s" { "a" } 0\n', "g.efg")
    assert "ends too early" in str(e.value)
