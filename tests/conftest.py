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


@pytest.fixture(autouse=True)
def _numpy_eum_kernel_outside_the_slow_tier(request, monkeypatch):
    """The default tier runs EUM batches on the NumPy kernel: `auto` would compile the Numba kernel
    (~30 s of CPU on a fresh checkout) inside whichever quick test sweeps first. The compiled kernel,
    and its agreement with NumPy, is tested in the slow tier (`pytest -m slow`), which CI runs."""
    if request.node.get_closest_marker("slow") is None:
        import detente.models.eum.model as eum_model

        monkeypatch.setattr(eum_model, "_numba_available", lambda: False)
