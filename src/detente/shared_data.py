"""Where the reference data outside the repository lives (``shared/``: data whose licence keeps it out).

One rule for every command that reads it: ``$DETENTE_SHARED`` if set, else ``../shared`` from the
current directory when that folder exists, else ``shared/`` beside the repository (a source checkout).
"""

from __future__ import annotations

import os
from pathlib import Path


def shared_folder(*parts: str) -> Path:
    """The path ``parts`` below the shared folder (it may not exist: callers report that)."""
    if os.environ.get("DETENTE_SHARED"):
        return Path(os.environ["DETENTE_SHARED"]).joinpath(*parts)
    here = Path.cwd().parent / "shared"
    if here.is_dir():
        return here.joinpath(*parts)
    return Path(__file__).resolve().parents[2].parent.joinpath("shared", *parts)
