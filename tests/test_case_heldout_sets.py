"""The blind crisis sets after 1989 (DECISIONS C22, C23, C25, C27): the files are the ones whose hashes were committed
before any layer ran on them, and each is a valid crisis scenario with principals and a known outcome."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from detente.scenario.loader import load_scenario

CASES = Path(__file__).resolve().parents[1] / "src" / "detente" / "cases"
DECISIONS = CASES.parents[2] / "docs" / "DECISIONS.md"
# folder -> (the DECISIONS section that committed its hashes, the next section's heading)
SETS = {"heldout2": ("## C22 ", "## C22b"), "heldout3": ("## C23 ", "## C23b"), "heldout4": ("## C25 ", "## C25b"),
        "heldout5": ("## C27 ", "## C27b")}
CLASSES = {"escalation", "agreement", "capitulation", "stalemate"}


def _sums(folder: str) -> dict[str, str]:
    text = (CASES / folder / "SHA256SUMS").read_text(encoding="utf-8")
    return dict(reversed(line.split()) for line in text.splitlines())


@pytest.mark.parametrize("folder", sorted(SETS))
def test_every_file_is_listed_and_the_list_is_what_decisions_committed(folder: str) -> None:
    sums = _sums(folder)
    assert sorted(sums) == sorted(p.name for p in (CASES / folder).glob("*.yaml")) and len(sums) == 12
    start, end = SETS[folder]
    decisions = DECISIONS.read_text(encoding="utf-8")
    flat = " ".join(decisions[decisions.index(start):decisions.index(end)].split())
    for name, digest in sums.items():
        assert f"{name[:-5]} {digest}" in flat, name


@pytest.mark.parametrize(("folder", "name"), [(f, n) for f in sorted(SETS) for n in sorted(_sums(f))])
def test_file_matches_its_hash_and_loads_as_a_crisis(folder: str, name: str) -> None:
    path = CASES / folder / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == _sums(folder)[name]
    sc = load_scenario(path)
    tags = set(sc.meta.tags)
    assert "crisis" in tags
    assert any(t.startswith("challenger:") for t in tags) and any(t.startswith("defender:") for t in tags)
    assert sc.known_outcome is not None and sc.known_outcome.outcome_class in CLASSES
