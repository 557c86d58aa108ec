"""What the drafter's rule tests share: the matching backends to run each rule on, and the (actor, type)
pairs of the moves drafted from a text."""

from __future__ import annotations

import pytest

from detente.text.extract import extract
from detente.text.matching import spacy_available

BACKENDS = ["python", pytest.param("spacy", marks=pytest.mark.skipif(not spacy_available(),
                                                                      reason="spaCy not installed"))]


def moves(text: str, backend: str) -> set[tuple[str, str]]:
    return {(m.actor, m.type) for m in extract(text, backend).moves}
