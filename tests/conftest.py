from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ["DETENTE_SHARED"]) if os.environ.get("DETENTE_SHARED") else REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def minimal_text() -> str:
    return (DATA / "minimal.yaml").read_text(encoding="utf-8")


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data not available: {p}")
    return p
