"""The third blind crisis set (DECISIONS C22): the files are the ones whose hashes were committed before any
layer ran on them, and each is a valid crisis scenario with principals and a known outcome."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from detente.scenario.loader import load_scenario

FOLDER = Path(__file__).resolve().parents[1] / "src" / "detente" / "cases" / "heldout2"
SUMS = dict(reversed(line.split()) for line in (FOLDER / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
CLASSES = {"escalation", "agreement", "capitulation", "stalemate"}


def test_every_file_is_listed_and_the_list_is_what_c22_committed() -> None:
    assert sorted(SUMS) == sorted(p.name for p in FOLDER.glob("*.yaml")) and len(SUMS) == 12
    decisions = (FOLDER.parents[3] / "docs" / "DECISIONS.md").read_text(encoding="utf-8")
    c22 = decisions[decisions.index("## C22 "):decisions.index("## C22b")]
    flat = " ".join(c22.split())
    for name, digest in SUMS.items():
        assert f"{name[:-5]} {digest}" in flat, name


@pytest.mark.parametrize("name", sorted(SUMS))
def test_file_matches_its_hash_and_loads_as_a_crisis(name: str) -> None:
    path = FOLDER / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == SUMS[name]
    sc = load_scenario(path)
    tags = set(sc.meta.tags)
    assert "crisis" in tags
    assert any(t.startswith("challenger:") for t in tags) and any(t.startswith("defender:") for t in tags)
    assert sc.known_outcome is not None and sc.known_outcome.outcome_class in CLASSES
