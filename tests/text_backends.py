"""What the drafter's rule tests share: the matching backends to run each rule on, and the (actor, type)
pairs of the moves drafted from a text."""

from __future__ import annotations

import copy
import functools

import pytest

from detente.text.extract import Extractor, extract
from detente.text.matching import spacy_available

BACKENDS = ["python", pytest.param("spacy", marks=pytest.mark.skipif(not spacy_available(),
                                                                      reason="spaCy not installed"))]


def moves(text: str, backend: str) -> set[tuple[str, str]]:
    return {(m.actor, m.type) for m in extract(text, backend).moves}


@functools.cache
def _compiled(backend: str) -> Extractor:
    return Extractor(backend)


def extractor(backend: str, **options: object) -> Extractor:
    """An extractor with some options changed, sharing one compiled matcher per backend (compiling spaCy's
    takes about a second; a run starts afresh, as :func:`detente.text.extract.extract`'s cached one does)."""
    ex = copy.copy(_compiled(backend))
    for name, value in options.items():
        if not hasattr(ex, name):
            raise AttributeError(f"Extractor has no option {name!r}")
        setattr(ex, name, value)
    return ex
